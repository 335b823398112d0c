//! The `Retry-After` response header.

use std::time::UNIX_EPOCH;

/// How long to wait, in milliseconds, according to a `Retry-After` value:
/// delay seconds, or an HTTP date compared with `now_unix_ms`.
///
/// A date in the past means no wait (0); an unparsable value means `None`.
pub fn retry_after_ms(value: &str, now_unix_ms: u64) -> Option<u64> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(seconds.saturating_mul(1000));
    }
    let date = httpdate::parse_http_date(value).ok()?;
    let date_unix_ms = date.duration_since(UNIX_EPOCH).ok()?.as_millis();
    let wait = date_unix_ms.saturating_sub(u128::from(now_unix_ms));
    Some(u64::try_from(wait).unwrap_or(u64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;

    // Sun, 06 Nov 1994 08:49:37 GMT
    const DATE_UNIX_MS: u64 = 784_111_777_000;

    #[test]
    fn delay_seconds() {
        assert_eq!(retry_after_ms("120", 0), Some(120_000));
        assert_eq!(retry_after_ms(" 0 ", 0), Some(0));
    }

    #[test]
    fn http_date_relative_to_now() {
        let date = "Sun, 06 Nov 1994 08:49:37 GMT";
        assert_eq!(retry_after_ms(date, DATE_UNIX_MS - 30_500), Some(30_500));
        assert_eq!(retry_after_ms(date, DATE_UNIX_MS + 1), Some(0));
    }

    #[test]
    fn garbage_is_ignored() {
        assert_eq!(retry_after_ms("soon", 0), None);
        assert_eq!(retry_after_ms("-5", 0), None);
    }
}
