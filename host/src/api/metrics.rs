//! Prometheus metrics at `/metrics`: executions started and finished, step
//! latencies and fuel, plugin errors by kind (all from this process's engine
//! events), delivery receipts by provider and outcome, and the job queue's
//! depth (read from the database at scrape time).

use std::sync::Mutex;

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::encoding::text::encode;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;
use tokio::sync::broadcast;

use super::AppState;
use super::problem::Problem;
use crate::store::NewEvent;

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct StatusLabel {
    status: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct KindLabel {
    kind: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReceiptLabel {
    provider: String,
    outcome: String,
}

#[derive(Debug, Clone, Hash, PartialEq, Eq, EncodeLabelSet)]
struct QueueLabel {
    state: String,
}

/// The process's metrics.
pub struct Metrics {
    registry: Mutex<Registry>,
    started: Counter,
    finished: Family<StatusLabel, Counter>,
    step_seconds: Histogram,
    step_fuel: Histogram,
    plugin_errors: Family<KindLabel, Counter>,
    receipts: Family<ReceiptLabel, Counter>,
    queue: Family<QueueLabel, Gauge>,
}

impl std::fmt::Debug for Metrics {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Metrics").finish_non_exhaustive()
    }
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub fn new() -> Self {
        let mut registry = Registry::with_prefix("atlas");
        let started = Counter::default();
        let finished = Family::<StatusLabel, Counter>::default();
        let step_seconds = Histogram::new(exponential_buckets(0.000_1, 2.0, 20));
        let step_fuel = Histogram::new(exponential_buckets(1_000.0, 4.0, 14));
        let plugin_errors = Family::<KindLabel, Counter>::default();
        let receipts = Family::<ReceiptLabel, Counter>::default();
        let queue = Family::<QueueLabel, Gauge>::default();
        registry.register(
            "executions_started",
            "Executions started by this process",
            started.clone(),
        );
        registry.register(
            "executions_finished",
            "Executions that ended, by final status",
            finished.clone(),
        );
        registry.register(
            "step_duration_seconds",
            "Wall time of action steps",
            step_seconds.clone(),
        );
        registry.register("step_fuel", "Fuel used by action steps", step_fuel.clone());
        registry.register(
            "plugin_errors",
            "Failed action attempts, by error kind (timeout, memory, fatal, retryable, ...)",
            plugin_errors.clone(),
        );
        registry.register(
            "delivery_receipts",
            "Provider reports received: `recorded` against a step, `duplicate` (recorded before) or `ignored` (names no step of the org)",
            receipts.clone(),
        );
        registry.register(
            "queue_jobs",
            "Jobs in the queue: due or waiting for their time (`waiting`), leased by a worker (`leased`)",
            queue.clone(),
        );
        Self {
            registry: Mutex::new(registry),
            started,
            finished,
            step_seconds,
            step_fuel,
            plugin_errors,
            receipts,
            queue,
        }
    }

    /// Counts `n` provider reports of `provider` with `outcome`
    /// (`recorded`, `duplicate` or `ignored`).
    pub fn count_receipts(&self, provider: &str, outcome: &str, n: usize) {
        if n > 0 {
            self.receipts
                .get_or_create(&ReceiptLabel {
                    provider: provider.into(),
                    outcome: outcome.into(),
                })
                .inc_by(n as u64);
        }
    }

    /// Counts one engine event.
    pub fn observe(&self, event: &NewEvent) {
        match event.kind.as_str() {
            "execution.started" => {
                self.started.inc();
            }
            "execution.completed" | "execution.failed" | "execution.cancelled" => {
                let status = event.kind.trim_start_matches("execution.").to_string();
                self.finished.get_or_create(&StatusLabel { status }).inc();
            }
            "step.completed" => {
                if let Some(ms) = event.detail.get("duration_ms").and_then(|v| v.as_f64()) {
                    self.step_seconds.observe(ms / 1000.0);
                }
                if let Some(fuel) = event.detail.get("fuel").and_then(|v| v.as_f64()) {
                    self.step_fuel.observe(fuel);
                }
            }
            "step.failed" | "step.retried" => {
                let kind = event
                    .detail
                    .get("error_kind")
                    .and_then(|v| v.as_str())
                    .unwrap_or("unknown")
                    .to_string();
                self.plugin_errors.get_or_create(&KindLabel { kind }).inc();
            }
            _ => {}
        }
    }

    /// Follows the engine's events until the engine goes away.
    pub async fn follow(self: std::sync::Arc<Self>, mut events: broadcast::Receiver<NewEvent>) {
        loop {
            match events.recv().await {
                Ok(event) => self.observe(&event),
                Err(broadcast::error::RecvError::Lagged(_)) => continue,
                Err(broadcast::error::RecvError::Closed) => return,
            }
        }
    }

    /// The text exposition, with the queue gauges set to `(waiting, leased)`.
    pub fn render(&self, queue: (i64, i64)) -> String {
        self.queue
            .get_or_create(&QueueLabel {
                state: "waiting".into(),
            })
            .set(queue.0);
        self.queue
            .get_or_create(&QueueLabel {
                state: "leased".into(),
            })
            .set(queue.1);
        let mut text = String::new();
        let registry = self.registry.lock().expect("metrics registry poisoned");
        if encode(&mut text, &registry).is_err() {
            text.clear();
        }
        text
    }
}

/// `GET /metrics` in the Prometheus text format.
pub async fn metrics(State(state): State<AppState>) -> Result<impl IntoResponse, Problem> {
    let queue = state.store.queue_depth(state.engine.now_ms()).await?;
    Ok((
        [(
            header::CONTENT_TYPE,
            "application/openmetrics-text; version=1.0.0; charset=utf-8",
        )],
        state.metrics.render(queue),
    ))
}
