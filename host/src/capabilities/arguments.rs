//! Size checks on host-call arguments, run before the grant check and before
//! any other work, so an oversized argument costs the host nothing but the
//! comparison. Each refusal is `host-error::invalid` naming the argument and
//! both sizes.

use crate::runtime::bindings::atlas::workflow::types::HostError;

/// Longest id (contact, booking, class, campaign, stage, ...), in bytes.
pub const MAX_ID_BYTES: usize = 256;
/// Longest short text field (a name, status, title, currency, reason), in bytes.
pub const MAX_TEXT_BYTES: usize = 4 << 10;
/// Longest secret name, in bytes.
pub const MAX_SECRET_NAME_BYTES: usize = 128;
/// Longest URL, in bytes.
pub const MAX_URL_BYTES: usize = 8 << 10;
/// Headers on one request.
pub const MAX_HEADERS: usize = 64;
/// Longest header name plus value, in bytes.
pub const MAX_HEADER_BYTES: usize = 8 << 10;

/// Refuses `value` when it is longer than `max` bytes.
pub fn check_bytes(argument: &str, value: &str, max: usize) -> Result<(), HostError> {
    if value.len() > max {
        return Err(HostError::Invalid(format!(
            "`{argument}` is {} bytes; at most {max} are accepted",
            value.len()
        )));
    }
    Ok(())
}

/// [`check_bytes`] for an optional argument.
pub fn check_optional(argument: &str, value: Option<&str>, max: usize) -> Result<(), HostError> {
    value.map_or(Ok(()), |v| check_bytes(argument, v, max))
}

/// [`check_bytes`] with [`MAX_ID_BYTES`].
pub fn check_id(argument: &str, value: &str) -> Result<(), HostError> {
    check_bytes(argument, value, MAX_ID_BYTES)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_argument_and_both_sizes() {
        let long = "x".repeat(MAX_ID_BYTES + 1);
        let Err(HostError::Invalid(message)) = check_id("contact-id", &long) else {
            panic!("an oversized id must be refused");
        };
        assert_eq!(
            message,
            "`contact-id` is 257 bytes; at most 256 are accepted"
        );
        assert!(check_id("contact-id", "c1").is_ok());
        assert!(check_optional("reason", None, 1).is_ok());
        assert!(check_optional("reason", Some("ab"), 1).is_err());
    }
}
