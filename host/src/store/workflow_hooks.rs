//! Inbound webhook URLs: each workflow may have one secret token; only its
//! SHA-256 is stored, so the URL is shown once, when it is created.

use sqlx::Row;

use super::{Store, now_ms, with_pool};

impl Store {
    /// Sets (or replaces) the workflow's webhook token hash.
    pub async fn set_workflow_hook(
        &self,
        org: &str,
        workflow: &str,
        token_hash: &str,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query("DELETE FROM workflow_hooks WHERE org_id = $1 AND workflow_id = $2")
                .bind(org)
                .bind(workflow)
                .execute(&mut *tx)
                .await?;
            sqlx::query(
                "INSERT INTO workflow_hooks (token_hash, org_id, workflow_id, created_at) VALUES ($1, $2, $3, $4)",
            )
            .bind(token_hash)
            .bind(org)
            .bind(workflow)
            .bind(now_ms())
            .execute(&mut *tx)
            .await?;
            tx.commit().await?;
        });
        Ok(())
    }

    /// `(org, workflow)` of the hook with this token hash.
    pub async fn workflow_hook(
        &self,
        token_hash: &str,
    ) -> anyhow::Result<Option<(String, String)>> {
        let hook = with_pool!(&self.pool, p => sqlx::query(
            "SELECT org_id, workflow_id FROM workflow_hooks WHERE token_hash = $1",
        )
        .bind(token_hash)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| Ok((r.try_get("org_id")?, r.try_get("workflow_id")?))).transpose()))?;
        Ok(hook)
    }

    /// Removes the workflow's webhook; false when it had none.
    pub async fn delete_workflow_hook(&self, org: &str, workflow: &str) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "DELETE FROM workflow_hooks WHERE org_id = $1 AND workflow_id = $2",
        )
        .bind(org)
        .bind(workflow)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
