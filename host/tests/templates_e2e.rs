//! Every shipped template end to end: made into a workflow as a gym would
//! (template defaults plus review settings), its trigger fired through the
//! CRM, the clock moved, and exactly the provider calls expected at each
//! moment — and the goal or stop condition ends it.

mod common;

use atlas::crm::{NewClass, NewContact, NewMembership};
use atlas::store::ExecutionStatus;
use common::engine::{ORG, START_MS};
use common::openai::completion;
use common::studio::{Studio, days, hours};
use serde_json::json;

const HOUR: i64 = 3_600_000;
const DAY: i64 = 24 * HOUR;

/// A class of `name` starting `starts_in` after the test's start, one hour long.
async fn class(s: &Studio, name: &str, starts_in: i64) -> String {
    s.crm
        .create_class(
            ORG,
            NewClass {
                name: name.into(),
                starts_at: START_MS + starts_in,
                ends_at: START_MS + starts_in + HOUR,
                capacity: 20,
                location: "Studio 1".into(),
                instructor: "Sam".into(),
            },
        )
        .await
        .unwrap()
        .id
}

/// Books the contact into a fresh class starting now and checks them in.
async fn attend(s: &Studio, contact: &str) {
    let now = s.crm.now_ms() - START_MS;
    let class = class(s, "Spin", now).await;
    let booking = s
        .crm
        .book(ORG, contact, &class, "front-desk")
        .await
        .unwrap();
    s.crm.check_in(ORG, &booking.id).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_member_onboarding_sends_its_sequence_over_thirty_days() {
    let s = Studio::open(common::engine::Db::Sqlite, vec![]).await;
    let workflow = s
        .workflow_from_template(
            "new-member-onboarding",
            json!({ "sender_email": "team@harbour.gym.example", "member_tag": "joined" }),
        )
        .await;
    let ada = s.contact("Ada", "member", NewContact::default()).await;
    s.crm.add_tag(ORG, &ada.id, "joined").await.unwrap();
    let run = s.execution_of(&workflow, &ada.id).await;

    s.parked_at(&run.id, "tips").await;
    let emails = s.emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].to, "ada@example.com");
    assert_eq!(emails[0].subject, "Welcome to Test Gym, Ada!");
    assert_eq!(
        s.sendgrid.requests()[0].json()["from"],
        json!({ "email": "team@harbour.gym.example", "name": "Test Gym" })
    );

    s.advance(days(1));
    s.parked_at(&run.id, "check_in").await;
    assert_eq!(s.emails().len(), 2);
    assert_eq!(s.emails()[1].subject, "5 tips for your first class");
    assert!(s.texts().is_empty());

    s.advance(days(6));
    s.parked_at(&run.id, "goals_email").await;
    let texts = s.texts();
    assert_eq!(texts.len(), 1);
    assert!(
        texts[0]
            .body
            .starts_with("Hi Ada, it's Test Gym! One week in")
    );

    s.advance(days(22));
    assert_eq!(s.emails().len(), 2, "day 29: nothing yet");
    s.advance(days(1));
    s.finished(&run.id, ExecutionStatus::Completed).await;
    assert_eq!(s.emails().len(), 3);
    assert_eq!(s.emails()[2].subject, "30 days in: let's review your goals");
    let tasks = s.tasks(&ada.id).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(tasks[0].title, "30-day goals review with Ada Lovelace");
    assert_eq!(tasks[0].due_at, Some(START_MS + 33 * DAY));
    assert_eq!(s.texts().len(), 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn booking_reminders_go_24_and_2_hours_before_and_stop_when_cancelled() {
    let s = Studio::open(common::engine::Db::Sqlite, vec![]).await;
    let workflow = s
        .workflow_from_template("class-booking-reminders", json!({}))
        .await;
    // Thursday 18:00 London.
    let spin = class(&s, "Evening Spin", 3 * DAY + 9 * HOUR).await;
    let ada = s.contact("Ada", "member", NewContact::default()).await;
    let grace = s.contact("Grace", "member", NewContact::default()).await;
    let ada_booking = s.crm.book(ORG, &ada.id, &spin, "app").await.unwrap();
    let grace_booking = s.crm.book(ORG, &grace.id, &spin, "app").await.unwrap();
    let ada_run = s.execution_of(&workflow, &ada.id).await;
    let grace_run = s.execution_of(&workflow, &grace.id).await;
    s.parked_at(&ada_run.id, "remind_24h").await;
    s.parked_at(&grace_run.id, "remind_24h").await;

    s.crm
        .cancel_booking(ORG, &grace_booking.id, "contact", Some("away"))
        .await
        .unwrap();
    s.finished(&grace_run.id, ExecutionStatus::Completed).await;

    s.advance(2 * days(1) + hours(8));
    assert!(s.texts().is_empty(), "25 hours before: nothing yet");
    s.advance(hours(1));
    s.parked_at(&ada_run.id, "remind_2h").await;
    let texts = s.texts();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].to, "+447700900101");
    assert!(
        texts[0].body.ends_with(&format!(
            "https://yourgym.example/bookings/{}",
            ada_booking.id
        )),
        "{}",
        texts[0].body
    );

    s.advance(hours(22));
    s.finished(&ada_run.id, ExecutionStatus::Completed).await;
    let texts = s.texts();
    assert_eq!(texts.len(), 2);
    assert!(texts[1].body.starts_with("See you soon at Evening Spin!"));
    assert!(
        texts.iter().all(|t| t.to == "+447700900101"),
        "Grace cancelled"
    );
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_no_show_gets_a_text_then_an_email_and_a_task_unless_they_rebook() {
    let s = Studio::open(common::engine::Db::Sqlite, vec![]).await;
    let workflow = s
        .workflow_from_template("no-show-follow-up", json!({}))
        .await;
    let hiit = class(&s, "Lunchtime HIIT", 3 * HOUR).await;
    let ada = s.contact("Ada", "member", NewContact::default()).await;
    let grace = s.contact("Grace", "member", NewContact::default()).await;
    s.crm.book(ORG, &ada.id, &hiit, "app").await.unwrap();
    s.crm.book(ORG, &grace.id, &hiit, "app").await.unwrap();

    s.advance(hours(5));
    s.sweep().await;
    let ada_run = s.execution_of(&workflow, &ada.id).await;
    let grace_run = s.execution_of(&workflow, &grace.id).await;
    s.parked_at(&ada_run.id, "wait_rebook").await;
    s.parked_at(&grace_run.id, "wait_rebook").await;
    let texts = s.texts();
    assert_eq!(texts.len(), 2);
    assert!(
        texts[0]
            .body
            .contains("we missed you at Lunchtime HIIT today")
    );

    let yoga = class(&s, "Yoga", 2 * DAY).await;
    s.crm.book(ORG, &grace.id, &yoga, "app").await.unwrap();
    s.finished(&grace_run.id, ExecutionStatus::Completed).await;

    s.advance(days(2));
    s.finished(&ada_run.id, ExecutionStatus::Completed).await;
    let emails = s.emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].to, "ada@example.com");
    assert_eq!(emails[0].subject, "We saved you a spot");
    let tasks = s.tasks(&ada.id).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        tasks[0].title,
        "Call Ada Lovelace: missed Lunchtime HIIT, not rebooked"
    );
    assert!(s.tasks(&grace.id).await.is_empty());
    assert_eq!(s.texts().len(), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn renewal_reminders_stop_when_the_member_renews() {
    let s = Studio::open(common::engine::Db::Sqlite, vec![]).await;
    let workflow = s
        .workflow_from_template("membership-renewal", json!({}))
        .await;
    let ada = s.contact("Ada", "member", NewContact::default()).await;
    let grace = s.contact("Grace", "member", NewContact::default()).await;
    let mut memberships = Vec::new();
    for contact in [&ada, &grace] {
        let membership = s
            .crm
            .create_membership(
                ORG,
                NewMembership {
                    contact_id: contact.id.clone(),
                    plan_name: "Unlimited".into(),
                    starts_at: START_MS - 335 * DAY,
                    ends_at: START_MS + 30 * DAY,
                    auto_renew: false,
                },
            )
            .await
            .unwrap();
        memberships.push(membership);
    }
    s.sweep().await;
    let ada_run = s.execution_of(&workflow, &ada.id).await;
    let grace_run = s.execution_of(&workflow, &grace.id).await;
    s.parked_at(&ada_run.id, "remind_14").await;
    s.parked_at(&grace_run.id, "remind_14").await;
    let emails = s.emails();
    assert_eq!(emails.len(), 2);
    assert_eq!(emails[0].subject, "Your Unlimited membership renews soon");

    s.advance(days(16));
    s.parked_at(&ada_run.id, "remind_3").await;
    s.parked_at(&grace_run.id, "remind_3").await;
    assert_eq!(s.emails().len(), 4);
    assert_eq!(s.emails()[3].subject, "2 weeks left on your membership");

    s.crm
        .renew_membership(ORG, &memberships[1].id, START_MS + 395 * DAY)
        .await
        .unwrap();
    s.finished(&grace_run.id, ExecutionStatus::Completed).await;

    s.advance(days(11));
    s.finished(&ada_run.id, ExecutionStatus::Completed).await;
    let texts = s.texts();
    assert_eq!(texts.len(), 1, "only Ada, who did not renew");
    assert_eq!(texts[0].to, "+447700900101");
    assert!(texts[0].body.contains("membership ends in 3 days"));
    let grace_steps = s.engine.steps(&grace_run.id).await;
    assert_eq!(grace_steps.last().unwrap().node_id, "done");
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn lead_nurture_splits_subjects_and_hands_trial_bookers_to_sales() {
    let s = Studio::open(
        common::engine::Db::Sqlite,
        vec![completion(
            "Hi! Thanks for your interest in Test Gym - your first class is free.",
            90,
            20,
        )],
    )
    .await;
    let workflow = s
        .workflow_from_template(
            "lead-nurture",
            json!({ "subject_a": "Free class inside", "subject_b": "Your first class is on us" }),
        )
        .await;
    let ada = s.contact("Ada", "lead", NewContact::default()).await;
    let grace = s.contact("Grace", "lead", NewContact::default()).await;
    let ada_run = s.execution_of(&workflow, &ada.id).await;
    let grace_run = s.execution_of(&workflow, &grace.id).await;
    s.parked_at(&ada_run.id, "follow_up_task").await;
    s.parked_at(&grace_run.id, "follow_up_task").await;

    assert_eq!(s.prompts().len(), 2);
    let emails = s.emails();
    assert_eq!(emails.len(), 2);
    let variants = [
        atlas::graph::Variant {
            name: "a".into(),
            weight: 50,
        },
        atlas::graph::Variant {
            name: "b".into(),
            weight: 50,
        },
    ];
    for (contact, email) in [(&ada, &emails[0]), (&grace, &emails[1])] {
        let expected = match atlas::graph::ab_variant(&contact.id, "subject_test", &variants) {
            "a" => "Free class inside",
            _ => "Your first class is on us",
        };
        assert_eq!(email.subject, expected);
        assert_eq!(
            email.text,
            "Hi! Thanks for your interest in Test Gym - your first class is free."
        );
    }

    let trial = class(&s, "Trial class", DAY).await;
    s.crm.book(ORG, &grace.id, &trial, "website").await.unwrap();
    s.finished(&grace_run.id, ExecutionStatus::Completed).await;
    let handoff = s.tasks(&grace.id).await;
    assert_eq!(handoff.len(), 1);
    assert_eq!(handoff[0].title, "Hand-off: Grace Lovelace booked a trial");

    s.advance(days(3));
    s.finished(&ada_run.id, ExecutionStatus::Completed).await;
    let follow_up = s.tasks(&ada.id).await;
    assert_eq!(follow_up.len(), 1);
    assert_eq!(
        follow_up[0].title,
        "Follow up with Ada Lovelace (no trial booked)"
    );
    assert_eq!(s.tasks(&grace.id).await.len(), 1);
    assert_eq!(s.emails().len(), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn review_requests_follow_the_fifth_class_and_the_feedbacks_mood() {
    let s = Studio::open(
        common::engine::Db::Sqlite,
        vec![
            completion(r#"{"label":"positive","confidence":0.9}"#, 30, 6),
            completion(r#"{"label":"negative","confidence":0.8}"#, 30, 6),
        ],
    )
    .await;
    let workflow = s.workflow_from_template("review-request", json!({})).await;
    let feedback = |text: &str| NewContact {
        custom_fields: json!({ "last_feedback": text }),
        ..NewContact::default()
    };
    let ada = s
        .contact("Ada", "member", feedback("Loved the coaches!"))
        .await;
    let grace = s
        .contact("Grace", "member", feedback("The showers were cold again."))
        .await;

    for _ in 0..4 {
        attend(&s, &ada.id).await;
    }
    for run in s.executions(&workflow).await {
        s.finished(&run.id, ExecutionStatus::Completed).await;
    }
    assert!(s.prompts().is_empty() && s.emails().is_empty(), "not yet");

    attend(&s, &ada.id).await;
    let fifth = s
        .executions(&workflow)
        .await
        .into_iter()
        .find(|e| e.trigger["attended_count"] == 5)
        .expect("the fifth class started a run");
    s.finished(&fifth.id, ExecutionStatus::Completed).await;
    let emails = s.emails();
    assert_eq!(emails.len(), 1);
    assert_eq!(emails[0].subject, "Enjoying Test Gym? Tell the world");
    assert!(s.prompts()[0].to_string().contains("Loved the coaches!"));

    for _ in 0..5 {
        attend(&s, &grace.id).await;
    }
    for run in s.executions(&workflow).await {
        s.finished(&run.id, ExecutionStatus::Completed).await;
    }
    assert_eq!(
        s.emails().len(),
        1,
        "no review request after negative feedback"
    );
    let tasks = s.tasks(&grace.id).await;
    assert_eq!(tasks.len(), 1);
    assert_eq!(
        tasks[0].title,
        "Check in with Grace Lovelace - unhappy feedback"
    );
    assert_eq!(s.prompts().len(), 2);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn win_back_offers_twice_then_marks_the_contact_lapsed() {
    let s = Studio::open(common::engine::Db::Sqlite, vec![]).await;
    let workflow = s.workflow_from_template("win-back", json!({})).await;
    let ada = s.contact("Ada", "member", NewContact::default()).await;
    let grace = s.contact("Grace", "member", NewContact::default()).await;
    attend(&s, &ada.id).await;
    attend(&s, &grace.id).await;
    let ada_run = s.execution_of(&workflow, &ada.id).await;
    let grace_first = s.execution_of(&workflow, &grace.id).await;
    s.parked_at(&ada_run.id, "quiet_30d").await;

    s.advance(days(29));
    assert!(s.emails().is_empty(), "day 29: nothing yet");
    s.advance(days(1));
    s.parked_at(&ada_run.id, "wait_offer_1").await;
    s.parked_at(&grace_first.id, "wait_offer_1").await;
    assert_eq!(s.emails().len(), 2);
    assert_eq!(s.emails()[0].subject, "We miss you at Test Gym");

    // Grace comes back after the first offer: that run ends, a new one starts.
    attend(&s, &grace.id).await;
    s.finished(&grace_first.id, ExecutionStatus::Completed)
        .await;

    s.advance(days(7));
    s.parked_at(&ada_run.id, "wait_offer_2").await;
    let texts = s.texts();
    assert_eq!(texts.len(), 1);
    assert_eq!(texts[0].to, "+447700900101");

    s.advance(days(7));
    s.finished(&ada_run.id, ExecutionStatus::Completed).await;
    let ada_now = s.crm.contact(ORG, &ada.id).await.unwrap();
    assert_eq!(ada_now.status, "lapsed");
    let grace_now = s.crm.contact(ORG, &grace.id).await.unwrap();
    assert_eq!(grace_now.status, "member");
    assert_eq!(s.emails().len(), 2);
    assert_eq!(s.texts().len(), 1);
    s.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn birthday_greetings_arrive_at_nine_in_the_contacts_time_zone() {
    let s = Studio::open(common::engine::Db::Sqlite, vec![]).await;
    let workflow = s
        .workflow_from_template("birthday-greetings", json!({}))
        .await;
    let born_today = |status: &str| NewContact {
        birthday: Some("1990-03-02".into()),
        time_zone: Some("America/New_York".into()),
        status: status.into(),
        ..NewContact::default()
    };
    let ada = s.contact("Ada", "member", born_today("member")).await;
    let grace = s.contact("Grace", "lead", born_today("lead")).await;

    // 09:00 UTC is 04:00 in New York: the birthday has begun there.
    s.sweep().await;
    let ada_run = s.execution_of(&workflow, &ada.id).await;
    let grace_run = s.execution_of(&workflow, &grace.id).await;
    s.parked_at(&ada_run.id, "greeting").await;
    s.advance(hours(4) + std::time::Duration::from_secs(59 * 60));
    assert!(s.texts().is_empty(), "08:59 in New York: nothing yet");
    s.advance(std::time::Duration::from_secs(60));
    s.finished(&ada_run.id, ExecutionStatus::Completed).await;
    s.finished(&grace_run.id, ExecutionStatus::Completed).await;
    let texts = s.texts();
    assert_eq!(texts.len(), 2);
    assert!(texts[0].body.starts_with("Happy birthday, "));
    let emails = s.emails();
    assert_eq!(emails.len(), 1, "only the member gets the offer");
    assert_eq!(emails[0].to, "ada@example.com");
    assert_eq!(emails[0].subject, "A birthday gift from Test Gym");
    s.stop().await;
}
