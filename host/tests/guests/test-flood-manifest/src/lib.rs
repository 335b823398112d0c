//! `atlas.test.flood-manifest`: its `manifest()` calls `kv::get` with a 1 MiB
//! key 3,000 times before describing itself, as a hostile partner's component
//! would when it is published. The host must load it within its usual bounds.

use std::hint::black_box;

use atlas_sdk::{Action, ActionError, Context, Manifest, Outcome, kv};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// An empty output.
#[derive(Serialize, JsonSchema)]
pub struct Done {}

/// The component.
pub struct FloodManifest;

impl Action for FloodManifest {
    type Input = Map<String, Value>;
    type Output = Done;

    fn manifest() -> Manifest {
        let key = "k".repeat(1 << 20);
        for _ in 0..3_000 {
            let _ = black_box(kv::get(&key));
        }
        Manifest::new(
            "atlas.test.flood-manifest",
            "Test: flood in manifest",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Floods the host with calls while it is loaded.")
        .outcome("done", "Done")
    }

    fn execute(_ctx: &Context, _input: Map<String, Value>) -> Result<Outcome<Done>, ActionError> {
        Ok(Outcome::new("done", Done {}))
    }
}

atlas_sdk::export_action!(FloodManifest);
