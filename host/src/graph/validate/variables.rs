//! Whether a template variable can exist at a node.

use std::collections::HashSet;

use super::facts::NodeFacts;
use super::ids::NodeIndex;
use crate::graph::model::{Node, NodeKind};
use crate::graph::scope::{
    CONSENT_CHANNELS, CONTACT_FIELDS, EXECUTION_FIELDS, ORG_FIELDS, ROOTS, STEP_FIELDS,
    WORKFLOW_FIELDS,
};
use crate::graph::template::{PathSegment, VariablePath};
use crate::graph::triggers::{COMMON_TRIGGER_FIELDS, TriggerEvent, TriggerPayload};

/// What is in scope at one node.
pub(super) struct NodeScope<'a> {
    pub nodes: &'a [Node],
    pub index: &'a NodeIndex<'a>,
    pub facts: &'a [NodeFacts<'a>],
    /// Actions that run before this node on every path; `None` when the node
    /// is unreachable (reported separately), which skips this check.
    pub available_steps: Option<&'a HashSet<usize>>,
    /// Events of the triggers whose executions can reach this node.
    pub trigger_events: &'a [TriggerEvent],
    /// For a goal node, the event that reaches it: its condition may read
    /// that event's payload as `event.*`.
    pub goal_event: Option<TriggerEvent>,
}

/// `Ok` when `path` can exist at the node `scope` describes, else why not.
pub(super) fn check(path: &VariablePath, scope: &NodeScope<'_>) -> Result<(), String> {
    match path.root() {
        "contact" => contact(path),
        "trigger" => trigger(path, scope.trigger_events),
        "steps" => steps(path, scope),
        "workflow" => fixed_fields(path, WORKFLOW_FIELDS),
        "org" => fixed_fields(path, ORG_FIELDS),
        "execution" => fixed_fields(path, EXECUTION_FIELDS),
        "event" if scope.goal_event.is_some() => event(path, scope.goal_event),
        other => Err(format!(
            "there is no variable `{other}`; variables start with {}",
            ROOTS.join(", ")
        )),
    }
}

/// The key at `position`, or an error naming where a list index was used instead.
fn key_at(path: &VariablePath, position: usize) -> Result<Option<&str>, String> {
    match path.segments().get(position) {
        None => Ok(None),
        Some(PathSegment::Key(key)) => Ok(Some(key)),
        Some(PathSegment::Index(_)) => Err(format!("`{}` is not a list", prefix(path, position))),
    }
}

/// The path's first `length` segments, as text.
fn prefix(path: &VariablePath, length: usize) -> String {
    let mut text = String::new();
    for (position, segment) in path.segments().iter().take(length).enumerate() {
        match segment {
            PathSegment::Key(key) if position == 0 => text.push_str(key),
            PathSegment::Key(key) => {
                text.push('.');
                text.push_str(key);
            }
            PathSegment::Index(index) => text.push_str(&format!("[{index}]")),
        }
    }
    text
}

fn no_deeper(path: &VariablePath, length: usize) -> Result<(), String> {
    if path.segments().len() > length {
        Err(format!("`{}` has nothing inside it", prefix(path, length)))
    } else {
        Ok(())
    }
}

fn fixed_fields(path: &VariablePath, fields: &[&str]) -> Result<(), String> {
    let Some(field) = key_at(path, 1)? else {
        return Ok(());
    };
    if !fields.contains(&field) {
        return Err(format!(
            "`{}` has no field `{field}`; its fields are {}",
            path.root(),
            fields.join(", ")
        ));
    }
    no_deeper(path, 2)
}

fn contact(path: &VariablePath) -> Result<(), String> {
    let Some(field) = key_at(path, 1)? else {
        return Ok(());
    };
    match field {
        "custom" => Ok(()),
        "consent" => match key_at(path, 2)? {
            None => Ok(()),
            Some(channel) if CONSENT_CHANNELS.contains(&channel) => no_deeper(path, 3),
            Some(channel) => Err(format!(
                "`contact.consent` has no channel `{channel}`; its channels are {}",
                CONSENT_CHANNELS.join(", ")
            )),
        },
        "tags" => match path.segments().get(2) {
            None | Some(PathSegment::Index(_)) => no_deeper(path, 3),
            Some(PathSegment::Key(_)) => {
                Err("`contact.tags` is a list; use an index such as `contact.tags[0]`".to_owned())
            }
        },
        known if CONTACT_FIELDS.contains(&known) => no_deeper(path, 2),
        unknown => Err(format!(
            "contacts have no field `{unknown}`; their fields are {}, and custom fields are under `contact.custom`",
            CONTACT_FIELDS.join(", ")
        )),
    }
}

/// `event.*` in a goal's condition: the payload of the event reaching the goal,
/// which carries the same fields as a trigger on that event.
fn event(path: &VariablePath, goal_event: Option<TriggerEvent>) -> Result<(), String> {
    let events: Vec<TriggerEvent> = goal_event.into_iter().collect();
    trigger(path, &events).map_err(|reason| reason.replace("trigger.", "event."))
}

fn trigger(path: &VariablePath, events: &[TriggerEvent]) -> Result<(), String> {
    let Some(field) = key_at(path, 1)? else {
        return Ok(());
    };
    for event in events {
        let payload = event.payload();
        if !payload.has_field(field) {
            let provided = match payload {
                TriggerPayload::Fields(fields) => COMMON_TRIGGER_FIELDS
                    .iter()
                    .chain(fields)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
                TriggerPayload::FreeForm => String::new(),
            };
            return Err(format!(
                "the `{event}` trigger does not provide `trigger.{field}`; it provides {provided}"
            ));
        }
    }
    Ok(())
}

fn steps(path: &VariablePath, scope: &NodeScope<'_>) -> Result<(), String> {
    let Some(step_id) = key_at(path, 1)? else {
        return Ok(());
    };
    let Some(step) = scope.index.get(step_id) else {
        return Err(format!("there is no node `{step_id}` in this workflow"));
    };
    let NodeKind::Action(action) = &scope.nodes[step].kind else {
        return Err(format!(
            "`{step_id}` is a {} node; only actions have outputs",
            scope.nodes[step].kind.name()
        ));
    };
    if let Some(available) = scope.available_steps
        && !available.contains(&step)
    {
        return Err(format!(
            "action `{step_id}` does not run before this node on every path, so its output may not exist here"
        ));
    }
    match key_at(path, 2)? {
        None => Ok(()),
        Some("outcome") => no_deeper(path, 3),
        Some("output") => {
            let Some(property) = key_at(path, 3)? else {
                return Ok(());
            };
            match &scope.facts[step].output_properties {
                Some(properties) if !properties.iter().any(|known| known == property) => {
                    Err(format!(
                        "the output of `{}` has no property `{property}`; it has {}",
                        action.plugin,
                        if properties.is_empty() {
                            "none".to_owned()
                        } else {
                            properties.join(", ")
                        }
                    ))
                }
                _ => Ok(()),
            }
        }
        Some(other) => Err(format!(
            "`steps.{step_id}` has no field `{other}`; it has {}",
            STEP_FIELDS.join(" and ")
        )),
    }
}
