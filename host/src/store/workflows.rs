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

/// A save request: the document plus the columns lists filter on.
#[derive(Debug, Clone, PartialEq)]
pub struct WorkflowSave<'a> {
    /// Tenant.
    pub org: &'a str,
    /// Workflow id.
    pub id: &'a str,
    /// Name (copied from the document).
    pub name: &'a str,
    /// The document.
    pub document: &'a Value,
    /// Who saved it.
    pub author: &'a str,
    /// Trigger events of the document's trigger nodes.
    pub triggers: Vec<String>,
    /// The document's tags.
    pub tags: Vec<String>,
    /// The version the editor started from; `None` creates the workflow when missing.
    pub expected_version: Option<i64>,
}

impl<'a> WorkflowSave<'a> {
    /// A save of `document`, reading triggers and tags from it.
    pub fn of_document(
        org: &'a str,
        id: &'a str,
        name: &'a str,
        document: &'a Value,
        author: &'a str,
    ) -> Self {
        let strings = |values: Option<&Vec<Value>>, pick: &dyn Fn(&Value) -> Option<String>| {
            values
                .map(|v| v.iter().filter_map(pick).collect::<Vec<_>>())
                .unwrap_or_default()
        };
        let triggers = strings(
            document.get("nodes").and_then(Value::as_array),
            &|n: &Value| {
                (n.get("kind")?.as_str()? == "trigger")
                    .then(|| n.get("config")?.get("event")?.as_str().map(str::to_string))?
            },
        );
        let tags = strings(
            document.get("tags").and_then(Value::as_array),
            &|t: &Value| t.as_str().map(str::to_string),
        );
        Self {
            org,
            id,
            name,
            document,
            author,
            triggers,
            tags,
            expected_version: None,
        }
    }
}

/// What a save did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SaveResult {
    /// Saved as this version.
    Saved(i64),
    /// The workflow moved on since `expected_version`: this is its current version.
    Conflict(i64),
    /// No such workflow (only when a version was expected).
    NotFound,
}

/// One saved version, without its document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct VersionSummary {
    /// Version number.
    pub version: i64,
    /// Who saved it.
    pub created_by: String,
    /// When (ms).
    pub created_at: i64,
}

/// `,a,b,` so that `LIKE '%,a,%'` matches one whole item.
fn delimited(items: &[String]) -> String {
    if items.is_empty() {
        String::new()
    } else {
        format!(",{},", items.join(","))
    }
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
        match self
            .save_workflow_version(&WorkflowSave::of_document(org, id, name, document, author))
            .await?
        {
            SaveResult::Saved(version) => Ok(version),
            other => anyhow::bail!("saving workflow {id}: {other:?}"),
        }
    }

    /// Saves a new version; with `expected_version`, only if it is still the current one.
    pub async fn save_workflow_version(
        &self,
        save: &WorkflowSave<'_>,
    ) -> anyhow::Result<SaveResult> {
        let now = now_ms();
        let text = save.document.to_string();
        let triggers = delimited(&save.triggers);
        let tags = delimited(&save.tags);
        let result = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            // Write first: on SQLite a transaction that reads before writing
            // cannot wait for the write lock and fails as busy instead.
            let bumped: Option<i64> = sqlx::query(
                "UPDATE workflows SET name = $1, version = version + 1, document = $2, updated_at = $3, triggers = $4, tags = $5
                 WHERE org_id = $6 AND id = $7 AND deleted_at IS NULL AND ($8 IS NULL OR version = $8) RETURNING version",
            )
            .bind(save.name)
            .bind(&text)
            .bind(now)
            .bind(&triggers)
            .bind(&tags)
            .bind(save.org)
            .bind(save.id)
            .bind(save.expected_version)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get("version"))
            .transpose()?;
            let version = match (bumped, save.expected_version) {
                (Some(version), _) => version,
                (None, Some(_)) => {
                    let current: Option<i64> = sqlx::query(
                        "SELECT version FROM workflows WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
                    )
                    .bind(save.org)
                    .bind(save.id)
                    .fetch_optional(&mut *tx)
                    .await?
                    .map(|r| r.try_get("version"))
                    .transpose()?;
                    tx.rollback().await?;
                    return Ok(match current {
                        Some(current) => SaveResult::Conflict(current),
                        None => SaveResult::NotFound,
                    });
                }
                (None, None) => {
                    sqlx::query(
                        "INSERT INTO workflows (id, org_id, name, status, version, document, created_at, updated_at, triggers, tags)
                         VALUES ($1, $2, $3, 'draft', 1, $4, $5, $5, $6, $7)",
                    )
                    .bind(save.id)
                    .bind(save.org)
                    .bind(save.name)
                    .bind(&text)
                    .bind(now)
                    .bind(&triggers)
                    .bind(&tags)
                    .execute(&mut *tx)
                    .await?;
                    1
                }
            };
            sqlx::query(
                "INSERT INTO workflow_versions (workflow_id, version, org_id, document, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6)",
            )
            .bind(save.id)
            .bind(version)
            .bind(save.org)
            .bind(&text)
            .bind(save.author)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
            SaveResult::Saved(version)
        });
        Ok(result)
    }

    /// Marks a workflow deleted (and inactive); false when there was none.
    pub async fn soft_delete_workflow(&self, org: &str, id: &str) -> anyhow::Result<bool> {
        let now = now_ms();
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE workflows SET deleted_at = $1, status = 'inactive', updated_at = $1 WHERE org_id = $2 AND id = $3 AND deleted_at IS NULL",
        )
        .bind(now)
        .bind(org)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Every saved version of a workflow, newest first.
    pub async fn workflow_versions(
        &self,
        org: &str,
        id: &str,
    ) -> anyhow::Result<Vec<VersionSummary>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT version, created_by, created_at FROM workflow_versions WHERE org_id = $1 AND workflow_id = $2 ORDER BY version DESC",
        )
        .bind(org)
        .bind(id)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok(VersionSummary {
            version: r.try_get("version")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
        })).collect::<Result<Vec<_>, sqlx::Error>>()))?;
        Ok(rows)
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

    /// Every workflow of an org that is not deleted, with its current document.
    pub async fn current_workflows(&self, org: &str) -> anyhow::Result<Vec<WorkflowRecord>> {
        let records = with_pool!(&self.pool, p => sqlx::query(
            "SELECT id, org_id, name, status, version, document, created_at, updated_at FROM workflows WHERE org_id = $1 AND deleted_at IS NULL ORDER BY id",
        )
        .bind(org)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>(workflow_from_row!(r)))
        .collect::<Result<Vec<_>, _>>()?);
        Ok(records)
    }

    /// `(current version, status)` of a workflow, unless deleted, without
    /// reading its document (the hot path of starting executions).
    pub async fn workflow_head(
        &self,
        org: &str,
        id: &str,
    ) -> anyhow::Result<Option<(i64, String)>> {
        let head = with_pool!(&self.pool, p => sqlx::query(
            "SELECT version, status FROM workflows WHERE org_id = $1 AND id = $2 AND deleted_at IS NULL",
        )
        .bind(org)
        .bind(id)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| Ok((r.try_get("version")?, r.try_get("status")?))).transpose()))?;
        Ok(head)
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
