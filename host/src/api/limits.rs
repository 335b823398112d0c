//! Abuse limits: per-caller and per-org request rates (governor's GCRA,
//! answered with 429 and `Retry-After`), and a deadline on every request
//! except live streams.

use std::num::NonZeroU32;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::Next;
use axum::response::Response;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};

use super::AppState;
use super::auth::Principal;
use super::problem::Problem;

/// Requests per second and burst, per caller (user or API key) and per org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    /// Sustained requests per second of one caller.
    pub per_caller_per_second: u32,
    /// Burst of one caller.
    pub per_caller_burst: u32,
    /// Sustained requests per second of one org (all callers).
    pub per_org_per_second: u32,
    /// Burst of one org.
    pub per_org_burst: u32,
}

impl Default for RateLimitSettings {
    fn default() -> Self {
        Self {
            per_caller_per_second: 200,
            per_caller_burst: 400,
            per_org_per_second: 1_000,
            per_org_burst: 2_000,
        }
    }
}

type Keyed = RateLimiter<String, DefaultKeyedStateStore<String>, DefaultClock>;

/// The two keyed limiters.
pub struct RateLimits {
    caller: Keyed,
    org: Keyed,
    clock: DefaultClock,
}

impl std::fmt::Debug for RateLimits {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RateLimits").finish_non_exhaustive()
    }
}

fn quota(per_second: u32, burst: u32) -> Quota {
    let rate = NonZeroU32::new(per_second.max(1)).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(burst.max(1)).unwrap_or(NonZeroU32::MIN);
    Quota::per_second(rate).allow_burst(burst)
}

impl RateLimits {
    /// Limiters for `settings`.
    pub fn new(settings: RateLimitSettings) -> Self {
        Self {
            caller: RateLimiter::keyed(quota(
                settings.per_caller_per_second,
                settings.per_caller_burst,
            )),
            org: RateLimiter::keyed(quota(settings.per_org_per_second, settings.per_org_burst)),
            clock: DefaultClock::default(),
        }
    }

    /// `Err(seconds to wait)` when the caller or its org is over its rate.
    pub fn check(&self, caller: &str, org: &str) -> Result<(), u64> {
        let wait = |limiter: &Keyed, key: String| {
            limiter
                .check_key(&key)
                .map_err(|not_until| not_until.wait_time_from(self.clock.now()))
        };
        wait(&self.caller, caller.to_string())
            .and_then(|_| wait(&self.org, format!("org:{org}")))
            .map_err(|d: Duration| d.as_secs_f64().ceil().max(1.0) as u64)
    }

    /// Forgets keys idle long enough to be back at a full burst.
    pub fn shrink(&self) {
        self.caller.retain_recent();
        self.org.retain_recent();
    }
}

/// Middleware: 429 when the authenticated caller or its org is over its rate.
pub async fn rate_limit(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Problem> {
    if let Some(principal) = request.extensions().get::<Principal>() {
        state
            .limits
            .check(&principal.rate_key(), &principal.org)
            .map_err(|secs| {
                Problem::rate_limited(secs, format!("too many requests; retry in {secs} s"))
            })?;
    }
    Ok(next.run(request).await)
}

/// Middleware: a request that takes longer than the configured deadline gets 503.
pub async fn deadline(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Result<Response, Problem> {
    let limit = state.settings.request_timeout;
    tokio::time::timeout(limit, next.run(request))
        .await
        .map_err(|_| {
            Problem::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "timeout",
                "Request timed out",
                format!(
                    "the request did not finish within {} ms; it may be retried",
                    limit.as_millis()
                ),
            )
        })
}
