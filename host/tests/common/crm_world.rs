//! A small CRM for the CRM, booking and campaign action tests: a contact in
//! the harness's org and one in another org, classes with and without a
//! seat, a booking, a campaign, a pipeline and an opportunity; and the whole
//! org's CRM state as one JSON document, to show a run changed nothing.

use std::sync::Arc;

use atlas::crm::{Crm, NewClass, NewContact, NewOpportunity, Pipeline};
use atlas::engine::ManualClock;
use atlas::store::Store;
use atlas::store::crm::Consent;
use serde_json::{Value, json};

use super::actions::{ActionHarness, NOW_MS, ORG};

/// An org that is not the harness's.
pub const OTHER_ORG: &str = "org-b";
const HOUR_MS: i64 = 3_600_000;

/// The CRM objects the actions act on.
pub struct CrmWorld {
    /// The CRM service, on the runs' clock.
    pub crm: Crm,
    /// Ada, a lead in the harness's org with email consent and a custom field.
    pub contact: String,
    /// Bob, a member of the harness's org, who holds the full class's one seat.
    pub member: String,
    /// A contact of another org.
    pub stranger: String,
    /// A class tomorrow with seats left.
    pub class: String,
    /// A class tomorrow whose one seat is taken.
    pub full_class: String,
    /// Ada's booking in a class the day after tomorrow.
    pub booking: String,
    /// A campaign nobody is in.
    pub campaign: String,
    /// Pipeline "Sales": New, Trial, Won.
    pub pipeline: Pipeline,
    /// Ada's opportunity, in stage New.
    pub opportunity: String,
}

impl CrmWorld {
    /// Creates the objects in `store`, with the CRM's clock at the runs' `NOW_MS`.
    pub async fn create(store: &Store) -> Self {
        let crm = Crm::new(store.clone(), Arc::new(ManualClock::new(NOW_MS as i64)));
        let contact = person(&crm, ORG, "Ada", "lead").await;
        let member = person(&crm, ORG, "Bob", "member").await;
        let stranger = person(&crm, OTHER_ORG, "Eve", "lead").await;
        let class = schedule(&crm, "Spin", 24, 8).await;
        let full_class = schedule(&crm, "Reformer", 26, 1).await;
        crm.book(ORG, &member, &full_class, "staff").await.unwrap();
        let later = schedule(&crm, "Yoga", 48, 10).await;
        let booking = crm.book(ORG, &contact, &later, "staff").await.unwrap().id;
        let campaign = crm.create_campaign(ORG, "Spring offer").await.unwrap().id;
        let pipeline = crm
            .create_pipeline(ORG, "Sales", &["New", "Trial", "Won"])
            .await
            .unwrap();
        let opportunity = crm
            .create_opportunity(
                ORG,
                NewOpportunity {
                    contact_id: contact.clone(),
                    pipeline_id: pipeline.id.clone(),
                    stage_id: pipeline.stages[0].id.clone(),
                    title: "10-class pack".into(),
                    value_minor: 12_000,
                    currency: "GBP".into(),
                },
            )
            .await
            .unwrap()
            .id;
        Self {
            crm,
            contact,
            member,
            stranger,
            class,
            full_class,
            booking,
            campaign,
            pipeline,
            opportunity,
        }
    }

    /// The id of the pipeline stage named `name`.
    pub fn stage(&self, name: &str) -> String {
        self.pipeline
            .stages
            .iter()
            .find(|stage| stage.name == name)
            .unwrap_or_else(|| panic!("no stage {name}"))
            .id
            .clone()
    }

    /// Runs the harness's action once for this world's contact with `granted`.
    pub async fn run(
        &self,
        harness: &ActionHarness,
        input: Value,
        granted: &[&str],
    ) -> atlas::runtime::RunReport {
        harness
            .run(input, granted, false, Some(self.snapshot()))
            .await
    }

    /// Ada's snapshot, as the engine passes the run's contact.
    pub fn snapshot(&self) -> Value {
        json!({ "id": self.contact, "first_name": "Ada" })
    }

    /// Everything both orgs' CRMs hold about these objects, and their events.
    pub async fn state(&self) -> Value {
        let crm = &self.crm;
        let store = crm.store();
        let mut people = Vec::new();
        for (org, id) in [
            (ORG, &self.contact),
            (ORG, &self.member),
            (OTHER_ORG, &self.stranger),
        ] {
            people.push(json!({
                "contact": crm.contact(org, id).await.unwrap(),
                "notes": crm.notes(org, id).await.unwrap(),
                "tasks": store.crm_tasks(org, None, Some(id.as_str()), None).await.unwrap(),
                "opportunities": store.crm_opportunities_of(org, id).await.unwrap(),
                "bookings": store.crm_bookings_of(org, id).await.unwrap(),
            }));
        }
        json!({
            "people": people,
            "tasks": store.crm_tasks(ORG, None, None, None).await.unwrap(),
            "classes": [
                crm.class(ORG, &self.class).await.unwrap(),
                crm.class(ORG, &self.full_class).await.unwrap(),
            ],
            "campaign": crm.campaign(ORG, &self.campaign).await.unwrap(),
            "members": crm.campaign_members(ORG, &self.campaign).await.unwrap(),
            "events": store.crm_events(ORG, None, 1000).await.unwrap().len(),
            "other_events": store.crm_events(OTHER_ORG, None, 1000).await.unwrap().len(),
        })
    }
}

async fn person(crm: &Crm, org: &str, first_name: &str, status: &str) -> String {
    crm.create_contact(
        org,
        NewContact {
            first_name: first_name.into(),
            last_name: "Tester".into(),
            email: Some(format!("{}@example.com", first_name.to_lowercase())),
            source: "website".into(),
            status: status.into(),
            custom_fields: json!({ "goal": "strength" }),
            consent: Consent {
                email: true,
                sms: false,
                whatsapp: false,
            },
            tags: vec!["newsletter".into()],
            ..NewContact::default()
        },
        "staff",
    )
    .await
    .unwrap()
    .id
}

async fn schedule(crm: &Crm, name: &str, starts_in_hours: i64, capacity: i64) -> String {
    let starts_at = NOW_MS as i64 + starts_in_hours * HOUR_MS;
    crm.create_class(
        ORG,
        NewClass {
            name: name.into(),
            starts_at,
            ends_at: starts_at + HOUR_MS,
            capacity,
            ..NewClass::default()
        },
    )
    .await
    .unwrap()
    .id
}
