//! A loopback OpenAI-compatible provider: chat-completion replies and error
//! documents in OpenAI's wire format, and runtimes whose `ai` capability
//! points at it.

use std::time::Duration;

use atlas::capabilities::{AiConfig, NetworkPolicy};
use serde_json::json;

use super::actions::ActionHarness;
use super::recorder::{Recorder, Reply};
use super::{runtime_with_ai, sqlite_store};

/// The host's API key in these tests.
pub const HOST_KEY: &str = "sk-host-test";
/// The host's default model in these tests.
pub const HOST_MODEL: &str = "gpt-4o-mini";

/// A chat completion whose first choice says `text`, with the given usage.
pub fn completion(text: &str, prompt_tokens: u32, completion_tokens: u32) -> Reply {
    Reply::json(json!({
        "id": "chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT",
        "object": "chat.completion",
        "created": 1_764_000_000u32,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [{
            "index": 0,
            "message": { "role": "assistant", "content": text, "refusal": null },
            "logprobs": null,
            "finish_reason": "stop"
        }],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens
        },
        "system_fingerprint": "fp_44709d6fcb"
    }))
}

/// An OpenAI error document with `status`.
pub fn error(status: u16, message: &str, kind: &str, code: &str) -> Reply {
    Reply::status(
        status,
        &json!({ "error": { "message": message, "type": kind, "param": null, "code": code } })
            .to_string(),
    )
    .header("content-type", "application/json")
}

/// The host's AI settings pointing at `server` (`{server}/v1`).
pub fn host_config(server: &Recorder) -> AiConfig {
    AiConfig {
        base_url: server.url("/v1"),
        api_key: Some(HOST_KEY.into()),
        model: HOST_MODEL.into(),
        timeout: Duration::from_secs(5),
        monthly_token_budget: None,
    }
}

/// A harness for a built AI action whose host provider is `ai`.
pub async fn harness(
    component: &'static str,
    plugin_id: &'static str,
    ai: AiConfig,
) -> ActionHarness {
    let (store, dir) = sqlite_store().await;
    let rt = runtime_with_ai(store.clone(), NetworkPolicy::allowing_loopback(), ai);
    ActionHarness::over(rt, store, dir, component, plugin_id)
}
