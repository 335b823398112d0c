//! Turning local wall-clock readings into instants across daylight-saving changes.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;

/// The instant a local wall-clock reading in `tz` denotes. A reading that occurs
/// twice (clocks going back) resolves to its first occurrence; a reading that
/// never occurs (clocks going forward) resolves to the first instant after the
/// gap.
pub(super) fn resolve_local(tz: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    // Daylight-saving gaps are at most a few hours; two days bounds the search.
    for _ in 0..(2 * 24 * 60) {
        match tz.from_local_datetime(&probe) {
            LocalResult::Single(at) | LocalResult::Ambiguous(at, _) => return at.to_utc(),
            LocalResult::None => {
                probe += TimeDelta::minutes(1);
            }
        }
    }
    // No real time zone has a two-day gap; read the clock as UTC rather than fail.
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::NaiveDate;
    use chrono_tz::Europe::London;

    fn local(y: i32, m: u32, d: u32, h: u32, min: u32) -> NaiveDateTime {
        NaiveDate::from_ymd_opt(y, m, d)
            .unwrap()
            .and_hms_opt(h, min, 0)
            .unwrap()
    }

    #[test]
    fn skipped_time_resolves_to_end_of_gap() {
        // 2026-03-29 01:00 GMT clocks go forward to 02:00 BST.
        let at = resolve_local(London, local(2026, 3, 29, 1, 30));
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 3, 29, 1, 0, 0).unwrap());
    }

    #[test]
    fn repeated_time_resolves_to_first_occurrence() {
        // 2026-10-25 02:00 BST clocks go back to 01:00 GMT: 01:30 happens twice.
        let at = resolve_local(London, local(2026, 10, 25, 1, 30));
        assert_eq!(at, Utc.with_ymd_and_hms(2026, 10, 25, 0, 30, 0).unwrap());
    }
}
