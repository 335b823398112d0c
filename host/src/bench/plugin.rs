//! `atlas bench plugin`: the cost of running an action through the runtime.
//!
//! - trivial call: fresh instance + execute + drop of a no-op action;
//! - webhook call: `webhook.send` against a loopback HTTP server;
//! - cold load: load + compile a component with an empty cache;
//! - warm load: the same with the compiled cache populated.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;
use serde_json::json;

use super::Percentiles;
use crate::capabilities::{AiConfig, Grants, HostServices, NetworkPolicy, OutboundHttp};
use crate::runtime::{ActionContext, Capability, LoadOptions, RunRequest, Runtime, RuntimeConfig};
use crate::store::{SecretCipher, Store};

/// What to measure.
#[derive(Debug, Clone)]
pub struct PluginBenchConfig {
    /// The no-op test component.
    pub noop: PathBuf,
    /// The webhook component.
    pub webhook: PathBuf,
    /// Trivial calls measured (after as many warm-up calls / 10).
    pub trivial_iterations: usize,
    /// Webhook calls measured.
    pub webhook_iterations: usize,
    /// Cold and warm loads measured (the median is reported).
    pub load_iterations: usize,
}

/// The figures.
#[derive(Debug, Clone, Serialize)]
pub struct PluginBenchReport {
    /// Median of a fresh instance + execute + drop of a no-op action.
    pub trivial_call_p50_us: f64,
    /// 99th percentile of the same.
    pub trivial_call_p99_us: f64,
    /// Mean of the same.
    pub trivial_call_mean_us: f64,
    /// Median of a webhook.send run against a loopback server.
    pub webhook_call_p50_us: f64,
    /// 99th percentile of the same.
    pub webhook_call_p99_us: f64,
    /// Median load + compile with an empty cache, in milliseconds.
    pub cold_load_ms: f64,
    /// Median load with the compiled cache, in milliseconds.
    pub warm_load_ms: f64,
    /// Size of the loaded component.
    pub load_component_bytes: usize,
    /// Fuel one trivial call consumes.
    pub trivial_call_fuel: u64,
    /// Samples behind the figures.
    pub trivial_samples: usize,
    /// Samples behind the webhook figures.
    pub webhook_samples: usize,
}

async fn runtime_with(cache_dir: Option<PathBuf>) -> anyhow::Result<Runtime> {
    runtime_keyed(cache_dir, None).await
}

/// [`runtime_with`] tagging the compiled cache with `cache_key`, so two
/// runtimes over fresh in-memory stores share one cache.
async fn runtime_keyed(
    cache_dir: Option<PathBuf>,
    cache_key: Option<[u8; 32]>,
) -> anyhow::Result<Runtime> {
    let store = Store::open("sqlite::memory:", SecretCipher::ephemeral()).await?;
    let services = Arc::new(HostServices {
        store,
        http: OutboundHttp::new(NetworkPolicy::allowing_loopback())?,
        ai: AiConfig::default(),
    });
    Runtime::new(
        RuntimeConfig {
            cache_dir,
            cache_key,
            ..RuntimeConfig::default()
        },
        services,
    )
}

/// Runs the benchmark.
pub async fn run(config: &PluginBenchConfig) -> anyhow::Result<PluginBenchReport> {
    let noop_bytes = read(&config.noop)?;
    let webhook_bytes = read(&config.webhook)?;
    let runtime = runtime_with(None).await?;

    // Trivial calls.
    let noop = runtime.load(&noop_bytes, LoadOptions::default()).await?;
    let request = RunRequest {
        context: ActionContext::default(),
        input: json!({}),
        grants: Arc::new(Grants::default()),
    };
    for _ in 0..config.trivial_iterations / 10 {
        runtime.run(&noop, request.clone()).await.result?;
    }
    let mut samples = Vec::with_capacity(config.trivial_iterations);
    let mut fuel = 0;
    for _ in 0..config.trivial_iterations {
        let request = request.clone();
        let started = Instant::now();
        let report = runtime.run(&noop, request).await;
        samples.push(started.elapsed());
        fuel = report.fuel_consumed;
        report.result?;
    }
    let trivial = Percentiles::of(&mut samples);

    // Webhook calls against a loopback server.
    let webhook = runtime.load(&webhook_bytes, LoadOptions::default()).await?;
    let addr = start_sink_server().await?;
    let grants = Arc::new(Grants::from_requested(&[Capability::Http("*".into())]));
    let webhook_request = RunRequest {
        context: ActionContext::default(),
        input: json!({ "url": format!("http://{addr}/hook"), "body": { "event": "lead.created", "contact": "c_1" } }),
        grants,
    };
    for _ in 0..config.webhook_iterations / 10 {
        runtime
            .run(&webhook, webhook_request.clone())
            .await
            .result?;
    }
    let mut samples = Vec::with_capacity(config.webhook_iterations);
    for _ in 0..config.webhook_iterations {
        let request = webhook_request.clone();
        let started = Instant::now();
        let report = runtime.run(&webhook, request).await;
        samples.push(started.elapsed());
        report.result?;
    }
    let webhook_stats = Percentiles::of(&mut samples);

    // Cold and warm loads of the webhook component.
    let mut cold = Vec::new();
    let mut warm = Vec::new();
    for _ in 0..config.load_iterations.max(1) {
        let cache = tempfile::tempdir()?;
        let key = rand::random::<[u8; 32]>();
        let first = runtime_keyed(Some(cache.path().to_path_buf()), Some(key)).await?;
        let started = Instant::now();
        first.load(&webhook_bytes, LoadOptions::default()).await?;
        cold.push(started.elapsed());
        drop(first);
        let second = runtime_keyed(Some(cache.path().to_path_buf()), Some(key)).await?;
        let started = Instant::now();
        second.load(&webhook_bytes, LoadOptions::default()).await?;
        warm.push(started.elapsed());
    }

    Ok(PluginBenchReport {
        trivial_call_p50_us: round(trivial.p50_us),
        trivial_call_p99_us: round(trivial.p99_us),
        trivial_call_mean_us: round(trivial.mean_us),
        webhook_call_p50_us: round(webhook_stats.p50_us),
        webhook_call_p99_us: round(webhook_stats.p99_us),
        cold_load_ms: round(median_ms(&mut cold)),
        warm_load_ms: round(median_ms(&mut warm)),
        load_component_bytes: webhook_bytes.len(),
        trivial_call_fuel: fuel,
        trivial_samples: trivial.samples,
        webhook_samples: webhook_stats.samples,
    })
}

fn read(path: &Path) -> anyhow::Result<Vec<u8>> {
    std::fs::read(path).with_context(|| {
        format!(
            "reading {} (build the components first: `make plugins test-guests`)",
            path.display()
        )
    })
}

fn median_ms(samples: &mut [Duration]) -> f64 {
    samples.sort_unstable();
    samples
        .get(samples.len() / 2)
        .map(|d| d.as_secs_f64() * 1000.0)
        .unwrap_or(0.0)
}

fn round(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// A loopback server that answers every request with a small JSON document.
async fn start_sink_server() -> anyhow::Result<std::net::SocketAddr> {
    let app = axum::Router::new().fallback(|| async { axum::Json(json!({ "ok": true })) });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Ok(addr)
}
