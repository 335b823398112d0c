//! A fixed log-scale histogram of millisecond durations, so percentiles can
//! be summed across hours and nodes without keeping every sample.
//!
//! Slot 0 holds 0 ms; slot `k >= 1` holds `[2^((k-1)/4), 2^(k/4))` ms, four
//! slots per doubling (each about 19% wide), up to [`SLOTS`] - 1, which also
//! takes everything longer (about 35 days and up).

use std::collections::BTreeMap;

/// Number of slots.
pub const SLOTS: i64 = 128;

/// Slots per doubling of the duration.
const PER_DOUBLING: f64 = 4.0;

/// The slot a duration of `ms` falls in.
pub fn slot_of(ms: i64) -> i64 {
    if ms <= 0 {
        return 0;
    }
    let k = ((ms as f64).log2() * PER_DOUBLING).floor() as i64 + 1;
    // Floating point may put an exact power of the ratio one slot low.
    let k = if lower_bound(k + 1) <= ms as f64 {
        k + 1
    } else {
        k
    };
    k.clamp(1, SLOTS - 1)
}

/// The smallest duration of slot `k`.
fn lower_bound(k: i64) -> f64 {
    if k <= 0 {
        0.0
    } else {
        2f64.powf((k - 1) as f64 / PER_DOUBLING)
    }
}

/// The end (exclusive) of slot `k`.
fn upper_bound(k: i64) -> f64 {
    if k <= 0 {
        1.0
    } else {
        2f64.powf(k as f64 / PER_DOUBLING)
    }
}

/// Counts per slot.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Histogram {
    counts: BTreeMap<i64, i64>,
}

impl Histogram {
    /// Adds `count` samples to `slot` (as read back from a rollup).
    pub fn add_slot(&mut self, slot: i64, count: i64) {
        if count > 0 {
            *self.counts.entry(slot.clamp(0, SLOTS - 1)).or_default() += count;
        }
    }

    /// Records one duration.
    pub fn record(&mut self, ms: i64) {
        self.add_slot(slot_of(ms), 1);
    }

    /// Samples recorded.
    pub fn count(&self) -> i64 {
        self.counts.values().sum()
    }

    /// The `q` quantile (0 < q <= 1) in whole ms, interpolated linearly within
    /// its slot; `None` when empty. Durations in slot 0 are exactly 0 ms.
    pub fn quantile(&self, q: f64) -> Option<i64> {
        let total = self.count();
        if total == 0 {
            return None;
        }
        let rank = (q.clamp(0.0, 1.0) * total as f64).ceil().max(1.0);
        let mut before = 0i64;
        for (&slot, &count) in &self.counts {
            if (before + count) as f64 >= rank {
                if slot == 0 {
                    return Some(0);
                }
                let (lo, hi) = (lower_bound(slot), upper_bound(slot));
                let within = (rank - before as f64) / count as f64;
                return Some((lo + (hi - lo) * within).floor() as i64);
            }
            before += count;
        }
        self.counts.keys().last().map(|&k| upper_bound(k) as i64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_cover_durations_without_gaps() {
        assert_eq!(slot_of(0), 0);
        assert_eq!(slot_of(-5), 0);
        assert_eq!(slot_of(1), 1);
        assert_eq!(slot_of(2), 5);
        assert_eq!(slot_of(4), 9);
        for ms in 1..100_000i64 {
            let k = slot_of(ms);
            assert!(lower_bound(k) <= ms as f64, "{ms} below slot {k}");
            assert!((ms as f64) < upper_bound(k), "{ms} above slot {k}");
        }
        assert_eq!(slot_of(i64::MAX), SLOTS - 1);
    }

    #[test]
    fn quantiles_of_one_value_stay_within_its_slot() {
        let mut h = Histogram::default();
        for _ in 0..10 {
            h.record(100);
        }
        let k = slot_of(100);
        for q in [0.01, 0.5, 0.95, 1.0] {
            let v = h.quantile(q).unwrap() as f64;
            assert!(
                v >= lower_bound(k).floor() && v < upper_bound(k),
                "q{q} = {v}"
            );
        }
    }

    #[test]
    fn quantiles_follow_the_distribution() {
        let mut h = Histogram::default();
        for ms in 1..=1000 {
            h.record(ms);
        }
        let p50 = h.quantile(0.5).unwrap() as f64;
        let p95 = h.quantile(0.95).unwrap() as f64;
        assert!((p50 - 500.0).abs() / 500.0 < 0.19, "p50 {p50}");
        assert!((p95 - 950.0).abs() / 950.0 < 0.19, "p95 {p95}");
        assert_eq!(h.count(), 1000);
    }

    #[test]
    fn zero_durations_and_empty_histograms() {
        let mut h = Histogram::default();
        assert_eq!(h.quantile(0.5), None);
        h.record(0);
        h.record(0);
        h.record(1000);
        assert_eq!(h.quantile(0.5), Some(0));
        let p95 = h.quantile(0.95).unwrap();
        assert!((1000..1190).contains(&p95), "{p95}");
    }

    #[test]
    fn merged_slots_equal_recording_everything() {
        let (mut a, mut b, mut both) = (
            Histogram::default(),
            Histogram::default(),
            Histogram::default(),
        );
        for ms in [3, 30, 300] {
            a.record(ms);
            both.record(ms);
        }
        for ms in [7, 70, 7000] {
            b.record(ms);
            both.record(ms);
        }
        let mut merged = a.clone();
        for (slot, count) in &b.counts {
            merged.add_slot(*slot, *count);
        }
        assert_eq!(merged, both);
        assert_eq!(merged.quantile(0.5), both.quantile(0.5));
    }
}
