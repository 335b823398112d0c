//! The audit log: who did what to which object, and when. Denied capability
//! calls land here too.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// One thing to record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// The org the action happened in.
    pub org_id: String,
    /// Who did it: a user id, `plugin:<id>` or `system`.
    pub actor: String,
    /// What was done, dotted: `capability.denied`, `workflow.saved`.
    pub action: String,
    /// The object acted on.
    pub target: String,
    /// Details as JSON.
    pub detail: serde_json::Value,
}

/// A recorded entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct AuditRecord {
    /// Sequence number.
    pub id: i64,
    /// What happened.
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// When, in milliseconds since the Unix epoch.
    pub at: i64,
}

impl Store {
    /// Appends entries in one transaction.
    pub async fn audit_append(&self, entries: &[AuditEntry]) -> anyhow::Result<()> {
        if entries.is_empty() {
            return Ok(());
        }
        let at = now_ms();
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            for e in entries {
                sqlx::query(
                    "INSERT INTO audit_log (org_id, actor, action, target, detail, at) VALUES ($1, $2, $3, $4, $5, $6)",
                )
                .bind(&e.org_id)
                .bind(&e.actor)
                .bind(&e.action)
                .bind(&e.target)
                .bind(e.detail.to_string())
                .bind(at)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// The newest entries of an org, newest first.
    pub async fn audit_list(&self, org: &str, limit: i64) -> anyhow::Result<Vec<AuditRecord>> {
        self.audit_page(org, None, None, None, limit).await
    }

    /// A page of an org's entries, newest first, optionally of one action or
    /// target, before entry id `before`.
    pub async fn audit_page(
        &self,
        org: &str,
        action: Option<&str>,
        target: Option<&str>,
        before: Option<i64>,
        limit: i64,
    ) -> anyhow::Result<Vec<AuditRecord>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT id, org_id, actor, action, target, detail, at FROM audit_log WHERE org_id = $1
               AND ($2 IS NULL OR action = $2) AND ($3 IS NULL OR target = $3) AND ($4 IS NULL OR id < $4)
             ORDER BY id DESC LIMIT $5",
        )
        .bind(org)
        .bind(action)
        .bind(target)
        .bind(before)
        .bind(limit)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| {
            let detail: String = r.try_get("detail")?;
            Ok(AuditRecord {
                id: r.try_get("id")?,
                entry: AuditEntry {
                    org_id: r.try_get("org_id")?,
                    actor: r.try_get("actor")?,
                    action: r.try_get("action")?,
                    target: r.try_get("target")?,
                    detail: serde_json::from_str(&detail).unwrap_or(serde_json::Value::String(detail)),
                },
                at: r.try_get("at")?,
            })
        }).collect::<Result<Vec<_>, sqlx::Error>>()))?;
        Ok(rows)
    }
}
