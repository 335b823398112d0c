//! The CRM core on SQLite and PostgreSQL: every concept's operations, the
//! events each change records, tenant isolation and messaging consent.

mod common;

use std::sync::Arc;

use atlas::crm::{
    BookingStatus, Channel, Consent, ContactFilter, ContactPatch, Crm, CrmError, NewClass,
    NewContact, NewMembership, NewOpportunity, NewTask, TaskPriority,
};
use atlas::engine::ManualClock;
use atlas::store::{Org, Store};
use common::engine::{Db, DbGuard, START_MS};
use serde_json::{Value, json};

const A: &str = "org-a";
const B: &str = "org-b";
const HOUR: i64 = 3_600_000;

async fn open(db: Db) -> (Store, DbGuard) {
    let (store, guard) = match db {
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
                time_zone: "Europe/London".into(),
            })
            .await
            .unwrap();
    }
    (store, guard)
}

async fn crm(db: Db) -> (Crm, Arc<ManualClock>, DbGuard) {
    let (store, guard) = open(db).await;
    let clock = Arc::new(ManualClock::new(START_MS));
    (Crm::new(store, clock.clone()), clock, guard)
}

fn ada() -> NewContact {
    NewContact {
        first_name: "Ada".into(),
        last_name: "Lovelace".into(),
        email: Some("ada@example.com".into()),
        phone: Some("+447700900001".into()),
        source: "website".into(),
        custom_fields: json!({ "goal": "strength", "utm_source": "instagram" }),
        consent: Consent {
            email: true,
            sms: false,
            whatsapp: false,
        },
        time_zone: Some("Europe/London".into()),
        birthday: Some("1990-04-21".into()),
        tags: vec!["trial".into()],
        notes: Some("Wants morning classes".into()),
        ..NewContact::default()
    }
}

/// The org's recorded events named `name`, oldest first.
async fn events(crm: &Crm, org: &str, name: &str) -> Vec<Value> {
    let mut found: Vec<Value> = crm
        .store()
        .crm_events(org, Some(name), 100)
        .await
        .unwrap()
        .into_iter()
        .map(|r| json!({ "payload": r.event.payload, "contact": r.event.contact }))
        .collect();
    found.reverse();
    found
}

on_both_stores!(
    contacts_are_created_read_listed_patched_and_deleted,
    |db| async move {
        let (crm, clock, _db) = crm(db).await;
        let ada = crm.create_contact(A, ada(), "staff-1").await.unwrap();
        assert_eq!(ada.status, "lead");
        assert_eq!(ada.lifecycle_stage, "lead");
        assert_eq!(ada.tags, ["trial"]);

        let read = crm.contact(A, &ada.id).await.unwrap();
        assert_eq!(read, ada);
        assert_eq!(read.full_name(), "Ada Lovelace");

        let leads = events(&crm, A, "lead_created").await;
        assert_eq!(leads.len(), 1);
        let payload = &leads[0]["payload"];
        assert_eq!(payload["event"], "lead_created");
        assert_eq!(payload["source"], "website");
        assert_eq!(payload["utm_source"], "instagram");
        assert_eq!(payload["notes"], "Wants morning classes");
        assert!(
            payload["occurred_at"]
                .as_str()
                .unwrap()
                .starts_with("2026-03-02T09:00:00")
        );
        assert_eq!(leads[0]["contact"]["id"], ada.id.as_str());
        assert_eq!(leads[0]["contact"]["name"], "Ada Lovelace");
        let notes = crm.notes(A, &ada.id).await.unwrap();
        assert_eq!(notes.len(), 1);
        assert_eq!(notes[0].author, "staff-1");

        let member = crm
            .create_contact(
                A,
                NewContact {
                    first_name: "Grace".into(),
                    status: "member".into(),
                    ..NewContact::default()
                },
                "staff-1",
            )
            .await
            .unwrap();
        assert_eq!(
            events(&crm, A, "lead_created").await.len(),
            1,
            "only leads fire lead_created"
        );

        let all = crm.contacts(A, &ContactFilter::default()).await.unwrap();
        assert_eq!(all.len(), 2);
        let members = crm
            .contacts(
                A,
                &ContactFilter {
                    status: Some("member".into()),
                    ..ContactFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            members.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            [member.id.as_str()]
        );
        let trials = crm
            .contacts(
                A,
                &ContactFilter {
                    tag: Some("trial".into()),
                    ..ContactFilter::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(
            trials.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
            [ada.id.as_str()]
        );

        clock.advance(std::time::Duration::from_secs(60));
        let patched = crm
            .update_contact(
                A,
                &ada.id,
                &ContactPatch {
                    status: Some("trial".into()),
                    custom_fields: Some(json!({ "goal": null, "shoe_size": 38 })),
                    consent: Some(Consent {
                        email: true,
                        sms: true,
                        whatsapp: false,
                    }),
                    ..ContactPatch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(patched.status, "trial");
        assert_eq!(
            patched.custom_fields,
            json!({ "utm_source": "instagram", "shoe_size": 38 })
        );
        assert!(patched.consent.sms);
        assert_eq!(patched.updated_at, START_MS + 60_000);
        assert_eq!(crm.contact(A, &ada.id).await.unwrap(), patched);
        let updates = events(&crm, A, "contact_updated").await;
        assert_eq!(updates.len(), 1);
        assert_eq!(
            updates[0]["payload"]["changed_fields"],
            json!(["status", "custom_fields", "consent"])
        );
        assert_eq!(updates[0]["payload"]["previous"]["status"], "lead");
        assert_eq!(updates[0]["payload"]["previous"]["consent"]["sms"], false);

        let unchanged = crm
            .update_contact(
                A,
                &ada.id,
                &ContactPatch {
                    status: Some("trial".into()),
                    ..ContactPatch::default()
                },
            )
            .await
            .unwrap();
        assert_eq!(unchanged, patched);
        assert_eq!(
            events(&crm, A, "contact_updated").await.len(),
            1,
            "a no-op patch records nothing"
        );

        let bad = crm
            .update_contact(
                A,
                &ada.id,
                &ContactPatch {
                    time_zone: Some("Mars/Olympus".into()),
                    ..ContactPatch::default()
                },
            )
            .await;
        assert!(matches!(bad, Err(CrmError::Invalid(_))), "{bad:?}");

        crm.delete_contact(A, &member.id).await.unwrap();
        assert!(matches!(
            crm.contact(A, &member.id).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.delete_contact(A, &member.id).await,
            Err(CrmError::NotFound(_))
        ));
    }
);

on_both_stores!(tags_notes_and_tasks, |db| async move {
    let (crm, _clock, _db) = crm(db).await;
    let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
    assert!(crm.add_tag(A, &ada.id, " vip ").await.unwrap());
    assert!(
        !crm.add_tag(A, &ada.id, "vip").await.unwrap(),
        "tagging twice is a no-op"
    );
    assert_eq!(
        crm.contact(A, &ada.id).await.unwrap().tags,
        ["trial", "vip"]
    );
    let tagged = events(&crm, A, "tag_added").await;
    assert_eq!(tagged.len(), 1);
    assert_eq!(tagged[0]["payload"]["tag"], "vip");
    assert_eq!(tagged[0]["contact"]["tags"], json!(["trial", "vip"]));
    assert!(crm.remove_tag(A, &ada.id, "trial").await.unwrap());
    assert!(!crm.remove_tag(A, &ada.id, "trial").await.unwrap());
    assert!(matches!(
        crm.add_tag(A, &ada.id, "  ").await,
        Err(CrmError::Invalid(_))
    ));

    crm.add_note(A, &ada.id, "Called, no answer", "staff-2")
        .await
        .unwrap();
    let notes = crm.notes(A, &ada.id).await.unwrap();
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .any(|n| n.body == "Called, no answer" && n.author == "staff-2")
    );
    assert!(matches!(
        crm.add_note(A, &ada.id, "", "x").await,
        Err(CrmError::Invalid(_))
    ));

    let task = crm
        .create_task(
            A,
            NewTask {
                contact_id: Some(ada.id.clone()),
                title: "Call Ada back".into(),
                assignee_id: Some("staff-2".into()),
                due_at: Some(START_MS + 2 * HOUR),
                priority: TaskPriority::Urgent,
                ..NewTask::default()
            },
        )
        .await
        .unwrap();
    let stored = crm.task(A, &task.id).await.unwrap();
    assert_eq!(stored, task);
    assert_eq!(stored.status, "open");
    let mine = crm
        .store()
        .crm_tasks(A, Some("staff-2"), None, Some("open"))
        .await
        .unwrap();
    assert_eq!(mine.len(), 1);
    crm.complete_task(A, &task.id).await.unwrap();
    let done = crm.task(A, &task.id).await.unwrap();
    assert_eq!(done.status, "done");
    assert_eq!(done.completed_at, Some(START_MS));
    assert!(
        crm.store()
            .crm_tasks(A, Some("staff-2"), None, Some("open"))
            .await
            .unwrap()
            .is_empty()
    );
    let orphan = crm
        .create_task(
            A,
            NewTask {
                contact_id: Some("nobody".into()),
                title: "x".into(),
                ..NewTask::default()
            },
        )
        .await;
    assert!(matches!(orphan, Err(CrmError::NotFound(_))));
});

on_both_stores!(pipelines_and_opportunities, |db| async move {
    let (crm, _clock, _db) = crm(db).await;
    let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
    let sales = crm
        .create_pipeline(A, "Memberships", &["New", "Trial", "Won"])
        .await
        .unwrap();
    let other = crm.create_pipeline(A, "PT", &["Asked"]).await.unwrap();
    assert_eq!(
        crm.store().crm_pipeline(A, &sales.id).await.unwrap(),
        Some(sales.clone())
    );
    let opportunity = crm
        .create_opportunity(
            A,
            NewOpportunity {
                contact_id: ada.id.clone(),
                pipeline_id: sales.id.clone(),
                stage_id: sales.stages[0].id.clone(),
                title: "Annual plan".into(),
                value_minor: 59_900,
                currency: "GBP".into(),
            },
        )
        .await
        .unwrap();
    crm.move_opportunity(A, &opportunity.id, &sales.stages[2].id)
        .await
        .unwrap();
    let moved = crm.opportunity(A, &opportunity.id).await.unwrap();
    assert_eq!(moved.stage_id, sales.stages[2].id);
    assert_eq!(moved.value_minor, 59_900);
    let elsewhere = crm
        .move_opportunity(A, &opportunity.id, &other.stages[0].id)
        .await;
    assert!(
        matches!(elsewhere, Err(CrmError::NotFound(_))),
        "{elsewhere:?}"
    );
    assert!(
        !crm.store()
            .crm_move_opportunity(A, &opportunity.id, &other.stages[0].id, START_MS)
            .await
            .unwrap()
    );
    assert_eq!(
        crm.opportunity(A, &opportunity.id).await.unwrap().stage_id,
        sales.stages[2].id
    );
    let wrong_stage = crm
        .create_opportunity(
            A,
            NewOpportunity {
                contact_id: ada.id.clone(),
                pipeline_id: sales.id.clone(),
                stage_id: other.stages[0].id.clone(),
                title: "x".into(),
                value_minor: 1,
                currency: "GBP".into(),
            },
        )
        .await;
    assert!(matches!(wrong_stage, Err(CrmError::NotFound(_))));
    assert_eq!(
        crm.store()
            .crm_opportunities_of(A, &ada.id)
            .await
            .unwrap()
            .len(),
        1
    );
});

on_both_stores!(
    classes_bookings_cancellations_and_check_ins,
    |db| async move {
        let (crm, _clock, _db) = crm(db).await;
        let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
        let bob = crm
            .create_contact(
                A,
                NewContact {
                    first_name: "Bob".into(),
                    ..NewContact::default()
                },
                "staff",
            )
            .await
            .unwrap();
        let spin = crm
            .create_class(
                A,
                NewClass {
                    name: "Spin 45".into(),
                    starts_at: START_MS + 6 * HOUR,
                    ends_at: START_MS + 7 * HOUR,
                    capacity: 1,
                    location: "Studio 2".into(),
                    instructor: "Sam".into(),
                },
            )
            .await
            .unwrap();
        let booking = crm.book(A, &ada.id, &spin.id, "front-desk").await.unwrap();
        assert_eq!(booking.status, BookingStatus::Booked);
        assert_eq!(crm.class(A, &spin.id).await.unwrap().booked_count, 1);
        let full = crm.book(A, &bob.id, &spin.id, "app").await;
        assert!(matches!(full, Err(CrmError::Full(_))), "{full:?}");

        let created = events(&crm, A, "booking_created").await;
        assert_eq!(created.len(), 1);
        let payload = &created[0]["payload"];
        for field in [
            "booking_id",
            "class_id",
            "class_name",
            "class_start",
            "class_end",
            "location",
            "instructor",
            "booking_source",
        ] {
            assert!(
                payload.get(field).is_some(),
                "booking_created lacks {field}: {payload}"
            );
        }
        assert_eq!(payload["class_start"], "2026-03-02T15:00:00.000Z");
        assert_eq!(payload["booking_source"], "front-desk");

        crm.cancel_booking(A, &booking.id, "member", Some("sick"))
            .await
            .unwrap();
        assert_eq!(
            crm.booking(A, &booking.id).await.unwrap().status,
            BookingStatus::Cancelled
        );
        assert_eq!(crm.class(A, &spin.id).await.unwrap().booked_count, 0);
        let cancelled = events(&crm, A, "booking_cancelled").await;
        assert_eq!(cancelled.len(), 1);
        assert_eq!(cancelled[0]["payload"]["reason"], "sick");
        assert_eq!(cancelled[0]["payload"]["cancelled_by"], "member");
        assert_eq!(
            cancelled[0]["payload"]["late_cancellation"], true,
            "6 h before the start is late"
        );
        assert!(matches!(
            crm.cancel_booking(A, &booking.id, "member", None).await,
            Err(CrmError::Invalid(_))
        ));

        let bobs = crm.book(A, &bob.id, &spin.id, "app").await.unwrap();
        let twice = crm.book(A, &bob.id, &spin.id, "app").await;
        assert!(
            matches!(twice, Err(CrmError::Full(_)) | Err(CrmError::Invalid(_))),
            "{twice:?}"
        );
        crm.check_in(A, &bobs.id).await.unwrap();
        let attended = crm.booking(A, &bobs.id).await.unwrap();
        assert_eq!(attended.status, BookingStatus::Attended);
        assert_eq!(attended.checked_in_at, Some(START_MS));
        let attended_events = events(&crm, A, "class_attended").await;
        assert_eq!(attended_events.len(), 1);
        assert_eq!(attended_events[0]["payload"]["attended_count"], 1);
        assert!(matches!(
            crm.check_in(A, &bobs.id).await,
            Err(CrmError::Invalid(_))
        ));
        assert_eq!(
            crm.store().crm_bookings_of(A, &bob.id).await.unwrap().len(),
            1
        );
    }
);

on_both_stores!(memberships_are_cancelled_and_renewed, |db| async move {
    let (crm, _clock, _db) = crm(db).await;
    let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
    let membership = crm
        .create_membership(
            A,
            NewMembership {
                contact_id: ada.id.clone(),
                plan_name: "Unlimited".into(),
                starts_at: START_MS,
                ends_at: START_MS + 30 * 24 * HOUR,
                auto_renew: true,
            },
        )
        .await
        .unwrap();
    crm.cancel_membership(A, &membership.id, Some("moving away"))
        .await
        .unwrap();
    let cancelled = crm.membership(A, &membership.id).await.unwrap();
    assert_eq!(cancelled.status, "cancelled");
    assert!(!cancelled.auto_renew);
    assert_eq!(cancelled.cancel_reason.as_deref(), Some("moving away"));
    let event = &events(&crm, A, "membership_cancelled").await[0]["payload"];
    assert_eq!(event["membership_id"], membership.id.as_str());
    assert_eq!(event["plan_name"], "Unlimited");
    assert_eq!(event["reason"], "moving away");
    assert_eq!(event["ends_at"], "2026-04-01T09:00:00.000Z");
    assert!(matches!(
        crm.cancel_membership(A, &membership.id, None).await,
        Err(CrmError::Invalid(_))
    ));

    let renewed = crm
        .renew_membership(A, &membership.id, START_MS + 60 * 24 * HOUR)
        .await
        .unwrap();
    assert_eq!(renewed.status, "active");
    assert_eq!(
        crm.membership(A, &membership.id).await.unwrap().ends_at,
        START_MS + 60 * 24 * HOUR
    );
    let event = &events(&crm, A, "membership_renewed").await[0]["payload"];
    assert_eq!(event["expires_at"], "2026-05-01T09:00:00.000Z");
    assert!(event.get("renewed_at").is_some());
    assert!(matches!(
        crm.renew_membership(A, &membership.id, START_MS).await,
        Err(CrmError::Invalid(_))
    ));
});

on_both_stores!(campaign_membership_keeps_its_counters, |db| async move {
    let (crm, _clock, _db) = crm(db).await;
    let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
    let bob = crm
        .create_contact(
            A,
            NewContact {
                first_name: "Bob".into(),
                ..NewContact::default()
            },
            "staff",
        )
        .await
        .unwrap();
    let spring = crm.create_campaign(A, "Spring offer").await.unwrap();
    assert!(crm.add_to_campaign(A, &spring.id, &ada.id).await.unwrap());
    assert!(!crm.add_to_campaign(A, &spring.id, &ada.id).await.unwrap());
    assert!(crm.add_to_campaign(A, &spring.id, &bob.id).await.unwrap());
    assert!(
        crm.remove_from_campaign(A, &spring.id, &ada.id)
            .await
            .unwrap()
    );
    assert!(
        !crm.remove_from_campaign(A, &spring.id, &ada.id)
            .await
            .unwrap()
    );
    assert!(crm.add_to_campaign(A, &spring.id, &ada.id).await.unwrap());
    let stats = crm.campaign(A, &spring.id).await.unwrap();
    assert_eq!((stats.members, stats.added, stats.removed), (2, 3, 1));
    let mut expected = vec![ada.id.clone(), bob.id.clone()];
    expected.sort();
    assert_eq!(crm.campaign_members(A, &spring.id).await.unwrap(), expected);
    assert!(matches!(
        crm.add_to_campaign(A, "nope", &ada.id).await,
        Err(CrmError::NotFound(_))
    ));
});

on_both_stores!(
    another_org_can_neither_see_nor_change_a_contact,
    |db| async move {
        let (crm, _clock, _db) = crm(db).await;
        let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
        let class = crm
            .create_class(
                A,
                NewClass {
                    name: "Yoga".into(),
                    starts_at: START_MS + HOUR,
                    ends_at: START_MS + 2 * HOUR,
                    capacity: 5,
                    ..NewClass::default()
                },
            )
            .await
            .unwrap();
        let booking = crm.book(A, &ada.id, &class.id, "app").await.unwrap();
        let campaign = crm.create_campaign(A, "Spring").await.unwrap();

        // Through the service.
        assert!(matches!(
            crm.contact(B, &ada.id).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.update_contact(
                B,
                &ada.id,
                &ContactPatch {
                    first_name: Some("Eve".into()),
                    ..ContactPatch::default()
                }
            )
            .await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.add_tag(B, &ada.id, "stolen").await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.add_note(B, &ada.id, "hi", "eve").await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.has_consent(B, &ada.id, Channel::Email).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.cancel_booking(B, &booking.id, "eve", None).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.check_in(B, &booking.id).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.add_to_campaign(B, &campaign.id, &ada.id).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(matches!(
            crm.delete_contact(B, &ada.id).await,
            Err(CrmError::NotFound(_))
        ));
        assert!(
            crm.contacts(B, &ContactFilter::default())
                .await
                .unwrap()
                .is_empty()
        );

        // Straight at the store, with org B's id on A's rows.
        let store = crm.store();
        assert_eq!(store.crm_contact(B, &ada.id).await.unwrap(), None);
        let mut forged = ada.clone();
        forged.org_id = B.into();
        forged.first_name = "Eve".into();
        assert!(!store.crm_update_contact(&forged, None).await.unwrap());
        assert!(
            !store
                .crm_cancel_booking(B, &booking.id, "eve", None, START_MS, None)
                .await
                .unwrap()
        );
        assert!(
            !store
                .crm_check_in(B, &booking.id, START_MS, None)
                .await
                .unwrap()
        );
        assert!(!store.crm_delete_contact(B, &ada.id).await.unwrap());
        assert!(!store.crm_remove_tag(B, &ada.id, "trial").await.unwrap());
        assert_eq!(
            store
                .crm_has_consent(B, &ada.id, Channel::Email)
                .await
                .unwrap(),
            None
        );
        // A tag row pointing at another org's contact is refused by the database.
        assert!(
            store
                .crm_add_tag(B, &ada.id, "stolen", START_MS, None)
                .await
                .is_err()
        );

        let unchanged = crm.contact(A, &ada.id).await.unwrap();
        assert_eq!(unchanged, ada);
        assert_eq!(
            crm.booking(A, &booking.id).await.unwrap().status,
            BookingStatus::Booked
        );
        assert!(store.crm_events(B, None, 10).await.unwrap().is_empty());
    }
);

on_both_stores!(
    messages_without_consent_are_refused_and_audited,
    |db| async move {
        let (crm, _clock, _db) = crm(db).await;
        let ada = crm.create_contact(A, ada(), "staff").await.unwrap();
        assert!(crm.has_consent(A, &ada.id, Channel::Email).await.unwrap());
        assert!(!crm.has_consent(A, &ada.id, Channel::Sms).await.unwrap());
        crm.require_consent(A, &ada.id, Channel::Email, "plugin:atlas.email.send")
            .await
            .unwrap();
        let refused = crm
            .require_consent(A, &ada.id, Channel::Sms, "plugin:atlas.sms.send")
            .await
            .unwrap_err();
        assert_eq!(refused.kind(), "no_consent");
        assert_eq!(
            refused.to_string(),
            format!("contact `{}` has not consented to sms messages", ada.id)
        );
        let audit = crm.store().audit_list(A, 10).await.unwrap();
        assert_eq!(audit.len(), 1, "only the refusal is audited: {audit:?}");
        assert_eq!(audit[0].entry.action, "crm.consent_refused");
        assert_eq!(audit[0].entry.actor, "plugin:atlas.sms.send");
        assert_eq!(audit[0].entry.target, format!("contact:{}", ada.id));
        assert_eq!(audit[0].entry.detail["channel"], "sms");
        assert!(matches!(
            crm.require_consent(A, "nobody", Channel::Sms, "x").await,
            Err(CrmError::NotFound(_))
        ));
    }
);
