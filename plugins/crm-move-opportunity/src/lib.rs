//! `atlas.crm.move-opportunity`: moves an opportunity to another stage of its
//! pipeline ("Trial booked" → "Won"), typically one a create-opportunity step
//! opened (`{{steps.<id>.output.opportunity_id}}`).

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of every successful run.
const MOVED: &str = "moved";

/// The opportunity and where it goes.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveOpportunityInput {
    /// The opportunity.
    pub opportunity_id: String,
    /// The stage to move it to; one of its pipeline's stages.
    pub stage_id: String,
}

/// The opportunity and its new stage.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct MoveOpportunityOutput {
    /// The opportunity.
    pub opportunity_id: String,
    /// The stage it is now in.
    pub stage_id: String,
}

/// The move-opportunity action.
pub struct MoveOpportunity;

impl Action for MoveOpportunity {
    type Input = MoveOpportunityInput;
    type Output = MoveOpportunityOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.crm.move-opportunity",
            "Move opportunity",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Moves an opportunity to another stage of its pipeline.")
        .category(Category::Crm)
        .icon("move-right")
        .outcome(MOVED, "Moved")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        _ctx: &Context,
        input: MoveOpportunityInput,
    ) -> Result<Outcome<MoveOpportunityOutput>, ActionError> {
        let opportunity_id = required("opportunity_id", &input.opportunity_id)?.to_owned();
        let stage_id = required("stage_id", &input.stage_id)?.to_owned();
        crm::move_opportunity(&opportunity_id, &stage_id)
            .map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(
            MOVED,
            MoveOpportunityOutput {
                opportunity_id,
                stage_id,
            },
        ))
    }
}

atlas_sdk::export_action!(MoveOpportunity);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<MoveOpportunity>();
        assert_eq!(manifest.id, "atlas.crm.move-opportunity");
        assert_eq!(manifest.outcomes[0].name, "moved");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
    }

    #[test]
    fn blank_ids_are_invalid_input() {
        let input =
            serde_json::from_value(json!({ "opportunity_id": " ", "stage_id": "s" })).unwrap();
        assert_eq!(
            MoveOpportunity::execute(&Context::default(), input).unwrap_err(),
            ActionError::invalid_input("opportunity_id must not be empty")
        );
    }
}
