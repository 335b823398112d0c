//! Evaluating a condition against an execution's scope.

use serde_json::Value;

use super::compare::{contains, date_order, equals, folded_text, in_list, is_empty, order};
use super::{Condition, Operator, Rule};
use crate::graph::template::{Template, render_json};
use std::cmp::Ordering;

/// Evaluates `condition` with its templates rendered against `scope`.
///
/// A rule whose templates cannot be rendered is false (validation rejects such
/// rules before a workflow is saved). An empty `all` is true and an empty
/// `any` is false.
pub fn evaluate(condition: &Condition, scope: &Value) -> bool {
    match condition {
        Condition::All(items) => items.iter().all(|item| evaluate(item, scope)),
        Condition::Any(items) => items.iter().any(|item| evaluate(item, scope)),
        Condition::Not(inner) => !evaluate(inner, scope),
        Condition::Rule(rule) => evaluate_rule(rule, scope).unwrap_or(false),
    }
}

fn evaluate_rule(rule: &Rule, scope: &Value) -> Option<bool> {
    let left = Template::parse(&rule.left).ok()?.render_value(scope).ok()?;
    let right = match &rule.right {
        Some(right) => render_json(right, scope).ok()?,
        None => Value::Null,
    };
    let ordered = |accept: fn(Ordering) -> bool| order(&left, &right).is_some_and(accept);
    let dated = |expected: Ordering| date_order(&left, &right) == Some(expected);
    Some(match rule.op {
        Operator::Equals => equals(&left, &right),
        Operator::NotEquals => !equals(&left, &right),
        Operator::Contains => contains(&left, &right),
        Operator::NotContains => !contains(&left, &right),
        Operator::StartsWith => folded_text(&left).starts_with(&folded_text(&right)),
        Operator::EndsWith => folded_text(&left).ends_with(&folded_text(&right)),
        Operator::GreaterThan => ordered(Ordering::is_gt),
        Operator::GreaterOrEqual => ordered(Ordering::is_ge),
        Operator::LessThan => ordered(Ordering::is_lt),
        Operator::LessOrEqual => ordered(Ordering::is_le),
        Operator::IsEmpty => is_empty(&left),
        Operator::IsNotEmpty => !is_empty(&left),
        Operator::InList => in_list(&left, &right),
        Operator::NotInList => !in_list(&left, &right),
        Operator::Before => dated(Ordering::Less),
        Operator::After => dated(Ordering::Greater),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> Value {
        json!({
            "contact": {
                "status": "Member",
                "email": "ana@example.com",
                "phone": "",
                "visits": 12,
                "score": "7.5",
                "tags": ["VIP", "trial"],
                "birthday": "1990-05-04",
                "custom": {}
            },
            "trigger": {"class_start": "2026-07-01T18:00:00Z", "limit": 10},
        })
    }

    fn check(left: &str, op: &str, right: Option<Value>) -> bool {
        let mut rule = json!({"left": left, "op": op});
        if let Some(right) = right {
            rule["right"] = right;
        }
        let condition: Condition = serde_json::from_value(rule).unwrap();
        evaluate(&condition, &scope())
    }

    #[test]
    fn equals_and_not_equals() {
        assert!(check("{{contact.status}}", "equals", Some(json!("member"))));
        assert!(check("{{contact.visits}}", "equals", Some(json!("12.0"))));
        assert!(!check(
            "{{contact.visits}}",
            "equals",
            Some(json!("{{trigger.limit | default: 12}}"))
        ));
        assert!(check("{{contact.missing}}", "equals", Some(json!(""))));
        assert!(check(
            "{{contact.status}}",
            "not_equals",
            Some(json!("lead"))
        ));
        assert!(!check(
            "{{contact.status}}",
            "not_equals",
            Some(json!("MEMBER"))
        ));
    }

    #[test]
    fn contains_and_not_contains() {
        assert!(check(
            "{{contact.email}}",
            "contains",
            Some(json!("@EXAMPLE"))
        ));
        assert!(check("{{contact.tags}}", "contains", Some(json!("vip"))));
        assert!(!check("{{contact.tags}}", "contains", Some(json!("vi"))));
        assert!(check(
            "{{contact.tags}}",
            "not_contains",
            Some(json!("gold"))
        ));
        assert!(!check(
            "{{contact.email}}",
            "not_contains",
            Some(json!("ana"))
        ));
    }

    #[test]
    fn starts_and_ends_with() {
        assert!(check(
            "{{contact.email}}",
            "starts_with",
            Some(json!("ANA@"))
        ));
        assert!(!check(
            "{{contact.email}}",
            "starts_with",
            Some(json!("bob"))
        ));
        assert!(check("{{contact.email}}", "ends_with", Some(json!(".COM"))));
        assert!(!check(
            "{{contact.email}}",
            "ends_with",
            Some(json!(".org"))
        ));
    }

    #[test]
    fn numeric_ordering() {
        assert!(check("{{contact.visits}}", "greater_than", Some(json!(9))));
        assert!(!check(
            "{{contact.visits}}",
            "greater_than",
            Some(json!(12))
        ));
        assert!(check(
            "{{contact.visits}}",
            "greater_or_equal",
            Some(json!("12"))
        ));
        assert!(check("{{contact.score}}", "less_than", Some(json!(10))));
        assert!(!check(
            "{{contact.visits}}",
            "less_or_equal",
            Some(json!("{{trigger.limit}}"))
        ));
        assert!(check(
            "{{contact.visits}}",
            "less_or_equal",
            Some(json!(12))
        ));
        // 12 > 9 numerically even though "12" < "9" as text.
        assert!(check(
            "{{contact.visits}}",
            "greater_than",
            Some(json!("9"))
        ));
    }

    #[test]
    fn ordering_of_text_and_missing_values() {
        assert!(check(
            "{{contact.status}}",
            "greater_than",
            Some(json!("lead"))
        ));
        assert!(!check("{{contact.missing}}", "less_than", Some(json!(5))));
        assert!(!check(
            "{{contact.missing}}",
            "greater_than",
            Some(json!(5))
        ));
    }

    #[test]
    fn emptiness() {
        assert!(check("{{contact.phone}}", "is_empty", None));
        assert!(check("{{contact.missing}}", "is_empty", None));
        assert!(check("{{contact.custom}}", "is_empty", None));
        assert!(!check("{{contact.tags}}", "is_empty", None));
        assert!(check("{{contact.email}}", "is_not_empty", None));
        assert!(!check("{{contact.phone}}", "is_not_empty", None));
    }

    #[test]
    fn list_membership() {
        assert!(check(
            "{{contact.status}}",
            "in_list",
            Some(json!(["lead", "member"]))
        ));
        assert!(check(
            "{{contact.status}}",
            "in_list",
            Some(json!("lead, member"))
        ));
        assert!(check(
            "{{contact.visits}}",
            "in_list",
            Some(json!([10, 12]))
        ));
        assert!(check(
            "{{contact.tags}}",
            "in_list",
            Some(json!(["gold", "trial"]))
        ));
        assert!(!check(
            "{{contact.status}}",
            "in_list",
            Some(json!(["lead"]))
        ));
        assert!(check(
            "{{contact.status}}",
            "not_in_list",
            Some(json!(["lead", "churned"]))
        ));
        assert!(!check(
            "{{contact.tags}}",
            "not_in_list",
            Some(json!(["vip"]))
        ));
    }

    #[test]
    fn dates() {
        assert!(check(
            "{{trigger.class_start}}",
            "after",
            Some(json!("2026-07-01"))
        ));
        assert!(check(
            "{{trigger.class_start}}",
            "before",
            Some(json!("2026-07-01T19:00:00+00:00"))
        ));
        assert!(!check(
            "{{trigger.class_start}}",
            "before",
            Some(json!("2026-07-01T19:00:00+02:00"))
        ));
        assert!(check(
            "{{contact.birthday}}",
            "before",
            Some(json!("2000-01-01"))
        ));
        assert!(!check(
            "{{contact.birthday}}",
            "after",
            Some(json!("1990-05-04"))
        ));
        assert!(!check(
            "{{contact.status}}",
            "before",
            Some(json!("2000-01-01"))
        ));
    }

    #[test]
    fn groups() {
        let condition: Condition = serde_json::from_value(json!({"all": [
            {"left": "{{contact.status}}", "op": "equals", "right": "member"},
            {"any": [
                {"left": "{{contact.visits}}", "op": "greater_than", "right": 100},
                {"not": {"left": "{{contact.email}}", "op": "is_empty"}}
            ]}
        ]}))
        .unwrap();
        assert!(evaluate(&condition, &scope()));
        assert!(evaluate(&Condition::All(vec![]), &scope()));
        assert!(!evaluate(&Condition::Any(vec![]), &scope()));
    }

    #[test]
    fn broken_templates_make_the_rule_false() {
        assert!(!check("{{contact.", "is_empty", None));
        assert!(!check(
            "{{contact.status}}",
            "not_equals",
            Some(json!("{{ x | date: '%d' "))
        ));
    }
}
