//! A loaded plugin: its compiled component pre-linked against the host
//! (`InstancePre`), its checked manifest and its compiled JSON Schemas.

use std::sync::Arc;

use super::bindings::ActionPre;
use super::cache::CacheOutcome;
use super::limits::RunLimits;
use super::manifest::{Capability, PluginManifest};
use super::state::RunState;

/// Why a component could not be loaded. Each names the check that failed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The bytes are not WebAssembly at all.
    #[error("not a WebAssembly component: {0}")]
    NotWasm(String),
    /// A core module, not a component.
    #[error(
        "this is a core WebAssembly module, not a component: build it with `atlas plugin build`, or wrap it with wit-component"
    )]
    CoreModule,
    /// Malformed, truncated or otherwise invalid.
    #[error("invalid component: {0}")]
    Invalid(String),
    /// Imports or exports outside the `action` world.
    #[error("wrong world: {0}")]
    WrongWorld(String),
    /// Linking against the host failed.
    #[error("cannot link the component against the host: {0}")]
    Link(String),
    /// `manifest()` trapped, timed out or returned a bad manifest.
    #[error("invalid manifest: {0}")]
    Manifest(String),
    /// The on-disk cache or the file system failed.
    #[error("{0}")]
    Io(String),
    /// The compiler was busy or the compile ran past its time limit.
    #[error("{0}")]
    CompileLimit(String),
}

impl LoadError {
    /// Stable machine-readable kind.
    pub fn kind(&self) -> &'static str {
        match self {
            LoadError::NotWasm(_) => "not_wasm",
            LoadError::CoreModule => "core_module",
            LoadError::Invalid(_) => "invalid_component",
            LoadError::WrongWorld(_) => "wrong_world",
            LoadError::Link(_) => "link_failed",
            LoadError::Manifest(_) => "invalid_manifest",
            LoadError::Io(_) => "io",
            LoadError::CompileLimit(_) => "compile_limit",
        }
    }
}

/// Options for loading one plugin.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Limits for this plugin's runs; the runtime's defaults when `None`.
    pub limits: Option<RunLimits>,
}

/// A component ready to run: instantiating it is cheap and happens per run.
pub struct Plugin {
    /// The checked manifest.
    pub manifest: PluginManifest,
    /// sha256 of the component bytes.
    pub digest: String,
    /// Size of the component in bytes.
    pub size_bytes: usize,
    /// The `atlas:workflow` version it was built against.
    pub wit_version: String,
    /// True when the component imports WASI.
    pub uses_wasi: bool,
    /// Limits its runs get.
    pub limits: RunLimits,
    /// Whether this load compiled or used the compiled cache.
    pub cache_outcome: CacheOutcome,
    pub(crate) id: Arc<str>,
    pub(crate) requested: Arc<[Capability]>,
    pub(crate) requested_grants: Arc<crate::capabilities::Grants>,
    pub(crate) pre: ActionPre<RunState>,
    pub(crate) input_validator: jsonschema::Validator,
    pub(crate) output_validator: jsonschema::Validator,
}

impl std::fmt::Debug for Plugin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Plugin")
            .field("id", &self.manifest.id)
            .field("version", &self.manifest.version)
            .field("digest", &self.digest)
            .finish_non_exhaustive()
    }
}

impl Plugin {
    /// Grants equal to exactly what the manifest requests (built once at load).
    pub fn requested_grants(&self) -> Arc<crate::capabilities::Grants> {
        self.requested_grants.clone()
    }

    /// `id@version`.
    pub fn reference(&self) -> String {
        format!("{}@{}", self.manifest.id, self.manifest.version)
    }
}
