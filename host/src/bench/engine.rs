//! `atlas bench engine`: durable executions per second of a 3-step workflow
//! (trigger -> no-op action -> if/else -> no-op action), latency at half that
//! load, and the memory cost of executions parked on delays.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::Context as _;
use serde::Serialize;
use serde_json::{Value, json};

use crate::capabilities::{AiConfig, HostServices, NetworkPolicy, OutboundHttp};
use crate::engine::{Engine, EngineConfig, StartRequest, SystemClock};
use crate::marketplace::Marketplace;
use crate::runtime::{PluginRegistry, Runtime, RuntimeConfig};
use crate::store::{Org, SecretCipher, Store};

/// The org benchmarks run in.
pub(crate) const ORG: &str = "bench";

/// What to measure.
#[derive(Debug, Clone)]
pub struct EngineBenchConfig {
    /// `sqlite` (a fresh file in a temp dir) or a `postgres://` URL (tables are created in it).
    pub db: String,
    /// The no-op test component.
    pub noop: PathBuf,
    /// Executions for the throughput run.
    pub executions: usize,
    /// Seconds of the half-load latency run.
    pub latency_seconds: u64,
    /// Executions parked on delays for the memory figure.
    pub parked: usize,
}

/// The figures.
#[derive(Debug, Clone, Serialize)]
pub struct EngineBenchReport {
    /// `sqlite` or `postgres`.
    pub db: &'static str,
    /// Executions per second, every transition committed.
    pub exec_per_s: f64,
    /// Median trigger-accepted-to-completed latency at half of `exec_per_s`.
    pub p50_ms: f64,
    /// 99th percentile of the same.
    pub p99_ms: f64,
    /// Resident memory after the runs.
    pub rss_mb: f64,
    /// Resident memory added by parking `parked` executions on delays.
    pub parked_rss_delta_mb: f64,
    /// How many executions were parked.
    pub parked: usize,
    /// Executions in the throughput run.
    pub executions: usize,
}

fn document() -> Value {
    json!({
        "name": "bench",
        "nodes": [
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "manual" } },
            { "id": "first", "kind": "action", "position": {"x": 0, "y": 0}, "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } },
            { "id": "check", "kind": "if_else", "position": {"x": 0, "y": 0}, "config": { "condition": { "left": "{{contact.status}}", "op": "equals", "right": "lead" } } },
            { "id": "lead", "kind": "action", "position": {"x": 0, "y": 0}, "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } },
            { "id": "member", "kind": "action", "position": {"x": 0, "y": 0}, "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "first", "outcome": "next" },
            { "id": "e2", "source": "first", "target": "check", "outcome": "done" },
            { "id": "e3", "source": "check", "target": "lead", "outcome": "true" },
            { "id": "e4", "source": "check", "target": "member", "outcome": "false" }
        ]
    })
}

fn parked_document() -> Value {
    json!({
        "name": "parked",
        "nodes": [
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "manual" } },
            { "id": "wait", "kind": "delay", "position": {"x": 0, "y": 0}, "config": { "duration": "30d" } },
            { "id": "after", "kind": "action", "position": {"x": 0, "y": 0}, "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "wait", "outcome": "next" },
            { "id": "e2", "source": "wait", "target": "after", "outcome": "next" }
        ]
    })
}

/// Runs the benchmark.
pub async fn run(config: &EngineBenchConfig) -> anyhow::Result<EngineBenchReport> {
    let BenchEngine {
        store,
        engine,
        _temp,
        ..
    } = open_engine(&config.db, &config.noop).await?;
    let suffix = uuid::Uuid::now_v7().simple().to_string();
    let workflow = format!("bench-{suffix}");
    let parked_workflow = format!("parked-{suffix}");
    for (id, doc) in [
        (&workflow, document()),
        (&parked_workflow, parked_document()),
    ] {
        store.save_workflow(ORG, id, id, &doc, "bench").await?;
        store.set_workflow_status(ORG, id, "active").await?;
    }
    let worker = engine.spawn_worker();

    // Throughput: start everything, wait until everything completed.
    let started = Instant::now();
    start_many(&engine, &workflow, config.executions, None).await?;
    wait_completed(&store, &workflow, config.executions).await?;
    let exec_per_s = config.executions as f64 / started.elapsed().as_secs_f64();

    // Latency at half load.
    let rate = (exec_per_s / 2.0).max(1.0);
    let count = (rate * config.latency_seconds as f64) as usize;
    let latency_start = crate::store::now_ms();
    start_many(&engine, &workflow, count, Some(rate)).await?;
    wait_completed(&store, &workflow, config.executions + count).await?;
    let mut latencies: Vec<i64> = store
        .execution_durations(ORG, &workflow, latency_start)
        .await?;
    latencies.sort_unstable();
    let pct = |q: f64| -> f64 {
        if latencies.is_empty() {
            return 0.0;
        }
        let idx = ((q * latencies.len() as f64).ceil() as usize).clamp(1, latencies.len()) - 1;
        latencies[idx] as f64
    };

    // Memory of parked executions.
    let rss_before = rss_mb();
    start_many(&engine, &parked_workflow, config.parked, None).await?;
    wait_status(&store, &parked_workflow, "waiting", config.parked).await?;
    let rss_after = rss_mb();
    worker.shutdown().await;

    Ok(EngineBenchReport {
        db: store.dialect(),
        exec_per_s: (exec_per_s * 10.0).round() / 10.0,
        p50_ms: pct(0.50),
        p99_ms: pct(0.99),
        rss_mb: (rss_after * 10.0).round() / 10.0,
        parked_rss_delta_mb: ((rss_after - rss_before) * 10.0).round() / 10.0,
        parked: config.parked,
        executions: config.executions,
    })
}

/// A store, an engine with the no-op component loaded, and the temp dir of a SQLite file.
pub(crate) struct BenchEngine {
    pub store: Store,
    pub engine: Engine,
    pub runtime: Arc<Runtime>,
    pub registry: Arc<PluginRegistry>,
    pub _temp: tempfile::TempDir,
}

/// Opens `db` (`sqlite` for a fresh temp file, or a `postgres://` URL), seeds
/// the bench org and loads the no-op component into a new engine.
pub(crate) async fn open_engine(db: &str, noop: &std::path::Path) -> anyhow::Result<BenchEngine> {
    let temp = tempfile::tempdir()?;
    let url = if db == "sqlite" {
        format!("sqlite://{}", temp.path().join("bench.db").display())
    } else {
        db.to_string()
    };
    let store = Store::open(&url, SecretCipher::ephemeral()).await?;
    store
        .ensure_org(&Org {
            id: ORG.into(),
            name: "Bench".into(),
            time_zone: "UTC".into(),
        })
        .await?;
    let services = Arc::new(HostServices {
        store: store.clone(),
        http: OutboundHttp::new(NetworkPolicy::default())?,
        ai: AiConfig::default(),
    });
    let runtime = Arc::new(Runtime::new(RuntimeConfig::default(), services)?);
    let registry = Arc::new(PluginRegistry::new());
    let marketplace = Marketplace::open(
        store.clone(),
        runtime.clone(),
        registry.clone(),
        &temp.path().join("blobs"),
    )
    .await?;
    let bytes = std::fs::read(noop)
        .with_context(|| format!("reading {} (run `make test-guests`)", noop.display()))?;
    marketplace.publish_builtin(&bytes).await?;
    let engine = Engine::new(
        store.clone(),
        marketplace,
        Arc::new(SystemClock),
        EngineConfig::default(),
    );
    Ok(BenchEngine {
        store,
        engine,
        runtime,
        registry,
        _temp: temp,
    })
}

/// Starts `count` executions, at most `rate` per second when given.
async fn start_many(
    engine: &Engine,
    workflow: &str,
    count: usize,
    rate: Option<f64>,
) -> anyhow::Result<()> {
    let mut pending = tokio::task::JoinSet::new();
    let began = Instant::now();
    for i in 0..count {
        if let Some(rate) = rate {
            let due = began + Duration::from_secs_f64(i as f64 / rate);
            tokio::time::sleep_until(due.into()).await;
        }
        let engine = engine.clone();
        let workflow = workflow.to_string();
        pending.spawn(async move {
            engine
                .start(StartRequest {
                    org_id: ORG.into(),
                    workflow_id: workflow,
                    trigger: json!({ "n": i }),
                    contact: Some(json!({ "id": format!("c{i}"), "status": if i % 2 == 0 { "lead" } else { "member" } })),
                    test_mode: false,
                    force: true,
                })
                .await
        });
        while pending.len() >= 512 {
            pending.join_next().await.expect("pending")??;
        }
    }
    while let Some(result) = pending.join_next().await {
        result??;
    }
    Ok(())
}

async fn wait_completed(store: &Store, workflow: &str, total: usize) -> anyhow::Result<()> {
    wait_status(store, workflow, "completed", total).await
}

async fn wait_status(
    store: &Store,
    workflow: &str,
    status: &str,
    total: usize,
) -> anyhow::Result<()> {
    let deadline = Instant::now() + Duration::from_secs(600);
    loop {
        let counts = store.execution_counts(ORG, workflow).await?;
        let done = counts
            .iter()
            .find(|(s, _)| s == status)
            .map(|(_, n)| *n)
            .unwrap_or(0);
        if done as usize >= total {
            return Ok(());
        }
        anyhow::ensure!(
            Instant::now() < deadline,
            "only {done} of {total} executions reached {status}"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Resident set size of this process, in MiB.
pub fn rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmRSS:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map(|kb| kb / 1024.0)
        .unwrap_or(0.0)
}
