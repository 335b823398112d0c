//! Tasks: follow-ups for staff (call this lead, check this member in), with an
//! assignee, a due time, a priority and a status.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::store::{Store, with_pool};

/// How urgent a task is.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TaskPriority {
    /// Whenever.
    Low,
    /// The default.
    #[default]
    Normal,
    /// Soon.
    High,
    /// Now.
    Urgent,
}

impl TaskPriority {
    /// `low`, `normal`, `high` or `urgent`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Low => "low",
            Self::Normal => "normal",
            Self::High => "high",
            Self::Urgent => "urgent",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "low" => Self::Low,
            "high" => Self::High,
            "urgent" => Self::Urgent,
            _ => Self::Normal,
        }
    }
}

/// A task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Task {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// The contact it concerns, if any.
    pub contact_id: Option<String>,
    /// Short title.
    pub title: String,
    /// Details.
    pub description: String,
    /// The staff member who should do it.
    pub assignee_id: Option<String>,
    /// Due (ms).
    pub due_at: Option<i64>,
    /// Priority.
    pub priority: TaskPriority,
    /// `open`, `done` or `cancelled`.
    pub status: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
    /// When it was done (ms).
    pub completed_at: Option<i64>,
}

const TASK_COLUMNS: &str = "org_id, id, contact_id, title, description, assignee_id, due_at, priority, status, created_at, updated_at, completed_at";

macro_rules! task_from_row {
    ($r:expr) => {{
        let r = $r;
        let priority: String = r.try_get("priority")?;
        Task {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            contact_id: r.try_get("contact_id")?,
            title: r.try_get("title")?,
            description: r.try_get("description")?,
            assignee_id: r.try_get("assignee_id")?,
            due_at: r.try_get("due_at")?,
            priority: TaskPriority::parse(&priority),
            status: r.try_get("status")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
            completed_at: r.try_get("completed_at")?,
        }
    }};
}

impl Store {
    /// Stores a new task.
    pub async fn crm_create_task(&self, task: &Task) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(&format!(
            "INSERT INTO tasks ({TASK_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&task.org_id)
        .bind(&task.id)
        .bind(&task.contact_id)
        .bind(&task.title)
        .bind(&task.description)
        .bind(&task.assignee_id)
        .bind(task.due_at)
        .bind(task.priority.as_str())
        .bind(&task.status)
        .bind(task.created_at)
        .bind(task.updated_at)
        .bind(task.completed_at)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One task of `org`.
    pub async fn crm_task(&self, org: &str, id: &str) -> anyhow::Result<Option<Task>> {
        let sql = format!("SELECT {TASK_COLUMNS} FROM tasks WHERE org_id = $1 AND id = $2");
        let task = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(task_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(task)
    }

    /// Tasks of `org`, optionally only one assignee's or one contact's, in `status`
    /// when given; soonest due first.
    pub async fn crm_tasks(
        &self,
        org: &str,
        assignee: Option<&str>,
        contact: Option<&str>,
        status: Option<&str>,
    ) -> anyhow::Result<Vec<Task>> {
        let sql = format!(
            "SELECT {TASK_COLUMNS} FROM tasks WHERE org_id = $1 AND ($2 IS NULL OR assignee_id = $2)
             AND ($3 IS NULL OR contact_id = $3) AND ($4 IS NULL OR status = $4)
             ORDER BY due_at IS NULL, due_at, id LIMIT 1000"
        );
        let tasks = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(assignee).bind(contact).bind(status).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(task_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(tasks)
    }

    /// Sets a task's status (`open`, `done`, `cancelled`); false when it is not in `org`.
    pub async fn crm_set_task_status(
        &self,
        org: &str,
        id: &str,
        status: &str,
        now: i64,
    ) -> anyhow::Result<bool> {
        let completed = (status == "done").then_some(now);
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE tasks SET status = $1, updated_at = $2, completed_at = $3 WHERE org_id = $4 AND id = $5",
        )
        .bind(status)
        .bind(now)
        .bind(completed)
        .bind(org)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
