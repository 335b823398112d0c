//! `atlas.crm.create-opportunity`: opens a sales opportunity for the contact
//! ("PT pack, £300") in a stage of one of the org's pipelines. The new
//! opportunity's id is the output, for a later move-opportunity step.

use atlas_sdk::crm::{self, NewOpportunity};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required, resolve_contact_id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of every successful run.
const CREATED: &str = "created";

/// The opportunity to open.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateOpportunityInput {
    /// Title: "Personal training pack".
    pub title: String,
    /// The pipeline.
    pub pipeline_id: String,
    /// The stage it starts in; one of the pipeline's stages.
    pub stage_id: String,
    /// Its value in the currency's minor unit: 30000 is 300.00.
    #[serde(default)]
    pub value_minor: i64,
    /// ISO 4217 currency code: `GBP`, `EUR`, `USD`.
    pub currency: String,
    /// The contact; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The new opportunity.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct CreateOpportunityOutput {
    /// The opportunity's id.
    pub opportunity_id: String,
    /// The contact it is for.
    pub contact_id: String,
    /// The stage it is in.
    pub stage_id: String,
}

/// The create-opportunity action.
pub struct CreateOpportunity;

impl Action for CreateOpportunity {
    type Input = CreateOpportunityInput;
    type Output = CreateOpportunityOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.crm.create-opportunity",
            "Create opportunity",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Opens a sales opportunity for the contact in a stage of a pipeline.")
        .category(Category::Crm)
        .icon("badge-dollar-sign")
        .outcome(CREATED, "Created")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: CreateOpportunityInput,
    ) -> Result<Outcome<CreateOpportunityOutput>, ActionError> {
        let title = required("title", &input.title)?.to_owned();
        let pipeline_id = required("pipeline_id", &input.pipeline_id)?.to_owned();
        let stage_id = required("stage_id", &input.stage_id)?.to_owned();
        let currency = required("currency", &input.currency)?.to_ascii_uppercase();
        if input.value_minor < 0 {
            return Err(ActionError::invalid_input(
                "value_minor must not be negative",
            ));
        }
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        let opportunity_id = crm::create_opportunity(&NewOpportunity {
            contact_id: contact_id.clone(),
            pipeline_id,
            stage_id: stage_id.clone(),
            title,
            value_minor: input.value_minor,
            currency,
        })
        .map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(
            CREATED,
            CreateOpportunityOutput {
                opportunity_id,
                contact_id,
                stage_id,
            },
        ))
    }
}

atlas_sdk::export_action!(CreateOpportunity);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<CreateOpportunity>();
        assert_eq!(manifest.id, "atlas.crm.create-opportunity");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(
            input["required"],
            json!(["title", "pipeline_id", "stage_id", "currency"])
        );
    }

    #[test]
    fn bad_input_is_refused_before_any_crm_call() {
        let ctx = Context {
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        };
        let base = json!({ "title": "PT", "pipeline_id": "p", "stage_id": "s", "currency": "GBP" });
        for (field, value, message) in [
            ("title", json!(" "), "title must not be empty"),
            ("stage_id", json!(""), "stage_id must not be empty"),
            ("value_minor", json!(-1), "value_minor must not be negative"),
        ] {
            let mut input = base.clone();
            input[field] = value;
            let input = serde_json::from_value(input).unwrap();
            assert_eq!(
                CreateOpportunity::execute(&ctx, input).unwrap_err(),
                ActionError::invalid_input(message)
            );
        }
    }
}
