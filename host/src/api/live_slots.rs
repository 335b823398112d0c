//! How many live streams each caller holds open: a stream takes a slot for
//! as long as it runs, and a caller already holding its limit is refused
//! another (429), so one credential cannot pin down the server's tasks and
//! database polls with endless streams.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// Live-stream limits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LiveSettings {
    /// Streams one caller (user or API key) may hold open at once.
    pub max_streams_per_caller: usize,
    /// How often an open stream checks that its credential still holds
    /// (token not expired, API key not revoked, org admitted).
    pub recheck_every: Duration,
}

impl Default for LiveSettings {
    fn default() -> Self {
        Self {
            max_streams_per_caller: 8,
            recheck_every: Duration::from_secs(5),
        }
    }
}

/// Open streams per caller.
#[derive(Debug, Default)]
pub struct LiveSlots {
    open: Mutex<HashMap<String, usize>>,
}

/// One open stream's slot, given back when dropped.
#[derive(Debug)]
pub struct LiveSlot {
    slots: Arc<LiveSlots>,
    caller: String,
}

impl LiveSlots {
    /// A slot for `caller`, or `None` when it holds `limit` already.
    pub fn acquire(self: &Arc<Self>, caller: &str, limit: usize) -> Option<LiveSlot> {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        let held = open.entry(caller.to_string()).or_insert(0);
        if *held >= limit {
            return None;
        }
        *held += 1;
        Some(LiveSlot {
            slots: self.clone(),
            caller: caller.to_string(),
        })
    }

    /// Streams `caller` holds open now.
    pub fn held(&self, caller: &str) -> usize {
        self.open
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(caller)
            .copied()
            .unwrap_or(0)
    }
}

impl Drop for LiveSlot {
    fn drop(&mut self) {
        let mut open = self.slots.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(held) = open.get_mut(&self.caller) {
            *held = held.saturating_sub(1);
            if *held == 0 {
                open.remove(&self.caller);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_holds_at_most_its_limit_and_slots_come_back() {
        let slots = Arc::new(LiveSlots::default());
        let a = slots.acquire("key:1", 2).unwrap();
        let _b = slots.acquire("key:1", 2).unwrap();
        assert!(slots.acquire("key:1", 2).is_none());
        assert!(slots.acquire("key:2", 2).is_some(), "per caller");
        drop(a);
        assert_eq!(slots.held("key:1"), 1);
        assert!(slots.acquire("key:1", 2).is_some());
    }
}
