//! How rule operands compare: numbers numerically, text ignoring case, dates
//! as dates.

use std::cmp::Ordering;

use serde_json::Value;

use crate::graph::date_value::DateValue;
use crate::graph::template::text_of;

/// The value as a finite number, if it is a JSON number or text that reads as one.
pub(super) fn as_number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().parse::<f64>().ok(),
        _ => None,
    }
    .filter(|number| number.is_finite())
}

/// The value as lower-case text.
pub(super) fn folded_text(value: &Value) -> String {
    text_of(value).to_lowercase()
}

/// Equal numbers, or equal text ignoring case.
pub(super) fn equals(left: &Value, right: &Value) -> bool {
    match (as_number(left), as_number(right)) {
        (Some(left), Some(right)) => left == right,
        _ => folded_text(left) == folded_text(right),
    }
}

/// Order of two values: numeric when both are numbers, otherwise by text
/// ignoring case; `None` when either side is missing or blank.
pub(super) fn order(left: &Value, right: &Value) -> Option<Ordering> {
    if let (Some(left), Some(right)) = (as_number(left), as_number(right)) {
        return left.partial_cmp(&right);
    }
    let (left, right) = (folded_text(left), folded_text(right));
    if left.trim().is_empty() || right.trim().is_empty() {
        return None;
    }
    Some(left.cmp(&right))
}

/// Chronological order of two dates or instants; a date counts from midnight
/// UTC when compared with an instant.
pub(super) fn date_order(left: &Value, right: &Value) -> Option<Ordering> {
    let (left, right) = (DateValue::from_json(left)?, DateValue::from_json(right)?);
    Some(match (left, right) {
        (DateValue::Date(left), DateValue::Date(right)) => left.cmp(&right),
        _ => left.start_instant().cmp(&right.start_instant()),
    })
}

/// Missing, null, blank text, or an empty list or object.
pub(super) fn is_empty(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.trim().is_empty(),
        Value::Array(items) => items.is_empty(),
        Value::Object(fields) => fields.is_empty(),
        Value::Bool(_) | Value::Number(_) => false,
    }
}

/// Whether a list has an element equal to `right`, or text contains it.
pub(super) fn contains(left: &Value, right: &Value) -> bool {
    match left {
        Value::Array(items) => items.iter().any(|item| equals(item, right)),
        _ => folded_text(left).contains(&folded_text(right)),
    }
}

/// Whether `left` (or, for a list, any of its elements) equals an element of
/// `list`: a JSON list, or comma-separated text.
pub(super) fn in_list(left: &Value, list: &Value) -> bool {
    let options: Vec<Value> = match list {
        Value::Array(items) => items.clone(),
        Value::String(text) => text
            .split(',')
            .map(|option| Value::String(option.trim().to_owned()))
            .collect(),
        other => vec![other.clone()],
    };
    let is_option = |value: &Value| options.iter().any(|option| equals(value, option));
    match left {
        Value::Array(items) => items.iter().any(is_option),
        single => is_option(single),
    }
}
