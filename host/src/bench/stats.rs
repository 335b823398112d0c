//! Percentiles of a set of latency samples.

use std::time::Duration;

use serde::Serialize;

/// Summary of latency samples, in microseconds.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Percentiles {
    /// Median.
    pub p50_us: f64,
    /// 99th percentile.
    pub p99_us: f64,
    /// Mean.
    pub mean_us: f64,
    /// Number of samples.
    pub samples: usize,
}

impl Percentiles {
    /// Summarises `samples` (sorted in place).
    pub fn of(samples: &mut [Duration]) -> Self {
        samples.sort_unstable();
        let n = samples.len().max(1);
        let at = |q: f64| {
            let idx = ((q * n as f64).ceil() as usize).clamp(1, n) - 1;
            samples.get(idx).map(micros).unwrap_or(0.0)
        };
        let total: f64 = samples.iter().map(micros).sum();
        Self {
            p50_us: at(0.50),
            p99_us: at(0.99),
            mean_us: total / n as f64,
            samples: samples.len(),
        }
    }
}

fn micros(d: &Duration) -> f64 {
    d.as_secs_f64() * 1e6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_of_a_known_set() {
        let mut samples: Vec<Duration> = (1..=100).map(Duration::from_micros).collect();
        let p = Percentiles::of(&mut samples);
        assert_eq!(p.p50_us, 50.0);
        assert_eq!(p.p99_us, 99.0);
        assert_eq!(p.mean_us, 50.5);
    }
}
