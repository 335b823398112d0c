//! Workflow validation end to end: documents as the builder sends them, parsed
//! and validated against a set of installed plugins.

use std::collections::HashMap;
use std::time::{Duration, Instant};

use atlas::graph::{
    CompiledWorkflow, NodeKind, PluginInfo, PluginLookup, Problem, WorkflowDocument,
    parse_workflow, validate,
};
use serde_json::{Value, json};

/// Plugins installed for the test organisation.
struct Installed(HashMap<(String, String), PluginInfo>);

impl PluginLookup for Installed {
    fn manifest(&self, id: &str, version: &str) -> Option<PluginInfo> {
        self.0.get(&(id.to_owned(), version.to_owned())).cloned()
    }
}

fn installed() -> Installed {
    let mut plugins = HashMap::new();
    plugins.insert(
        ("atlas.sms.send".to_owned(), "1.2.3".to_owned()),
        PluginInfo {
            input_schema: json!({
                "type": "object",
                "required": ["to", "body"],
                "additionalProperties": false,
                "properties": {
                    "to": {"type": "string", "pattern": "^\\+[0-9]{6,15}$"},
                    "body": {"type": "string", "minLength": 1, "maxLength": 1600}
                }
            }),
            output_schema: json!({
                "type": "object",
                "properties": {"message_id": {"type": "string"}, "segments": {"type": "integer"}}
            }),
            outcomes: vec!["sent".into(), "failed".into()],
        },
    );
    plugins.insert(
        ("atlas.email.send".to_owned(), "2.0.0".to_owned()),
        PluginInfo {
            input_schema: json!({
                "type": "object",
                "required": ["to", "subject", "html"],
                "properties": {
                    "to": {"type": "string", "format": "email"},
                    "subject": {"type": "string", "maxLength": 200},
                    "html": {"type": "string"}
                }
            }),
            output_schema: json!({"type": "object", "properties": {"id": {"type": "string"}}}),
            outcomes: vec!["sent".into(), "bounced".into()],
        },
    );
    plugins.insert(
        ("atlas.crm.create_task".to_owned(), "1.0.0".to_owned()),
        PluginInfo {
            input_schema: json!({
                "type": "object",
                "required": ["title"],
                "properties": {
                    "title": {"type": "string"},
                    "due_in_days": {"type": "integer", "minimum": 0},
                    "assignee": {"type": "string"}
                }
            }),
            output_schema: json!({"type": "object"}),
            outcomes: vec!["created".into()],
        },
    );
    Installed(plugins)
}

/// Lead created → wait 10 minutes → SMS → wait up to 2 days for a booking →
/// if they have not booked: if/else on membership → email or task.
fn welcome_workflow() -> Value {
    json!({
        "name": "New lead welcome",
        "settings": {
            "reentry": {"policy": "after_days", "days": 30},
            "stop_on_reply": true,
            "quiet_hours": {"start": "21:00", "end": "08:00"}
        },
        "nodes": [
            {"id": "trigger", "kind": "trigger", "position": {"x": 0, "y": 0},
             "config": {"event": "lead_created"}},
            {"id": "wait_10m", "kind": "delay", "position": {"x": 0, "y": 100},
             "config": {"duration": "10m"}},
            {"id": "sms", "kind": "action", "position": {"x": 0, "y": 200},
             "config": {
                "plugin": "atlas.sms.send", "version": "1.2.3",
                "input": {
                    "to": "{{contact.phone}}",
                    "body": "Hi {{ contact.first_name | default: 'there' | capitalize }}, welcome to the studio! Your lead source: {{trigger.source}}"
                },
                "retry": {"max_attempts": 5, "initial_interval_ms": 2000}
             }},
            {"id": "wait_booking", "kind": "wait_for_event", "position": {"x": 0, "y": 300},
             "config": {"event": "booking_created", "timeout": "2d"}},
            {"id": "booked", "kind": "exit", "position": {"x": 200, "y": 400}, "config": {}},
            {"id": "is_member", "kind": "if_else", "position": {"x": 0, "y": 400},
             "config": {"condition": {"all": [
                {"left": "{{contact.status}}", "op": "not_equals", "right": "member"},
                {"any": [
                    {"left": "{{steps.sms.outcome}}", "op": "equals", "right": "sent"},
                    {"left": "{{contact.consent.email}}", "op": "equals", "right": true}
                ]}
             ]}}},
            {"id": "email", "kind": "action", "position": {"x": -100, "y": 500},
             "config": {
                "plugin": "atlas.email.send", "version": "2.0.0",
                "input": {
                    "to": "{{contact.email}}",
                    "subject": "Your first class at {{org.name}} is on us",
                    "html": "<p>Hi {{contact.first_name}},</p><p>Ref {{steps.sms.output.message_id}}, sent {{ execution.started_at | date: '%d %b', 'Europe/London' }}.</p>"
                }
             }},
            {"id": "task", "kind": "action", "position": {"x": 100, "y": 500},
             "config": {
                "plugin": "atlas.crm.create_task", "version": "1.0.0",
                "input": {"title": "Call {{contact.full_name}} about a trial", "due_in_days": 1, "assignee": "{{contact.owner_id}}"}
             }}
        ],
        "edges": [
            {"id": "e1", "source": "trigger", "target": "wait_10m", "outcome": "next"},
            {"id": "e2", "source": "wait_10m", "target": "sms", "outcome": "next"},
            {"id": "e3", "source": "sms", "target": "wait_booking", "outcome": "sent"},
            {"id": "e4", "source": "wait_booking", "target": "booked", "outcome": "event"},
            {"id": "e5", "source": "wait_booking", "target": "is_member", "outcome": "timeout"},
            {"id": "e6", "source": "is_member", "target": "email", "outcome": "true"},
            {"id": "e7", "source": "is_member", "target": "task", "outcome": "false"}
        ]
    })
}

fn parse(document: &Value) -> WorkflowDocument {
    parse_workflow(&document.to_string())
        .unwrap_or_else(|problems| panic!("parse failed: {problems:?}"))
}

fn problems_of(document: &Value) -> Vec<Problem> {
    validate(&parse(document), &installed())
}

/// The problem for `node` at `field`, failing with every problem otherwise.
fn problem_at<'p>(problems: &'p [Problem], node: Option<&str>, field: &str) -> &'p Problem {
    problems
        .iter()
        .find(|problem| problem.node_id.as_deref() == node && problem.field == field)
        .unwrap_or_else(|| panic!("no problem for {node:?} at `{field}` in {problems:#?}"))
}

fn node_mut<'v>(document: &'v mut Value, id: &str) -> &'v mut Value {
    document["nodes"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|node| node["id"] == id)
        .unwrap()
}

fn push_node(document: &mut Value, node: Value) {
    document["nodes"].as_array_mut().unwrap().push(node);
}

fn push_edge(document: &mut Value, edge: Value) {
    document["edges"].as_array_mut().unwrap().push(edge);
}

#[test]
fn realistic_workflow_is_valid_and_compiles() {
    let document = parse(&welcome_workflow());
    assert_eq!(validate(&document, &installed()), Vec::<Problem>::new());
    let compiled = CompiledWorkflow::compile(document.clone(), &installed()).unwrap();
    assert_eq!(compiled.name(), "New lead welcome");
    assert_eq!(
        compiled
            .trigger_nodes()
            .map(|node| node.id.as_str())
            .collect::<Vec<_>>(),
        ["trigger"]
    );
    assert_eq!(compiled.next("trigger", "next"), Some("wait_10m"));
    assert_eq!(compiled.next("wait_booking", "timeout"), Some("is_member"));
    assert_eq!(compiled.next("is_member", "false"), Some("task"));
    assert_eq!(compiled.next("sms", "failed"), None);
    assert!(matches!(
        compiled.node("sms").unwrap().kind,
        NodeKind::Action(_)
    ));
    assert!(compiled.settings().stop_on_reply);
    // The document survives a JSON round trip unchanged.
    let round_trip = parse_workflow(&serde_json::to_string(&document).unwrap()).unwrap();
    assert_eq!(round_trip, document);
}

#[test]
fn malformed_json_is_one_clear_problem() {
    let problems = parse_workflow("{\"name\": \"x\", \"nodes\": [ {\"id\": ").unwrap_err();
    assert_eq!(problems.len(), 1);
    assert!(problems[0].reason.contains("line 1"), "{problems:?}");
    let problems = parse_workflow("not json at all").unwrap_err();
    assert!(problems[0].reason.contains("expected"), "{problems:?}");
    let problems = parse_workflow("").unwrap_err();
    assert!(problems[0].reason.contains("EOF"), "{problems:?}");
}

#[test]
fn unknown_node_kind_names_node_and_field() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "wait_10m")["kind"] = json!("snooze");
    let problems = parse_workflow(&serde_json::to_string_pretty(&document).unwrap()).unwrap_err();
    let problem = problem_at(&problems, Some("wait_10m"), "kind");
    assert!(
        problem.reason.contains("unknown variant `snooze`"),
        "{problem:?}"
    );
    assert!(problem.reason.contains("line "), "{problem:?}");
}

#[test]
fn wrong_type_names_node_and_field() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "sms")["config"]["retry"]["max_attempts"] = json!("five");
    let problems = parse_workflow(&document.to_string()).unwrap_err();
    let problem = problem_at(&problems, Some("sms"), "config.retry.max_attempts");
    assert!(problem.reason.contains("invalid type"), "{problem:?}");
}

#[test]
fn duplicate_ids_are_reported() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "task")["id"] = json!("email");
    document["edges"][6]["id"] = json!("e1");
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("email"), "id")
            .reason
            .contains("duplicate node id")
    );
    assert!(
        problem_at(&problems, None, "edges[6].id")
            .reason
            .contains("duplicate edge id `e1`")
    );
}

#[test]
fn invalid_node_id_is_reported() {
    let mut document = welcome_workflow();
    push_node(&mut document, json!({"id": "bad id!", "kind": "exit"}));
    push_edge(
        &mut document,
        json!({"id": "e9", "source": "task", "target": "bad id!", "outcome": "created"}),
    );
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("bad id!"), "id")
            .reason
            .contains("1 to 64 characters")
    );
}

#[test]
fn dangling_edges_are_reported() {
    let mut document = welcome_workflow();
    document["edges"][6]["target"] = json!("ghost");
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "nowhere", "target": "task", "outcome": "next"}),
    );
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("is_member"), "edges[6].target");
    assert!(
        problem.reason.contains("`ghost`, which is not a node"),
        "{problem:?}"
    );
    assert!(
        problem_at(&problems, None, "edges[7].source")
            .reason
            .contains("`nowhere`")
    );
}

#[test]
fn outcome_the_source_does_not_have() {
    let mut document = welcome_workflow();
    document["edges"][5]["outcome"] = json!("maybe");
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "booked", "target": "task", "outcome": "next"}),
    );
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("is_member"), "edges[5].outcome");
    assert!(
        problem
            .reason
            .contains("has no outcome `maybe`; its outcomes are `true`, `false`"),
        "{problem:?}"
    );
    let problem = problem_at(&problems, Some("booked"), "edges[7].source");
    assert!(
        problem.reason.contains("exit nodes have no outgoing edges"),
        "{problem:?}"
    );
}

#[test]
fn plugin_outcomes_and_the_error_edge() {
    let mut document = welcome_workflow();
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "email", "target": "task", "outcome": "error"}),
    );
    push_edge(
        &mut document,
        json!({"id": "e9", "source": "email", "target": "task", "outcome": "opened"}),
    );
    let problems = problems_of(&document);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let problem = problem_at(&problems, Some("email"), "edges[8].outcome");
    assert!(
        problem.reason.contains("`sent`, `bounced`, `error`"),
        "{problem:?}"
    );
}

#[test]
fn two_edges_for_one_outcome() {
    let mut document = welcome_workflow();
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "is_member", "target": "email", "outcome": "false"}),
    );
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("is_member"), "edges[7].outcome");
    assert!(
        problem.reason.contains("already follows edge `e7`"),
        "{problem:?}"
    );
}

#[test]
fn missing_and_too_many_triggers() {
    let document = json!({"name": "No start", "nodes": [{"id": "x", "kind": "exit"}], "edges": []});
    let problems = problems_of(&document);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problem_at(&problems, None, "nodes")
            .reason
            .contains("needs a trigger")
    );

    let mut document = welcome_workflow();
    for n in 0..5 {
        let id = format!("extra_trigger_{n}");
        push_node(
            &mut document,
            json!({"id": id, "kind": "trigger", "config": {"event": "manual"}}),
        );
        push_edge(
            &mut document,
            json!({"id": format!("t{n}"), "source": id, "target": "wait_10m", "outcome": "next"}),
        );
    }
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("extra_trigger_4"), "kind");
    assert!(
        problem.reason.contains("at most 5 trigger nodes"),
        "{problem:?}"
    );
}

#[test]
fn unreachable_nodes() {
    let mut document = welcome_workflow();
    push_node(
        &mut document,
        json!({"id": "orphan", "kind": "delay", "config": {"duration": "1h"}}),
    );
    let problems = problems_of(&document);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problem_at(&problems, Some("orphan"), "id")
            .reason
            .contains("no trigger leads here")
    );
}

#[test]
fn goto_counts_as_an_edge_and_goals_are_entry_points() {
    let mut document = welcome_workflow();
    push_node(
        &mut document,
        json!({"id": "jump", "kind": "goto", "config": {"target": "after_goal"}}),
    );
    push_node(&mut document, json!({"id": "after_goal", "kind": "exit"}));
    push_node(
        &mut document,
        json!({"id": "joined", "kind": "goal", "config": {"event": "membership_cancelled"}}),
    );
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "task", "target": "jump", "outcome": "created"}),
    );
    assert_eq!(problems_of(&document), Vec::<Problem>::new());

    node_mut(&mut document, "jump")["config"]["target"] = json!("trigger");
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("jump"), "config.target")
            .reason
            .contains("is a trigger")
    );
}

#[test]
fn a_goal_condition_reads_the_event_that_reaches_it() {
    let mut document = welcome_workflow();
    push_node(
        &mut document,
        json!({"id": "cancelled", "kind": "goal", "config": {"event": "membership_cancelled",
            "condition": {"left": "{{event.plan_name}}", "op": "equals", "right": "{{trigger.source}}"}}}),
    );
    assert_eq!(problems_of(&document), Vec::<Problem>::new());

    node_mut(&mut document, "cancelled")["config"]["condition"]["left"] =
        json!("{{event.class_name}}");
    let problems = problems_of(&document);
    let reason = &problem_at(&problems, Some("cancelled"), "config.condition.left").reason;
    assert!(
        reason.contains("does not provide `event.class_name`"),
        "{reason}"
    );

    // Outside a goal there is no `event`.
    node_mut(&mut document, "cancelled")["config"]["condition"]["left"] =
        json!("{{event.plan_name}}");
    node_mut(&mut document, "is_member")["config"]["condition"] =
        json!({"left": "{{event.plan_name}}", "op": "is_empty"});
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("is_member"), "config.condition.left")
            .reason
            .contains("there is no variable `event`")
    );
}

#[test]
fn cycle_without_a_wait_is_rejected_and_with_a_delay_accepted() {
    // task --created--> loop_check --true--> task: spins without pausing.
    let mut document = welcome_workflow();
    push_node(
        &mut document,
        json!({"id": "loop_check", "kind": "if_else", "config": {"condition":
        {"left": "{{contact.status}}", "op": "equals", "right": "lead"}}}),
    );
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "task", "target": "loop_check", "outcome": "created"}),
    );
    push_edge(
        &mut document,
        json!({"id": "e9", "source": "loop_check", "target": "task", "outcome": "true"}),
    );
    let problems = problems_of(&document);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let problem = &problems[0];
    assert_eq!(problem.node_id.as_deref(), Some("loop_check"));
    assert_eq!(problem.field, "edges[8]");
    assert!(
        problem.reason.contains("task → loop_check → task"),
        "{problem:?}"
    );

    // The same loop through a delay is fine.
    push_node(
        &mut document,
        json!({"id": "cool_off", "kind": "delay", "config": {"duration": "1d"}}),
    );
    document["edges"][8]["target"] = json!("cool_off");
    push_edge(
        &mut document,
        json!({"id": "e10", "source": "cool_off", "target": "task", "outcome": "next"}),
    );
    assert_eq!(problems_of(&document), Vec::<Problem>::new());

    // A go-to closing the loop counts as an edge.
    let mut document = welcome_workflow();
    push_node(
        &mut document,
        json!({"id": "again", "kind": "goto", "config": {"target": "email"}}),
    );
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "email", "target": "again", "outcome": "sent"}),
    );
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("again"), "config.target");
    assert!(
        problem.reason.contains("email → again → email"),
        "{problem:?}"
    );
}

#[test]
fn action_input_failing_the_schema() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "sms")["config"]["input"] =
        json!({"to": "07700 900123", "sender": "Gym"});
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("sms"), "config.input.to")
            .reason
            .contains("does not match")
    );
    assert_eq!(
        problem_at(&problems, Some("sms"), "config.input.body").reason,
        "is required by the plugin"
    );
    assert!(
        problem_at(&problems, Some("sms"), "config.input.sender")
            .reason
            .contains("not an input")
    );
}

#[test]
fn templates_satisfy_any_schema_type() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "task")["config"]["input"]["due_in_days"] =
        json!("{{trigger.notes | default: 2}}");
    assert_eq!(problems_of(&document), Vec::<Problem>::new());
}

#[test]
fn plugin_version_not_installed() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "email")["config"]["version"] = json!("2.1.0");
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("email"), "config.version");
    assert!(
        problem
            .reason
            .contains("`atlas.email.send` version 2.1.0 is not installed"),
        "{problem:?}"
    );

    node_mut(&mut document, "email")["config"]["version"] = json!("^2.0");
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("email"), "config.version")
            .reason
            .contains("exact version")
    );
}

#[test]
fn step_outputs_must_run_before_on_every_path() {
    let mut document = welcome_workflow();
    // `email` only runs on the true branch, so `task` cannot read its output.
    node_mut(&mut document, "task")["config"]["input"]["title"] =
        json!("Follow up {{steps.email.output.id}}");
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("task"), "config.input.title");
    assert!(
        problem
            .reason
            .contains("does not run before this node on every path"),
        "{problem:?}"
    );

    // An action cannot read its own output either.
    let mut document = welcome_workflow();
    node_mut(&mut document, "sms")["config"]["input"]["body"] = json!("{{steps.sms.outcome}}");
    let problems = problems_of(&document);
    assert!(
        problem_at(&problems, Some("sms"), "config.input.body")
            .reason
            .contains("steps.sms.outcome")
    );
}

#[test]
fn step_output_property_must_be_in_the_output_schema() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "email")["config"]["input"]["html"] =
        json!("{{steps.sms.output.message}}");
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("email"), "config.input.html");
    assert!(
        problem
            .reason
            .contains("no property `message`; it has message_id, segments"),
        "{problem:?}"
    );
}

#[test]
fn unknown_contact_and_trigger_fields() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "sms")["config"]["input"]["body"] =
        json!("Hi {{contact.frist_name}} {{trigger.class_start}}");
    let problems = problems_of(&document);
    let contact = problems
        .iter()
        .find(|problem| problem.reason.contains("frist_name"))
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert_eq!(
        (contact.node_id.as_deref(), contact.field.as_str()),
        (Some("sms"), "config.input.body")
    );
    let trigger = problems
        .iter()
        .find(|problem| problem.reason.contains("trigger.class_start"))
        .unwrap_or_else(|| panic!("{problems:#?}"));
    assert!(
        trigger
            .reason
            .contains("the `lead_created` trigger does not provide"),
        "{trigger:?}"
    );

    // Custom contact fields and free-form trigger payloads accept any path.
    node_mut(&mut document, "trigger")["config"] = json!({"event": "inbound_webhook"});
    node_mut(&mut document, "sms")["config"]["input"]["body"] =
        json!("{{contact.custom.goal}} {{trigger.any.path[0]}}");
    assert_eq!(problems_of(&document), Vec::<Problem>::new());
}

#[test]
fn invalid_template_syntax_has_a_position() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "sms")["config"]["input"]["body"] =
        json!("Hi {{ contact.first_name | shout }}");
    let problems = problems_of(&document);
    let problem = problem_at(&problems, Some("sms"), "config.input.body");
    assert!(
        problem
            .reason
            .contains("at byte 27: unknown filter `shout`"),
        "{problem:?}"
    );
}

#[test]
fn config_values_are_checked() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "wait_10m")["config"]["duration"] = json!("10 minutes");
    node_mut(&mut document, "wait_booking")["config"]["timeout"] = json!("400d");
    push_node(
        &mut document,
        json!({"id": "hours", "kind": "wait_until", "config": {
        "mode": "business_hours",
        "windows": {"mon": [["09:00", "17:00"]], "tue": [["18:00", "08:00"]]},
        "holidays": ["2026-12-25", "Christmas"]}}),
    );
    push_node(
        &mut document,
        json!({"id": "split", "kind": "ab_split", "config": {"variants": [
        {"name": "a", "weight": 0}, {"name": "a", "weight": 50}]}}),
    );
    push_node(
        &mut document,
        json!({"id": "cron", "kind": "trigger", "config": {"event": "schedule", "cron": "0 9 * *"}}),
    );
    push_edge(
        &mut document,
        json!({"id": "e8", "source": "task", "target": "hours", "outcome": "created"}),
    );
    push_edge(
        &mut document,
        json!({"id": "e9", "source": "hours", "target": "split", "outcome": "next"}),
    );
    let problems = problems_of(&document);
    let expect = |node: &str, field: &str, text: &str| {
        let problem = problem_at(&problems, Some(node), field);
        assert!(problem.reason.contains(text), "{problem:?}");
    };
    expect("wait_10m", "config.duration", "invalid duration");
    expect("wait_booking", "config.timeout", "longer than 365d");
    expect(
        "hours",
        "config.windows.tue[0]",
        "must start before it ends",
    );
    expect("hours", "config.holidays[1]", "not a YYYY-MM-DD date");
    expect("split", "config.variants[0].weight", "from 1 to 100");
    expect("split", "config.variants[1].name", "used twice");
    expect("cron", "config.cron", "5 fields");
}

#[test]
fn business_hours_time_zone_is_an_iana_name() {
    let wait = |zone: Value| {
        let mut document = welcome_workflow();
        push_node(
            &mut document,
            json!({"id": "hours", "kind": "wait_until", "config": {
            "mode": "business_hours", "windows": {"mon": [["09:00", "17:00"]]},
            "time_zone": zone}}),
        );
        push_edge(
            &mut document,
            json!({"id": "e8", "source": "task", "target": "hours", "outcome": "created"}),
        );
        problems_of(&document)
    };
    assert_eq!(wait(json!("Europe/Madrid")), Vec::<Problem>::new());
    assert_eq!(
        wait(json!("America/Argentina/Buenos_Aires")),
        Vec::<Problem>::new()
    );
    let problems = wait(json!("Europe/Atlantis"));
    assert_eq!(problems.len(), 1, "{problems:#?}");
    let problem = problem_at(&problems, Some("hours"), "config.time_zone");
    assert!(
        problem
            .reason
            .contains("`Europe/Atlantis` is not an IANA time zone"),
        "{problem:?}"
    );
    let document: WorkflowDocument = serde_json::from_value(json!({
        "name": "t", "nodes": [{"id": "w", "kind": "wait_until", "position": {"x": 0, "y": 0},
        "config": {"mode": "business_hours", "windows": {}}}], "edges": []}))
    .unwrap();
    let NodeKind::WaitUntil(config) = &document.nodes[0].kind else {
        panic!("a wait_until node")
    };
    assert!(
        !serde_json::to_value(config)
            .unwrap()
            .as_object()
            .unwrap()
            .contains_key("time_zone"),
        "an absent zone stays absent"
    );
}

#[test]
fn settings_are_checked() {
    let mut document = welcome_workflow();
    document["settings"]["quiet_hours"]["end"] = json!("8am");
    document["settings"]["reentry"]["days"] = json!(0);
    let problems = problems_of(&document);
    problem_at(&problems, None, "settings.quiet_hours.end");
    problem_at(&problems, None, "settings.reentry.days");
}

#[test]
fn condition_nesting_beyond_the_limit() {
    let mut condition = json!({"left": "{{contact.status}}", "op": "is_empty"});
    for _ in 0..20 {
        condition = json!({"not": condition});
    }
    let mut document = welcome_workflow();
    node_mut(&mut document, "is_member")["config"]["condition"] = condition;
    let problems = problems_of(&document);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].node_id.as_deref(), Some("is_member"));
    assert!(problems[0].field.starts_with("config.condition.not.not"));
    assert!(problems[0].reason.contains("at most 16 levels"));
}

#[test]
fn hundred_thousand_nodes_are_rejected_quickly() {
    let mut json = String::from(r#"{"name": "huge", "nodes": ["#);
    for n in 0..100_000 {
        if n > 0 {
            json.push(',');
        }
        json.push_str(&format!(
            r#"{{"id": "n{n}", "kind": "delay", "position": {{"x": {n}, "y": 0}}, "config": {{"duration": "1m"}}}}"#
        ));
    }
    json.push_str(r#"], "edges": []}"#);
    let started = Instant::now();
    let problems = parse_workflow(&json).unwrap_err();
    let elapsed = started.elapsed();
    println!(
        "100,000-node document ({} bytes) rejected in {elapsed:?}",
        json.len()
    );
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].field, "nodes");
    assert!(
        problems[0].reason.contains("at most 2000 nodes"),
        "{problems:?}"
    );

    // Built in code rather than parsed, the document is rejected before any per-node work.
    let node: atlas::graph::Node =
        serde_json::from_str(r#"{"id": "n", "kind": "delay", "config": {"duration": "1m"}}"#)
            .unwrap();
    let document = WorkflowDocument {
        name: "huge".into(),
        tags: Vec::new(),
        settings: Default::default(),
        nodes: vec![node; 100_000],
        edges: Vec::new(),
    };
    let started = Instant::now();
    let problems = validate(&document, &installed());
    assert!(started.elapsed() < Duration::from_secs(1));
    assert_eq!(problems.len(), 1);
    assert!(problems[0].reason.contains("this one has 100000"));
}

#[test]
fn largest_allowed_workflow_validates_quickly() {
    // 2,000 nodes: a trigger, then alternating delays and SMS actions, each
    // message quoting the previous action's output.
    let mut nodes =
        vec![json!({"id": "n0", "kind": "trigger", "config": {"event": "lead_created"}})];
    let mut edges = Vec::new();
    let mut previous_action: Option<String> = None;
    for n in 1..2_000 {
        let id = format!("n{n}");
        let node = if n % 2 == 1 {
            json!({"id": id, "kind": "delay", "config": {"duration": "1h"}})
        } else {
            let body = match &previous_action {
                Some(action) => format!(
                    "Again {{{{contact.first_name}}}}: {{{{steps.{action}.output.message_id}}}}"
                ),
                None => "Hello {{contact.first_name}}".to_owned(),
            };
            previous_action = Some(id.clone());
            json!({"id": id, "kind": "action", "config": {"plugin": "atlas.sms.send", "version": "1.2.3",
                "input": {"to": "{{contact.phone}}", "body": body}}})
        };
        nodes.push(node);
        // Delays sit at odd positions; every even node but the trigger is an SMS.
        let source = n - 1;
        let outcome = if source % 2 == 0 && source > 0 {
            "sent"
        } else {
            "next"
        };
        edges.push(json!({"id": format!("e{n}"), "source": format!("n{source}"), "target": format!("n{n}"), "outcome": outcome}));
    }
    let document = parse(&json!({"name": "long", "nodes": nodes, "edges": edges}));
    let started = Instant::now();
    let problems = validate(&document, &installed());
    let elapsed = started.elapsed();
    println!("2,000-node workflow validated in {elapsed:?}");
    assert_eq!(problems, Vec::<Problem>::new());
    assert!(elapsed < Duration::from_secs(2), "{elapsed:?}");
}

#[test]
fn ten_thousand_deep_condition_is_a_clear_error() {
    let depth = 10_000;
    let condition = format!(
        "{}{}{}",
        r#"{"not": "#.repeat(depth),
        r#"{"left": "{{contact.status}}", "op": "is_empty"}"#,
        "}".repeat(depth)
    );
    let json = format!(
        r#"{{"name": "deep", "nodes": [{{"id": "t", "kind": "trigger", "config": {{"event": "manual"}}}},
            {{"id": "deep_if", "kind": "if_else", "config": {{"condition": {condition}}}}}], "edges": []}}"#
    );
    let started = Instant::now();
    let problems = parse_workflow(&json).unwrap_err();
    let elapsed = started.elapsed();
    println!("10,000-deep condition rejected in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    assert_eq!(problems.len(), 1);
    assert_eq!(problems[0].node_id.as_deref(), Some("deep_if"));
    assert!(
        problems[0].field.starts_with("config.condition.not"),
        "{problems:?}"
    );
    assert!(
        problems[0].reason.contains("nested too deeply"),
        "{problems:?}"
    );
}

#[test]
fn one_megabyte_template_is_a_clear_error() {
    let mut document = welcome_workflow();
    let huge = format!("{} {{{{contact.first_name}}}}", "x".repeat(1024 * 1024));
    node_mut(&mut document, "sms")["config"]["input"]["body"] = json!(huge);
    let text = document.to_string();
    let started = Instant::now();
    let problems = validate(&parse_workflow(&text).unwrap(), &installed());
    let elapsed = started.elapsed();
    println!("1 MB template rejected in {elapsed:?}");
    assert!(elapsed < Duration::from_secs(1), "{elapsed:?}");
    let problem = problem_at(&problems, Some("sms"), "config.input.body");
    assert!(
        problem.reason.contains("at most 16384 bytes"),
        "{problem:?}"
    );
}

#[test]
fn every_problem_is_reported_at_once() {
    let mut document = welcome_workflow();
    node_mut(&mut document, "wait_10m")["config"]["duration"] = json!("soon");
    node_mut(&mut document, "email")["config"]["version"] = json!("9.9.9");
    document["edges"][6]["target"] = json!("ghost");
    node_mut(&mut document, "sms")["config"]["input"]["body"] = json!("{{contact.nickname}}");
    let problems = problems_of(&document);
    problem_at(&problems, Some("wait_10m"), "config.duration");
    problem_at(&problems, Some("email"), "config.version");
    problem_at(&problems, Some("is_member"), "edges[6].target");
    problem_at(&problems, Some("sms"), "config.input.body");
    // `task` lost its only incoming edge.
    problem_at(&problems, Some("task"), "id");
}
