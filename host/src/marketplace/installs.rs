//! Installing an approved version into an org: the admin sees what it
//! requests and grants it; secrets entered are stored encrypted. A version
//! that requests more than was granted waits for a grant and does not run.
//! Installing a newer version of an action already installed is an upgrade:
//! workflows stay pinned to their version, and the outcome reports the
//! capabilities added and the workflow nodes the new input schema breaks.

use std::collections::{BTreeMap, HashSet};

use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::Marketplace;
use crate::graph::NodeKind;
use crate::runtime::Capability;
use crate::store::marketplace::{InstallRecord, InstallStatus, PluginVersionRecord, PublisherKind};

/// An install (or upgrade) to make.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InstallRequest {
    /// Action id.
    pub plugin_id: String,
    /// Exact version.
    pub version: String,
    /// Capabilities granted, as the catalog lists them (`http:api.example.com`,
    /// `kv`, `secret:api_key`, `crm:read`, `crm:write`, `ai`). Only requested
    /// capabilities may be granted.
    #[serde(default)]
    pub grants: Vec<String>,
    /// Secret values by name, stored encrypted for this org and action.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub secrets: BTreeMap<String, String>,
}

/// A workflow node an upgrade would break.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct NodeBreak {
    /// The workflow.
    pub workflow_id: String,
    /// Its name.
    pub workflow_name: String,
    /// The node.
    pub node_id: String,
    /// The version the node is pinned to.
    pub pinned_version: String,
    /// The input field.
    pub field: String,
    /// What breaks.
    pub reason: String,
}

/// What moving to a new version means.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct UpgradeReport {
    /// Versions of the action the org had installed before.
    pub from_versions: Vec<String>,
    /// Capabilities the new version requests that no earlier install had.
    pub added_capabilities: Vec<String>,
    /// Nodes pinned to earlier versions whose input the new schema rejects.
    pub breaking_nodes: Vec<NodeBreak>,
}

/// The result of an install or grant.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct InstallOutcome {
    /// The install as stored.
    pub install: InstallRecord,
    /// What the version requests, in plain words, keyed by capability.
    #[schema(value_type = Object)]
    pub requested: BTreeMap<String, String>,
    /// Requested capabilities not granted; the install runs only when empty.
    pub missing: Vec<String>,
    /// Present when another version of the action was installed already.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub upgrade: Option<UpgradeReport>,
}

/// Why an install was refused.
#[derive(Debug, thiserror::Error)]
pub enum InstallError {
    /// No such approved version visible to the org.
    #[error("{0}")]
    NotFound(String),
    /// The version cannot be installed (yanked, killed, built-in).
    #[error("{0}")]
    Conflict(String),
    /// A grant or secret names something the version does not request.
    #[error("{field}: {reason}")]
    Invalid {
        /// The request field.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// The server failed.
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

impl Marketplace {
    /// A version the org may install, or why not.
    async fn installable(
        &self,
        org: &str,
        id: &str,
        version: &str,
    ) -> Result<PluginVersionRecord, InstallError> {
        let reseller = self.store.org_reseller(org).await?;
        let record = self.store.plugin_version(id, version).await?;
        let visible = |v: &PluginVersionRecord| {
            v.status == crate::store::marketplace::ReviewStatus::Approved
                && v.private_to
                    .as_deref()
                    .is_none_or(|p| p == org || Some(p) == reseller.as_deref())
        };
        let record = record.filter(visible).ok_or_else(|| {
            InstallError::NotFound(format!(
                "no approved version {id}@{version} is available to this organisation"
            ))
        })?;
        if record.publisher_kind == PublisherKind::Builtin {
            return Err(InstallError::Conflict(format!(
                "{id} is a built-in action: every organisation has it already"
            )));
        }
        if record.killed_at.is_some() {
            return Err(InstallError::Conflict(format!(
                "{id}@{version} was disabled by the platform"
            )));
        }
        Ok(record)
    }

    /// Checks grants against the request and returns `(granted, missing)`.
    fn check_grants(
        requested: &[Capability],
        grants: &[String],
    ) -> Result<(Vec<String>, Vec<String>), InstallError> {
        let requested_names: Vec<String> = requested.iter().map(Capability::to_string).collect();
        let mut granted = Vec::new();
        for (i, grant) in grants.iter().enumerate() {
            let capability: Capability = grant.parse().map_err(|e| InstallError::Invalid {
                field: format!("grants/{i}"),
                reason: e,
            })?;
            let name = capability.to_string();
            if !requested_names.contains(&name) {
                return Err(InstallError::Invalid {
                    field: format!("grants/{i}"),
                    reason: format!(
                        "`{name}` is not requested by this version; it requests: {}",
                        requested_names.join(", ")
                    ),
                });
            }
            if !granted.contains(&name) {
                granted.push(name);
            }
        }
        let missing = requested_names
            .into_iter()
            .filter(|r| !granted.contains(r))
            .collect();
        Ok((granted, missing))
    }

    /// Installs (or upgrades to) a version with the given grants and secrets.
    pub async fn install(
        &self,
        org: &str,
        by: &str,
        request: &InstallRequest,
    ) -> Result<InstallOutcome, InstallError> {
        let record = self
            .installable(org, &request.plugin_id, &request.version)
            .await?;
        let existing = self
            .store
            .install(org, &request.plugin_id, &request.version)
            .await?;
        if record.yanked_at.is_some() && existing.is_none() {
            return Err(InstallError::Conflict(format!(
                "{}@{} was yanked by its publisher and cannot be newly installed",
                request.plugin_id, request.version
            )));
        }
        if existing.is_none() && self.signing_key_revoked_at(&record).await?.is_some() {
            return Err(InstallError::Conflict(format!(
                "{}@{} was signed with key `{}`, which its publisher revoked; it cannot be newly installed",
                request.plugin_id, request.version, record.key_id
            )));
        }
        let requested = record.requested();
        let (granted, missing) = Self::check_grants(&requested, &request.grants)?;
        for name in request.secrets.keys() {
            let allowed = requested
                .iter()
                .any(|c| matches!(c, Capability::Secret(s) if s == name || s == "*"));
            if !allowed {
                return Err(InstallError::Invalid {
                    field: format!("secrets/{name}"),
                    reason: "this version does not request a secret by that name".into(),
                });
            }
        }
        let upgrade = self.upgrade_report(org, &record, &requested).await?;
        let status = if missing.is_empty() {
            InstallStatus::Active
        } else {
            InstallStatus::AwaitingGrant
        };
        for (name, value) in &request.secrets {
            self.store
                .secret_put(org, &request.plugin_id, name, value)
                .await?;
        }
        self.store
            .install_put(
                org,
                &request.plugin_id,
                &request.version,
                &granted,
                status,
                by,
            )
            .await?;
        self.forget_access();
        self.audit(
            super::Actor { org, subject: by },
            "plugin.installed",
            format!("{}@{}", request.plugin_id, request.version),
            serde_json::json!({ "granted": granted, "missing": missing, "secrets": request.secrets.keys().collect::<Vec<_>>() }),
        )
        .await?;
        self.outcome(org, &record, requested, upgrade).await
    }

    /// Grants capabilities to an installed version (adding to what it had).
    pub async fn grant(
        &self,
        org: &str,
        by: &str,
        id: &str,
        version: &str,
        grants: &[String],
    ) -> Result<InstallOutcome, InstallError> {
        let install = self.store.install(org, id, version).await?.ok_or_else(|| {
            InstallError::NotFound(format!(
                "{id}@{version} is not installed in this organisation"
            ))
        })?;
        let record = self
            .store
            .plugin_version(id, version)
            .await?
            .ok_or_else(|| InstallError::NotFound(format!("{id}@{version} is not published")))?;
        let requested = record.requested();
        let all: Vec<String> = install.granted.iter().chain(grants).cloned().collect();
        let (granted, missing) = Self::check_grants(&requested, &all)?;
        let status = if missing.is_empty() {
            InstallStatus::Active
        } else {
            InstallStatus::AwaitingGrant
        };
        self.store
            .install_put(org, id, version, &granted, status, &install.installed_by)
            .await?;
        self.forget_access();
        self.audit(
            super::Actor { org, subject: by },
            "plugin.granted",
            format!("{id}@{version}"),
            serde_json::json!({ "granted": granted, "missing": missing }),
        )
        .await?;
        self.outcome(org, &record, requested, None).await
    }

    /// Removes an install; workflows pinned to it then fail that step as not installed.
    pub async fn uninstall(
        &self,
        org: &str,
        by: &str,
        id: &str,
        version: &str,
    ) -> Result<(), InstallError> {
        if !self.store.install_delete(org, id, version).await? {
            return Err(InstallError::NotFound(format!(
                "{id}@{version} is not installed in this organisation"
            )));
        }
        self.forget_access();
        self.audit(
            super::Actor { org, subject: by },
            "plugin.uninstalled",
            format!("{id}@{version}"),
            serde_json::json!({}),
        )
        .await?;
        Ok(())
    }

    async fn outcome(
        &self,
        org: &str,
        record: &PluginVersionRecord,
        requested: Vec<Capability>,
        upgrade: Option<UpgradeReport>,
    ) -> Result<InstallOutcome, InstallError> {
        let install = self
            .store
            .install(org, &record.plugin_id, &record.version)
            .await?
            .ok_or_else(|| anyhow::anyhow!("install vanished"))?;
        let granted: HashSet<&str> = install.granted.iter().map(String::as_str).collect();
        let missing = requested
            .iter()
            .map(Capability::to_string)
            .filter(|c| !granted.contains(c.as_str()))
            .collect();
        Ok(InstallOutcome {
            requested: requested
                .iter()
                .map(|c| (c.to_string(), c.describe()))
                .collect(),
            missing,
            install,
            upgrade,
        })
    }

    /// What installing `record` means next to the versions installed already.
    pub async fn upgrade_report(
        &self,
        org: &str,
        record: &PluginVersionRecord,
        requested: &[Capability],
    ) -> anyhow::Result<Option<UpgradeReport>> {
        let others: Vec<InstallRecord> = self
            .store
            .installs(org)
            .await?
            .into_iter()
            .filter(|i| i.plugin_id == record.plugin_id && i.version != record.version)
            .collect();
        if others.is_empty() {
            return Ok(None);
        }
        let before: HashSet<&str> = others
            .iter()
            .flat_map(|i| i.granted.iter().map(String::as_str))
            .collect();
        let added_capabilities = requested
            .iter()
            .map(Capability::to_string)
            .filter(|c| !before.contains(c.as_str()))
            .collect();
        let new_schema = record
            .manifest
            .get("input_schema")
            .cloned()
            .unwrap_or_default();
        let mut breaking_nodes = Vec::new();
        for workflow in self.store.current_workflows(org).await? {
            let Ok(parsed) = crate::graph::parse_workflow(&workflow.document.to_string()) else {
                continue;
            };
            for node in &parsed.nodes {
                if let NodeKind::Action(action) = &node.kind
                    && action.plugin == record.plugin_id
                    && action.version != record.version
                {
                    for b in marketplace::input_breaks(&new_schema, &action.input) {
                        breaking_nodes.push(NodeBreak {
                            workflow_id: workflow.id.clone(),
                            workflow_name: workflow.name.clone(),
                            node_id: node.id.clone(),
                            pinned_version: action.version.clone(),
                            field: b.field,
                            reason: b.reason,
                        });
                    }
                }
            }
        }
        Ok(Some(UpgradeReport {
            from_versions: others.into_iter().map(|i| i.version).collect(),
            added_capabilities,
            breaking_nodes,
        }))
    }
}
