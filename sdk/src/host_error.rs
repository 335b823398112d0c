//! Why a host call failed.

use std::fmt;

use crate::bindings::atlas::workflow::types as wit;

/// Why a host call (http, kv, secrets, crm, ai) failed.
///
/// Converts into [`crate::ActionError`] with `?`: timeouts and failures become
/// retryable, everything else fatal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum HostError {
    /// The plugin was not granted this (host, secret, capability).
    Denied(String),
    /// This host does not provide the capability.
    Unavailable(String),
    /// The arguments were rejected.
    Invalid(String),
    /// The addressed object does not exist.
    NotFound(String),
    /// A size, rate or budget limit was hit.
    Limit(String),
    /// The call took longer than allowed.
    Timeout(String),
    /// Anything else: network failure, provider error.
    Failed(String),
}

impl HostError {
    /// The WIT case name: `denied`, `unavailable`, `invalid`, `not-found`,
    /// `limit`, `timeout` or `failed`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Denied(_) => "denied",
            Self::Unavailable(_) => "unavailable",
            Self::Invalid(_) => "invalid",
            Self::NotFound(_) => "not-found",
            Self::Limit(_) => "limit",
            Self::Timeout(_) => "timeout",
            Self::Failed(_) => "failed",
        }
    }

    /// The host's explanation.
    pub fn message(&self) -> &str {
        match self {
            Self::Denied(message)
            | Self::Unavailable(message)
            | Self::Invalid(message)
            | Self::NotFound(message)
            | Self::Limit(message)
            | Self::Timeout(message)
            | Self::Failed(message) => message,
        }
    }
}

impl fmt::Display for HostError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind(), self.message())
    }
}

impl std::error::Error for HostError {}

impl From<wit::HostError> for HostError {
    fn from(error: wit::HostError) -> Self {
        match error {
            wit::HostError::Denied(message) => Self::Denied(message),
            wit::HostError::Unavailable(message) => Self::Unavailable(message),
            wit::HostError::Invalid(message) => Self::Invalid(message),
            wit::HostError::NotFound(message) => Self::NotFound(message),
            wit::HostError::Limit(message) => Self::Limit(message),
            wit::HostError::Timeout(message) => Self::Timeout(message),
            wit::HostError::Failed(message) => Self::Failed(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mirrors_every_wit_case() {
        let cases = [
            (wit::HostError::Denied("m".into()), "denied"),
            (wit::HostError::Unavailable("m".into()), "unavailable"),
            (wit::HostError::Invalid("m".into()), "invalid"),
            (wit::HostError::NotFound("m".into()), "not-found"),
            (wit::HostError::Limit("m".into()), "limit"),
            (wit::HostError::Timeout("m".into()), "timeout"),
            (wit::HostError::Failed("m".into()), "failed"),
        ];
        for (wit_error, kind) in cases {
            let error = HostError::from(wit_error);
            assert_eq!(error.kind(), kind);
            assert_eq!(error.message(), "m");
            assert_eq!(error.to_string(), format!("{kind}: m"));
        }
    }
}
