//! `atlas.crm.remove-tag`: removes a tag from the contact. Removing a tag
//! the contact does not have changes nothing and still succeeds, so a
//! workflow can clean up (`trial` once the contact joins) unconditionally.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required, resolve_contact_id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of every successful run.
const REMOVED: &str = "removed";

/// The tag to remove.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct RemoveTagInput {
    /// The tag, such as `trial`.
    pub tag: String,
    /// The contact; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The contact and the tag it no longer has.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct RemoveTagOutput {
    /// The contact.
    pub contact_id: String,
    /// The tag, trimmed.
    pub tag: String,
}

/// The remove-tag action.
pub struct RemoveTag;

impl Action for RemoveTag {
    type Input = RemoveTagInput;
    type Output = RemoveTagOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.crm.remove-tag",
            "Remove tag",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Removes a tag from the contact, if it has it.")
        .category(Category::Crm)
        .icon("tag-off")
        .outcome(REMOVED, "Removed")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: RemoveTagInput,
    ) -> Result<Outcome<RemoveTagOutput>, ActionError> {
        let tag = required("tag", &input.tag)?;
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        crm::remove_tag(&contact_id, tag).map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(
            REMOVED,
            RemoveTagOutput {
                contact_id,
                tag: tag.to_owned(),
            },
        ))
    }
}

atlas_sdk::export_action!(RemoveTag);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<RemoveTag>();
        assert_eq!(manifest.id, "atlas.crm.remove-tag");
        assert_eq!(manifest.outcomes[0].name, "removed");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
    }

    #[test]
    fn no_contact_is_invalid_input() {
        let input = serde_json::from_value(json!({ "tag": "trial" })).unwrap();
        let error = RemoveTag::execute(&Context::default(), input).unwrap_err();
        assert!(matches!(error, ActionError::InvalidInput(m) if m.starts_with("no contact")));
    }
}
