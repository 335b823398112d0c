//! The refused host calls of one run, kept within a fixed bound.
//!
//! A guest can make any number of refused calls with arguments of any size, so
//! the ledger keeps at most [`RunLimits::denials_kept`] of them, each target cut
//! to [`TARGET_BYTES`], and counts the rest. What the guest is told and what
//! the audit log records are built from the truncated target only.
//!
//! [`RunLimits::denials_kept`]: super::limits::RunLimits::denials_kept

use crate::capabilities::Denial;

/// Longest target kept for one denial, in bytes; longer ones end in `…`.
pub const TARGET_BYTES: usize = 256;

/// Denials kept for one run and the number dropped beyond the cap.
#[derive(Debug, Default)]
pub struct DenialLedger {
    kept: Vec<Denial>,
    dropped: u32,
}

impl DenialLedger {
    /// Records a refusal of `target` under `capability` and returns the message
    /// the guest receives. At most `cap` denials are kept; later ones are only
    /// counted.
    pub fn record(&mut self, capability: &str, target: &str, reason: String, cap: u32) -> String {
        let target = truncate(target, TARGET_BYTES);
        let message = format!("{capability} `{target}` denied: {reason}");
        if self.kept.len() >= cap as usize {
            self.dropped = self.dropped.saturating_add(1);
        } else {
            self.kept.push(Denial {
                capability: capability.to_string(),
                target,
                reason,
            });
        }
        message
    }

    /// The denials kept so far.
    pub fn kept(&self) -> &[Denial] {
        &self.kept
    }

    /// True when nothing was refused.
    pub fn is_empty(&self) -> bool {
        self.kept.is_empty() && self.dropped == 0
    }

    /// The kept denials and the number dropped.
    pub fn into_parts(self) -> (Vec<Denial>, u32) {
        (self.kept, self.dropped)
    }
}

/// `text` cut to at most `max` bytes on a character boundary, with `…` added
/// when anything was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_string();
    }
    let mut end = max.saturating_sub('…'.len_utf8());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_at_most_the_cap_and_counts_the_rest() {
        let mut ledger = DenialLedger::default();
        for n in 0..100 {
            ledger.record("kv", &format!("get {n}"), "not requested".into(), 32);
        }
        let (kept, dropped) = ledger.into_parts();
        assert_eq!(kept.len(), 32);
        assert_eq!(dropped, 68);
        assert_eq!(kept[31].target, "get 31");
    }

    #[test]
    fn long_targets_are_cut_on_a_character_boundary() {
        let mut ledger = DenialLedger::default();
        let key = "é".repeat(1 << 19);
        let message = ledger.record("kv", &key, "not requested".into(), 32);
        let target = &ledger.kept()[0].target;
        assert!(target.len() <= TARGET_BYTES, "{}", target.len());
        assert!(target.ends_with('…'));
        assert!(message.len() < TARGET_BYTES + 64, "{}", message.len());
    }

    #[test]
    fn short_text_is_unchanged() {
        assert_eq!(truncate("get key", TARGET_BYTES), "get key");
        assert_eq!(truncate("", 0), "");
    }
}
