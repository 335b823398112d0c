//! The durable workflow engine.
//!
//! Executions advance through jobs in the database queue. A worker leases a
//! job, runs its node (and the pure flow nodes after it), and commits the step
//! rows, the execution's new state and the next job in one transition before
//! anything else happens. Delays and waits are jobs with a future `run_at`.
//! A job whose worker died is claimed again when its lease expires, with the
//! same step sequence number, so a re-run action sees the same idempotency key.

mod clock;
mod committer;
mod executor;
mod ingest;
mod lifecycle;
mod retry;
mod schedules;
mod scope;
mod worker;
mod workflow_cache;

use std::sync::{Arc, OnceLock};
use std::time::Duration;

use tokio::sync::{Notify, Semaphore, broadcast};

pub use clock::{Clock, ManualClock, SystemClock};
pub use ingest::{CrmEvent, IngestOutcome};
pub use lifecycle::StartRequest;
pub use retry::backoff_ms;
pub use worker::WorkerHandle;

use crate::marketplace::Marketplace;
use crate::runtime::Runtime;
use crate::store::{NewEvent, Store};
use committer::Committer;
pub use workflow_cache::LoadedWorkflow;
use workflow_cache::WorkflowCache;

/// Engine tuning.
#[derive(Debug, Clone)]
pub struct EngineConfig {
    /// This worker's name in leases (unique per process).
    pub worker_id: String,
    /// How long a lease lasts without renewal.
    pub lease: Duration,
    /// Jobs run concurrently by one worker process.
    pub max_in_flight: usize,
    /// Longest an idle worker sleeps before looking for due jobs again.
    pub poll_interval: Duration,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            worker_id: format!(
                "{}-{}-{}",
                hostname(),
                std::process::id(),
                uuid::Uuid::now_v7().simple()
            ),
            lease: Duration::from_secs(30),
            max_in_flight: 64,
            poll_interval: Duration::from_millis(250),
        }
    }
}

fn hostname() -> String {
    std::fs::read_to_string("/proc/sys/kernel/hostname")
        .map(|h| h.trim().to_string())
        .unwrap_or_else(|_| "worker".into())
}

pub(crate) struct EngineInner {
    pub(crate) store: Store,
    pub(crate) runtime: Arc<Runtime>,
    pub(crate) marketplace: Arc<Marketplace>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) committer: Committer,
    pub(crate) events: broadcast::Sender<NewEvent>,
    pub(crate) workflows: WorkflowCache,
    pub(crate) config: EngineConfig,
    pub(crate) wake: Notify,
    /// Jobs this process may run at once (the worker's and inline starts').
    pub(crate) slots: Arc<Semaphore>,
    /// Set once this process runs a worker: new executions then start inline.
    pub(crate) local_worker: OnceLock<()>,
}

/// The engine: starts, advances, resumes and cancels executions.
#[derive(Clone)]
pub struct Engine {
    pub(crate) inner: Arc<EngineInner>,
}

impl Engine {
    /// An engine over `store` running the actions `marketplace` lets each org run.
    pub fn new(
        store: Store,
        marketplace: Arc<Marketplace>,
        clock: Arc<dyn Clock>,
        config: EngineConfig,
    ) -> Self {
        let runtime = marketplace.runtime().clone();
        let (events, _) = broadcast::channel(4096);
        let committer = Committer::start(store.clone(), events.clone());
        Self {
            inner: Arc::new(EngineInner {
                workflows: WorkflowCache::new(store.clone()),
                store,
                runtime,
                marketplace,
                clock,
                committer,
                events,
                slots: Arc::new(Semaphore::new(config.max_in_flight)),
                config,
                wake: Notify::new(),
                local_worker: OnceLock::new(),
            }),
        }
    }

    /// The marketplace: which actions each org may run.
    pub fn marketplace(&self) -> &Arc<Marketplace> {
        &self.inner.marketplace
    }

    /// Transition events as they are committed (for live views).
    pub fn subscribe(&self) -> broadcast::Receiver<NewEvent> {
        self.inner.events.subscribe()
    }

    /// Wakes idle workers of this process (after the clock moved, or new work).
    pub fn wake(&self) {
        self.inner.wake.notify_waiters();
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// Workflow `id` at `version`, compiled once and cached (versions are immutable).
    pub async fn workflow(
        &self,
        org: &str,
        id: &str,
        version: i64,
    ) -> anyhow::Result<Arc<LoadedWorkflow>> {
        self.inner.workflows.get(org, id, version).await
    }

    /// The engine's clock.
    pub fn now_ms(&self) -> i64 {
        self.inner.clock.now_ms()
    }

    /// Hands events committed outside a transition (delivery receipts) to
    /// this process's live views, as committed transitions' events are.
    pub fn announce(&self, events: Vec<NewEvent>) {
        for event in events {
            let _ = self.inner.events.send(event);
        }
    }

    /// The plugin id of action node `node` in a version of a workflow;
    /// `None` when the node is missing or is not an action.
    pub async fn action_plugin(
        &self,
        org: &str,
        workflow: &str,
        version: i64,
        node: &str,
    ) -> anyhow::Result<Option<String>> {
        let loaded = self.inner.workflows.get(org, workflow, version).await?;
        Ok(match loaded.graph.node(node).map(|n| &n.kind) {
            Some(crate::graph::NodeKind::Action(config)) => Some(config.plugin.clone()),
            _ => None,
        })
    }

    /// This process's worker id.
    pub fn worker_id(&self) -> &str {
        &self.inner.config.worker_id
    }
}
