//! `atlas.test.spin`: never returns from execute, so the host's wall-clock and
//! fuel limits have something to stop.

use std::hint::black_box;

use atlas_sdk::{Action, ActionError, Context, Manifest, Outcome};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// The output it never produces.
#[derive(Serialize, JsonSchema)]
pub struct Never {}

/// Spins forever.
pub struct Spin;

impl Action for Spin {
    type Input = Map<String, Value>;
    type Output = Never;

    fn manifest() -> Manifest {
        Manifest::new("atlas.test.spin", "Test: spin", env!("CARGO_PKG_VERSION"))
            .description("Loops forever.")
            .outcome("done", "Done")
    }

    fn execute(_ctx: &Context, _input: Map<String, Value>) -> Result<Outcome<Never>, ActionError> {
        let mut counter = 0u64;
        loop {
            counter = black_box(counter.wrapping_add(1));
        }
    }
}

atlas_sdk::export_action!(Spin);
