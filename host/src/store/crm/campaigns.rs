//! Campaigns and who is in them. Each campaign keeps its own counters
//! (current members, adds and removals ever), updated in the same transaction
//! as the membership change.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::store::{Store, with_pool};

/// A campaign with its counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Campaign {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Name.
    pub name: String,
    /// `active`, `paused` or `archived`.
    pub status: String,
    /// Contacts in it now.
    pub members: i64,
    /// Times a contact was added.
    pub added: i64,
    /// Times a contact was removed.
    pub removed: i64,
    /// Created (ms).
    pub created_at: i64,
}

/// What an add or remove did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CampaignChange {
    /// The contact's membership changed.
    Changed,
    /// It already was as asked (in for an add, out for a remove).
    Unchanged,
    /// No such campaign in the org.
    NoSuchCampaign,
}

impl Store {
    /// Creates a campaign with zeroed counters.
    pub async fn crm_create_campaign(
        &self,
        org: &str,
        id: &str,
        name: &str,
        now: i64,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO campaigns (org_id, id, name, status, created_at) VALUES ($1, $2, $3, 'active', $4)",
        )
        .bind(org)
        .bind(id)
        .bind(name)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A campaign of `org` with its counters.
    pub async fn crm_campaign(&self, org: &str, id: &str) -> anyhow::Result<Option<Campaign>> {
        let found = with_pool!(&self.pool, p => sqlx::query(
            "SELECT org_id, id, name, status, members_count, added_count, removed_count, created_at FROM campaigns WHERE org_id = $1 AND id = $2",
        )
        .bind(org)
        .bind(id)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| Ok::<_, sqlx::Error>(Campaign {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            name: r.try_get("name")?,
            status: r.try_get("status")?,
            members: r.try_get("members_count")?,
            added: r.try_get("added_count")?,
            removed: r.try_get("removed_count")?,
            created_at: r.try_get("created_at")?,
        })).transpose()))?;
        Ok(found)
    }

    /// Ids of the contacts in the campaign now, sorted.
    pub async fn crm_campaign_members(
        &self,
        org: &str,
        campaign: &str,
    ) -> anyhow::Result<Vec<String>> {
        let ids = with_pool!(&self.pool, p => sqlx::query(
            "SELECT contact_id FROM campaign_members WHERE org_id = $1 AND campaign_id = $2 AND removed_at IS NULL ORDER BY contact_id",
        )
        .bind(org)
        .bind(campaign)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("contact_id")).collect::<Result<Vec<_>, _>>()))?;
        Ok(ids)
    }

    /// Puts the contact in the campaign (again, if it was removed) and counts it.
    pub async fn crm_add_to_campaign(
        &self,
        org: &str,
        campaign: &str,
        contact: &str,
        now: i64,
    ) -> anyhow::Result<CampaignChange> {
        let change = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            // Touch the campaign first: it must exist, and on PostgreSQL the
            // row lock orders concurrent changes to its counters.
            let exists = sqlx::query("UPDATE campaigns SET status = status WHERE org_id = $1 AND id = $2")
                .bind(org)
                .bind(campaign)
                .execute(&mut *tx)
                .await?
                .rows_affected() == 1;
            if !exists {
                tx.rollback().await?;
                CampaignChange::NoSuchCampaign
            } else {
                let inserted = sqlx::query(
                    "INSERT INTO campaign_members (org_id, campaign_id, contact_id, added_at) VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING",
                )
                .bind(org)
                .bind(campaign)
                .bind(contact)
                .bind(now)
                .execute(&mut *tx)
                .await?
                .rows_affected();
                let changed = inserted == 1 || sqlx::query(
                    "UPDATE campaign_members SET removed_at = NULL, added_at = $1
                     WHERE org_id = $2 AND campaign_id = $3 AND contact_id = $4 AND removed_at IS NOT NULL",
                )
                .bind(now)
                .bind(org)
                .bind(campaign)
                .bind(contact)
                .execute(&mut *tx)
                .await?
                .rows_affected() == 1;
                if changed {
                    sqlx::query(
                        "UPDATE campaigns SET members_count = members_count + 1, added_count = added_count + 1 WHERE org_id = $1 AND id = $2",
                    )
                    .bind(org)
                    .bind(campaign)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                if changed { CampaignChange::Changed } else { CampaignChange::Unchanged }
            }
        });
        Ok(change)
    }

    /// Takes the contact out of the campaign and counts it.
    pub async fn crm_remove_from_campaign(
        &self,
        org: &str,
        campaign: &str,
        contact: &str,
        now: i64,
    ) -> anyhow::Result<CampaignChange> {
        let change = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let exists = sqlx::query("UPDATE campaigns SET status = status WHERE org_id = $1 AND id = $2")
                .bind(org)
                .bind(campaign)
                .execute(&mut *tx)
                .await?
                .rows_affected() == 1;
            if !exists {
                tx.rollback().await?;
                CampaignChange::NoSuchCampaign
            } else {
                let removed = sqlx::query(
                    "UPDATE campaign_members SET removed_at = $1
                     WHERE org_id = $2 AND campaign_id = $3 AND contact_id = $4 AND removed_at IS NULL",
                )
                .bind(now)
                .bind(org)
                .bind(campaign)
                .bind(contact)
                .execute(&mut *tx)
                .await?
                .rows_affected() == 1;
                if removed {
                    sqlx::query(
                        "UPDATE campaigns SET members_count = members_count - 1, removed_count = removed_count + 1 WHERE org_id = $1 AND id = $2",
                    )
                    .bind(org)
                    .bind(campaign)
                    .execute(&mut *tx)
                    .await?;
                }
                tx.commit().await?;
                if removed { CampaignChange::Changed } else { CampaignChange::Unchanged }
            }
        });
        Ok(change)
    }
}
