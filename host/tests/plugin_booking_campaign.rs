//! `atlas.booking.*` and `atlas.campaign.*` through the real runtime and the
//! real CRM on a temp SQLite store: bookings take and free seats (a full
//! class is its own outcome), campaign membership changes, each action needs
//! `crm-write`, cannot reach another org's contact, refuses bad input and
//! changes nothing in test mode.

mod common;

use atlas::crm::BookingStatus;
use atlas::runtime::RunReport;
use common::actions::{ActionHarness, ORG, fatal_message, invalid_input_message};
use common::crm_world::CrmWorld;
use serde_json::{Value, json};

const WRITE: &[&str] = &["crm:write"];
const BOOK: (&str, &str) = ("booking-create", "atlas.booking.create");
const CANCEL: (&str, &str) = ("booking-cancel", "atlas.booking.cancel");
const JOIN: (&str, &str) = ("campaign-add-contact", "atlas.campaign.add-contact");
const LEAVE: (&str, &str) = ("campaign-remove-contact", "atlas.campaign.remove-contact");

async fn setup((component, id): (&'static str, &'static str)) -> (ActionHarness, CrmWorld) {
    let h = ActionHarness::new(component, id).await;
    let world = h.world().await;
    (h, world)
}

/// Runs the action on Ada's run and checks the CRM did not change.
async fn run_changing_nothing(
    action: (&'static str, &'static str),
    input: fn(&CrmWorld) -> Value,
    granted: &[&str],
    test_mode: bool,
) -> RunReport {
    let (h, world) = setup(action).await;
    let before = world.state().await;
    let report = h
        .run(input(&world), granted, test_mode, Some(world.snapshot()))
        .await;
    assert_eq!(world.state().await, before, "{} changed the CRM", action.1);
    report
}

type Case = (
    (&'static str, &'static str),
    fn(&CrmWorld) -> Value,
    &'static str,
);

const CASES: [Case; 4] = [
    (BOOK, |w| json!({ "class_id": w.class }), "booked"),
    (
        CANCEL,
        |w| json!({ "booking_id": w.booking, "reason": "clash" }),
        "cancelled",
    ),
    (JOIN, |w| json!({ "campaign_id": w.campaign }), "added"),
    (LEAVE, |w| json!({ "campaign_id": w.campaign }), "removed"),
];

#[tokio::test]
async fn every_action_needs_crm_write_and_changes_nothing_without_it() {
    for (action, input, _) in CASES {
        for granted in [&["crm:read"][..], &[]] {
            let report = run_changing_nothing(action, input, granted, false).await;
            let message = fatal_message(&report);
            assert!(
                message.starts_with("crm-write is not granted to this action"),
                "{}: {message}",
                action.1
            );
            assert_eq!(report.denials.len(), 1, "{}", action.1);
        }
    }
}

#[tokio::test]
async fn test_mode_answers_like_a_real_run_and_changes_nothing() {
    for (action, input, outcome) in CASES {
        let report = run_changing_nothing(action, input, WRITE, true).await;
        let output = report
            .result
            .unwrap_or_else(|e| panic!("{}: {e:?}", action.1));
        assert_eq!(output.outcome, outcome, "{}", action.1);
    }
    // Test mode checks as a real run does: a full class is still full.
    let report =
        run_changing_nothing(BOOK, |w| json!({ "class_id": w.full_class }), WRITE, true).await;
    assert_eq!(report.result.expect("answered").outcome, "full");
}

#[tokio::test]
async fn another_orgs_contact_and_an_unknown_one_are_not_found() {
    for (action, input, _) in [CASES[0], CASES[2], CASES[3]] {
        for stranger in [None, Some("c_nobody")] {
            let (h, world) = setup(action).await;
            let before = world.state().await;
            let contact_id = stranger.map_or(world.stranger.clone(), str::to_owned);
            let mut doc = input(&world);
            doc["contact_id"] = json!(contact_id);
            let report = world.run(&h, doc, WRITE).await;
            assert_eq!(
                fatal_message(&report),
                format!("contact `{contact_id}` does not exist"),
                "{}",
                action.1
            );
            assert_eq!(world.state().await, before, "{}", action.1);
        }
        let (h, world) = setup(action).await;
        let report = h.run(input(&world), WRITE, false, None).await;
        assert!(
            invalid_input_message(&report).starts_with("no contact"),
            "{}",
            action.1
        );
        // A required field left out is refused by the input schema.
        let report = world.run(&h, json!({}), WRITE).await;
        invalid_input_message(&report);
    }
}

#[tokio::test]
async fn booking_takes_a_seat_and_a_full_class_follows_the_full_edge() {
    let (h, world) = setup(BOOK).await;
    let report = world
        .run(&h, json!({ "class_id": world.class }), WRITE)
        .await;
    let output = report.result.expect("booked");
    assert_eq!(output.outcome, "booked");
    assert_eq!(output.data["class_id"], json!(world.class));
    assert_eq!(output.data["contact_id"], json!(world.contact));
    let booking = world
        .crm
        .booking(ORG, output.data["booking_id"].as_str().unwrap())
        .await
        .unwrap();
    assert_eq!(booking.status, BookingStatus::Booked);
    assert_eq!(booking.class_id, world.class);
    assert_eq!(booking.source, "plugin:atlas.booking.create");
    assert_eq!(
        world
            .crm
            .class(ORG, &world.class)
            .await
            .unwrap()
            .booked_count,
        1
    );

    let before = world.state().await;
    let report = world
        .run(&h, json!({ "class_id": world.full_class }), WRITE)
        .await;
    let output = report.result.expect("answered");
    assert_eq!(output.outcome, "full");
    assert_eq!(
        output.data,
        json!({ "booking_id": null, "class_id": world.full_class, "contact_id": world.contact })
    );
    assert!(report.logs.iter().any(|l| l.message.contains("is full")));

    for (input, expected) in [
        (
            json!({ "class_id": world.class }),
            format!(
                "contact `{}` is already booked into class `{}`",
                world.contact, world.class
            ),
        ),
        (
            json!({ "class_id": " " }),
            "class_id must not be empty".to_owned(),
        ),
    ] {
        let report = world.run(&h, input, WRITE).await;
        assert_eq!(invalid_input_message(&report), expected);
    }
    let report = world
        .run(&h, json!({ "class_id": "k_nowhere" }), WRITE)
        .await;
    assert_eq!(fatal_message(&report), "class `k_nowhere` does not exist");
    assert_eq!(world.state().await, before);
}

#[tokio::test]
async fn cancelling_frees_the_seat_and_keeps_the_reason() {
    let (h, world) = setup(CANCEL).await;
    let booking = world.crm.booking(ORG, &world.booking).await.unwrap();
    let class_before = world.crm.class(ORG, &booking.class_id).await.unwrap();
    let report = h
        .run(
            json!({ "booking_id": world.booking, "reason": " moved away " }),
            WRITE,
            false,
            None,
        )
        .await;
    let output = report.result.expect("cancelled");
    assert_eq!(output.outcome, "cancelled");
    assert_eq!(output.data, json!({ "booking_id": world.booking }));
    let cancelled = world.crm.booking(ORG, &world.booking).await.unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("moved away"));
    assert_eq!(
        cancelled.cancelled_by.as_deref(),
        Some("plugin:atlas.booking.cancel")
    );
    assert_eq!(
        world
            .crm
            .class(ORG, &booking.class_id)
            .await
            .unwrap()
            .booked_count,
        class_before.booked_count - 1
    );
    assert_eq!(
        world
            .crm
            .store()
            .crm_events(ORG, Some("booking_cancelled"), 10)
            .await
            .unwrap()
            .len(),
        1
    );

    let before = world.state().await;
    let report = h
        .run(json!({ "booking_id": world.booking }), WRITE, false, None)
        .await;
    assert_eq!(
        invalid_input_message(&report),
        format!("booking `{}` is cancelled, not booked", world.booking)
    );
    let report = h
        .run(json!({ "booking_id": "b_nowhere" }), WRITE, false, None)
        .await;
    assert_eq!(fatal_message(&report), "booking `b_nowhere` does not exist");
    let report = h.run(json!({ "booking_id": "" }), WRITE, false, None).await;
    assert_eq!(
        invalid_input_message(&report),
        "booking_id must not be empty"
    );
    assert_eq!(world.state().await, before);
}

#[tokio::test]
async fn contacts_join_and_leave_a_campaign() {
    let (h, world) = setup(JOIN).await;
    let report = world
        .run(&h, json!({ "campaign_id": world.campaign }), WRITE)
        .await;
    let output = report.result.expect("added");
    assert_eq!(
        output.data,
        json!({ "campaign_id": world.campaign, "contact_id": world.contact })
    );
    let report = world
        .run(
            &h,
            json!({ "campaign_id": world.campaign, "contact_id": world.member }),
            WRITE,
        )
        .await;
    assert_eq!(report.result.expect("added").outcome, "added");
    let mut members = vec![world.contact.clone(), world.member.clone()];
    members.sort();
    assert_eq!(
        world
            .crm
            .campaign_members(ORG, &world.campaign)
            .await
            .unwrap(),
        members
    );
    // Adding again keeps one membership.
    let report = world
        .run(&h, json!({ "campaign_id": world.campaign }), WRITE)
        .await;
    assert!(report.result.is_ok());
    assert_eq!(
        world
            .crm
            .campaign(ORG, &world.campaign)
            .await
            .unwrap()
            .members,
        2
    );

    let report = h
        .run_component(
            LEAVE.0,
            json!({ "campaign_id": world.campaign }),
            WRITE,
            false,
            Some(world.snapshot()),
        )
        .await;
    assert_eq!(report.result.expect("removed").outcome, "removed");
    assert_eq!(
        world
            .crm
            .campaign_members(ORG, &world.campaign)
            .await
            .unwrap(),
        std::slice::from_ref(&world.member)
    );

    let before = world.state().await;
    for component in [JOIN.0, LEAVE.0] {
        let report = h
            .run_component(
                component,
                json!({ "campaign_id": "k_nowhere" }),
                WRITE,
                false,
                Some(world.snapshot()),
            )
            .await;
        assert_eq!(
            fatal_message(&report),
            "campaign `k_nowhere` does not exist"
        );
        let report = h
            .run_component(
                component,
                json!({ "campaign_id": "", "contact_id": world.contact }),
                WRITE,
                false,
                None,
            )
            .await;
        assert_eq!(
            invalid_input_message(&report),
            "campaign_id must not be empty"
        );
    }
    assert_eq!(world.state().await, before);
}
