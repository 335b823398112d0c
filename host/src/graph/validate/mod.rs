//! Validation of workflow documents: every problem, each with the node, the
//! field and the reason, so the builder can point at it.
//!
//! The checks, in order: document size; settings; node and edge ids; each
//! node's config (durations, clock times, cron, plugin versions and input
//! schemas, conditions, names); edges (dangling ends, unknown or repeated
//! outcomes); triggers; reachability; loops without a wait; and finally every
//! template's variables, which depend on what runs before each node.

mod action;
mod conditions;
mod cycles;
mod dominators;
mod edges;
mod facts;
mod graph;
mod ids;
mod input_schema;
mod nodes;
mod parse;
mod reachability;
mod settings;
mod templates;
mod variables;
mod waits;

pub use parse::parse_workflow;

use crate::graph::limits::{MAX_EDGES, MAX_NAME_LEN, MAX_NODES, MAX_TAG_CHARS, MAX_TAGS};
use crate::graph::model::WorkflowDocument;
use crate::graph::plugins::PluginLookup;
use crate::graph::problem::Problem;

/// Checks `document` against the installed `plugins` and returns every
/// problem found (empty when the workflow is valid).
pub fn validate(document: &WorkflowDocument, plugins: &dyn PluginLookup) -> Vec<Problem> {
    let mut problems = Vec::new();
    if !check_size(document, &mut problems) {
        return problems;
    }
    check_name(&document.name, &mut problems);
    check_tags(&document.tags, &mut problems);
    settings::check(&document.settings, &mut problems);
    let index = ids::check_node_ids(document, &mut problems);
    ids::check_edge_ids(document, &mut problems);
    let facts: Vec<_> = document
        .nodes
        .iter()
        .map(|node| nodes::check(node, &document.nodes, &index, plugins, &mut problems))
        .collect();
    let graph = edges::check(document, &index, &facts, &mut problems);
    let entries = reachability::entry_points(document, &mut problems);
    let reachable = reachability::reachable(&graph, &entries.roots());
    reachability::check_unreachable(document, &entries, &reachable, &mut problems);
    cycles::check(document, &graph, &mut problems);
    let dominators = dominators::Dominators::compute(&graph, &entries.roots());
    let trigger_events = reachability::trigger_events_per_node(document, &graph, &entries);
    templates::check(
        &templates::Context {
            document,
            index: &index,
            facts: &facts,
            dominators: &dominators,
            trigger_events: &trigger_events,
        },
        &mut problems,
    );
    problems
}

/// Tags: few, short, no commas (lists filter on whole tags), no duplicates.
fn check_tags(tags: &[String], problems: &mut Vec<Problem>) {
    if tags.len() > MAX_TAGS {
        problems.push(Problem::document(
            "tags",
            format!(
                "a workflow may have at most {MAX_TAGS} tags, this one has {}",
                tags.len()
            ),
        ));
    }
    for (i, tag) in tags.iter().enumerate() {
        let field = format!("tags[{i}]");
        if tag.trim().is_empty() || tag.chars().count() > MAX_TAG_CHARS {
            problems.push(Problem::document(
                field,
                format!("a tag must have 1 to {MAX_TAG_CHARS} characters"),
            ));
        } else if tag.contains(',') {
            problems.push(Problem::document(field, "a tag cannot contain a comma"));
        } else if tags[..i].contains(tag) {
            problems.push(Problem::document(
                field,
                format!("the tag `{tag}` is listed twice"),
            ));
        }
    }
}

/// Rejects documents over the size limits before any per-node work.
fn check_size(document: &WorkflowDocument, problems: &mut Vec<Problem>) -> bool {
    if document.nodes.len() > MAX_NODES {
        problems.push(Problem::document(
            "nodes",
            format!(
                "too many nodes: a workflow may have at most {MAX_NODES} nodes, this one has {}",
                document.nodes.len()
            ),
        ));
    }
    if document.edges.len() > MAX_EDGES {
        problems.push(Problem::document(
            "edges",
            format!(
                "too many edges: a workflow may have at most {MAX_EDGES} edges, this one has {}",
                document.edges.len()
            ),
        ));
    }
    problems.is_empty()
}

fn check_name(name: &str, problems: &mut Vec<Problem>) {
    if name.trim().is_empty() {
        problems.push(Problem::document("name", "a workflow needs a name"));
    } else if name.chars().count() > MAX_NAME_LEN {
        problems.push(Problem::document(
            "name",
            format!("names are at most {MAX_NAME_LEN} characters"),
        ));
    }
}
