//! CRM changes start workflows through the engine, and the sweeper emits the
//! time-based events exactly once: run twice, restarted, or run by two
//! processes sharing PostgreSQL.

mod common;

use std::sync::Arc;
use std::time::Duration;

use atlas::crm::{BookingStatus, Crm, NewClass, NewContact, NewMembership, Sweeper, SweeperConfig};
use atlas::engine::ManualClock;
use atlas::store::{ExecutionRecord, Org, SecretCipher, Store};
use common::PgDatabase;
use common::engine::{ORG, START_MS, TestEngine};
use serde_json::{Value, json};

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// A workflow started by `trigger` that runs the no-op action and ends.
fn on(trigger: Value) -> Value {
    json!({
        "name": "test",
        "nodes": [
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": trigger },
            { "id": "work", "kind": "action", "position": {"x": 0, "y": 0},
              "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } },
            { "id": "end", "kind": "exit", "position": {"x": 0, "y": 0}, "config": {} }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "work", "outcome": "next" },
            { "id": "e2", "source": "work", "target": "end", "outcome": "done" }
        ]
    })
}

async fn executions(t: &TestEngine, workflow: &str) -> Vec<ExecutionRecord> {
    t.store
        .executions(ORG, Some(workflow), None, 100)
        .await
        .unwrap()
}

fn lead(first: &str) -> NewContact {
    NewContact {
        first_name: first.into(),
        source: "website".into(),
        ..NewContact::default()
    }
}

on_both_stores!(
    a_new_lead_and_a_new_tag_start_their_workflows,
    |db| async move {
        let t = TestEngine::start(db).await;
        let welcome = t
            .workflow("welcome", on(json!({ "event": "lead_created" })))
            .await;
        let vip = t
            .workflow("vip", on(json!({ "event": "tag_added", "tag": "vip" })))
            .await;
        let crm = Crm::with_engine(&t.engine);

        let ada = crm.create_contact(ORG, lead("Ada"), "staff").await.unwrap();
        let started = executions(&t, &welcome).await;
        assert_eq!(started.len(), 1);
        assert_eq!(started[0].contact_id.as_deref(), Some(ada.id.as_str()));
        assert_eq!(started[0].trigger["source"], "website");
        assert_eq!(started[0].trigger["event"], "lead_created");
        assert_eq!(started[0].contact.as_ref().unwrap()["first_name"], "Ada");
        t.wait_for(&started[0].id, atlas::store::ExecutionStatus::Completed)
            .await;

        crm.add_tag(ORG, &ada.id, "newsletter").await.unwrap();
        assert!(
            executions(&t, &vip).await.is_empty(),
            "another tag does not match"
        );
        crm.add_tag(ORG, &ada.id, "vip").await.unwrap();
        crm.add_tag(ORG, &ada.id, "vip").await.unwrap();
        let vips = executions(&t, &vip).await;
        assert_eq!(vips.len(), 1, "a tag the contact already has fires nothing");
        assert_eq!(vips[0].trigger["tag"], "vip");
        assert_eq!(
            vips[0].contact.as_ref().unwrap()["tags"],
            json!(["newsletter", "vip"])
        );

        let pending = t.store.crm_pending_events(ORG, i64::MAX, 10).await.unwrap();
        assert!(pending.is_empty(), "every event was delivered: {pending:?}");
        t.stop().await;
    }
);

on_both_stores!(
    events_recorded_without_an_engine_are_delivered_once_by_the_sweeper,
    |db| async move {
        let t = TestEngine::start(db).await;
        let welcome = t
            .workflow("welcome", on(json!({ "event": "lead_created" })))
            .await;
        let detached = Crm::new(t.store.clone(), t.clock.clone());
        detached
            .create_contact(ORG, lead("Ada"), "cli")
            .await
            .unwrap();
        assert!(executions(&t, &welcome).await.is_empty());

        let sweeper = Sweeper::new(Crm::with_engine(&t.engine), SweeperConfig::default());
        assert_eq!(sweeper.run_once().await.unwrap().delivered, 1);
        assert_eq!(sweeper.run_once().await.unwrap().delivered, 0);
        assert_eq!(executions(&t, &welcome).await.len(), 1);
        t.stop().await;
    }
);

on_both_stores!(the_sweeper_marks_no_shows_once, |db| async move {
    let t = TestEngine::start(db).await;
    let no_show = t
        .workflow("no-show", on(json!({ "event": "class_no_show" })))
        .await;
    let attended_wf = t
        .workflow("attended", on(json!({ "event": "class_attended" })))
        .await;
    let crm = Crm::with_engine(&t.engine);
    let ada = crm.create_contact(ORG, lead("Ada"), "staff").await.unwrap();
    let bob = crm.create_contact(ORG, lead("Bob"), "staff").await.unwrap();
    let class = crm
        .create_class(
            ORG,
            NewClass {
                name: "HIIT".into(),
                starts_at: START_MS + HOUR,
                ends_at: START_MS + 2 * HOUR,
                capacity: 10,
                location: "Hall".into(),
                instructor: "Kim".into(),
            },
        )
        .await
        .unwrap();
    let missed = crm.book(ORG, &ada.id, &class.id, "app").await.unwrap();
    let came = crm.book(ORG, &bob.id, &class.id, "app").await.unwrap();
    crm.check_in(ORG, &came.id).await.unwrap();
    assert_eq!(executions(&t, &attended_wf).await.len(), 1);

    let sweeper = Sweeper::new(crm.clone(), SweeperConfig::default());
    assert_eq!(
        sweeper.run_once().await.unwrap().no_shows,
        0,
        "the class has not ended"
    );
    t.clock.advance(Duration::from_millis((2 * HOUR) as u64));
    let first = sweeper.run_once().await.unwrap();
    assert_eq!((first.no_shows, first.delivered), (1, 1));
    // A restart: a new sweeper over the same database.
    let again = Sweeper::new(Crm::with_engine(&t.engine), SweeperConfig::default());
    assert_eq!(again.run_once().await.unwrap().no_shows, 0);
    assert_eq!(sweeper.run_once().await.unwrap().no_shows, 0);

    assert_eq!(
        crm.booking(ORG, &missed.id).await.unwrap().status,
        BookingStatus::NoShow
    );
    assert_eq!(
        crm.booking(ORG, &came.id).await.unwrap().status,
        BookingStatus::Attended
    );
    let started = executions(&t, &no_show).await;
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].contact_id.as_deref(), Some(ada.id.as_str()));
    for field in [
        "booking_id",
        "class_id",
        "class_name",
        "class_start",
        "location",
        "instructor",
    ] {
        assert!(
            started[0].trigger.get(field).is_some(),
            "class_no_show lacks {field}"
        );
    }
    assert_eq!(started[0].trigger["booking_id"], missed.id.as_str());
    t.stop().await;
});

on_both_stores!(
    the_sweeper_announces_an_expiring_membership_once,
    |db| async move {
        let t = TestEngine::start(db).await;
        let week = t
            .workflow(
                "week",
                on(json!({ "event": "membership_expiring", "days_before": 7 })),
            )
            .await;
        let month = t
            .workflow(
                "month",
                on(json!({ "event": "membership_expiring", "days_before": 30 })),
            )
            .await;
        let crm = Crm::with_engine(&t.engine);
        let ada = crm.create_contact(ORG, lead("Ada"), "staff").await.unwrap();
        let membership = crm
            .create_membership(
                ORG,
                NewMembership {
                    contact_id: ada.id.clone(),
                    plan_name: "Gold".into(),
                    starts_at: START_MS - 20 * DAY,
                    ends_at: START_MS + 10 * DAY,
                    auto_renew: false,
                },
            )
            .await
            .unwrap();
        // 7 days is the default notice; 30 comes from the "month" workflow's trigger.
        let sweeper = Sweeper::new(crm.clone(), SweeperConfig::default());
        let first = sweeper.run_once().await.unwrap();
        assert_eq!(first.expiring, 1, "only the 30-day notice is due");
        t.clock
            .advance(Duration::from_millis((4 * DAY + HOUR) as u64));
        assert_eq!(
            sweeper.run_once().await.unwrap().expiring,
            1,
            "now the 7-day one"
        );
        assert_eq!(sweeper.run_once().await.unwrap().expiring, 0);
        assert_eq!(executions(&t, &month).await.len(), 1);
        let started = executions(&t, &week).await;
        assert_eq!(started.len(), 1);
        let trigger = &started[0].trigger;
        assert_eq!(trigger["membership_id"], membership.id.as_str());
        assert_eq!(trigger["plan_name"], "Gold");
        assert_eq!(trigger["days_before"], 7);
        assert_eq!(trigger["days_left"], 6);
        assert_eq!(trigger["expires_at"], "2026-03-12T09:00:00.000Z");
        assert_eq!(trigger["end_date"], "2026-03-12");
        assert_eq!(trigger["auto_renew"], false);

        // A renewal moves the end: the 30-day notice is due again for the new end.
        crm.renew_membership(ORG, &membership.id, START_MS + 20 * DAY)
            .await
            .unwrap();
        assert_eq!(sweeper.run_once().await.unwrap().expiring, 1);
        t.stop().await;
    }
);

on_both_stores!(birthdays_follow_the_contacts_time_zone, |db| async move {
    let t = TestEngine::start(db).await;
    let party = t
        .workflow("party", on(json!({ "event": "birthday" })))
        .await;
    let crm = Crm::with_engine(&t.engine);
    let born = |name: &str, day: &str, zone: Option<&str>| NewContact {
        first_name: name.into(),
        status: "member".into(),
        birthday: Some(day.into()),
        time_zone: zone.map(str::to_string),
        ..NewContact::default()
    };
    // 09:00 UTC on 2 March is 22:00 in Auckland and 01:00 in Los Angeles.
    let kiwi = crm
        .create_contact(
            ORG,
            born("Kiri", "1990-03-03", Some("Pacific/Auckland")),
            "staff",
        )
        .await
        .unwrap();
    let angeleno = crm
        .create_contact(
            ORG,
            born("Lee", "1985-03-02", Some("America/Los_Angeles")),
            "staff",
        )
        .await
        .unwrap();
    crm.create_contact(ORG, born("Max", "1985-03-03", None), "staff")
        .await
        .unwrap();
    let sweeper = Sweeper::new(crm.clone(), SweeperConfig::default());
    assert_eq!(sweeper.run_once().await.unwrap().birthdays, 1);
    let started = executions(&t, &party).await;
    assert_eq!(started.len(), 1);
    assert_eq!(started[0].contact_id.as_deref(), Some(angeleno.id.as_str()));
    assert_eq!(started[0].trigger["age"], 41);
    assert_eq!(started[0].trigger["birthday"], "1985-03-02");

    // Two hours later it is 3 March in Auckland, still 2 March in London (Max's org zone).
    t.clock.advance(Duration::from_millis((2 * HOUR) as u64));
    assert_eq!(sweeper.run_once().await.unwrap().birthdays, 1);
    assert_eq!(sweeper.run_once().await.unwrap().birthdays, 0);
    let started = executions(&t, &party).await;
    assert_eq!(started.len(), 2);
    assert!(
        started
            .iter()
            .any(|e| e.contact_id.as_deref() == Some(kiwi.id.as_str()))
    );
    t.stop().await;
});

/// Two sweepers with their own connection pools on one PostgreSQL database,
/// sweeping at the same time, three rounds: each event exists exactly once.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_concurrent_sweepers_on_postgres_emit_each_event_once() {
    let db = PgDatabase::create().await;
    let first = Store::open(&db.url, SecretCipher::ephemeral())
        .await
        .unwrap();
    let second = Store::open(&db.url, SecretCipher::ephemeral())
        .await
        .unwrap();
    first
        .ensure_org(&Org {
            id: ORG.into(),
            name: "Gym".into(),
            time_zone: "UTC".into(),
        })
        .await
        .unwrap();
    let clock = Arc::new(ManualClock::new(START_MS));
    let seed = Crm::new(first.clone(), clock.clone());
    let class = seed
        .create_class(
            ORG,
            NewClass {
                name: "Row".into(),
                starts_at: START_MS + HOUR,
                ends_at: START_MS + 2 * HOUR,
                capacity: 100,
                ..NewClass::default()
            },
        )
        .await
        .unwrap();
    for i in 0..30 {
        let contact = seed
            .create_contact(
                ORG,
                NewContact {
                    first_name: format!("Member {i}"),
                    status: "member".into(),
                    birthday: Some("1990-03-02".into()),
                    ..NewContact::default()
                },
                "seed",
            )
            .await
            .unwrap();
        seed.book(ORG, &contact.id, &class.id, "app").await.unwrap();
        seed.create_membership(
            ORG,
            NewMembership {
                contact_id: contact.id.clone(),
                plan_name: "Basic".into(),
                starts_at: START_MS,
                ends_at: START_MS + 3 * DAY,
                auto_renew: false,
            },
        )
        .await
        .unwrap();
    }
    clock.advance(Duration::from_millis((3 * HOUR) as u64));
    let a = Sweeper::new(
        Crm::new(first.clone(), clock.clone()),
        SweeperConfig::default(),
    );
    let b = Sweeper::new(
        Crm::new(second.clone(), clock.clone()),
        SweeperConfig::default(),
    );
    let mut totals = (0, 0, 0);
    for _ in 0..3 {
        let (ra, rb) = tokio::join!(a.run_once(), b.run_once());
        for r in [ra.unwrap(), rb.unwrap()] {
            totals.0 += r.no_shows;
            totals.1 += r.expiring;
            totals.2 += r.birthdays;
        }
    }
    assert_eq!(totals, (30, 30, 30));
    for (event, expected) in [
        ("class_no_show", 30),
        ("membership_expiring", 30),
        ("birthday", 30),
    ] {
        let recorded = first.crm_events(ORG, Some(event), 1_000).await.unwrap();
        assert_eq!(recorded.len(), expected, "{event}");
    }
    first.close().await;
    second.close().await;
}
