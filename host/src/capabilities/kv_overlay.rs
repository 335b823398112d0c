//! The kv changes of a test run: kept in memory for the run, so the action
//! reads back what it wrote, and never written to the store.

use std::collections::BTreeMap;

use crate::runtime::bindings::atlas::workflow::types::HostError;

/// Bytes of keys and values one test run may hold in its overlay.
pub const MAX_OVERLAY_BYTES: usize = 4 << 20;

/// Keys set (`Some`) or deleted (`None`) by a test run.
#[derive(Debug, Default)]
pub struct KvOverlay {
    entries: BTreeMap<String, Option<Vec<u8>>>,
    bytes: usize,
}

impl KvOverlay {
    /// `Some(value)` when the run set or deleted `key` (`Some(None)`), else
    /// `None`: the store's value stands.
    pub fn get(&self, key: &str) -> Option<Option<Vec<u8>>> {
        self.entries.get(key).cloned()
    }

    /// Records `key = value` for the rest of the run.
    pub fn set(&mut self, key: String, value: Vec<u8>) -> Result<(), HostError> {
        self.put(key, Some(value))
    }

    /// Records that `key` was deleted.
    pub fn delete(&mut self, key: String) -> Result<(), HostError> {
        self.put(key, None)
    }

    fn put(&mut self, key: String, value: Option<Vec<u8>>) -> Result<(), HostError> {
        let added = key.len() + value.as_ref().map_or(0, Vec::len);
        let removed = self
            .entries
            .get(&key)
            .map_or(0, |old| key.len() + old.as_ref().map_or(0, Vec::len));
        let bytes = self.bytes - removed + added;
        if bytes > MAX_OVERLAY_BYTES {
            return Err(HostError::Limit(format!(
                "a test run may hold at most {MAX_OVERLAY_BYTES} bytes of kv changes"
            )));
        }
        self.bytes = bytes;
        self.entries.insert(key, value);
        Ok(())
    }

    /// The stored keys under `prefix` as this run sees them: its deletions
    /// removed, its new keys added, sorted, at most `max`.
    pub fn list(&self, prefix: &str, stored: Vec<String>, max: usize) -> Vec<String> {
        let mut keys: std::collections::BTreeSet<String> = stored
            .into_iter()
            .filter(|k| !matches!(self.entries.get(k), Some(None)))
            .collect();
        for (key, value) in self.entries.range(prefix.to_string()..) {
            if !key.starts_with(prefix) {
                break;
            }
            if value.is_some() {
                keys.insert(key.clone());
            }
        }
        keys.into_iter().take(max).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_back_changes_and_lists_them_over_the_store() {
        let mut overlay = KvOverlay::default();
        overlay.set("a/new".into(), b"1".to_vec()).unwrap();
        overlay.delete("a/old".into()).unwrap();
        assert_eq!(overlay.get("a/new"), Some(Some(b"1".to_vec())));
        assert_eq!(overlay.get("a/old"), Some(None));
        assert_eq!(overlay.get("a/other"), None);
        let listed = overlay.list("a/", vec!["a/old".into(), "a/kept".into()], 10);
        assert_eq!(listed, vec!["a/kept".to_string(), "a/new".to_string()]);
    }

    #[test]
    fn the_overlay_is_bounded() {
        let mut overlay = KvOverlay::default();
        let value = vec![0u8; 256 << 10];
        for n in 0..15 {
            overlay.set(format!("k{n}"), value.clone()).unwrap();
        }
        assert!(overlay.set("k15".into(), value.clone()).is_err());
        // Overwriting a key does not count it twice.
        overlay.set("k0".into(), value).unwrap();
    }
}
