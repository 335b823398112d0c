//! Listing an org's workflows: filters, name search and keyset pagination,
//! with each workflow's run statistics.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::tenant::with_tenant;
use super::{Store, with_pool};

/// What to list.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WorkflowFilter {
    /// Only this status (`draft`, `active`, `inactive`).
    pub status: Option<String>,
    /// Only workflows with a trigger on this event.
    pub trigger: Option<String>,
    /// Only workflows with this tag.
    pub tag: Option<String>,
    /// Case-insensitive substring of the name.
    pub search: Option<String>,
    /// Resume after this id (ids sort newest first).
    pub after: Option<String>,
    /// Page size.
    pub limit: i64,
}

/// One row of the list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkflowSummary {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `draft`, `active` or `inactive`.
    pub status: String,
    /// Current version.
    pub version: i64,
    /// Trigger events.
    pub triggers: Vec<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last saved (ms).
    pub updated_at: i64,
}

/// Run statistics of one workflow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct WorkflowRunStats {
    /// Executions started (test runs excluded).
    pub runs: i64,
    /// Of which completed.
    pub completed: i64,
    /// Of which failed.
    pub failed: i64,
    /// When the newest started (ms).
    pub last_run_at: Option<i64>,
}

fn split_delimited(text: &str) -> Vec<String> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

/// `%`, `_` and `\` escaped for a `LIKE ... ESCAPE '\'` pattern.
fn like_escape(text: &str) -> String {
    text.replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_")
}

impl Store {
    /// A page of the org's workflows (not deleted), newest first.
    pub async fn list_workflows(
        &self,
        org: &str,
        filter: &WorkflowFilter,
    ) -> anyhow::Result<Vec<WorkflowSummary>> {
        let search = filter
            .search
            .as_deref()
            .map(|s| format!("%{}%", like_escape(&s.to_lowercase())));
        let trigger = filter
            .trigger
            .as_deref()
            .map(|t| format!("%,{}%", like_escape(&format!("{t},"))));
        let tag = filter
            .tag
            .as_deref()
            .map(|t| format!("%,{}%", like_escape(&format!("{t},"))));
        let sql = "SELECT id, name, status, version, triggers, tags, created_at, updated_at FROM workflows
             WHERE org_id = $1 AND deleted_at IS NULL
               AND ($2 IS NULL OR status = $2)
               AND ($3 IS NULL OR triggers LIKE $3 ESCAPE '\\')
               AND ($4 IS NULL OR tags LIKE $4 ESCAPE '\\')
               AND ($5 IS NULL OR LOWER(name) LIKE $5 ESCAPE '\\')
               AND ($6 IS NULL OR id < $6)
             ORDER BY id DESC LIMIT $7";
        let rows = with_tenant!(&self.pool, org, c => sqlx::query(sql)
            .bind(org)
            .bind(filter.status.as_deref())
            .bind(trigger.as_deref())
            .bind(tag.as_deref())
            .bind(search.as_deref())
            .bind(filter.after.as_deref())
            .bind(filter.limit)
            .fetch_all(c)
            .await?
            .iter()
            .map(|r| {
                Ok::<_, sqlx::Error>(WorkflowSummary {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    status: r.try_get("status")?,
                    version: r.try_get("version")?,
                    triggers: split_delimited(&r.try_get::<String, _>("triggers")?),
                    tags: split_delimited(&r.try_get::<String, _>("tags")?),
                    created_at: r.try_get("created_at")?,
                    updated_at: r.try_get("updated_at")?,
                })
            })
            .collect::<Result<Vec<_>, _>>()?);
        Ok(rows)
    }

    /// Run statistics of the given workflows (absent ones never ran).
    pub async fn workflow_run_stats(
        &self,
        org: &str,
        workflows: &[String],
    ) -> anyhow::Result<Vec<(String, WorkflowRunStats)>> {
        if workflows.is_empty() {
            return Ok(Vec::new());
        }
        let params = (0..workflows.len())
            .map(|i| format!("${}", i + 3))
            .collect::<Vec<_>>()
            .join(", ");
        let sql = format!(
            "SELECT workflow_id, COUNT(*) AS runs,
                    SUM(CASE WHEN status = 'completed' THEN 1 ELSE 0 END) AS completed,
                    SUM(CASE WHEN status = 'failed' THEN 1 ELSE 0 END) AS failed,
                    MAX(started_at) AS last_run_at
             FROM executions WHERE org_id = $1 AND test_mode = $2 AND workflow_id IN ({params})
             GROUP BY workflow_id"
        );
        let rows = with_pool!(&self.pool, p => {
            let mut query = sqlx::query(&sql).bind(org).bind(false);
            for id in workflows {
                query = query.bind(id);
            }
            query
                .fetch_all(p)
                .await?
                .iter()
                .map(|r| {
                    Ok::<_, sqlx::Error>((
                        r.try_get::<String, _>("workflow_id")?,
                        WorkflowRunStats {
                            runs: r.try_get("runs")?,
                            completed: r.try_get::<Option<i64>, _>("completed")?.unwrap_or(0),
                            failed: r.try_get::<Option<i64>, _>("failed")?.unwrap_or(0),
                            last_run_at: r.try_get("last_run_at")?,
                        },
                    ))
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}
