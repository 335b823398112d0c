//! The AI actions through the real runtime with a loopback OpenAI-compatible
//! provider: `ai.generate-message` writes text a following message step can
//! use; `ai.sentiment` follows the outcome named after the sentiment.

mod common;

use common::load;
use common::openai::{completion, harness, host_config};
use common::recorder::Recorder;
use serde_json::json;

#[tokio::test]
async fn generate_message_returns_text_ready_for_the_next_step() {
    let server = Recorder::start(completion(
        "\"Hi Ada! Your free trial starts Monday - see you at 6pm?\"\n",
        64,
        15,
    ))
    .await;
    let h = harness(
        "ai-generate-message",
        "atlas.ai.generate-message",
        host_config(&server),
    )
    .await;
    let report = h
        .run(
            json!({ "prompt": "Remind Ada her trial starts Monday", "channel": "sms", "tone": "casual" }),
            &["ai"],
            true,
            Some(json!({ "id": "c_1", "first_name": "Ada", "tags": ["trial"] })),
        )
        .await;
    let output = report.result.expect("written");
    assert_eq!(output.outcome, "generated");
    assert_eq!(
        output.data,
        json!({
            "text": "Hi Ada! Your free trial starts Monday - see you at 6pm?",
            "model": "gpt-4o-mini-2024-07-18",
            "prompt_tokens": 64,
            "completion_tokens": 15
        })
    );
    let body = server.requests()[0].json();
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(system.contains("relaxed, casual tone"), "{system}");
    assert!(system.contains("It is an SMS"), "{system}");
    assert!(
        system.contains(r#"{"first_name":"Ada","tags":["trial"]}"#),
        "{system}"
    );
    assert_eq!(body["max_tokens"], 120);
}

#[tokio::test]
async fn generate_message_refuses_an_empty_prompt_without_calling_the_model() {
    let server = Recorder::start(completion("x", 1, 1)).await;
    let h = harness(
        "ai-generate-message",
        "atlas.ai.generate-message",
        host_config(&server),
    )
    .await;
    let report = h.run(json!({ "prompt": " " }), &["ai"], false, None).await;
    assert_eq!(report.result.unwrap_err().kind(), "invalid_input");
    let report = h
        .run(
            json!({ "prompt": "Hi", "tone": "angry" }),
            &["ai"],
            false,
            None,
        )
        .await;
    assert_eq!(report.result.unwrap_err().kind(), "invalid_input");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn sentiment_follows_the_outcome_named_after_the_label() {
    for (answer, outcome, score) in [
        (
            r#"{"label":"positive","confidence":0.75}"#,
            "positive",
            0.75,
        ),
        (r#"{"label":"neutral","confidence":0.6}"#, "neutral", 0.0),
        ("Negative", "negative", -1.0),
    ] {
        let server = Recorder::start(completion(answer, 40, 8)).await;
        let h = harness("ai-sentiment", "atlas.ai.sentiment", host_config(&server)).await;
        let plugin = load(&h.rt, "ai-sentiment", None).await;
        assert!(plugin.manifest.has_outcome(outcome));

        let report = h
            .run(
                json!({ "text": "Thanks, see you Tuesday." }),
                &["ai"],
                false,
                None,
            )
            .await;
        let output = report.result.expect("classified");
        assert_eq!(output.outcome, outcome);
        assert_eq!(output.data["sentiment"], outcome);
        assert_eq!(output.data["score"].as_f64().unwrap() as f32, score as f32);
    }
}
