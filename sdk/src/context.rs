//! Where and why an action runs.

use serde::de::DeserializeOwned;
use serde_json::Value;

use crate::ActionError;
use crate::bindings::atlas::workflow::types as wit;

/// Where and why an action runs; built by the engine for every attempt.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Context {
    /// Tenant the run belongs to; every host call is scoped to it.
    pub org_id: String,
    /// Workflow the step belongs to.
    pub workflow_id: String,
    /// Execution: one contact going through one workflow.
    pub execution_id: String,
    /// Node id of this step inside the workflow graph.
    pub step_id: String,
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub attempt: u32,
    /// Stable across retries and re-runs of this step: pass it to providers.
    pub idempotency_key: String,
    /// True for test runs: the action must not send anything for real.
    pub test_mode: bool,
    /// The engine clock at the start of this attempt, in milliseconds since the Unix epoch.
    pub now_unix_ms: u64,
    /// The trigger payload, as JSON text.
    pub trigger_json: String,
    /// The contact the execution is about, as JSON text, when there is one.
    pub contact_json: Option<String>,
}

impl Context {
    /// The trigger payload; `null` when the engine sent no valid JSON.
    pub fn trigger(&self) -> Value {
        serde_json::from_str(&self.trigger_json).unwrap_or(Value::Null)
    }

    /// The trigger payload parsed into `T`; a mismatch is an invalid-input error.
    pub fn trigger_as<T: DeserializeOwned>(&self) -> Result<T, ActionError> {
        serde_json::from_str(&self.trigger_json)
            .map_err(|error| ActionError::invalid_input(format!("trigger payload: {error}")))
    }

    /// The contact snapshot, when the execution is about a contact.
    pub fn contact(&self) -> Option<Value> {
        let json = self.contact_json.as_deref()?;
        serde_json::from_str(json).ok()
    }
}

impl From<wit::Context> for Context {
    fn from(ctx: wit::Context) -> Self {
        Self {
            org_id: ctx.org_id,
            workflow_id: ctx.workflow_id,
            execution_id: ctx.execution_id,
            step_id: ctx.step_id,
            attempt: ctx.attempt,
            idempotency_key: ctx.idempotency_key,
            test_mode: ctx.test_mode,
            now_unix_ms: ctx.now_unix_ms,
            trigger_json: ctx.trigger_json,
            contact_json: ctx.contact_json,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn trigger_and_contact_parse_their_json() {
        let ctx = Context {
            trigger_json: r#"{"source":"website"}"#.into(),
            contact_json: Some(r#"{"id":"c1"}"#.into()),
            ..Context::default()
        };
        assert_eq!(ctx.trigger(), json!({"source": "website"}));
        assert_eq!(ctx.contact(), Some(json!({"id": "c1"})));
    }

    #[test]
    fn missing_contact_and_invalid_trigger_are_empty() {
        let ctx = Context {
            trigger_json: "not json".into(),
            ..Context::default()
        };
        assert_eq!(ctx.trigger(), Value::Null);
        assert_eq!(ctx.contact(), None);
        assert!(matches!(
            ctx.trigger_as::<Value>(),
            Err(ActionError::InvalidInput(_))
        ));
    }
}
