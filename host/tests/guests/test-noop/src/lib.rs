//! `atlas.test.noop`: accepts any object and returns outcome `done` with `{}`.
//! The host's benchmarks use it to measure the cost of one run.

use atlas_sdk::{Action, ActionError, Context, Manifest, Outcome};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// The empty output document.
#[derive(Serialize, JsonSchema)]
pub struct Done {}

/// Does nothing.
pub struct Noop;

impl Action for Noop {
    type Input = Map<String, Value>;
    type Output = Done;

    fn manifest() -> Manifest {
        Manifest::new("atlas.test.noop", "Test: no-op", env!("CARGO_PKG_VERSION"))
            .description("Does nothing and succeeds.")
            .outcome("done", "Done")
    }

    fn execute(_ctx: &Context, _input: Map<String, Value>) -> Result<Outcome<Done>, ActionError> {
        Ok(Outcome::new("done", Done {}))
    }
}

atlas_sdk::export_action!(Noop);
