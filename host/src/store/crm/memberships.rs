//! Memberships: a contact's plan between a start and an end, `active` until
//! cancelled (or past its end).

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::NewCrmEvent;
use super::outbox::insert_crm_event;
use crate::store::{Store, with_pool};

/// A membership.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Membership {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// The member.
    pub contact_id: String,
    /// Plan name, such as `Unlimited monthly`.
    pub plan_name: String,
    /// Start (ms).
    pub starts_at: i64,
    /// End (ms).
    pub ends_at: i64,
    /// `active` or `cancelled`.
    pub status: String,
    /// Whether it renews by itself at the end.
    pub auto_renew: bool,
    /// When it was cancelled (ms).
    pub cancelled_at: Option<i64>,
    /// Why.
    pub cancel_reason: Option<String>,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

const MEMBERSHIP_COLUMNS: &str = "org_id, id, contact_id, plan_name, starts_at, ends_at, status, auto_renew, cancelled_at, cancel_reason, created_at, updated_at";

macro_rules! membership_from_row {
    ($r:expr) => {{
        let r = $r;
        Membership {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            contact_id: r.try_get("contact_id")?,
            plan_name: r.try_get("plan_name")?,
            starts_at: r.try_get("starts_at")?,
            ends_at: r.try_get("ends_at")?,
            status: r.try_get("status")?,
            auto_renew: r.try_get("auto_renew")?,
            cancelled_at: r.try_get("cancelled_at")?,
            cancel_reason: r.try_get("cancel_reason")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        }
    }};
}

impl Store {
    /// Stores a new membership.
    pub async fn crm_create_membership(&self, m: &Membership) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(&format!(
            "INSERT INTO memberships ({MEMBERSHIP_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
        ))
        .bind(&m.org_id)
        .bind(&m.id)
        .bind(&m.contact_id)
        .bind(&m.plan_name)
        .bind(m.starts_at)
        .bind(m.ends_at)
        .bind(&m.status)
        .bind(m.auto_renew)
        .bind(m.cancelled_at)
        .bind(&m.cancel_reason)
        .bind(m.created_at)
        .bind(m.updated_at)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One membership of `org`.
    pub async fn crm_membership(&self, org: &str, id: &str) -> anyhow::Result<Option<Membership>> {
        let sql =
            format!("SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE org_id = $1 AND id = $2");
        let found = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(membership_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(found)
    }

    /// The contact's memberships, latest end first.
    pub async fn crm_memberships_of(
        &self,
        org: &str,
        contact: &str,
    ) -> anyhow::Result<Vec<Membership>> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE org_id = $1 AND contact_id = $2 ORDER BY ends_at DESC, id"
        );
        let found = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(contact).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(membership_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(found)
    }

    /// Active memberships ending after `from` and no later than `to`.
    pub async fn crm_memberships_ending(
        &self,
        org: &str,
        from: i64,
        to: i64,
    ) -> anyhow::Result<Vec<Membership>> {
        let sql = format!(
            "SELECT {MEMBERSHIP_COLUMNS} FROM memberships WHERE org_id = $1 AND status = 'active' AND ends_at > $2 AND ends_at <= $3 ORDER BY ends_at, id"
        );
        let found = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(from).bind(to).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(membership_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(found)
    }

    /// Cancels an `active` membership and stores `event`, in one transaction;
    /// false when it is not in `org` or not active.
    pub async fn crm_cancel_membership(
        &self,
        org: &str,
        id: &str,
        reason: Option<&str>,
        now: i64,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<bool> {
        let done = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE memberships SET status = 'cancelled', cancelled_at = $1, cancel_reason = $2, auto_renew = $3, updated_at = $1
                 WHERE org_id = $4 AND id = $5 AND status = 'active'",
            )
            .bind(now)
            .bind(reason)
            .bind(false)
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 && let Some(event) = event {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(done)
    }

    /// Extends a membership to `ends_at` (reactivating it) and stores `event`, in
    /// one transaction; false when it is not in `org` or would not move forward.
    pub async fn crm_renew_membership(
        &self,
        org: &str,
        id: &str,
        ends_at: i64,
        now: i64,
        event: Option<&NewCrmEvent>,
    ) -> anyhow::Result<bool> {
        let done = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let n = sqlx::query(
                "UPDATE memberships SET status = 'active', ends_at = $1, cancelled_at = NULL, cancel_reason = NULL, updated_at = $2
                 WHERE org_id = $3 AND id = $4 AND ends_at < $1",
            )
            .bind(ends_at)
            .bind(now)
            .bind(org)
            .bind(id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            if n == 1 && let Some(event) = event {
                insert_crm_event!(&mut *tx, org, event)?;
            }
            tx.commit().await?;
            n == 1
        });
        Ok(done)
    }
}
