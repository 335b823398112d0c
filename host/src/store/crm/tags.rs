//! Contact tags: free-form labels (`trial`, `vip`) that segment contacts and
//! fire `tag_added` triggers.

use sqlx::Row;

use super::NewCrmEvent;
use super::outbox::insert_crm_event;
use crate::store::{Store, with_pool};

impl Store {
    /// Tags `contact` with `tag`, and stores `event` in the same transaction
    /// when the tag is new; false when the contact already had it.
    pub async fn crm_add_tag(
        &self,
        org: &str,
        contact: &str,
        tag: &str,
        now: i64,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<bool> {
        let added = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "INSERT INTO contact_tags (org_id, contact_id, tag, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
            )
            .bind(org)
            .bind(contact)
            .bind(tag)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 && let Some(event) = event {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(added)
    }

    /// Removes a tag; false when the contact did not have it.
    pub async fn crm_remove_tag(
        &self,
        org: &str,
        contact: &str,
        tag: &str,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "DELETE FROM contact_tags WHERE org_id = $1 AND contact_id = $2 AND tag = $3",
        )
        .bind(org)
        .bind(contact)
        .bind(tag)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The contact's tags, sorted.
    pub async fn crm_tags(&self, org: &str, contact: &str) -> anyhow::Result<Vec<String>> {
        let tags = with_pool!(&self.pool, p => sqlx::query(
            "SELECT tag FROM contact_tags WHERE org_id = $1 AND contact_id = $2 ORDER BY tag",
        )
        .bind(org)
        .bind(contact)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("tag")).collect::<Result<Vec<_>, _>>()))?;
        Ok(tags)
    }
}
