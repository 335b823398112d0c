//! `atlas.test.prober`: performs the host calls listed in its input and
//! reports each result (see `prober-core`).

use atlas_sdk::{Action, ActionError, Context, Manifest, Outcome};
use prober_core::{Call, Report};

/// The prober.
pub struct Prober;

impl Action for Prober {
    type Input = Vec<Call>;
    type Output = Report;

    fn manifest() -> Manifest {
        prober_core::manifest("atlas.test.prober", "Test: prober")
    }

    fn execute(_ctx: &Context, calls: Vec<Call>) -> Result<Outcome<Report>, ActionError> {
        prober_core::execute(&calls)
    }
}

atlas_sdk::export_action!(Prober);
