//! Executions (one contact going through one workflow version) and their steps,
//! as stored. Reads here; writes go through [`super::Transition`].

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use super::{Store, with_pool};

/// Where an execution stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ExecutionStatus {
    /// A step is due or running.
    Running,
    /// Parked on a delay, a wait or an event.
    Waiting,
    /// Reached an exit or the end of a path.
    Completed,
    /// A step failed with no error edge.
    Failed,
    /// Cancelled by a user.
    Cancelled,
}

impl ExecutionStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Running => "running",
            Self::Waiting => "waiting",
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Cancelled => "cancelled",
        }
    }

    /// Parses a stored name.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "running" => Self::Running,
            "waiting" => Self::Waiting,
            "completed" => Self::Completed,
            "failed" => Self::Failed,
            "cancelled" => Self::Cancelled,
            _ => return None,
        })
    }

    /// True once nothing more will happen.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Completed | Self::Failed | Self::Cancelled)
    }
}

/// An execution row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ExecutionRecord {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// The workflow version it runs (pinned at start).
    pub workflow_version: i64,
    /// The contact, when the trigger concerns one.
    pub contact_id: Option<String>,
    /// Status.
    pub status: ExecutionStatus,
    /// Test run: actions must not send.
    pub test_mode: bool,
    /// Trigger payload.
    pub trigger: Value,
    /// Contact snapshot taken at start.
    pub contact: Option<Value>,
    /// Outputs of completed steps and split choices: `{"steps": {...}}`.
    pub context: Value,
    /// The node it is at.
    pub current_node: Option<String>,
    /// Sequence number the next step gets.
    pub next_seq: i64,
    /// The error that failed it.
    pub error: Option<String>,
    /// Start time (ms since the Unix epoch).
    pub started_at: i64,
    /// Last change.
    pub updated_at: i64,
    /// End time.
    pub finished_at: Option<i64>,
}

/// Outcome of one step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepStatus {
    /// Done; its outcome chose the next node.
    Completed,
    /// Failed after its last attempt.
    Failed,
    /// Not run (cancelled or jumped over).
    Skipped,
}

impl StepStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Completed => "completed",
            Self::Failed => "failed",
            Self::Skipped => "skipped",
        }
    }
}

/// A step row: one node visited by an execution.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct StepRecord {
    /// Execution.
    pub execution_id: String,
    /// Position in the execution (1-based); part of the idempotency key.
    pub seq: i64,
    /// Tenant.
    pub org_id: String,
    /// Node visited.
    pub node_id: String,
    /// Node kind.
    pub kind: String,
    /// Status.
    pub status: String,
    /// Attempts made.
    pub attempt: i64,
    /// Outcome followed.
    pub outcome: Option<String>,
    /// Input after templating (actions).
    pub input: Option<Value>,
    /// Output (actions).
    pub output: Option<Value>,
    /// Error message.
    pub error: Option<String>,
    /// Error kind (`timeout`, `fatal`, ...).
    pub error_kind: Option<String>,
    /// Fuel used (actions).
    pub fuel: i64,
    /// Worker that ran it.
    pub worker: String,
    /// Start (ms).
    pub started_at: i64,
    /// End (ms).
    pub finished_at: i64,
}

/// Parses a JSON text column.
pub(super) fn json_column(text: Option<String>) -> Option<Value> {
    text.and_then(|t| serde_json::from_str(&t).ok())
}

/// Builds an [`ExecutionRecord`] from a row selecting [`EXECUTION_COLUMNS`].
macro_rules! execution_from_row {
    ($r:expr) => {{
        let r = $r;
        let status: String = r.try_get("status")?;
        ExecutionRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            workflow_id: r.try_get("workflow_id")?,
            workflow_version: r.try_get("workflow_version")?,
            contact_id: r.try_get("contact_id")?,
            status: ExecutionStatus::parse(&status).unwrap_or(ExecutionStatus::Failed),
            test_mode: r.try_get("test_mode")?,
            trigger: json_column(r.try_get("trigger_data")?).unwrap_or(Value::Null),
            contact: json_column(r.try_get("contact")?),
            context: json_column(r.try_get("context")?).unwrap_or_else(|| serde_json::json!({})),
            current_node: r.try_get("current_node")?,
            next_seq: r.try_get("next_seq")?,
            error: r.try_get("error")?,
            started_at: r.try_get("started_at")?,
            updated_at: r.try_get("updated_at")?,
            finished_at: r.try_get("finished_at")?,
        }
    }};
}

pub(super) use execution_from_row;

/// The columns [`execution_from_row`] reads.
pub(super) const EXECUTION_COLUMNS: &str = "id, org_id, workflow_id, workflow_version, contact_id, status, test_mode, trigger_data, contact, context, current_node, next_seq, error, started_at, updated_at, finished_at";

impl Store {
    /// One execution of an org.
    pub async fn execution(&self, org: &str, id: &str) -> anyhow::Result<Option<ExecutionRecord>> {
        let sql =
            format!("SELECT {EXECUTION_COLUMNS} FROM executions WHERE org_id = $1 AND id = $2");
        let row = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(execution_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(row)
    }

    /// Executions of an org, newest first, optionally of one workflow and status.
    pub async fn executions(
        &self,
        org: &str,
        workflow: Option<&str>,
        status: Option<ExecutionStatus>,
        limit: i64,
    ) -> anyhow::Result<Vec<ExecutionRecord>> {
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions WHERE org_id = $1
             AND ($2 IS NULL OR workflow_id = $2) AND ($3 IS NULL OR status = $3)
             ORDER BY started_at DESC, id DESC LIMIT $4"
        );
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql)
                .bind(org)
                .bind(workflow)
                .bind(status.map(ExecutionStatus::as_str))
                .bind(limit)
                .fetch_all(p)
                .await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(execution_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Number of executions of a workflow in each status.
    pub async fn execution_counts(
        &self,
        org: &str,
        workflow: &str,
    ) -> anyhow::Result<Vec<(String, i64)>> {
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT status, COUNT(*) AS n FROM executions WHERE org_id = $1 AND workflow_id = $2 GROUP BY status ORDER BY status",
            )
            .bind(org)
            .bind(workflow)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| Ok::<_, sqlx::Error>((r.try_get::<String, _>("status")?, r.try_get::<i64, _>("n")?)))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// The steps of an execution, in order.
    pub async fn steps(&self, org: &str, execution: &str) -> anyhow::Result<Vec<StepRecord>> {
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT execution_id, seq, org_id, node_id, kind, status, attempt, outcome, input, output, error, error_kind, fuel, worker, started_at, finished_at
                 FROM steps WHERE org_id = $1 AND execution_id = $2 ORDER BY seq",
            )
            .bind(org)
            .bind(execution)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok::<_, sqlx::Error>(StepRecord {
                        execution_id: r.try_get("execution_id")?,
                        seq: r.try_get("seq")?,
                        org_id: r.try_get("org_id")?,
                        node_id: r.try_get("node_id")?,
                        kind: r.try_get("kind")?,
                        status: r.try_get("status")?,
                        attempt: r.try_get("attempt")?,
                        outcome: r.try_get("outcome")?,
                        input: json_column(r.try_get("input")?),
                        output: json_column(r.try_get("output")?),
                        error: r.try_get("error")?,
                        error_kind: r.try_get("error_kind")?,
                        fuel: r.try_get("fuel")?,
                        worker: r.try_get("worker")?,
                        started_at: r.try_get("started_at")?,
                        finished_at: r.try_get("finished_at")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}

impl Store {
    /// When `contact` last entered `workflow`, if ever (for re-entry policies).
    pub async fn last_entry(
        &self,
        org: &str,
        workflow: &str,
        contact: &str,
    ) -> anyhow::Result<Option<i64>> {
        let at = with_pool!(&self.pool, p => sqlx::query(
            "SELECT MAX(started_at) AS at FROM executions WHERE org_id = $1 AND workflow_id = $2 AND contact_id = $3 AND test_mode = $4",
        )
        .bind(org)
        .bind(workflow)
        .bind(contact)
        .bind(false)
        .fetch_one(p)
        .await
        .and_then(|r| r.try_get::<Option<i64>, _>("at")))?;
        Ok(at)
    }
}

impl Store {
    /// Start-to-finish durations (ms) of a workflow's completed executions started at or after `since`.
    pub async fn execution_durations(
        &self,
        org: &str,
        workflow: &str,
        since: i64,
    ) -> anyhow::Result<Vec<i64>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT finished_at - started_at AS d FROM executions WHERE org_id = $1 AND workflow_id = $2 AND started_at >= $3 AND finished_at IS NOT NULL",
        )
        .bind(org)
        .bind(workflow)
        .bind(since)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| r.try_get::<i64, _>("d")).collect::<Result<Vec<_>, _>>()))?;
        Ok(rows)
    }
}

impl Store {
    /// Running or waiting executions of a contact.
    pub async fn open_executions_of(
        &self,
        org: &str,
        contact: &str,
    ) -> anyhow::Result<Vec<ExecutionRecord>> {
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions WHERE org_id = $1 AND contact_id = $2 AND status IN ('running', 'waiting') ORDER BY started_at"
        );
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(contact).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(execution_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}
