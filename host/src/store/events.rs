//! Persisted transition events: the history behind live views and analytics.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use super::{Store, with_pool};

/// A recorded event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EventRecord {
    /// Sequence number (also the SSE event id).
    pub id: i64,
    /// Workflow.
    pub workflow_id: String,
    /// Execution.
    pub execution_id: String,
    /// Node.
    pub node_id: Option<String>,
    /// Kind, such as `step.completed`.
    pub kind: String,
    /// Details.
    pub detail: Value,
    /// When (ms).
    pub at: i64,
}

macro_rules! event_from_row {
    ($r:expr) => {{
        let r = $r;
        let detail: String = r.try_get("detail")?;
        EventRecord {
            id: r.try_get("id")?,
            workflow_id: r.try_get("workflow_id")?,
            execution_id: r.try_get("execution_id")?,
            node_id: r.try_get("node_id")?,
            kind: r.try_get("kind")?,
            detail: serde_json::from_str(&detail).unwrap_or(Value::Null),
            at: r.try_get("at")?,
        }
    }};
}

impl Store {
    /// Events of one execution after `after_id`, oldest first.
    pub async fn execution_events(
        &self,
        org: &str,
        execution: &str,
        after_id: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<EventRecord>> {
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT id, workflow_id, execution_id, node_id, kind, detail, at FROM execution_events
                 WHERE org_id = $1 AND execution_id = $2 AND id > $3 ORDER BY id LIMIT $4",
            )
            .bind(org)
            .bind(execution)
            .bind(after_id)
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(event_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Events of every execution of one workflow after `after_id`, oldest first.
    pub async fn workflow_events(
        &self,
        org: &str,
        workflow: &str,
        after_id: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<EventRecord>> {
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT id, workflow_id, execution_id, node_id, kind, detail, at FROM execution_events
                 WHERE org_id = $1 AND workflow_id = $2 AND id > $3 ORDER BY id LIMIT $4",
            )
            .bind(org)
            .bind(workflow)
            .bind(after_id)
            .bind(limit)
            .fetch_all(p)
            .await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(event_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}
