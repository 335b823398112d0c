//! The variables templates and conditions see at a step: contact, trigger,
//! earlier steps' outputs, workflow, org and execution.

use serde_json::{Value, json};

use super::workflow_cache::LoadedWorkflow;
use crate::store::{ExecutionRecord, Org};

/// The template scope of an execution at its current state.
pub fn scope(
    execution: &ExecutionRecord,
    context: &Value,
    workflow: &LoadedWorkflow,
    org: &Org,
) -> Value {
    let mut contact = execution.contact.clone().unwrap_or_else(|| json!({}));
    if let Some(map) = contact.as_object_mut() {
        if !map.contains_key("full_name") {
            let first = map.get("first_name").and_then(Value::as_str).unwrap_or("");
            let last = map.get("last_name").and_then(Value::as_str).unwrap_or("");
            let full = format!("{first} {last}").trim().to_string();
            map.insert("full_name".into(), Value::String(full));
        }
        // CRM snapshots name custom fields `custom_fields`; templates read `contact.custom`.
        if !map.contains_key("custom")
            && let Some(custom) = map.get("custom_fields").cloned()
        {
            map.insert("custom".into(), custom);
        }
    }
    json!({
        "contact": contact,
        "trigger": execution.trigger,
        "steps": context.get("steps").cloned().unwrap_or_else(|| json!({})),
        "workflow": {
            "id": workflow.id,
            "name": workflow.graph.document().name,
            "version": workflow.version,
        },
        "org": { "id": org.id, "name": org.name, "time_zone": org.time_zone },
        "execution": { "id": execution.id, "started_at": execution.started_at },
    })
}
