//! The outbox of CRM events. A change (or a sweeper's claim) and the event it
//! causes are written in one transaction; a dispatcher then hands each event to
//! the engine. A `dedupe_key` lets an event exist at most once per org.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use sqlx::Row;

use crate::store::{Store, with_pool};

/// An event to store with the change that caused it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct NewCrmEvent {
    /// Id of the outbox row.
    pub id: String,
    /// Trigger event name: `lead_created`, `tag_added`, ...
    pub event: String,
    /// The contact it concerns, when there is one (snapshot; `id` is the contact id).
    pub contact: Option<Value>,
    /// The `trigger.*` payload.
    pub payload: Value,
    /// Makes the event unique within the org: a second insert with the same key is ignored.
    pub dedupe_key: Option<String>,
    /// When it happened (ms).
    pub created_at: i64,
}

/// A stored event.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CrmEventRecord {
    /// Tenant.
    pub org_id: String,
    /// The event as written.
    #[serde(flatten)]
    pub event: NewCrmEvent,
    /// When it was handed to the engine (ms), once it has been.
    pub delivered_at: Option<i64>,
}

/// Inserts `$event` (a `&NewCrmEvent`) for `$org` through `$exec`; evaluates to
/// the number of rows written (0 when its dedupe key already exists).
macro_rules! insert_crm_event {
    ($exec:expr, $org:expr, $event:expr) => {{
        let event: &$crate::store::crm::NewCrmEvent = $event;
        let contact_id = event
            .contact
            .as_ref()
            .and_then(|c| c.get("id"))
            .and_then(serde_json::Value::as_str)
            .map(str::to_string);
        sqlx::query(
            "INSERT INTO crm_events (org_id, id, event, contact_id, contact, payload, dedupe_key, created_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (org_id, dedupe_key) DO NOTHING",
        )
        .bind($org)
        .bind(&event.id)
        .bind(&event.event)
        .bind(contact_id)
        .bind(event.contact.as_ref().map(serde_json::Value::to_string))
        .bind(event.payload.to_string())
        .bind(&event.dedupe_key)
        .bind(event.created_at)
        .execute($exec)
        .await
        .map(|r| r.rows_affected())
    }};
}
pub(crate) use insert_crm_event;

macro_rules! event_from_row {
    ($r:expr) => {{
        let r = $r;
        let contact: Option<String> = r.try_get("contact")?;
        let payload: String = r.try_get("payload")?;
        CrmEventRecord {
            org_id: r.try_get("org_id")?,
            event: NewCrmEvent {
                id: r.try_get("id")?,
                event: r.try_get("event")?,
                contact: contact.and_then(|c| serde_json::from_str(&c).ok()),
                payload: serde_json::from_str(&payload).unwrap_or(Value::Null),
                dedupe_key: r.try_get("dedupe_key")?,
                created_at: r.try_get("created_at")?,
            },
            delivered_at: r.try_get("delivered_at")?,
        }
    }};
}

const EVENT_COLUMNS: &str =
    "org_id, id, event, contact, payload, dedupe_key, created_at, delivered_at";

impl Store {
    /// Stores one event on its own (a time-based event claimed by its dedupe
    /// key); true when it was written, false when its key already existed.
    pub async fn crm_record_event(&self, org: &str, event: &NewCrmEvent) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => insert_crm_event!(p, org, event))?;
        Ok(n == 1)
    }

    /// Events not yet delivered whose claim (if any) expired by `now`, oldest first.
    pub async fn crm_pending_events(
        &self,
        org: &str,
        now: i64,
        limit: i64,
    ) -> anyhow::Result<Vec<CrmEventRecord>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM crm_events
             WHERE org_id = $1 AND delivered_at IS NULL AND claimed_until <= $2 ORDER BY id LIMIT $3"
        );
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(now).bind(limit).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(event_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Claims an undelivered event for `worker` until `until`, unless another
    /// worker holds an unexpired claim; true when this call got it.
    pub async fn crm_claim_event(
        &self,
        org: &str,
        id: &str,
        worker: &str,
        now: i64,
        until: i64,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE crm_events SET claimed_by = $1, claimed_until = $2
             WHERE org_id = $3 AND id = $4 AND delivered_at IS NULL AND claimed_until <= $5",
        )
        .bind(worker)
        .bind(until)
        .bind(org)
        .bind(id)
        .bind(now)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Marks a claimed event delivered.
    pub async fn crm_event_delivered(&self, org: &str, id: &str, now: i64) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "UPDATE crm_events SET delivered_at = $1 WHERE org_id = $2 AND id = $3",
        )
        .bind(now)
        .bind(org)
        .bind(id)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The org's events, newest first, optionally only those named `event`.
    pub async fn crm_events(
        &self,
        org: &str,
        event: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<CrmEventRecord>> {
        let sql = format!(
            "SELECT {EVENT_COLUMNS} FROM crm_events
             WHERE org_id = $1 AND ($2 IS NULL OR event = $2) ORDER BY id DESC LIMIT $3"
        );
        let rows = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(event).bind(limit).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(event_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(rows)
    }

    /// Ids of every org, for jobs that visit each tenant in turn (the CRM sweeper).
    pub async fn org_ids(&self) -> anyhow::Result<Vec<String>> {
        let ids = with_pool!(&self.pool, p => sqlx::query("SELECT id FROM orgs ORDER BY id")
            .fetch_all(p)
            .await
            .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("id")).collect::<Result<Vec<_>, _>>()))?;
        Ok(ids)
    }
}
