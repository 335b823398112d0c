//! Business hours: per-weekday opening windows plus holiday dates, and the next
//! moment a contact may be reached within them.

use std::fmt;

use chrono::{DateTime, Datelike, NaiveDate, TimeDelta, Utc, Weekday};
use chrono_tz::Tz;

use super::local_time::resolve_local;
use super::time_of_day::TimeOfDay;
use crate::graph::limits::MAX_WINDOWS_PER_DAY;
use crate::graph::model::WeeklyWindows;

/// How many days ahead [`next_business_time`] looks for an open window.
pub const BUSINESS_HOURS_SEARCH_DAYS: i64 = 400;

/// One opening window on a weekday: from `start` (inclusive) to `end`
/// (exclusive), with `start < end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TimeWindow {
    /// When the window opens.
    pub start: TimeOfDay,
    /// When the window closes; `24:00` closes it at midnight.
    pub end: TimeOfDay,
}

/// Opening windows for each day of the week, in local wall-clock time.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WeeklyHours {
    days: [Vec<TimeWindow>; 7],
}

/// A mistake in written opening windows: where (`mon[0][1]`) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WindowError {
    /// Path inside the windows object, such as `mon[0][1]`.
    pub field: String,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for WindowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "windows.{}: {}", self.field, self.reason)
    }
}

impl WeeklyHours {
    /// Parses windows written as `{"mon": [["09:00", "17:00"]], …}`,
    /// reporting every mistake. Empty windows parse to empty hours.
    pub fn parse_windows(windows: &WeeklyWindows) -> Result<Self, Vec<WindowError>> {
        let mut hours = Self::default();
        let mut errors = Vec::new();
        let mut error = |field: String, reason: String| errors.push(WindowError { field, reason });
        for (day, name, day_windows) in windows.days() {
            if day_windows.len() > MAX_WINDOWS_PER_DAY {
                error(
                    name.to_owned(),
                    format!("at most {MAX_WINDOWS_PER_DAY} windows per day"),
                );
                continue;
            }
            for (position, [start, end]) in day_windows.iter().enumerate() {
                let field = format!("{name}[{position}]");
                let start =
                    TimeOfDay::parse(start).map_err(|reason| error(format!("{field}[0]"), reason));
                let end =
                    TimeOfDay::parse(end).map_err(|reason| error(format!("{field}[1]"), reason));
                match (start, end) {
                    (Ok(start), Ok(end)) if start < end => hours.add(day, TimeWindow { start, end }),
                    (Ok(_), Ok(_)) => error(
                        field,
                        "a window must start before it ends; split one that crosses midnight into two days"
                            .to_owned(),
                    ),
                    _ => {}
                }
            }
        }
        if errors.is_empty() {
            Ok(hours)
        } else {
            Err(errors)
        }
    }

    /// [`WeeklyHours::parse_windows`], failing with the first mistake.
    pub fn from_windows(windows: &WeeklyWindows) -> Result<Self, String> {
        Self::parse_windows(windows).map_err(|errors| {
            errors
                .first()
                .map_or_else(|| "invalid opening windows".to_owned(), ToString::to_string)
        })
    }

    /// Adds an opening window on `day`; windows are kept in start order.
    /// A window that does not start before it ends is ignored.
    pub fn add(&mut self, day: Weekday, window: TimeWindow) {
        if window.start >= window.end {
            return;
        }
        let windows = &mut self.days[day.num_days_from_monday() as usize];
        let at = windows.partition_point(|existing| existing.start <= window.start);
        windows.insert(at, window);
    }

    /// The windows of `day`, in start order.
    pub fn windows(&self, day: Weekday) -> &[TimeWindow] {
        &self.days[day.num_days_from_monday() as usize]
    }

    /// Whether no day has any window.
    pub fn is_empty(&self) -> bool {
        self.days.iter().all(Vec::is_empty)
    }
}

/// The first instant at or after `now` that falls inside an opening window of
/// `hours` in time zone `tz` on a day that is not in `holidays`: `now` itself
/// when it is inside a window, otherwise the start of the next window. Looks
/// [`BUSINESS_HOURS_SEARCH_DAYS`] ahead and returns `None` when nothing opens in
/// that span (for example when `hours` is empty).
///
/// Window bounds are local wall-clock times: a bound skipped by a
/// daylight-saving jump moves to the end of the gap, and one that happens twice
/// means its first occurrence.
pub fn next_business_time(
    now: DateTime<Utc>,
    tz: Tz,
    hours: &WeeklyHours,
    holidays: &[NaiveDate],
) -> Option<DateTime<Utc>> {
    if hours.is_empty() {
        return None;
    }
    let today = now.with_timezone(&tz).date_naive();
    for offset in 0..=BUSINESS_HOURS_SEARCH_DAYS {
        let date = today + TimeDelta::days(offset);
        if holidays.contains(&date) {
            continue;
        }
        for window in hours.windows(date.weekday()) {
            let opens = resolve_local(tz, window.start.on(date));
            let closes = resolve_local(tz, window.end.on(date));
            if now < closes && opens < closes {
                return Some(now.max(opens));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::{America::New_York, Europe::London};

    fn window(start: &str, end: &str) -> TimeWindow {
        TimeWindow {
            start: TimeOfDay::parse(start).unwrap(),
            end: TimeOfDay::parse(end).unwrap(),
        }
    }

    fn weekdays_nine_to_five() -> WeeklyHours {
        let mut hours = WeeklyHours::default();
        for day in [
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
            Weekday::Thu,
            Weekday::Fri,
        ] {
            hours.add(day, window("09:00", "17:00"));
        }
        hours
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn inside_a_window_is_now() {
        // Wednesday 2026-01-14 10:15 in London (GMT).
        let now = utc(2026, 1, 14, 10, 15);
        assert_eq!(
            next_business_time(now, London, &weekdays_nine_to_five(), &[]),
            Some(now)
        );
    }

    #[test]
    fn before_opening_waits_for_the_window() {
        let now = utc(2026, 1, 14, 7, 0);
        assert_eq!(
            next_business_time(now, London, &weekdays_nine_to_five(), &[]),
            Some(utc(2026, 1, 14, 9, 0))
        );
    }

    #[test]
    fn after_closing_on_friday_waits_for_monday() {
        // Friday 2026-01-16 17:00 is closing time (end is exclusive).
        let now = utc(2026, 1, 16, 17, 0);
        assert_eq!(
            next_business_time(now, London, &weekdays_nine_to_five(), &[]),
            Some(utc(2026, 1, 19, 9, 0))
        );
    }

    #[test]
    fn skips_holidays_and_uses_later_windows_the_same_day() {
        let mut hours = WeeklyHours::default();
        hours.add(Weekday::Wed, window("14:00", "18:00"));
        hours.add(Weekday::Wed, window("08:00", "12:00"));
        hours.add(Weekday::Thu, window("08:00", "12:00"));
        let now = utc(2026, 1, 14, 12, 30);
        assert_eq!(
            next_business_time(now, London, &hours, &[]),
            Some(utc(2026, 1, 14, 14, 0))
        );
        let holiday = NaiveDate::from_ymd_opt(2026, 1, 15).unwrap();
        let evening = utc(2026, 1, 14, 19, 0);
        assert_eq!(
            next_business_time(evening, London, &hours, &[holiday]),
            Some(utc(2026, 1, 21, 8, 0))
        );
    }

    #[test]
    fn uses_the_time_zone() {
        // 13:00 UTC is 08:00 in New York in January: before opening.
        let now = utc(2026, 1, 14, 13, 0);
        assert_eq!(
            next_business_time(now, New_York, &weekdays_nine_to_five(), &[]),
            Some(utc(2026, 1, 14, 14, 0))
        );
    }

    #[test]
    fn london_spring_forward() {
        // Clocks go forward on Sunday 2026-03-29 at 01:00 GMT.
        let mut hours = WeeklyHours::default();
        hours.add(Weekday::Sun, window("09:00", "17:00"));
        hours.add(Weekday::Mon, window("09:00", "17:00"));
        // Saturday evening GMT: Sunday 09:00 is BST, i.e. 08:00 UTC.
        let now = utc(2026, 3, 28, 20, 0);
        assert_eq!(
            next_business_time(now, London, &hours, &[]),
            Some(utc(2026, 3, 29, 8, 0))
        );
        // A window opening inside the skipped hour opens at the end of the gap.
        let mut early = WeeklyHours::default();
        early.add(Weekday::Sun, window("01:30", "03:00"));
        assert_eq!(
            next_business_time(utc(2026, 3, 29, 0, 0), London, &early, &[]),
            Some(utc(2026, 3, 29, 1, 0))
        );
    }

    #[test]
    fn london_fall_back() {
        // Clocks go back on Sunday 2026-10-25 at 02:00 BST.
        let mut hours = WeeklyHours::default();
        hours.add(Weekday::Sun, window("09:00", "17:00"));
        // Saturday 20:00 UTC is 21:00 BST; Sunday 09:00 is GMT, i.e. 09:00 UTC.
        let now = utc(2026, 10, 24, 20, 0);
        assert_eq!(
            next_business_time(now, London, &hours, &[]),
            Some(utc(2026, 10, 25, 9, 0))
        );
        // Saturday 09:00 before the change is BST, i.e. 08:00 UTC.
        hours.add(Weekday::Sat, window("09:00", "17:00"));
        assert_eq!(
            next_business_time(utc(2026, 10, 24, 6, 0), London, &hours, &[]),
            Some(utc(2026, 10, 24, 8, 0))
        );
    }

    #[test]
    fn empty_hours_or_all_holidays_give_none() {
        let now = utc(2026, 1, 14, 10, 0);
        assert_eq!(
            next_business_time(now, London, &WeeklyHours::default(), &[]),
            None
        );
        let mut hours = WeeklyHours::default();
        hours.add(Weekday::Mon, window("09:00", "17:00"));
        let every_monday: Vec<NaiveDate> = (0..60)
            .map(|week| NaiveDate::from_ymd_opt(2026, 1, 19).unwrap() + TimeDelta::weeks(week))
            .collect();
        assert_eq!(next_business_time(now, London, &hours, &every_monday), None);
    }

    #[test]
    fn ignores_inverted_windows() {
        let mut hours = WeeklyHours::default();
        hours.add(Weekday::Mon, window("17:00", "09:00"));
        assert!(hours.is_empty());
    }

    #[test]
    fn parses_written_windows() {
        let windows = WeeklyWindows {
            mon: vec![
                ["09:00".into(), "12:00".into()],
                ["13:00".into(), "17:30".into()],
            ],
            sat: vec![["10:00".into(), "14:00".into()]],
            ..WeeklyWindows::default()
        };
        let hours = WeeklyHours::from_windows(&windows).unwrap();
        assert_eq!(hours.windows(Weekday::Mon).len(), 2);
        assert_eq!(hours.windows(Weekday::Sat), [window("10:00", "14:00")]);
        assert!(hours.windows(Weekday::Sun).is_empty());
    }

    #[test]
    fn reports_every_bad_window() {
        let windows = WeeklyWindows {
            mon: vec![["9am".into(), "17:00".into()]],
            tue: vec![["18:00".into(), "08:00".into()]],
            wed: vec![["09:00".into(), "24:30".into()]],
            ..WeeklyWindows::default()
        };
        let errors = WeeklyHours::parse_windows(&windows).unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|error| error.field.as_str()).collect();
        assert_eq!(fields, ["mon[0][0]", "tue[0]", "wed[0][1]"]);
        assert!(
            WeeklyHours::from_windows(&windows)
                .unwrap_err()
                .starts_with("windows.mon[0][0]: ")
        );
    }

    #[test]
    fn window_until_midnight() {
        let mut hours = WeeklyHours::default();
        hours.add(Weekday::Wed, window("22:00", "24:00"));
        let now = utc(2026, 1, 14, 23, 59);
        assert_eq!(next_business_time(now, London, &hours, &[]), Some(now));
    }
}
