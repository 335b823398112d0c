//! Which HTTP statuses succeed, which are retried and which are final.

use atlas_sdk::ActionError;
use atlas_sdk::http::Response;

use crate::retry_after::retry_after_ms;

/// How many characters of the response body an error message quotes.
const QUOTED_BODY_CHARS: usize = 500;

/// Succeeds for 2xx and 3xx; any other status fails as [`failure`] says,
/// with the message `HTTP <status>: <start of the body>`.
pub fn check_status(response: &Response, now_unix_ms: u64) -> Result<(), ActionError> {
    let status = response.status;
    if (200..400).contains(&status) {
        return Ok(());
    }
    let message = format!("HTTP {status}: {}", quoted_body(response));
    Err(failure(response, now_unix_ms, message))
}

/// True for the statuses that say "try again later": 408, 425, 429 and 5xx.
pub fn is_transient(status: u16) -> bool {
    matches!(status, 408 | 425 | 429 | 500..=599)
}

/// The wait a response asks for in its `Retry-After` header, in milliseconds.
pub fn requested_wait_ms(response: &Response, now_unix_ms: u64) -> Option<u64> {
    response
        .header("retry-after")
        .and_then(|value| retry_after_ms(value, now_unix_ms))
}

/// The error for a failed `response`: retryable (honouring `Retry-After`) when
/// the status [is transient](is_transient), fatal otherwise.
pub fn failure(response: &Response, now_unix_ms: u64, message: String) -> ActionError {
    if !is_transient(response.status) {
        return ActionError::fatal(message);
    }
    match requested_wait_ms(response, now_unix_ms) {
        Some(ms) => ActionError::retryable_after(message, ms),
        None => ActionError::retryable(message),
    }
}

/// The start of the response body as text, for error messages.
pub fn quoted_body(response: &Response) -> String {
    response.text().chars().take(QUOTED_BODY_CHARS).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::response;

    #[test]
    fn success_and_redirect_statuses_pass() {
        for status in [200, 201, 204, 301, 304, 399] {
            assert_eq!(check_status(&response(status, &[], ""), 0), Ok(()));
        }
    }

    #[test]
    fn transient_statuses_are_retryable_with_retry_after() {
        let error = check_status(&response(429, &[("Retry-After", "7")], "slow down"), 0);
        assert_eq!(
            error,
            Err(ActionError::retryable_after("HTTP 429: slow down", 7000))
        );
        for status in [408, 425, 500, 502, 503, 599] {
            let error = check_status(&response(status, &[], "x"), 0).unwrap_err();
            assert_eq!(error, ActionError::retryable(format!("HTTP {status}: x")));
        }
        let dated = response(503, &[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")], "");
        assert_eq!(
            check_status(&dated, 784_111_777_000 - 2_000),
            Err(ActionError::retryable_after("HTTP 503: ", 2_000))
        );
    }

    #[test]
    fn other_client_errors_are_fatal_with_quoted_body() {
        let body = "é".repeat(600);
        let error = check_status(&response(404, &[], &body), 0).unwrap_err();
        let ActionError::Fatal(message) = error else {
            panic!("expected fatal, got {error:?}");
        };
        assert_eq!(message, format!("HTTP 404: {}", "é".repeat(500)));
        assert!(matches!(
            check_status(&response(400, &[], ""), 0),
            Err(ActionError::Fatal(_))
        ));
        assert!(matches!(
            check_status(&response(100, &[], ""), 0),
            Err(ActionError::Fatal(_))
        ));
    }
}
