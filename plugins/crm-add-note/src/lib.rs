//! `atlas.crm.add-note`: adds a note to the contact's timeline, written by
//! the action (the CRM records `plugin:atlas.crm.add-note` as its author).
//! The note's id is the output.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required, resolve_contact_id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of every successful run.
const ADDED: &str = "added";

/// The note to add.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct AddNoteInput {
    /// The note's text: "Asked about personal training on {{trigger.date}}".
    pub body: String,
    /// The contact; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The new note.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct AddNoteOutput {
    /// The note's id.
    pub note_id: String,
    /// The contact it belongs to.
    pub contact_id: String,
}

/// The add-note action.
pub struct AddNote;

impl Action for AddNote {
    type Input = AddNoteInput;
    type Output = AddNoteOutput;

    fn manifest() -> Manifest {
        Manifest::new("atlas.crm.add-note", "Add note", env!("CARGO_PKG_VERSION"))
            .description("Adds a note to the contact's timeline.")
            .category(Category::Crm)
            .icon("sticky-note")
            .outcome(ADDED, "Added")
            .capability(Capability::CrmWrite)
    }

    fn execute(ctx: &Context, input: AddNoteInput) -> Result<Outcome<AddNoteOutput>, ActionError> {
        let body = required("body", &input.body)?;
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        let note_id =
            crm::add_note(&contact_id, body).map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(
            ADDED,
            AddNoteOutput {
                note_id,
                contact_id,
            },
        ))
    }
}

atlas_sdk::export_action!(AddNote);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<AddNote>();
        assert_eq!(manifest.id, "atlas.crm.add-note");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
        let output: Value = serde_json::from_str(&manifest.output_schema).unwrap();
        assert_eq!(output["properties"]["note_id"]["type"], "string");
    }

    #[test]
    fn an_empty_note_is_invalid_input() {
        let input = serde_json::from_value(json!({ "body": "", "contact_id": "c_1" })).unwrap();
        assert_eq!(
            AddNote::execute(&Context::default(), input).unwrap_err(),
            ActionError::invalid_input("body must not be empty")
        );
    }
}
