//! The output document of the webhook action.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;
use serde_json::Value;

/// What the server answered, or an empty answer when nothing was sent.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct WebhookOutput {
    /// HTTP status; 0 when nothing was sent.
    pub status: u16,
    /// Response headers, names in lower case, repeated values joined by `, `.
    pub headers: BTreeMap<String, String>,
    /// Response body as text, at most 64 KiB, invalid UTF-8 replaced.
    pub body: String,
    /// The body parsed as JSON; null when it is not JSON or was truncated.
    pub json: Option<Value>,
    /// True when the body was longer than 64 KiB and cut.
    pub truncated: bool,
    /// True in test mode: nothing was sent.
    pub skipped: bool,
}

impl WebhookOutput {
    /// The output of a test-mode run, which sends nothing.
    pub fn skipped() -> Self {
        Self {
            status: 0,
            headers: BTreeMap::new(),
            body: String::new(),
            json: None,
            truncated: false,
            skipped: true,
        }
    }
}
