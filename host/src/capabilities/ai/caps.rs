//! What one AI call may ask for and bring back, checked before the budget or
//! the provider is consulted: the prompt's size, the number of messages, the
//! tokens to generate (always sent, so the provider never decides alone), and
//! the size of the provider's reply.

use crate::runtime::bindings::atlas::workflow::ai::ChatMessage;
use crate::runtime::bindings::atlas::workflow::types::HostError;

/// Messages in one call.
pub const MAX_MESSAGES: usize = 64;
/// Bytes of message text in one call.
pub const MAX_PROMPT_BYTES: usize = 64 << 10;
/// Most tokens one call may ask the model to generate.
pub const MAX_COMPLETION_TOKENS: u32 = 4_096;
/// Tokens asked for when the action names no limit.
pub const DEFAULT_COMPLETION_TOKENS: u32 = 1_024;
/// Largest provider reply body read, in bytes.
pub const MAX_REPLY_BYTES: usize = 1 << 20;

/// Refuses a prompt over the caps; returns its size in bytes.
pub fn check_prompt(messages: &[ChatMessage]) -> Result<usize, HostError> {
    if messages.len() > MAX_MESSAGES {
        return Err(HostError::Invalid(format!(
            "ai: a call may carry at most {MAX_MESSAGES} messages, got {}",
            messages.len()
        )));
    }
    let bytes: usize = messages.iter().map(|m| m.content.len()).sum();
    if bytes > MAX_PROMPT_BYTES {
        return Err(HostError::Invalid(format!(
            "ai: the prompt is {bytes} bytes; at most {MAX_PROMPT_BYTES} are accepted"
        )));
    }
    Ok(bytes)
}

/// The tokens to ask for: the action's limit, capped, or the default.
pub fn completion_tokens(asked: Option<u32>) -> Result<u32, HostError> {
    match asked {
        None => Ok(DEFAULT_COMPLETION_TOKENS),
        Some(n) if n > MAX_COMPLETION_TOKENS => Err(HostError::Invalid(format!(
            "ai: max-tokens is at most {MAX_COMPLETION_TOKENS}, got {n}"
        ))),
        Some(n) => Ok(n),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::runtime::bindings::atlas::workflow::ai::Role;

    fn message(bytes: usize) -> ChatMessage {
        ChatMessage {
            role: Role::User,
            content: "x".repeat(bytes),
        }
    }

    #[test]
    fn prompts_and_token_asks_over_the_caps_are_refused() {
        assert_eq!(check_prompt(&[message(10)]).unwrap(), 10);
        assert!(check_prompt(&[message(MAX_PROMPT_BYTES + 1)]).is_err());
        assert!(check_prompt(&vec![message(1); MAX_MESSAGES + 1]).is_err());
        assert_eq!(completion_tokens(None).unwrap(), DEFAULT_COMPLETION_TOKENS);
        assert_eq!(completion_tokens(Some(64)).unwrap(), 64);
        assert!(completion_tokens(Some(MAX_COMPLETION_TOKENS + 1)).is_err());
    }
}
