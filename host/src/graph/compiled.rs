//! A validated workflow indexed for execution: nodes by id and the node each
//! outcome leads to.

use std::collections::HashMap;

use crate::graph::model::{Node, NodeKind, WorkflowDocument, WorkflowSettings};
use crate::graph::plugins::PluginLookup;
use crate::graph::problem::Problem;
use crate::graph::validate::validate;

/// A workflow document with lookups the engine needs on every step.
#[derive(Debug, Clone, PartialEq)]
pub struct CompiledWorkflow {
    document: WorkflowDocument,
    by_id: HashMap<String, usize>,
    /// Edge positions leaving each node, by node position.
    outgoing: Vec<Vec<usize>>,
}

impl CompiledWorkflow {
    /// Indexes a document that passed [`validate`] (for example a stored
    /// version). On a document that did not, the first node with an id wins
    /// and edges whose source is unknown are ignored.
    pub fn new(document: WorkflowDocument) -> Self {
        let mut by_id = HashMap::with_capacity(document.nodes.len());
        for (position, node) in document.nodes.iter().enumerate() {
            by_id.entry(node.id.clone()).or_insert(position);
        }
        let mut outgoing = vec![Vec::new(); document.nodes.len()];
        for (position, edge) in document.edges.iter().enumerate() {
            if let Some(&source) = by_id.get(&edge.source) {
                outgoing[source].push(position);
            }
        }
        Self {
            document,
            by_id,
            outgoing,
        }
    }

    /// Validates `document` against the installed `plugins` and indexes it,
    /// or returns every problem found.
    pub fn compile(
        document: WorkflowDocument,
        plugins: &dyn PluginLookup,
    ) -> Result<Self, Vec<Problem>> {
        let problems = validate(&document, plugins);
        if problems.is_empty() {
            Ok(Self::new(document))
        } else {
            Err(problems)
        }
    }

    /// The underlying document.
    pub fn document(&self) -> &WorkflowDocument {
        &self.document
    }

    /// The workflow's name.
    pub fn name(&self) -> &str {
        &self.document.name
    }

    /// Workflow-wide settings.
    pub fn settings(&self) -> &WorkflowSettings {
        &self.document.settings
    }

    /// The node with this id.
    pub fn node(&self, id: &str) -> Option<&Node> {
        self.by_id
            .get(id)
            .map(|&position| &self.document.nodes[position])
    }

    /// Every node, in document order.
    pub fn nodes(&self) -> impl Iterator<Item = &Node> {
        self.document.nodes.iter()
    }

    /// The trigger nodes, where executions start.
    pub fn trigger_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes()
            .filter(|node| matches!(node.kind, NodeKind::Trigger(_)))
    }

    /// The goal nodes, where waiting executions jump when a goal event happens.
    pub fn goal_nodes(&self) -> impl Iterator<Item = &Node> {
        self.nodes()
            .filter(|node| matches!(node.kind, NodeKind::Goal(_)))
    }

    /// The id of the node that `outcome` of node `node_id` leads to, if an
    /// edge exists for it. A go-to node has no edges: its jump is
    /// `config.target`.
    pub fn next(&self, node_id: &str, outcome: &str) -> Option<&str> {
        self.outgoing(node_id)
            .find(|(name, _)| *name == outcome)
            .map(|(_, target)| target)
    }

    /// Every `(outcome, target node id)` edge leaving node `node_id`.
    pub fn outgoing(&self, node_id: &str) -> impl Iterator<Item = (&str, &str)> {
        let edges = match self.by_id.get(node_id) {
            Some(&position) => self.outgoing[position].as_slice(),
            None => &[],
        };
        edges.iter().map(|&position| {
            let edge = &self.document.edges[position];
            (edge.outcome.as_str(), edge.target.as_str())
        })
    }
}
