//! What checking one node's config learns about it, for the graph-wide checks.

use crate::graph::problem::Problem;

/// A string of a node's config that is a template, and where it sits.
pub(super) struct TemplateSite<'d> {
    /// Path inside the node, such as `config.input.body`.
    pub field: String,
    /// The template source.
    pub text: &'d str,
}

/// Which outcomes a node's outgoing edges may use.
pub(super) enum Outcomes {
    /// Exactly these (none for go-to and exit nodes).
    Known(Vec<String>),
    /// Not known, because the node's plugin is not installed.
    Unknown,
}

impl Outcomes {
    /// Outcomes given as string literals.
    pub fn of(names: &[&str]) -> Self {
        Self::Known(names.iter().map(|name| (*name).to_owned()).collect())
    }
}

/// Everything learnt about one node.
pub(super) struct NodeFacts<'d> {
    /// Allowed outcomes of outgoing edges.
    pub outcomes: Outcomes,
    /// The node a go-to jumps to, when it exists.
    pub goto_target: Option<usize>,
    /// Template strings to check once the graph is known.
    pub templates: Vec<TemplateSite<'d>>,
    /// Top-level properties of an action's output schema, when it lists them.
    pub output_properties: Option<Vec<String>>,
}

impl NodeFacts<'_> {
    /// Facts with the given outcomes and nothing else.
    pub fn new(outcomes: Outcomes) -> Self {
        Self {
            outcomes,
            goto_target: None,
            templates: Vec::new(),
            output_properties: None,
        }
    }
}

/// Collects problems for one node.
pub(super) struct NodeProblems<'a> {
    node_id: &'a str,
    problems: &'a mut Vec<Problem>,
}

impl<'a> NodeProblems<'a> {
    /// Problems for `node_id`, appended to `problems`.
    pub fn new(node_id: &'a str, problems: &'a mut Vec<Problem>) -> Self {
        Self { node_id, problems }
    }

    /// Records a problem in `field` of the node.
    pub fn add(&mut self, field: impl Into<String>, reason: impl Into<String>) {
        self.problems
            .push(Problem::node(self.node_id, field, reason));
    }

    /// The value of `result`, or `None` after recording its error at `field`.
    pub fn check<T>(&mut self, field: impl Into<String>, result: Result<T, String>) -> Option<T> {
        result.map_err(|reason| self.add(field, reason)).ok()
    }
}
