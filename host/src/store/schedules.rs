//! Cron triggers of active workflows and when each fires next. A firing is
//! claimed by moving `next_fire_at` forward in the same transaction that starts
//! the execution, so each firing starts exactly one execution whichever
//! worker sees it first.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Store, with_pool};

/// One cron trigger of an active workflow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Schedule {
    /// Workflow.
    pub workflow_id: String,
    /// Trigger node.
    pub node_id: String,
    /// Tenant.
    pub org_id: String,
    /// Five-field cron expression.
    pub cron: String,
    /// Next firing (ms since the Unix epoch).
    pub next_fire_at: i64,
}

impl Store {
    /// Replaces a workflow's schedules (empty to remove them).
    pub async fn replace_schedules(
        &self,
        org: &str,
        workflow: &str,
        schedules: &[Schedule],
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM schedules WHERE org_id = $1 AND workflow_id = $2")
                .bind(org)
                .bind(workflow)
                .execute(&mut *tx)
                .await?;
            for s in schedules {
                sqlx::query("INSERT INTO schedules (workflow_id, node_id, org_id, cron, next_fire_at) VALUES ($1, $2, $3, $4, $5)")
                    .bind(&s.workflow_id)
                    .bind(&s.node_id)
                    .bind(&s.org_id)
                    .bind(&s.cron)
                    .bind(s.next_fire_at)
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// Schedules due at `now`.
    pub async fn due_schedules(&self, now: i64, limit: i64) -> anyhow::Result<Vec<Schedule>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT workflow_id, node_id, org_id, cron, next_fire_at FROM schedules WHERE next_fire_at <= $1 ORDER BY next_fire_at LIMIT $2",
        )
        .bind(now)
        .bind(limit)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok(Schedule {
            workflow_id: r.try_get("workflow_id")?,
            node_id: r.try_get("node_id")?,
            org_id: r.try_get("org_id")?,
            cron: r.try_get("cron")?,
            next_fire_at: r.try_get("next_fire_at")?,
        })).collect::<Result<Vec<_>, sqlx::Error>>()))?;
        Ok(rows)
    }
}
