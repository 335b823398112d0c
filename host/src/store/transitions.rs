//! A transition is everything one engine step changes, written atomically:
//! the job it consumes, the step rows, the execution's new state, the jobs it
//! schedules, the event waits it adds or removes and the events it emits.
//! Several transitions can share one database transaction (group commit);
//! each is applied entirely or, when its job's lease was lost, not at all.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::executions::{ExecutionRecord, ExecutionStatus, StepRecord};
use super::jobs::NewJob;
use super::{Store, with_pool};

/// The job a transition completes, and who must still hold its lease. An
/// execution has at most one job at a time, so (execution, seq) names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumedJob {
    /// Execution.
    pub execution_id: String,
    /// Step sequence number of the job.
    pub seq: i64,
    /// The worker that leased it.
    pub lease_owner: String,
}

/// A wait a transition resolves; the transition is dropped if it is gone
/// (another event or the timeout resolved it first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsumedWait {
    /// Execution.
    pub execution_id: String,
    /// The waiting node (wait-for-event or goal).
    pub node_id: String,
}

/// Which waits of an execution to remove.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum WaitRemoval {
    /// Wait-for-event waits only (goals keep watching).
    EventWaits,
    /// Everything, goals included (the execution is over).
    All,
}

/// New values for an execution row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecutionUpdate {
    /// Execution id.
    pub id: String,
    /// New status.
    pub status: ExecutionStatus,
    /// Node it is at.
    pub current_node: Option<String>,
    /// New context document, when it changed.
    pub context: Option<Value>,
    /// Next step sequence number.
    pub next_seq: i64,
    /// Error that failed it.
    pub error: Option<String>,
    /// Set when it finished.
    pub finished_at: Option<i64>,
    /// Now.
    pub updated_at: i64,
}

/// A wait for a CRM event (wait-for-event node, or a goal).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewWait {
    /// Execution waiting.
    pub execution_id: String,
    /// Tenant.
    pub org_id: String,
    /// Contact whose event it waits for.
    pub contact_id: String,
    /// Event name (`booking_created`, ...).
    pub event: String,
    /// The node to resume at.
    pub node_id: String,
    /// `wait` or `goal`.
    pub kind: String,
}

/// A transition event, persisted and published.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewEvent {
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// Execution.
    pub execution_id: String,
    /// Node, when the event concerns one.
    pub node_id: Option<String>,
    /// `execution.started`, `step.completed`, ...
    pub kind: String,
    /// Details.
    pub detail: Value,
    /// When.
    pub at: i64,
}

/// Everything one engine step changes.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// The job this completes; the transition is dropped if its lease was lost.
    pub consume_job: Option<ConsumedJob>,
    /// The wait this resolves; the transition is dropped if it is gone.
    pub consume_wait: Option<ConsumedWait>,
    /// A new execution to insert (a trigger accepted).
    pub new_execution: Option<ExecutionRecord>,
    /// Step rows to insert.
    pub steps: Vec<StepRecord>,
    /// Execution row update.
    pub update: Option<ExecutionUpdate>,
    /// Remove every other pending job of this execution (cancel, goal jump, event resume).
    pub clear_jobs_of: Option<String>,
    /// Jobs to enqueue.
    pub jobs: Vec<NewJob>,
    /// Remove waits of this execution.
    pub clear_waits_of: Option<(String, WaitRemoval)>,
    /// Waits to add.
    pub waits: Vec<NewWait>,
    /// Events to record.
    pub events: Vec<NewEvent>,
}

impl Store {
    /// Commits `transitions` in one database transaction. Returns, per
    /// transition, whether it was applied (false: its job's lease was lost).
    pub async fn commit_transitions(
        &self,
        transitions: &[Transition],
    ) -> anyhow::Result<Vec<bool>> {
        let mut applied = Vec::with_capacity(transitions.len());
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            for t in transitions {
                if let Some(job) = &t.consume_job {
                    let deleted = sqlx::query("DELETE FROM jobs WHERE execution_id = $1 AND seq = $2 AND lease_owner = $3")
                        .bind(&job.execution_id)
                        .bind(job.seq)
                        .bind(&job.lease_owner)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if deleted != 1 {
                        applied.push(false);
                        continue;
                    }
                }
                if let Some(wait) = &t.consume_wait {
                    let deleted = sqlx::query("DELETE FROM waits WHERE execution_id = $1 AND node_id = $2")
                        .bind(&wait.execution_id)
                        .bind(&wait.node_id)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                    if deleted != 1 {
                        applied.push(false);
                        continue;
                    }
                }
                if let Some(e) = &t.new_execution {
                    sqlx::query(
                        "INSERT INTO executions (id, org_id, workflow_id, workflow_version, contact_id, status, test_mode, trigger_data, contact, context, current_node, next_seq, error, started_at, updated_at, finished_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                    )
                    .bind(&e.id)
                    .bind(&e.org_id)
                    .bind(&e.workflow_id)
                    .bind(e.workflow_version)
                    .bind(&e.contact_id)
                    .bind(e.status.as_str())
                    .bind(e.test_mode)
                    .bind(e.trigger.to_string())
                    .bind(e.contact.as_ref().map(Value::to_string))
                    .bind(e.context.to_string())
                    .bind(&e.current_node)
                    .bind(e.next_seq)
                    .bind(&e.error)
                    .bind(e.started_at)
                    .bind(e.updated_at)
                    .bind(e.finished_at)
                    .execute(&mut *tx)
                    .await?;
                }
                for s in &t.steps {
                    sqlx::query(
                        "INSERT INTO steps (execution_id, seq, org_id, node_id, kind, status, attempt, outcome, input, output, error, error_kind, fuel, worker, started_at, finished_at)
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)",
                    )
                    .bind(&s.execution_id)
                    .bind(s.seq)
                    .bind(&s.org_id)
                    .bind(&s.node_id)
                    .bind(&s.kind)
                    .bind(&s.status)
                    .bind(s.attempt)
                    .bind(&s.outcome)
                    .bind(s.input.as_ref().map(Value::to_string))
                    .bind(s.output.as_ref().map(Value::to_string))
                    .bind(&s.error)
                    .bind(&s.error_kind)
                    .bind(s.fuel)
                    .bind(&s.worker)
                    .bind(s.started_at)
                    .bind(s.finished_at)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(u) = &t.update {
                    sqlx::query(
                        "UPDATE executions SET status = $1, current_node = $2, context = COALESCE($3, context), next_seq = $4, error = $5, finished_at = $6, updated_at = $7 WHERE id = $8",
                    )
                    .bind(u.status.as_str())
                    .bind(&u.current_node)
                    .bind(u.context.as_ref().map(Value::to_string))
                    .bind(u.next_seq)
                    .bind(&u.error)
                    .bind(u.finished_at)
                    .bind(u.updated_at)
                    .bind(&u.id)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some(execution) = &t.clear_jobs_of {
                    sqlx::query("DELETE FROM jobs WHERE execution_id = $1")
                        .bind(execution)
                        .execute(&mut *tx)
                        .await?;
                }
                for j in &t.jobs {
                    sqlx::query(
                        "INSERT INTO jobs (org_id, execution_id, node_id, seq, attempt, reason, run_at, lease_owner, lease_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    )
                    .bind(&j.org_id)
                    .bind(&j.execution_id)
                    .bind(&j.node_id)
                    .bind(j.seq)
                    .bind(j.attempt)
                    .bind(&j.reason)
                    .bind(j.run_at)
                    .bind(&j.lease_owner)
                    .bind(j.lease_until)
                    .execute(&mut *tx)
                    .await?;
                }
                if let Some((execution, removal)) = &t.clear_waits_of {
                    let sql = match removal {
                        WaitRemoval::EventWaits => "DELETE FROM waits WHERE execution_id = $1 AND kind = 'wait'",
                        WaitRemoval::All => "DELETE FROM waits WHERE execution_id = $1",
                    };
                    sqlx::query(sql)
                        .bind(execution)
                        .execute(&mut *tx)
                        .await?;
                }
                for w in &t.waits {
                    sqlx::query(
                        "INSERT INTO waits (execution_id, org_id, contact_id, event, node_id, kind) VALUES ($1, $2, $3, $4, $5, $6)
                         ON CONFLICT (execution_id, node_id) DO NOTHING",
                    )
                    .bind(&w.execution_id)
                    .bind(&w.org_id)
                    .bind(&w.contact_id)
                    .bind(&w.event)
                    .bind(&w.node_id)
                    .bind(&w.kind)
                    .execute(&mut *tx)
                    .await?;
                }
                for e in &t.events {
                    sqlx::query(
                        "INSERT INTO execution_events (org_id, workflow_id, execution_id, node_id, kind, detail, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                    )
                    .bind(&e.org_id)
                    .bind(&e.workflow_id)
                    .bind(&e.execution_id)
                    .bind(&e.node_id)
                    .bind(&e.kind)
                    .bind(e.detail.to_string())
                    .bind(e.at)
                    .execute(&mut *tx)
                    .await?;
                }
                applied.push(true);
            }
            tx.commit().await?;
        });
        Ok(applied)
    }
}
