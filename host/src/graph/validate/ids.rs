//! Node and edge ids: well-formed and unique.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use crate::graph::limits::{MAX_EDGE_ID_LEN, MAX_NODE_ID_LEN, is_valid_identifier};
use crate::graph::model::WorkflowDocument;
use crate::graph::problem::Problem;

/// Node positions by id (the first node wins when ids repeat).
pub(super) struct NodeIndex<'d> {
    by_id: HashMap<&'d str, usize>,
}

impl NodeIndex<'_> {
    /// The position of the node with this id.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }
}

/// Checks node ids and indexes the nodes by id.
pub(super) fn check_node_ids<'d>(
    document: &'d WorkflowDocument,
    problems: &mut Vec<Problem>,
) -> NodeIndex<'d> {
    let mut by_id = HashMap::with_capacity(document.nodes.len());
    for (position, node) in document.nodes.iter().enumerate() {
        if node.id.is_empty() {
            problems.push(Problem::document(
                format!("nodes[{position}].id"),
                "every node needs an id",
            ));
            continue;
        }
        if !is_valid_identifier(&node.id, MAX_NODE_ID_LEN) {
            problems.push(Problem::node(
                &node.id,
                "id",
                format!(
                    "node ids are 1 to {MAX_NODE_ID_LEN} characters from A-Z, a-z, 0-9, `_` and `-`"
                ),
            ));
        }
        match by_id.entry(node.id.as_str()) {
            Entry::Occupied(first) => problems.push(Problem::node(
                &node.id,
                "id",
                format!(
                    "duplicate node id: nodes[{}] and nodes[{position}] both use it",
                    first.get()
                ),
            )),
            Entry::Vacant(slot) => {
                slot.insert(position);
            }
        }
    }
    NodeIndex { by_id }
}

/// Checks edge ids.
pub(super) fn check_edge_ids(document: &WorkflowDocument, problems: &mut Vec<Problem>) {
    let mut seen: HashMap<&str, usize> = HashMap::with_capacity(document.edges.len());
    for (position, edge) in document.edges.iter().enumerate() {
        let field = format!("edges[{position}].id");
        if !is_valid_identifier(&edge.id, MAX_EDGE_ID_LEN) {
            problems.push(Problem::document(
                field.clone(),
                format!(
                    "edge ids are 1 to {MAX_EDGE_ID_LEN} characters from A-Z, a-z, 0-9, `_` and `-`"
                ),
            ));
        }
        if let Some(first) = seen.insert(edge.id.as_str(), position) {
            problems.push(Problem::document(
                field,
                format!(
                    "duplicate edge id `{}`: edges[{first}] uses it too",
                    edge.id
                ),
            ));
        }
    }
}
