//! Checks of each node's own config, by kind.

use std::collections::HashSet;

use super::action;
use super::conditions;
use super::facts::{NodeFacts, NodeProblems, Outcomes};
use super::ids::NodeIndex;
use super::waits;
use crate::graph::limits::{
    MAX_AB_VARIANTS, MAX_NODE_ID_LEN, MAX_SWITCH_CASES, MIN_AB_VARIANTS, is_valid_identifier,
};
use crate::graph::model::{AbSplitConfig, GoalConfig, Node, NodeKind, SwitchConfig, TriggerConfig};
use crate::graph::plugins::PluginLookup;
use crate::graph::problem::Problem;
use crate::graph::schedule::CronSchedule;
use crate::graph::triggers::TriggerEvent;

/// Checks `node`'s config and gathers what the graph-wide checks need.
pub(super) fn check<'d>(
    node: &'d Node,
    nodes: &[Node],
    index: &NodeIndex<'_>,
    plugins: &dyn PluginLookup,
    problems: &mut Vec<Problem>,
) -> NodeFacts<'d> {
    let mut report = NodeProblems::new(&node.id, problems);
    match &node.kind {
        NodeKind::Trigger(config) => {
            trigger(config, &mut report);
            NodeFacts::new(Outcomes::of(&["next"]))
        }
        NodeKind::Action(config) => action::check(config, plugins, &mut report),
        NodeKind::IfElse(config) => {
            let mut facts = NodeFacts::new(Outcomes::of(&["true", "false"]));
            conditions::check(
                &config.condition,
                "config.condition",
                &mut report,
                &mut facts.templates,
            );
            facts
        }
        NodeKind::Switch(config) => switch(config, &mut report),
        NodeKind::Delay(config) => {
            waits::delay(config, &mut report);
            NodeFacts::new(Outcomes::of(&["next"]))
        }
        NodeKind::WaitUntil(config) => {
            let mut facts = NodeFacts::new(Outcomes::of(&["next"]));
            waits::wait_until(config, &mut report, &mut facts.templates);
            facts
        }
        NodeKind::WaitForEvent(config) => {
            waits::wait_for_event(config, &mut report);
            NodeFacts::new(Outcomes::of(&["event", "timeout"]))
        }
        NodeKind::AbSplit(config) => ab_split(config, &mut report),
        NodeKind::Goal(config) => goal(config, &mut report),
        NodeKind::Goto(config) => {
            let target = index.get(&config.target);
            let valid_target = match target {
                None => {
                    report.add(
                        "config.target",
                        format!("there is no node `{}` in this workflow", config.target),
                    );
                    None
                }
                Some(_) if config.target == node.id => {
                    report.add("config.target", "a go-to cannot jump to itself");
                    None
                }
                Some(position) if matches!(nodes[position].kind, NodeKind::Trigger(_)) => {
                    report.add(
                        "config.target",
                        format!(
                            "`{}` is a trigger; triggers only start executions",
                            config.target
                        ),
                    );
                    None
                }
                Some(position) => Some(position),
            };
            let mut facts = NodeFacts::new(Outcomes::Known(Vec::new()));
            facts.goto_target = valid_target;
            facts
        }
        NodeKind::Exit(_) => NodeFacts::new(Outcomes::Known(Vec::new())),
    }
}

fn trigger(config: &TriggerConfig, report: &mut NodeProblems<'_>) {
    match config {
        TriggerConfig::TagAdded { tag } if tag.trim().is_empty() => {
            report.add("config.tag", "name the tag that starts the workflow");
        }
        TriggerConfig::MembershipExpiring { days_before } if !(1..=365).contains(days_before) => {
            report.add(
                "config.days_before",
                format!("must be from 1 to 365 days, not {days_before}"),
            );
        }
        TriggerConfig::FormSubmitted {
            form_id: Some(form_id),
        } if form_id.trim().is_empty() => {
            report.add(
                "config.form_id",
                "leave `form_id` out to react to every form, or name one",
            );
        }
        TriggerConfig::Schedule { cron } => {
            report.check("config.cron", CronSchedule::parse(cron));
        }
        _ => {}
    }
}

/// Checks that `names` are usable, unique outcome names.
fn check_names<'n>(
    names: impl Iterator<Item = &'n str>,
    list_field: &str,
    reserved: Option<&str>,
    report: &mut NodeProblems<'_>,
) {
    let mut seen = HashSet::new();
    for (position, name) in names.enumerate() {
        let field = format!("{list_field}[{position}].name");
        if !is_valid_identifier(name, MAX_NODE_ID_LEN) {
            report.add(
                field,
                format!(
                    "names are 1 to {MAX_NODE_ID_LEN} characters from A-Z, a-z, 0-9, `_` and `-`"
                ),
            );
        } else if Some(name) == reserved {
            report.add(
                field,
                format!("`{name}` is reserved for the fallback outcome"),
            );
        } else if !seen.insert(name) {
            report.add(
                field,
                format!("`{name}` is used twice; each outcome needs its own name"),
            );
        }
    }
}

fn switch<'d>(config: &'d SwitchConfig, report: &mut NodeProblems<'_>) -> NodeFacts<'d> {
    if config.cases.is_empty() || config.cases.len() > MAX_SWITCH_CASES {
        report.add(
            "config.cases",
            format!(
                "a switch has 1 to {MAX_SWITCH_CASES} cases, this one has {}",
                config.cases.len()
            ),
        );
    }
    check_names(
        config.cases.iter().map(|case| case.name.as_str()),
        "config.cases",
        Some("default"),
        report,
    );
    let mut outcomes: Vec<String> = config.cases.iter().map(|case| case.name.clone()).collect();
    outcomes.push("default".to_owned());
    let mut facts = NodeFacts::new(Outcomes::Known(outcomes));
    for (position, case) in config.cases.iter().enumerate() {
        conditions::check(
            &case.condition,
            &format!("config.cases[{position}].condition"),
            report,
            &mut facts.templates,
        );
    }
    facts
}

fn ab_split<'d>(config: &AbSplitConfig, report: &mut NodeProblems<'_>) -> NodeFacts<'d> {
    let count = config.variants.len();
    if !(MIN_AB_VARIANTS..=MAX_AB_VARIANTS).contains(&count) {
        report.add(
            "config.variants",
            format!("an A/B split has {MIN_AB_VARIANTS} to {MAX_AB_VARIANTS} variants, this one has {count}"),
        );
    }
    check_names(
        config.variants.iter().map(|variant| variant.name.as_str()),
        "config.variants",
        None,
        report,
    );
    for (position, variant) in config.variants.iter().enumerate() {
        if !(1..=100).contains(&variant.weight) {
            report.add(
                format!("config.variants[{position}].weight"),
                format!("weights are from 1 to 100, not {}", variant.weight),
            );
        }
    }
    let outcomes = config
        .variants
        .iter()
        .map(|variant| variant.name.clone())
        .collect();
    NodeFacts::new(Outcomes::Known(outcomes))
}

fn goal<'d>(config: &'d GoalConfig, report: &mut NodeProblems<'_>) -> NodeFacts<'d> {
    check_contact_event(config.event, "a goal", report);
    let mut facts = NodeFacts::new(Outcomes::of(&["next"]));
    if let Some(condition) = &config.condition {
        conditions::check(condition, "config.condition", report, &mut facts.templates);
    }
    facts
}

/// Reports events that do not happen to a contact where one is needed.
pub(super) fn check_contact_event(event: TriggerEvent, role: &str, report: &mut NodeProblems<'_>) {
    if !event.concerns_a_contact() {
        report.add(
            "config.event",
            format!("`{event}` does not happen to a contact, so it cannot be {role}"),
        );
    }
}
