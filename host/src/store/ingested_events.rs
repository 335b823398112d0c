//! Idempotent event ingest: the first request with an event id claims it;
//! a repeat gets the recorded outcome instead of firing triggers again.

use serde_json::Value;
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// What claiming an event id found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventClaim {
    /// This request owns the event: apply it, then record the outcome.
    Claimed,
    /// Already applied; this is what it did (`None` while still being applied).
    Seen(Option<Value>),
}

impl Store {
    /// Claims `event_id` in `org`.
    pub async fn claim_event(
        &self,
        org: &str,
        event_id: &str,
        event: &str,
    ) -> anyhow::Result<EventClaim> {
        let inserted = with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO ingested_events (org_id, event_id, event, received_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
        )
        .bind(org)
        .bind(event_id)
        .bind(event)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        if inserted == 1 {
            return Ok(EventClaim::Claimed);
        }
        let outcome: Option<String> = with_pool!(&self.pool, p => sqlx::query(
            "SELECT outcome FROM ingested_events WHERE org_id = $1 AND event_id = $2",
        )
        .bind(org)
        .bind(event_id)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| r.try_get::<Option<String>, _>("outcome")).transpose()))?
        .flatten();
        Ok(EventClaim::Seen(
            outcome.and_then(|o| serde_json::from_str(&o).ok()),
        ))
    }

    /// Records what a claimed event did.
    pub async fn record_event_outcome(
        &self,
        org: &str,
        event_id: &str,
        outcome: &Value,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "UPDATE ingested_events SET outcome = $1 WHERE org_id = $2 AND event_id = $3",
        )
        .bind(outcome.to_string())
        .bind(org)
        .bind(event_id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Releases a claim whose event could not be applied, so a retry can apply it.
    pub async fn release_event(&self, org: &str, event_id: &str) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "DELETE FROM ingested_events WHERE org_id = $1 AND event_id = $2 AND outcome IS NULL",
        )
        .bind(org)
        .bind(event_id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }
}
