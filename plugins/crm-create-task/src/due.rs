//! Due times: RFC 3339 timestamps and short relative durations.

const SECOND_MS: u64 = 1_000;
const MINUTE_MS: u64 = 60 * SECOND_MS;
const HOUR_MS: u64 = 60 * MINUTE_MS;
const DAY_MS: u64 = 24 * HOUR_MS;
const WEEK_MS: u64 = 7 * DAY_MS;

/// Milliseconds in a duration made of `<number><unit>` parts, units `s`,
/// `m`, `h`, `d` and `w`: `30m`, `4h`, `2d`, `1d12h`. `None` for anything
/// else, for zero and on overflow.
pub fn parse_duration_ms(text: &str) -> Option<u64> {
    let mut total: u64 = 0;
    let mut number: Option<u64> = None;
    for c in text.chars() {
        if let Some(digit) = c.to_digit(10) {
            number = Some(
                number
                    .unwrap_or(0)
                    .checked_mul(10)?
                    .checked_add(digit.into())?,
            );
            continue;
        }
        let unit = match c.to_ascii_lowercase() {
            's' => SECOND_MS,
            'm' => MINUTE_MS,
            'h' => HOUR_MS,
            'd' => DAY_MS,
            'w' => WEEK_MS,
            _ => return None,
        };
        total = total.checked_add(number.take()?.checked_mul(unit)?)?;
    }
    (number.is_none() && total > 0).then_some(total)
}

/// Milliseconds since the Unix epoch of an RFC 3339 time such as
/// `2025-06-02T09:00:00Z` or `2025-06-02T09:00:00.250+01:00` (a space or
/// lowercase `t`/`z` also accepted); `None` when it is not one or is before
/// the epoch.
pub fn parse_rfc3339_ms(text: &str) -> Option<u64> {
    let bytes = text.as_bytes();
    if bytes.len() < 20 || !text.is_ascii() {
        return None;
    }
    let year = digits(&text[0..4])?;
    let month = digits(&text[5..7])?;
    let day = digits(&text[8..10])?;
    let hour = digits(&text[11..13])?;
    let minute = digits(&text[14..16])?;
    let second = digits(&text[17..19])?;
    if bytes[4] != b'-'
        || bytes[7] != b'-'
        || !matches!(bytes[10], b'T' | b't' | b' ')
        || bytes[13] != b':'
        || bytes[16] != b':'
    {
        return None;
    }
    if !(1..=12).contains(&month)
        || day < 1
        || day > days_in_month(year, month)
        || hour > 23
        || minute > 59
        || second > 60
    {
        return None;
    }
    let mut rest = &text[19..];
    let mut millis = 0;
    if let Some(fraction) = rest.strip_prefix('.') {
        let len = fraction.bytes().take_while(u8::is_ascii_digit).count();
        if len == 0 {
            return None;
        }
        let first_three = format!("{:0<3}", &fraction[..len.min(3)]);
        millis = digits(&first_three)?;
        rest = &fraction[len..];
    }
    let offset_minutes: i64 = match rest {
        "Z" | "z" => 0,
        _ => {
            let rb = rest.as_bytes();
            if rb.len() != 6 || rb[3] != b':' {
                return None;
            }
            let sign = match rb[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (oh, om) = (digits(&rest[1..3])?, digits(&rest[4..6])?);
            if oh > 23 || om > 59 {
                return None;
            }
            sign * (oh as i64 * 60 + om as i64)
        }
    };
    let days = days_from_civil(year as i64, month, day);
    let seconds = days * 86_400 + hour as i64 * 3_600 + minute as i64 * 60 + second.min(59) as i64
        - offset_minutes * 60;
    let ms = seconds.checked_mul(1_000)?.checked_add(millis as i64)?;
    u64::try_from(ms).ok()
}

/// The number of a run of ASCII digits.
fn digits(text: &str) -> Option<u32> {
    if text.is_empty() || !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    text.parse().ok()
}

fn is_leap(year: u32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: u32, month: u32) -> u32 {
    match month {
        2 if is_leap(year) => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days from 1970-01-01 to the date (Howard Hinnant's `days_from_civil`).
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year - era * 400;
    let month = i64::from(month);
    let day_of_year =
        (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration_ms("30m"), Some(30 * MINUTE_MS));
        assert_eq!(parse_duration_ms("4h"), Some(4 * HOUR_MS));
        assert_eq!(parse_duration_ms("2d"), Some(2 * DAY_MS));
        assert_eq!(parse_duration_ms("1w"), Some(WEEK_MS));
        assert_eq!(parse_duration_ms("1d12h"), Some(DAY_MS + 12 * HOUR_MS));
        assert_eq!(parse_duration_ms("90s"), Some(90 * SECOND_MS));
        assert_eq!(parse_duration_ms("2D"), Some(2 * DAY_MS));
    }

    #[test]
    fn bad_durations() {
        for text in [
            "",
            "2",
            "d",
            "0d",
            "2 d",
            "-2d",
            "2y",
            "1.5h",
            "h2",
            "99999999999999999999w",
        ] {
            assert_eq!(parse_duration_ms(text), None, "{text}");
        }
    }

    #[test]
    fn rfc3339_times() {
        assert_eq!(parse_rfc3339_ms("1970-01-01T00:00:00Z"), Some(0));
        // 2025-11-24T16:00:00Z, checked with `date -u -d @1764000000`.
        assert_eq!(
            parse_rfc3339_ms("2025-11-24T16:00:00Z"),
            Some(1_764_000_000_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-11-24T17:00:00+01:00"),
            Some(1_764_000_000_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-11-24T11:30:00-04:30"),
            Some(1_764_000_000_000)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-11-24T16:00:00.25Z"),
            Some(1_764_000_000_250)
        );
        assert_eq!(
            parse_rfc3339_ms("2025-11-24 16:00:00.123456z"),
            Some(1_764_000_000_123)
        );
        assert_eq!(
            parse_rfc3339_ms("2024-02-29T00:00:00Z"),
            Some(1_709_164_800_000)
        );
    }

    #[test]
    fn bad_rfc3339_times() {
        for text in [
            "2025-11-24",
            "2025-11-24T16:00:00",
            "2025-13-01T00:00:00Z",
            "2025-02-29T00:00:00Z",
            "2025-11-24T24:00:00Z",
            "2025-11-24T16:00:00+1:00",
            "2025-11-24T16:00:00.Z",
            "1969-12-31T23:59:59Z",
            "2025/11/24T16:00:00Z",
            "2025-11-24T16:00:00Zjunk",
        ] {
            assert_eq!(parse_rfc3339_ms(text), None, "{text}");
        }
    }
}
