//! A batch from SendGrid's Event Webhook: a JSON array of events
//! (`delivered`, `open`, `click`, `bounce`, ...). The custom arguments the
//! email action sent (`atlas_org_id`, `atlas_execution_id`, `atlas_step_id`)
//! come back on every event of the message and name the step it belongs to.

use serde_json::{Map, Value};

use super::status;

/// Provider name of SendGrid receipts.
pub const PROVIDER: &str = "sendgrid";

/// Longest id accepted from an event.
const MAX_ID: usize = 128;

/// An event of a message a workflow step sent.
#[derive(Debug, Clone, PartialEq)]
pub struct StepEvent {
    /// `atlas_org_id`.
    pub org_id: String,
    /// `atlas_execution_id`.
    pub execution_id: String,
    /// `atlas_step_id`: the node that sent the message.
    pub step_id: String,
    /// `sg_event_id`, unique per event: a redelivered event is the same receipt.
    pub event_id: String,
    /// `sg_message_id`.
    pub message_id: Option<String>,
    /// The event, in the receipt vocabulary.
    pub status: &'static str,
    /// The SMTP status of a bounce or deferral (`5.1.1`).
    pub error_code: Option<String>,
    /// `timestamp`, in ms; `None` when the event has none.
    pub occurred_at: Option<i64>,
    /// The raw event name and its reason, response, bounce type or clicked URL.
    pub detail: Map<String, Value>,
}

/// A parsed batch.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Batch {
    /// Events that name a step.
    pub events: Vec<StepEvent>,
    /// Events without the atlas arguments, without an id, or of a type not recorded.
    pub ignored: usize,
}

/// Reads a batch; only a body that is not a JSON array is an error.
pub fn parse(body: &[u8]) -> Result<Batch, String> {
    let items: Vec<Value> = serde_json::from_slice(body)
        .map_err(|e| format!("the body is not a JSON array of events: {e}"))?;
    let mut batch = Batch::default();
    for item in &items {
        match step_event(item) {
            Some(event) => batch.events.push(event),
            None => batch.ignored += 1,
        }
    }
    Ok(batch)
}

fn step_event(item: &Value) -> Option<StepEvent> {
    let text = |name: &str| {
        item.get(name)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|v| !v.is_empty() && v.len() <= MAX_ID)
            .map(str::to_owned)
    };
    let raw = item.get("event").and_then(Value::as_str)?;
    let status = status::sendgrid(raw)?;
    let mut detail = Map::new();
    detail.insert("event".into(), Value::String(raw.into()));
    for key in ["reason", "response", "type", "bounce_classification", "url"] {
        if let Some(Value::String(value)) = item.get(key) {
            detail.insert(key.into(), Value::String(value.chars().take(512).collect()));
        }
    }
    if let Some(attempt) = item.get("attempt") {
        detail.insert("attempt".into(), attempt.clone());
    }
    Some(StepEvent {
        org_id: text("atlas_org_id")?,
        execution_id: text("atlas_execution_id")?,
        step_id: text("atlas_step_id")?,
        event_id: text("sg_event_id")?,
        message_id: text("sg_message_id"),
        status,
        error_code: match status {
            "bounced" | "deferred" | "dropped" => text("status"),
            _ => None,
        },
        occurred_at: item
            .get("timestamp")
            .and_then(Value::as_i64)
            .and_then(|s| s.checked_mul(1000)),
        detail,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn args() -> Value {
        json!({
            "atlas_org_id": "org-iron",
            "atlas_execution_id": "ex-1",
            "atlas_step_id": "welcome",
            "atlas_idempotency_key": "ex-1:2"
        })
    }

    fn event(fields: Value) -> Value {
        let mut event = args();
        event
            .as_object_mut()
            .unwrap()
            .extend(fields.as_object().unwrap().clone());
        event
    }

    #[test]
    fn reads_events_that_name_a_step() {
        let body = json!([
            event(json!({
                "email": "ada@example.com", "timestamp": 1700000000, "event": "click",
                "sg_event_id": "ev-click", "sg_message_id": "14c5d75ce93.dfd.64b469.filter0001.16648.5515E0B88.0",
                "url": "https://gym.example/book", "useragent": "Mozilla/5.0", "ip": "203.0.113.9"
            })),
            event(json!({
                "email": "ada@example.com", "timestamp": 1700000100, "event": "bounce",
                "sg_event_id": "ev-bounce", "status": "5.1.1", "reason": "550 5.1.1 unknown user",
                "type": "bounce"
            })),
            { "email": "other@example.com", "event": "open", "sg_event_id": "ev-plain", "timestamp": 1 },
            event(json!({ "event": "machine_opened", "sg_event_id": "ev-x" })),
            event(json!({ "event": "open", "timestamp": 2 })),
            "not an object"
        ]);
        let batch = parse(body.to_string().as_bytes()).unwrap();
        assert_eq!(batch.ignored, 4);
        let [click, bounce] = &batch.events[..] else {
            panic!("{batch:?}");
        };
        assert_eq!(click.org_id, "org-iron");
        assert_eq!(click.execution_id, "ex-1");
        assert_eq!(click.step_id, "welcome");
        assert_eq!(click.status, "clicked");
        assert_eq!(click.occurred_at, Some(1_700_000_000_000));
        assert_eq!(
            Value::Object(click.detail.clone()),
            json!({ "event": "click", "url": "https://gym.example/book" })
        );
        assert_eq!(bounce.status, "bounced");
        assert_eq!(bounce.error_code.as_deref(), Some("5.1.1"));
        assert_eq!(bounce.detail["reason"], "550 5.1.1 unknown user");
    }

    #[test]
    fn a_body_that_is_not_an_array_is_an_error() {
        assert!(parse(b"{\"event\":\"open\"}").is_err());
        assert!(parse(b"").is_err());
        assert_eq!(parse(b"[]").unwrap(), Batch::default());
    }
}
