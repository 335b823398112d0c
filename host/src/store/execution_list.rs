//! Listing an org's executions with filters and keyset pagination.

use sqlx::Row;

use serde_json::Value;

use super::executions::{EXECUTION_COLUMNS, execution_from_row, json_column};
use super::tenant::with_tenant;
use super::{ExecutionRecord, ExecutionStatus, Store};

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ExecutionFilter {
    /// Only this status.
    pub status: Option<ExecutionStatus>,
    /// Only executions of this workflow.
    pub workflow: Option<String>,
    /// Only executions of this contact.
    pub contact: Option<String>,
    /// Started at or after (ms).
    pub started_from: Option<i64>,
    /// Started before (ms).
    pub started_to: Option<i64>,
    /// Resume after this id (ids sort newest first).
    pub after: Option<String>,
    /// Page size.
    pub limit: i64,
}

impl Store {
    /// A page of the org's executions, newest first.
    pub async fn list_executions(
        &self,
        org: &str,
        filter: &ExecutionFilter,
    ) -> anyhow::Result<Vec<ExecutionRecord>> {
        let sql = format!(
            "SELECT {EXECUTION_COLUMNS} FROM executions WHERE org_id = $1
               AND ($2 IS NULL OR status = $2)
               AND ($3 IS NULL OR workflow_id = $3)
               AND ($4 IS NULL OR contact_id = $4)
               AND ($5 IS NULL OR started_at >= $5)
               AND ($6 IS NULL OR started_at < $6)
               AND ($7 IS NULL OR id < $7)
             ORDER BY id DESC LIMIT $8"
        );
        let rows = with_tenant!(&self.pool, org, c => sqlx::query(&sql)
            .bind(org)
            .bind(filter.status.map(ExecutionStatus::as_str))
            .bind(filter.workflow.as_deref())
            .bind(filter.contact.as_deref())
            .bind(filter.started_from)
            .bind(filter.started_to)
            .bind(filter.after.as_deref())
            .bind(filter.limit)
            .fetch_all(c)
            .await?
            .iter()
            .map(|r| Ok::<_, sqlx::Error>(execution_from_row!(r)))
            .collect::<Result<Vec<_>, _>>()?);
        Ok(rows)
    }
}
