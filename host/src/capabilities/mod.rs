//! Host imports, one module per capability. Each module implements its WIT
//! interface for [`RunState`](crate::runtime::RunState) and owns its grant
//! check: a call the plugin did not request, or was not granted, is refused
//! with `host-error::denied` and recorded as a [`Denial`]; it never panics.

pub mod ai;
pub mod arguments;
mod crm;
pub mod dry_run;
pub mod grants;
pub mod http;
pub mod http_script;
mod kv;
pub mod kv_overlay;
mod logging;
pub mod network_policy;
mod secrets;
pub mod special_addresses;
mod types;

use serde::{Deserialize, Serialize};

pub use ai::AiConfig;
pub use grants::{CrmAccess, Grants};
pub use http::OutboundHttp;
pub use http_script::{HttpScript, RecordedRequest, ScriptedExchange, ScriptedResponse};
pub use network_policy::NetworkPolicy;

use crate::store::Store;

/// A host call that was refused, reported with the run and written to the audit log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Denial {
    /// `http`, `kv`, `secret`, `crm` or `ai`.
    pub capability: String,
    /// What was asked for: a URL, a secret name, an operation.
    pub target: String,
    /// Why it was refused.
    pub reason: String,
}

/// Shared services the capabilities use; one per process.
pub struct HostServices {
    /// Database for kv, secrets, audit and AI settings and usage.
    pub store: Store,
    /// Outbound HTTP client with the SSRF guard.
    pub http: OutboundHttp,
    /// The host's language-model settings (orgs may override them).
    pub ai: AiConfig,
}
