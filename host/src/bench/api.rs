//! `atlas bench api`: `POST /api/v2/workflows/{id}/execute` over loopback
//! HTTP with a bearer token, each request durably enqueuing an execution,
//! while a worker runs them. Prints requests per second and latency
//! percentiles seen by the client: `wrk` in a second process when it is
//! installed (Debian's `wrk`), else an in-process reqwest client.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde::Serialize;
use serde_json::json;

use super::engine::{BenchEngine, ORG, open_engine};
use crate::api::auth::{JwtVerifier, Role};
use crate::api::limits::RateLimitSettings;
use crate::api::{ApiSettings, AppState, router};

/// What to measure.
#[derive(Debug, Clone)]
pub struct ApiBenchConfig {
    /// `sqlite` (a fresh temp file) or a `postgres://` URL.
    pub db: String,
    /// The no-op test component.
    pub noop: PathBuf,
    /// Concurrent client connections.
    pub connections: usize,
    /// Seconds of measured load (after one second of warm-up).
    pub seconds: u64,
    /// Where the load comes from.
    pub client: LoadClient,
}

/// The load generator.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LoadClient {
    /// `wrk` when it is on the PATH, else the built-in client.
    Auto,
    /// `wrk`, a second process (Debian's package `wrk`).
    Wrk,
    /// reqwest in this process (it shares the cores with the server).
    Builtin,
}

/// The figures.
#[derive(Debug, Clone, Serialize)]
pub struct ApiBenchReport {
    /// `sqlite` or `postgres`.
    pub db: &'static str,
    /// Accepted trigger requests per second.
    pub trigger_rps: f64,
    /// Median request latency.
    pub trigger_p50_ms: f64,
    /// 99th percentile request latency.
    pub trigger_p99_ms: f64,
    /// Requests measured.
    pub requests: usize,
    /// Requests not answered 202.
    pub errors: usize,
    /// Client connections.
    pub connections: usize,
    /// Seconds measured.
    pub seconds: u64,
    /// `wrk` or `builtin`.
    pub client: &'static str,
}

fn workflow() -> serde_json::Value {
    json!({
        "name": "api bench",
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "manual" } },
            { "id": "act", "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": "act", "outcome": "next" } ]
    })
}

/// Runs the benchmark.
pub async fn run(config: &ApiBenchConfig) -> anyhow::Result<ApiBenchReport> {
    let BenchEngine {
        store,
        engine,
        runtime,
        registry,
        _temp,
    } = open_engine(&config.db, &config.noop).await?;
    let id = format!("api-bench-{}", uuid::Uuid::now_v7().simple());
    store
        .save_workflow(ORG, &id, "api bench", &workflow(), "bench")
        .await?;
    engine.activate(ORG, &id).await?;
    let worker = engine.spawn_worker();

    let secret = crate::api::auth::api_key::random_token("");
    let jwt = JwtVerifier::hs256(secret.as_bytes())?;
    let token = jwt.issue("bench", ORG, Role::Staff, 3600)?;
    let unlimited = u32::MAX / 2;
    let settings = ApiSettings {
        rate_limits: RateLimitSettings {
            per_caller_per_second: unlimited,
            per_caller_burst: unlimited,
            per_org_per_second: unlimited,
            per_org_burst: unlimited,
        },
        ..ApiSettings::default()
    };
    let state = AppState::new(store.clone(), runtime, registry, engine, jwt, settings);
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let server = tokio::spawn(async move {
        let _ = axum::serve(listener, router(state)).await;
    });

    let url = format!("http://{addr}/api/v2/workflows/{id}/execute");
    let use_wrk = match config.client {
        LoadClient::Wrk => true,
        LoadClient::Builtin => false,
        LoadClient::Auto => super::wrk::available(),
    };
    let (rps, p50_ms, p99_ms, requests, errors) = if use_wrk {
        let workdir = tempfile::tempdir()?;
        let threads = 1;
        super::wrk::run(&url, &token, config.connections, threads, 1, workdir.path())?;
        let r = super::wrk::run(
            &url,
            &token,
            config.connections,
            threads,
            config.seconds,
            workdir.path(),
        )?;
        let ms = |d: Duration| (d.as_secs_f64() * 100_000.0).round() / 100.0;
        (
            (r.rps - r.errors as f64 / config.seconds as f64).round(),
            ms(r.p50),
            ms(r.p99),
            r.requests as usize,
            r.errors as usize,
        )
    } else {
        let (mut latencies, errors) = builtin_load(&url, &token, config).await?;
        let stats = super::Percentiles::of(&mut latencies);
        (
            ((stats.samples - errors) as f64 / config.seconds as f64).round(),
            (stats.p50_us / 10.0).round() / 100.0,
            (stats.p99_us / 10.0).round() / 100.0,
            stats.samples,
            errors,
        )
    };
    server.abort();
    worker.shutdown().await;
    Ok(ApiBenchReport {
        db: store.dialect(),
        trigger_rps: rps,
        trigger_p50_ms: p50_ms,
        trigger_p99_ms: p99_ms,
        requests,
        errors,
        connections: config.connections,
        seconds: config.seconds,
        client: if use_wrk { "wrk" } else { "builtin" },
    })
}

/// The in-process client: `connections` loops posting as fast as answers come,
/// one second of warm-up, then `seconds` measured. Returns latencies and errors.
async fn builtin_load(
    url: &str,
    token: &str,
    config: &ApiBenchConfig,
) -> anyhow::Result<(Vec<Duration>, usize)> {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(config.connections)
        .build()?;
    let url = Arc::new(url.to_string());
    let token = Arc::new(token.to_string());
    let warm_until = Instant::now() + Duration::from_secs(1);
    let stop_at = warm_until + Duration::from_secs(config.seconds);
    let mut tasks = tokio::task::JoinSet::new();
    for c in 0..config.connections {
        let (client, url, token) = (client.clone(), url.clone(), token.clone());
        tasks.spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0usize;
            let mut n = 0u64;
            loop {
                let began = Instant::now();
                if began >= stop_at {
                    break;
                }
                n += 1;
                let body = json!({ "contact": { "id": format!("c{c}-{n}") } });
                let ok = match client
                    .post(url.as_str())
                    .bearer_auth(token.as_str())
                    .json(&body)
                    .send()
                    .await
                {
                    Ok(response) => {
                        let accepted = response.status() == reqwest::StatusCode::ACCEPTED;
                        let _ = response.bytes().await;
                        accepted
                    }
                    Err(_) => false,
                };
                if began >= warm_until {
                    latencies.push(began.elapsed());
                    if !ok {
                        errors += 1;
                    }
                }
            }
            (latencies, errors)
        });
    }
    let mut latencies = Vec::new();
    let mut errors = 0;
    while let Some(result) = tasks.join_next().await {
        let (l, e) = result?;
        latencies.extend(l);
        errors += e;
    }
    Ok((latencies, errors))
}
