//! The demo org's sample data, seeded by `atlas serve` so a new install opens
//! on something worth looking at: a dozen contacts with tags, classes with
//! bookings and check-ins, memberships, two workflows made from templates (one
//! active) and the finished executions the check-ins caused.
//!
//! Everything goes through the CRM service and the engine, as a real studio's
//! data would. Seeding is idempotent (the active demo workflow is the mark that
//! it happened) and never touches any org but [`DEMO_ORG_ID`].

use anyhow::Context as _;
use serde_json::{Map, Value, json};

use crate::crm::{Crm, NewClass, NewContact, NewMembership};
use crate::engine::Engine;
use crate::graph::{parse_workflow, validate};
use crate::store::crm::{Consent, ContactFilter};

use super::serve::DEMO_ORG_ID;

/// The id of the demo's active workflow (made from the review-request template).
pub const DEMO_ACTIVE_WORKFLOW: &str = "demo-review-request";
/// The id of the demo's draft workflow (made from the onboarding template).
pub const DEMO_DRAFT_WORKFLOW: &str = "demo-new-member-onboarding";

const AUTHOR: &str = "demo-seed";
const DAY_MS: i64 = 24 * 3600 * 1000;

/// What seeding did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SeedOutcome {
    /// The demo org already had its sample data.
    AlreadySeeded,
    /// Sample data was written.
    Seeded {
        /// Contacts created.
        contacts: usize,
        /// Executions started by the sample check-ins.
        executions: usize,
    },
}

/// One sample contact: name, email, phone, status, source, tags, and how many
/// of the sample classes they attend (0 to 2).
struct Sample {
    first: &'static str,
    last: &'static str,
    status: &'static str,
    source: &'static str,
    tags: &'static [&'static str],
    goal: &'static str,
    attends: usize,
}

const SAMPLES: &[Sample] = &[
    Sample {
        first: "Ada",
        last: "Lovelace",
        status: "member",
        source: "walk-in",
        tags: &["member", "yoga"],
        goal: "flexibility",
        attends: 2,
    },
    Sample {
        first: "Grace",
        last: "Hopper",
        status: "member",
        source: "referral",
        tags: &["member", "hiit", "vip"],
        goal: "strength",
        attends: 2,
    },
    Sample {
        first: "Alan",
        last: "Turing",
        status: "member",
        source: "website",
        tags: &["member", "spin"],
        goal: "endurance",
        attends: 1,
    },
    Sample {
        first: "Katherine",
        last: "Johnson",
        status: "member",
        source: "instagram",
        tags: &["member", "yoga", "early-bird"],
        goal: "stress relief",
        attends: 1,
    },
    Sample {
        first: "Linus",
        last: "Pauling",
        status: "member",
        source: "referral",
        tags: &["member", "hiit"],
        goal: "weight loss",
        attends: 0,
    },
    Sample {
        first: "Marie",
        last: "Curie",
        status: "trial",
        source: "website",
        tags: &["trial", "spin"],
        goal: "endurance",
        attends: 1,
    },
    Sample {
        first: "Rosalind",
        last: "Franklin",
        status: "trial",
        source: "facebook",
        tags: &["trial", "yoga"],
        goal: "flexibility",
        attends: 0,
    },
    Sample {
        first: "Niels",
        last: "Bohr",
        status: "lead",
        source: "website",
        tags: &["lead", "hiit"],
        goal: "strength",
        attends: 0,
    },
    Sample {
        first: "Hedy",
        last: "Lamarr",
        status: "lead",
        source: "instagram",
        tags: &["lead"],
        goal: "weight loss",
        attends: 0,
    },
    Sample {
        first: "Emmy",
        last: "Noether",
        status: "lead",
        source: "walk-in",
        tags: &["lead", "spin"],
        goal: "endurance",
        attends: 0,
    },
    Sample {
        first: "Carl",
        last: "Sagan",
        status: "lead",
        source: "referral",
        tags: &["lead", "yoga"],
        goal: "stress relief",
        attends: 0,
    },
    Sample {
        first: "Dorothy",
        last: "Hodgkin",
        status: "former",
        source: "website",
        tags: &["lapsed"],
        goal: "strength",
        attends: 0,
    },
];

/// Seeds the demo org, once. The engine must have its built-in actions
/// published (the templates' actions are validated against them) and a worker
/// running for the sample executions to finish.
pub async fn seed_demo_org(engine: &Engine) -> anyhow::Result<SeedOutcome> {
    let store = engine.store();
    if store
        .workflow(DEMO_ORG_ID, DEMO_ACTIVE_WORKFLOW)
        .await?
        .is_some()
    {
        return Ok(SeedOutcome::AlreadySeeded);
    }
    let crm = Crm::with_engine(engine);
    let now = crm.now_ms();

    // Contacts, skipping any a previous, interrupted seeding already wrote.
    let existing = crm
        .contacts(
            DEMO_ORG_ID,
            &ContactFilter {
                limit: 1000,
                ..ContactFilter::default()
            },
        )
        .await?;
    let mut contacts = Vec::new();
    let mut created = 0;
    for (i, sample) in SAMPLES.iter().enumerate() {
        let email = format!(
            "{}.{}@example.com",
            sample.first.to_lowercase(),
            sample.last.to_lowercase()
        );
        if let Some(found) = existing
            .iter()
            .find(|c| c.email.as_deref() == Some(email.as_str()))
        {
            contacts.push((found.id.clone(), sample));
            continue;
        }
        let contact = crm
            .create_contact(
                DEMO_ORG_ID,
                NewContact {
                    first_name: sample.first.into(),
                    last_name: sample.last.into(),
                    email: Some(email),
                    phone: Some(format!("+44770090{:04}", 100 + i)),
                    source: sample.source.into(),
                    status: sample.status.into(),
                    custom_fields: json!({ "fitness_goal": sample.goal }),
                    consent: Consent {
                        email: true,
                        sms: i % 3 != 2,
                        whatsapp: i % 2 == 0,
                    },
                    time_zone: Some("Europe/London".into()),
                    birthday: Some(format!(
                        "19{:02}-{:02}-{:02}",
                        70 + i,
                        1 + i % 12,
                        1 + i * 2
                    )),
                    tags: sample.tags.iter().map(|t| t.to_string()).collect(),
                    ..NewContact::default()
                },
                AUTHOR,
            )
            .await
            .with_context(|| format!("creating demo contact {}", sample.first))?;
        created += 1;
        contacts.push((contact.id, sample));
    }

    // Memberships for members, trials for trial contacts.
    for (id, sample) in &contacts {
        let (plan, days) = match sample.status {
            "member" => ("Unlimited monthly", 30),
            "trial" => ("7-day trial", 7),
            _ => continue,
        };
        crm.create_membership(
            DEMO_ORG_ID,
            NewMembership {
                contact_id: id.clone(),
                plan_name: plan.into(),
                starts_at: now - DAY_MS,
                ends_at: now + (days - 1) * DAY_MS,
                auto_renew: sample.status == "member",
            },
        )
        .await
        .context("creating a demo membership")?;
    }

    // Two classes running today, one tomorrow.
    let mut classes = Vec::new();
    for (name, start_hours, instructor, location) in [
        ("Morning Yoga", 0, "Priya", "Studio 1"),
        ("HIIT Express", 1, "Marcus", "Main floor"),
        ("Spin 45", 24, "Jo", "Spin room"),
    ] {
        let starts_at = now + start_hours * 3600 * 1000;
        let class = crm
            .create_class(
                DEMO_ORG_ID,
                NewClass {
                    name: name.into(),
                    starts_at,
                    ends_at: starts_at + 3600 * 1000,
                    capacity: 12,
                    location: location.into(),
                    instructor: instructor.into(),
                },
            )
            .await
            .context("creating a demo class")?;
        classes.push(class.id);
    }

    // Bookings: attendees of today's classes, plus tomorrow's spin class.
    let mut to_check_in = Vec::new();
    for (id, sample) in &contacts {
        for class in classes.iter().take(sample.attends) {
            let booking = crm.book(DEMO_ORG_ID, id, class, "demo").await?;
            to_check_in.push(booking.id);
        }
        if sample.tags.contains(&"spin") {
            crm.book(DEMO_ORG_ID, id, &classes[2], "demo").await?;
        }
    }

    // The workflows: an onboarding draft, and the review request, active.
    save_from_template(
        engine,
        "new-member-onboarding",
        DEMO_DRAFT_WORKFLOW,
        "New member onboarding",
        false,
    )
    .await?;
    save_from_template(
        engine,
        "review-request",
        DEMO_ACTIVE_WORKFLOW,
        "Ask for a review after the 5th class",
        true,
    )
    .await?;

    // Check-ins fire `class_attended`: each starts the active workflow, which
    // finishes at once for anyone short of their fifth class.
    for booking in &to_check_in {
        crm.check_in(DEMO_ORG_ID, booking).await?;
    }
    Ok(SeedOutcome::Seeded {
        contacts: created,
        executions: to_check_in.len(),
    })
}

/// Saves the template `template` as workflow `id`, validated like any save,
/// and activates it when asked.
async fn save_from_template(
    engine: &Engine,
    template: &str,
    id: &str,
    name: &str,
    activate: bool,
) -> anyhow::Result<()> {
    let template = crate::templates::template(template)
        .with_context(|| format!("the template `{template}` is not shipped"))?;
    let mut settings = Map::new();
    if template.review.iter().any(|s| s.key == "sender_email") {
        settings.insert(
            "sender_email".into(),
            Value::String("hello@demo-fitness.example".into()),
        );
    }
    let document = crate::templates::instantiate(template, Some(name), &settings)?;
    let doc = parse_workflow(&document.to_string()).map_err(|problems| {
        anyhow::anyhow!(
            "the `{}` template does not parse: {problems:?}",
            template.id
        )
    })?;
    let usable = engine.marketplace().org_plugins(DEMO_ORG_ID).await?;
    let problems = validate(&doc, &usable);
    anyhow::ensure!(
        problems.is_empty(),
        "the `{}` template has problems: {problems:?}",
        template.id
    );
    let store = engine.store();
    store
        .save_workflow(
            DEMO_ORG_ID,
            id,
            &doc.name,
            &serde_json::to_value(&doc)?,
            AUTHOR,
        )
        .await?;
    if activate {
        store.set_workflow_status(DEMO_ORG_ID, id, "active").await?;
    }
    Ok(())
}
