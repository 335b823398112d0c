//! Built-in actions go through the same publish path as partners' at
//! startup: signed with the built-in publisher key, checked, stored by
//! content address, approved as published. A restart finds them published
//! already and only loads them.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::{BUILTIN_PUBLISHER, Marketplace, PublishError, PublishRequest, Published};
use crate::runtime::Plugin;
use crate::store::marketplace::ReviewStatus;

/// The result of publishing one file of a directory.
#[derive(Debug)]
pub struct BuiltinLoad {
    /// The file.
    pub path: PathBuf,
    /// The loaded plugin, or why it was rejected.
    pub result: Result<Arc<Plugin>, PublishError>,
}

impl Marketplace {
    /// Publishes one built-in component (or finds it published) and loads it.
    pub async fn publish_builtin(&self, bytes: &[u8]) -> Result<Arc<Plugin>, PublishError> {
        let signature = self
            .builtin_key
            .sign(bytes)
            .map_err(|e| anyhow::anyhow!("signing a built-in action: {e}"))?;
        let request = PublishRequest {
            publisher_id: BUILTIN_PUBLISHER,
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
