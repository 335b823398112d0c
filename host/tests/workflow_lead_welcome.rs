//! The lead welcome journey end to end on both stores: a new lead starts the
//! workflow, the language model writes a welcome, Twilio sends it, and a day
//! later a lead who has not booked gets an email and a task for staff; a lead
//! who booked meanwhile gets nothing more.

mod common;

use atlas::crm::{NewClass, NewContact};
use atlas::store::ExecutionStatus;
use common::engine::{ORG, START_MS};
use common::openai::completion;
use common::studio::{Studio, hours};
use serde_json::{Value, json};

fn lead_welcome() -> Value {
    json!({
        "name": "Lead welcome",
        "nodes": [
            { "id": "lead", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "lead_created" } },
            { "id": "write", "kind": "action", "position": {"x": 0, "y": 140}, "config": {
                "plugin": "atlas.ai.generate-message", "version": "0.1.0",
                "input": { "prompt": "Welcome {{contact.first_name}} to Harbour Gym and invite them to a free trial.", "channel": "sms", "tone": "friendly" } } },
            { "id": "text", "kind": "action", "position": {"x": 0, "y": 280}, "config": {
                "plugin": "atlas.sms.send", "version": "0.1.0",
                "input": { "to": "{{contact.phone}}", "from": "+15005550006", "body": "{{steps.write.output.text}}" } } },
            { "id": "wait_booking", "kind": "wait_for_event", "position": {"x": 0, "y": 420}, "config": { "event": "booking_created", "timeout": "1d" } },
            { "id": "booked", "kind": "exit", "position": {"x": -200, "y": 560}, "config": {} },
            { "id": "email", "kind": "action", "position": {"x": 200, "y": 560}, "config": {
                "plugin": "atlas.email.send", "version": "0.1.0",
                "input": { "from": "hello@harbour.gym.example", "to": ["{{contact.email}}"],
                           "subject": "Your free trial is waiting, {{contact.first_name}}",
                           "text": "Book your free trial class: https://harbour.gym.example/trial" } } },
            { "id": "task", "kind": "action", "position": {"x": 200, "y": 700}, "config": {
                "plugin": "atlas.crm.create-task", "version": "0.1.0",
                "input": { "title": "Call {{contact.full_name}} about a trial", "due_in": "1d", "priority": "high" } } }
        ],
        "edges": [
            { "id": "e1", "source": "lead", "target": "write", "outcome": "next" },
            { "id": "e2", "source": "write", "target": "text", "outcome": "generated" },
            { "id": "e3", "source": "text", "target": "wait_booking", "outcome": "sent" },
            { "id": "e4", "source": "wait_booking", "target": "booked", "outcome": "event" },
            { "id": "e5", "source": "wait_booking", "target": "email", "outcome": "timeout" },
            { "id": "e6", "source": "email", "target": "task", "outcome": "sent" }
        ]
    })
}

on_both_stores!(
    a_lead_who_does_not_book_gets_an_email_and_a_task,
    |db| async move {
        let s = Studio::open(
            db,
            vec![
                completion(
                    "Hi Ada! Your first class at Harbour Gym is on us - fancy Tuesday?",
                    80,
                    16,
                ),
                completion(
                    "Hi Grace! Come try a free class at Harbour Gym this week.",
                    80,
                    14,
                ),
            ],
        )
        .await;
        let workflow = s.engine.workflow("lead-welcome", lead_welcome()).await;

        let ada = s.contact("Ada", "lead", NewContact::default()).await;
        let ada_run = s.execution_of(&workflow, &ada.id).await;
        s.parked_at(&ada_run.id, "wait_booking").await;
        let grace = s.contact("Grace", "lead", NewContact::default()).await;
        let grace_run = s.execution_of(&workflow, &grace.id).await;
        s.parked_at(&grace_run.id, "wait_booking").await;

        // At once: one prompt and one SMS per lead, the SMS carrying the model's text.
        let prompts = s.prompts();
        assert_eq!(prompts.len(), 2);
        assert!(
            prompts[0]
                .to_string()
                .contains("Welcome Ada to Harbour Gym")
        );
        assert!(
            prompts[1]
                .to_string()
                .contains("Welcome Grace to Harbour Gym")
        );
        let texts = s.texts();
        assert_eq!(texts.len(), 2);
        assert_eq!(texts[0].to, "+447700900101");
        assert_eq!(texts[1].to, "+447700900102");
        assert_eq!(
            texts[0].body,
            "Hi Ada! Your first class at Harbour Gym is on us - fancy Tuesday?"
        );
        assert_eq!(
            texts[1].body,
            "Hi Grace! Come try a free class at Harbour Gym this week."
        );
        let twilio = &s.twilio.requests()[0];
        assert_eq!(
            twilio.path,
            "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json"
        );
        assert!(s.emails().is_empty());

        // Ada books a class within the day: her run ends on the `event` path.
        s.advance(hours(3));
        let class = s
            .crm
            .create_class(
                ORG,
                NewClass {
                    name: "Spin".into(),
                    starts_at: START_MS + 30 * 3_600_000,
                    ends_at: START_MS + 31 * 3_600_000,
                    capacity: 12,
                    location: "Studio 1".into(),
                    instructor: "Sam".into(),
                },
            )
            .await
            .unwrap();
        s.crm.book(ORG, &ada.id, &class.id, "app").await.unwrap();
        s.finished(&ada_run.id, ExecutionStatus::Completed).await;

        // A day after the SMS, Grace has not booked: one email and one task, for her only.
        s.advance(hours(20));
        assert!(s.emails().is_empty(), "the wait lasts a full day");
        s.advance(hours(1));
        s.finished(&grace_run.id, ExecutionStatus::Completed).await;
        let emails = s.emails();
        assert_eq!(emails.len(), 1);
        assert_eq!(emails[0].to, "grace@example.com");
        assert_eq!(emails[0].subject, "Your free trial is waiting, Grace");
        let tasks = s.tasks(&grace.id).await;
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].title, "Call Grace Lovelace about a trial");
        assert_eq!(tasks[0].due_at, Some(START_MS + 48 * 3_600_000));
        assert!(s.tasks(&ada.id).await.is_empty());
        assert_eq!(s.texts().len(), 2, "no further SMS");
        assert_eq!(s.prompts().len(), 2, "no further prompts");
        s.stop().await;
    }
);
