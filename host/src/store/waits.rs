//! Event waits: executions parked on a wait-for-event node or watching a goal,
//! found by (org, contact, event) when a CRM event arrives.

use sqlx::Row;

use super::transitions::NewWait;
use super::{Store, with_pool};

impl Store {
    /// Waits of `contact` in `org` for `event`.
    pub async fn waits_for(
        &self,
        org: &str,
        contact: &str,
        event: &str,
    ) -> anyhow::Result<Vec<NewWait>> {
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(
                "SELECT execution_id, org_id, contact_id, event, node_id, kind FROM waits WHERE org_id = $1 AND contact_id = $2 AND event = $3 ORDER BY execution_id",
            )
            .bind(org)
            .bind(contact)
            .bind(event)
            .fetch_all(p)
            .await?;
            rows.iter()
                .map(|r| {
                    Ok::<_, sqlx::Error>(NewWait {
                        execution_id: r.try_get("execution_id")?,
                        org_id: r.try_get("org_id")?,
                        contact_id: r.try_get("contact_id")?,
                        event: r.try_get("event")?,
                        node_id: r.try_get("node_id")?,
                        kind: r.try_get("kind")?,
                    })
                })
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }
}
