//! Guests that spin share the CPU: while 64 executions run `test-spin` (a
//! `loop {}`) on a two-thread runtime, the API's health endpoint keeps
//! answering quickly and lease renewal keeps up, so no step runs twice.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas::api::auth::JwtVerifier;
use atlas::api::{AppState, router};
use atlas::capabilities::{AiConfig, HostServices, NetworkPolicy, OutboundHttp};
use atlas::engine::{Engine, EngineConfig, StartRequest, SystemClock};
use atlas::runtime::{PluginRegistry, RunLimits, Runtime, RuntimeConfig};
use atlas::store::{ExecutionStatus, Org};
use common::{component_bytes, sqlite_store};
use serde_json::json;

const ORG: &str = "org-fair";
const RUNS: usize = 64;
const SPIN: Duration = Duration::from_secs(3);

/// One `GET` over a fresh connection; true on a 200.
fn get_ok(addr: std::net::SocketAddr, path: &str) -> bool {
    use std::io::{Read, Write};
    let mut stream = std::net::TcpStream::connect(addr).expect("connecting");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).expect("reading");
    response.starts_with("HTTP/1.1 200")
}

/// Health latencies measured from a thread of its own, so the probe is not
/// scheduled behind the guests it is measuring.
fn probe_health(addr: std::net::SocketAddr, samples: usize) -> Vec<Duration> {
    let mut latencies = Vec::with_capacity(samples);
    for _ in 0..samples {
        let started = Instant::now();
        assert!(get_ok(addr, "/api/v2/health"), "health answers 200");
        latencies.push(started.elapsed());
        std::thread::sleep(Duration::from_millis(15));
    }
    latencies
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn spinning_guests_leave_the_api_responsive_and_no_step_runs_twice() {
    let (store, _dir) = sqlite_store().await;
    store
        .ensure_org(&Org {
            id: ORG.into(),
            name: "Fair Gym".into(),
            time_zone: "UTC".into(),
        })
        .await
        .unwrap();
    let services = Arc::new(HostServices {
        store: store.clone(),
        http: OutboundHttp::new(NetworkPolicy::default()).unwrap(),
        ai: AiConfig::default(),
    });
    let runtime = Arc::new(
        Runtime::new(
            RuntimeConfig {
                default_limits: RunLimits {
                    timeout: SPIN,
                    fuel: u64::MAX / 4,
                    ..RunLimits::default()
                },
                ..RuntimeConfig::default()
            },
            services,
        )
        .unwrap(),
    );
    let registry = Arc::new(PluginRegistry::new());
    let marketplace = common::marketplace_over(&store, &runtime, &registry).await;
    marketplace
        .publish_builtin(&component_bytes("test-spin"))
        .await
        .unwrap();
    let engine = Engine::new(
        store.clone(),
        marketplace,
        Arc::new(SystemClock),
        EngineConfig {
            worker_id: "fair-worker".into(),
            // Short enough that a starved heartbeat would let leases lapse
            // while the guests spin, and the jobs be claimed again.
            lease: Duration::from_millis(1_000),
            poll_interval: Duration::from_millis(20),
            max_in_flight: RUNS,
        },
    );
    let document = json!({
        "name": "spin",
        "nodes": [
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "manual" } },
            { "id": "spin", "kind": "action", "position": {"x": 0, "y": 0},
              "config": { "plugin": "atlas.test.spin", "version": "0.1.0", "input": {},
                          "retry": { "max_attempts": 1 } } },
            { "id": "end", "kind": "exit", "position": {"x": 0, "y": 0}, "config": {} }
        ],
        "edges": [
            { "id": "e1", "source": "start", "target": "spin", "outcome": "next" },
            { "id": "e2", "source": "spin", "target": "end", "outcome": "done" }
        ]
    });
    store
        .save_workflow(ORG, "spin", "spin", &document, "test")
        .await
        .unwrap();
    store
        .set_workflow_status(ORG, "spin", "active")
        .await
        .unwrap();

    let jwt = JwtVerifier::hs256(common::api::SECRET.as_bytes()).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let state = AppState::new(
        store.clone(),
        runtime.clone(),
        registry.clone(),
        engine.clone(),
        jwt,
        common::api::test_settings(),
    );
    tokio::spawn(async move { axum::serve(listener, router(state)).await.unwrap() });

    let mut ids = Vec::new();
    for i in 0..RUNS {
        let id = engine
            .start(StartRequest {
                org_id: ORG.into(),
                workflow_id: "spin".into(),
                trigger: json!({}),
                contact: Some(json!({ "id": format!("c{i}") })),
                test_mode: false,
                force: true,
            })
            .await
            .unwrap()
            .unwrap();
        ids.push(id);
    }
    let worker = engine.spawn_worker();
    // Let the worker claim every job and the guests start spinning.
    tokio::time::sleep(Duration::from_millis(300)).await;

    let mut latencies = tokio::task::spawn_blocking(move || probe_health(addr, 100))
        .await
        .unwrap();
    latencies.sort();
    let p50 = latencies[latencies.len() / 2];
    let p99 = latencies[latencies.len() * 99 / 100];
    let max = *latencies.last().unwrap();
    eprintln!("health while {RUNS} guests spin: p50 {p50:?}, p99 {p99:?}, max {max:?}");
    assert!(p99 < Duration::from_millis(50), "p99 {p99:?} (max {max:?})");

    let deadline = Instant::now() + SPIN * 4;
    for id in &ids {
        loop {
            let execution = store.execution(ORG, id).await.unwrap().unwrap();
            if execution.status != ExecutionStatus::Running
                && execution.status != ExecutionStatus::Waiting
            {
                break;
            }
            assert!(Instant::now() < deadline, "{id} did not finish");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    worker.shutdown().await;
    for id in &ids {
        let steps = store.steps(ORG, id).await.unwrap();
        let spins: Vec<_> = steps.iter().filter(|s| s.node_id == "spin").collect();
        assert_eq!(spins.len(), 1, "{id}: {spins:?}");
        assert_eq!(spins[0].attempt, 1, "{id} ran its step more than once");
        assert_eq!(
            spins[0].error_kind.as_deref(),
            Some("timeout"),
            "{:?}",
            spins[0]
        );
    }
}
