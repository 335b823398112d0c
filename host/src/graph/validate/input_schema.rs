//! Checking an action's input against its plugin's JSON Schema when some
//! strings are templates.
//!
//! A template's value is only known at run time, so a string with an
//! expression may satisfy any schema at its position. The input is validated
//! with literal strings as they will render and templated strings as written;
//! errors at a templated string are dropped, and so are errors at enclosing
//! values whose verdict could depend on it (`oneOf`, `enum`, `uniqueItems`, …).
//! Structural errors that no string value can fix (`required`,
//! `additionalProperties`, item and property counts) are always kept.

use std::collections::BTreeSet;

use jsonschema::error::ValidationErrorKind;
use serde_json::Value;

use super::facts::NodeProblems;
use crate::graph::limits::{MAX_INPUT_PROBLEMS, MAX_TEMPLATE_BYTES};
use crate::graph::template::Template;

/// Longest reason quoted from the schema validator.
const MAX_REASON_LEN: usize = 300;

/// Validates `input` against `schema`, reporting problems at `config.input.*`.
pub(super) fn check(schema: &Value, input: &Value, report: &mut NodeProblems<'_>) {
    let validator = match jsonschema::validator_for(schema) {
        Ok(validator) => validator,
        Err(error) => {
            report.add(
                "config.version",
                format!("this plugin version's input schema is not a valid JSON Schema: {error}"),
            );
            return;
        }
    };
    let mut templated = BTreeSet::new();
    let probe = literal_probe(input, String::new(), &mut templated);
    let mut reported = 0;
    for error in validator.iter_errors(&probe) {
        let pointer = error.instance_path.as_str();
        if hidden_by_template(pointer, &error.kind, &templated) {
            continue;
        }
        let field = field_of(pointer, &probe);
        match &error.kind {
            ValidationErrorKind::Required { property } => {
                let name = property
                    .as_str()
                    .map_or_else(|| property.to_string(), str::to_owned);
                report.add(format!("{field}.{name}"), "is required by the plugin");
            }
            ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    report.add(
                        format!("{field}.{name}"),
                        "is not an input this plugin accepts",
                    );
                }
            }
            _ => report.add(field, shorten(error.to_string())),
        }
        reported += 1;
        if reported == MAX_INPUT_PROBLEMS {
            break;
        }
    }
}

/// The input as validation sees it: literal strings as they render (escapes
/// resolved), templated strings as written and their JSON pointers recorded.
fn literal_probe(value: &Value, pointer: String, templated: &mut BTreeSet<String>) -> Value {
    match value {
        Value::String(text) if text.contains("{{") => {
            let literal = (text.len() <= MAX_TEMPLATE_BYTES)
                .then(|| Template::parse(text).ok())
                .flatten()
                .filter(|template| !template.has_expressions())
                .and_then(|template| template.render_string(&Value::Null).ok());
            match literal {
                Some(rendered) => Value::String(rendered),
                None => {
                    templated.insert(pointer);
                    value.clone()
                }
            }
        }
        Value::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(position, item)| {
                    literal_probe(item, format!("{pointer}/{position}"), templated)
                })
                .collect(),
        ),
        Value::Object(fields) => Value::Object(
            fields
                .iter()
                .map(|(key, item)| {
                    let child = format!("{pointer}/{}", escape_pointer(key));
                    (key.clone(), literal_probe(item, child, templated))
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Whether an error may come from a templated string, whose rendered value
/// is unknown until run time.
fn hidden_by_template(
    pointer: &str,
    kind: &ValidationErrorKind,
    templated: &BTreeSet<String>,
) -> bool {
    if templated.contains(pointer) {
        return true;
    }
    let structural = matches!(
        kind,
        ValidationErrorKind::Required { .. }
            | ValidationErrorKind::AdditionalProperties { .. }
            | ValidationErrorKind::AdditionalItems { .. }
            | ValidationErrorKind::MinProperties { .. }
            | ValidationErrorKind::MaxProperties { .. }
            | ValidationErrorKind::MinItems { .. }
            | ValidationErrorKind::MaxItems { .. }
            | ValidationErrorKind::PropertyNames { .. }
    );
    if structural {
        return false;
    }
    let prefix = format!("{pointer}/");
    templated
        .range(prefix.clone()..)
        .next()
        .is_some_and(|inner| inner.starts_with(&prefix))
}

fn escape_pointer(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// `config.input` plus the pointer as a dotted path (`/items/0/to` becomes
/// `config.input.items[0].to`).
fn field_of(pointer: &str, probe: &Value) -> String {
    let mut field = "config.input".to_owned();
    let mut current = Some(probe);
    for raw in pointer.split('/').skip(1) {
        let key = raw.replace("~1", "/").replace("~0", "~");
        match (current, key.parse::<usize>()) {
            (Some(Value::Array(items)), Ok(position)) => {
                field.push_str(&format!("[{position}]"));
                current = items.get(position);
            }
            (node, _) => {
                field.push('.');
                field.push_str(&key);
                current = node.and_then(|node| node.get(&key));
            }
        }
    }
    field
}

fn shorten(mut reason: String) -> String {
    if reason.len() > MAX_REASON_LEN {
        let mut end = MAX_REASON_LEN;
        while !reason.is_char_boundary(end) {
            end -= 1;
        }
        reason.truncate(end);
        reason.push('…');
    }
    reason
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::problem::Problem;
    use serde_json::json;

    fn problems(schema: Value, input: Value) -> Vec<(String, String)> {
        let mut problems: Vec<Problem> = Vec::new();
        check(&schema, &input, &mut NodeProblems::new("a1", &mut problems));
        problems
            .into_iter()
            .map(|problem| (problem.field, problem.reason))
            .collect()
    }

    fn sms_schema() -> Value {
        json!({
            "type": "object",
            "required": ["to", "body"],
            "additionalProperties": false,
            "properties": {
                "to": {"type": "string", "pattern": "^\\+[0-9]{6,15}$"},
                "body": {"type": "string", "minLength": 1, "maxLength": 1600},
                "segments": {"type": "integer", "minimum": 1},
                "channel": {"enum": ["sms", "mms"]},
                "media": {"type": "array", "items": {"type": "string", "format": "uri"}, "maxItems": 2}
            }
        })
    }

    #[test]
    fn valid_literal_input_passes() {
        let input =
            json!({"to": "+447700900123", "body": "Hello", "segments": 1, "channel": "sms"});
        assert!(problems(sms_schema(), input).is_empty());
    }

    #[test]
    fn templates_may_be_anything() {
        let input = json!({
            "to": "{{contact.phone}}",
            "body": "Hi {{contact.first_name}}",
            "segments": "{{trigger.segments}}",
            "channel": "{{ contact.custom.channel | default: 'sms' }}",
            "media": ["{{trigger.image}}"]
        });
        assert!(problems(sms_schema(), input).is_empty());
    }

    #[test]
    fn literal_errors_are_reported_with_fields() {
        let input = json!({"to": "07700", "body": "", "segments": "two", "channel": "fax", "extra": 1, "media": ["a", "b", "c"]});
        let found = problems(sms_schema(), input);
        let fields: BTreeSet<&str> = found.iter().map(|(field, _)| field.as_str()).collect();
        for expected in [
            "config.input.to",
            "config.input.body",
            "config.input.segments",
            "config.input.channel",
            "config.input.extra",
            "config.input.media",
        ] {
            assert!(
                fields.contains(expected),
                "{expected} missing from {found:?}"
            );
        }
    }

    #[test]
    fn structural_errors_survive_templates() {
        let found = problems(
            sms_schema(),
            json!({"to": "{{contact.phone}}", "other": "{{x}}"}),
        );
        assert!(found.contains(&(
            "config.input.body".to_owned(),
            "is required by the plugin".to_owned()
        )));
        assert!(found.iter().any(|(field, _)| field == "config.input.other"));
        assert_eq!(found.len(), 2, "{found:?}");
    }

    #[test]
    fn value_dependent_errors_around_templates_are_dropped() {
        let schema = json!({
            "type": "object",
            "properties": {"target": {"oneOf": [
                {"type": "object", "required": ["email"]},
                {"type": "string", "format": "email"}
            ]}, "ids": {"type": "array", "uniqueItems": true, "items": {"type": "integer"}}}
        });
        let input = json!({"target": "{{contact.email}}", "ids": ["{{a}}", "{{a}}"]});
        assert!(problems(schema, input).is_empty());
    }

    #[test]
    fn escaped_literals_are_validated_as_rendered() {
        let schema = json!({"type": "object", "properties": {"s": {"maxLength": 3}}});
        assert!(problems(schema.clone(), json!({"s": "\\{{a"})).is_empty());
        assert_eq!(problems(schema, json!({"s": "\\{{abc"})).len(), 1);
    }

    #[test]
    fn nested_fields_are_named() {
        let schema = json!({"type": "object", "properties": {"items": {"type": "array", "items": {
            "type": "object", "properties": {"qty": {"type": "integer"}}}}}});
        let found = problems(schema, json!({"items": [{"qty": 1}, {"qty": "x"}]}));
        assert_eq!(found[0].0, "config.input.items[1].qty");
    }

    #[test]
    fn invalid_schema_is_reported() {
        let found = problems(json!({"type": 12}), json!({}));
        assert_eq!(found[0].0, "config.version");
    }
}
