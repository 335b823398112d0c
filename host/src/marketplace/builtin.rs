//! Built-in actions go through the same publish path as partners' at
//! startup: signed with the built-in publisher key, checked, stored by
//! content address, approved as published. A restart finds them published
//! already and only loads them.
//!
//! The built-in publisher belongs to no org. At startup the host revokes
//! every key on it but its own and rejects and kills every version under it
//! that its own key did not sign, and every `atlas.` version another
//! publisher holds; a version is treated as built-in (approved without
//! review, runnable everywhere with what it requests) only when the host's
//! key signed it.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::publish::Publisher;
use super::{BUILTIN_PUBLISHER, Marketplace, PublishError, PublishRequest, Published};
use crate::runtime::Plugin;
use crate::store::marketplace::{PluginVersionRecord, PublisherKind, ReviewStatus};

/// What the startup check of the built-in publisher found and undid.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BuiltinSweep {
    /// Keys on the built-in publisher other than the host's, now revoked.
    pub keys_revoked: u64,
    /// Versions the host did not publish, now rejected and killed.
    pub versions_killed: u64,
}

/// Why a version found under the built-in publisher is switched off.
const FOREIGN_REASON: &str =
    "not published by the host: only the host publishes as the built-in publisher `atlas`";

/// The result of publishing one file of a directory.
#[derive(Debug)]
pub struct BuiltinLoad {
    /// The file.
    pub path: PathBuf,
    /// The loaded plugin, or why it was rejected.
    pub result: Result<Arc<Plugin>, PublishError>,
}

impl Marketplace {
    /// True when the host itself published `version` (built-in publisher,
    /// signed with the host's key): only such a version skips review and
    /// runs in every org.
    pub fn is_host_published(&self, version: &PluginVersionRecord) -> bool {
        version.publisher_kind == PublisherKind::Builtin
            && version.publisher_id == BUILTIN_PUBLISHER
            && version.key_id == self.builtin_key.key_id
    }

    /// The startup check: revokes every key on the built-in publisher but
    /// the host's, and rejects and kills the versions the host did not
    /// publish (under the built-in publisher, or under an `atlas.` id).
    pub(super) async fn sweep_builtin_publisher(&self) -> anyhow::Result<BuiltinSweep> {
        self.store
            .publishers_fix_builtin_kind(BUILTIN_PUBLISHER)
            .await?;
        let sweep = BuiltinSweep {
            keys_revoked: self
                .store
                .publisher_keys_revoke_others(BUILTIN_PUBLISHER, &self.builtin_key.key_id)
                .await?,
            versions_killed: self
                .store
                .plugin_versions_reject_foreign_builtin(
                    BUILTIN_PUBLISHER,
                    &self.builtin_key.key_id,
                    FOREIGN_REASON,
                )
                .await?,
        };
        if sweep != BuiltinSweep::default() {
            tracing::warn!(
                keys_revoked = sweep.keys_revoked,
                versions_killed = sweep.versions_killed,
                "the built-in publisher held keys or versions the host did not make; revoked and killed them"
            );
            self.audit(
                super::Actor {
                    org: "system",
                    subject: "system",
                },
                "publisher.builtin_swept",
                BUILTIN_PUBLISHER.into(),
                serde_json::json!({
                    "keys_revoked": sweep.keys_revoked,
                    "versions_killed": sweep.versions_killed,
                }),
            )
            .await?;
        }
        Ok(sweep)
    }

    /// Publishes one built-in component (or finds it published) and loads it.
    pub async fn publish_builtin(&self, bytes: &[u8]) -> Result<Arc<Plugin>, PublishError> {
        let signature = self
            .builtin_key
            .sign(bytes)
            .map_err(|e| anyhow::anyhow!("signing a built-in action: {e}"))?;
        let request = PublishRequest {
            publisher: Publisher::builtin(),
            bytes,
            key_id: &self.builtin_key.key_id,
            signature: &signature.signature,
            changelog: "Built-in action.",
            private_to: None,
            published_by: "system",
        };
        let plugin = self.check_upload(&request).await?;
        self.blobs
            .put(bytes)
            .map_err(|e| anyhow::anyhow!("storing the component: {e}"))?;
        let (id, version) = (plugin.manifest.id.clone(), plugin.manifest.version.clone());
        let existing = self.store.plugin_version(&id, &version).await?;
        let plugin = match existing {
            None => match self.record(&request, plugin).await {
                Ok(Published { status, .. }) => {
                    debug_assert_eq!(status, ReviewStatus::Approved);
                    return self.registry.get(&id, &version).ok_or_else(|| {
                        PublishError::Internal(anyhow::anyhow!(
                            "{id}@{version} vanished after publishing"
                        ))
                    });
                }
                // Another process published it at the same moment.
                Err(PublishError::Rejected(r)) if r.check == marketplace::PublishCheck::Version => {
                    self.runtime
                        .load(bytes, crate::runtime::LoadOptions::default())
                        .await
                        .map_err(|e| anyhow::anyhow!("loading {id}@{version}: {e}"))?
                }
                Err(e) => return Err(e),
            },
            Some(v) if v.publisher_id != BUILTIN_PUBLISHER => {
                return Err(PublishError::Rejected(marketplace::Rejection::new(
                    marketplace::PublishCheck::Owner,
                    format!("`{id}` belongs to publisher `{}`", v.publisher_id),
                )));
            }
            Some(v) if !self.is_host_published(&v) => {
                // A version at this id and number that the host did not sign
                // (the startup check killed it): the id is the host's, so the
                // shipped component takes the version over.
                tracing::warn!(plugin = %plugin.reference(), "reclaiming a built-in version the host did not publish");
                let manifest =
                    serde_json::to_value(&plugin.manifest).map_err(anyhow::Error::from)?;
                self.store
                    .plugin_version_reclaim_builtin(
                        &id,
                        &version,
                        &plugin.digest,
                        bytes.len(),
                        &manifest,
                        &self.builtin_key.key_id,
                    )
                    .await?;
                self.forget_access();
                plugin
            }
            Some(v) => {
                if v.sha256 != plugin.digest {
                    tracing::info!(plugin = %plugin.reference(), "built-in action rebuilt; serving the new component");
                    let manifest =
                        serde_json::to_value(&plugin.manifest).map_err(anyhow::Error::from)?;
                    self.store
                        .plugin_version_refresh_builtin(
                            &id,
                            &version,
                            &plugin.digest,
                            bytes.len(),
                            &manifest,
                        )
                        .await?;
                    self.forget_access();
                }
                plugin
            }
        };
        let plugin = Arc::new(plugin);
        self.registry.insert(plugin.clone());
        Ok(plugin)
    }

    /// Publishes every `*.wasm` file in `dir` (sorted by name) as a built-in action.
    pub async fn publish_builtin_dir(&self, dir: &Path) -> std::io::Result<Vec<BuiltinLoad>> {
        let paths = crate::runtime::registry::wasm_files(dir)?;
        let mut loads = Vec::with_capacity(paths.len());
        for path in paths {
            let result = match tokio::fs::read(&path).await {
                Ok(bytes) => self.publish_builtin(&bytes).await,
                Err(e) => Err(PublishError::Internal(anyhow::anyhow!(
                    "reading {}: {e}",
                    path.display()
                ))),
            };
            loads.push(BuiltinLoad { path, result });
        }
        Ok(loads)
    }
}
