//! What an org may run, and with which grants. Asked before every action
//! step: a version runs only when it is approved, not killed, visible to the
//! org, and either built-in or installed with every requested capability
//! granted (built-in means published by the host itself: the built-in
//! publisher and the host's key). Answers are cached for a moment; a kill switch or a grant made
//! in this process clears the cache at once.

use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use super::Marketplace;
use crate::capabilities::Grants;
use crate::runtime::{Capability, LoadOptions, Plugin};
use crate::store::marketplace::{InstallStatus, PublisherKind, ReviewStatus};

/// How long an access answer is reused.
const ACCESS_TTL: Duration = Duration::from_secs(2);

/// A version the org may run, with the capabilities it may use.
#[derive(Clone)]
pub struct Resolved {
    /// The compiled component.
    pub plugin: Arc<Plugin>,
    /// What the org granted it (never more than it requested).
    pub grants: Arc<Grants>,
}

/// Why a version may not run in an org.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Denied {
    /// Stable kind: `unavailable`, `not_granted` or `killed`.
    pub kind: &'static str,
    /// What is wrong and what to do, in words.
    pub message: String,
}

impl Denied {
    fn unavailable(message: String) -> Self {
        Self {
            kind: "unavailable",
            message,
        }
    }
}

type AccessKey = (String, String, String);

/// An answer: the grants to run with, or why not.
type Answer = Result<Arc<Grants>, Denied>;

/// Recent answers, keyed by (org, id, version).
#[derive(Default)]
pub(super) struct AccessCache {
    entries: Mutex<HashMap<AccessKey, (Instant, Answer)>>,
}

impl AccessCache {
    fn get(&self, key: &AccessKey) -> Option<Answer> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(at, _)| at.elapsed() < ACCESS_TTL)
            .map(|(_, answer)| answer.clone())
    }

    fn put(&self, key: AccessKey, answer: Answer) {
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() > 10_000 {
            entries.retain(|_, (at, _)| at.elapsed() < ACCESS_TTL);
        }
        entries.insert(key, (Instant::now(), answer));
    }

    pub(super) fn clear(&self) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl Marketplace {
    /// The component and grants `org` runs `id@version` with, or why it may not.
    pub async fn resolve(&self, org: &str, id: &str, version: &str) -> Result<Resolved, Denied> {
        let key = (org.to_string(), id.to_string(), version.to_string());
        let grants = match self.access.get(&key) {
            Some(answer) => answer?,
            None => {
                let answer = self.decide(org, id, version).await;
                self.access.put(key, answer.clone());
                answer?
            }
        };
        let plugin = self.loaded(id, version).await?;
        Ok(Resolved { plugin, grants })
    }

    /// Forgets cached access answers (after a kill switch, grant or uninstall).
    pub fn forget_access(&self) {
        self.access.clear();
    }

    async fn decide(&self, org: &str, id: &str, version: &str) -> Answer {
        let reference = format!("{id}@{version}");
        let internal =
            |e: anyhow::Error| Denied::unavailable(format!("checking {reference}: {e:#}"));
        let Some(record) = self
            .store
            .plugin_version(id, version)
            .await
            .map_err(internal)?
        else {
            return Err(Denied::unavailable(format!(
                "plugin {reference} is not installed (it is not published in the marketplace)"
            )));
        };
        if record.killed_at.is_some() {
            return Err(Denied {
                kind: "killed",
                message: format!(
                    "plugin {reference} was disabled by the platform: {}",
                    record.kill_reason.as_deref().unwrap_or("no reason given")
                ),
            });
        }
        if record.status != ReviewStatus::Approved {
            return Err(Denied::unavailable(format!(
                "plugin {reference} is not approved for use"
            )));
        }
        let requested = record.requested();
        if self.is_host_published(&record) {
            return Ok(Arc::new(Grants::from_requested(&requested)));
        }
        if record.publisher_kind == PublisherKind::Builtin {
            return Err(Denied::unavailable(format!(
                "plugin {reference} is under the built-in publisher but the host did not publish it"
            )));
        }
        let install = self
            .store
            .install(org, id, version)
            .await
            .map_err(internal)?;
        let Some(install) = install else {
            return Err(Denied::unavailable(format!(
                "plugin {reference} is not installed in this organisation"
            )));
        };
        if install.status == InstallStatus::AwaitingGrant {
            let granted: HashSet<&str> = install.granted.iter().map(String::as_str).collect();
            let missing: Vec<String> = requested
                .iter()
                .map(Capability::to_string)
                .filter(|c| !granted.contains(c.as_str()))
                .collect();
            return Err(Denied {
                kind: "not_granted",
                message: format!(
                    "plugin {reference} is waiting for an admin to grant: {}",
                    missing.join(", ")
                ),
            });
        }
        let granted: HashSet<&str> = install.granted.iter().map(String::as_str).collect();
        let effective: Vec<Capability> = requested
            .into_iter()
            .filter(|c| granted.contains(c.to_string().as_str()))
            .collect();
        Ok(Arc::new(Grants::from_requested(&effective)))
    }

    /// The compiled component of a published version: from this process's
    /// registry, else from the blob directory (published by another process).
    pub(super) async fn loaded(&self, id: &str, version: &str) -> Result<Arc<Plugin>, Denied> {
        if let Some(plugin) = self.registry.get(id, version) {
            return Ok(plugin);
        }
        let reference = format!("{id}@{version}");
        let record = self
            .store
            .plugin_version(id, version)
            .await
            .map_err(|e| Denied::unavailable(format!("checking {reference}: {e:#}")))?
            .ok_or_else(|| Denied::unavailable(format!("plugin {reference} is not published")))?;
        let bytes = self.blobs.get(&record.sha256).map_err(|e| {
            Denied::unavailable(format!("the component of {reference} cannot be read: {e}"))
        })?;
        let plugin = self
            .runtime
            .load(&bytes, LoadOptions::default())
            .await
            .map_err(|e| Denied::unavailable(format!("loading {reference}: {e}")))?;
        let plugin = Arc::new(plugin);
        self.registry.insert(plugin.clone());
        Ok(plugin)
    }
}
