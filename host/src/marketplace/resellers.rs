//! Resellers: an org that owns sub-accounts. It brands the product and any
//! action for them, publishes private actions only they see, and preinstalls
//! actions into every sub-account, existing and future. A sub-account cannot
//! itself resell, so it can never change its reseller's branding.

use serde::Serialize;
use utoipa::ToSchema;

use super::{InstallError, InstallRequest, Marketplace};
use crate::store::marketplace::PreinstallRecord;
use crate::store::{CreateOrgError, Org};

/// The product branding an org's users see.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct BrandView {
    /// Product name ("Atlas Flow" unless a reseller renamed it).
    pub product_name: String,
    /// Logo URL, if the reseller set one.
    pub logo: Option<String>,
    /// Main colour, `#RRGGBB`.
    pub primary_color: Option<String>,
    /// Accent colour, `#RRGGBB`.
    pub accent_color: Option<String>,
    /// The reseller whose branding this is.
    pub reseller_org_id: Option<String>,
}

impl Marketplace {
    /// The branding `org`'s users see: its reseller's, else the product's own.
    pub async fn brand_view(&self, org: &str) -> anyhow::Result<BrandView> {
        let reseller = self.store.org_reseller(org).await?;
        let brand = match &reseller {
            Some(r) => self.store.reseller_brand(r).await?,
            None => None,
        };
        Ok(match brand {
            Some(b) => BrandView {
                product_name: b.product_name,
                logo: b.logo,
                primary_color: b.primary_color,
                accent_color: b.accent_color,
                reseller_org_id: reseller,
            },
            None => BrandView {
                product_name: "Atlas Flow".into(),
                logo: None,
                primary_color: None,
                accent_color: None,
                reseller_org_id: reseller,
            },
        })
    }

    /// Refuses a sub-account acting as a reseller.
    pub async fn ensure_can_resell(&self, org: &str) -> Result<(), InstallError> {
        match self.store.org_reseller(org).await? {
            Some(parent) => Err(InstallError::Conflict(format!(
                "`{org}` is a sub-account of `{parent}`; only its reseller manages branding, sub-accounts and preinstalls"
            ))),
            None => Ok(()),
        }
    }

    /// Creates a sub-account and installs the reseller's preinstalled actions
    /// into it; false when the id is taken. The org row is inserted in one
    /// statement that refuses an existing id, so an org that exists (with
    /// workflows, keys or data) never gains a reseller, and nothing of the
    /// reseller's reaches it.
    pub async fn create_sub_account(
        &self,
        reseller: &str,
        by: &str,
        org: &Org,
    ) -> Result<bool, InstallError> {
        self.ensure_can_resell(reseller).await?;
        match self.store.create_org(org, Some(reseller)).await {
            Ok(()) => {}
            Err(CreateOrgError::Exists(_)) => return Ok(false),
            Err(CreateOrgError::Reserved(reason)) => {
                return Err(InstallError::Invalid {
                    field: "id".into(),
                    reason,
                });
            }
            Err(CreateOrgError::Store(e)) => return Err(InstallError::Internal(e)),
        }
        for pre in self.store.preinstalls(reseller).await? {
            self.install(
                &org.id,
                by,
                &InstallRequest {
                    plugin_id: pre.plugin_id,
                    version: pre.version,
                    grants: pre.granted,
                    secrets: Default::default(),
                },
            )
            .await?;
        }
        self.audit(
            super::Actor {
                org: reseller,
                subject: by,
            },
            "sub_account.created",
            org.id.clone(),
            serde_json::json!({ "name": org.name }),
        )
        .await?;
        Ok(true)
    }

    /// Installs a version into every sub-account now, and into each new one.
    /// Returns the sub-accounts installed into.
    pub async fn preinstall(
        &self,
        reseller: &str,
        by: &str,
        request: &InstallRequest,
    ) -> Result<Vec<String>, InstallError> {
        self.ensure_can_resell(reseller).await?;
        if !request.secrets.is_empty() {
            return Err(InstallError::Invalid {
                field: "secrets".into(),
                reason: "each sub-account enters its own secrets; a preinstall carries none".into(),
            });
        }
        let subs = self.store.sub_accounts(reseller).await?;
        for sub in &subs {
            self.install(&sub.id, by, request).await?;
        }
        if subs.is_empty() {
            // Check the version and grants even with no sub-account to install into.
            let record = self
                .store
                .plugin_version(&request.plugin_id, &request.version)
                .await?
                .filter(|v| {
                    v.status == crate::store::marketplace::ReviewStatus::Approved
                        && v.private_to.as_deref().is_none_or(|p| p == reseller)
                })
                .ok_or_else(|| {
                    InstallError::NotFound(format!(
                        "no approved version {}@{} is available",
                        request.plugin_id, request.version
                    ))
                })?;
            if record.yanked_at.is_some() || record.killed_at.is_some() {
                return Err(InstallError::Conflict(format!(
                    "{}@{} cannot be newly installed",
                    request.plugin_id, request.version
                )));
            }
        }
        self.store
            .preinstall_put(
                reseller,
                &PreinstallRecord {
                    plugin_id: request.plugin_id.clone(),
                    version: request.version.clone(),
                    granted: request.grants.clone(),
                },
            )
            .await?;
        Ok(subs.into_iter().map(|s| s.id).collect())
    }
}
