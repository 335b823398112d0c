//! Organisations: the tenants every other row belongs to. An org exists only
//! as a row here; requests for an id without one are refused, and reserved
//! ids (`reserved_ids.rs`) never get a row.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use super::reserved_ids::check_not_reserved;
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

/// An org as the platform operator sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct OrgRecord {
    /// Stable id.
    pub id: String,
    /// Display name.
    pub name: String,
    /// IANA time zone.
    pub time_zone: String,
    /// The reseller that owns it, for a sub-account.
    pub reseller_id: Option<String>,
    /// Creation time, ms since the Unix epoch.
    pub created_at: i64,
}

/// Why an org could not be created.
#[derive(Debug, thiserror::Error)]
pub enum CreateOrgError {
    /// The id is reserved for the platform.
    #[error("{0}")]
    Reserved(String),
    /// An org with this id exists already.
    #[error("an org `{0}` exists already")]
    Exists(String),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

/// Longest org id.
pub const MAX_ORG_ID_LEN: usize = 128;

impl Org {
    /// A new org from what a person typed, or the field that is wrong and
    /// why: the id (1 to 128 letters, digits, `-`, `_`, `.` or `:`, not
    /// reserved), the name (1 to 100 characters), the IANA time zone (`UTC`
    /// when absent).
    pub fn checked(
        id: &str,
        name: &str,
        time_zone: Option<&str>,
    ) -> Result<Self, (&'static str, String)> {
        let id_ok = !id.is_empty()
            && id.len() <= MAX_ORG_ID_LEN
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
        if !id_ok {
            return Err((
                "id",
                format!("must have 1 to {MAX_ORG_ID_LEN} letters, digits, `-`, `_`, `.` or `:`"),
            ));
        }
        check_not_reserved(id).map_err(|reason| ("id", reason))?;
        let name = name.trim();
        if name.is_empty() || name.chars().count() > 100 {
            return Err(("name", "must have 1 to 100 characters".into()));
        }
        let time_zone = time_zone.map(str::trim).unwrap_or("UTC");
        if time_zone.parse::<chrono_tz::Tz>().is_err() {
            return Err((
                "time_zone",
                format!("`{time_zone}` is not an IANA time zone"),
            ));
        }
        Ok(Self {
            id: id.into(),
            name: name.into(),
            time_zone: time_zone.into(),
        })
    }
}

impl Store {
    /// Creates the org unless it exists; returns it as stored. Refuses a reserved id.
    pub async fn ensure_org(&self, org: &Org) -> anyhow::Result<Org> {
        check_not_reserved(&org.id).map_err(anyhow::Error::msg)?;
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

    /// Creates a new org, owned by `reseller` when given, in one statement:
    /// an id that exists already (or is reserved) is refused, never taken over.
    pub async fn create_org(
        &self,
        org: &Org,
        reseller: Option<&str>,
    ) -> Result<(), CreateOrgError> {
        check_not_reserved(&org.id).map_err(CreateOrgError::Reserved)?;
        let inserted = with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO orgs (id, name, time_zone, created_at, reseller_id) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (id) DO NOTHING",
        )
        .bind(&org.id)
        .bind(&org.name)
        .bind(&org.time_zone)
        .bind(now_ms())
        .bind(reseller)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))
        .map_err(anyhow::Error::from)?;
        if inserted == 1 {
            Ok(())
        } else {
            Err(CreateOrgError::Exists(org.id.clone()))
        }
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

    /// Whether an org with this id exists.
    pub async fn org_exists(&self, id: &str) -> anyhow::Result<bool> {
        let found = with_pool!(&self.pool, p => sqlx::query("SELECT 1 FROM orgs WHERE id = $1")
            .bind(id)
            .fetch_optional(p)
            .await
            .map(|r| r.is_some()))?;
        Ok(found)
    }

    /// Every org, by id.
    pub async fn org_records(&self) -> anyhow::Result<Vec<OrgRecord>> {
        self.org_records_where("", None).await
    }

    /// One org, as the operator sees it.
    pub async fn org_record(&self, id: &str) -> anyhow::Result<Option<OrgRecord>> {
        Ok(self
            .org_records_where("WHERE id = $1", Some(id))
            .await?
            .into_iter()
            .next())
    }

    async fn org_records_where(
        &self,
        condition: &str,
        id: Option<&str>,
    ) -> anyhow::Result<Vec<OrgRecord>> {
        let sql = format!(
            "SELECT id, name, time_zone, reseller_id, created_at FROM orgs {condition} ORDER BY id"
        );
        let orgs = with_pool!(&self.pool, p => {
            let mut q = sqlx::query(&sql);
            if let Some(id) = id {
                q = q.bind(id);
            }
            q.fetch_all(p)
                .await?
                .iter()
                .map(|r| Ok::<_, sqlx::Error>(OrgRecord {
                    id: r.try_get("id")?,
                    name: r.try_get("name")?,
                    time_zone: r.try_get("time_zone")?,
                    reseller_id: r.try_get("reseller_id")?,
                    created_at: r.try_get("created_at")?,
                }))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(orgs)
    }
}
