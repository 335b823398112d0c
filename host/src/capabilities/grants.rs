//! What an org granted a plugin at install: the only capabilities a run may use.
//!
//! A host call must be both requested by the plugin's manifest and granted here;
//! everything else is denied (deny by default).

use serde::{Deserialize, Serialize};

use crate::runtime::manifest::Capability;

/// Access to the CRM.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CrmAccess {
    /// No CRM calls.
    #[default]
    None,
    /// Read contacts and related objects.
    Read,
    /// Read and change them.
    Write,
}

/// The capabilities granted to one plugin in one org.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Grants {
    /// Host name patterns for outbound HTTP: `api.example.com`, `*.example.com`, `*`.
    pub http_hosts: Vec<String>,
    /// Key-value storage scoped to the org and plugin.
    pub kv: bool,
    /// Secret names the plugin may read (`*` for all of its install's secrets).
    pub secrets: Vec<String>,
    /// CRM access level.
    pub crm: CrmAccess,
    /// Language-model calls.
    pub ai: bool,
}

impl Grants {
    /// Grants exactly what a manifest requests (an admin approving an install as asked).
    pub fn from_requested(requested: &[Capability]) -> Self {
        let mut grants = Grants::default();
        for capability in requested {
            grants.add(capability.clone());
        }
        grants
    }

    /// Adds one capability to the grant.
    pub fn add(&mut self, capability: Capability) {
        match capability {
            Capability::Http(host) => self.http_hosts.push(host),
            Capability::Kv => self.kv = true,
            Capability::Secret(name) => self.secrets.push(name),
            Capability::CrmRead => self.crm = self.crm.max(CrmAccess::Read),
            Capability::CrmWrite => self.crm = CrmAccess::Write,
            Capability::Ai => self.ai = true,
        }
    }

    /// True when HTTP to `host` is granted.
    pub fn allows_http_host(&self, host: &str) -> bool {
        self.http_hosts.iter().any(|p| host_matches(p, host))
    }

    /// True when the secret `name` is granted.
    pub fn allows_secret(&self, name: &str) -> bool {
        self.secrets.iter().any(|s| s == "*" || s == name)
    }
}

/// True when `requested` (from a manifest) covers HTTP to `host`.
pub fn requested_http_host(requested: &[Capability], host: &str) -> bool {
    requested
        .iter()
        .any(|c| matches!(c, Capability::Http(p) if host_matches(p, host)))
}

/// True when `requested` (from a manifest) covers the secret `name`.
pub fn requested_secret(requested: &[Capability], name: &str) -> bool {
    requested
        .iter()
        .any(|c| matches!(c, Capability::Secret(s) if s == "*" || s == name))
}

/// Host pattern matching: `*` matches any host, `*.example.com` any subdomain of
/// example.com (not example.com itself), anything else the exact host. Case-insensitive.
pub fn host_matches(pattern: &str, host: &str) -> bool {
    let host = host.trim_end_matches('.');
    if pattern == "*" {
        return true;
    }
    if let Some(suffix) = pattern.strip_prefix("*.") {
        let host = host.to_ascii_lowercase();
        let suffix = suffix.to_ascii_lowercase();
        return host.len() > suffix.len() + 1
            && host.ends_with(&suffix)
            && host.as_bytes()[host.len() - suffix.len() - 1] == b'.';
    }
    pattern.eq_ignore_ascii_case(host)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_patterns() {
        assert!(host_matches("*", "anything.example"));
        assert!(host_matches("api.example.com", "API.example.com"));
        assert!(!host_matches(
            "api.example.com",
            "api.example.com.evil.test"
        ));
        assert!(host_matches("*.example.com", "a.b.example.com"));
        assert!(!host_matches("*.example.com", "example.com"));
        assert!(!host_matches("*.example.com", "badexample.com"));
    }

    #[test]
    fn grants_follow_the_request() {
        let grants = Grants::from_requested(&[
            Capability::Http("api.example.com".into()),
            Capability::Secret("token".into()),
            Capability::CrmRead,
            Capability::Kv,
        ]);
        assert!(grants.allows_http_host("api.example.com"));
        assert!(!grants.allows_http_host("example.com"));
        assert!(grants.allows_secret("token"));
        assert!(!grants.allows_secret("other"));
        assert_eq!(grants.crm, CrmAccess::Read);
        assert!(grants.kv);
        assert!(!grants.ai);
    }
}
