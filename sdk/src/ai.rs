//! Language models through the org's configured OpenAI-compatible provider.
//!
//! Needs [`crate::Capability::Ai`].

use crate::HostError;
use crate::bindings::atlas::workflow::ai;

pub use ai::{
    ChatMessage, Classification, ClassificationRequest, Completion, CompletionRequest, Role,
};

/// Runs a chat completion.
pub fn complete(request: &CompletionRequest) -> Result<Completion, HostError> {
    ai::complete(request).map_err(HostError::from)
}

/// Completes a single user `prompt` with the org's default model.
pub fn complete_prompt(prompt: &str) -> Result<Completion, HostError> {
    complete(&CompletionRequest {
        messages: vec![ChatMessage {
            role: Role::User,
            content: prompt.to_owned(),
        }],
        model: None,
        temperature: None,
        max_tokens: None,
    })
}

/// Picks one of the request's labels for its text.
pub fn classify(request: &ClassificationRequest) -> Result<Classification, HostError> {
    ai::classify(request).map_err(HostError::from)
}
