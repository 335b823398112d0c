//! Durability proofs with real processes: a worker killed with SIGKILL under
//! load, three workers sharing PostgreSQL, and 10,000 timers surviving a restart.

mod common;

use std::collections::HashMap;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas::capabilities::NetworkPolicy;
use atlas::engine::{Engine, EngineConfig, StartRequest, SystemClock};
use atlas::runtime::PluginRegistry;
use atlas::store::{Org, Pool, SecretCipher, Store};
use common::recorder::{Recorder, Reply};
use common::{PgDatabase, component_bytes, repo_root, runtime_over};
use serde_json::{Value, json};
use sqlx::Row;

const ORG: &str = "org-durable";

/// The deployment's master key, shared by the test's own engine and every
/// `atlas worker` it starts (`ATLAS_MASTER_KEY`), as the nodes of one
/// deployment share theirs: the built-in publisher's key derives from it.
const MASTER_KEY: [u8; 32] = [0; 32];

/// These tests each load both cores; run them one at a time so timings
/// measure the engine, not the other tests.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

async fn engine_over(store: Store, worker_id: &str) -> Engine {
    let runtime = Arc::new(runtime_over(
        store.clone(),
        NetworkPolicy::allowing_loopback(),
    ));
    let registry = Arc::new(PluginRegistry::new());
    let marketplace = common::marketplace_over(&store, &runtime, &registry).await;
    for name in ["webhook-send", "test-noop"] {
        marketplace
            .publish_builtin(&component_bytes(name))
            .await
            .unwrap();
    }
    Engine::new(
        store,
        marketplace,
        Arc::new(SystemClock),
        EngineConfig {
            worker_id: worker_id.into(),
            lease: Duration::from_secs(2),
            poll_interval: Duration::from_millis(50),
            max_in_flight: 32,
        },
    )
}

async fn prepare(store: &Store, workflow: &str, nodes: Value, edges: Value) {
    store
        .ensure_org(&Org {
            id: ORG.into(),
            name: "Durable Gym".into(),
            time_zone: "UTC".into(),
        })
        .await
        .unwrap();
    let document = json!({ "name": workflow, "nodes": nodes, "edges": edges });
    atlas::graph::parse_workflow(&document.to_string()).unwrap();
    store
        .save_workflow(ORG, workflow, workflow, &document, "test")
        .await
        .unwrap();
    store
        .set_workflow_status(ORG, workflow, "active")
        .await
        .unwrap();
}

async fn start_many(engine: &Engine, workflow: &str, count: usize) -> Vec<String> {
    let mut ids = Vec::with_capacity(count);
    let mut pending = tokio::task::JoinSet::new();
    for i in 0..count {
        let engine = engine.clone();
        let workflow = workflow.to_string();
        pending.spawn(async move {
            engine
                .start(StartRequest {
                    org_id: ORG.into(),
                    workflow_id: workflow,
                    trigger: json!({ "n": i }),
                    contact: Some(json!({ "id": format!("c{i}"), "first_name": "Ada" })),
                    test_mode: false,
                    force: true,
                })
                .await
                .unwrap()
                .unwrap()
        });
        if pending.len() >= 256 {
            ids.push(pending.join_next().await.unwrap().unwrap());
        }
    }
    while let Some(id) = pending.join_next().await {
        ids.push(id.unwrap());
    }
    ids
}

async fn count(store: &Store, sql: &str) -> i64 {
    match store.pool() {
        Pool::Postgres(p) => sqlx::query(sql)
            .fetch_one(p)
            .await
            .unwrap()
            .get::<i64, _>(0),
        Pool::Sqlite(p) => sqlx::query(sql)
            .fetch_one(p)
            .await
            .unwrap()
            .get::<i64, _>(0),
    }
}

async fn wait_all_completed(store: &Store, total: i64, limit: Duration) {
    let started = Instant::now();
    loop {
        let done = count(
            store,
            "SELECT COUNT(*) FROM executions WHERE status = 'completed'",
        )
        .await;
        if done == total {
            return;
        }
        assert!(
            started.elapsed() < limit,
            "only {done} of {total} executions completed"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

fn spawn_worker(database_url: &str, id: &str, data_dir: &std::path::Path) -> Child {
    Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args([
            "worker",
            "--database-url",
            database_url,
            "--worker-id",
            id,
            "--lease-ms",
            "1500",
            "--concurrency",
            "16",
        ])
        .arg("--plugins-dir")
        .arg(repo_root().join("target/components"))
        .arg("--plugins-dir")
        .arg(repo_root().join("target/test-components"))
        .args(["--allow-net", "127.0.0.0/8"])
        .arg("--data-dir")
        .arg(data_dir)
        .env("ATLAS_LOG", "error")
        .env("ATLAS_MASTER_KEY", hex::encode(MASTER_KEY))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("spawning atlas worker")
}

fn webhook_flow(url: &str) -> (Value, Value) {
    (
        json!([
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "manual" } },
            { "id": "call", "kind": "action", "position": {"x": 0, "y": 0},
              "config": { "plugin": "atlas.webhook.send", "version": "0.1.0", "input": { "url": url, "body": { "n": "{{trigger.n}}" } } } },
            { "id": "end", "kind": "exit", "position": {"x": 0, "y": 0}, "config": {} }
        ]),
        json!([
            { "id": "e1", "source": "start", "target": "call", "outcome": "next" },
            { "id": "e2", "source": "call", "target": "end", "outcome": "success" }
        ]),
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_worker_killed_mid_load_loses_nothing_and_reruns_with_the_same_key() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let db = PgDatabase::create().await;
    let store = Store::open(&db.url, SecretCipher::new(&MASTER_KEY))
        .await
        .unwrap();
    let server =
        Recorder::start(Reply::json(json!({ "ok": true })).after(Duration::from_millis(5))).await;
    let (nodes, edges) = webhook_flow(&server.url("/record"));
    prepare(&store, "crash", nodes, edges).await;
    let producer = engine_over(store.clone(), "producer").await;
    let ids = start_many(&producer, "crash", 1_000).await;

    let data = tempfile::tempdir().unwrap();
    let mut first = spawn_worker(&db.url, "first", data.path());
    let started = Instant::now();
    while server.requests().len() < 300 {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "the first worker made no progress"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    first.kill().unwrap();
    first.wait().unwrap();
    let killed_at = server.requests().len();
    assert!(killed_at < 1_000, "killed in the middle of the load");

    let mut second = spawn_worker(&db.url, "second", data.path());
    wait_all_completed(&store, 1_000, Duration::from_secs(120)).await;
    second.kill().unwrap();
    second.wait().unwrap();

    // Exactly one completed webhook step per execution.
    let calls = count(
        &store,
        "SELECT COUNT(*) FROM steps WHERE node_id = 'call' AND status = 'completed'",
    )
    .await;
    assert_eq!(calls, 1_000);
    let dupes = count(&store, "SELECT COUNT(*) FROM (SELECT execution_id, node_id FROM steps GROUP BY execution_id, node_id HAVING COUNT(*) > 1) d").await;
    assert_eq!(dupes, 0);

    // Every request carried its step's key; a key sent twice belongs to a step
    // that was in flight at the kill, which the second worker then completed.
    let requests = server.requests();
    let mut sends: HashMap<String, Vec<usize>> = HashMap::new();
    for (i, r) in requests.iter().enumerate() {
        sends
            .entry(r.header("idempotency-key").unwrap())
            .or_default()
            .push(i);
    }
    let expected: std::collections::HashSet<String> =
        ids.iter().map(|id| format!("{id}:2")).collect();
    assert_eq!(
        sends
            .keys()
            .cloned()
            .collect::<std::collections::HashSet<_>>(),
        expected
    );
    let Pool::Postgres(pool) = store.pool() else {
        unreachable!()
    };
    let completed_by: HashMap<String, String> =
        sqlx::query("SELECT execution_id, worker FROM steps WHERE node_id = 'call'")
            .fetch_all(pool)
            .await
            .unwrap()
            .iter()
            .map(|r| {
                (
                    format!("{}:2", r.get::<String, _>(0)),
                    r.get::<String, _>(1),
                )
            })
            .collect();
    let mut rerun = 0;
    for (key, indices) in &sends {
        if indices.len() > 1 {
            rerun += 1;
            assert!(
                indices.iter().any(|&i| i < killed_at),
                "{key} was first sent before the kill"
            );
            assert_eq!(
                completed_by[key], "second",
                "{key} was not completed before the kill"
            );
        }
        if indices.iter().any(|&i| i >= killed_at) && indices.iter().any(|&i| i < killed_at) {
            assert_ne!(
                completed_by[key], "first",
                "a step completed by the killed worker ran again: {key}"
            );
        }
    }
    assert!(
        rerun <= 32,
        "{rerun} steps re-ran; at most the in-flight ones may"
    );
    println!(
        "crash: {killed_at} requests before the kill, {rerun} in-flight steps re-ran with their keys"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn three_workers_share_ten_thousand_executions_exactly_once() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let db = PgDatabase::create().await;
    let store = Store::open(&db.url, SecretCipher::new(&MASTER_KEY))
        .await
        .unwrap();
    prepare(
        &store,
        "fanout",
        json!([
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "manual" } },
            { "id": "work", "kind": "action", "position": {"x": 0, "y": 0},
              "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } },
            { "id": "end", "kind": "exit", "position": {"x": 0, "y": 0}, "config": {} }
        ]),
        json!([
            { "id": "e1", "source": "start", "target": "work", "outcome": "next" },
            { "id": "e2", "source": "work", "target": "end", "outcome": "done" }
        ]),
    )
    .await;
    let data = tempfile::tempdir().unwrap();
    let mut workers: Vec<Child> = (1..=3)
        .map(|n| spawn_worker(&db.url, &format!("w{n}"), data.path()))
        .collect();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    let producer = engine_over(store.clone(), "producer").await;
    let started = Instant::now();
    start_many(&producer, "fanout", 10_000).await;
    wait_all_completed(&store, 10_000, Duration::from_secs(240)).await;
    let elapsed = started.elapsed();
    for w in &mut workers {
        w.kill().unwrap();
        w.wait().unwrap();
    }
    assert_eq!(count(&store, "SELECT COUNT(*) FROM steps").await, 30_000);
    let dupes = count(&store, "SELECT COUNT(*) FROM (SELECT execution_id, node_id FROM steps GROUP BY execution_id, node_id HAVING COUNT(*) > 1) d").await;
    assert_eq!(dupes, 0, "no step completed twice");
    let Pool::Postgres(pool) = store.pool() else {
        unreachable!()
    };
    let spread: Vec<(String, i64)> = sqlx::query(
        "SELECT worker, COUNT(*) FROM steps WHERE node_id = 'work' GROUP BY worker ORDER BY worker",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| (r.get(0), r.get(1)))
    .collect();
    assert_eq!(
        spread.iter().map(|(w, _)| w.as_str()).collect::<Vec<_>>(),
        ["w1", "w2", "w3"],
        "{spread:?}"
    );
    for (worker, n) in &spread {
        assert!(*n >= 500, "{worker} ran only {n} of 10,000");
    }
    println!("three workers: 10,000 executions in {elapsed:?}, spread {spread:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ten_thousand_timers_survive_a_restart_and_fire_on_time() {
    let _serial = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let cipher = SecretCipher::new(&[9u8; 32]);
    let store = Store::open_in_dir(dir.path(), cipher.clone())
        .await
        .unwrap();
    prepare(
        &store,
        "timers",
        json!([
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "manual" } },
            { "id": "wait", "kind": "delay", "position": {"x": 0, "y": 0}, "config": { "duration": "12s" } },
            { "id": "work", "kind": "action", "position": {"x": 0, "y": 0},
              "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ]),
        json!([
            { "id": "e1", "source": "start", "target": "wait", "outcome": "next" },
            { "id": "e2", "source": "wait", "target": "work", "outcome": "next" }
        ]),
    )
    .await;
    let engine = engine_over(store.clone(), "before-restart").await;
    let worker = engine.spawn_worker();
    start_many(&engine, "timers", 10_000).await;
    let started = Instant::now();
    while count(
        &store,
        "SELECT COUNT(*) FROM executions WHERE status = 'waiting'",
    )
    .await
        < 10_000
    {
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "executions did not park"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    worker.shutdown().await;
    drop(engine);
    store.close().await;

    // A new process over the same database file.
    let store = Store::open_in_dir(dir.path(), cipher).await.unwrap();
    assert_eq!(
        count(&store, "SELECT COUNT(*) FROM jobs WHERE reason = 'timer'").await,
        10_000
    );
    let engine = engine_over(store.clone(), "after-restart").await;
    let worker = engine.spawn_worker();
    wait_all_completed(&store, 10_000, Duration::from_secs(120)).await;
    worker.shutdown().await;

    let Pool::Sqlite(pool) = store.pool() else {
        unreachable!()
    };
    let lateness: Vec<i64> = sqlx::query(
        "SELECT w.output, x.started_at FROM steps w JOIN steps x ON x.execution_id = w.execution_id AND x.node_id = 'work' WHERE w.node_id = 'wait'",
    )
    .fetch_all(pool)
    .await
    .unwrap()
    .iter()
    .map(|r| {
        let output: Value = serde_json::from_str(&r.get::<String, _>(0)).unwrap();
        r.get::<i64, _>(1) - output["until"].as_i64().unwrap()
    })
    .collect();
    assert_eq!(lateness.len(), 10_000);
    let worst = *lateness.iter().max().unwrap();
    let early = *lateness.iter().min().unwrap();
    assert!(early >= 0, "a timer fired {}ms early", -early);
    assert!(worst <= 1_000, "a timer fired {worst} ms late");
    println!("timers: 10,000 fired after a restart, worst lateness {worst} ms");
}
