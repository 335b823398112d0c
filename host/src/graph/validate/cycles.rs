//! Loops that never pause: a cycle with no delay, wait-until or
//! wait-for-event node would spin forever, so it is rejected.
//!
//! Removing every waiting node and finding the strongly connected components
//! of what remains finds exactly the cycles that avoid all waits.

use std::collections::VecDeque;

use super::graph::{Graph, Link, Via};
use crate::graph::model::WorkflowDocument;
use crate::graph::problem::Problem;

/// Reports one problem per group of nodes that loops without waiting.
pub(super) fn check(document: &WorkflowDocument, graph: &Graph, problems: &mut Vec<Problem>) {
    let waits: Vec<bool> = document
        .nodes
        .iter()
        .map(|node| node.kind.waits())
        .collect();
    for component in strongly_connected_components(graph, &waits) {
        let Some(cycle) = find_cycle(graph, &component, &waits) else {
            continue;
        };
        let Some(closing) = cycle.last() else {
            continue;
        };
        let path: Vec<&str> = cycle
            .iter()
            .map(|link| document.nodes[link.from].id.as_str())
            .chain(std::iter::once(document.nodes[closing.to].id.as_str()))
            .collect();
        let (node_id, field) = match closing.via {
            Via::Edge(position) => (
                &document.nodes[closing.from].id,
                format!("edges[{position}]"),
            ),
            Via::Goto => (&document.nodes[closing.from].id, "config.target".to_owned()),
        };
        problems.push(Problem::node(
            node_id,
            field,
            format!(
                "this loop has no delay, wait-until or wait-for-event node, so it would never pause: {}",
                path.join(" → ")
            ),
        ));
    }
}

/// Tarjan's algorithm, iterative, over nodes that do not wait.
fn strongly_connected_components(graph: &Graph, waits: &[bool]) -> Vec<Vec<usize>> {
    let mut search = Tarjan::new(graph, waits);
    for (start, &waiting) in waits.iter().enumerate() {
        if !waiting && search.order[start] == UNVISITED {
            search.run_from(start);
        }
    }
    let mut components = search.components;
    components.sort_unstable_by_key(|component| component[0]);
    components
}

const UNVISITED: usize = usize::MAX;

struct Tarjan<'g> {
    graph: &'g Graph,
    waits: &'g [bool],
    order: Vec<usize>,
    low: Vec<usize>,
    on_stack: Vec<bool>,
    stack: Vec<usize>,
    next_order: usize,
    /// The depth-first path: each node with the successors still to visit.
    calls: Vec<(usize, Vec<usize>)>,
    components: Vec<Vec<usize>>,
}

impl<'g> Tarjan<'g> {
    fn new(graph: &'g Graph, waits: &'g [bool]) -> Self {
        let count = graph.node_count();
        Self {
            graph,
            waits,
            order: vec![UNVISITED; count],
            low: vec![0; count],
            on_stack: vec![false; count],
            stack: Vec::new(),
            next_order: 0,
            calls: Vec::new(),
            components: Vec::new(),
        }
    }

    fn enter(&mut self, node: usize) {
        self.order[node] = self.next_order;
        self.low[node] = self.next_order;
        self.next_order += 1;
        self.stack.push(node);
        self.on_stack[node] = true;
        let successors = self
            .graph
            .successors(node)
            .filter(|&next| !self.waits[next])
            .collect();
        self.calls.push((node, successors));
    }

    fn run_from(&mut self, start: usize) {
        self.enter(start);
        while let Some((node, pending)) = self.calls.last_mut() {
            let node = *node;
            if let Some(next) = pending.pop() {
                if self.order[next] == UNVISITED {
                    self.enter(next);
                } else if self.on_stack[next] {
                    self.low[node] = self.low[node].min(self.order[next]);
                }
                continue;
            }
            self.calls.pop();
            if let Some(&(parent, _)) = self.calls.last() {
                self.low[parent] = self.low[parent].min(self.low[node]);
            }
            if self.low[node] == self.order[node] {
                let mut component = Vec::new();
                while let Some(member) = self.stack.pop() {
                    self.on_stack[member] = false;
                    component.push(member);
                    if member == node {
                        break;
                    }
                }
                component.sort_unstable();
                self.components.push(component);
            }
        }
    }
}

/// A cycle through the component's first node, as the links followed, if the
/// component loops at all (a single node loops only through a link to itself).
fn find_cycle<'g>(graph: &'g Graph, component: &[usize], waits: &[bool]) -> Option<Vec<&'g Link>> {
    let start = *component.first()?;
    let inside = |node: usize| !waits[node] && component.binary_search(&node).is_ok();
    let mut arrived_by: Vec<Option<&Link>> = vec![None; graph.node_count()];
    let mut queue = VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for link in graph.outgoing(node) {
            if link.to == start {
                let mut path = vec![link];
                let mut at = node;
                while at != start {
                    let previous = arrived_by[at]?;
                    path.push(previous);
                    at = previous.from;
                }
                path.reverse();
                return Some(path);
            }
            if inside(link.to) && arrived_by[link.to].is_none() {
                arrived_by[link.to] = Some(link);
                queue.push_back(link.to);
            }
        }
    }
    None
}
