//! Dates and instants read from workflow data: RFC 3339 date-times,
//! `YYYY-MM-DD` dates and Unix timestamps in milliseconds.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use serde_json::Value;

/// A calendar date or an exact instant, as found in contact and trigger data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateValue {
    /// A calendar date with no time or zone (`2026-12-25`).
    Date(NaiveDate),
    /// An exact instant (`2026-12-25T09:30:00+01:00`, or Unix milliseconds).
    Instant(DateTime<Utc>),
}

impl DateValue {
    /// Reads an RFC 3339 date-time or a `YYYY-MM-DD` date.
    pub fn parse(text: &str) -> Option<Self> {
        let text = text.trim();
        if let Ok(at) = DateTime::parse_from_rfc3339(text) {
            return Some(Self::Instant(at.to_utc()));
        }
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .ok()
            .map(Self::Date)
    }

    /// Reads a JSON string (as [`DateValue::parse`]) or a number of Unix
    /// milliseconds.
    pub fn from_json(value: &Value) -> Option<Self> {
        match value {
            Value::String(text) => Self::parse(text),
            Value::Number(number) => number
                .as_i64()
                .or_else(|| {
                    number
                        .as_f64()
                        .filter(|ms| ms.fract() == 0.0)
                        .map(|ms| ms as i64)
                })
                .and_then(DateTime::from_timestamp_millis)
                .map(Self::Instant),
            _ => None,
        }
    }

    /// The instant this value starts at; a date starts at midnight UTC.
    pub fn start_instant(self) -> DateTime<Utc> {
        match self {
            Self::Date(date) => date.and_time(NaiveTime::MIN).and_utc(),
            Self::Instant(at) => at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use serde_json::json;

    #[test]
    fn reads_every_supported_form() {
        let date = NaiveDate::from_ymd_opt(2026, 12, 25).unwrap();
        assert_eq!(DateValue::parse("2026-12-25"), Some(DateValue::Date(date)));
        let instant = Utc.with_ymd_and_hms(2026, 12, 25, 8, 30, 0).unwrap();
        assert_eq!(
            DateValue::parse("2026-12-25T09:30:00+01:00"),
            Some(DateValue::Instant(instant))
        );
        assert_eq!(
            DateValue::from_json(&json!(instant.timestamp_millis())),
            Some(DateValue::Instant(instant))
        );
        assert_eq!(
            DateValue::from_json(&json!("2026-12-25")),
            Some(DateValue::Date(date))
        );
        assert_eq!(
            DateValue::Date(date).start_instant(),
            Utc.with_ymd_and_hms(2026, 12, 25, 0, 0, 0).unwrap()
        );
    }

    #[test]
    fn rejects_other_values() {
        assert_eq!(DateValue::parse("soon"), None);
        assert_eq!(DateValue::parse("2026-02-30"), None);
        assert_eq!(DateValue::from_json(&json!(true)), None);
        assert_eq!(DateValue::from_json(&json!(1.5)), None);
        assert_eq!(DateValue::from_json(&json!(i64::MAX)), None);
    }
}
