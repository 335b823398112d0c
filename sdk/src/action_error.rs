//! Why a run failed, and whether the engine retries it.

use std::fmt;

use crate::HostError;
use crate::bindings::atlas::workflow::types as wit;

/// Why an action failed; decides whether the engine retries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ActionError {
    /// The input cannot work; never retried.
    InvalidInput(String),
    /// A passing failure: retried with backoff.
    Retryable {
        /// What went wrong.
        message: String,
        /// Wait at least this long before the next attempt (a provider's Retry-After).
        retry_after_ms: Option<u64>,
    },
    /// A permanent failure: not retried.
    Fatal(String),
}

impl ActionError {
    /// The input cannot work; the engine does not retry.
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::InvalidInput(message.into())
    }

    /// A passing failure; the engine retries with backoff.
    pub fn retryable(message: impl Into<String>) -> Self {
        Self::Retryable {
            message: message.into(),
            retry_after_ms: None,
        }
    }

    /// A passing failure; the engine waits at least `retry_after_ms` before retrying.
    pub fn retryable_after(message: impl Into<String>, retry_after_ms: u64) -> Self {
        Self::Retryable {
            message: message.into(),
            retry_after_ms: Some(retry_after_ms),
        }
    }

    /// A permanent failure; the engine does not retry.
    pub fn fatal(message: impl Into<String>) -> Self {
        Self::Fatal(message.into())
    }

    /// The human-readable message, whatever the kind.
    pub fn message(&self) -> &str {
        match self {
            Self::InvalidInput(message) | Self::Fatal(message) => message,
            Self::Retryable { message, .. } => message,
        }
    }
}

impl fmt::Display for ActionError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidInput(message) => write!(f, "invalid input: {message}"),
            Self::Retryable {
                message,
                retry_after_ms: Some(ms),
            } => write!(f, "retryable (after {ms} ms): {message}"),
            Self::Retryable { message, .. } => write!(f, "retryable: {message}"),
            Self::Fatal(message) => write!(f, "fatal: {message}"),
        }
    }
}

impl std::error::Error for ActionError {}

/// Denied, invalid, missing, unavailable and over-limit calls are permanent;
/// timeouts and failures are retried.
impl From<HostError> for ActionError {
    fn from(error: HostError) -> Self {
        let message = error.to_string();
        match error {
            HostError::Timeout(_) | HostError::Failed(_) => Self::retryable(message),
            HostError::Denied(_)
            | HostError::Unavailable(_)
            | HostError::Invalid(_)
            | HostError::NotFound(_)
            | HostError::Limit(_) => Self::fatal(message),
        }
    }
}

impl From<ActionError> for wit::ActionError {
    fn from(error: ActionError) -> Self {
        match error {
            ActionError::InvalidInput(message) => Self::InvalidInput(message),
            ActionError::Retryable {
                message,
                retry_after_ms,
            } => Self::Retryable(wit::RetryableError {
                message,
                retry_after_ms,
            }),
            ActionError::Fatal(message) => Self::Fatal(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_errors_map_to_retryable_or_fatal() {
        let cases = [
            (HostError::Denied("http to x".into()), false),
            (HostError::Unavailable("ai".into()), false),
            (HostError::Invalid("bad url".into()), false),
            (HostError::NotFound("contact c1".into()), false),
            (HostError::Limit("response too large".into()), false),
            (HostError::Timeout("after 5 s".into()), true),
            (HostError::Failed("connection reset".into()), true),
        ];
        for (host_error, retryable) in cases {
            let expected = host_error.to_string();
            let error = ActionError::from(host_error);
            assert_eq!(error.message(), expected);
            assert_eq!(
                matches!(error, ActionError::Retryable { .. }),
                retryable,
                "{error}"
            );
            if !retryable {
                assert!(matches!(error, ActionError::Fatal(_)), "{error}");
            }
        }
    }

    #[test]
    fn constructors_convert_to_wit() {
        let error = wit::ActionError::from(ActionError::retryable_after("busy", 1500));
        let wit::ActionError::Retryable(retryable) = error else {
            panic!("expected a retryable error");
        };
        assert_eq!(retryable.message, "busy");
        assert_eq!(retryable.retry_after_ms, Some(1500));

        assert!(matches!(
            wit::ActionError::from(ActionError::invalid_input("no url")),
            wit::ActionError::InvalidInput(message) if message == "no url"
        ));
        assert!(matches!(
            wit::ActionError::from(ActionError::fatal("gone")),
            wit::ActionError::Fatal(message) if message == "gone"
        ));
        assert!(matches!(
            wit::ActionError::from(ActionError::retryable("later")),
            wit::ActionError::Retryable(wit::RetryableError {
                retry_after_ms: None,
                ..
            })
        ));
    }
}
