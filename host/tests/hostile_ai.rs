//! What one AI call may cost is capped before the provider is asked: the
//! prompt's size and message count, and the tokens it may generate (always
//! sent); the provider's reply is read only up to its cap. Driven by
//! `test-flood`, which passes a prompt of a chosen size to `ai.complete`.

mod common;

use common::openai::{completion, harness, host_config};
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

/// One `ai.complete` with a prompt of `bytes` bytes.
fn complete(bytes: u32) -> Value {
    json!({ "op": "ai_complete", "count": 1, "arg_bytes": bytes })
}

#[tokio::test]
async fn an_oversized_prompt_is_refused_before_the_provider_is_called() {
    let server = Recorder::start(completion("unused", 1, 1)).await;
    let h = harness("test-flood", "atlas.test.flood", host_config(&server)).await;
    let report = h.run(complete(100 << 10), &["ai"], false, None).await;
    let output = report.result.expect("the flood reports the call");
    assert_eq!(output.data["answers"], json!({ "invalid": 1 }));
    let message = output.data["last_message"].as_str().unwrap();
    assert!(message.contains("at most 65536"), "{message}");
    assert!(server.requests().is_empty(), "the provider was not called");

    // A prompt within the cap goes out with an explicit token limit.
    let report = h.run(complete(5), &["ai"], false, None).await;
    let output = report.result.expect("the flood reports the call");
    assert_eq!(output.data["answers"], json!({ "ok": 1 }));
    assert_eq!(server.requests()[0].json()["max_tokens"], 1024);
}

#[tokio::test]
async fn a_reply_larger_than_the_cap_is_not_read_whole() {
    let huge = json!({ "padding": "y".repeat(2 << 20) });
    let server = Recorder::start(Reply::json(huge)).await;
    let h = harness("test-flood", "atlas.test.flood", host_config(&server)).await;
    let report = h.run(complete(5), &["ai"], false, None).await;
    let output = report.result.expect("the flood reports the call");
    assert_eq!(output.data["answers"], json!({ "failed": 1 }));
    let message = output.data["last_message"].as_str().unwrap();
    assert!(message.contains("larger than 1048576 bytes"), "{message}");
}
