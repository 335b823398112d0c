//! Entry points (triggers and goals), reachability, and which triggers can
//! lead to each node.

use std::collections::VecDeque;

use super::graph::Graph;
use crate::graph::limits::MAX_TRIGGERS;
use crate::graph::model::{NodeKind, WorkflowDocument};
use crate::graph::problem::Problem;
use crate::graph::triggers::TriggerEvent;

/// Where executions enter the graph.
pub(super) struct EntryPoints {
    /// Trigger nodes: executions start here.
    pub triggers: Vec<usize>,
    /// Goal nodes: waiting executions jump here.
    pub goals: Vec<usize>,
}

impl EntryPoints {
    /// Triggers and, when there is a trigger, goals.
    pub fn roots(&self) -> Vec<usize> {
        if self.triggers.is_empty() {
            return Vec::new();
        }
        self.triggers.iter().chain(&self.goals).copied().collect()
    }
}

/// Finds the entry points and checks the number of triggers.
pub(super) fn entry_points(
    document: &WorkflowDocument,
    problems: &mut Vec<Problem>,
) -> EntryPoints {
    let mut entries = EntryPoints {
        triggers: Vec::new(),
        goals: Vec::new(),
    };
    for (position, node) in document.nodes.iter().enumerate() {
        match node.kind {
            NodeKind::Trigger(_) => entries.triggers.push(position),
            NodeKind::Goal(_) => entries.goals.push(position),
            _ => {}
        }
    }
    if entries.triggers.is_empty() {
        problems.push(Problem::document(
            "nodes",
            "a workflow needs a trigger node to start it",
        ));
    }
    for &extra in entries.triggers.iter().skip(MAX_TRIGGERS) {
        problems.push(Problem::node(
            &document.nodes[extra].id,
            "kind",
            format!("a workflow has at most {MAX_TRIGGERS} trigger nodes"),
        ));
    }
    entries
}

/// Which nodes some path from `roots` reaches.
pub(super) fn reachable(graph: &Graph, roots: &[usize]) -> Vec<bool> {
    let mut seen = vec![false; graph.node_count()];
    let mut queue: VecDeque<usize> = VecDeque::new();
    for &root in roots {
        if !seen[root] {
            seen[root] = true;
            queue.push_back(root);
        }
    }
    while let Some(node) = queue.pop_front() {
        for next in graph.successors(node) {
            if !seen[next] {
                seen[next] = true;
                queue.push_back(next);
            }
        }
    }
    seen
}

/// Reports nodes no trigger leads to (skipped when there is no trigger, which
/// is reported on its own).
pub(super) fn check_unreachable(
    document: &WorkflowDocument,
    entries: &EntryPoints,
    reachable: &[bool],
    problems: &mut Vec<Problem>,
) {
    if entries.triggers.is_empty() {
        return;
    }
    for (node, reached) in document.nodes.iter().zip(reachable) {
        if !reached {
            problems.push(Problem::node(
                &node.id,
                "id",
                "no trigger leads here: connect an edge or a go-to to this node, or remove it",
            ));
        }
    }
}

/// For each node, the events of the triggers whose executions can reach it.
/// Goals count as reachable from every trigger, since any waiting execution
/// may jump to them.
pub(super) fn trigger_events_per_node(
    document: &WorkflowDocument,
    graph: &Graph,
    entries: &EntryPoints,
) -> Vec<Vec<TriggerEvent>> {
    let mut events: Vec<Vec<TriggerEvent>> = vec![Vec::new(); document.nodes.len()];
    for &trigger in &entries.triggers {
        let NodeKind::Trigger(config) = &document.nodes[trigger].kind else {
            continue;
        };
        let event = config.event();
        let mut roots = vec![trigger];
        roots.extend(&entries.goals);
        for (node, reached) in reachable(graph, &roots).into_iter().enumerate() {
            if reached && !events[node].contains(&event) {
                events[node].push(event);
            }
        }
    }
    events
}
