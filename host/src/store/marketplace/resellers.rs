//! Resellers: orgs that own sub-accounts, brand the product and its actions
//! for them, and preinstall actions into every sub-account.

use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use crate::store::{Org, Store, now_ms, with_pool};

/// A reseller's product branding, applied to its sub-accounts' builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ResellerBrand {
    /// Product name shown instead of "Atlas Flow".
    pub product_name: String,
    /// Logo: an https URL or a `data:image/...` URL.
    #[serde(default)]
    pub logo: Option<String>,
    /// Main colour, `#RRGGBB`.
    #[serde(default)]
    pub primary_color: Option<String>,
    /// Accent colour, `#RRGGBB`.
    #[serde(default)]
    pub accent_color: Option<String>,
}

/// An action a reseller installs into every sub-account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PreinstallRecord {
    /// Action id.
    pub plugin_id: String,
    /// Version installed.
    pub version: String,
    /// Capabilities granted in each sub-account.
    pub granted: Vec<String>,
}

impl Store {
    /// The reseller that owns this org, if it is a sub-account.
    pub async fn org_reseller(&self, org: &str) -> anyhow::Result<Option<String>> {
        let reseller = with_pool!(&self.pool, p => sqlx::query("SELECT reseller_id FROM orgs WHERE id = $1")
            .bind(org)
            .fetch_optional(p)
            .await?
            .map(|r| r.try_get::<Option<String>, _>("reseller_id"))
            .transpose()?
            .flatten());
        Ok(reseller)
    }

    /// A reseller's sub-accounts, by id.
    pub async fn sub_accounts(&self, reseller: &str) -> anyhow::Result<Vec<Org>> {
        let orgs = with_pool!(&self.pool, p => sqlx::query(
            "SELECT id, name, time_zone FROM orgs WHERE reseller_id = $1 ORDER BY id",
        )
        .bind(reseller)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>(Org {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            time_zone: r.try_get("time_zone")?,
        }))
        .collect::<Result<Vec<_>, _>>()?);
        Ok(orgs)
    }

    /// Sets a reseller's product branding.
    pub async fn reseller_brand_put(
        &self,
        reseller: &str,
        brand: &ResellerBrand,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO reseller_brands (reseller_id, product_name, logo, primary_color, accent_color, updated_at) VALUES ($1, $2, $3, $4, $5, $6) \
             ON CONFLICT (reseller_id) DO UPDATE SET product_name = excluded.product_name, logo = excluded.logo, primary_color = excluded.primary_color, accent_color = excluded.accent_color, updated_at = excluded.updated_at",
        )
        .bind(reseller)
        .bind(&brand.product_name)
        .bind(&brand.logo)
        .bind(&brand.primary_color)
        .bind(&brand.accent_color)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A reseller's product branding.
    pub async fn reseller_brand(&self, reseller: &str) -> anyhow::Result<Option<ResellerBrand>> {
        let brand = with_pool!(&self.pool, p => sqlx::query(
            "SELECT product_name, logo, primary_color, accent_color FROM reseller_brands WHERE reseller_id = $1",
        )
        .bind(reseller)
        .fetch_optional(p)
        .await?
        .map(|r| Ok::<_, sqlx::Error>(ResellerBrand {
            product_name: r.try_get("product_name")?,
            logo: r.try_get("logo")?,
            primary_color: r.try_get("primary_color")?,
            accent_color: r.try_get("accent_color")?,
        }))
        .transpose()?);
        Ok(brand)
    }

    /// Sets (`Some`) or removes (`None`) a reseller's branding of one action.
    pub async fn action_branding_put(
        &self,
        reseller: &str,
        plugin_id: &str,
        branding: Option<&marketplace::Branding>,
    ) -> anyhow::Result<bool> {
        let n = match branding {
            Some(b) => with_pool!(&self.pool, p => sqlx::query(
                "INSERT INTO action_brandings (reseller_id, plugin_id, branding, updated_at) VALUES ($1, $2, $3, $4) \
                 ON CONFLICT (reseller_id, plugin_id) DO UPDATE SET branding = excluded.branding, updated_at = excluded.updated_at",
            )
            .bind(reseller)
            .bind(plugin_id)
            .bind(serde_json::to_string(b)?)
            .bind(now_ms())
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?,
            None => with_pool!(&self.pool, p => sqlx::query(
                "DELETE FROM action_brandings WHERE reseller_id = $1 AND plugin_id = $2",
            )
            .bind(reseller)
            .bind(plugin_id)
            .execute(p)
            .await
            .map(|r| r.rows_affected()))?,
        };
        Ok(n == 1)
    }

    /// A reseller's action brandings, by action id.
    pub async fn action_brandings(
        &self,
        reseller: &str,
    ) -> anyhow::Result<std::collections::BTreeMap<String, marketplace::Branding>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT plugin_id, branding FROM action_brandings WHERE reseller_id = $1",
        )
        .bind(reseller)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| Ok::<_, sqlx::Error>((r.try_get::<String, _>("plugin_id")?, r.try_get::<String, _>("branding")?)))
        .collect::<Result<Vec<_>, _>>()?);
        Ok(rows
            .into_iter()
            .filter_map(|(id, b)| serde_json::from_str(&b).ok().map(|b| (id, b)))
            .collect())
    }

    /// Records an action the reseller installs into every sub-account.
    pub async fn preinstall_put(
        &self,
        reseller: &str,
        record: &PreinstallRecord,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO reseller_preinstalls (reseller_id, plugin_id, version, granted, updated_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (reseller_id, plugin_id) DO UPDATE SET version = excluded.version, granted = excluded.granted, updated_at = excluded.updated_at",
        )
        .bind(reseller)
        .bind(&record.plugin_id)
        .bind(&record.version)
        .bind(serde_json::to_string(&record.granted)?)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// A reseller's preinstalled actions.
    pub async fn preinstalls(&self, reseller: &str) -> anyhow::Result<Vec<PreinstallRecord>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT plugin_id, version, granted FROM reseller_preinstalls WHERE reseller_id = $1 ORDER BY plugin_id",
        )
        .bind(reseller)
        .fetch_all(p)
        .await?
        .iter()
        .map(|r| {
            let granted: String = r.try_get("granted")?;
            Ok::<_, sqlx::Error>(PreinstallRecord {
                plugin_id: r.try_get("plugin_id")?,
                version: r.try_get("version")?,
                granted: serde_json::from_str(&granted).unwrap_or_default(),
            })
        })
        .collect::<Result<Vec<_>, _>>()?);
        Ok(rows)
    }
}
