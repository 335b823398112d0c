//! The workflow as a directed graph over node positions: one link per valid
//! edge and per go-to jump.

/// How one node leads to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Via {
    /// The edge at this position in the document.
    Edge(usize),
    /// The source node's go-to target.
    Goto,
}

/// A directed link between two nodes.
#[derive(Debug, Clone, Copy)]
pub(super) struct Link {
    pub from: usize,
    pub to: usize,
    pub via: Via,
}

/// Links indexed by source node.
pub(super) struct Graph {
    links: Vec<Link>,
    outgoing: Vec<Vec<usize>>,
}

impl Graph {
    /// A graph of `node_count` nodes with these links.
    pub fn new(node_count: usize, links: Vec<Link>) -> Self {
        let mut outgoing = vec![Vec::new(); node_count];
        for (position, link) in links.iter().enumerate() {
            outgoing[link.from].push(position);
        }
        Self { links, outgoing }
    }

    /// How many nodes the graph has.
    pub fn node_count(&self) -> usize {
        self.outgoing.len()
    }

    /// The links leaving `node`.
    pub fn outgoing(&self, node: usize) -> impl Iterator<Item = &Link> {
        self.outgoing[node]
            .iter()
            .map(|&position| &self.links[position])
    }

    /// The nodes `node` links to.
    pub fn successors(&self, node: usize) -> impl Iterator<Item = usize> + '_ {
        self.outgoing(node).map(|link| link.to)
    }

    /// Every link.
    pub fn links(&self) -> &[Link] {
        &self.links
    }
}
