//! A validation problem: which node, which field, and what is wrong.

use std::fmt;

use serde::{Deserialize, Serialize};

/// One thing wrong with a workflow document.
///
/// When `node_id` is set, `field` is a path inside that node (`config.input.to`,
/// `config.cases[1].name`, `id`). Otherwise `field` is a path inside the document
/// (`name`, `settings.quiet_hours.start`, `nodes`). Edge problems always use a
/// document path such as `edges[3].target`, and name the edge's source node in
/// `node_id` when that node exists.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    /// The node the problem belongs to, if any.
    pub node_id: Option<String>,
    /// JSON-pointer-like path of the offending field.
    pub field: String,
    /// What is wrong, in words a workflow author understands.
    pub reason: String,
}

impl Problem {
    /// A problem in one node's field.
    pub fn node(node_id: &str, field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            node_id: Some(node_id.to_owned()),
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A problem in the document outside any node.
    pub fn document(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Self {
            node_id: None,
            field: field.into(),
            reason: reason.into(),
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.node_id {
            Some(id) => write!(f, "node `{id}`, {}: {}", self.field, self.reason),
            None if self.field.is_empty() => f.write_str(&self.reason),
            None => write!(f, "{}: {}", self.field, self.reason),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn displays_node_and_field() {
        let problem = Problem::node("n1", "config.duration", "invalid duration");
        assert_eq!(
            problem.to_string(),
            "node `n1`, config.duration: invalid duration"
        );
        let problem = Problem::document("name", "is empty");
        assert_eq!(problem.to_string(), "name: is empty");
    }
}
