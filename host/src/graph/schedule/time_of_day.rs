//! A local wall-clock time written `HH:MM`.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime, NaiveTime, TimeDelta, Timelike};

/// A wall-clock time from `00:00` up to and including `24:00` (the end of the
/// day), at minute precision.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TimeOfDay {
    minutes: u16,
}

impl TimeOfDay {
    /// `00:00`.
    pub const MIDNIGHT: TimeOfDay = TimeOfDay { minutes: 0 };
    /// `24:00`: the end of the day, usable as a window's end.
    pub const END_OF_DAY: TimeOfDay = TimeOfDay { minutes: 24 * 60 };

    /// Parses `HH:MM` (two digits each); `24:00` is the only time past `23:59`.
    pub fn parse(text: &str) -> Result<Self, String> {
        let invalid = || format!("`{text}` is not a time of day like `09:30`");
        let bytes = text.as_bytes();
        if bytes.len() != 5 || bytes[2] != b':' {
            return Err(invalid());
        }
        let two_digits = |at: usize| -> Option<u16> {
            let (tens, ones) = (bytes[at], bytes[at + 1]);
            (tens.is_ascii_digit() && ones.is_ascii_digit())
                .then(|| u16::from(tens - b'0') * 10 + u16::from(ones - b'0'))
        };
        let (Some(hours), Some(minutes)) = (two_digits(0), two_digits(3)) else {
            return Err(invalid());
        };
        if minutes > 59 || hours > 24 || (hours == 24 && minutes != 0) {
            return Err(invalid());
        }
        Ok(Self {
            minutes: hours * 60 + minutes,
        })
    }

    /// The time `minutes` after midnight, if it is at most `24:00`.
    pub fn from_minutes(minutes: u16) -> Option<Self> {
        (minutes <= 24 * 60).then_some(Self { minutes })
    }

    /// Minutes after midnight (0 ..= 1440).
    pub fn minutes(self) -> u16 {
        self.minutes
    }

    /// Minutes after midnight of a clock reading, ignoring seconds.
    pub fn minutes_of(time: NaiveTime) -> u16 {
        // hour() < 24 and minute() < 60, so this fits in u16.
        (time.hour() * 60 + time.minute()) as u16
    }

    /// This time on `date`; `24:00` is midnight at the start of the next day.
    pub fn on(self, date: NaiveDate) -> NaiveDateTime {
        date.and_time(NaiveTime::MIN) + TimeDelta::minutes(i64::from(self.minutes))
    }
}

impl fmt::Display for TimeOfDay {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:02}:{:02}", self.minutes / 60, self.minutes % 60)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_and_displays() {
        for text in ["00:00", "09:05", "17:30", "23:59", "24:00"] {
            assert_eq!(TimeOfDay::parse(text).unwrap().to_string(), text);
        }
        assert_eq!(TimeOfDay::parse("08:30").unwrap().minutes(), 510);
    }

    #[test]
    fn rejects_bad_times() {
        for bad in [
            "", "9:00", "09:60", "24:01", "25:00", "09-00", "0900", "ab:cd", "09:0é",
        ] {
            assert!(TimeOfDay::parse(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn end_of_day_is_next_midnight() {
        let date = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        let next = NaiveDate::from_ymd_opt(2026, 3, 2).unwrap();
        assert_eq!(
            TimeOfDay::END_OF_DAY.on(date),
            next.and_time(NaiveTime::MIN)
        );
    }
}
