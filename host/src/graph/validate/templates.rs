//! Checks of every template string: size, syntax, and variables that can
//! exist at its node.

use std::collections::HashSet;

use super::dominators::Dominators;
use super::facts::NodeFacts;
use super::ids::NodeIndex;
use super::variables::{self, NodeScope};
use crate::graph::limits::MAX_TEMPLATE_BYTES;
use crate::graph::model::{NodeKind, WorkflowDocument};
use crate::graph::problem::Problem;
use crate::graph::template::Template;
use crate::graph::triggers::TriggerEvent;

/// What template checks need to know about the whole workflow.
pub(super) struct Context<'a> {
    pub document: &'a WorkflowDocument,
    pub index: &'a NodeIndex<'a>,
    pub facts: &'a [NodeFacts<'a>],
    pub dominators: &'a Dominators,
    pub trigger_events: &'a [Vec<TriggerEvent>],
}

/// Checks every template site of every node.
pub(super) fn check(context: &Context<'_>, problems: &mut Vec<Problem>) {
    for (position, node) in context.document.nodes.iter().enumerate() {
        let sites = &context.facts[position].templates;
        if sites.is_empty() {
            continue;
        }
        let available_steps: Option<HashSet<usize>> =
            context.dominators.is_reachable(position).then(|| {
                context
                    .dominators
                    .strict_dominators(position)
                    .into_iter()
                    .filter(|&dominator| {
                        matches!(context.document.nodes[dominator].kind, NodeKind::Action(_))
                    })
                    .collect()
            });
        let scope = NodeScope {
            nodes: &context.document.nodes,
            index: context.index,
            facts: context.facts,
            available_steps: available_steps.as_ref(),
            trigger_events: &context.trigger_events[position],
            goal_event: match &node.kind {
                NodeKind::Goal(goal) => Some(goal.event),
                _ => None,
            },
        };
        for site in sites {
            if site.text.len() > MAX_TEMPLATE_BYTES {
                problems.push(Problem::node(
                    &node.id,
                    &site.field,
                    format!(
                        "text is {} bytes; a template may be at most {MAX_TEMPLATE_BYTES} bytes (16 KiB)",
                        site.text.len()
                    ),
                ));
                continue;
            }
            if !site.text.contains("{{") {
                continue;
            }
            let template = match Template::parse(site.text) {
                Ok(template) => template,
                Err(error) => {
                    problems.push(Problem::node(
                        &node.id,
                        &site.field,
                        format!(
                            "invalid template at byte {}: {}",
                            error.offset, error.message
                        ),
                    ));
                    continue;
                }
            };
            for variable in template.variables() {
                if let Err(reason) = variables::check(variable, &scope) {
                    problems.push(Problem::node(
                        &node.id,
                        &site.field,
                        format!("`{variable}` cannot be used here: {reason}"),
                    ));
                }
            }
        }
    }
}
