//! The CRM events this service records, shaped as the engine's triggers
//! declare them (`graph/triggers.rs`): each payload carries the common
//! `event` and `occurred_at` fields plus the fields of its trigger.

use chrono::{DateTime, SecondsFormat, Utc};
use serde_json::{Value, json};

use crate::graph::TriggerEvent;
use crate::store::crm::{Booking, Class, Contact, Membership, NewCrmEvent, new_id};

/// An RFC 3339 UTC time (millisecond precision) for a millisecond timestamp.
pub(crate) fn rfc3339(ms: i64) -> String {
    DateTime::<Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(SecondsFormat::Millis, true)
}

/// An event about `contact` at `at`, with `fields` as its trigger payload.
pub(crate) fn event(
    kind: TriggerEvent,
    contact: Option<&Contact>,
    fields: Value,
    at: i64,
    dedupe_key: Option<String>,
) -> NewCrmEvent {
    let mut payload = object(fields);
    payload.insert("event".into(), Value::String(kind.as_str().into()));
    payload.insert("occurred_at".into(), Value::String(rfc3339(at)));
    NewCrmEvent {
        id: new_id(),
        event: kind.as_str().into(),
        contact: contact.map(Contact::snapshot),
        payload: Value::Object(payload),
        dedupe_key,
        created_at: at,
    }
}

/// The fields every class event shares.
pub(crate) fn class_fields(booking: &Booking, class: &Class) -> serde_json::Map<String, Value> {
    object(json!({
        "booking_id": booking.id,
        "class_id": class.id,
        "class_name": class.name,
        "class_start": rfc3339(class.starts_at),
        "location": class.location,
        "instructor": class.instructor,
    }))
}

/// `membership_id`, `plan_name` and `expires_at`.
pub(crate) fn membership_fields(membership: &Membership) -> serde_json::Map<String, Value> {
    object(json!({
        "membership_id": membership.id,
        "plan_name": membership.plan_name,
        "expires_at": rfc3339(membership.ends_at),
    }))
}

/// The map of a JSON object; empty for anything else.
pub(crate) fn object(value: Value) -> serde_json::Map<String, Value> {
    match value {
        Value::Object(map) => map,
        _ => serde_json::Map::new(),
    }
}
