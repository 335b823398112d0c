//! Which settings of an existing workflow node a new input schema breaks.
//!
//! An upgrade is checked against the input each node already has: a field the
//! new version requires and the node does not set, a field the node sets that
//! the new schema no longer accepts (when it refuses unknown properties), a
//! set value whose type or allowed values changed. Only the top level is
//! compared: that is where action settings live.

use serde::Serialize;
use serde_json::Value;

/// One way a node's input no longer fits the new schema.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SchemaBreak {
    /// The input field concerned.
    pub field: String,
    /// What breaks, in words.
    pub reason: String,
}

fn properties(schema: &Value) -> Option<&serde_json::Map<String, Value>> {
    schema.get("properties").and_then(Value::as_object)
}

fn required(schema: &Value) -> Vec<&str> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

fn types(property: &Value) -> Vec<String> {
    match property.get("type") {
        Some(Value::String(t)) => vec![t.clone()],
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(|t| t.as_str().map(String::from))
            .collect(),
        _ => Vec::new(),
    }
}

/// Whether a node's value may still fit `property`: templated strings
/// (`{{ … }}`) are rendered at run time, so only their type can be judged then.
fn value_fits_type(value: &Value, allowed: &[String]) -> bool {
    if allowed.is_empty() {
        return true;
    }
    if value.as_str().is_some_and(|s| s.contains("{{")) {
        return true;
    }
    allowed.iter().any(|t| match t.as_str() {
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "boolean" => value.is_boolean(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        "null" => value.is_null(),
        _ => true,
    })
}

/// The ways `node_input` (valid for the old version) breaks under `new_schema`.
pub fn input_breaks(new_schema: &Value, node_input: &Value) -> Vec<SchemaBreak> {
    let empty = serde_json::Map::new();
    let input = node_input.as_object().unwrap_or(&empty);
    let props = properties(new_schema);
    let mut breaks = Vec::new();
    for field in required(new_schema) {
        if !input.contains_key(field) {
            breaks.push(SchemaBreak {
                field: field.into(),
                reason: "the new version requires this field and the node does not set it".into(),
            });
        }
    }
    let closed = new_schema.get("additionalProperties") == Some(&Value::Bool(false));
    for (field, value) in input {
        match props.and_then(|p| p.get(field)) {
            None if closed => breaks.push(SchemaBreak {
                field: field.clone(),
                reason: "the new version no longer accepts this field".into(),
            }),
            None => {}
            Some(property) => {
                let allowed = types(property);
                if !value_fits_type(value, &allowed) {
                    breaks.push(SchemaBreak {
                        field: field.clone(),
                        reason: format!("the new version expects {}", allowed.join(" or ")),
                    });
                } else if let Some(Value::Array(options)) = property.get("enum")
                    && !value.as_str().is_some_and(|s| s.contains("{{"))
                    && !options.contains(value)
                {
                    breaks.push(SchemaBreak {
                        field: field.clone(),
                        reason: format!("{value} is no longer one of the allowed values"),
                    });
                }
            }
        }
    }
    breaks
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn new_required_removed_and_retyped_fields_break_nodes() {
        let schema = json!({
            "type": "object",
            "additionalProperties": false,
            "required": ["to", "template"],
            "properties": {
                "to": {"type": "string"},
                "template": {"type": "string"},
                "priority": {"type": "integer"},
                "channel": {"enum": ["sms", "whatsapp"]}
            }
        });
        let node = json!({"to": "{{contact.phone}}", "body": "Hi", "priority": "high", "channel": "email"});
        let fields: Vec<String> = input_breaks(&schema, &node)
            .into_iter()
            .map(|b| b.field)
            .collect();
        assert_eq!(fields, ["template", "body", "channel", "priority"]);
    }

    #[test]
    fn compatible_inputs_and_templates_do_not_break() {
        let schema = json!({"required": ["to"], "properties": {"to": {"type": "string"}, "n": {"type": "integer"}}});
        assert!(
            input_breaks(
                &schema,
                &json!({"to": "x", "n": "{{trigger.n}}", "extra": 1})
            )
            .is_empty()
        );
    }
}
