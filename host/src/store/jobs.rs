//! The durable job queue: each job is "run node N of execution E at time T".
//! Delays and timeouts are jobs with a future `run_at`. A worker leases the
//! jobs it claims; a lease that is not renewed (the worker died) expires and
//! the job is claimed again, with the same step sequence number and so the
//! same idempotency key.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Pool, Store, with_pool};

/// A job as claimed by a worker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Job {
    /// Id.
    pub id: i64,
    /// Tenant.
    pub org_id: String,
    /// Execution to advance.
    pub execution_id: String,
    /// Node to run.
    pub node_id: String,
    /// Sequence number of the step this job produces.
    pub seq: i64,
    /// 1 for the first attempt.
    pub attempt: i64,
    /// Why it exists: `step`, `retry`, `timer`, `timeout`, `resume`.
    pub reason: String,
    /// When it is due (ms since the Unix epoch).
    pub run_at: i64,
}

/// A job to enqueue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewJob {
    /// Tenant.
    pub org_id: String,
    /// Execution.
    pub execution_id: String,
    /// Node.
    pub node_id: String,
    /// Step sequence number.
    pub seq: i64,
    /// Attempt number.
    pub attempt: i64,
    /// Why.
    pub reason: String,
    /// Due time.
    pub run_at: i64,
    /// Leased at creation to the worker that will run it next (it continues
    /// in-process without a round trip through the queue); `None` for anyone.
    pub lease_owner: Option<String>,
    /// Lease expiry when leased at creation (ms), else 0.
    pub lease_until: i64,
}

const CLAIM_SQLITE: &str = "UPDATE jobs SET lease_owner = $1, lease_until = $2
    WHERE id IN (SELECT id FROM jobs WHERE run_at <= $3 AND lease_until < $3 ORDER BY run_at, id LIMIT $4)
    RETURNING id, org_id, execution_id, node_id, seq, attempt, reason, run_at";

const CLAIM_POSTGRES: &str = "UPDATE jobs SET lease_owner = $1, lease_until = $2
    WHERE id IN (SELECT id FROM jobs WHERE run_at <= $3 AND lease_until < $3 ORDER BY run_at, id LIMIT $4 FOR UPDATE SKIP LOCKED)
    RETURNING id, org_id, execution_id, node_id, seq, attempt, reason, run_at";

impl Store {
    /// Leases up to `limit` due jobs to `worker` until `lease_until`.
    pub async fn claim_jobs(
        &self,
        worker: &str,
        now: i64,
        lease_until: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<Job>> {
        let sql = match self.pool {
            Pool::Sqlite(_) => CLAIM_SQLITE,
            Pool::Postgres(_) => CLAIM_POSTGRES,
        };
        let jobs = with_pool!(&self.pool, p => {
            let rows = sqlx::query(sql)
                .bind(worker)
                .bind(lease_until)
                .bind(now)
                .bind(limit)
                .fetch_all(p)
                .await?;
            rows.iter()
                .map(|r| {
                    Ok::<_, sqlx::Error>(Job {
                        id: r.try_get("id")?,
                        org_id: r.try_get("org_id")?,
                        execution_id: r.try_get("execution_id")?,
                        node_id: r.try_get("node_id")?,
                        seq: r.try_get("seq")?,
                        attempt: r.try_get("attempt")?,
                        reason: r.try_get("reason")?,
                        run_at: r.try_get("run_at")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(jobs)
    }

    /// Extends every live lease of `worker`; returns how many.
    pub async fn renew_leases(
        &self,
        worker: &str,
        now: i64,
        lease_until: i64,
    ) -> anyhow::Result<u64> {
        // On PostgreSQL, rows a commit is deleting right now are skipped rather
        // than waited for (they are done), which also rules out lock cycles.
        let sql = match self.pool {
            Pool::Sqlite(_) => "UPDATE jobs SET lease_until = $1 WHERE lease_owner = $2 AND lease_until >= $3",
            Pool::Postgres(_) => {
                "UPDATE jobs SET lease_until = $1 WHERE id IN
                 (SELECT id FROM jobs WHERE lease_owner = $2 AND lease_until >= $3 FOR UPDATE SKIP LOCKED)"
            }
        };
        let n = with_pool!(&self.pool, p => sqlx::query(sql)
        .bind(lease_until)
        .bind(worker)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n)
    }

    /// Gives back every lease of `worker` (graceful shutdown).
    pub async fn release_leases(&self, worker: &str) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "UPDATE jobs SET lease_owner = NULL, lease_until = 0 WHERE lease_owner = $1",
        )
        .bind(worker)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The earliest `run_at` after `now` (the next timer), if any.
    pub async fn next_job_due(&self, now: i64) -> anyhow::Result<Option<i64>> {
        let due = with_pool!(&self.pool, p => sqlx::query(
            "SELECT MIN(run_at) AS due FROM jobs WHERE run_at > $1",
        )
        .bind(now)
        .fetch_one(p)
        .await
        .and_then(|r| r.try_get::<Option<i64>, _>("due")))?;
        Ok(due)
    }

    /// Jobs waiting (due or not) and jobs leased right now.
    pub async fn queue_depth(&self, now: i64) -> anyhow::Result<(i64, i64)> {
        let (waiting, leased) = with_pool!(&self.pool, p => sqlx::query(
            "SELECT COALESCE(SUM(CASE WHEN lease_until < $1 THEN 1 ELSE 0 END), 0) AS waiting,
                    COALESCE(SUM(CASE WHEN lease_until >= $1 THEN 1 ELSE 0 END), 0) AS leased FROM jobs",
        )
        .bind(now)
        .fetch_one(p)
        .await
        .and_then(|r| Ok((r.try_get::<i64, _>("waiting")?, r.try_get::<i64, _>("leased")?))))?;
        Ok((waiting, leased))
    }
}
