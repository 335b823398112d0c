//! Publishing a version: every check in order, each failure naming itself
//! (`size`, `signature`, `component`, `world`, `manifest`, `limits`, `schema`,
//! `owner`, `version`), then the bytes into the blob directory and the version
//! into the catalog, pending review (built-in versions are approved as published).
//!
//! The cheap checks come first: size, signature (key registered, owned by the
//! publisher, not revoked), declared memory and the world's imports and exports
//! read with wasmparser. Only then is the component compiled, under the
//! runtime's compile limits, and `manifest()` called within the usual run
//! bounds; owner and version, which need the manifest, follow.
//!
//! Only the host publishes as the built-in publisher: a [`Publisher`] is an
//! org's account unless the host made it with `Publisher::builtin`, which
//! only `builtin.rs` can. An org's account is refused the built-in
//! publisher's id (or any reserved one), and every `atlas.` action id,
//! whatever the org is called.

use std::sync::Arc;

use marketplace::{PublishCheck, Rejection, check_newer, verify_signature};
use serde::Serialize;
use utoipa::ToSchema;

use super::upload_checks::{self, UploadProblem};
use super::{BUILTIN_PUBLISHER, Marketplace, component_limits};
use crate::runtime::{LoadError, LoadOptions, Plugin};
use crate::store::is_reserved_org_id;
use crate::store::marketplace::{NewPluginVersion, ReviewStatus};

/// The prefix of the built-in actions' ids.
pub const BUILTIN_ID_PREFIX: &str = "atlas.";

/// True when `id` is in the built-in actions' namespace (any letter case).
pub fn is_builtin_action_id(id: &str) -> bool {
    id.get(..BUILTIN_ID_PREFIX.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(BUILTIN_ID_PREFIX))
}

/// Who publishes: an org's publisher account, or the host itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Publisher<'a> {
    id: &'a str,
    builtin: bool,
}

impl<'a> Publisher<'a> {
    /// The publisher account of the org `id`.
    pub fn org(id: &'a str) -> Self {
        Self { id, builtin: false }
    }

    /// The host, publishing its built-in actions.
    pub(super) fn builtin() -> Publisher<'static> {
        Publisher {
            id: BUILTIN_PUBLISHER,
            builtin: true,
        }
    }

    /// The publisher's id.
    pub fn id(&self) -> &'a str {
        self.id
    }

    /// True for the host itself.
    pub fn is_builtin(&self) -> bool {
        self.builtin
    }
}

/// An upload to publish.
#[derive(Debug, Clone)]
pub struct PublishRequest<'a> {
    /// The publishing publisher (the caller org's account, or the host).
    pub publisher: Publisher<'a>,
    /// The component's bytes.
    pub bytes: &'a [u8],
    /// The key that signed them.
    pub key_id: &'a str,
    /// The ed25519 signature of the bytes, base64.
    pub signature: &'a str,
    /// What changed in this version.
    pub changelog: &'a str,
    /// For a reseller's private plugin: the reseller whose sub-accounts alone see it.
    pub private_to: Option<&'a str>,
    /// The uploading user.
    pub published_by: &'a str,
}

/// A recorded version.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Published {
    /// Action id, from the manifest.
    pub plugin_id: String,
    /// Version, from the manifest.
    pub version: String,
    /// Content address of the component.
    pub sha256: String,
    /// Review state: `pending` for partners, `approved` for built-in actions.
    pub status: ReviewStatus,
}

/// Why a publish failed.
#[derive(Debug, thiserror::Error)]
pub enum PublishError {
    /// A check failed; the rejection names it.
    #[error(transparent)]
    Rejected(#[from] Rejection),
    /// The compiler is busy or the compile ran too long; try again later.
    #[error("{0}")]
    Busy(String),
    /// The server failed (database, disk).
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

fn reject(check: PublishCheck, detail: impl Into<String>) -> PublishError {
    PublishError::Rejected(Rejection::new(check, detail))
}

/// Which check a load failure belongs to.
fn load_rejection(error: LoadError) -> PublishError {
    match error {
        LoadError::NotWasm(_) | LoadError::CoreModule | LoadError::Invalid(_) => {
            reject(PublishCheck::Component, error.to_string())
        }
        LoadError::WrongWorld(_) | LoadError::Link(_) => {
            reject(PublishCheck::World, error.to_string())
        }
        LoadError::Manifest(detail) => {
            let schema_problems: Vec<&str> = detail
                .lines()
                .filter(|l| l.starts_with("input-schema") || l.starts_with("output-schema"))
                .collect();
            if schema_problems.is_empty() {
                reject(PublishCheck::Manifest, detail)
            } else {
                reject(PublishCheck::Schema, schema_problems.join("\n"))
            }
        }
        LoadError::Io(detail) => PublishError::Internal(anyhow::anyhow!(detail)),
        LoadError::CompileLimit(detail) => PublishError::Busy(detail),
    }
}

impl Marketplace {
    /// Runs every publish check and records the version.
    pub async fn publish(&self, request: PublishRequest<'_>) -> Result<Published, PublishError> {
        let plugin = self.check_upload(&request).await?;
        self.record(&request, plugin).await
    }

    /// The checks that need only the upload: size, signature, limits,
    /// component, world, manifest, schema. Returns the loaded plugin.
    pub(super) async fn check_upload(
        &self,
        request: &PublishRequest<'_>,
    ) -> Result<Plugin, PublishError> {
        let publisher = request.publisher;
        if !publisher.is_builtin()
            && (publisher.id().eq_ignore_ascii_case(BUILTIN_PUBLISHER)
                || is_reserved_org_id(publisher.id()))
        {
            return Err(reject(
                PublishCheck::Owner,
                format!(
                    "`{}` is reserved: the built-in publisher publishes only the host's own actions, and no org publishes as it",
                    publisher.id()
                ),
            ));
        }
        let limit = self.limits.max_component_bytes;
        if request.bytes.len() > limit {
            return Err(reject(
                PublishCheck::Size,
                format!(
                    "the component is {} bytes; the limit is {limit}",
                    request.bytes.len()
                ),
            ));
        }
        let key = self.store.publisher_key(request.key_id).await?;
        let key = match key {
            None => {
                return Err(reject(
                    PublishCheck::Signature,
                    format!("key `{}` is not registered", request.key_id),
                ));
            }
            Some(k) if k.publisher_id != request.publisher.id() => {
                return Err(reject(
                    PublishCheck::Signature,
                    format!("key `{}` belongs to another publisher", request.key_id),
                ));
            }
            Some(k) if k.revoked_at.is_some() => {
                return Err(reject(
                    PublishCheck::Signature,
                    format!("key `{}` was revoked", request.key_id),
                ));
            }
            Some(k) => k,
        };
        verify_signature(&key.public_key, request.bytes, request.signature).map_err(|e| {
            reject(
                PublishCheck::Signature,
                format!("{e} (the component changed after signing, or another key signed it)"),
            )
        })?;
        let memory = component_limits::total_initial_memory(request.bytes).map_err(|e| {
            reject(
                PublishCheck::Component,
                format!("not a valid WebAssembly component: {e}"),
            )
        })?;
        let memory_limit = self.runtime.default_limits().memory_bytes as u64;
        if memory > memory_limit {
            return Err(reject(
                PublishCheck::Limits,
                format!(
                    "the component starts with {memory} bytes of linear memory; runs are limited to {memory_limit}"
                ),
            ));
        }
        upload_checks::check_world_names(request.bytes).map_err(|problem| match problem {
            UploadProblem::Unreadable(detail) => reject(PublishCheck::Component, detail),
            UploadProblem::World(detail) => reject(PublishCheck::World, detail),
        })?;
        self.runtime
            .load(request.bytes, LoadOptions::default())
            .await
            .map_err(load_rejection)
    }

    /// The checks against the catalog (owner, version), then the blob, the
    /// version row and the audit record.
    pub(super) async fn record(
        &self,
        request: &PublishRequest<'_>,
        plugin: Plugin,
    ) -> Result<Published, PublishError> {
        let id = plugin.manifest.id.clone();
        let publisher = request.publisher;
        if !publisher.is_builtin() && is_builtin_action_id(&id) {
            return Err(reject(
                PublishCheck::Owner,
                format!(
                    "`{id}`: ids starting with `{BUILTIN_ID_PREFIX}` are reserved for built-in actions"
                ),
            ));
        }
        if let Some((owner, _)) = self.store.plugin_owner(&id).await?
            && owner != publisher.id()
        {
            return Err(reject(
                PublishCheck::Owner,
                format!("the action id `{id}` belongs to publisher `{owner}`"),
            ));
        }
        let published: Vec<String> = self
            .store
            .plugin_versions(&id)
            .await?
            .into_iter()
            .map(|v| v.version)
            .collect();
        let version = check_newer(
            &plugin.manifest.version,
            published.iter().map(String::as_str),
        )
        .map_err(|e| reject(PublishCheck::Version, e.to_string()))?;
        let sha256 = self
            .blobs
            .put(request.bytes)
            .map_err(|e| anyhow::anyhow!("storing the component: {e}"))?;
        let status = if publisher.is_builtin() {
            ReviewStatus::Approved
        } else {
            ReviewStatus::Pending
        };
        let manifest = serde_json::to_value(&plugin.manifest).map_err(anyhow::Error::from)?;
        let inserted = self
            .store
            .plugin_version_insert(&NewPluginVersion {
                plugin_id: &id,
                version: &version,
                sha256: &sha256,
                size_bytes: request.bytes.len(),
                wit_version: &plugin.wit_version,
                manifest: &manifest,
                changelog: request.changelog,
                key_id: request.key_id,
                status,
                publisher_id: publisher.id(),
                private_to: request.private_to,
                published_by: request.published_by,
            })
            .await?;
        if !inserted {
            return Err(reject(
                PublishCheck::Version,
                format!("version {version} of `{id}` was published meanwhile"),
            ));
        }
        self.audit(
            super::Actor { org: publisher.id(), subject: request.published_by },
            "plugin.published",
            format!("{id}@{version}"),
            serde_json::json!({ "sha256": sha256, "status": status, "key_id": request.key_id, "private_to": request.private_to }),
        )
        .await?;
        self.registry.insert(Arc::new(plugin));
        Ok(Published {
            plugin_id: id,
            version: version.to_string(),
            sha256,
            status,
        })
    }
}
