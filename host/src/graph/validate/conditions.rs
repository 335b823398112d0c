//! Checks of condition trees: depth, group sizes, operands per operator.

use serde_json::Value;

use super::facts::{NodeProblems, TemplateSite};
use crate::graph::condition::{Condition, Operator, Rule};
use crate::graph::date_value::DateValue;
use crate::graph::limits::{MAX_CONDITION_DEPTH, MAX_CONDITION_ITEMS};

/// Checks `condition` found at `field`, recording its template strings.
pub(super) fn check<'d>(
    condition: &'d Condition,
    field: &str,
    report: &mut NodeProblems<'_>,
    sites: &mut Vec<TemplateSite<'d>>,
) {
    check_at_depth(condition, field, 1, report, sites);
}

fn check_at_depth<'d>(
    condition: &'d Condition,
    field: &str,
    depth: usize,
    report: &mut NodeProblems<'_>,
    sites: &mut Vec<TemplateSite<'d>>,
) {
    if depth > MAX_CONDITION_DEPTH {
        report.add(
            field,
            format!(
                "conditions nest at most {MAX_CONDITION_DEPTH} levels deep; flatten this group"
            ),
        );
        return;
    }
    match condition {
        Condition::All(items) | Condition::Any(items) => {
            let group = if matches!(condition, Condition::All(_)) {
                "all"
            } else {
                "any"
            };
            let group_field = format!("{field}.{group}");
            if items.is_empty() {
                report.add(
                    &group_field,
                    format!("`{group}` needs at least one condition"),
                );
            } else if items.len() > MAX_CONDITION_ITEMS {
                report.add(
                    &group_field,
                    format!(
                        "`{group}` holds at most {MAX_CONDITION_ITEMS} conditions, not {}",
                        items.len()
                    ),
                );
                return;
            }
            for (position, item) in items.iter().enumerate() {
                check_at_depth(
                    item,
                    &format!("{group_field}[{position}]"),
                    depth + 1,
                    report,
                    sites,
                );
            }
        }
        Condition::Not(inner) => {
            check_at_depth(inner, &format!("{field}.not"), depth + 1, report, sites)
        }
        Condition::Rule(rule) => check_rule(rule, field, report, sites),
    }
}

fn check_rule<'d>(
    rule: &'d Rule,
    field: &str,
    report: &mut NodeProblems<'_>,
    sites: &mut Vec<TemplateSite<'d>>,
) {
    let op = rule.op;
    if rule.left.trim().is_empty() {
        report.add(
            format!("{field}.left"),
            "the left side is required, usually a variable such as `{{contact.status}}`",
        );
    } else {
        sites.push(TemplateSite {
            field: format!("{field}.left"),
            text: &rule.left,
        });
    }
    let right_field = format!("{field}.right");
    let Some(right) = &rule.right else {
        if !op.is_unary() {
            report.add(
                right_field,
                format!("`{op}` needs a right side to compare with"),
            );
        }
        return;
    };
    if op.is_unary() {
        if !right.is_null() {
            report.add(right_field, format!("`{op}` takes no right side"));
        }
        return;
    }
    let takes_list = matches!(op, Operator::InList | Operator::NotInList);
    match right {
        Value::Object(_) => report.add(right_field, "must be text, a number, true/false or a list"),
        Value::Array(_) if !takes_list => {
            report.add(
                right_field,
                format!("a list is only compared with `in_list` or `not_in_list`, not `{op}`"),
            );
        }
        Value::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                let item_field = format!("{right_field}[{position}]");
                match item {
                    Value::String(text) => sites.push(TemplateSite {
                        field: item_field,
                        text,
                    }),
                    Value::Array(_) | Value::Object(_) => {
                        report.add(item_field, "list items must be text, numbers or true/false");
                    }
                    Value::Null | Value::Bool(_) | Value::Number(_) => {}
                }
            }
        }
        Value::String(text) => {
            let is_date_op = matches!(op, Operator::Before | Operator::After);
            if is_date_op && !text.contains("{{") && DateValue::parse(text).is_none() {
                report.add(
                    &right_field,
                    format!("`{op}` compares dates; `{text}` is not an RFC 3339 date-time or a YYYY-MM-DD date"),
                );
            }
            sites.push(TemplateSite {
                field: right_field,
                text,
            });
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::problem::Problem;
    use serde_json::json;

    fn check_json(condition: Value) -> (Vec<(String, String)>, Vec<String>) {
        let condition: Condition = serde_json::from_value(condition).unwrap();
        let mut problems: Vec<Problem> = Vec::new();
        let mut sites = Vec::new();
        check(
            &condition,
            "config.condition",
            &mut NodeProblems::new("n", &mut problems),
            &mut sites,
        );
        let sites = sites.iter().map(|site| site.field.clone()).collect();
        (
            problems.into_iter().map(|p| (p.field, p.reason)).collect(),
            sites,
        )
    }

    #[test]
    fn collects_template_sites() {
        let (problems, sites) = check_json(json!({"all": [
            {"left": "{{contact.status}}", "op": "equals", "right": "{{trigger.status}}"},
            {"not": {"left": "{{contact.tags}}", "op": "in_list", "right": ["a", "{{x}}", 3]}}
        ]}));
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            sites,
            [
                "config.condition.all[0].left",
                "config.condition.all[0].right",
                "config.condition.all[1].not.left",
                "config.condition.all[1].not.right[0]",
                "config.condition.all[1].not.right[1]",
            ]
        );
    }

    #[test]
    fn reports_operand_mistakes() {
        let (problems, _) = check_json(json!({"any": [
            {"left": "{{a}}", "op": "equals"},
            {"left": "{{a}}", "op": "is_empty", "right": "x"},
            {"left": "{{a}}", "op": "equals", "right": ["x"]},
            {"left": "{{a}}", "op": "before", "right": "tomorrow"},
            {"left": "", "op": "is_empty"},
            {"left": "{{a}}", "op": "equals", "right": {"x": 1}},
            {"all": []}
        ]}));
        let fields: Vec<&str> = problems.iter().map(|(field, _)| field.as_str()).collect();
        assert_eq!(
            fields,
            [
                "config.condition.any[0].right",
                "config.condition.any[1].right",
                "config.condition.any[2].right",
                "config.condition.any[3].right",
                "config.condition.any[4].left",
                "config.condition.any[5].right",
                "config.condition.any[6].all",
            ]
        );
    }

    #[test]
    fn depth_limit() {
        let mut condition = json!({"left": "{{a}}", "op": "is_empty"});
        for _ in 0..16 {
            condition = json!({"not": condition});
        }
        let (problems, _) = check_json(condition);
        assert_eq!(problems.len(), 1);
        assert!(problems[0].1.contains("at most 16 levels"));
        let mut shallow = json!({"left": "{{a}}", "op": "is_empty"});
        for _ in 0..15 {
            shallow = json!({"not": shallow});
        }
        assert!(check_json(shallow).0.is_empty());
    }
}
