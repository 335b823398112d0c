//! The calls `test-prober` and `test-prober-twin` make: each host import once
//! per requested call, reporting what it returned. The two components differ
//! only in their plugin id, so tests can prove per-plugin scoping.

use atlas_sdk::{
    ActionError, Capability, Category, HostError, Manifest, Outcome, ai, crm, http, kv, secrets,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One host call, as written in the input list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Call {
    /// `{"http": "<url>"}`: GET the URL.
    Http(String),
    /// `{"secret": "<name>"}`: read a secret.
    Secret(String),
    /// `{"kv_set": ["key", "value"]}`: store a value.
    KvSet(String, String),
    /// `{"kv_get": "key"}`: read a value.
    KvGet(String),
    /// `{"crm_get_contact": "id"}`: read a contact.
    CrmGetContact(String),
    /// `{"ai_complete": "prompt"}`: complete a prompt.
    AiComplete(String),
}

/// The output document: one result per call, in order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Report {
    /// What each call returned.
    pub results: Vec<CallResult>,
}

/// What one call returned.
#[derive(Debug, Serialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum CallResult {
    /// `{"ok": <value>}`.
    Ok(Value),
    /// `{"error": {"kind": "denied", "message": "..."}}`.
    Error(CallError),
}

/// A host error, as the guest saw it.
#[derive(Debug, Serialize, JsonSchema)]
pub struct CallError {
    /// The WIT case: `denied`, `unavailable`, `invalid`, `not-found`, `limit`, `timeout`, `failed`.
    pub kind: String,
    /// The host's message.
    pub message: String,
}

/// The manifest shared by both probers, under `id` and `name`: outcome `done`,
/// capabilities `http("allowed.test")`, `kv` and `secret("granted_secret")`.
pub fn manifest(id: &str, name: &str) -> Manifest {
    Manifest::new(id, name, env!("CARGO_PKG_VERSION"))
        .description("Calls host imports and reports each result.")
        .category(Category::Utility)
        .outcome("done", "Done")
        .capability(Capability::Http("allowed.test".into()))
        .capability(Capability::Kv)
        .capability(Capability::Secret("granted_secret".into()))
}

/// Performs every call in order and reports the results under outcome `done`.
pub fn execute(calls: &[Call]) -> Result<Outcome<Report>, ActionError> {
    let results = calls.iter().map(perform).collect();
    Ok(Outcome::new("done", Report { results }))
}

fn perform(call: &Call) -> CallResult {
    let result = match call {
        Call::Http(url) => http::Request::get(url.as_str())
            .send()
            .map(|response| json!({"status": response.status, "body": response.text()})),
        Call::Secret(name) => secrets::get(name).map(Value::String),
        Call::KvSet(key, value) => kv::set(key, value.as_bytes()).map(|()| Value::Null),
        Call::KvGet(key) => kv::get(key).map(|value| {
            value.map_or(Value::Null, |bytes| {
                Value::String(String::from_utf8_lossy(&bytes).into_owned())
            })
        }),
        Call::CrmGetContact(id) => crm::get_contact(id).map(|contact| {
            json!({
                "id": contact.id,
                "first_name": contact.first_name,
                "last_name": contact.last_name,
                "email": contact.email,
                "phone": contact.phone,
                "status": contact.status,
                "tags": contact.tags,
            })
        }),
        Call::AiComplete(prompt) => {
            ai::complete_prompt(prompt).map(|completion| Value::String(completion.text))
        }
    };
    match result {
        Ok(value) => CallResult::Ok(value),
        Err(error) => CallResult::Error(call_error(&error)),
    }
}

fn call_error(error: &HostError) -> CallError {
    CallError {
        kind: error.kind().to_owned(),
        message: error.message().to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_parse_from_the_documented_shapes() {
        let calls: Vec<Call> = serde_json::from_value(json!([
            {"http": "https://allowed.test/x"},
            {"secret": "granted_secret"},
            {"kv_set": ["key", "value"]},
            {"kv_get": "key"},
            {"crm_get_contact": "c1"},
            {"ai_complete": "hello"}
        ]))
        .unwrap();
        assert_eq!(calls.len(), 6);
        assert!(matches!(&calls[2], Call::KvSet(key, value) if key == "key" && value == "value"));
    }

    #[test]
    fn results_serialise_as_ok_or_error() {
        let report = Report {
            results: vec![
                CallResult::Ok(json!({"status": 200, "body": "hi"})),
                CallResult::Error(call_error(&HostError::Denied("no grant".into()))),
            ],
        };
        assert_eq!(
            serde_json::to_value(report).unwrap(),
            json!({"results": [
                {"ok": {"status": 200, "body": "hi"}},
                {"error": {"kind": "denied", "message": "no grant"}}
            ]})
        );
    }
}
