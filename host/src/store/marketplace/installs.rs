//! Installs: an org's chosen versions of marketplace actions, with the
//! capabilities its admin granted. A version whose requested capabilities are
//! not all granted waits for a grant and does not run.

use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::store::{Store, now_ms, with_pool};

/// Whether an install can run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InstallStatus {
    /// Every requested capability is granted: workflows may run it.
    Active,
    /// It requests capabilities not yet granted; it does not run until they are.
    AwaitingGrant,
}

impl InstallStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::AwaitingGrant => "awaiting_grant",
        }
    }
}

/// One installed version in an org.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct InstallRecord {
    /// The org.
    pub org_id: String,
    /// Action id.
    pub plugin_id: String,
    /// Installed version.
    pub version: String,
    /// Granted capabilities (`http:HOST`, `kv`, `secret:NAME`, `crm:read`, `crm:write`, `ai`).
    pub granted: Vec<String>,
    /// Active, or waiting for a grant.
    pub status: InstallStatus,
    /// Who installed it.
    pub installed_by: String,
    /// When.
    pub installed_at: i64,
}

macro_rules! install_from_row {
    ($r:expr) => {{
        let r = $r;
        let granted: String = r.try_get("granted")?;
        let status: String = r.try_get("status")?;
        InstallRecord {
            org_id: r.try_get("org_id")?,
            plugin_id: r.try_get("plugin_id")?,
            version: r.try_get("version")?,
            granted: serde_json::from_str(&granted).unwrap_or_default(),
            status: if status == "active" {
                InstallStatus::Active
            } else {
                InstallStatus::AwaitingGrant
            },
            installed_by: r.try_get("installed_by")?,
            installed_at: r.try_get("installed_at")?,
        }
    }};
}

const INSTALL_COLUMNS: &str =
    "org_id, plugin_id, version, granted, status, installed_by, installed_at";

impl Store {
    /// Installs a version into an org, or updates its grant.
    pub async fn install_put(
        &self,
        org: &str,
        plugin_id: &str,
        version: &str,
        granted: &[String],
        status: InstallStatus,
        by: &str,
    ) -> anyhow::Result<()> {
        let granted = serde_json::to_string(granted)?;
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO plugin_installs (org_id, plugin_id, version, granted, status, installed_by, installed_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (org_id, plugin_id, version) DO UPDATE SET granted = excluded.granted, status = excluded.status",
        )
        .bind(org)
        .bind(plugin_id)
        .bind(version)
        .bind(granted)
        .bind(status.as_str())
        .bind(by)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// One install of an org.
    pub async fn install(
        &self,
        org: &str,
        plugin_id: &str,
        version: &str,
    ) -> anyhow::Result<Option<InstallRecord>> {
        let sql = format!(
            "SELECT {INSTALL_COLUMNS} FROM plugin_installs WHERE org_id = $1 AND plugin_id = $2 AND version = $3"
        );
        let record = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(org)
            .bind(plugin_id)
            .bind(version)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(install_from_row!(&r)))
            .transpose()?);
        Ok(record)
    }

    /// Every install of an org, by action id then install time.
    pub async fn installs(&self, org: &str) -> anyhow::Result<Vec<InstallRecord>> {
        let sql = format!(
            "SELECT {INSTALL_COLUMNS} FROM plugin_installs WHERE org_id = $1 ORDER BY plugin_id, installed_at"
        );
        let records = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(org)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, sqlx::Error>(install_from_row!(r)))
            .collect::<Result<Vec<_>, _>>()?);
        Ok(records)
    }

    /// Removes an install; false when there was none.
    pub async fn install_delete(
        &self,
        org: &str,
        plugin_id: &str,
        version: &str,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "DELETE FROM plugin_installs WHERE org_id = $1 AND plugin_id = $2 AND version = $3",
        )
        .bind(org)
        .bind(plugin_id)
        .bind(version)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// How many orgs have each action installed (any version).
    pub async fn install_counts(&self) -> anyhow::Result<std::collections::HashMap<String, i64>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT plugin_id, COUNT(DISTINCT org_id) AS n FROM plugin_installs GROUP BY plugin_id",
        )
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get::<String, _>("plugin_id")?, r.try_get::<i64, _>("n")?)))
        .collect::<Result<std::collections::HashMap<_, _>, _>>()?);
        Ok(rows)
    }
}
