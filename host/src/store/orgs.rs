//! Organisations: the tenants every other row belongs to.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// A tenant: one gym business (or a reseller's sub-account).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Org {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// IANA time zone used for business hours and dates.
    pub time_zone: String,
}

impl Store {
    /// Creates the org unless it exists; returns it as stored.
    pub async fn ensure_org(&self, org: &Org) -> anyhow::Result<Org> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO orgs (id, name, time_zone, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.time_zone)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        self.org(&org.id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("org {} vanished after insert", org.id))
    }

    /// The org with this id.
    pub async fn org(&self, id: &str) -> anyhow::Result<Option<Org>> {
        let org = with_pool!(&self.pool, p => sqlx::query("SELECT id, name, time_zone FROM orgs WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await
            .and_then(|r| r.map(|r| Ok::<_, sqlx::Error>(Org {
                id: r.try_get("id")?,
                name: r.try_get("name")?,
                time_zone: r.try_get("time_zone")?,
            })).transpose()))?;
        Ok(org)
    }
}
