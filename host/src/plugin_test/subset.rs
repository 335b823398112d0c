//! Subset matching of JSON documents: every member the expectation names must
//! be present and equal; members it does not name are ignored.

use serde_json::Value;

/// The places where `actual` does not contain `expected`, each as
/// `path: expected X, got Y`. Objects match when every expected member
/// matches; arrays must have the same length and match element by element;
/// anything else must be equal.
pub fn subset_mismatches(expected: &Value, actual: &Value) -> Vec<String> {
    let mut mismatches = Vec::new();
    walk("$", expected, actual, &mut mismatches);
    mismatches
}

fn walk(path: &str, expected: &Value, actual: &Value, out: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(want), Value::Object(got)) => {
            for (key, want_value) in want {
                let child = format!("{path}.{key}");
                match got.get(key) {
                    Some(got_value) => walk(&child, want_value, got_value, out),
                    None => out.push(format!("{child}: expected {want_value}, but it is missing")),
                }
            }
        }
        (Value::Array(want), Value::Array(got)) if want.len() == got.len() => {
            for (index, (want_item, got_item)) in want.iter().zip(got).enumerate() {
                walk(&format!("{path}[{index}]"), want_item, got_item, out);
            }
        }
        _ if numbers_equal(expected, actual) || expected == actual => {}
        _ => out.push(format!("{path}: expected {expected}, got {actual}")),
    }
}

/// `1` and `1.0` are the same number.
fn numbers_equal(expected: &Value, actual: &Value) -> bool {
    match (expected.as_f64(), actual.as_f64()) {
        (Some(a), Some(b)) => expected.is_number() && actual.is_number() && a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn extra_members_are_ignored_and_differences_named() {
        let actual = json!({"points": 120, "tier": "gold", "list": [1, {"a": 1, "b": 2}]});
        assert!(subset_mismatches(&json!({"points": 120.0}), &actual).is_empty());
        assert!(subset_mismatches(&json!({"list": [1, {"b": 2}]}), &actual).is_empty());
        assert_eq!(
            subset_mismatches(&json!({"points": 99, "name": "x"}), &actual),
            [
                "$.name: expected \"x\", but it is missing",
                "$.points: expected 99, got 120"
            ]
        );
        assert_eq!(
            subset_mismatches(&json!({"list": [1]}), &actual),
            ["$.list: expected [1], got [1,{\"a\":1,\"b\":2}]"]
        );
    }
}
