//! The `atlas.crm.*` actions through the real runtime and the real CRM on a
//! temp SQLite store: each changes what it says (read back from the CRM),
//! needs `crm-write`, cannot reach another org's contact, refuses bad input
//! and changes nothing in test mode.

mod common;

use atlas::crm::TaskPriority;
use atlas::runtime::RunReport;
use common::actions::{ActionHarness, NOW_MS, ORG, fatal_message, invalid_input_message};
use common::crm_world::CrmWorld;
use serde_json::{Value, json};

const WRITE: &[&str] = &["crm:write"];
const DAY_MS: u64 = 86_400_000;
const REMOVE_TAG: &str = "crm-remove-tag";
const MOVE: &str = "crm-move-opportunity";

/// One action, and an input that succeeds against the world.
struct Case {
    component: &'static str,
    id: &'static str,
    outcome: &'static str,
    input: fn(&CrmWorld) -> Value,
    /// Whether the action acts on a contact (the run's by default).
    on_contact: bool,
}

const CASES: &[Case] = &[
    Case {
        component: "crm-update-contact",
        id: "atlas.crm.update-contact",
        outcome: "updated",
        input: |_| json!({ "status": "trial", "consent": { "sms": true } }),
        on_contact: true,
    },
    Case {
        component: "crm-add-tag",
        id: "atlas.crm.add-tag",
        outcome: "added",
        input: |_| json!({ "tag": "vip" }),
        on_contact: true,
    },
    Case {
        component: "crm-remove-tag",
        id: "atlas.crm.remove-tag",
        outcome: "removed",
        input: |_| json!({ "tag": "newsletter" }),
        on_contact: true,
    },
    Case {
        component: "crm-add-note",
        id: "atlas.crm.add-note",
        outcome: "added",
        input: |_| json!({ "body": "Asked about personal training" }),
        on_contact: true,
    },
    Case {
        component: "crm-create-task",
        id: "atlas.crm.create-task",
        outcome: "created",
        input: |_| json!({ "title": "Call back", "due_in": "1d" }),
        on_contact: true,
    },
    Case {
        component: "crm-create-opportunity",
        id: "atlas.crm.create-opportunity",
        outcome: "created",
        input: |w| json!({ "title": "PT pack", "pipeline_id": w.pipeline.id, "stage_id": w.stage("Trial"), "value_minor": 30_000, "currency": "GBP" }),
        on_contact: true,
    },
    Case {
        component: "crm-move-opportunity",
        id: "atlas.crm.move-opportunity",
        outcome: "moved",
        input: |w| json!({ "opportunity_id": w.opportunity, "stage_id": w.stage("Won") }),
        on_contact: false,
    },
];

async fn setup(component: &'static str, id: &'static str) -> (ActionHarness, CrmWorld) {
    let h = ActionHarness::new(component, id).await;
    let world = h.world().await;
    (h, world)
}

/// Runs `case` with `granted` and `test_mode` on Ada's run, and checks the
/// CRM state did not change.
async fn run_changing_nothing(case: &Case, granted: &[&str], test_mode: bool) -> RunReport {
    let (h, world) = setup(case.component, case.id).await;
    let before = world.state().await;
    let input = (case.input)(&world);
    let report = h
        .run(input, granted, test_mode, Some(world.snapshot()))
        .await;
    assert_eq!(world.state().await, before, "{} changed the CRM", case.id);
    report
}

#[tokio::test]
async fn every_action_needs_crm_write_and_changes_nothing_without_it() {
    for case in CASES {
        for granted in [&["crm:read"][..], &[]] {
            let report = run_changing_nothing(case, granted, false).await;
            let message = fatal_message(&report);
            assert!(
                message.starts_with("crm-write is not granted to this action"),
                "{}: {message}",
                case.id
            );
            assert!(!report.denials.is_empty(), "{}", case.id);
        }
    }
}

#[tokio::test]
async fn test_mode_answers_like_a_real_run_and_changes_nothing() {
    for case in CASES {
        let report = run_changing_nothing(case, WRITE, true).await;
        let output = report
            .result
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.id));
        assert_eq!(output.outcome, case.outcome, "{}", case.id);
    }
}

#[tokio::test]
async fn another_orgs_contact_and_an_unknown_one_are_not_found() {
    for case in CASES.iter().filter(|case| case.on_contact) {
        for stranger in [None, Some("c_nobody")] {
            let (h, world) = setup(case.component, case.id).await;
            let before = world.state().await;
            let contact_id = stranger.map_or(world.stranger.clone(), str::to_owned);
            let mut input = (case.input)(&world);
            input["contact_id"] = json!(contact_id);
            let report = world.run(&h, input, WRITE).await;
            assert_eq!(
                fatal_message(&report),
                format!("contact `{contact_id}` does not exist"),
                "{}",
                case.id
            );
            assert_eq!(world.state().await, before, "{}", case.id);
        }
    }
}

#[tokio::test]
async fn without_any_contact_the_input_is_invalid() {
    for case in CASES
        .iter()
        .filter(|case| case.on_contact && case.id != "atlas.crm.create-task")
    {
        let (h, world) = setup(case.component, case.id).await;
        let report = h.run((case.input)(&world), WRITE, false, None).await;
        let message = invalid_input_message(&report);
        assert!(message.starts_with("no contact"), "{}: {message}", case.id);
    }
}

#[tokio::test]
async fn update_contact_changes_fields_merges_custom_fields_and_keeps_other_consent() {
    let (h, world) = setup("crm-update-contact", "atlas.crm.update-contact").await;
    let report = world
        .run(
            &h,
            json!({
                "first_name": " Augusta ",
                "phone": "+447700900123",
                "status": "trial",
                "lifecycle_stage": "trial",
                "owner_id": "staff_7",
                "custom_fields": { "shoe": 38, "goal": null },
                "consent": { "sms": true }
            }),
            WRITE,
        )
        .await;
    let output = report.result.expect("updated");
    assert_eq!(output.outcome, "updated");
    assert_eq!(output.data["id"], json!(world.contact));
    assert_eq!(output.data["first_name"], "Augusta");
    assert_eq!(output.data["custom_fields"], json!({ "shoe": 38 }));
    assert_eq!(
        output.data["consent"],
        json!({ "email": true, "sms": true, "whatsapp": false })
    );

    let stored = world.crm.contact(ORG, &world.contact).await.unwrap();
    assert_eq!(stored.first_name, "Augusta");
    assert_eq!(stored.last_name, "Tester");
    assert_eq!(stored.phone.as_deref(), Some("+447700900123"));
    assert_eq!(stored.status, "trial");
    assert_eq!(stored.lifecycle_stage, "trial");
    assert_eq!(stored.owner_id.as_deref(), Some("staff_7"));
    assert_eq!(stored.custom_fields, json!({ "shoe": 38 }));
    assert!(stored.consent.email && stored.consent.sms && !stored.consent.whatsapp);
    let events = world
        .crm
        .store()
        .crm_events(ORG, Some("contact_updated"), 10)
        .await
        .unwrap();
    assert_eq!(events.len(), 1);
}

#[tokio::test]
async fn update_contact_refuses_bad_input_and_changes_nothing() {
    let (h, world) = setup("crm-update-contact", "atlas.crm.update-contact").await;
    let before = world.state().await;
    for (input, expected) in [
        (
            json!({}),
            "nothing to change: give at least one field, custom field or consent flag",
        ),
        (
            json!({ "consent": {} }),
            "nothing to change: give at least one field, custom field or consent flag",
        ),
        (
            json!({ "email": " " }),
            "email is empty; leave it out to keep the contact's value",
        ),
        (
            json!({ "email": "not-an-address" }),
            "`not-an-address` is not an email address",
        ),
        (
            json!({ "contact_id": "", "status": "member" }),
            "contact_id is empty; leave it out to use the run's contact",
        ),
    ] {
        let report = world.run(&h, input.clone(), WRITE).await;
        assert_eq!(invalid_input_message(&report), expected, "{input}");
    }
    let report = world.run(&h, json!({ "nickname": "Ada" }), WRITE).await;
    assert!(invalid_input_message(&report).contains("nickname"));
    assert_eq!(world.state().await, before);
}

#[tokio::test]
async fn add_and_remove_tag_change_the_contacts_tags() {
    let (h, world) = setup("crm-add-tag", "atlas.crm.add-tag").await;
    let report = world.run(&h, json!({ "tag": " vip " }), WRITE).await;
    let output = report.result.expect("tagged");
    assert_eq!(
        output.data,
        json!({ "contact_id": world.contact, "tag": "vip" })
    );
    let tags = world.crm.contact(ORG, &world.contact).await.unwrap().tags;
    assert!(tags.contains(&"vip".to_string()), "{tags:?}");
    let tagged = world
        .crm
        .store()
        .crm_events(ORG, Some("tag_added"), 10)
        .await
        .unwrap();
    assert_eq!(tagged.len(), 1);
    // The explicit contact wins over the run's.
    let report = world
        .run(
            &h,
            json!({ "tag": "vip", "contact_id": world.member }),
            WRITE,
        )
        .await;
    assert_eq!(
        report.result.expect("tagged").data["contact_id"],
        json!(world.member)
    );
    assert!(
        world
            .crm
            .contact(ORG, &world.member)
            .await
            .unwrap()
            .tags
            .contains(&"vip".to_string())
    );

    let report = world
        .run(&h, json!({ "tag": "x".repeat(101) }), WRITE)
        .await;
    assert_eq!(
        invalid_input_message(&report),
        "`tag` is 101 bytes; at most 100 are accepted"
    );
    let report = world.run(&h, json!({ "tag": "  " }), WRITE).await;
    assert_eq!(invalid_input_message(&report), "tag must not be empty");

    let report = h
        .run_component(
            REMOVE_TAG,
            json!({ "tag": "newsletter" }),
            WRITE,
            false,
            Some(world.snapshot()),
        )
        .await;
    assert_eq!(report.result.expect("removed").outcome, "removed");
    assert_eq!(
        world.crm.contact(ORG, &world.contact).await.unwrap().tags,
        ["vip"]
    );
    // Removing a tag the contact does not have succeeds and changes nothing.
    let before = world.state().await;
    let report = h
        .run_component(
            REMOVE_TAG,
            json!({ "tag": "never-had" }),
            WRITE,
            false,
            Some(world.snapshot()),
        )
        .await;
    assert!(report.result.is_ok());
    assert_eq!(world.state().await, before);
}

#[tokio::test]
async fn add_note_stores_the_note_by_the_action() {
    let (h, world) = setup("crm-add-note", "atlas.crm.add-note").await;
    let report = world
        .run(
            &h,
            json!({ "body": "Asked about personal training" }),
            WRITE,
        )
        .await;
    let output = report.result.expect("noted");
    let note_id = output.data["note_id"].as_str().unwrap();
    assert_eq!(output.data["contact_id"], json!(world.contact));
    let notes = world.crm.notes(ORG, &world.contact).await.unwrap();
    let note = notes
        .iter()
        .find(|n| n.id == note_id)
        .expect("the note is stored");
    assert_eq!(note.body, "Asked about personal training");
    assert_eq!(note.author, "plugin:atlas.crm.add-note");

    let report = world.run(&h, json!({ "body": "" }), WRITE).await;
    assert_eq!(invalid_input_message(&report), "body must not be empty");
    let report = world
        .run(&h, json!({ "body": "x".repeat(65 * 1024) }), WRITE)
        .await;
    assert!(invalid_input_message(&report).contains("65536"));
}

#[tokio::test]
async fn create_task_is_due_relative_to_the_step_or_at_a_time() {
    let (h, world) = setup("crm-create-task", "atlas.crm.create-task").await;
    let report = world
        .run(
            &h,
            json!({
                "title": "Call Ada about her trial",
                "description": "She asked about mornings.",
                "assignee_id": "staff_7",
                "due_in": "2d",
                "priority": "high"
            }),
            WRITE,
        )
        .await;
    let output = report.result.expect("created");
    assert_eq!(output.outcome, "created");
    assert_eq!(output.data["due_unix_ms"], json!(NOW_MS + 2 * DAY_MS));
    let task = world
        .crm
        .task(ORG, output.data["task_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(task.title, "Call Ada about her trial");
    assert_eq!(task.description, "She asked about mornings.");
    assert_eq!(task.assignee_id.as_deref(), Some("staff_7"));
    assert_eq!(task.contact_id.as_deref(), Some(world.contact.as_str()));
    assert_eq!(task.due_at, Some((NOW_MS + 2 * DAY_MS) as i64));
    assert_eq!(task.priority, TaskPriority::High);
    assert_eq!(task.status, "open");

    // An absolute time, and a task about nobody when the run has no contact.
    let report = h
        .run(
            json!({ "title": "Restock towels", "due_at": "2025-11-24T17:00:00+01:00" }),
            WRITE,
            false,
            None,
        )
        .await;
    let output = report.result.expect("created");
    let task = world
        .crm
        .task(ORG, output.data["task_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(task.due_at, Some(1_764_000_000_000));
    assert_eq!(task.contact_id, None);
    assert_eq!(task.priority, TaskPriority::Normal);

    let before = world.state().await;
    for (input, expected) in [
        (
            json!({ "title": "Call", "due_in": "soon" }),
            "due_in `soon` is not a duration such as 30m, 4h, 2d or 1w",
        ),
        (
            json!({ "title": "Call", "due_at": "tomorrow 9am" }),
            "due_at `tomorrow 9am` is not an RFC 3339 time such as 2025-06-02T09:00:00Z",
        ),
        (
            json!({ "title": "Call", "due_at": "2025-11-24T17:00:00Z", "due_in": "1d" }),
            "give due_at or due_in, not both",
        ),
        (json!({ "title": " " }), "title must not be empty"),
    ] {
        let report = world.run(&h, input.clone(), WRITE).await;
        assert_eq!(invalid_input_message(&report), expected, "{input}");
    }
    let report = world
        .run(&h, json!({ "title": "Call", "priority": "asap" }), WRITE)
        .await;
    assert!(invalid_input_message(&report).contains("priority"));
    assert_eq!(world.state().await, before);
}

#[tokio::test]
async fn create_and_move_an_opportunity_through_the_pipeline() {
    let (h, world) = setup("crm-create-opportunity", "atlas.crm.create-opportunity").await;
    let report = world
        .run(
            &h,
            json!({
                "title": "PT pack",
                "pipeline_id": world.pipeline.id,
                "stage_id": world.stage("Trial"),
                "value_minor": 30_000,
                "currency": "gbp"
            }),
            WRITE,
        )
        .await;
    let output = report.result.expect("created");
    let id = output.data["opportunity_id"].as_str().unwrap().to_owned();
    let stored = world.crm.opportunity(ORG, &id).await.unwrap();
    assert_eq!(stored.contact_id, world.contact);
    assert_eq!(stored.stage_id, world.stage("Trial"));
    assert_eq!(stored.title, "PT pack");
    assert_eq!(stored.value_minor, 30_000);
    assert_eq!(stored.currency, "GBP");

    let before = world.state().await;
    let report = world.run(&h, json!({ "title": "PT", "pipeline_id": world.pipeline.id, "stage_id": "s_nowhere", "currency": "GBP" }), WRITE)
        .await;
    assert_eq!(
        fatal_message(&report),
        format!(
            "stage `s_nowhere` is not a stage of pipeline `{}`",
            world.pipeline.id
        )
    );
    let report = world.run(&h, json!({ "title": "PT", "pipeline_id": world.pipeline.id, "stage_id": world.stage("New"), "currency": "pounds" }), WRITE)
        .await;
    assert_eq!(
        invalid_input_message(&report),
        "`POUNDS` is not an ISO 4217 currency code such as GBP"
    );
    assert_eq!(world.state().await, before);

    let report = h
        .run_component(
            MOVE,
            json!({ "opportunity_id": id, "stage_id": world.stage("Won") }),
            WRITE,
            false,
            None,
        )
        .await;
    let output = report.result.expect("moved");
    assert_eq!(
        output.data,
        json!({ "opportunity_id": id, "stage_id": world.stage("Won") })
    );
    assert_eq!(
        world.crm.opportunity(ORG, &id).await.unwrap().stage_id,
        world.stage("Won")
    );

    let before = world.state().await;
    let report = h
        .run_component(
            MOVE,
            json!({ "opportunity_id": "o_nowhere", "stage_id": world.stage("Won") }),
            WRITE,
            false,
            None,
        )
        .await;
    assert_eq!(
        fatal_message(&report),
        "opportunity `o_nowhere` does not exist"
    );
    let report = h
        .run_component(
            MOVE,
            json!({ "opportunity_id": id, "stage_id": "s_nowhere" }),
            WRITE,
            false,
            None,
        )
        .await;
    assert_eq!(
        fatal_message(&report),
        "stage `s_nowhere` is not a stage of the opportunity's pipeline"
    );
    let report = h
        .run_component(MOVE, json!({ "opportunity_id": id }), WRITE, false, None)
        .await;
    assert!(invalid_input_message(&report).contains("stage_id"));
    assert_eq!(world.state().await, before);
}
