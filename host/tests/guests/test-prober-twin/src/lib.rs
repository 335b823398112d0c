//! `atlas.test.prober-twin`: the same calls as `atlas.test.prober` under
//! another plugin id, so tests can prove that kv is scoped per plugin.

use atlas_sdk::{Action, ActionError, Context, Manifest, Outcome};
use prober_core::{Call, Report};

/// The prober's twin.
pub struct ProberTwin;

impl Action for ProberTwin {
    type Input = Vec<Call>;
    type Output = Report;

    fn manifest() -> Manifest {
        prober_core::manifest("atlas.test.prober-twin", "Test: prober twin")
    }

    fn execute(_ctx: &Context, calls: Vec<Call>) -> Result<Outcome<Report>, ActionError> {
        prober_core::execute(&calls)
    }
}

atlas_sdk::export_action!(ProberTwin);
