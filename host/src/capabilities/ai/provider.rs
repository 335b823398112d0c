//! One chat completion against an OpenAI-compatible provider.
//!
//! The request and reply are async-openai's wire types. The host sends them
//! itself rather than through async-openai's client, because that client
//! retries 429s and 5xx on its own and drops the status and `Retry-After`:
//! here the engine owns retries, and the guest must learn which failures are
//! passing (timeouts, 429, 5xx), which are final (other 4xx, with the
//! provider's message), and how long the provider asked it to wait.

use std::error::Error as StdError;

use async_openai::error::WrappedError;
use async_openai::types::{
    ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
    ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage,
    CreateChatCompletionRequest, CreateChatCompletionResponse,
};
use reqwest::StatusCode;

use super::config::OrgAi;
use crate::capabilities::http::{OutboundHttp, SendError};
use crate::runtime::bindings::atlas::workflow::ai::{ChatMessage, Role};
use crate::runtime::bindings::atlas::workflow::types::HostError;

/// How many characters of an unparsable error body a message quotes.
const QUOTED_BODY_CHARS: usize = 300;

/// A chat completion to request.
#[derive(Debug, Clone)]
pub struct ChatCall {
    /// The conversation.
    pub messages: Vec<ChatMessage>,
    /// Model to use.
    pub model: String,
    /// Sampling temperature, 0 to 2.
    pub temperature: Option<f32>,
    /// Most tokens to generate.
    pub max_tokens: Option<u32>,
}

/// What the provider answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChatReply {
    /// The first choice's text.
    pub text: String,
    /// The model that answered.
    pub model: String,
    /// Tokens in the prompt.
    pub prompt_tokens: u32,
    /// Tokens generated.
    pub completion_tokens: u32,
}

/// The reply body, refused once it passes [`super::caps::MAX_REPLY_BYTES`].
async fn read_capped(
    response: reqwest::Response,
    url: &str,
    ai: &OrgAi,
) -> Result<Vec<u8>, HostError> {
    use futures::StreamExt as _;
    let cap = super::caps::MAX_REPLY_BYTES;
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(HostError::Failed(format!(
            "ai: the provider's reply is larger than {cap} bytes"
        )));
    }
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|error| transport_error(url, ai, &error))?;
        if body.len() + chunk.len() > cap {
            return Err(HostError::Failed(format!(
                "ai: the provider's reply is larger than {cap} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

/// The request body for `call`.
pub fn request_body(call: &ChatCall) -> CreateChatCompletionRequest {
    let messages = call
        .messages
        .iter()
        .map(|message| match message.role {
            Role::System => {
                ChatCompletionRequestMessage::System(ChatCompletionRequestSystemMessage {
                    content: message.content.clone().into(),
                    name: None,
                })
            }
            Role::User => ChatCompletionRequestMessage::User(ChatCompletionRequestUserMessage {
                content: message.content.clone().into(),
                name: None,
            }),
            Role::Assistant => {
                ChatCompletionRequestMessage::Assistant(ChatCompletionRequestAssistantMessage {
                    content: Some(message.content.clone().into()),
                    ..Default::default()
                })
            }
        })
        .collect();
    // `max_tokens` rather than `max_completion_tokens`: every OpenAI-compatible
    // server accepts it, while many do not know the newer name.
    #[allow(deprecated)]
    CreateChatCompletionRequest {
        messages,
        model: call.model.clone(),
        temperature: call.temperature,
        max_tokens: call.max_tokens,
        ..Default::default()
    }
}

/// Sends `call` to the org's provider through `http` and reads the reply.
pub async fn chat(
    http: &OutboundHttp,
    ai: &OrgAi,
    call: &ChatCall,
) -> Result<ChatReply, HostError> {
    let url = format!("{}/chat/completions", ai.base_url);
    let request = http
        .client()
        .post(&url)
        .bearer_auth(&ai.api_key)
        .json(&request_body(call))
        .timeout(ai.timeout)
        .build()
        .map_err(|error| transport_error(&url, ai, &error))?;
    let response = match http.send(request).await {
        Ok(response) => response,
        Err(SendError::Transport(error)) => return Err(transport_error(&url, ai, &error)),
        Err(unscripted @ SendError::Unscripted { .. }) => {
            return Err(HostError::Failed(format!("ai: {unscripted}")));
        }
    };
    let status = response.status();
    let retry_after = response
        .headers()
        .get(reqwest::header::RETRY_AFTER)
        .and_then(|value| value.to_str().ok())
        .map(str::to_owned);
    let body = read_capped(response, &url, ai).await?;
    if !status.is_success() {
        return Err(status_error(status, retry_after.as_deref(), &body));
    }
    let reply: CreateChatCompletionResponse = serde_json::from_slice(&body).map_err(|error| {
        HostError::Failed(format!(
            "ai: the provider's reply is not a chat completion ({error}): {}",
            quoted(&body)
        ))
    })?;
    let text = reply
        .choices
        .into_iter()
        .next()
        .and_then(|choice| choice.message.content)
        .ok_or_else(|| HostError::Failed("ai: the provider's reply has no text".into()))?;
    let usage = reply.usage.unwrap_or_default();
    Ok(ChatReply {
        text,
        model: reply.model,
        prompt_tokens: usage.prompt_tokens,
        completion_tokens: usage.completion_tokens,
    })
}

fn transport_error(url: &str, ai: &OrgAi, error: &reqwest::Error) -> HostError {
    if error.is_timeout() {
        return HostError::Timeout(format!(
            "ai: the provider did not answer within {} ms",
            ai.timeout.as_millis()
        ));
    }
    let mut detail = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        detail.push_str(": ");
        detail.push_str(&cause.to_string());
        source = cause.source();
    }
    HostError::Failed(format!("ai: request to {url} failed: {detail}"))
}

/// 408, 425, 429 and 5xx are passing (`failed`, retried, with the wait the
/// provider asked for in the message); 401 and 403 are `denied`; 404 is
/// `not-found` (usually an unknown model); any other status is `invalid`.
fn status_error(status: StatusCode, retry_after: Option<&str>, body: &[u8]) -> HostError {
    let message = provider_message(body);
    let code = status.as_u16();
    match code {
        408 | 425 | 429 | 500..=599 => {
            let wait = retry_after
                .map(|value| format!("; retry after {value} s"))
                .unwrap_or_default();
            HostError::Failed(format!(
                "ai: the provider is unavailable (HTTP {code}): {message}{wait}"
            ))
        }
        401 | 403 => HostError::Denied(format!(
            "ai: the provider refused the API key (HTTP {code}): {message}"
        )),
        404 => HostError::NotFound(format!("ai: the provider answered HTTP 404: {message}")),
        _ => HostError::Invalid(format!(
            "ai: the provider rejected the request (HTTP {code}): {message}"
        )),
    }
}

/// OpenAI's `{"error": {"message", "code"}}`; the start of the body otherwise.
fn provider_message(body: &[u8]) -> String {
    match serde_json::from_slice::<WrappedError>(body) {
        Ok(wrapped) => match wrapped.error.code {
            Some(code) => format!("{} ({code})", wrapped.error.message),
            None => wrapped.error.message,
        },
        Err(_) => quoted(body),
    }
}

fn quoted(body: &[u8]) -> String {
    String::from_utf8_lossy(body)
        .chars()
        .take(QUOTED_BODY_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn the_body_carries_model_messages_temperature_and_max_tokens() {
        let call = ChatCall {
            messages: vec![
                ChatMessage {
                    role: Role::System,
                    content: "Be brief.".into(),
                },
                ChatMessage {
                    role: Role::User,
                    content: "Hi".into(),
                },
                ChatMessage {
                    role: Role::Assistant,
                    content: "Hello".into(),
                },
            ],
            model: "gpt-4o-mini".into(),
            temperature: Some(0.5),
            max_tokens: Some(64),
        };
        let body = serde_json::to_value(request_body(&call)).unwrap();
        assert_eq!(
            body,
            json!({
                "model": "gpt-4o-mini",
                "messages": [
                    {"role": "system", "content": "Be brief."},
                    {"role": "user", "content": "Hi"},
                    {"role": "assistant", "content": "Hello"}
                ],
                "temperature": 0.5,
                "max_tokens": 64
            })
        );
    }

    #[test]
    fn statuses_map_to_host_errors() {
        let body = br#"{"error":{"message":"Invalid 'temperature'","type":"invalid_request_error","param":"temperature","code":"invalid_value"}}"#;
        assert!(matches!(
            status_error(StatusCode::BAD_REQUEST, None, body),
            HostError::Invalid(m) if m == "ai: the provider rejected the request (HTTP 400): \
                                        Invalid 'temperature' (invalid_value)"
        ));
        assert!(matches!(
            status_error(StatusCode::UNAUTHORIZED, None, b"{}"),
            HostError::Denied(_)
        ));
        assert!(matches!(
            status_error(StatusCode::TOO_MANY_REQUESTS, Some("20"), b"slow down"),
            HostError::Failed(m) if m == "ai: the provider is unavailable (HTTP 429): slow down; \
                                       retry after 20 s"
        ));
        assert!(matches!(
            status_error(StatusCode::BAD_GATEWAY, None, b""),
            HostError::Failed(_)
        ));
        assert!(matches!(
            status_error(StatusCode::NOT_FOUND, None, b""),
            HostError::NotFound(_)
        ));
    }
}
