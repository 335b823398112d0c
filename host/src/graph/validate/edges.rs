//! Checks of edges: both ends exist, the outcome belongs to the source node,
//! one edge per outcome, nothing enters a trigger.

use std::collections::HashMap;
use std::collections::hash_map::Entry;

use super::facts::{NodeFacts, Outcomes};
use super::graph::{Graph, Link, Via};
use super::ids::NodeIndex;
use crate::graph::model::{NodeKind, WorkflowDocument};
use crate::graph::problem::Problem;

/// Checks every edge and builds the graph from edges whose ends exist, plus
/// go-to jumps.
pub(super) fn check(
    document: &WorkflowDocument,
    index: &NodeIndex<'_>,
    facts: &[NodeFacts<'_>],
    problems: &mut Vec<Problem>,
) -> Graph {
    let mut links = Vec::with_capacity(document.edges.len());
    let mut taken: HashMap<(usize, &str), &str> = HashMap::new();
    for (position, edge) in document.edges.iter().enumerate() {
        let source = index.get(&edge.source);
        let target = index.get(&edge.target);
        let source_id = source.map(|source| document.nodes[source].id.clone());
        let mut report = |field: &str, reason: String| {
            problems.push(Problem {
                node_id: source_id.clone(),
                field: format!("edges[{position}].{field}"),
                reason,
            });
        };
        if source.is_none() {
            report(
                "source",
                format!(
                    "edge `{}` starts at `{}`, which is not a node of this workflow",
                    edge.id, edge.source
                ),
            );
        }
        if target.is_none() {
            report(
                "target",
                format!(
                    "edge `{}` leads to `{}`, which is not a node of this workflow",
                    edge.id, edge.target
                ),
            );
        }
        if let Some(source) = source {
            let kind = document.nodes[source].kind.name();
            match &facts[source].outcomes {
                Outcomes::Known(outcomes) if outcomes.is_empty() => report(
                    "source",
                    format!("edge `{}`: {kind} nodes have no outgoing edges", edge.id),
                ),
                Outcomes::Known(outcomes) if !outcomes.contains(&edge.outcome) => report(
                    "outcome",
                    format!(
                        "edge `{}`: node `{}` ({kind}) has no outcome `{}`; its outcomes are {}",
                        edge.id,
                        edge.source,
                        edge.outcome,
                        quoted_list(outcomes)
                    ),
                ),
                _ => {}
            }
            match taken.entry((source, edge.outcome.as_str())) {
                Entry::Occupied(first) => report(
                    "outcome",
                    format!(
                        "edge `{}`: node `{}` already follows edge `{}` for outcome `{}`; an outcome leads to one node",
                        edge.id,
                        edge.source,
                        first.get(),
                        edge.outcome
                    ),
                ),
                Entry::Vacant(slot) => {
                    slot.insert(edge.id.as_str());
                }
            }
        }
        if let Some(target) = target
            && matches!(document.nodes[target].kind, NodeKind::Trigger(_))
        {
            report(
                "target",
                format!(
                    "edge `{}` leads into trigger `{}`; triggers only start executions",
                    edge.id, edge.target
                ),
            );
        }
        if let (Some(from), Some(to)) = (source, target) {
            links.push(Link {
                from,
                to,
                via: Via::Edge(position),
            });
        }
    }
    for (from, node_facts) in facts.iter().enumerate() {
        if let Some(to) = node_facts.goto_target {
            links.push(Link {
                from,
                to,
                via: Via::Goto,
            });
        }
    }
    Graph::new(document.nodes.len(), links)
}

fn quoted_list(names: &[String]) -> String {
    names
        .iter()
        .map(|name| format!("`{name}`"))
        .collect::<Vec<_>>()
        .join(", ")
}
