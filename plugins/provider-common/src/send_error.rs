//! Why a message was not sent, as typed errors with stable codes.
//!
//! Each error becomes an [`ActionError`] whose message starts with its code
//! (`no_consent: ...`), so the run log, analytics and a person reading the
//! step all see the same word for the same failure.

use std::fmt;

use atlas_sdk::http::Response;
use atlas_sdk::{ActionError, HostError};

use crate::status::{is_transient, requested_wait_ms};

/// Why a message was not sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SendError {
    /// The contact has not consented to messages on the channel. Fatal.
    NoConsent {
        /// The contact the run is about.
        contact_id: String,
        /// `email`, `sms` or `whatsapp`.
        channel: &'static str,
    },
    /// The CRM could not say whether the contact consented. Retryable when
    /// the CRM is unavailable, timed out or failed; fatal otherwise.
    ConsentUnchecked {
        /// The contact the run is about.
        contact_id: String,
        /// `email`, `sms` or `whatsapp`.
        channel: &'static str,
        /// What the CRM answered.
        cause: HostError,
    },
    /// The provider refused the request (a 4xx other than 408, 425, 429). Fatal.
    Rejected {
        /// Display name of the provider.
        provider: &'static str,
        /// HTTP status.
        status: u16,
        /// The provider's own explanation.
        message: String,
    },
    /// The provider asked to slow down or failed on its side (408, 425,
    /// 429, 5xx). Retryable, after the provider's `Retry-After` when given.
    Unavailable {
        /// Display name of the provider.
        provider: &'static str,
        /// HTTP status.
        status: u16,
        /// The provider's own explanation.
        message: String,
        /// The provider's `Retry-After`, in milliseconds.
        retry_after_ms: Option<u64>,
    },
    /// The provider accepted the request but its reply lacks what it
    /// documents. Fatal: sending again could deliver the message twice.
    UnexpectedReply {
        /// Display name of the provider.
        provider: &'static str,
        /// What was missing or malformed.
        detail: String,
    },
}

impl SendError {
    /// The error for a provider's non-2xx `response`, with `message` taken
    /// from its error document.
    pub fn from_response(
        provider: &'static str,
        response: &Response,
        now_unix_ms: u64,
        message: String,
    ) -> Self {
        let status = response.status;
        if is_transient(status) {
            Self::Unavailable {
                provider,
                status,
                message,
                retry_after_ms: requested_wait_ms(response, now_unix_ms),
            }
        } else {
            Self::Rejected {
                provider,
                status,
                message,
            }
        }
    }

    /// `Ok` for a 2xx `response`; otherwise the error
    /// [`from_response`](Self::from_response) gives, with the message that
    /// `message` reads from the provider's error document.
    pub fn check(
        provider: &'static str,
        response: &Response,
        now_unix_ms: u64,
        message: impl FnOnce(&Response) -> String,
    ) -> Result<(), Self> {
        if response.is_success() {
            return Ok(());
        }
        Err(Self::from_response(
            provider,
            response,
            now_unix_ms,
            message(response),
        ))
    }

    /// The stable code: `no_consent`, `consent_unchecked`,
    /// `provider_rejected`, `provider_unavailable` or `unexpected_reply`.
    pub fn code(&self) -> &'static str {
        match self {
            Self::NoConsent { .. } => "no_consent",
            Self::ConsentUnchecked { .. } => "consent_unchecked",
            Self::Rejected { .. } => "provider_rejected",
            Self::Unavailable { .. } => "provider_unavailable",
            Self::UnexpectedReply { .. } => "unexpected_reply",
        }
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: ", self.code())?;
        match self {
            Self::NoConsent {
                contact_id,
                channel,
            } => write!(
                f,
                "contact {contact_id} has not consented to {channel} messages; nothing was sent"
            ),
            Self::ConsentUnchecked {
                contact_id,
                channel,
                cause,
            } => write!(
                f,
                "could not check contact {contact_id}'s consent to {channel} messages ({cause}); \
                 nothing was sent"
            ),
            Self::Rejected {
                provider,
                status,
                message,
            } => write!(
                f,
                "{provider} refused the message (HTTP {status}): {message}"
            ),
            Self::Unavailable {
                provider,
                status,
                message,
                ..
            } => write!(f, "{provider} is unavailable (HTTP {status}): {message}"),
            Self::UnexpectedReply { provider, detail } => {
                write!(f, "{provider} accepted the request but {detail}")
            }
        }
    }
}

impl From<SendError> for ActionError {
    fn from(error: SendError) -> Self {
        let message = error.to_string();
        match error {
            SendError::Unavailable { retry_after_ms, .. } => match retry_after_ms {
                Some(ms) => ActionError::retryable_after(message, ms),
                None => ActionError::retryable(message),
            },
            SendError::ConsentUnchecked {
                cause: HostError::Unavailable(_) | HostError::Timeout(_) | HostError::Failed(_),
                ..
            } => ActionError::retryable(message),
            SendError::NoConsent { .. }
            | SendError::ConsentUnchecked { .. }
            | SendError::Rejected { .. }
            | SendError::UnexpectedReply { .. } => ActionError::fatal(message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::response;

    #[test]
    fn client_errors_are_rejections() {
        for status in [400, 401, 403, 404, 422] {
            let error =
                SendError::from_response("Acme", &response(status, &[], ""), 0, "bad to".into());
            assert_eq!(error.code(), "provider_rejected");
            assert_eq!(
                ActionError::from(error),
                ActionError::fatal(format!(
                    "provider_rejected: Acme refused the message (HTTP {status}): bad to"
                ))
            );
        }
    }

    #[test]
    fn transient_statuses_are_retryable_after_retry_after() {
        let error = SendError::from_response(
            "Acme",
            &response(429, &[("Retry-After", "30")], ""),
            0,
            "slow down".into(),
        );
        assert_eq!(
            ActionError::from(error),
            ActionError::retryable_after(
                "provider_unavailable: Acme is unavailable (HTTP 429): slow down",
                30_000
            )
        );
        for status in [408, 425, 500, 503] {
            let error = SendError::from_response("Acme", &response(status, &[], ""), 0, "x".into());
            assert!(matches!(
                ActionError::from(error),
                ActionError::Retryable {
                    retry_after_ms: None,
                    ..
                }
            ));
        }
    }

    #[test]
    fn consent_errors_retry_only_passing_crm_failures() {
        let no = SendError::NoConsent {
            contact_id: "c_1".into(),
            channel: "sms",
        };
        assert_eq!(
            ActionError::from(no),
            ActionError::fatal(
                "no_consent: contact c_1 has not consented to sms messages; nothing was sent"
            )
        );
        let unchecked = |cause| SendError::ConsentUnchecked {
            contact_id: "c_1".into(),
            channel: "email",
            cause,
        };
        assert!(matches!(
            ActionError::from(unchecked(HostError::Unavailable("crm".into()))),
            ActionError::Retryable { .. }
        ));
        assert!(matches!(
            ActionError::from(unchecked(HostError::Timeout("slow".into()))),
            ActionError::Retryable { .. }
        ));
        let denied = ActionError::from(unchecked(HostError::Denied("crm not granted".into())));
        assert_eq!(
            denied,
            ActionError::fatal(
                "consent_unchecked: could not check contact c_1's consent to email messages \
                 (denied: crm not granted); nothing was sent"
            )
        );
        assert!(matches!(
            ActionError::from(unchecked(HostError::NotFound("c_1".into()))),
            ActionError::Fatal(_)
        ));
    }
}
