//! Persistence behind one type for both databases: embedded SQLite (the default,
//! one file in the data directory) and PostgreSQL (many workers). Each file in
//! this module owns one concept; every query is scoped to an org.

mod ai;
pub mod analytics;
mod api_keys;
mod audit;
pub mod crm;
mod deliveries;
mod events;
mod execution_list;
mod executions;
mod ingested_events;
mod jobs;
mod kv;
mod kv_quota;
pub mod marketplace;
mod master_key;
mod orgs;
mod reserved_ids;
mod schedules;
mod secrets;
mod tenant;
mod transitions;
mod waits;
mod workflow_hooks;
mod workflow_list;
mod workflows;

use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context as _;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePoolOptions, SqliteSynchronous};
use sqlx::{PgPool, SqlitePool};

pub use ai::{AiOrgSettings, AiUsage};
pub use api_keys::{ApiKeyRecord, NewApiKey};
pub use audit::{AuditEntry, AuditRecord};
pub use deliveries::{DELIVERY_EVENT, DeliveryRecord, DeliveryTarget, NewDelivery};
pub use events::EventRecord;
pub use execution_list::ExecutionFilter;
pub use executions::{ExecutionRecord, ExecutionStatus, StepRecord, StepStatus};
pub use ingested_events::EventClaim;
pub use jobs::{Job, NewJob};
pub use kv_quota::{KvQuota, KvQuotaExceeded, KvUsage};
pub use master_key::load_or_create_master_key;
pub use orgs::{CreateOrgError, Org, OrgRecord};
pub use reserved_ids::{PLATFORM_ORG, RESERVED_ORG_IDS, check_not_reserved, is_reserved_org_id};
pub use schedules::Schedule;
pub use secrets::SecretCipher;
pub use transitions::{
    AdvancedSchedule, ConsumedJob, ConsumedWait, ExecutionUpdate, NewEvent, NewWait, Transition,
    WaitRemoval,
};
pub use workflow_list::{WorkflowFilter, WorkflowRunStats, WorkflowSummary};
pub use workflows::{SaveResult, VersionSummary, WorkflowRecord, WorkflowSave};

/// The connection pool of whichever database is configured.
#[derive(Debug, Clone)]
pub enum Pool {
    /// Embedded SQLite in WAL mode.
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the concrete pool; the SQL must use `$1`-style
/// parameters, which both SQLite and PostgreSQL accept.
macro_rules! with_pool {
    ($pool:expr, $p:ident => $body:expr) => {
        match $pool {
            $crate::store::Pool::Sqlite($p) => $body,
            $crate::store::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use with_pool;

/// The database plus the key that encrypts secrets at rest.
#[derive(Clone)]
pub struct Store {
    pool: Pool,
    cipher: SecretCipher,
    /// One analytics rollup pass at a time in this process.
    rollup_lock: std::sync::Arc<tokio::sync::Mutex<()>>,
}

impl std::fmt::Debug for Store {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Store")
            .field("pool", &self.pool)
            .finish_non_exhaustive()
    }
}

impl Store {
    /// Connects to `url` (`sqlite://path`, `sqlite::memory:` or `postgres://…`)
    /// and applies pending migrations.
    pub async fn open(url: &str, cipher: SecretCipher) -> anyhow::Result<Self> {
        let pool = if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            let options = PgConnectOptions::from_str(url).context("parsing the PostgreSQL URL")?;
            // One direct connection first, so a wrong URL fails at once with
            // the server's answer instead of after the pool's acquire timeout.
            sqlx::ConnectOptions::connect(&options)
                .await
                .with_context(|| format!("connecting to {}", redact(url)))?;
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                // No ping round trip before every query: a connection the
                // server dropped fails its next query, is discarded, and the
                // engine retries; idle ones are recycled well before servers
                // or proxies usually drop them.
                .test_before_acquire(false)
                .idle_timeout(Duration::from_secs(60))
                .connect_with(options)
                .await
                .with_context(|| format!("connecting to {}", redact(url)))?;
            Pool::Postgres(pool)
        } else if url.starts_with("sqlite:") {
            let memory = url.contains(":memory:");
            let options = SqliteConnectOptions::from_str(url)
                .context("parsing the SQLite URL")?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .busy_timeout(Duration::from_secs(10))
                .foreign_keys(true);
            let pool = SqlitePoolOptions::new()
                // An in-memory database lives in one connection.
                .max_connections(if memory { 1 } else { 8 })
                .min_connections(if memory { 1 } else { 0 })
                .idle_timeout(None)
                .max_lifetime(None)
                // An embedded connection cannot drop: skip the ping (a round
                // trip to the connection's thread) before every query.
                .test_before_acquire(false)
                .connect_with(options)
                .await
                .with_context(|| format!("opening {url}"))?;
            Pool::Sqlite(pool)
        } else {
            anyhow::bail!(
                "unsupported database URL `{}`: use sqlite://PATH or postgres://…",
                redact(url)
            );
        };
        let store = Self {
            pool,
            cipher,
            rollup_lock: Default::default(),
        };
        store.migrate().await?;
        Ok(store)
    }

    /// The SQLite database file `atlas.db` inside `data_dir`, created when missing.
    pub async fn open_in_dir(data_dir: &Path, cipher: SecretCipher) -> anyhow::Result<Self> {
        std::fs::create_dir_all(data_dir)
            .with_context(|| format!("creating the data directory {}", data_dir.display()))?;
        let url = format!("sqlite://{}", data_dir.join("atlas.db").display());
        Self::open(&url, cipher).await
    }

    /// Applies the migrations of this database's dialect.
    pub async fn migrate(&self) -> anyhow::Result<()> {
        match &self.pool {
            Pool::Sqlite(p) => sqlx::migrate!("../migrations/sqlite").run(p).await,
            Pool::Postgres(p) => sqlx::migrate!("../migrations/postgres").run(p).await,
        }
        .context("applying database migrations")
    }

    /// The underlying pool.
    pub fn pool(&self) -> &Pool {
        &self.pool
    }

    /// `"sqlite"` or `"postgres"`.
    pub fn dialect(&self) -> &'static str {
        match self.pool {
            Pool::Sqlite(_) => "sqlite",
            Pool::Postgres(_) => "postgres",
        }
    }

    /// Closes every connection (a clean shutdown).
    pub async fn close(&self) {
        match &self.pool {
            Pool::Sqlite(p) => p.close().await,
            Pool::Postgres(p) => p.close().await,
        }
    }

    /// Runs a trivial query: is the database answering?
    pub async fn ping(&self) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query("SELECT 1").execute(p).await.map(|_| ()))?;
        Ok(())
    }
}

/// Milliseconds since the Unix epoch, for `*_at` columns.
/// Milliseconds since the Unix epoch by the system clock.
pub fn now_ms() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0)
}

/// A database URL with any password replaced, for messages.
pub fn redact(url: &str) -> String {
    match url::Url::parse(url) {
        Ok(mut u) if u.password().is_some() => {
            let _ = u.set_password(Some("****"));
            u.to_string()
        }
        _ => url.to_string(),
    }
}
