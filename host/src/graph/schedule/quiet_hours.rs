//! Quiet hours: a daily local-time window, possibly crossing midnight, during
//! which messages wait.

use chrono::{DateTime, TimeDelta, Utc};
use chrono_tz::Tz;

use super::local_time::resolve_local;
use super::time_of_day::TimeOfDay;
use crate::graph::model::QuietHoursConfig;

/// A daily quiet window from `start` (inclusive) to `end` (exclusive). When
/// `start` is later than `end` the window crosses midnight (`21:00`–`08:00`);
/// when they are equal it is never quiet.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QuietHours {
    /// When quiet hours begin each day.
    pub start: TimeOfDay,
    /// When quiet hours end.
    pub end: TimeOfDay,
}

impl QuietHours {
    /// Parses the `settings.quiet_hours` setting.
    pub fn from_config(config: &QuietHoursConfig) -> Result<Self, String> {
        Ok(Self {
            start: TimeOfDay::parse(&config.start).map_err(|reason| format!("start: {reason}"))?,
            end: TimeOfDay::parse(&config.end).map_err(|reason| format!("end: {reason}"))?,
        })
    }

    fn contains_minute(self, minute: u16) -> bool {
        let (start, end) = (self.start.minutes(), self.end.minutes());
        if start <= end {
            start <= minute && minute < end
        } else {
            minute >= start || minute < end
        }
    }
}

/// Whether `now` falls inside `quiet` hours in time zone `tz`.
pub fn in_quiet_hours(now: DateTime<Utc>, tz: Tz, quiet: &QuietHours) -> bool {
    let local = now.with_timezone(&tz);
    quiet.contains_minute(TimeOfDay::minutes_of(local.time()))
}

/// When the quiet hours that contain `now` end, or `None` if `now` is not in
/// quiet hours.
pub fn end_of_quiet_hours(now: DateTime<Utc>, tz: Tz, quiet: &QuietHours) -> Option<DateTime<Utc>> {
    let local = now.with_timezone(&tz);
    let minute = TimeOfDay::minutes_of(local.time());
    if !quiet.contains_minute(minute) {
        return None;
    }
    let today = local.date_naive();
    let crosses_midnight = quiet.start > quiet.end;
    let end_date = if crosses_midnight && minute >= quiet.start.minutes() {
        today + TimeDelta::days(1)
    } else {
        today
    };
    Some(resolve_local(tz, quiet.end.on(end_date)).max(now))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use chrono_tz::Europe::London;

    fn quiet(start: &str, end: &str) -> QuietHours {
        QuietHours {
            start: TimeOfDay::parse(start).unwrap(),
            end: TimeOfDay::parse(end).unwrap(),
        }
    }

    fn utc(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
    }

    #[test]
    fn window_crossing_midnight() {
        let night = quiet("21:00", "08:00");
        assert!(!in_quiet_hours(utc(2026, 1, 14, 20, 59), London, &night));
        assert!(in_quiet_hours(utc(2026, 1, 14, 21, 0), London, &night));
        assert!(in_quiet_hours(utc(2026, 1, 15, 3, 0), London, &night));
        assert!(!in_quiet_hours(utc(2026, 1, 15, 8, 0), London, &night));
        assert_eq!(
            end_of_quiet_hours(utc(2026, 1, 14, 22, 0), London, &night),
            Some(utc(2026, 1, 15, 8, 0))
        );
        assert_eq!(
            end_of_quiet_hours(utc(2026, 1, 15, 6, 0), London, &night),
            Some(utc(2026, 1, 15, 8, 0))
        );
        assert_eq!(
            end_of_quiet_hours(utc(2026, 1, 15, 12, 0), London, &night),
            None
        );
    }

    #[test]
    fn window_within_a_day() {
        let lunch = quiet("12:00", "13:30");
        assert!(in_quiet_hours(utc(2026, 1, 14, 12, 45), London, &lunch));
        assert!(!in_quiet_hours(utc(2026, 1, 14, 13, 30), London, &lunch));
        assert_eq!(
            end_of_quiet_hours(utc(2026, 1, 14, 12, 0), London, &lunch),
            Some(utc(2026, 1, 14, 13, 30))
        );
    }

    #[test]
    fn parses_the_setting() {
        let config = QuietHoursConfig {
            start: "21:00".into(),
            end: "08:00".into(),
        };
        assert_eq!(
            QuietHours::from_config(&config),
            Ok(quiet("21:00", "08:00"))
        );
        let bad = QuietHoursConfig {
            start: "21:00".into(),
            end: "8am".into(),
        };
        assert!(
            QuietHours::from_config(&bad)
                .unwrap_err()
                .starts_with("end: ")
        );
    }

    #[test]
    fn equal_bounds_are_never_quiet() {
        let never = quiet("09:00", "09:00");
        assert!(!in_quiet_hours(utc(2026, 1, 14, 9, 0), London, &never));
    }

    #[test]
    fn uses_local_time_across_dst() {
        let night = quiet("21:00", "08:00");
        // 2026-03-28 20:30 UTC is 20:30 GMT: not quiet yet.
        assert!(!in_quiet_hours(utc(2026, 3, 28, 20, 30), London, &night));
        // Quiet hours that start Saturday GMT end Sunday 08:00 BST = 07:00 UTC.
        assert_eq!(
            end_of_quiet_hours(utc(2026, 3, 28, 22, 0), London, &night),
            Some(utc(2026, 3, 29, 7, 0))
        );
        // In summer 20:30 UTC is 21:30 BST: quiet.
        assert!(in_quiet_hours(utc(2026, 7, 1, 20, 30), London, &night));
    }
}
