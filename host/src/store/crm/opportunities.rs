//! Sales pipelines, their ordered stages, and the opportunities (a possible
//! sale to a contact, with a value) that move through them.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use crate::store::{Store, with_pool};

/// One stage of a pipeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stage {
    /// Id.
    pub id: String,
    /// Name, such as `Trial booked`.
    pub name: String,
    /// 0-based order within the pipeline.
    pub position: i64,
}

/// A pipeline with its stages in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Name.
    pub name: String,
    /// Stages, first to last.
    pub stages: Vec<Stage>,
}

/// An opportunity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Opportunity {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// The contact.
    pub contact_id: String,
    /// The pipeline.
    pub pipeline_id: String,
    /// The current stage (one of the pipeline's).
    pub stage_id: String,
    /// Title.
    pub title: String,
    /// Value in the currency's minor unit.
    pub value_minor: i64,
    /// ISO 4217 code.
    pub currency: String,
    /// `open`, `won` or `lost`.
    pub status: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last changed (ms).
    pub updated_at: i64,
}

const OPPORTUNITY_COLUMNS: &str = "org_id, id, contact_id, pipeline_id, stage_id, title, value_minor, currency, status, created_at, updated_at";

macro_rules! opportunity_from_row {
    ($r:expr) => {{
        let r = $r;
        Opportunity {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            contact_id: r.try_get("contact_id")?,
            pipeline_id: r.try_get("pipeline_id")?,
            stage_id: r.try_get("stage_id")?,
            title: r.try_get("title")?,
            value_minor: r.try_get("value_minor")?,
            currency: r.try_get("currency")?,
            status: r.try_get("status")?,
            created_at: r.try_get("created_at")?,
            updated_at: r.try_get("updated_at")?,
        }
    }};
}

impl Store {
    /// Creates a pipeline and its stages, in order, in one transaction.
    pub async fn crm_create_pipeline(&self, pipeline: &Pipeline, now: i64) -> anyhow::Result<()> {
        let org = pipeline.org_id.as_str();
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query("INSERT INTO pipelines (org_id, id, name, created_at) VALUES ($1, $2, $3, $4)")
                .bind(org)
                .bind(&pipeline.id)
                .bind(&pipeline.name)
                .bind(now)
                .execute(&mut *tx)
                .await?;
            for stage in &pipeline.stages {
                sqlx::query(
                    "INSERT INTO pipeline_stages (org_id, id, pipeline_id, name, position) VALUES ($1, $2, $3, $4, $5)",
                )
                .bind(org)
                .bind(&stage.id)
                .bind(&pipeline.id)
                .bind(&stage.name)
                .bind(stage.position)
                .execute(&mut *tx)
                .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// A pipeline of `org` with its stages.
    pub async fn crm_pipeline(&self, org: &str, id: &str) -> anyhow::Result<Option<Pipeline>> {
        let pipeline = with_pool!(&self.pool, p => {
            let row = sqlx::query("SELECT id, name FROM pipelines WHERE org_id = $1 AND id = $2")
                .bind(org)
                .bind(id)
                .fetch_optional(p)
                .await?;
            match row {
                None => None,
                Some(row) => {
                    let stages = sqlx::query(
                        "SELECT id, name, position FROM pipeline_stages WHERE org_id = $1 AND pipeline_id = $2 ORDER BY position, id",
                    )
                    .bind(org)
                    .bind(id)
                    .fetch_all(p)
                    .await?
                    .iter()
                    .map(|r| Ok::<_, sqlx::Error>(Stage {
                        id: r.try_get("id")?,
                        name: r.try_get("name")?,
                        position: r.try_get("position")?,
                    }))
                    .collect::<Result<Vec<_>, _>>()?;
                    Some(Pipeline {
                        id: row.try_get("id")?,
                        org_id: org.to_string(),
                        name: row.try_get("name")?,
                        stages,
                    })
                }
            }
        });
        Ok(pipeline)
    }

    /// Stores a new opportunity.
    pub async fn crm_create_opportunity(&self, opportunity: &Opportunity) -> anyhow::Result<()> {
        let o = opportunity;
        with_pool!(&self.pool, p => sqlx::query(&format!(
            "INSERT INTO opportunities ({OPPORTUNITY_COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)"
        ))
        .bind(&o.org_id)
        .bind(&o.id)
        .bind(&o.contact_id)
        .bind(&o.pipeline_id)
        .bind(&o.stage_id)
        .bind(&o.title)
        .bind(o.value_minor)
        .bind(&o.currency)
        .bind(&o.status)
        .bind(o.created_at)
        .bind(o.updated_at)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One opportunity of `org`.
    pub async fn crm_opportunity(
        &self,
        org: &str,
        id: &str,
    ) -> anyhow::Result<Option<Opportunity>> {
        let sql = format!(
            "SELECT {OPPORTUNITY_COLUMNS} FROM opportunities WHERE org_id = $1 AND id = $2"
        );
        let found = with_pool!(&self.pool, p => {
            let row = sqlx::query(&sql).bind(org).bind(id).fetch_optional(p).await?;
            match row {
                Some(r) => Some(Ok::<_, sqlx::Error>(opportunity_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(found)
    }

    /// The contact's opportunities, oldest first.
    pub async fn crm_opportunities_of(
        &self,
        org: &str,
        contact: &str,
    ) -> anyhow::Result<Vec<Opportunity>> {
        let sql = format!(
            "SELECT {OPPORTUNITY_COLUMNS} FROM opportunities WHERE org_id = $1 AND contact_id = $2 ORDER BY created_at, id"
        );
        let found = with_pool!(&self.pool, p => {
            let rows = sqlx::query(&sql).bind(org).bind(contact).fetch_all(p).await?;
            rows.iter().map(|r| Ok::<_, sqlx::Error>(opportunity_from_row!(r))).collect::<Result<Vec<_>, _>>()?
        });
        Ok(found)
    }

    /// Moves an opportunity to `stage`, which must belong to the opportunity's
    /// own pipeline; false when either is not in `org` or the stage is elsewhere.
    pub async fn crm_move_opportunity(
        &self,
        org: &str,
        id: &str,
        stage: &str,
        now: i64,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE opportunities SET stage_id = $1, updated_at = $2 WHERE org_id = $3 AND id = $4
             AND EXISTS (SELECT 1 FROM pipeline_stages s WHERE s.org_id = $3 AND s.id = $1 AND s.pipeline_id = opportunities.pipeline_id)",
        )
        .bind(stage)
        .bind(now)
        .bind(org)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
