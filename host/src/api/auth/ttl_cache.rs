//! A small bounded map whose entries expire: the memory of the auth layer
//! (which orgs exist, which API keys are unknown). Its size is capped, so
//! a client sending endless random credentials cannot grow it; when full,
//! expired entries go first, then the oldest half.

use std::collections::HashMap;
use std::hash::Hash;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// Entries of `V` by `K`, each valid for the time given when it was put.
pub struct TtlCache<K, V> {
    entries: Mutex<HashMap<K, (V, Instant)>>,
    capacity: usize,
}

impl<K, V> std::fmt::Debug for TtlCache<K, V> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("TtlCache")
            .field("capacity", &self.capacity)
            .finish_non_exhaustive()
    }
}

impl<K: Eq + Hash + Clone, V: Clone> TtlCache<K, V> {
    /// An empty cache holding at most `capacity` entries.
    pub fn new(capacity: usize) -> Self {
        Self {
            entries: Mutex::new(HashMap::new()),
            capacity: capacity.max(1),
        }
    }

    /// The unexpired value of `key`.
    pub fn get(&self, key: &K) -> Option<V> {
        let entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        entries
            .get(key)
            .filter(|(_, until)| Instant::now() < *until)
            .map(|(value, _)| value.clone())
    }

    /// Remembers `value` for `key` during `ttl`.
    pub fn put(&self, key: K, value: V, ttl: Duration) {
        let now = Instant::now();
        let mut entries = self.entries.lock().unwrap_or_else(|e| e.into_inner());
        if entries.len() >= self.capacity && !entries.contains_key(&key) {
            entries.retain(|_, (_, until)| now < *until);
            if entries.len() >= self.capacity {
                let mut expiries: Vec<Instant> = entries.values().map(|(_, u)| *u).collect();
                expiries.sort_unstable();
                let cut = expiries[expiries.len() / 2];
                entries.retain(|_, (_, until)| *until > cut);
            }
        }
        entries.insert(key, (value, now + ttl));
    }

    /// Forgets `key`.
    pub fn remove(&self, key: &K) {
        self.entries
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_the_size_stays_bounded() {
        let cache = TtlCache::new(100);
        cache.put("a".to_string(), 1, Duration::from_secs(60));
        cache.put("gone".to_string(), 2, Duration::ZERO);
        assert_eq!(cache.get(&"a".to_string()), Some(1));
        assert_eq!(cache.get(&"gone".to_string()), None);
        for i in 0..10_000 {
            cache.put(format!("k{i}"), i, Duration::from_secs(60));
            assert!(cache.entries.lock().unwrap().len() <= 100);
        }
        assert_eq!(cache.get(&"k9999".to_string()), Some(9999));
        cache.remove(&"k9999".to_string());
        assert_eq!(cache.get(&"k9999".to_string()), None);
    }
}
