//! `atlas.crm.update-contact`: changes the contact's fields, custom fields and
//! consent, and outputs the contact as it now is. Fields left out keep their
//! value; custom fields are merged (a `null` removes one); each consent flag
//! given replaces that channel's consent, the others stay.
//!
//! Test runs get the contact as it would be, and nothing is stored: the
//! host's CRM previews the change in test mode.

mod input;

use atlas_sdk::crm::{self, ContactPatch};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, ContactOutput, crm_failure, resolve_contact_id};

use crate::input::{ConsentChange, UpdateContactInput};

/// The outcome of every successful run.
const UPDATED: &str = "updated";

/// The contact-update action.
pub struct UpdateContact;

impl Action for UpdateContact {
    type Input = UpdateContactInput;
    type Output = ContactOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.crm.update-contact",
            "Update contact",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Changes the contact's name, email, phone, status, lifecycle stage, owner, \
             custom fields or consent; fields left empty keep their value.",
        )
        .category(Category::Crm)
        .icon("user-pen")
        .outcome(UPDATED, "Updated")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: UpdateContactInput,
    ) -> Result<Outcome<ContactOutput>, ActionError> {
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        let mut patch = input.patch()?;
        if let Some(change) = input.consent.filter(|change| !change.is_empty()) {
            patch.consent = Some(consent(&contact_id, &change)?);
        }
        let updated = crm::update_contact(&contact_id, &patch)
            .map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(UPDATED, ContactOutput::from(updated)))
    }
}

/// The contact's consent after `change`: flags not given are read from the
/// CRM, so only the channels the input names change.
fn consent(contact_id: &str, change: &ConsentChange) -> Result<crm::Consent, ActionError> {
    if let Some(complete) = change.complete() {
        return Ok(complete);
    }
    let current = crm::get_contact(contact_id)
        .map_err(|error| crm_failure(Access::Write, error))?
        .consent;
    Ok(change.applied_to(current))
}

/// Whether `patch` changes anything.
fn is_empty(patch: &ContactPatch) -> bool {
    patch.first_name.is_none()
        && patch.last_name.is_none()
        && patch.email.is_none()
        && patch.phone.is_none()
        && patch.status.is_none()
        && patch.lifecycle_stage.is_none()
        && patch.owner_id.is_none()
        && patch.custom_fields_json.is_none()
        && patch.consent.is_none()
}

atlas_sdk::export_action!(UpdateContact);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_requests_crm_write_only() {
        let manifest = atlas_sdk::export::manifest::<UpdateContact>();
        assert_eq!(manifest.id, "atlas.crm.update-contact");
        assert_eq!(manifest.category, Category::Crm);
        assert_eq!(manifest.outcomes[0].name, "updated");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["additionalProperties"], false);
        assert!(input["properties"]["consent"].is_object());
        let output: Value = serde_json::from_str(&manifest.output_schema).unwrap();
        assert_eq!(output["properties"]["custom_fields"]["type"], "object");
    }

    #[test]
    fn an_input_that_changes_nothing_is_refused_before_any_crm_call() {
        let ctx = Context {
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        };
        for input in [
            json!({}),
            json!({ "custom_fields": {} }),
            json!({ "contact_id": "c_2" }),
        ] {
            let input = serde_json::from_value(input).unwrap();
            let error = UpdateContact::execute(&ctx, input).unwrap_err();
            assert!(
                matches!(&error, ActionError::InvalidInput(m) if m.starts_with("nothing to change")),
                "{error:?}"
            );
        }
    }

    #[test]
    fn without_a_contact_nothing_is_asked() {
        let input = serde_json::from_value(json!({ "status": "member" })).unwrap();
        let error = UpdateContact::execute(&Context::default(), input).unwrap_err();
        assert!(matches!(error, ActionError::InvalidInput(m) if m.starts_with("no contact")));
    }
}
