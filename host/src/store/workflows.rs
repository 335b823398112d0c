//! Workflows: every save is a new immutable version; the row holds the current
//! one. Executions pin the version they started on.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// A workflow's current state.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WorkflowRecord {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Name.
    pub name: String,
    /// `draft`, `active` or `inactive`.
    pub status: String,
    /// Current version number (1-based).
    pub version: i64,
    /// The current version's document.
    pub document: Value,
    /// Created (ms).
    pub created_at: i64,
    /// Last saved (ms).
    pub updated_at: i64,
}

macro_rules! workflow_from_row {
    ($r:expr) => {{
        let r = $r;
        let document: String = r.try_get("document")?;
        WorkflowRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            name: r.try_get("name")?,
            status: r.try_get("status")?,
            version: r.try_get("version")?,
            document: serde_json::from_str(&document).unwrap_or(Value::Null),
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        }
    }};
}

impl Store {
    /// Saves a new version of a workflow (creating it at version 1) and returns the version.
    pub async fn save_workflow(
        &self,
        org: &str,
        id: &str,
        name: &str,
        document: &Value,
        author: &str,
    ) -> anyhow::Result<i64> {
        let now = now_ms();
        let text = document.to_string();
        let version = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            // Write first: on SQLite a transaction that reads before writing
            // cannot wait for the write lock and fails as busy instead.
            let bumped: Option<i64> = sqlx::query(
                "UPDATE workflows SET name = $1, version = version + 1, document = $2, updated_at = $3 WHERE org_id = $4 AND id = $5 RETURNING version",
            )
            .bind(name)
            .bind(&text)
            .bind(now)
            .bind(org)
            .bind(id)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("version"))
            .transpose()?;
            let version = match bumped {
                Some(version) => version,
                None => {
                    sqlx::query(
                        "INSERT INTO workflows (id, org_id, name, status, version, document, created_at, updated_at) VALUES ($1, $2, $3, 'draft', 1, $4, $5, $5)",
                    )
                    .bind(id)
                    .bind(org)
                    .bind(name)
                    .bind(&text)
                    .bind(now)
                    .execute(&mut *tx)
                    .await?;
                    1
                }
            };
            sqlx::query(
                "INSERT INTO workflow_versions (workflow_id, version, org_id, document, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(id)
            .bind(version)
            .bind(org)
            .bind(&text)
            .bind(author)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            version
        });
        Ok(version)
    }

    /// Sets `draft`, `active` or `inactive`.
    pub async fn set_workflow_status(
        &self,
        org: &str,
        id: &str,
        status: &str,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE workflows SET status = $1, updated_at = $2 WHERE org_id = $3 AND id = $4 AND deleted_at IS NULL",
        )
        .bind(status)
        .bind(now_ms())
        .bind(org)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// A workflow of an org, unless deleted.
    pub async fn workflow(&self, org: &str, id: &str) -> anyhow::Result<Option<WorkflowRecord>> {
        let record = with_pool!(&self.pool, p => {
            let row = sqlx::query(
                "SELECT id, org_id, name, status, version, document, created_at, updated_at FROM workflows WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
            )
            .bind(org)
            .bind(id)
            .fetch_optional(p)
            .await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(workflow_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(record)
    }

    /// One saved version's document.
    pub async fn workflow_version(
        &self,
        org: &str,
        id: &str,
        version: i64,
    ) -> anyhow::Result<Option<Value>> {
        let doc = with_pool!(&self.pool, p => sqlx::query(
            "SELECT document FROM workflow_versions WHERE org_id = $1 AND workflow_id = $2 AND version = $3",
        )
        .bind(org)
        .bind(id)
        .bind(version)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| r.try_get::<String, _>("document")).transpose()))?;
        Ok(doc.and_then(|d| serde_json::from_str(&d).ok()))
    }

    /// `(id, current version)` of the org's active workflows. Documents are
    /// not read: versions are immutable, so callers take them from a cache.
    pub async fn active_workflow_versions(&self, org: &str) -> anyhow::Result<Vec<(String, i64)>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT id, version FROM workflows WHERE org_id = $1 AND status = 'active' AND deleted_at IS NULL ORDER BY id",
        )
        .bind(org)
        .fetch_all(p)
        .await
        .and_then(|rows| {
            rows.iter()
                .map(|r| Ok((r.try_get::<String, _>("id")?, r.try_get::<i64, _>("version")?)))
                .collect::<Result<Vec<_>, sqlx::Error>>()
        }))?;
        Ok(rows)
    }
}
