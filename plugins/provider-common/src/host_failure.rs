//! Failed host calls, turned into action errors that say what failed.

use atlas_sdk::{ActionError, HostError};

/// The error for a secret that could not be read.
pub fn secret_failure(name: &str, error: HostError) -> ActionError {
    match error {
        HostError::Denied(message) => {
            ActionError::fatal(format!("secret `{name}` is not granted: {message}"))
        }
        HostError::NotFound(_) => ActionError::fatal(format!("secret `{name}` is not set")),
        HostError::Invalid(message) => {
            ActionError::invalid_input(format!("secret `{name}`: {message}"))
        }
        other => ActionError::from(other),
    }
}

/// The error for a request to `url` that the host could not complete.
pub fn request_failure(url: &str, error: HostError) -> ActionError {
    let host = host_of(url);
    match error {
        HostError::Denied(message) => {
            ActionError::fatal(format!("HTTP to `{host}` denied: {message}"))
        }
        HostError::Invalid(message) => {
            ActionError::invalid_input(format!("request rejected: {message}"))
        }
        HostError::Timeout(message) => {
            ActionError::retryable(format!("request to `{host}` timed out: {message}"))
        }
        HostError::Failed(message) => {
            ActionError::retryable(format!("request to `{host}` failed: {message}"))
        }
        other => ActionError::from(other),
    }
}

/// The `host[:port]` part of an absolute URL, or the whole text when there is none.
fn host_of(url: &str) -> &str {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = after_scheme
        .split(['/', '?', '#'])
        .next()
        .unwrap_or(after_scheme);
    authority
        .rsplit_once('@')
        .map_or(authority, |(_, host)| host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn denied_requests_name_the_host() {
        let error = request_failure(
            "https://user:pw@hooks.example.com:8443/path?q=1",
            HostError::Denied("not granted".into()),
        );
        assert_eq!(
            error,
            ActionError::fatal("HTTP to `hooks.example.com:8443` denied: not granted")
        );
    }

    #[test]
    fn request_failures_map_by_kind() {
        let url = "https://hooks.example.com";
        assert!(matches!(
            request_failure(url, HostError::Invalid("bad url".into())),
            ActionError::InvalidInput(_)
        ));
        assert_eq!(
            request_failure(url, HostError::Timeout("after 10 s".into())),
            ActionError::retryable("request to `hooks.example.com` timed out: after 10 s")
        );
        assert!(matches!(
            request_failure(url, HostError::Failed("reset".into())),
            ActionError::Retryable { .. }
        ));
        assert!(matches!(
            request_failure(url, HostError::Limit("too large".into())),
            ActionError::Fatal(_)
        ));
    }

    #[test]
    fn secret_failures_name_the_secret() {
        assert_eq!(
            secret_failure("token", HostError::Denied("no".into())),
            ActionError::fatal("secret `token` is not granted: no")
        );
        assert_eq!(
            secret_failure("token", HostError::NotFound("token".into())),
            ActionError::fatal("secret `token` is not set")
        );
        assert!(matches!(
            secret_failure("token", HostError::Failed("vault down".into())),
            ActionError::Retryable { .. }
        ));
    }
}
