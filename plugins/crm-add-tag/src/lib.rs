//! `atlas.crm.add-tag`: tags the contact. A tag the contact did not have yet
//! fires the CRM event `tag_added`, which can start other workflows; adding
//! a tag the contact already has changes nothing and still succeeds.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required, resolve_contact_id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of every successful run.
const ADDED: &str = "added";

/// The tag to add.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddTagInput {
    /// The tag, such as `vip` or `trial-booked`.
    pub tag: String,
    /// The contact to tag; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The contact and the tag it now has.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct AddTagOutput {
    /// The tagged contact.
    pub contact_id: String,
    /// The tag, trimmed.
    pub tag: String,
}

/// The add-tag action.
pub struct AddTag;

impl Action for AddTag {
    type Input = AddTagInput;
    type Output = AddTagOutput;

    fn manifest() -> Manifest {
        Manifest::new("atlas.crm.add-tag", "Add tag", env!("CARGO_PKG_VERSION"))
            .description("Adds a tag to the contact; a new tag can start other workflows.")
            .category(Category::Crm)
            .icon("tag")
            .outcome(ADDED, "Tagged")
            .capability(Capability::CrmWrite)
    }

    fn execute(ctx: &Context, input: AddTagInput) -> Result<Outcome<AddTagOutput>, ActionError> {
        let tag = required("tag", &input.tag)?;
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        crm::add_tag(&contact_id, tag).map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(
            ADDED,
            AddTagOutput {
                contact_id,
                tag: tag.to_owned(),
            },
        ))
    }
}

atlas_sdk::export_action!(AddTag);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<AddTag>();
        assert_eq!(manifest.id, "atlas.crm.add-tag");
        assert_eq!(manifest.outcomes[0].name, "added");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["required"], json!(["tag"]));
    }

    #[test]
    fn a_blank_tag_is_invalid_input() {
        let ctx = Context {
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        };
        let input = serde_json::from_value(json!({ "tag": "  " })).unwrap();
        assert_eq!(
            AddTag::execute(&ctx, input).unwrap_err(),
            ActionError::invalid_input("tag must not be empty")
        );
    }
}
