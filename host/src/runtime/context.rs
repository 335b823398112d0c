//! The context the engine gives an action for one attempt, and what a caller
//! hands the runtime to run an action.

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::bindings::atlas::workflow::types as wit;
use crate::capabilities::Grants;

/// Where and why an action runs; converted to the WIT `context` record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct ActionContext {
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// Execution.
    pub execution_id: String,
    /// Node id of the step.
    pub step_id: String,
    /// 1-based attempt number.
    pub attempt: u32,
    /// Stable across retries and re-runs of the step.
    pub idempotency_key: String,
    /// Test runs must not send anything for real.
    pub test_mode: bool,
    /// Engine clock at the start of the attempt (ms since the Unix epoch).
    pub now_unix_ms: u64,
    /// The trigger payload.
    pub trigger: Value,
    /// The contact snapshot.
    pub contact: Option<Value>,
}

impl Default for ActionContext {
    fn default() -> Self {
        Self {
            org_id: "local".into(),
            workflow_id: "local".into(),
            execution_id: "local".into(),
            step_id: "step".into(),
            attempt: 1,
            idempotency_key: "local-run".into(),
            test_mode: false,
            now_unix_ms: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_millis() as u64)
                .unwrap_or(0),
            trigger: Value::Object(Default::default()),
            contact: None,
        }
    }
}

impl ActionContext {
    pub(crate) fn to_wit(&self) -> wit::Context {
        wit::Context {
            org_id: self.org_id.clone(),
            workflow_id: self.workflow_id.clone(),
            execution_id: self.execution_id.clone(),
            step_id: self.step_id.clone(),
            attempt: self.attempt,
            idempotency_key: self.idempotency_key.clone(),
            test_mode: self.test_mode,
            now_unix_ms: self.now_unix_ms,
            trigger_json: self.trigger.to_string(),
            contact_json: self.contact.as_ref().map(Value::to_string),
        }
    }
}

/// One run to perform.
#[derive(Debug, Clone)]
pub struct RunRequest {
    /// Context for the action.
    pub context: ActionContext,
    /// Input document (templates already applied).
    pub input: Value,
    /// What the org granted this plugin.
    pub grants: Arc<Grants>,
}
