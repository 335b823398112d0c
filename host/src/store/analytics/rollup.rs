//! The catch-up pass that keeps the rollups current: it reads the execution
//! events committed since the watermark, folds them (see `fold.rs`) and adds
//! the result to the rollup tables, then moves the watermark, all in one
//! transaction. The engine's commits are untouched; the pass runs before each
//! analytics query and in the background, one at a time (an in-process lock,
//! plus an advisory lock on PostgreSQL so many workers never double-count).
//!
//! Watermarks: SQLite has a single writer, so event ids are assigned in
//! commit order and the last id rolled up is enough. On PostgreSQL ids are
//! not committed in order; each event records the transaction that wrote it
//! (`tx`) and the watermark is a snapshot (`horizon`, `pending`): every
//! transaction below `horizon` has been rolled up except those in `pending`,
//! which were still running. A pass reads, under one repeatable-read
//! snapshot, the events of `pending` transactions that have since committed
//! and those at or above the old `horizon`, then keeps as `pending` the
//! transactions its snapshot saw running.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use sqlx::{Connection as _, QueryBuilder, Row};

use super::fold::{Deltas, ErrorExample, EventRow, HistogramKey, NodeKey, fold, hour_of};
use super::histogram::slot_of;
use crate::store::{Pool, Store};

/// Events read per page.
const PAGE: i64 = 5_000;

/// Rows per multi-row statement.
const ROWS: usize = 500;

/// Failure examples kept per workflow and category.
pub const EXAMPLES_KEPT: usize = 5;

/// The watermark row's name.
const WATERMARK: &str = "execution_events";

/// PostgreSQL advisory lock key of the pass ("atlas-an").
const PG_LOCK_KEY: i64 = 0x6174_6c61_732d_616e;

/// Reads `EventRow`s from a page of rows (any dialect).
macro_rules! event_rows {
    ($rows:expr) => {
        $rows
            .iter()
            .map(|r| {
                Ok::<_, sqlx::Error>(EventRow {
                    id: r.try_get("id")?,
                    org_id: r.try_get("org_id")?,
                    workflow_id: r.try_get("workflow_id")?,
                    execution_id: r.try_get("execution_id")?,
                    node_id: r.try_get("node_id")?,
                    kind: r.try_get("kind")?,
                    detail: r.try_get("detail")?,
                    at: r.try_get("at")?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?
    };
}

/// Adds `$d` (a `&Deltas`) to the rollups through transaction `$tx`.
macro_rules! apply_deltas {
    ($tx:ident, $d:expr) => {{
        let d: &Deltas = $d;
        let runs: Vec<_> = d.runs.iter().collect();
        for chunk in runs.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_runs (org_id, workflow_id, bucket, started, completed, failed, cancelled) ",
            );
            q.push_values(chunk, |mut b, ((org, workflow, bucket), c)| {
                b.push_bind(org.clone())
                    .push_bind(workflow.clone())
                    .push_bind(*bucket)
                    .push_bind(c.started)
                    .push_bind(c.completed)
                    .push_bind(c.failed)
                    .push_bind(c.cancelled);
            });
            q.push(
                " ON CONFLICT (org_id, workflow_id, bucket) DO UPDATE SET \
                 started = analytics_runs.started + excluded.started, \
                 completed = analytics_runs.completed + excluded.completed, \
                 failed = analytics_runs.failed + excluded.failed, \
                 cancelled = analytics_runs.cancelled + excluded.cancelled",
            );
            q.build().execute(&mut *$tx).await?;
        }
        let steps: Vec<_> = d.steps.iter().collect();
        for chunk in steps.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_steps (org_id, workflow_id, node_id, bucket, completed, failed, skipped, retried, fuel, fuel_runs) ",
            );
            q.push_values(chunk, |mut b, ((org, workflow, node, bucket), c)| {
                b.push_bind(org.clone())
                    .push_bind(workflow.clone())
                    .push_bind(node.clone())
                    .push_bind(*bucket)
                    .push_bind(c.completed)
                    .push_bind(c.failed)
                    .push_bind(c.skipped)
                    .push_bind(c.retried)
                    .push_bind(c.fuel)
                    .push_bind(c.fuel_runs);
            });
            q.push(
                " ON CONFLICT (org_id, workflow_id, node_id, bucket) DO UPDATE SET \
                 completed = analytics_steps.completed + excluded.completed, \
                 failed = analytics_steps.failed + excluded.failed, \
                 skipped = analytics_steps.skipped + excluded.skipped, \
                 retried = analytics_steps.retried + excluded.retried, \
                 fuel = analytics_steps.fuel + excluded.fuel, \
                 fuel_runs = analytics_steps.fuel_runs + excluded.fuel_runs",
            );
            q.build().execute(&mut *$tx).await?;
        }
        let errors: Vec<_> = d.errors.iter().collect();
        for chunk in errors.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_errors (org_id, workflow_id, node_id, bucket, category, count) ",
            );
            q.push_values(chunk, |mut b, ((org, workflow, node, bucket, category), count)| {
                b.push_bind(org.clone())
                    .push_bind(workflow.clone())
                    .push_bind(node.clone())
                    .push_bind(*bucket)
                    .push_bind(category.as_str())
                    .push_bind(**count);
            });
            q.push(
                " ON CONFLICT (org_id, workflow_id, node_id, bucket, category) DO UPDATE SET \
                 count = analytics_errors.count + excluded.count",
            );
            q.build().execute(&mut *$tx).await?;
        }

        // Failure examples: the newest few of each workflow and category.
        let examples = newest_examples(&d.examples);
        for chunk in examples.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_error_examples (event_id, org_id, workflow_id, category, node_id, execution_id, error_kind, message, at) ",
            );
            q.push_values(chunk, |mut b, e| {
                b.push_bind(e.event_id)
                    .push_bind(e.org_id.clone())
                    .push_bind(e.workflow_id.clone())
                    .push_bind(e.category.as_str())
                    .push_bind(e.node_id.clone())
                    .push_bind(e.execution_id.clone())
                    .push_bind(e.error_kind.clone())
                    .push_bind(e.message.clone())
                    .push_bind(e.at);
            });
            q.push(" ON CONFLICT (event_id) DO NOTHING");
            q.build().execute(&mut *$tx).await?;
        }
        let touched: BTreeSet<(&str, &str, &str)> = examples
            .iter()
            .map(|e| (e.org_id.as_str(), e.workflow_id.as_str(), e.category.as_str()))
            .collect();
        for (org, workflow, category) in touched {
            sqlx::query(
                "DELETE FROM analytics_error_examples WHERE org_id = $1 AND workflow_id = $2 AND category = $3 \
                 AND event_id NOT IN (SELECT event_id FROM analytics_error_examples \
                 WHERE org_id = $1 AND workflow_id = $2 AND category = $3 ORDER BY at DESC, event_id DESC LIMIT $4)",
            )
            .bind(org)
            .bind(workflow)
            .bind(category)
            .bind(EXAMPLES_KEPT as i64)
            .execute(&mut *$tx)
            .await?;
        }

        // A/B assignments: the first variant an execution got at a split counts.
        let mut ab: BTreeMap<(String, String, String, String, i64), (i64, i64)> = BTreeMap::new();
        let mut seen = HashSet::new();
        let assignments: Vec<_> = d
            .assignments
            .iter()
            .filter(|a| seen.insert((a.execution_id.as_str(), a.node_id.as_str())))
            .collect();
        for chunk in assignments.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_ab_assignments (execution_id, node_id, org_id, workflow_id, variant, entered_at) ",
            );
            q.push_values(chunk, |mut b, a| {
                b.push_bind(a.execution_id.clone())
                    .push_bind(a.node_id.clone())
                    .push_bind(a.org_id.clone())
                    .push_bind(a.workflow_id.clone())
                    .push_bind(a.variant.clone())
                    .push_bind(a.at);
            });
            q.push(
                " ON CONFLICT (execution_id, node_id) DO NOTHING \
                 RETURNING org_id, workflow_id, node_id, variant, entered_at",
            );
            for r in q.build().fetch_all(&mut *$tx).await? {
                let at: i64 = r.try_get("entered_at")?;
                ab.entry((
                    r.try_get("org_id")?,
                    r.try_get("workflow_id")?,
                    r.try_get("node_id")?,
                    r.try_get("variant")?,
                    hour_of(at),
                ))
                .or_default()
                .0 += 1;
            }
        }

        // Goal hits: the first time an execution reaches each goal counts.
        let mut goals: BTreeMap<NodeKey, i64> = BTreeMap::new();
        let mut goal_times: BTreeMap<HistogramKey, i64> = BTreeMap::new();
        let mut first_goal: BTreeMap<String, i64> = BTreeMap::new();
        let mut seen = HashSet::new();
        let hits: Vec<_> = d
            .goal_hits
            .iter()
            .filter(|h| seen.insert((h.execution_id.as_str(), h.node_id.as_str())))
            .collect();
        let since: HashMap<(String, String), Option<i64>> = hits
            .iter()
            .map(|h| ((h.execution_id.clone(), h.node_id.clone()), h.since_start_ms))
            .collect();
        for chunk in hits.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_goal_hits (execution_id, node_id, org_id, workflow_id, at) ",
            );
            q.push_values(chunk, |mut b, h| {
                b.push_bind(h.execution_id.clone())
                    .push_bind(h.node_id.clone())
                    .push_bind(h.org_id.clone())
                    .push_bind(h.workflow_id.clone())
                    .push_bind(h.at);
            });
            q.push(
                " ON CONFLICT (execution_id, node_id) DO NOTHING \
                 RETURNING execution_id, node_id, org_id, workflow_id, at",
            );
            for r in q.build().fetch_all(&mut *$tx).await? {
                let execution: String = r.try_get("execution_id")?;
                let node: String = r.try_get("node_id")?;
                let org: String = r.try_get("org_id")?;
                let workflow: String = r.try_get("workflow_id")?;
                let at: i64 = r.try_get("at")?;
                *goals
                    .entry((org.clone(), workflow.clone(), node.clone(), hour_of(at)))
                    .or_default() += 1;
                if let Some(Some(ms)) = since.get(&(execution.clone(), node.clone())) {
                    *goal_times
                        .entry((org, workflow, node, "goal", hour_of(at), slot_of(*ms)))
                        .or_default() += 1;
                }
                first_goal
                    .entry(execution)
                    .and_modify(|first| *first = (*first).min(at))
                    .or_insert(at);
            }
        }
        // Conversions: an execution's first new goal hit converts the
        // assignments it got before it and that were not yet converted.
        let firsts: Vec<_> = first_goal.into_iter().collect();
        for chunk in firsts.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "UPDATE analytics_ab_assignments SET converted_at = v.column2 FROM (VALUES ",
            );
            for (n, (execution, at)) in chunk.iter().enumerate() {
                if n > 0 {
                    q.push(", ");
                }
                q.push("(");
                q.push_bind(execution.clone());
                q.push(", ");
                q.push_bind(*at);
                q.push(")");
            }
            q.push(
                ") AS v WHERE analytics_ab_assignments.execution_id = v.column1 \
                 AND analytics_ab_assignments.converted_at IS NULL \
                 AND analytics_ab_assignments.entered_at <= v.column2 \
                 RETURNING analytics_ab_assignments.org_id, analytics_ab_assignments.workflow_id, \
                 analytics_ab_assignments.node_id, analytics_ab_assignments.variant, \
                 analytics_ab_assignments.entered_at",
            );
            for r in q.build().fetch_all(&mut *$tx).await? {
                let at: i64 = r.try_get("entered_at")?;
                ab.entry((
                    r.try_get("org_id")?,
                    r.try_get("workflow_id")?,
                    r.try_get("node_id")?,
                    r.try_get("variant")?,
                    hour_of(at),
                ))
                .or_default()
                .1 += 1;
            }
        }
        let ab: Vec<_> = ab.into_iter().collect();
        for chunk in ab.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_ab (org_id, workflow_id, node_id, variant, bucket, entered, converted) ",
            );
            q.push_values(chunk, |mut b, ((org, workflow, node, variant, bucket), (entered, converted))| {
                b.push_bind(org.clone())
                    .push_bind(workflow.clone())
                    .push_bind(node.clone())
                    .push_bind(variant.clone())
                    .push_bind(*bucket)
                    .push_bind(*entered)
                    .push_bind(*converted);
            });
            q.push(
                " ON CONFLICT (org_id, workflow_id, node_id, variant, bucket) DO UPDATE SET \
                 entered = analytics_ab.entered + excluded.entered, \
                 converted = analytics_ab.converted + excluded.converted",
            );
            q.build().execute(&mut *$tx).await?;
        }
        let goals: Vec<_> = goals.into_iter().collect();
        for chunk in goals.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_goals (org_id, workflow_id, node_id, bucket, reached) ",
            );
            q.push_values(chunk, |mut b, ((org, workflow, node, bucket), reached)| {
                b.push_bind(org.clone())
                    .push_bind(workflow.clone())
                    .push_bind(node.clone())
                    .push_bind(*bucket)
                    .push_bind(*reached);
            });
            q.push(
                " ON CONFLICT (org_id, workflow_id, node_id, bucket) DO UPDATE SET \
                 reached = analytics_goals.reached + excluded.reached",
            );
            q.build().execute(&mut *$tx).await?;
        }

        // Histograms: step durations and times to goal.
        let mut histograms = d.histograms.clone();
        for (key, count) in goal_times {
            *histograms.entry(key).or_default() += count;
        }
        let histograms: Vec<_> = histograms.into_iter().collect();
        for chunk in histograms.chunks(ROWS) {
            let mut q = QueryBuilder::new(
                "INSERT INTO analytics_histograms (org_id, workflow_id, node_id, metric, bucket, slot, count) ",
            );
            q.push_values(chunk, |mut b, ((org, workflow, node, metric, bucket, slot), count)| {
                b.push_bind(org.clone())
                    .push_bind(workflow.clone())
                    .push_bind(node.clone())
                    .push_bind(*metric)
                    .push_bind(*bucket)
                    .push_bind(*slot)
                    .push_bind(*count);
            });
            q.push(
                " ON CONFLICT (org_id, workflow_id, node_id, metric, slot, bucket) DO UPDATE SET \
                 count = analytics_histograms.count + excluded.count",
            );
            q.build().execute(&mut *$tx).await?;
        }
    }};
}

/// The newest [`EXAMPLES_KEPT`] examples of each workflow and category.
fn newest_examples(examples: &[ErrorExample]) -> Vec<&ErrorExample> {
    let mut kept: BTreeMap<(&str, &str, &str), Vec<&ErrorExample>> = BTreeMap::new();
    for example in examples.iter().rev() {
        let list = kept
            .entry((
                &example.org_id,
                &example.workflow_id,
                example.category.as_str(),
            ))
            .or_default();
        if list.len() < EXAMPLES_KEPT {
            list.push(example);
        }
    }
    kept.into_values().flatten().collect()
}

impl Store {
    /// Rolls up every committed event not rolled up yet, waiting for a pass
    /// another task or worker is running; returns how many events it read.
    pub async fn roll_up_analytics(&self) -> anyhow::Result<u64> {
        let _guard = self.rollup_lock.lock().await;
        Ok(self.roll_up(true).await?.unwrap_or(0))
    }

    /// Like [`roll_up_analytics`](Self::roll_up_analytics), but returns
    /// `None` at once when a pass is already running (for background use).
    pub async fn try_roll_up_analytics(&self) -> anyhow::Result<Option<u64>> {
        let Ok(_guard) = self.rollup_lock.try_lock() else {
            return Ok(None);
        };
        self.roll_up(false).await
    }

    async fn roll_up(&self, wait: bool) -> anyhow::Result<Option<u64>> {
        match &self.pool {
            Pool::Sqlite(p) => {
                let mut total = 0u64;
                loop {
                    let mut tx = p.begin().await?;
                    // A write first: the pass holds the write lock from here,
                    // so what it reads is what it adds to.
                    sqlx::query("UPDATE analytics_watermark SET last_id = last_id WHERE name = $1")
                        .bind(WATERMARK)
                        .execute(&mut *tx)
                        .await?;
                    let last: i64 = sqlx::query_scalar(
                        "SELECT last_id FROM analytics_watermark WHERE name = $1",
                    )
                    .bind(WATERMARK)
                    .fetch_one(&mut *tx)
                    .await?;
                    let rows = sqlx::query(
                        "SELECT id, org_id, workflow_id, execution_id, node_id, kind, detail, at \
                         FROM execution_events WHERE id > $1 ORDER BY id LIMIT $2",
                    )
                    .bind(last)
                    .bind(PAGE)
                    .fetch_all(&mut *tx)
                    .await?;
                    let events = event_rows!(rows);
                    let Some(newest) = events.last().map(|e| e.id) else {
                        tx.rollback().await?;
                        break;
                    };
                    apply_deltas!(tx, &fold(&events));
                    sqlx::query("UPDATE analytics_watermark SET last_id = $1 WHERE name = $2")
                        .bind(newest)
                        .bind(WATERMARK)
                        .execute(&mut *tx)
                        .await?;
                    tx.commit().await?;
                    total += events.len() as u64;
                    if (events.len() as i64) < PAGE {
                        break;
                    }
                }
                Ok(Some(total))
            }
            Pool::Postgres(p) => {
                let mut conn = p.acquire().await?;
                if wait {
                    sqlx::query("SELECT pg_advisory_lock($1)")
                        .bind(PG_LOCK_KEY)
                        .execute(&mut *conn)
                        .await?;
                } else {
                    let locked: bool = sqlx::query_scalar("SELECT pg_try_advisory_lock($1)")
                        .bind(PG_LOCK_KEY)
                        .fetch_one(&mut *conn)
                        .await?;
                    if !locked {
                        return Ok(None);
                    }
                }
                let result = pg_pass(&mut conn).await;
                let unlocked = sqlx::query("SELECT pg_advisory_unlock($1)")
                    .bind(PG_LOCK_KEY)
                    .execute(&mut *conn)
                    .await;
                if unlocked.is_err() {
                    // The lock is held by the session: never hand it back to the pool.
                    conn.close_on_drop();
                }
                result.map(Some)
            }
        }
    }
}

/// One PostgreSQL pass under the advisory lock.
async fn pg_pass(conn: &mut sqlx::PgConnection) -> anyhow::Result<u64> {
    let mut tx = conn.begin().await?;
    sqlx::query("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
        .execute(&mut *tx)
        .await?;
    let row = sqlx::query("SELECT horizon, pending FROM analytics_watermark WHERE name = $1")
        .bind(WATERMARK)
        .fetch_one(&mut *tx)
        .await?;
    let old_horizon: i64 = row.try_get("horizon")?;
    let old_pending: Vec<i64> = row.try_get("pending")?;
    let row = sqlx::query(
        "SELECT pg_snapshot_xmax(s)::text::bigint AS xmax, \
         ARRAY(SELECT x::text::bigint FROM pg_snapshot_xip(s) AS x) AS running \
         FROM pg_current_snapshot() AS s",
    )
    .fetch_one(&mut *tx)
    .await?;
    let xmax: i64 = row.try_get("xmax")?;
    let running: Vec<i64> = row.try_get("running")?;

    let mut total = 0u64;
    // First the events of transactions that were running last time, then
    // everything from the old horizon on; both in (tx, id) order.
    for pending_segment in [true, false] {
        if pending_segment && old_pending.is_empty() {
            continue;
        }
        // The keyset is one row comparison, which the (tx, id) index
        // answers in order; the statements are planned for their actual
        // values (unnamed), so a page never sorts the whole table.
        let (mut after_tx, mut after_id) = if pending_segment {
            (i64::MIN, i64::MIN)
        } else {
            (old_horizon, i64::MIN)
        };
        loop {
            let columns = "SELECT tx, id, org_id, workflow_id, execution_id, node_id, kind, detail, at FROM execution_events";
            let rows = if pending_segment {
                sqlx::query(&format!(
                    "{columns} WHERE tx = ANY($1) AND (tx, id) > ($2, $3) ORDER BY tx, id LIMIT $4"
                ))
                .bind(&old_pending)
                .bind(after_tx)
                .bind(after_id)
                .bind(PAGE)
                .persistent(false)
                .fetch_all(&mut *tx)
                .await?
            } else {
                sqlx::query(&format!(
                    "{columns} WHERE (tx, id) > ($1, $2) ORDER BY tx, id LIMIT $3"
                ))
                .bind(after_tx)
                .bind(after_id)
                .bind(PAGE)
                .persistent(false)
                .fetch_all(&mut *tx)
                .await?
            };
            let Some(last) = rows.last() else {
                break;
            };
            after_tx = last.try_get("tx")?;
            after_id = last.try_get("id")?;
            let events = event_rows!(rows);
            apply_deltas!(tx, &fold(&events));
            total += events.len() as u64;
            if (rows.len() as i64) < PAGE {
                break;
            }
        }
    }
    let pending: Vec<i64> = running
        .into_iter()
        .filter(|x| *x >= old_horizon || old_pending.contains(x))
        .collect();
    sqlx::query("UPDATE analytics_watermark SET horizon = $1, pending = $2 WHERE name = $3")
        .bind(xmax.max(old_horizon))
        .bind(&pending)
        .bind(WATERMARK)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(total)
}
