//! Limits per client address for the surfaces anyone can reach: failed
//! authentication (a budget of failures; an address that has spent it gets
//! 429 before its next credential is even read, so guessing costs the
//! server no database work) and the inbound hooks (workflow webhooks,
//! Twilio status callbacks, SendGrid events: every request counts, before
//! the hook looks anything up).

use std::collections::HashMap;
use std::net::IpAddr;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;
use super::client_address::ClientAddress;
use super::problem::Problem;

/// Budgets per client address.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AddressLimitSettings {
    /// Failed authentications one address may make in a row.
    pub failure_burst: u32,
    /// Failed authentications per second it regains.
    pub failures_per_second: f64,
    /// Requests to the inbound hooks one address may make in a row.
    pub hook_burst: u32,
    /// Hook requests per second it regains.
    pub hooks_per_second: f64,
}

impl Default for AddressLimitSettings {
    fn default() -> Self {
        Self {
            failure_burst: 30,
            failures_per_second: 0.5,
            hook_burst: 500,
            hooks_per_second: 100.0,
        }
    }
}

/// Most addresses tracked per budget; beyond it, addresses whose bucket is
/// full are dropped first, and an address that still finds no room is
/// let through rather than tracked.
const MAX_ADDRESSES: usize = 100_000;

#[derive(Debug, Clone, Copy)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Token buckets keyed by address.
#[derive(Debug)]
pub struct AddressBuckets {
    buckets: Mutex<HashMap<IpAddr, Bucket>>,
    burst: f64,
    per_second: f64,
}

impl AddressBuckets {
    /// Buckets of `burst` tokens regaining `per_second`.
    pub fn new(burst: u32, per_second: f64) -> Self {
        Self {
            buckets: Mutex::new(HashMap::new()),
            burst: f64::from(burst.max(1)),
            per_second: if per_second.is_finite() {
                per_second.max(1e-6)
            } else {
                1e-6
            },
        }
    }

    fn refilled(&self, bucket: Bucket, now: Instant) -> Bucket {
        let gained = now.duration_since(bucket.at).as_secs_f64() * self.per_second;
        Bucket {
            tokens: (bucket.tokens + gained).min(self.burst),
            at: now,
        }
    }

    fn wait(&self, tokens: f64) -> Duration {
        Duration::from_secs_f64(((1.0 - tokens) / self.per_second).max(0.0))
    }

    /// `Err(wait)` when `address` has no token left; takes nothing.
    pub fn peek(&self, address: IpAddr) -> Result<(), Duration> {
        let buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        match buckets.get(&address) {
            Some(b) => {
                let b = self.refilled(*b, Instant::now());
                if b.tokens >= 1.0 {
                    Ok(())
                } else {
                    Err(self.wait(b.tokens))
                }
            }
            None => Ok(()),
        }
    }

    /// Takes a token from `address`; `Err(wait)` when it has none.
    pub fn take(&self, address: IpAddr) -> Result<(), Duration> {
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(|e| e.into_inner());
        if buckets.len() >= MAX_ADDRESSES && !buckets.contains_key(&address) {
            let burst = self.burst;
            buckets.retain(|_, b| self.refilled(*b, now).tokens < burst);
            if buckets.len() >= MAX_ADDRESSES {
                return Ok(());
            }
        }
        let bucket = buckets.entry(address).or_insert(Bucket {
            tokens: self.burst,
            at: now,
        });
        let refilled = self.refilled(*bucket, now);
        if refilled.tokens >= 1.0 {
            *bucket = Bucket {
                tokens: refilled.tokens - 1.0,
                at: now,
            };
            Ok(())
        } else {
            *bucket = refilled;
            Err(self.wait(refilled.tokens))
        }
    }

    /// Forgets addresses back at a full bucket.
    pub fn shrink(&self) {
        let now = Instant::now();
        let burst = self.burst;
        self.buckets
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .retain(|_, b| self.refilled(*b, now).tokens < burst);
    }
}

/// The two per-address budgets.
#[derive(Debug)]
pub struct AddressLimits {
    /// Failed authentications.
    pub failures: AddressBuckets,
    /// Inbound hook requests.
    pub hooks: AddressBuckets,
}

impl AddressLimits {
    /// Budgets for `settings`.
    pub fn new(settings: AddressLimitSettings) -> Self {
        Self {
            failures: AddressBuckets::new(settings.failure_burst, settings.failures_per_second),
            hooks: AddressBuckets::new(settings.hook_burst, settings.hooks_per_second),
        }
    }

    /// Forgets idle addresses.
    pub fn shrink(&self) {
        self.failures.shrink();
        self.hooks.shrink();
    }
}

/// Whole seconds to tell a client to wait (at least one).
pub fn retry_secs(wait: Duration) -> u64 {
    wait.as_secs_f64().ceil().max(1.0) as u64
}

/// Middleware for the inbound hooks: 429 when the client address is over
/// its hook budget, before the hook reads or looks up anything.
pub async fn limit_hooks(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Problem> {
    let address = ClientAddress::recorded_on(&request);
    state
        .address_limits
        .hooks
        .take(address.limit_key())
        .map_err(|wait| {
            let secs = retry_secs(wait);
            Problem::rate_limited(
                secs,
                format!("too many hook requests from this address; retry in {secs} s"),
            )
        })?;
    Ok(next.run(request).await)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_empties_refills_and_peeking_takes_nothing() {
        let buckets = AddressBuckets::new(3, 1000.0);
        let a: IpAddr = "192.0.2.1".parse().unwrap();
        let b: IpAddr = "192.0.2.2".parse().unwrap();
        let slow = AddressBuckets::new(2, 0.001);
        assert!(slow.peek(a).is_ok());
        assert!(slow.take(a).is_ok());
        assert!(slow.peek(a).is_ok());
        assert!(slow.take(a).is_ok());
        let wait = slow.peek(a).unwrap_err();
        assert!(wait > Duration::from_secs(100), "{wait:?}");
        assert!(slow.take(a).is_err());
        assert!(slow.take(b).is_ok(), "another address has its own bucket");
        for _ in 0..3 {
            buckets.take(a).unwrap();
        }
        std::thread::sleep(Duration::from_millis(5));
        assert!(buckets.take(a).is_ok(), "refilled");
        std::thread::sleep(Duration::from_millis(10));
        buckets.shrink();
        assert!(buckets.buckets.lock().unwrap().is_empty());
    }
}
