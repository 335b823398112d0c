//! Conditions used by if/else, switch and goal nodes: rules comparing a
//! templated left side with a right side, combined with `all`, `any` and `not`.
//!
//! ```json
//! {"all": [
//!   {"left": "{{contact.status}}", "op": "equals", "right": "member"},
//!   {"not": {"left": "{{contact.tags}}", "op": "contains", "right": "vip"}}
//! ]}
//! ```

mod compare;
mod deserialize;
mod evaluate;

use std::fmt;

use serde::Serialize;
use serde_json::Value;

pub use evaluate::evaluate;

/// A condition tree.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Condition {
    /// True when every inner condition is true (and when there are none).
    All(Vec<Condition>),
    /// True when at least one inner condition is true.
    Any(Vec<Condition>),
    /// True when the inner condition is false.
    Not(Box<Condition>),
    /// A single comparison.
    #[serde(untagged)]
    Rule(Rule),
}

/// One comparison: `left op right`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Rule {
    /// A template such as `{{contact.status}}`.
    pub left: String,
    /// The comparison.
    pub op: Operator,
    /// What to compare with; strings may be templates. Absent for
    /// [`Operator::IsEmpty`] and [`Operator::IsNotEmpty`].
    #[serde(skip_serializing_if = "Option::is_none")]
    pub right: Option<Value>,
}

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Operator {
    /// Same number, or same text ignoring case.
    Equals,
    /// Not [`Operator::Equals`].
    NotEquals,
    /// Text contains the right side (ignoring case), or a list has an equal element.
    Contains,
    /// Not [`Operator::Contains`].
    NotContains,
    /// Text starts with the right side, ignoring case.
    StartsWith,
    /// Text ends with the right side, ignoring case.
    EndsWith,
    /// Left is greater (numerically when both sides are numbers).
    GreaterThan,
    /// Left is greater or equal.
    GreaterOrEqual,
    /// Left is smaller.
    LessThan,
    /// Left is smaller or equal.
    LessOrEqual,
    /// Left is missing, null, blank text or an empty list or object.
    IsEmpty,
    /// Not [`Operator::IsEmpty`].
    IsNotEmpty,
    /// Left equals an element of the right list (or comma-separated text).
    InList,
    /// Not [`Operator::InList`].
    NotInList,
    /// Left is an earlier date or instant than the right.
    Before,
    /// Left is a later date or instant than the right.
    After,
}

impl Operator {
    /// Whether the operator takes no right side.
    pub fn is_unary(self) -> bool {
        matches!(self, Self::IsEmpty | Self::IsNotEmpty)
    }

    /// The operator's name as written in workflow documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Equals => "equals",
            Self::NotEquals => "not_equals",
            Self::Contains => "contains",
            Self::NotContains => "not_contains",
            Self::StartsWith => "starts_with",
            Self::EndsWith => "ends_with",
            Self::GreaterThan => "greater_than",
            Self::GreaterOrEqual => "greater_or_equal",
            Self::LessThan => "less_than",
            Self::LessOrEqual => "less_or_equal",
            Self::IsEmpty => "is_empty",
            Self::IsNotEmpty => "is_not_empty",
            Self::InList => "in_list",
            Self::NotInList => "not_in_list",
            Self::Before => "before",
            Self::After => "after",
        }
    }
}

impl fmt::Display for Operator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
