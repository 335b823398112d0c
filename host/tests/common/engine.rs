//! An engine over a real store, real plugins and a manual clock, for tests.

use std::sync::Arc;
use std::time::{Duration, Instant};

use atlas::capabilities::{AiConfig, NetworkPolicy};
use atlas::engine::{Engine, EngineConfig, ManualClock, StartRequest, WorkerHandle};
use atlas::runtime::PluginRegistry;
use atlas::store::{ExecutionRecord, ExecutionStatus, Org, StepRecord, Store};
use serde_json::{Value, json};

use super::{PgDatabase, component_bytes, postgres_store, runtime_with_ai, sqlite_store};

/// Which database a test runs on.
#[derive(Debug, Clone, Copy)]
pub enum Db {
    Sqlite,
    Postgres,
}

/// Keeps a test database alive.
pub enum DbGuard {
    Sqlite(tempfile::TempDir),
    Postgres(PgDatabase),
}

/// An engine, its worker and clock.
pub struct TestEngine {
    pub engine: Engine,
    pub runtime: Arc<atlas::runtime::Runtime>,
    pub registry: Arc<PluginRegistry>,
    pub marketplace: Arc<atlas::marketplace::Marketplace>,
    pub clock: Arc<ManualClock>,
    pub store: Store,
    worker: Option<WorkerHandle>,
    _db: DbGuard,
}

/// 2026-03-02 09:00:00 UTC, a Monday.
pub const START_MS: i64 = 1_772_442_000_000;

pub const ORG: &str = "org-test";

impl TestEngine {
    /// An engine with the webhook and test plugins loaded and a worker running.
    pub async fn start(db: Db) -> Self {
        Self::start_with(db, &["webhook-send", "test-noop", "test-message"], None).await
    }

    /// An engine with the built components `components` loaded, the `ai`
    /// capability pointed at `ai` when given, and a worker running.
    pub async fn start_with(db: Db, components: &[&str], ai: Option<AiConfig>) -> Self {
        let _ = tracing_subscriber::fmt()
            .with_env_filter(tracing_subscriber::EnvFilter::new(
                std::env::var("ATLAS_LOG").unwrap_or_else(|_| "atlas=warn".into()),
            ))
            .with_test_writer()
            .try_init();
        let (store, guard) = match db {
            Db::Sqlite => {
                let (store, dir) = sqlite_store().await;
                (store, DbGuard::Sqlite(dir))
            }
            Db::Postgres => {
                let (store, pg) = postgres_store().await;
                (store, DbGuard::Postgres(pg))
            }
        };
        store
            .ensure_org(&Org {
                id: ORG.into(),
                name: "Test Gym".into(),
                time_zone: "Europe/London".into(),
            })
            .await
            .unwrap();
        let runtime = Arc::new(runtime_with_ai(
            store.clone(),
            NetworkPolicy::allowing_loopback(),
            ai.unwrap_or_default(),
        ));
        let registry = Arc::new(PluginRegistry::new());
        let marketplace = super::marketplace_over(&store, &runtime, &registry).await;
        for &name in components {
            marketplace
                .publish_builtin(&component_bytes(name))
                .await
                .unwrap_or_else(|e| panic!("publishing {name}: {e}"));
        }
        let clock = Arc::new(ManualClock::new(START_MS));
        let engine = Engine::new(
            store.clone(),
            marketplace.clone(),
            clock.clone(),
            EngineConfig {
                poll_interval: Duration::from_millis(20),
                lease: Duration::from_secs(5),
                ..EngineConfig::default()
            },
        );
        let worker = Some(engine.spawn_worker());
        Self {
            engine,
            runtime,
            registry,
            marketplace,
            clock,
            store,
            worker,
            _db: guard,
        }
    }

    /// Saves and activates a workflow; returns its id.
    pub async fn workflow(&self, id: &str, document: Value) -> String {
        atlas::graph::parse_workflow(&document.to_string()).unwrap_or_else(|p| panic!("{p:?}"));
        self.store
            .save_workflow(ORG, id, "test", &document, "test")
            .await
            .unwrap();
        self.store
            .set_workflow_status(ORG, id, "active")
            .await
            .unwrap();
        id.to_string()
    }

    /// Starts the workflow for a contact.
    pub async fn run(&self, workflow: &str, contact: Value, trigger: Value) -> String {
        self.engine
            .start(StartRequest {
                org_id: ORG.into(),
                workflow_id: workflow.into(),
                trigger,
                contact: Some(contact),
                test_mode: false,
                force: false,
            })
            .await
            .unwrap()
            .expect("started")
    }

    /// Moves the clock and wakes the worker.
    pub fn advance(&self, by: Duration) {
        self.clock.advance(by);
        self.engine.wake();
    }

    /// Moves the clock only while no job is leased, so a step in flight never
    /// sees its lease expire (which would run it a second time); otherwise
    /// just wakes the worker.
    pub async fn advance_when_idle(&self, by: Duration) {
        use atlas::engine::Clock as _;
        let (_, leased) = self.store.queue_depth(self.clock.now_ms()).await.unwrap();
        if leased == 0 {
            self.advance(by);
        } else {
            self.engine.wake();
        }
    }

    /// Polls until the execution satisfies `done`, or panics after 20 s.
    pub async fn wait_until(
        &self,
        id: &str,
        done: impl Fn(&ExecutionRecord) -> bool,
    ) -> ExecutionRecord {
        let started = Instant::now();
        loop {
            let execution = self
                .store
                .execution(ORG, id)
                .await
                .unwrap()
                .expect("execution exists");
            if done(&execution) {
                return execution;
            }
            assert!(
                started.elapsed() < Duration::from_secs(20),
                "execution {id} stuck: {execution:?}"
            );
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    }

    /// Waits for the execution to reach `status`.
    pub async fn wait_for(&self, id: &str, status: ExecutionStatus) -> ExecutionRecord {
        self.wait_until(id, |e| e.status == status).await
    }

    /// The execution's steps.
    pub async fn steps(&self, id: &str) -> Vec<StepRecord> {
        self.store.steps(ORG, id).await.unwrap()
    }

    /// Stops the worker.
    pub async fn stop(mut self) {
        if let Some(worker) = self.worker.take() {
            worker.shutdown().await;
        }
    }
}

/// A contact snapshot.
pub fn contact(id: &str) -> Value {
    json!({ "id": id, "first_name": "Ada", "last_name": "Lovelace", "email": "ada@example.com", "phone": "+447700900001", "status": "lead" })
}

/// Node ids visited, in order.
pub fn path(steps: &[StepRecord]) -> Vec<String> {
    steps.iter().map(|s| s.node_id.clone()).collect()
}

/// Runs a test body against SQLite and PostgreSQL.
#[macro_export]
macro_rules! on_both_stores {
    ($name:ident, $body:expr) => {
        mod $name {
            use super::*;

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn sqlite() {
                ($body)(common::engine::Db::Sqlite).await;
            }

            #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
            async fn postgres() {
                ($body)(common::engine::Db::Postgres).await;
            }
        }
    };
}
