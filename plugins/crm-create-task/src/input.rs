//! What the workflow author fills in.

use atlas_sdk::crm::TaskPriority;
use atlas_sdk::{ActionError, Context};
use crm_common::contact_id::run_contact_id;
use crm_common::resolve_contact_id;
use schemars::JsonSchema;
use serde::Deserialize;

use crate::due;

/// The task to create.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateTaskInput {
    /// Short title: "Call {{contact.first_name}} about the trial".
    pub title: String,
    /// Details for whoever does it.
    #[serde(default)]
    pub description: String,
    /// The staff member who should do it; unassigned when left out.
    #[serde(default)]
    pub assignee_id: Option<String>,
    /// Due at this time, RFC 3339: `2025-06-02T09:00:00+01:00`.
    #[serde(default)]
    pub due_at: Option<String>,
    /// Due this long after the step runs: `30m`, `4h`, `2d`, `1w` (or `1d12h`).
    #[serde(default)]
    pub due_in: Option<String>,
    /// `low`, `normal` (the default), `high` or `urgent`.
    #[serde(default)]
    pub priority: Priority,
    /// The contact the task is about; the run's contact when left out. A run
    /// without a contact creates a task about nobody.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// How urgent the task is.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    /// Whenever there is time.
    Low,
    /// The usual.
    #[default]
    Normal,
    /// Before the usual ones.
    High,
    /// Now.
    Urgent,
}

impl From<Priority> for TaskPriority {
    fn from(priority: Priority) -> Self {
        match priority {
            Priority::Low => TaskPriority::Low,
            Priority::Normal => TaskPriority::Normal,
            Priority::High => TaskPriority::High,
            Priority::Urgent => TaskPriority::Urgent,
        }
    }
}

impl CreateTaskInput {
    /// The contact the task is about: the explicit one, else the run's, else none.
    pub fn contact_id(&self, ctx: &Context) -> Result<Option<String>, ActionError> {
        match &self.contact_id {
            Some(explicit) => resolve_contact_id(ctx, Some(explicit)).map(Some),
            None => Ok(run_contact_id(ctx)),
        }
    }

    /// When the task is due, from `due_at` or from `due_in` after `now_unix_ms`.
    pub fn due_unix_ms(&self, now_unix_ms: u64) -> Result<Option<u64>, ActionError> {
        let at = self
            .due_at
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        let within = self
            .due_in
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty());
        match (at, within) {
            (Some(_), Some(_)) => Err(ActionError::invalid_input(
                "give due_at or due_in, not both",
            )),
            (Some(at), None) => due::parse_rfc3339_ms(at).map(Some).ok_or_else(|| {
                ActionError::invalid_input(format!(
                    "due_at `{at}` is not an RFC 3339 time such as 2025-06-02T09:00:00Z"
                ))
            }),
            (None, Some(within)) => {
                let delay = due::parse_duration_ms(within).ok_or_else(|| {
                    ActionError::invalid_input(format!(
                        "due_in `{within}` is not a duration such as 30m, 4h, 2d or 1w"
                    ))
                })?;
                Ok(Some(now_unix_ms.saturating_add(delay)))
            }
            (None, None) => Ok(None),
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(value: serde_json::Value) -> CreateTaskInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn due_in_counts_from_now() {
        let task = input(json!({ "title": "Call", "due_in": "2d" }));
        assert_eq!(
            task.due_unix_ms(1_000).unwrap(),
            Some(1_000 + 2 * 86_400_000)
        );
        let task = input(json!({ "title": "Call", "due_at": "1970-01-02T00:00:00Z" }));
        assert_eq!(task.due_unix_ms(5).unwrap(), Some(86_400_000));
        let task = input(json!({ "title": "Call" }));
        assert_eq!(task.due_unix_ms(5).unwrap(), None);
    }

    #[test]
    fn a_bad_due_time_is_invalid_input() {
        let task = input(json!({ "title": "Call", "due_at": "tomorrow" }));
        assert_eq!(
            task.due_unix_ms(0).unwrap_err(),
            ActionError::invalid_input(
                "due_at `tomorrow` is not an RFC 3339 time such as 2025-06-02T09:00:00Z"
            )
        );
    }

    #[test]
    fn the_contact_is_optional() {
        let with = Context {
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        };
        let task = input(json!({ "title": "Call" }));
        assert_eq!(task.contact_id(&with).unwrap(), Some("c_1".into()));
        assert_eq!(task.contact_id(&Context::default()).unwrap(), None);
        let explicit = input(json!({ "title": "Call", "contact_id": "c_2" }));
        assert_eq!(explicit.contact_id(&with).unwrap(), Some("c_2".into()));
        let blank = input(json!({ "title": "Call", "contact_id": "" }));
        assert!(blank.contact_id(&with).is_err());
    }

    #[test]
    fn priorities_are_lowercase_words() {
        assert_eq!(
            input(json!({ "title": "x", "priority": "urgent" })).priority,
            Priority::Urgent
        );
        assert_eq!(input(json!({ "title": "x" })).priority, Priority::Normal);
        assert!(
            serde_json::from_value::<CreateTaskInput>(json!({ "title": "x", "priority": "asap" }))
                .is_err()
        );
    }
}
