//! `atlas.test.message`: a communication-category action that sends nothing;
//! it returns outcome `sent` with the engine time it ran at, so tests can check
//! when messaging steps run (quiet hours).

use atlas_sdk::{Action, ActionError, Category, Context, Manifest, Outcome};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// When the message went out.
#[derive(Serialize, JsonSchema)]
pub struct Sent {
    /// Engine clock at the attempt, ms since the Unix epoch.
    pub at: u64,
}

/// Pretends to send a message.
pub struct Message;

impl Action for Message {
    type Input = Map<String, Value>;
    type Output = Sent;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.test.message",
            "Test: message",
            env!("CARGO_PKG_VERSION"),
        )
        .description("A messaging action that records when it ran.")
        .category(Category::Communication)
        .outcome("sent", "Sent")
    }

    fn execute(ctx: &Context, _input: Map<String, Value>) -> Result<Outcome<Sent>, ActionError> {
        Ok(Outcome::new(
            "sent",
            Sent {
                at: ctx.now_unix_ms,
            },
        ))
    }
}

atlas_sdk::export_action!(Message);
