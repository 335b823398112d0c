//! Failed action attempts sorted into the categories the builder shows,
//! from the runtime's error kind (`RunError::kind`) and the message, whose
//! provider codes (`provider_rejected: ...`) and `HTTP <status>` the built-in
//! actions always include.

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

/// Why an action attempt failed, as the builder groups it.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize, ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCategory {
    /// The provider refused the request (a 4xx other than 408, 425, 429).
    ProviderRejected,
    /// The provider failed or did not answer (5xx, 408, 425, timeouts, connection errors).
    ProviderUnavailable,
    /// The provider asked to slow down (429).
    RateLimited,
    /// The run hit a sandbox limit: wall clock, fuel, memory, input or output size.
    SandboxLimit,
    /// A capability or address was denied, or the contact has not consented.
    PermissionDenied,
    /// The input was not acceptable (template, schema or the action's own check).
    InvalidInput,
    /// Anything else: a crash, an invalid output, a missing plugin.
    Other,
}

impl ErrorCategory {
    /// Every category, in display order.
    pub const ALL: [ErrorCategory; 7] = [
        Self::ProviderRejected,
        Self::ProviderUnavailable,
        Self::RateLimited,
        Self::SandboxLimit,
        Self::PermissionDenied,
        Self::InvalidInput,
        Self::Other,
    ];

    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::ProviderRejected => "provider_rejected",
            Self::ProviderUnavailable => "provider_unavailable",
            Self::RateLimited => "rate_limited",
            Self::SandboxLimit => "sandbox_limit",
            Self::PermissionDenied => "permission_denied",
            Self::InvalidInput => "invalid_input",
            Self::Other => "other",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|c| c.as_str() == name)
    }

    /// The category of a failed attempt with runtime error `kind` and `message`.
    pub fn classify(kind: &str, message: &str) -> Self {
        match kind {
            "timeout" | "fuel_exhausted" | "memory_limit" | "output_too_large"
            | "input_too_large" => return Self::SandboxLimit,
            "invalid_input" => return Self::InvalidInput,
            _ => {}
        }
        let text = message.to_ascii_lowercase();
        let status = http_status(&text);
        // A provider's own 401/403 is its answer; "denied" without a status
        // is the host's capability or address check.
        if text.contains("no_consent")
            || (status.is_none() && (text.contains("denied") || text.contains("not granted")))
        {
            return Self::PermissionDenied;
        }
        if status == Some(429) || text.contains("rate limit") || text.contains("too many requests")
        {
            return Self::RateLimited;
        }
        if text.contains("provider_unavailable")
            || matches!(status, Some(408 | 425 | 500..=599))
            || text.contains("timed out")
            || (kind == "retryable" && status.is_none())
        {
            return Self::ProviderUnavailable;
        }
        if text.contains("provider_rejected") || matches!(status, Some(400..=499)) {
            return Self::ProviderRejected;
        }
        Self::Other
    }
}

/// The first `http <status>` in a lower-cased message.
fn http_status(text: &str) -> Option<u16> {
    text.match_indices("http ").find_map(|(at, _)| {
        let digits: String = text[at + 5..].chars().take(3).collect();
        (digits.len() == 3 && digits.chars().all(|c| c.is_ascii_digit()))
            .then(|| digits.parse().ok())
            .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::ErrorCategory::*;
    use super::*;

    #[test]
    fn messages_of_the_built_in_actions_are_categorised() {
        let cases = [
            ("fatal", "failed: HTTP 404: no such hook", ProviderRejected),
            ("fatal", "failed: HTTP 403: access denied", ProviderRejected),
            (
                "fatal",
                "failed: provider_rejected: Twilio refused the message (HTTP 400): bad to",
                ProviderRejected,
            ),
            (
                "retryable",
                "retryable failure: HTTP 503: down",
                ProviderUnavailable,
            ),
            (
                "retryable",
                "retryable failure: provider_unavailable: SendGrid is unavailable (HTTP 502): x",
                ProviderUnavailable,
            ),
            (
                "retryable",
                "retryable failure: request to `a.example` timed out: 10s",
                ProviderUnavailable,
            ),
            (
                "retryable",
                "retryable failure: request to `a.example` failed: reset",
                ProviderUnavailable,
            ),
            (
                "retryable",
                "retryable failure: HTTP 429: slow down",
                RateLimited,
            ),
            (
                "retryable",
                "retryable failure: provider_unavailable: Twilio is unavailable (HTTP 429): Too Many Requests",
                RateLimited,
            ),
            ("timeout", "timed out after 5000 ms", SandboxLimit),
            (
                "memory_limit",
                "exceeded its memory limit of 1 bytes",
                SandboxLimit,
            ),
            ("output_too_large", "output is 9 bytes", SandboxLimit),
            ("fuel_exhausted", "ran out of fuel", SandboxLimit),
            (
                "fatal",
                "failed: HTTP to `169.254.169.254` denied: metadata address",
                PermissionDenied,
            ),
            (
                "fatal",
                "failed: no_consent: contact c1 has not consented to sms messages",
                PermissionDenied,
            ),
            (
                "fatal",
                "failed: secret `api_key` is not granted: no",
                PermissionDenied,
            ),
            (
                "invalid_input",
                "invalid input: url must be absolute",
                InvalidInput,
            ),
            ("trap", "the action crashed: unreachable", Other),
            ("unavailable", "plugin x@1 is not installed", Other),
            ("invalid_output", "invalid output: not JSON", Other),
        ];
        for (kind, message, expected) in cases {
            assert_eq!(
                ErrorCategory::classify(kind, message),
                expected,
                "{kind}: {message}"
            );
        }
    }

    #[test]
    fn names_round_trip() {
        for category in ErrorCategory::ALL {
            assert_eq!(ErrorCategory::parse(category.as_str()), Some(category));
        }
        assert_eq!(ErrorCategory::parse("nope"), None);
    }
}
