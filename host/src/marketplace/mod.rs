//! The marketplace service: the one path by which actions become runnable.
//!
//! Built-in actions are published through it at startup (signed with the
//! built-in publisher key); partners publish signed versions that a platform
//! admin reviews; orgs install approved versions with explicit grants;
//! resellers brand actions, publish private ones and preinstall them into
//! their sub-accounts. The engine asks [`Marketplace::resolve`] before every
//! action step, so a kill switch or a missing grant stops a version at once.
//!
//! One concept per file: `publish.rs` (the checks), `component_limits.rs`
//! (what a component declares), `builtin.rs`, `access.rs` (what an org may run,
//! with which grants), `org_catalog.rs` (what an org sees, branded),
//! `installs.rs` (install, grant, upgrade reports), `resellers.rs`.

mod access;
mod builtin;
mod component_limits;
mod installs;
mod org_catalog;
mod publish;
mod resellers;
mod review;
mod revoked_keys;
mod upload_checks;

use std::path::Path;
use std::sync::Arc;

use marketplace::{BlobStore, KeyFile};

use crate::runtime::{PluginRegistry, Runtime};
use crate::store::Store;
use crate::store::marketplace::PublisherKind;

pub use access::{Denied, Resolved};
pub use builtin::{BuiltinLoad, BuiltinSweep};
pub use installs::{InstallError, InstallOutcome, InstallRequest, NodeBreak, UpgradeReport};
pub use org_catalog::{OrgAction, OrgPlugins};
pub use publish::{
    BUILTIN_ID_PREFIX, PublishError, PublishRequest, Published, Publisher, is_builtin_action_id,
};
pub use resellers::BrandView;
pub use review::Actor;

/// The id of the publisher of the built-in actions: the host's, no org's
/// (the id is reserved, so no org can be called that).
pub const BUILTIN_PUBLISHER: &str = "atlas";

/// The built-in publisher's display name, which no other account may take.
pub const BUILTIN_PUBLISHER_NAME: &str = "Atlas Flow";

/// Limits every published component must respect.
#[derive(Debug, Clone, Copy)]
pub struct PublishLimits {
    /// Largest component accepted, in bytes.
    pub max_component_bytes: usize,
}

impl Default for PublishLimits {
    fn default() -> Self {
        Self {
            max_component_bytes: 32 * 1024 * 1024,
        }
    }
}

/// Publishing, review, installs, access checks and branding.
pub struct Marketplace {
    store: Store,
    runtime: Arc<Runtime>,
    registry: Arc<PluginRegistry>,
    blobs: BlobStore,
    builtin_key: KeyFile,
    limits: PublishLimits,
    access: access::AccessCache,
}

impl std::fmt::Debug for Marketplace {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Marketplace").finish_non_exhaustive()
    }
}

impl Marketplace {
    /// Opens the marketplace over `store`, keeping component blobs in
    /// `blob_dir`, registers the built-in publisher and its key (derived
    /// from the deployment's master key, so every worker agrees on it), and
    /// undoes anything on the built-in publisher the host did not make.
    pub async fn open(
        store: Store,
        runtime: Arc<Runtime>,
        registry: Arc<PluginRegistry>,
        blob_dir: &Path,
    ) -> anyhow::Result<Arc<Self>> {
        let blobs = BlobStore::open(blob_dir)?;
        let builtin_key = KeyFile::from_seed(store.derived_seed(b"builtin-publisher-key"));
        store
            .ensure_publisher(
                BUILTIN_PUBLISHER,
                BUILTIN_PUBLISHER_NAME,
                PublisherKind::Builtin,
            )
            .await?;
        store
            .publisher_key_add(
                BUILTIN_PUBLISHER,
                &builtin_key.key_id,
                &builtin_key.public_key,
            )
            .await?;
        let marketplace = Arc::new(Self {
            store,
            runtime,
            registry,
            blobs,
            builtin_key,
            limits: PublishLimits::default(),
            access: access::AccessCache::default(),
        });
        marketplace.sweep_builtin_publisher().await?;
        Ok(marketplace)
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The plugin runtime.
    pub fn runtime(&self) -> &Arc<Runtime> {
        &self.runtime
    }

    /// Plugins loaded in this process (a cache of compiled components).
    pub fn registry(&self) -> &Arc<PluginRegistry> {
        &self.registry
    }

    /// The limits publishing enforces.
    pub fn limits(&self) -> PublishLimits {
        self.limits
    }

    /// Appends one audit record in the acting user's org.
    pub(crate) async fn audit(
        &self,
        actor: Actor<'_>,
        action: &str,
        target: String,
        detail: serde_json::Value,
    ) -> anyhow::Result<()> {
        self.store
            .audit_append(&[crate::store::AuditEntry {
                org_id: actor.org.into(),
                actor: actor.subject.into(),
                action: action.into(),
                target,
                detail,
            }])
            .await
    }
}
