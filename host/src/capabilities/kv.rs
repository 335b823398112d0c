//! `kv`: small persistent key-value data, scoped by the host to the run's org and
//! the calling plugin, so a plugin can neither name nor reach another's keys.
//!
//! Writes count against the org's quota (`RunLimits::kv_org_keys` and
//! `kv_org_bytes`, across all its plugins), checked in the write's own
//! transaction, so concurrent runs cannot overshoot it.
//!
//! In a test run changes go to the run's
//! [`KvOverlay`](crate::capabilities::kv_overlay::KvOverlay) instead of the store:
//! the action reads back what it wrote, and nothing is kept after the run.

use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::kv::Host;
use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::runtime::call_budget::CallKind;
use crate::runtime::manifest::Capability;
use crate::store::KvQuota;

/// Longest key, in bytes.
pub const MAX_KEY_BYTES: usize = 512;
/// Largest value, in bytes.
pub const MAX_VALUE_BYTES: usize = 256 << 10;
/// Keys one plugin may hold in one org.
pub const MAX_KEYS: i64 = 10_000;
/// Keys returned by one `list-keys` call.
pub const MAX_LIST: i64 = 1_000;

impl RunState {
    /// The key's size first, then the grant, then the run's kv budget: an
    /// oversized or refused call does no other work.
    fn kv_allowed(&mut self, op: &str, key: &str) -> Result<(), HostError> {
        if key.len() > MAX_KEY_BYTES {
            return Err(HostError::Invalid(format!(
                "keys are at most {MAX_KEY_BYTES} bytes; this one is {}",
                key.len()
            )));
        }
        if !self.requested.contains(&Capability::Kv) {
            return Err(self.deny(
                "kv",
                &format!("{op} {key}"),
                "the plugin's manifest does not request kv".into(),
            ));
        }
        if !self.grants.kv {
            return Err(self.deny(
                "kv",
                &format!("{op} {key}"),
                "kv is not granted to this plugin".into(),
            ));
        }
        self.spend(CallKind::Kv)
    }
}

fn store_error(e: anyhow::Error) -> HostError {
    tracing::error!(error = %e, "kv store call failed");
    HostError::Failed("the key-value store is unavailable".into())
}

impl Host for RunState {
    async fn get(&mut self, key: String) -> Result<Option<Vec<u8>>, HostError> {
        self.kv_allowed("get", &key)?;
        if let Some(changed) = self.kv_overlay.get(&key) {
            return Ok(changed);
        }
        self.services
            .store
            .kv_get(&self.org_id, &self.plugin_id, &key)
            .await
            .map_err(store_error)
    }

    async fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), HostError> {
        if value.len() > MAX_VALUE_BYTES {
            return Err(HostError::Limit(format!(
                "values are at most {MAX_VALUE_BYTES} bytes"
            )));
        }
        self.kv_allowed("set", &key)?;
        if key.is_empty() {
            return Err(HostError::Invalid("the key is empty".into()));
        }
        let store = &self.services.store;
        let exists = store
            .kv_get(&self.org_id, &self.plugin_id, &key)
            .await
            .map_err(store_error)?
            .is_some();
        if !exists
            && store
                .kv_count(&self.org_id, &self.plugin_id)
                .await
                .map_err(store_error)?
                >= MAX_KEYS
        {
            return Err(HostError::Limit(format!(
                "a plugin may keep at most {MAX_KEYS} keys"
            )));
        }
        if self.test_mode {
            return self.kv_overlay.set(key, value);
        }
        let quota = KvQuota {
            keys: self.limits.kv_org_keys,
            bytes: self.limits.kv_org_bytes,
        };
        store
            .kv_set_within(&self.org_id, &self.plugin_id, &key, &value, quota)
            .await
            .map_err(store_error)?
            .map_err(|over| HostError::Limit(over.to_string()))
    }

    async fn delete(&mut self, key: String) -> Result<(), HostError> {
        self.kv_allowed("delete", &key)?;
        if self.test_mode {
            return self.kv_overlay.delete(key);
        }
        self.services
            .store
            .kv_delete_counted(&self.org_id, &self.plugin_id, &key)
            .await
            .map_err(store_error)
    }

    async fn list_keys(&mut self, prefix: String) -> Result<Vec<String>, HostError> {
        self.kv_allowed("list", &prefix)?;
        let stored = self
            .services
            .store
            .kv_list(&self.org_id, &self.plugin_id, &prefix, MAX_LIST)
            .await
            .map_err(store_error)?;
        Ok(self.kv_overlay.list(&prefix, stored, MAX_LIST as usize))
    }
}
