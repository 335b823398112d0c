//! The `ai` host capability through the real runtime, driven by the built-in
//! AI actions, against a loopback server speaking OpenAI's chat-completions
//! wire format: the exact request, host and org settings, the monthly token
//! budget, a missing key, and each class of provider error.

mod common;

use std::time::Duration;

use atlas::capabilities::AiConfig;
use atlas::capabilities::ai::current_month;
use atlas::store::AiOrgSettings;
use common::actions::{ORG, fatal_message, retryable};
use common::openai::{HOST_KEY, HOST_MODEL, completion, error, harness, host_config};
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

const WRITER: (&str, &str) = ("ai-generate-message", "atlas.ai.generate-message");
const SENTIMENT: (&str, &str) = ("ai-sentiment", "atlas.ai.sentiment");

fn invite() -> Value {
    json!({
        "prompt": "Invite the contact to a free yoga class on Saturday",
        "tone": "professional",
        "length": "medium",
        "model": "gpt-4o",
        "temperature": 0.25
    })
}

#[tokio::test]
async fn complete_posts_a_chat_completion_with_the_bearer_key_and_records_usage() {
    let server = Recorder::start(completion("Hi Ada, join us Saturday!", 57, 9)).await;
    let h = harness(WRITER.0, WRITER.1, host_config(&server)).await;
    let report = h
        .run(
            invite(),
            &["ai"],
            false,
            Some(json!({ "id": "c_1", "first_name": "Ada", "email": "ada@example.com" })),
        )
        .await;
    let output = report.result.expect("written");
    assert_eq!(output.data["text"], "Hi Ada, join us Saturday!");
    assert_eq!(output.data["model"], "gpt-4o-mini-2024-07-18");

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(
        r.header("authorization"),
        Some(format!("Bearer {HOST_KEY}"))
    );
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    let body = r.json();
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["temperature"], 0.25);
    assert_eq!(body["max_tokens"], 300);
    let messages = body["messages"].as_array().unwrap();
    assert_eq!(messages.len(), 2);
    assert_eq!(messages[0]["role"], "system");
    let system = messages[0]["content"].as_str().unwrap();
    assert!(system.contains("polite, professional tone"), "{system}");
    assert!(system.contains(r#"{"first_name":"Ada"}"#), "{system}");
    assert!(!system.contains("ada@example.com"), "{system}");
    assert_eq!(
        messages[1],
        json!({ "role": "user", "content": "Invite the contact to a free yoga class on Saturday" })
    );

    let usage = h.store.ai_usage(ORG, &current_month()).await.unwrap();
    assert_eq!(
        (usage.requests, usage.prompt_tokens, usage.completion_tokens),
        (1, 57, 9)
    );
}

#[tokio::test]
async fn an_orgs_own_provider_key_and_model_replace_the_hosts() {
    let host_server = Recorder::start(completion("from the host", 1, 1)).await;
    let org_server = Recorder::start(completion("from the org", 1, 1)).await;
    let h = harness(WRITER.0, WRITER.1, host_config(&host_server)).await;

    h.run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
        .await
        .result
        .expect("written");
    assert_eq!(host_server.requests()[0].json()["model"], HOST_MODEL);
    assert_eq!(host_server.requests()[0].json()["temperature"], 0.7);

    h.store
        .ai_settings_put(
            ORG,
            &AiOrgSettings {
                base_url: Some(org_server.url("/openai/v1/")),
                model: Some("llama-3.1-8b-instruct".into()),
                api_key: Some("sk-org-own".into()),
                monthly_token_budget: None,
            },
        )
        .await
        .unwrap();
    let report = h
        .run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
        .await;
    assert_eq!(report.result.expect("written").data["text"], "from the org");
    let r = &org_server.requests()[0];
    assert_eq!(r.path, "/openai/v1/chat/completions");
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Bearer sk-org-own")
    );
    assert_eq!(r.json()["model"], "llama-3.1-8b-instruct");
    assert_eq!(host_server.requests().len(), 1);
}

#[tokio::test]
async fn the_monthly_budget_is_enforced_before_the_call() {
    let server = Recorder::start(completion("Hello!", 70, 40)).await;
    let h = harness(
        WRITER.0,
        WRITER.1,
        AiConfig {
            monthly_token_budget: Some(100),
            ..host_config(&server)
        },
    )
    .await;
    h.run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
        .await
        .result
        .expect("the first call fits the budget");

    let report = h
        .run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
        .await;
    assert_eq!(
        fatal_message(&report),
        format!(
            "limit: ai: the org's monthly budget of 100 tokens is used up \
             (110 tokens used in {})",
            current_month()
        )
    );
    assert_eq!(server.requests().len(), 1);

    h.store
        .ai_settings_put(
            ORG,
            &AiOrgSettings {
                monthly_token_budget: Some(1_000),
                ..AiOrgSettings::default()
            },
        )
        .await
        .unwrap();
    h.run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
        .await
        .result
        .expect("the org's larger budget applies");
    let usage = h.store.ai_usage(ORG, &current_month()).await.unwrap();
    assert_eq!((usage.requests, usage.total_tokens()), (2, 220));
}

#[tokio::test]
async fn without_a_key_the_call_is_unavailable_and_nothing_is_sent() {
    let server = Recorder::start(completion("never", 1, 1)).await;
    let h = harness(
        WRITER.0,
        WRITER.1,
        AiConfig {
            api_key: None,
            ..host_config(&server)
        },
    )
    .await;
    let report = h
        .run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
        .await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("unavailable: ai: no language-model API key is configured"),
        "{message}"
    );
    assert!(server.requests().is_empty());

    let report = h.run(json!({ "prompt": "Say hi" }), &[], false, None).await;
    assert!(fatal_message(&report).starts_with("denied: ai `complete` denied"));
    assert_eq!(report.denials[0].capability, "ai");
}

#[tokio::test]
async fn client_errors_are_fatal_with_the_providers_message() {
    let cases = [
        (
            error(
                400,
                "Invalid 'messages[1].content': string too long.",
                "invalid_request_error",
                "string_above_max_length",
            ),
            "invalid: ai: the provider rejected the request (HTTP 400): \
             Invalid 'messages[1].content': string too long. (string_above_max_length)",
        ),
        (
            error(
                401,
                "Incorrect API key provided: sk-host-****test.",
                "invalid_request_error",
                "invalid_api_key",
            ),
            "denied: ai: the provider refused the API key (HTTP 401): \
             Incorrect API key provided: sk-host-****test. (invalid_api_key)",
        ),
        (
            error(
                404,
                "The model `gpt-9` does not exist or you do not have access to it.",
                "invalid_request_error",
                "model_not_found",
            ),
            "not-found: ai: the provider answered HTTP 404: \
             The model `gpt-9` does not exist or you do not have access to it. (model_not_found)",
        ),
    ];
    for (reply, expected) in cases {
        let server = Recorder::start(reply).await;
        let h = harness(WRITER.0, WRITER.1, host_config(&server)).await;
        let report = h
            .run(json!({ "prompt": "Say hi" }), &["ai"], false, None)
            .await;
        assert_eq!(fatal_message(&report), expected);
        let usage = h.store.ai_usage(ORG, &current_month()).await.unwrap();
        assert_eq!(usage.requests, 0);
    }
}

#[tokio::test]
async fn rate_limits_server_errors_and_timeouts_are_retryable() {
    let server = Recorder::scripted(vec![
        error(
            429,
            "Rate limit reached for gpt-4o-mini on tokens per min (TPM).",
            "tokens",
            "rate_limit_exceeded",
        )
        .header("retry-after", "20"),
        Reply::status(503, "The server is overloaded or not ready yet."),
        completion("late", 1, 1).after(Duration::from_secs(3)),
    ])
    .await;
    let h = harness(
        WRITER.0,
        WRITER.1,
        AiConfig {
            timeout: Duration::from_millis(300),
            ..host_config(&server)
        },
    )
    .await;
    let run = || h.run(json!({ "prompt": "Say hi" }), &["ai"], false, None);

    let (message, _) = retryable(&run().await);
    assert_eq!(
        message,
        "failed: ai: the provider is unavailable (HTTP 429): Rate limit reached for \
         gpt-4o-mini on tokens per min (TPM). (rate_limit_exceeded); retry after 20 s"
    );
    let (message, _) = retryable(&run().await);
    assert_eq!(
        message,
        "failed: ai: the provider is unavailable (HTTP 503): \
         The server is overloaded or not ready yet."
    );
    let (message, _) = retryable(&run().await);
    assert_eq!(
        message,
        "timeout: ai: the provider did not answer within 300 ms"
    );
}

#[tokio::test]
async fn classify_asks_for_one_of_the_labels_as_json() {
    let server = Recorder::start(completion(
        r#"{"label": "negative", "confidence": 0.91}"#,
        80,
        12,
    ))
    .await;
    let h = harness(SENTIMENT.0, SENTIMENT.1, host_config(&server)).await;
    let report = h
        .run(
            json!({ "text": "The showers were cold again.", "model": "gpt-4o" }),
            &["ai"],
            false,
            None,
        )
        .await;
    let output = report.result.expect("classified");
    assert_eq!(output.outcome, "negative");

    let body = server.requests()[0].json();
    assert_eq!(body["model"], "gpt-4o");
    assert_eq!(body["temperature"], 0.0);
    assert_eq!(body["max_tokens"], 60);
    let system = body["messages"][0]["content"].as_str().unwrap();
    assert!(
        system.contains(r#"["positive","neutral","negative"]"#),
        "{system}"
    );
    assert_eq!(
        body["messages"][1],
        json!({ "role": "user", "content": "The showers were cold again." })
    );
}

#[tokio::test]
async fn an_answer_outside_the_labels_is_a_retryable_failure() {
    let server = Recorder::start(completion("It is mixed, honestly.", 80, 5)).await;
    let h = harness(SENTIMENT.0, SENTIMENT.1, host_config(&server)).await;
    let report = h
        .run(
            json!({ "text": "Good classes, bad parking." }),
            &["ai"],
            false,
            None,
        )
        .await;
    let (message, _) = retryable(&report);
    assert_eq!(
        message,
        "failed: ai.classify: the model answered `It is mixed, honestly.`, \
         which is none of the labels"
    );
    let usage = h.store.ai_usage(ORG, &current_month()).await.unwrap();
    assert_eq!(usage.total_tokens(), 85);
}
