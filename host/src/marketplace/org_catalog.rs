//! What an org sees: the actions it can use (built-in ones and its
//! installs), with its reseller's branding laid over them, and the same set
//! as the lookup workflow validation uses.

use std::collections::HashMap;

use marketplace::Branding;
use serde_json::Value;

use super::Marketplace;
use crate::graph::{PluginInfo, PluginLookup};
use crate::store::marketplace::{InstallRecord, PluginVersionRecord};

/// One action version usable in an org.
#[derive(Debug, Clone)]
pub struct OrgAction {
    /// The published version.
    pub version: PluginVersionRecord,
    /// The org's install (`None` for built-in actions, which every org has).
    pub install: Option<InstallRecord>,
    /// The org's reseller's branding of the action, if any.
    pub branding: Option<Branding>,
}

/// The manifests an org's workflows may use, for validation.
#[derive(Debug, Default)]
pub struct OrgPlugins {
    manifests: HashMap<(String, String), (PluginInfo, String)>,
}

impl OrgPlugins {
    /// The content address of a usable version.
    pub fn digest(&self, id: &str, version: &str) -> Option<&str> {
        self.manifests
            .get(&(id.to_string(), version.to_string()))
            .map(|(_, digest)| digest.as_str())
    }

    /// The usable versions of an action.
    pub fn versions(&self, id: &str) -> Vec<String> {
        let mut versions: Vec<String> = self
            .manifests
            .keys()
            .filter(|(i, _)| i == id)
            .map(|(_, v)| v.clone())
            .collect();
        versions.sort();
        versions
    }
}

impl PluginLookup for OrgPlugins {
    fn manifest(&self, id: &str, version: &str) -> Option<PluginInfo> {
        self.manifests
            .get(&(id.to_string(), version.to_string()))
            .map(|(info, _)| info.clone())
    }
}

fn plugin_info(manifest: &Value) -> PluginInfo {
    PluginInfo {
        input_schema: manifest.get("input_schema").cloned().unwrap_or(Value::Null),
        output_schema: manifest
            .get("output_schema")
            .cloned()
            .unwrap_or(Value::Null),
        outcomes: manifest
            .get("outcomes")
            .and_then(Value::as_array)
            .map(|o| {
                o.iter()
                    .filter_map(|o| o.get("name").and_then(Value::as_str).map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
    }
}

impl Marketplace {
    /// The action versions `org` can put in workflows: approved built-in
    /// versions that are not killed, and the org's installs of versions it may
    /// see, branded by its reseller. Ordered by id, newest version first.
    pub async fn org_actions(&self, org: &str) -> anyhow::Result<Vec<OrgAction>> {
        let reseller = self.store.org_reseller(org).await?;
        let visible = self
            .store
            .plugin_versions_visible(org, reseller.as_deref())
            .await?;
        let mut installs: HashMap<(String, String), InstallRecord> = self
            .store
            .installs(org)
            .await?
            .into_iter()
            .map(|i| ((i.plugin_id.clone(), i.version.clone()), i))
            .collect();
        let brandings = match &reseller {
            Some(r) => self.store.action_brandings(r).await?,
            None => Default::default(),
        };
        let mut actions = Vec::new();
        for version in visible {
            if version.killed_at.is_some() {
                continue;
            }
            let install = installs.remove(&(version.plugin_id.clone(), version.version.clone()));
            if !self.is_host_published(&version) && install.is_none() {
                continue;
            }
            let branding = brandings.get(&version.plugin_id).cloned();
            actions.push(OrgAction {
                version,
                install,
                branding,
            });
        }
        Ok(actions)
    }

    /// The lookup workflow validation uses for `org`.
    pub async fn org_plugins(&self, org: &str) -> anyhow::Result<OrgPlugins> {
        let manifests = self
            .org_actions(org)
            .await?
            .into_iter()
            .map(|a| {
                (
                    (a.version.plugin_id.clone(), a.version.version.clone()),
                    (plugin_info(&a.version.manifest), a.version.sha256.clone()),
                )
            })
            .collect();
        Ok(OrgPlugins { manifests })
    }
}
