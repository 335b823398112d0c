//! `atlas.ai.lead-score` through the real runtime, the real CRM on a temp
//! SQLite store and a loopback OpenAI-compatible provider: what the model is
//! asked, the band outcomes, the score written to the contact, and answers
//! that are not a score.

mod common;

use common::actions::{ActionHarness, ORG, fatal_message, invalid_input_message, retryable};
use common::crm_world::CrmWorld;
use common::openai::{HOST_MODEL, completion, harness, host_config};
use common::recorder::Recorder;
use serde_json::json;

const ALL: &[&str] = &["ai", "crm:read", "crm:write"];

const INSTRUCTIONS: &str = "You score leads for a fitness studio: how likely this person is to \
become a paying member (or stay one) soon. 100 means ready to join now, 0 means no chance. \
Judge only from the facts given. Answer with one JSON object and nothing else, no code fence: \
{\"score\": <integer from 0 to 100>, \"reasons\": [<one to three short reasons>]}";

async fn setup(answer: &str) -> (Recorder, ActionHarness, CrmWorld) {
    let server = Recorder::start(completion(answer, 120, 30)).await;
    let h = harness("ai-lead-score", "atlas.ai.lead-score", host_config(&server)).await;
    let world = h.world().await;
    (server, h, world)
}

#[tokio::test]
async fn scores_from_the_crm_record_and_activity_and_writes_the_field() {
    let (server, h, world) =
        setup(r#"{"score": 82, "reasons": ["Booked two trial classes", "Came from the website"]}"#)
            .await;
    let report = world
        .run(
            &h,
            json!({
                "activity": "Booked 2 trial classes, attended 1",
                "instructions": "Trial bookings matter most.",
                "write_to_field": "lead_score"
            }),
            ALL,
        )
        .await;
    let output = report.result.expect("scored");
    assert_eq!(output.outcome, "hot");
    assert_eq!(
        output.data,
        json!({
            "contact_id": world.contact,
            "score": 82,
            "band": "hot",
            "reasons": ["Booked two trial classes", "Came from the website"],
            "model": "gpt-4o-mini-2024-07-18",
            "written_to": "lead_score"
        })
    );

    let requests = server.requests();
    assert_eq!(requests.len(), 1);
    let body = requests[0].json();
    assert_eq!(body["model"], HOST_MODEL);
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["max_tokens"], 300);
    assert_eq!(body["messages"][0]["role"], "system");
    assert_eq!(
        body["messages"][0]["content"],
        format!("{INSTRUCTIONS}\nThe studio adds: Trial bookings matter most.")
    );
    assert_eq!(body["messages"][1]["role"], "user");
    assert_eq!(
        body["messages"][1]["content"],
        "Contact: {\"status\":\"lead\",\"source\":\"website\",\"lifecycle_stage\":\"lead\",\
         \"tags\":[\"newsletter\"],\"custom_fields\":{\"goal\":\"strength\"}}\n\
         Recent activity: Booked 2 trial classes, attended 1"
    );
    let sent = body.to_string();
    assert!(
        !sent.contains("ada@example.com") && !sent.contains("Tester"),
        "{sent}"
    );

    let stored = world.crm.contact(ORG, &world.contact).await.unwrap();
    assert_eq!(
        stored.custom_fields,
        json!({ "goal": "strength", "lead_score": 82 })
    );

    // The next score does not see the previous one.
    let report = world
        .run(&h, json!({ "write_to_field": "lead_score" }), ALL)
        .await;
    assert!(report.result.is_ok());
    let user = server.requests()[1].json()["messages"][1]["content"].clone();
    assert!(!user.as_str().unwrap().contains("lead_score"), "{user}");
    assert!(
        user.as_str()
            .unwrap()
            .ends_with("Recent activity: none given")
    );
}

#[tokio::test]
async fn the_band_is_the_outcome_by_the_thresholds() {
    for (score, input, band) in [
        (55, json!({}), "warm"),
        (39, json!({}), "cold"),
        (70, json!({}), "hot"),
        (
            55,
            json!({ "hot_threshold": 50, "warm_threshold": 20 }),
            "hot",
        ),
        (
            15,
            json!({ "hot_threshold": 50, "warm_threshold": 20 }),
            "cold",
        ),
    ] {
        let (_server, h, world) =
            setup(&json!({ "score": score, "reasons": ["why"] }).to_string()).await;
        let report = world.run(&h, input, &["ai", "crm:read"]).await;
        let output = report.result.expect("scored");
        assert_eq!(output.outcome, band, "{score}");
        assert_eq!(output.data["band"], band);
        assert_eq!(output.data["written_to"], json!(null));
    }
}

#[tokio::test]
async fn an_answer_that_is_not_a_score_is_a_retryable_error_and_writes_nothing() {
    for answer in [
        "This lead looks pretty hot to me!",
        r#"{"score": 140, "reasons": ["keen"]}"#,
        r#"{"score": "high", "reasons": ["keen"]}"#,
        r#"{"score": 60}"#,
    ] {
        let (_server, h, world) = setup(answer).await;
        let before = world.state().await;
        let report = world
            .run(&h, json!({ "write_to_field": "lead_score" }), ALL)
            .await;
        let (message, _) = retryable(&report);
        assert!(
            message.starts_with("the model did not answer with a score"),
            "{answer}: {message}"
        );
        assert_eq!(world.state().await, before, "{answer}");
    }
}

#[tokio::test]
async fn test_mode_scores_but_writes_nothing() {
    let (server, h, world) = setup(r#"{"score": 64, "reasons": ["Opened emails"]}"#).await;
    let before = world.state().await;
    let report = h
        .run(
            json!({ "write_to_field": "lead_score" }),
            ALL,
            true,
            Some(world.snapshot()),
        )
        .await;
    let output = report.result.expect("scored");
    assert_eq!(output.outcome, "warm");
    assert_eq!(output.data["written_to"], "lead_score");
    assert_eq!(server.requests().len(), 1);
    assert_eq!(world.state().await, before);
}

#[tokio::test]
async fn writing_the_score_needs_crm_write_and_reading_needs_crm_read() {
    let (server, h, world) = setup(r#"{"score": 90, "reasons": ["Ready"]}"#).await;
    let before = world.state().await;
    let report = world
        .run(
            &h,
            json!({ "write_to_field": "lead_score" }),
            &["ai", "crm:read"],
        )
        .await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("crm-write is not granted to this action"),
        "{message}"
    );
    assert_eq!(world.state().await, before);

    let report = world.run(&h, json!({}), &["ai"]).await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("crm-read is not granted to this action"),
        "{message}"
    );
    assert_eq!(
        server.requests().len(),
        1,
        "the model is not asked without the contact"
    );
}

#[tokio::test]
async fn unknown_contacts_and_bad_input_never_reach_the_model() {
    let (server, h, world) = setup(r#"{"score": 90, "reasons": ["Ready"]}"#).await;
    for contact_id in [world.stranger.clone(), "c_nobody".to_owned()] {
        let report = world
            .run(&h, json!({ "contact_id": contact_id }), ALL)
            .await;
        assert_eq!(
            fatal_message(&report),
            format!("contact `{contact_id}` does not exist")
        );
    }
    for (input, expected) in [
        (
            json!({ "warm_threshold": 80 }),
            "warm_threshold (80) is above hot_threshold (70)",
        ),
        (
            json!({ "write_to_field": " " }),
            "write_to_field is empty; leave it out to only score",
        ),
    ] {
        let report = world.run(&h, input.clone(), ALL).await;
        assert_eq!(invalid_input_message(&report), expected, "{input}");
    }
    // The input schema caps the thresholds, so the builder's form does too.
    let report = world.run(&h, json!({ "hot_threshold": 120 }), ALL).await;
    assert!(invalid_input_message(&report).contains("120"));
    let report = h.run(json!({}), ALL, false, None).await;
    assert!(invalid_input_message(&report).starts_with("no contact"));
    assert!(server.requests().is_empty());
}
