//! Dominators: node A dominates node B when every path from an entry point to
//! B passes through A. Step outputs are available exactly at the nodes their
//! action dominates.
//!
//! Computed with the iterative algorithm of Cooper, Harvey and Kennedy ("A
//! Simple, Fast Dominance Algorithm") over the graph plus a virtual root that
//! links to every entry point.

use super::graph::Graph;

const UNDEFINED: usize = usize::MAX;

/// The immediate dominator of each node.
pub(super) struct Dominators {
    /// Immediate dominator per node; the virtual root is at `node_count`.
    immediate: Vec<usize>,
    root: usize,
}

impl Dominators {
    /// Computes dominators of `graph` for executions entering at `entries`.
    pub fn compute(graph: &Graph, entries: &[usize]) -> Self {
        let root = graph.node_count();
        let successors = |node: usize| -> Vec<usize> {
            if node == root {
                entries.to_vec()
            } else {
                graph.successors(node).collect()
            }
        };
        let mut predecessors = vec![Vec::new(); root + 1];
        for &entry in entries {
            predecessors[entry].push(root);
        }
        for link in graph.links() {
            predecessors[link.to].push(link.from);
        }

        // Reverse postorder from the root, iteratively.
        let mut visited = vec![false; root + 1];
        let mut postorder = Vec::with_capacity(root + 1);
        let mut stack = vec![(root, successors(root))];
        visited[root] = true;
        while let Some((node, pending)) = stack.last_mut() {
            let node = *node;
            match pending.pop() {
                Some(next) if !visited[next] => {
                    visited[next] = true;
                    stack.push((next, successors(next)));
                }
                Some(_) => {}
                None => {
                    postorder.push(node);
                    stack.pop();
                }
            }
        }
        let mut rank = vec![UNDEFINED; root + 1];
        for (position, &node) in postorder.iter().enumerate() {
            rank[node] = position;
        }

        let mut immediate = vec![UNDEFINED; root + 1];
        immediate[root] = root;
        let mut changed = true;
        while changed {
            changed = false;
            for &node in postorder.iter().rev().skip(1) {
                let mut candidate = UNDEFINED;
                for &predecessor in &predecessors[node] {
                    if immediate[predecessor] == UNDEFINED {
                        continue;
                    }
                    candidate = if candidate == UNDEFINED {
                        predecessor
                    } else {
                        intersect(&immediate, &rank, predecessor, candidate)
                    };
                }
                if candidate != UNDEFINED && immediate[node] != candidate {
                    immediate[node] = candidate;
                    changed = true;
                }
            }
        }
        Self { immediate, root }
    }

    /// Whether any entry point reaches `node`.
    pub fn is_reachable(&self, node: usize) -> bool {
        self.immediate[node] != UNDEFINED
    }

    /// The nodes other than `node` that every path to it passes through,
    /// nearest first (empty when it is unreachable).
    pub fn strict_dominators(&self, node: usize) -> Vec<usize> {
        let mut found = Vec::new();
        if !self.is_reachable(node) {
            return found;
        }
        let mut at = self.immediate[node];
        while at != self.root {
            found.push(at);
            at = self.immediate[at];
        }
        found
    }
}

fn intersect(immediate: &[usize], rank: &[usize], mut a: usize, mut b: usize) -> usize {
    while a != b {
        while rank[a] < rank[b] {
            a = immediate[a];
        }
        while rank[b] < rank[a] {
            b = immediate[b];
        }
    }
    a
}

#[cfg(test)]
mod tests {
    use super::super::graph::{Link, Via};
    use super::*;

    fn graph(count: usize, edges: &[(usize, usize)]) -> Graph {
        let links = edges
            .iter()
            .enumerate()
            .map(|(position, &(from, to))| Link {
                from,
                to,
                via: Via::Edge(position),
            })
            .collect();
        Graph::new(count, links)
    }

    #[test]
    fn diamond() {
        // 0 -> 1 -> {2, 3} -> 4
        let dominators =
            Dominators::compute(&graph(5, &[(0, 1), (1, 2), (1, 3), (2, 4), (3, 4)]), &[0]);
        assert_eq!(dominators.strict_dominators(4), [1, 0]);
        assert_eq!(dominators.strict_dominators(2), [1, 0]);
        assert_eq!(dominators.strict_dominators(0), Vec::<usize>::new());
    }

    #[test]
    fn loops_and_unreachable_nodes() {
        // 0 -> 1 -> 2 -> 1, 2 -> 3; node 4 unreachable.
        let dominators = Dominators::compute(&graph(5, &[(0, 1), (1, 2), (2, 1), (2, 3)]), &[0]);
        assert_eq!(dominators.strict_dominators(3), [2, 1, 0]);
        assert!(!dominators.is_reachable(4));
        assert!(dominators.strict_dominators(4).is_empty());
    }

    #[test]
    fn several_entries_share_no_dominator() {
        // Entries 0 and 1 both lead to 2.
        let dominators = Dominators::compute(&graph(3, &[(0, 2), (1, 2)]), &[0, 1]);
        assert!(dominators.strict_dominators(2).is_empty());
    }
}
