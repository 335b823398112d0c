//! When to try a failed action again: exponential backoff with jitter, never
//! sooner than the provider's Retry-After.

use crate::graph::RetryPolicy;

/// Delay before attempt `next_attempt` (2 for the first retry), in milliseconds.
/// `unit` is a uniform random number in [0, 1) that spreads the jitter.
pub fn backoff_ms(
    policy: &RetryPolicy,
    next_attempt: u32,
    retry_after_ms: Option<u64>,
    unit: f64,
) -> u64 {
    let exponent = next_attempt.saturating_sub(2) as i32;
    let base = policy.initial_interval_ms as f64 * policy.multiplier.max(1.0).powi(exponent);
    let base = base.min(policy.max_interval_ms as f64);
    let jitter = policy.jitter.clamp(0.0, 1.0);
    let spread = base * jitter * (2.0 * unit - 1.0);
    let delay = (base + spread).max(0.0) as u64;
    delay.max(retry_after_ms.unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy() -> RetryPolicy {
        RetryPolicy {
            max_attempts: 5,
            initial_interval_ms: 1_000,
            multiplier: 2.0,
            max_interval_ms: 10_000,
            jitter: 0.0,
        }
    }

    #[test]
    fn doubles_up_to_the_cap() {
        let p = policy();
        assert_eq!(backoff_ms(&p, 2, None, 0.5), 1_000);
        assert_eq!(backoff_ms(&p, 3, None, 0.5), 2_000);
        assert_eq!(backoff_ms(&p, 4, None, 0.5), 4_000);
        assert_eq!(backoff_ms(&p, 9, None, 0.5), 10_000);
    }

    #[test]
    fn retry_after_is_honoured() {
        assert_eq!(backoff_ms(&policy(), 2, Some(7_000), 0.5), 7_000);
        assert_eq!(backoff_ms(&policy(), 2, Some(10), 0.5), 1_000);
    }

    #[test]
    fn jitter_spreads_within_bounds() {
        let p = RetryPolicy {
            jitter: 0.2,
            ..policy()
        };
        assert_eq!(backoff_ms(&p, 2, None, 0.0), 800);
        assert_eq!(backoff_ms(&p, 2, None, 0.999_999), 1_199);
    }
}
