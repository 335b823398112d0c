//! The `crm` host import through a real component (`test-crm`), on SQLite and
//! PostgreSQL: every call against the run's org, events recorded for changes,
//! denials without grants, other orgs' rows invisible, test mode writing nothing.

mod common;

use atlas::capabilities::NetworkPolicy;
use atlas::crm::{BookingStatus, Consent, Crm, NewClass, NewContact};
use atlas::runtime::{ActionContext, Plugin, RunReport, RunRequest, Runtime};
use atlas::store::{Org, Store};
use common::engine::{Db, DbGuard};
use common::{grants, load, runtime_over};
use serde_json::{Value, json};

const A: &str = "org-a";
const B: &str = "org-b";
const HOUR: i64 = 3_600_000;

struct Fixture {
    runtime: Runtime,
    plugin: Plugin,
    crm: Crm,
    contact: String,
    class: String,
    campaign: String,
    pipeline: atlas::crm::Pipeline,
    _db: DbGuard,
}

impl Fixture {
    async fn new(db: Db) -> Self {
        let (store, guard): (Store, DbGuard) = match db {
            Db::Sqlite => {
                let (store, dir) = common::sqlite_store().await;
                (store, DbGuard::Sqlite(dir))
            }
            Db::Postgres => {
                let (store, pg) = common::postgres_store().await;
                (store, DbGuard::Postgres(pg))
            }
        };
        for org in [A, B] {
            store
                .ensure_org(&Org {
                    id: org.into(),
                    name: org.into(),
                    time_zone: "UTC".into(),
                })
                .await
                .unwrap();
        }
        let runtime = runtime_over(store.clone(), NetworkPolicy::default());
        let plugin = load(&runtime, "test-crm", None).await;
        let crm = Crm::detached(store);
        let contact = crm
            .create_contact(
                A,
                NewContact {
                    first_name: "Ada".into(),
                    last_name: "Lovelace".into(),
                    email: Some("ada@example.com".into()),
                    consent: Consent {
                        email: true,
                        sms: false,
                        whatsapp: false,
                    },
                    custom_fields: json!({ "goal": "strength" }),
                    status: "member".into(),
                    ..NewContact::default()
                },
                "staff",
            )
            .await
            .unwrap()
            .id;
        let now = crm.now_ms();
        let class = crm
            .create_class(
                A,
                NewClass {
                    name: "Spin".into(),
                    starts_at: now + 24 * HOUR,
                    ends_at: now + 25 * HOUR,
                    capacity: 8,
                    ..NewClass::default()
                },
            )
            .await
            .unwrap()
            .id;
        let campaign = crm.create_campaign(A, "Spring").await.unwrap().id;
        let pipeline = crm
            .create_pipeline(A, "Sales", &["New", "Won"])
            .await
            .unwrap();
        Self {
            runtime,
            plugin,
            crm,
            contact,
            class,
            campaign,
            pipeline,
            _db: guard,
        }
    }

    async fn run(
        &self,
        org: &str,
        granted: &[&str],
        test_mode: bool,
        calls: Value,
    ) -> (Vec<Value>, RunReport) {
        let report = self
            .runtime
            .run(
                &self.plugin,
                RunRequest {
                    context: ActionContext {
                        org_id: org.into(),
                        test_mode,
                        ..ActionContext::default()
                    },
                    input: calls,
                    grants: grants(granted),
                },
            )
            .await;
        let output = report
            .result
            .clone()
            .unwrap_or_else(|e| panic!("the run failed: {e:?}"));
        let results = output.data["results"].as_array().expect("results").clone();
        (results, report)
    }

    fn store(&self) -> &Store {
        self.crm.store()
    }
}

fn ok(result: &Value) -> &Value {
    result
        .get("ok")
        .unwrap_or_else(|| panic!("expected ok, got {result}"))
}

fn error_kind(result: &Value) -> &str {
    result["error"]["kind"].as_str().unwrap_or("<ok>")
}

on_both_stores!(every_crm_call_works_on_the_runs_org, |db| async move {
    let f = Fixture::new(db).await;
    let c = f.contact.as_str();
    let (new_stage, won_stage) = (
        f.pipeline.stages[0].id.as_str(),
        f.pipeline.stages[1].id.as_str(),
    );
    let (results, report) = f
        .run(
            A,
            &["crm:read", "crm:write"],
            false,
            json!([
                { "get_contact": c },
                { "update_contact": [c, { "first_name": "Augusta", "custom_fields_json": "{\"shoe\":38}", "sms": true }] },
                { "has_consent": [c, "sms"] },
                { "has_consent": [c, "whatsapp"] },
                { "add_tag": [c, "vip"] },
                { "add_tag": [c, "temp"] },
                { "remove_tag": [c, "temp"] },
                { "add_note": [c, "Asked about personal training"] },
                { "create_task": [c, "Call back"] },
                { "create_opportunity": [c, f.pipeline.id, new_stage, "PT pack", 30000] },
                { "create_booking": [c, f.class] },
                { "add_to_campaign": [f.campaign, c] },
                { "get_contact": "no-such-contact" },
                { "create_booking": [c, "no-such-class"] },
            ]),
        )
        .await;
    assert!(report.denials.is_empty(), "{:?}", report.denials);
    let contact = ok(&results[0]);
    assert_eq!(contact["first_name"], "Ada");
    assert_eq!(contact["custom_fields"], json!({ "goal": "strength" }));
    let updated = ok(&results[1]);
    assert_eq!(updated["first_name"], "Augusta");
    assert_eq!(
        updated["custom_fields"],
        json!({ "goal": "strength", "shoe": 38 })
    );
    assert_eq!(updated["consent"]["sms"], true);
    assert_eq!(ok(&results[2]), &json!(true));
    assert_eq!(ok(&results[3]), &json!(false));
    for result in &results[4..=6] {
        ok(result);
    }
    let note_id = ok(&results[7]).as_str().unwrap().to_string();
    let task_id = ok(&results[8]).as_str().unwrap().to_string();
    let opportunity_id = ok(&results[9]).as_str().unwrap().to_string();
    let booking_id = ok(&results[10]).as_str().unwrap().to_string();
    ok(&results[11]);
    assert_eq!(error_kind(&results[12]), "not-found");
    assert_eq!(error_kind(&results[13]), "not-found");

    let stored = f.crm.contact(A, c).await.unwrap();
    assert_eq!(stored.first_name, "Augusta");
    assert_eq!(stored.tags, ["vip"]);
    assert!(stored.consent.sms);
    let notes = f.crm.notes(A, c).await.unwrap();
    assert!(
        notes
            .iter()
            .any(|n| n.id == note_id && n.author == "plugin:atlas.test.crm")
    );
    let task = f.crm.task(A, &task_id).await.unwrap();
    assert_eq!(task.title, "Call back");
    assert_eq!(task.priority, atlas::crm::TaskPriority::High);
    assert_eq!(
        f.crm
            .opportunity(A, &opportunity_id)
            .await
            .unwrap()
            .value_minor,
        30000
    );
    let booking = f.crm.booking(A, &booking_id).await.unwrap();
    assert_eq!(booking.status, BookingStatus::Booked);
    assert_eq!(booking.source, "plugin:atlas.test.crm");
    assert_eq!(f.crm.campaign(A, &f.campaign).await.unwrap().members, 1);

    // The events of those changes wait in the outbox for the engine.
    let mut names: Vec<String> = f
        .store()
        .crm_events(A, None, 100)
        .await
        .unwrap()
        .into_iter()
        .map(|e| e.event.event)
        .collect();
    names.sort();
    assert_eq!(
        names,
        [
            "booking_created",
            "contact_updated",
            "tag_added",
            "tag_added"
        ]
    );

    // The whatsapp question answered false: the refusal is audited.
    let audit = f.store().audit_list(A, 10).await.unwrap();
    assert!(audit.iter().any(|a| a.entry.action == "crm.consent_refused"
        && a.entry.actor == "plugin:atlas.test.crm"
        && a.entry.detail["channel"] == "whatsapp"));

    let (results, _) = f
        .run(
            A,
            &["crm:write"],
            false,
            json!([
                { "move_opportunity": [opportunity_id, won_stage] },
                { "cancel_booking": [booking_id, "clash"] },
                { "cancel_booking": [booking_id, "again"] },
                { "remove_from_campaign": [f.campaign, c] },
                { "move_opportunity": [opportunity_id, "no-such-stage"] },
            ]),
        )
        .await;
    for result in &results[0..2] {
        ok(result);
    }
    assert_eq!(error_kind(&results[2]), "invalid");
    ok(&results[3]);
    assert_eq!(error_kind(&results[4]), "not-found");
    assert_eq!(
        f.crm
            .opportunity(A, &opportunity_id)
            .await
            .unwrap()
            .stage_id,
        won_stage
    );
    let cancelled = f.crm.booking(A, &booking_id).await.unwrap();
    assert_eq!(cancelled.status, BookingStatus::Cancelled);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("clash"));
    assert_eq!(f.crm.campaign(A, &f.campaign).await.unwrap().members, 0);
});

on_both_stores!(
    crm_calls_need_their_grant_and_are_audited_when_denied,
    |db| async move {
        let f = Fixture::new(db).await;
        let c = f.contact.as_str();
        let (results, report) = f
        .run(A, &["crm:read"], false, json!([{ "get_contact": c }, { "add_tag": [c, "vip"] }, { "create_booking": [c, f.class] }]))
        .await;
        assert_eq!(ok(&results[0])["id"], c);
        assert_eq!(error_kind(&results[1]), "denied");
        assert_eq!(error_kind(&results[2]), "denied");
        assert_eq!(report.denials.len(), 2);
        assert!(f.crm.contact(A, c).await.unwrap().tags.is_empty());

        let (results, report) = f
            .run(
                A,
                &[],
                false,
                json!([{ "get_contact": c }, { "has_consent": [c, "email"] }]),
            )
            .await;
        assert_eq!(error_kind(&results[0]), "denied");
        assert_eq!(error_kind(&results[1]), "denied");
        assert_eq!(report.denials.len(), 2);
        let audit = f.store().audit_list(A, 20).await.unwrap();
        let denied: Vec<&str> = audit
            .iter()
            .filter(|a| a.entry.action == "capability.denied")
            .map(|a| a.entry.target.as_str())
            .collect();
        assert_eq!(denied.len(), 4, "{denied:?}");
        assert!(denied.contains(&"crm:add-tag"));
        assert!(denied.contains(&"crm:get-contact"));
        assert!(
            f.store()
                .crm_events(A, Some("tag_added"), 10)
                .await
                .unwrap()
                .is_empty()
        );
    }
);

on_both_stores!(
    another_orgs_contacts_are_invisible_to_a_run,
    |db| async move {
        let f = Fixture::new(db).await;
        let c = f.contact.as_str();
        let (results, _) = f
            .run(
                B,
                &["crm:read", "crm:write"],
                false,
                json!([
                    { "get_contact": c },
                    { "update_contact": [c, { "first_name": "Eve" }] },
                    { "has_consent": [c, "email"] },
                    { "add_tag": [c, "stolen"] },
                    { "add_note": [c, "hello"] },
                    { "create_booking": [c, f.class] },
                    { "add_to_campaign": [f.campaign, c] },
                ]),
            )
            .await;
        for (i, result) in results.iter().enumerate() {
            assert_eq!(error_kind(result), "not-found", "call {i}: {result}");
        }
        let untouched = f.crm.contact(A, c).await.unwrap();
        assert_eq!(untouched.first_name, "Ada");
        assert!(untouched.tags.is_empty());
        assert_eq!(f.crm.notes(A, c).await.unwrap().len(), 0);
        assert_eq!(f.crm.class(A, &f.class).await.unwrap().booked_count, 0);
        assert!(f.store().crm_events(A, None, 10).await.unwrap().is_empty());
        assert!(f.store().crm_events(B, None, 10).await.unwrap().is_empty());
    }
);

on_both_stores!(
    test_mode_checks_writes_but_changes_nothing,
    |db| async move {
        let f = Fixture::new(db).await;
        let c = f.contact.as_str();
        let stage = f.pipeline.stages[0].id.as_str();
        let before = f.crm.contact(A, c).await.unwrap();
        let (results, _) = f
            .run(
                A,
                &["crm:read", "crm:write"],
                true,
                json!([
                    { "update_contact": [c, { "first_name": "Augusta", "status": "lapsed" }] },
                    { "add_tag": [c, "vip"] },
                    { "add_note": [c, "note"] },
                    { "create_task": [c, "Call"] },
                    { "create_opportunity": [c, f.pipeline.id, stage, "PT", 100] },
                    { "create_booking": [c, f.class] },
                    { "add_to_campaign": [f.campaign, c] },
                    { "add_tag": ["no-such-contact", "vip"] },
                    { "create_booking": [c, "no-such-class"] },
                ]),
            )
            .await;
        let preview = ok(&results[0]);
        assert_eq!(preview["first_name"], "Augusta");
        assert_eq!(preview["status"], "lapsed");
        for result in &results[1..=6] {
            ok(result);
        }
        assert_eq!(error_kind(&results[7]), "not-found");
        assert_eq!(error_kind(&results[8]), "not-found");

        assert_eq!(f.crm.contact(A, c).await.unwrap(), before);
        assert!(f.crm.notes(A, c).await.unwrap().is_empty());
        assert!(
            f.store()
                .crm_tasks(A, None, Some(c), None)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(
            f.store()
                .crm_opportunities_of(A, c)
                .await
                .unwrap()
                .is_empty()
        );
        assert!(f.store().crm_bookings_of(A, c).await.unwrap().is_empty());
        assert_eq!(f.crm.class(A, &f.class).await.unwrap().booked_count, 0);
        assert_eq!(f.crm.campaign(A, &f.campaign).await.unwrap().members, 0);
        assert!(f.store().crm_events(A, None, 10).await.unwrap().is_empty());
    }
);
