//! A transition is everything one engine step changes, written atomically:
//! the job it consumes, the step rows, the execution's new state, the jobs it
//! schedules, the event waits it adds or removes and the events it emits.
//! Several transitions share one database transaction (group commit); each is
//! applied entirely or, when its job's lease was lost, not at all. Within a
//! batch, rows of the same kind are written by one multi-row statement, so a
//! batch costs a handful of statements however many transitions it holds.

use std::collections::HashSet;

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

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

/// A schedule firing a transition claims: `next_fire_at` moves from `fired`
/// to `next`; the transition is dropped if another worker moved it first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdvancedSchedule {
    /// Workflow.
    pub workflow_id: String,
    /// Trigger node.
    pub node_id: String,
    /// The firing time being claimed.
    pub fired: i64,
    /// The next firing time.
    pub next: i64,
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
    /// The schedule firing this claims; the transition is dropped if it was claimed.
    pub advance_schedule: Option<AdvancedSchedule>,
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

impl Transition {
    /// The execution this transition is about.
    fn execution_id(&self) -> Option<&str> {
        self.consume_job
            .as_ref()
            .map(|j| j.execution_id.as_str())
            .or(self.consume_wait.as_ref().map(|w| w.execution_id.as_str()))
            .or(self.new_execution.as_ref().map(|e| e.id.as_str()))
            .or(self.update.as_ref().map(|u| u.id.as_str()))
            .or(self.clear_jobs_of.as_deref())
    }
}

/// Splits a batch into runs in which no execution appears twice, so the
/// statements of a run can be grouped by kind without reordering the effects
/// of two transitions on the same execution.
fn segments(transitions: &[Transition]) -> Vec<std::ops::Range<usize>> {
    let mut segments = Vec::new();
    let mut start = 0;
    let mut seen = HashSet::new();
    for (i, t) in transitions.iter().enumerate() {
        if let Some(id) = t.execution_id()
            && !seen.insert(id)
        {
            segments.push(start..i);
            start = i;
            seen.clear();
            seen.insert(id);
        }
    }
    if start < transitions.len() {
        segments.push(start..transitions.len());
    }
    segments
}

/// Rows per multi-row statement.
const CHUNK: usize = 500;

impl Store {
    /// Commits `transitions` in one database transaction. Returns, per
    /// transition, whether it was applied (false: its job's lease was lost,
    /// or the wait it resolves is gone).
    pub async fn commit_transitions(
        &self,
        transitions: &[Transition],
    ) -> anyhow::Result<Vec<bool>> {
        let mut applied = vec![true; transitions.len()];
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            for range in segments(transitions) {
                let batch = &transitions[range.clone()];
                let ok = &mut applied[range];

                // 1. Consume leased jobs; a transition whose job is gone is dropped.
                let consumed: Vec<(usize, &ConsumedJob)> = batch
                    .iter()
                    .enumerate()
                    .filter_map(|(i, t)| t.consume_job.as_ref().map(|j| (i, j)))
                    .collect();
                for chunk in consumed.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new("DELETE FROM jobs WHERE (execution_id, seq, lease_owner) IN (VALUES ");
                    for (n, (_, job)) in chunk.iter().enumerate() {
                        if n > 0 {
                            q.push(", ");
                        }
                        q.push("(");
                        q.push_bind(job.execution_id.clone());
                        q.push(", ");
                        q.push_bind(job.seq);
                        q.push(", ");
                        q.push_bind(job.lease_owner.clone());
                        q.push(")");
                    }
                    q.push(") RETURNING execution_id, seq");
                    let rows = q.build().fetch_all(&mut *tx).await?;
                    let deleted: HashSet<(String, i64)> = rows
                        .iter()
                        .map(|r| Ok::<_, sqlx::Error>((r.try_get::<String, _>(0)?, r.try_get::<i64, _>(1)?)))
                        .collect::<Result<_, _>>()?;
                    for (i, job) in chunk {
                        if !deleted.contains(&(job.execution_id.clone(), job.seq)) {
                            ok[*i] = false;
                        }
                    }
                }
                // 2. Resolve waits (rare: event resumes and goals).
                for (i, t) in batch.iter().enumerate() {
                    if let (true, Some(wait)) = (ok[i], &t.consume_wait) {
                        let deleted = sqlx::query("DELETE FROM waits WHERE execution_id = $1 AND node_id = $2")
                            .bind(&wait.execution_id)
                            .bind(&wait.node_id)
                            .execute(&mut *tx)
                            .await?
                            .rows_affected();
                        ok[i] = deleted == 1;
                    }
                }
                // 2b. Claim schedule firings.
                for (i, t) in batch.iter().enumerate() {
                    if let (true, Some(s)) = (ok[i], &t.advance_schedule) {
                        let moved = sqlx::query(
                            "UPDATE schedules SET next_fire_at = $1 WHERE workflow_id = $2 AND node_id = $3 AND next_fire_at = $4",
                        )
                        .bind(s.next)
                        .bind(&s.workflow_id)
                        .bind(&s.node_id)
                        .bind(s.fired)
                        .execute(&mut *tx)
                        .await?
                        .rows_affected();
                        ok[i] = moved == 1;
                    }
                }
                let live: Vec<&Transition> = batch.iter().zip(ok.iter()).filter(|(_, ok)| **ok).map(|(t, _)| t).collect();

                // 3. New executions.
                let executions: Vec<&ExecutionRecord> = live.iter().filter_map(|t| t.new_execution.as_ref()).collect();
                for chunk in executions.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO executions (id, org_id, workflow_id, workflow_version, contact_id, status, test_mode, trigger_data, contact, context, current_node, next_seq, error, started_at, updated_at, finished_at) ",
                    );
                    q.push_values(chunk.iter(), |mut b, e| {
                        b.push_bind(e.id.clone())
                            .push_bind(e.org_id.clone())
                            .push_bind(e.workflow_id.clone())
                            .push_bind(e.workflow_version)
                            .push_bind(e.contact_id.clone())
                            .push_bind(e.status.as_str())
                            .push_bind(e.test_mode)
                            .push_bind(e.trigger.to_string())
                            .push_bind(e.contact.as_ref().map(Value::to_string))
                            .push_bind(e.context.to_string())
                            .push_bind(e.current_node.clone())
                            .push_bind(e.next_seq)
                            .push_bind(e.error.clone())
                            .push_bind(e.started_at)
                            .push_bind(e.updated_at)
                            .push_bind(e.finished_at);
                    });
                    q.build().execute(&mut *tx).await?;
                }

                // 4. Step rows.
                let steps: Vec<&StepRecord> = live.iter().flat_map(|t| t.steps.iter()).collect();
                for chunk in steps.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO steps (execution_id, seq, org_id, node_id, kind, status, attempt, outcome, input, output, error, error_kind, fuel, worker, started_at, finished_at) ",
                    );
                    q.push_values(chunk.iter(), |mut b, s| {
                        b.push_bind(s.execution_id.clone())
                            .push_bind(s.seq)
                            .push_bind(s.org_id.clone())
                            .push_bind(s.node_id.clone())
                            .push_bind(s.kind.clone())
                            .push_bind(s.status.clone())
                            .push_bind(s.attempt)
                            .push_bind(s.outcome.clone())
                            .push_bind(s.input.as_ref().map(Value::to_string))
                            .push_bind(s.output.as_ref().map(Value::to_string))
                            .push_bind(s.error.clone())
                            .push_bind(s.error_kind.clone())
                            .push_bind(s.fuel)
                            .push_bind(s.worker.clone())
                            .push_bind(s.started_at)
                            .push_bind(s.finished_at);
                    });
                    q.build().execute(&mut *tx).await?;
                }

                // 5. Execution state.
                let updates: Vec<&ExecutionUpdate> = live.iter().filter_map(|t| t.update.as_ref()).collect();
                for chunk in updates.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(
                        "UPDATE executions SET status = v.column2, current_node = v.column3, context = COALESCE(v.column4, executions.context), \
                         next_seq = v.column5, error = v.column6, finished_at = v.column7, updated_at = v.column8 FROM (VALUES ",
                    );
                    for (n, u) in chunk.iter().enumerate() {
                        if n > 0 {
                            q.push(", ");
                        }
                        q.push("(");
                        let mut row = q.separated(", ");
                        row.push_bind(u.id.clone())
                            .push_bind(u.status.as_str())
                            .push_bind(u.current_node.clone())
                            .push_bind(u.context.as_ref().map(Value::to_string))
                            .push_bind(u.next_seq)
                            .push_bind(u.error.clone())
                            .push_bind(u.finished_at)
                            .push_bind(u.updated_at);
                        q.push(")");
                    }
                    q.push(") AS v WHERE executions.id = v.column1");
                    q.build().execute(&mut *tx).await?;
                }

                // 6. Jobs: clear, then enqueue.
                let cleared: Vec<&String> = live.iter().filter_map(|t| t.clear_jobs_of.as_ref()).collect();
                for chunk in cleared.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new("DELETE FROM jobs WHERE execution_id IN (");
                    let mut ids = q.separated(", ");
                    for id in chunk {
                        ids.push_bind((*id).clone());
                    }
                    q.push(")");
                    q.build().execute(&mut *tx).await?;
                }
                let jobs: Vec<&NewJob> = live.iter().flat_map(|t| t.jobs.iter()).collect();
                for chunk in jobs.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO jobs (org_id, execution_id, node_id, seq, attempt, reason, run_at, lease_owner, lease_until) ",
                    );
                    q.push_values(chunk.iter(), |mut b, j| {
                        b.push_bind(j.org_id.clone())
                            .push_bind(j.execution_id.clone())
                            .push_bind(j.node_id.clone())
                            .push_bind(j.seq)
                            .push_bind(j.attempt)
                            .push_bind(j.reason.clone())
                            .push_bind(j.run_at)
                            .push_bind(j.lease_owner.clone())
                            .push_bind(j.lease_until);
                    });
                    q.build().execute(&mut *tx).await?;
                }

                // 7. Waits: clear, then add.
                for (removal, sql) in [
                    (WaitRemoval::EventWaits, "DELETE FROM waits WHERE kind = 'wait' AND execution_id IN ("),
                    (WaitRemoval::All, "DELETE FROM waits WHERE execution_id IN ("),
                ] {
                    let ids: Vec<&String> = live
                        .iter()
                        .filter_map(|t| t.clear_waits_of.as_ref())
                        .filter(|(_, r)| *r == removal)
                        .map(|(id, _)| id)
                        .collect();
                    for chunk in ids.chunks(CHUNK) {
                        let mut q = sqlx::QueryBuilder::new(sql);
                        let mut list = q.separated(", ");
                        for id in chunk {
                            list.push_bind((*id).clone());
                        }
                        q.push(")");
                        q.build().execute(&mut *tx).await?;
                    }
                }
                let waits: Vec<&NewWait> = live.iter().flat_map(|t| t.waits.iter()).collect();
                for chunk in waits.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new("INSERT INTO waits (execution_id, org_id, contact_id, event, node_id, kind) ");
                    q.push_values(chunk.iter(), |mut b, w| {
                        b.push_bind(w.execution_id.clone())
                            .push_bind(w.org_id.clone())
                            .push_bind(w.contact_id.clone())
                            .push_bind(w.event.clone())
                            .push_bind(w.node_id.clone())
                            .push_bind(w.kind.clone());
                    });
                    q.push(" ON CONFLICT (execution_id, node_id) DO NOTHING");
                    q.build().execute(&mut *tx).await?;
                }

                // 8. Events.
                let events: Vec<&NewEvent> = live.iter().flat_map(|t| t.events.iter()).collect();
                for chunk in events.chunks(CHUNK) {
                    let mut q = sqlx::QueryBuilder::new(
                        "INSERT INTO execution_events (org_id, workflow_id, execution_id, node_id, kind, detail, at) ",
                    );
                    q.push_values(chunk.iter(), |mut b, e| {
                        b.push_bind(e.org_id.clone())
                            .push_bind(e.workflow_id.clone())
                            .push_bind(e.execution_id.clone())
                            .push_bind(e.node_id.clone())
                            .push_bind(e.kind.clone())
                            .push_bind(e.detail.to_string())
                            .push_bind(e.at);
                    });
                    q.build().execute(&mut *tx).await?;
                }
            }
            tx.commit().await?;
        });
        Ok(applied)
    }
}
