//! Failed CRM host calls, turned into action errors that say what failed.
//!
//! The host names the object in its own messages (`contact `c_9` does not
//! exist`, `class `k_1` is full`), and answers `not-found` alike for an
//! unknown id and another org's id, so nothing here can tell them apart
//! either: both read as "does not exist".

use atlas_sdk::{ActionError, HostError};

/// The CRM access a call needs, as the grant an org admin gives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Reading contacts (`crm-read`).
    Read,
    /// Changing the CRM (`crm-write`).
    Write,
}

impl Access {
    /// The grant's name: `crm-read` or `crm-write`.
    pub fn grant(self) -> &'static str {
        match self {
            Self::Read => "crm-read",
            Self::Write => "crm-write",
        }
    }
}

/// The action error for a CRM call that needed `access` and failed with `error`.
///
/// - denied: fatal, `crm-write is not granted to this action (...)`;
/// - not found: fatal, with the host's message, which names the object;
/// - invalid: invalid input (never retried), with the host's message;
/// - limit (such as a full class): fatal, with the host's message;
/// - unavailable: fatal, this host has no CRM;
/// - timeout and failed: retryable.
pub fn crm_failure(access: Access, error: HostError) -> ActionError {
    match error {
        HostError::Denied(message) => ActionError::fatal(format!(
            "{} is not granted to this action ({message})",
            access.grant()
        )),
        HostError::NotFound(message) | HostError::Limit(message) => ActionError::fatal(message),
        HostError::Invalid(message) => ActionError::invalid_input(message),
        HostError::Unavailable(message) => {
            ActionError::fatal(format!("the CRM is not available on this host: {message}"))
        }
        HostError::Timeout(message) => {
            ActionError::retryable(format!("the CRM did not answer in time: {message}"))
        }
        HostError::Failed(message) => ActionError::retryable(format!("the CRM failed: {message}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_denial_names_the_missing_grant() {
        let error = crm_failure(
            Access::Write,
            HostError::Denied("crm `add-tag` denied: not granted".into()),
        );
        assert_eq!(
            error,
            ActionError::fatal(
                "crm-write is not granted to this action (crm `add-tag` denied: not granted)"
            )
        );
        assert!(
            crm_failure(Access::Read, HostError::Denied("x".into()))
                .message()
                .starts_with("crm-read is not granted")
        );
    }

    #[test]
    fn missing_objects_keep_the_hosts_words() {
        assert_eq!(
            crm_failure(
                Access::Write,
                HostError::NotFound("contact `c_9` does not exist".into())
            ),
            ActionError::fatal("contact `c_9` does not exist")
        );
        assert_eq!(
            crm_failure(
                Access::Write,
                HostError::Limit("class `k_1` is full".into())
            ),
            ActionError::fatal("class `k_1` is full")
        );
    }

    #[test]
    fn rejected_arguments_are_invalid_input() {
        assert_eq!(
            crm_failure(Access::Write, HostError::Invalid("the tag is empty".into())),
            ActionError::invalid_input("the tag is empty")
        );
    }

    #[test]
    fn passing_failures_are_retried() {
        assert!(matches!(
            crm_failure(Access::Read, HostError::Timeout("after 5 s".into())),
            ActionError::Retryable { .. }
        ));
        assert_eq!(
            crm_failure(
                Access::Write,
                HostError::Failed("the CRM is unavailable".into())
            ),
            ActionError::retryable("the CRM failed: the CRM is unavailable")
        );
        assert!(matches!(
            crm_failure(Access::Write, HostError::Unavailable("crm".into())),
            ActionError::Fatal(_)
        ));
    }
}
