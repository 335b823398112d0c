//! Five-field cron schedules (`minute hour day-of-month month day-of-week`)
//! evaluated in a time zone.

use std::fmt;
use std::str::FromStr;

use chrono::{
    DateTime, Datelike, LocalResult, NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, TimeZone,
    Timelike, Utc,
};
use chrono_tz::Tz;

/// How many days ahead [`CronSchedule::next_fire_after`] searches. Nine years
/// covers the longest gap between 29 Februaries (2096 to 2104).
const SEARCH_DAYS: i64 = 9 * 366;

const MONTH_NAMES: &[&str] = &[
    "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
];
const WEEKDAY_NAMES: &[&str] = &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"];

/// A parsed cron schedule in the classic five-field form, with lists (`1,15`),
/// ranges (`9-17`), steps (`*/15`, `0-30/10`), month and weekday names
/// (`JAN`, `mon-fri`), Sunday as `0` or `7`, and the macros `@yearly`,
/// `@annually`, `@monthly`, `@weekly`, `@daily`, `@midnight` and `@hourly`.
///
/// As in Vixie cron, when both day-of-month and day-of-week are restricted (neither
/// starts with `*`) a day matches if either does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CronSchedule {
    source: String,
    minutes: u64,
    hours: u64,
    days_of_month: u64,
    months: u64,
    days_of_week: u64,
    day_of_month_is_wildcard: bool,
    day_of_week_is_wildcard: bool,
}

struct FieldSpec {
    name: &'static str,
    min: u32,
    max: u32,
    names: &'static [&'static str],
    names_start_at: u32,
}

const MINUTE: FieldSpec = FieldSpec {
    name: "minute",
    min: 0,
    max: 59,
    names: &[],
    names_start_at: 0,
};
const HOUR: FieldSpec = FieldSpec {
    name: "hour",
    min: 0,
    max: 23,
    names: &[],
    names_start_at: 0,
};
const DAY_OF_MONTH: FieldSpec = FieldSpec {
    name: "day of month",
    min: 1,
    max: 31,
    names: &[],
    names_start_at: 0,
};
const MONTH: FieldSpec = FieldSpec {
    name: "month",
    min: 1,
    max: 12,
    names: MONTH_NAMES,
    names_start_at: 1,
};
const DAY_OF_WEEK: FieldSpec = FieldSpec {
    name: "day of week",
    min: 0,
    max: 7,
    names: WEEKDAY_NAMES,
    names_start_at: 0,
};

impl CronSchedule {
    /// Parses a five-field cron expression or one of the `@` macros.
    pub fn parse(expression: &str) -> Result<Self, String> {
        let trimmed = expression.trim();
        let expanded = match trimmed.to_ascii_lowercase().as_str() {
            "@yearly" | "@annually" => "0 0 1 1 *",
            "@monthly" => "0 0 1 * *",
            "@weekly" => "0 0 * * 0",
            "@daily" | "@midnight" => "0 0 * * *",
            "@hourly" => "0 * * * *",
            _ if trimmed.starts_with('@') => {
                return Err(format!("unknown cron macro `{trimmed}`"));
            }
            _ => trimmed,
        };
        let fields: Vec<&str> = expanded.split_whitespace().collect();
        let [minute, hour, day_of_month, month, day_of_week] = fields[..] else {
            return Err(format!(
                "a cron expression has 5 fields (minute hour day-of-month month day-of-week); `{trimmed}` has {}",
                fields.len()
            ));
        };
        let mut days_of_week = parse_field(day_of_week, &DAY_OF_WEEK)?;
        if days_of_week & (1 << 7) != 0 {
            days_of_week = (days_of_week & !(1 << 7)) | 1;
        }
        Ok(Self {
            source: trimmed.to_owned(),
            minutes: parse_field(minute, &MINUTE)?,
            hours: parse_field(hour, &HOUR)?,
            days_of_month: parse_field(day_of_month, &DAY_OF_MONTH)?,
            months: parse_field(month, &MONTH)?,
            days_of_week,
            day_of_month_is_wildcard: day_of_month.starts_with('*'),
            day_of_week_is_wildcard: day_of_week.starts_with('*'),
        })
    }

    /// The expression as written.
    pub fn as_str(&self) -> &str {
        &self.source
    }

    /// The first time strictly after `after` at which the schedule fires, read
    /// in `after`'s time zone. A local time skipped by a daylight-saving jump
    /// does not fire; one that happens twice fires once, at its first
    /// occurrence. `None` if nothing fires within nine years (e.g. `0 0 30 2 *`).
    pub fn next_fire_after(&self, after: DateTime<Tz>) -> Option<DateTime<Utc>> {
        let tz = after.timezone();
        let start = after.naive_local();
        let start_minute = start.with_second(0)?.with_nanosecond(0)?;
        let mut candidate = start_minute + TimeDelta::minutes(1);
        let last_day = start.date() + TimeDelta::days(SEARCH_DAYS);
        while candidate.date() <= last_day {
            if !has(self.months, candidate.month()) {
                candidate = first_of_next_month(candidate.date())?.and_time(NaiveTime::MIN);
                continue;
            }
            if !self.matches_day(candidate.date()) {
                candidate = (candidate.date() + TimeDelta::days(1)).and_time(NaiveTime::MIN);
                continue;
            }
            if !has(self.hours, candidate.hour()) {
                candidate = start_of_hour(candidate) + TimeDelta::hours(1);
                continue;
            }
            if !has(self.minutes, candidate.minute()) {
                candidate += TimeDelta::minutes(1);
                continue;
            }
            match tz.from_local_datetime(&candidate) {
                LocalResult::Single(at) | LocalResult::Ambiguous(at, _) if at > after => {
                    return Some(at.to_utc());
                }
                _ => candidate += TimeDelta::minutes(1),
            }
        }
        None
    }

    fn matches_day(&self, date: NaiveDate) -> bool {
        let by_month_day = has(self.days_of_month, date.day());
        let by_weekday = has(self.days_of_week, date.weekday().num_days_from_sunday());
        if self.day_of_month_is_wildcard || self.day_of_week_is_wildcard {
            by_month_day && by_weekday
        } else {
            by_month_day || by_weekday
        }
    }
}

impl FromStr for CronSchedule {
    type Err = String;

    fn from_str(expression: &str) -> Result<Self, Self::Err> {
        Self::parse(expression)
    }
}

impl fmt::Display for CronSchedule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.source)
    }
}

fn has(set: u64, value: u32) -> bool {
    value < 64 && set & (1 << value) != 0
}

fn start_of_hour(at: NaiveDateTime) -> NaiveDateTime {
    at.date().and_time(NaiveTime::MIN) + TimeDelta::hours(i64::from(at.hour()))
}

fn first_of_next_month(date: NaiveDate) -> Option<NaiveDate> {
    if date.month() == 12 {
        NaiveDate::from_ymd_opt(date.year() + 1, 1, 1)
    } else {
        NaiveDate::from_ymd_opt(date.year(), date.month() + 1, 1)
    }
}

/// Parses one field into a bit set of the values it allows.
fn parse_field(text: &str, spec: &FieldSpec) -> Result<u64, String> {
    let mut set = 0u64;
    for part in text.split(',') {
        let (range, step) = match part.split_once('/') {
            Some((range, step)) => {
                let step: u32 = step
                    .parse()
                    .ok()
                    .filter(|step| (1..=spec.max.max(1)).contains(step))
                    .ok_or_else(|| {
                        format!("invalid step `{step}` in {} field `{text}`", spec.name)
                    })?;
                (range, Some(step))
            }
            None => (part, None),
        };
        let (low, high) = if range == "*" {
            (spec.min, spec.max)
        } else if let Some((low, high)) = range.split_once('-') {
            let (low, high) = (parse_value(low, spec)?, parse_value(high, spec)?);
            if low > high {
                return Err(format!(
                    "range `{range}` in {} field runs backwards",
                    spec.name
                ));
            }
            (low, high)
        } else {
            let value = parse_value(range, spec)?;
            (value, if step.is_some() { spec.max } else { value })
        };
        let step = step.unwrap_or(1) as usize;
        for value in (low..=high).step_by(step) {
            set |= 1 << value;
        }
    }
    Ok(set)
}

fn parse_value(text: &str, spec: &FieldSpec) -> Result<u32, String> {
    let named = spec
        .names
        .iter()
        .position(|name| name.eq_ignore_ascii_case(text))
        .map(|index| index as u32 + spec.names_start_at);
    let value = match named {
        Some(value) => value,
        None => text.parse::<u32>().map_err(|_| {
            if text.is_empty() {
                format!("empty value in {} field", spec.name)
            } else {
                format!("`{text}` is not a valid {}", spec.name)
            }
        })?,
    };
    if value < spec.min || value > spec.max {
        return Err(format!(
            "{} `{text}` is out of range {}-{}",
            spec.name, spec.min, spec.max
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono_tz::{Europe::London, UTC};

    fn next(expression: &str, after: DateTime<Tz>) -> Option<DateTime<Utc>> {
        CronSchedule::parse(expression)
            .unwrap()
            .next_fire_after(after)
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    fn london(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Tz> {
        London
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .earliest()
            .unwrap()
    }

    #[test]
    fn parses_valid_expressions() {
        for ok in [
            "* * * * *",
            "*/15 9-17 * * mon-fri",
            "0 8 1,15 * *",
            "30 6 * jan-mar 0",
            "0 0 * * 7",
            "0-30/10 * * * *",
            "5/20 * * * *",
            "@daily",
            "@Hourly",
        ] {
            assert!(CronSchedule::parse(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn rejects_invalid_expressions() {
        for bad in [
            "",
            "* * * *",
            "0 * * * * *",
            "60 * * * *",
            "* 24 * * *",
            "* * 0 * *",
            "* * * 13 *",
            "* * * * 8",
            "*/0 * * * *",
            "5-1 * * * *",
            "a * * * *",
            "1,,2 * * * *",
            "@often",
        ] {
            assert!(CronSchedule::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn next_fire_times() {
        let after = UTC.with_ymd_and_hms(2026, 1, 14, 10, 7, 30).unwrap();
        assert_eq!(next("*/15 * * * *", after), Some(utc(2026, 1, 14, 10, 15)));
        assert_eq!(next("0 9 * * *", after), Some(utc(2026, 1, 15, 9, 0)));
        // 2026-01-14 is a Wednesday; next Monday is the 19th.
        assert_eq!(next("0 9 * * mon", after), Some(utc(2026, 1, 19, 9, 0)));
        assert_eq!(next("0 0 1 * *", after), Some(utc(2026, 2, 1, 0, 0)));
        assert_eq!(next("@yearly", after), Some(utc(2027, 1, 1, 0, 0)));
        // Strictly after: a schedule matching `after` itself fires next time.
        let on_the_minute = UTC.with_ymd_and_hms(2026, 1, 14, 10, 15, 0).unwrap();
        assert_eq!(
            next("*/15 * * * *", on_the_minute),
            Some(utc(2026, 1, 14, 10, 30))
        );
    }

    #[test]
    fn day_of_month_or_day_of_week() {
        // The 13th or any Friday: from Wed 2026-01-14 the next is Fri the 16th.
        let after = UTC.with_ymd_and_hms(2026, 1, 14, 0, 0, 0).unwrap();
        assert_eq!(next("0 12 13 * fri", after), Some(utc(2026, 1, 16, 12, 0)));
        // With a wildcard day of week, only the 13th counts.
        assert_eq!(next("0 12 13 * *", after), Some(utc(2026, 2, 13, 12, 0)));
    }

    #[test]
    fn leap_day_and_impossible_dates() {
        let after = UTC.with_ymd_and_hms(2026, 3, 1, 0, 0, 0).unwrap();
        assert_eq!(next("0 0 29 2 *", after), Some(utc(2028, 2, 29, 0, 0)));
        assert_eq!(next("0 0 30 2 *", after), None);
    }

    #[test]
    fn evaluated_in_the_time_zone() {
        // 09:00 London in summer is 08:00 UTC.
        assert_eq!(
            next("0 9 * * *", london(2026, 7, 1, 10, 0)),
            Some(utc(2026, 7, 2, 8, 0))
        );
    }

    #[test]
    fn skipped_local_time_does_not_fire() {
        // 01:30 does not exist in London on 2026-03-29.
        let after = london(2026, 3, 28, 12, 0);
        assert_eq!(next("30 1 * * *", after), Some(utc(2026, 3, 30, 0, 30)));
    }

    #[test]
    fn repeated_local_time_fires_once() {
        // 01:30 happens twice in London on 2026-10-25: 00:30 UTC and 01:30 UTC.
        let after = london(2026, 10, 24, 12, 0);
        let first = next("30 1 * * *", after).unwrap();
        assert_eq!(first, utc(2026, 10, 25, 0, 30));
        let again = next("30 1 * * *", first.with_timezone(&London)).unwrap();
        assert_eq!(again, utc(2026, 10, 26, 1, 30));
        // Readings in the repeated hour already fired during its first pass.
        let in_repeat = London.from_utc_datetime(&utc(2026, 10, 25, 1, 5).naive_utc());
        assert_eq!(
            next("*/15 * * * *", in_repeat),
            Some(utc(2026, 10, 25, 2, 0))
        );
    }
}
