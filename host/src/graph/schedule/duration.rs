//! Durations the way staff type them: `30s`, `10m`, `2h`, `3d`, `1w`, `1h30m`.

use std::time::Duration;

use chrono::TimeDelta;

/// The shortest delay or timeout a workflow may use.
pub const MIN_DURATION: Duration = Duration::from_secs(1);
/// The longest delay, timeout or offset a workflow may use: 365 days.
pub const MAX_DURATION: Duration = Duration::from_secs(365 * 86_400);

/// Parses a duration such as `10m` or `1h30m`: one or more `<number><unit>`
/// pairs with units `w`, `d`, `h`, `m`, `s`, largest first, each at most once.
/// The result must lie within 1 s ..= 365 d.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let duration = Duration::from_secs(parse_seconds(text)?);
    if duration < MIN_DURATION {
        return Err(format!("duration `{text}` is shorter than 1s"));
    }
    if duration > MAX_DURATION {
        return Err(format!("duration `{text}` is longer than 365d"));
    }
    Ok(duration)
}

/// Parses a signed offset such as `-2h`, `+30m` or `1d` (same units as
/// [`parse_duration`]); zero is allowed, the magnitude is at most 365 d.
pub fn parse_offset(text: &str) -> Result<TimeDelta, String> {
    let (negative, magnitude) = match text.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, text.strip_prefix('+').unwrap_or(text)),
    };
    let seconds = parse_seconds(magnitude).map_err(|reason| format!("offset: {reason}"))?;
    if seconds > MAX_DURATION.as_secs() {
        return Err(format!("offset `{text}` is longer than 365d"));
    }
    // Bounded by MAX_DURATION above, so the conversion cannot overflow.
    let seconds = seconds as i64;
    Ok(TimeDelta::seconds(if negative {
        -seconds
    } else {
        seconds
    }))
}

/// Parses the unsigned `<number><unit>…` form into whole seconds.
fn parse_seconds(text: &str) -> Result<u64, String> {
    if text.is_empty() {
        return Err("a duration is required, such as `10m` or `1h30m`".to_owned());
    }
    let bytes = text.as_bytes();
    let mut pos = 0;
    let mut total: u64 = 0;
    let mut previous_rank: Option<u8> = None;
    while pos < bytes.len() {
        let digits_start = pos;
        while pos < bytes.len() && bytes[pos].is_ascii_digit() {
            pos += 1;
        }
        if pos == digits_start {
            return Err(format!(
                "invalid duration `{text}`: expected a number at position {pos}"
            ));
        }
        let digits = &text[digits_start..pos];
        if digits.len() > 12 {
            return Err(format!(
                "invalid duration `{text}`: `{digits}` is too large"
            ));
        }
        let amount: u64 = digits
            .parse()
            .map_err(|_| format!("invalid duration `{text}`: `{digits}` is not a number"))?;
        let Some(unit) = text[pos..].chars().next() else {
            return Err(format!(
                "invalid duration `{text}`: `{digits}` needs a unit (s, m, h, d or w)"
            ));
        };
        let (rank, unit_seconds) = match unit {
            'w' => (0, 7 * 86_400),
            'd' => (1, 86_400),
            'h' => (2, 3_600),
            'm' => (3, 60),
            's' => (4, 1),
            other => {
                return Err(format!(
                    "invalid duration `{text}`: unknown unit `{other}` (use s, m, h, d or w)"
                ));
            }
        };
        if previous_rank.is_some_and(|previous| rank <= previous) {
            return Err(format!(
                "invalid duration `{text}`: units go from largest to smallest, each at most once (e.g. `1h30m`)"
            ));
        }
        previous_rank = Some(rank);
        pos += unit.len_utf8();
        total = amount
            .checked_mul(unit_seconds)
            .and_then(|seconds| total.checked_add(seconds))
            .ok_or_else(|| format!("invalid duration `{text}`: too large"))?;
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_units_and_combinations() {
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("10m"), Ok(Duration::from_secs(600)));
        assert_eq!(parse_duration("2h"), Ok(Duration::from_secs(7_200)));
        assert_eq!(parse_duration("3d"), Ok(Duration::from_secs(3 * 86_400)));
        assert_eq!(parse_duration("1w"), Ok(Duration::from_secs(7 * 86_400)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5_400)));
        assert_eq!(
            parse_duration("1d2h3m4s"),
            Ok(Duration::from_secs(86_400 + 7_200 + 180 + 4))
        );
    }

    #[test]
    fn enforces_bounds() {
        assert!(
            parse_duration("0s")
                .unwrap_err()
                .contains("shorter than 1s")
        );
        assert!(parse_duration("365d").is_ok());
        assert!(
            parse_duration("366d")
                .unwrap_err()
                .contains("longer than 365d")
        );
        assert!(parse_duration("53w").is_err());
        assert!(
            parse_duration("9999999999999w")
                .unwrap_err()
                .contains("too large")
        );
    }

    #[test]
    fn rejects_malformed_text() {
        for bad in [
            "", "10", "m", "10x", "1m1h", "1h1h", "1.5h", " 10m", "10 m", "-5m", "10mé",
        ] {
            assert!(parse_duration(bad).is_err(), "{bad:?} should be rejected");
        }
        assert!(
            parse_duration("10x")
                .unwrap_err()
                .contains("unknown unit `x`")
        );
    }

    #[test]
    fn offsets_are_signed() {
        assert_eq!(parse_offset("-2h"), Ok(TimeDelta::hours(-2)));
        assert_eq!(parse_offset("+30m"), Ok(TimeDelta::minutes(30)));
        assert_eq!(parse_offset("1d"), Ok(TimeDelta::days(1)));
        assert_eq!(parse_offset("0s"), Ok(TimeDelta::zero()));
        assert!(parse_offset("-366d").is_err());
        assert!(parse_offset("--2h").is_err());
    }
}
