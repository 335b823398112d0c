//! `atlas.crm.create-task`: creates an open task for staff ("Call Ada about
//! her trial"), about the run's contact when there is one, due at a given
//! time or after a delay counted from the step's start.

mod due;
mod input;

use atlas_sdk::crm::{self, NewTask};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required};
use schemars::JsonSchema;
use serde::Serialize;

use crate::input::CreateTaskInput;

/// The outcome of every successful run.
const CREATED: &str = "created";

/// The new task.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct CreateTaskOutput {
    /// The task's id.
    pub task_id: String,
    /// The contact it concerns, if any.
    pub contact_id: Option<String>,
    /// When it is due, in milliseconds since the Unix epoch.
    pub due_unix_ms: Option<u64>,
}

/// The create-task action.
pub struct CreateTask;

impl Action for CreateTask {
    type Input = CreateTaskInput;
    type Output = CreateTaskOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.crm.create-task",
            "Create task",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Creates a task for your staff about the contact, due at a set time or after a delay.",
        )
        .category(Category::Crm)
        .icon("list-checks")
        .outcome(CREATED, "Created")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: CreateTaskInput,
    ) -> Result<Outcome<CreateTaskOutput>, ActionError> {
        let title = required("title", &input.title)?.to_owned();
        let contact_id = input.contact_id(ctx)?;
        let due_unix_ms = input.due_unix_ms(ctx.now_unix_ms)?;
        let assignee_id = input
            .assignee_id
            .as_deref()
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned);
        let task = NewTask {
            contact_id: contact_id.clone(),
            title,
            description: input.description.trim().to_owned(),
            assignee_id,
            due_unix_ms,
            priority: input.priority.into(),
        };
        let task_id = crm::create_task(&task).map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(
            CREATED,
            CreateTaskOutput {
                task_id,
                contact_id,
                due_unix_ms,
            },
        ))
    }
}

atlas_sdk::export_action!(CreateTask);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<CreateTask>();
        assert_eq!(manifest.id, "atlas.crm.create-task");
        assert_eq!(manifest.outcomes[0].name, "created");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["required"], json!(["title"]));
    }

    #[test]
    fn bad_input_is_refused_before_any_crm_call() {
        for (input, message) in [
            (json!({ "title": " " }), "title must not be empty"),
            (
                json!({ "title": "Call", "due_at": "2025-01-01T09:00:00Z", "due_in": "2d" }),
                "give due_at or due_in, not both",
            ),
            (
                json!({ "title": "Call", "due_in": "soon" }),
                "due_in `soon` is not a duration such as 30m, 4h, 2d or 1w",
            ),
        ] {
            let input = serde_json::from_value(input).unwrap();
            assert_eq!(
                CreateTask::execute(&Context::default(), input).unwrap_err(),
                ActionError::invalid_input(message)
            );
        }
    }
}
