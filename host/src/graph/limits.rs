//! Size limits that keep hostile or accidental input a fast, clear error.

/// Most nodes a workflow may have.
pub const MAX_NODES: usize = 2_000;
/// Most edges a workflow may have.
pub const MAX_EDGES: usize = 10_000;
/// Most trigger nodes a workflow may have.
pub const MAX_TRIGGERS: usize = 5;
/// Deepest nesting of `all` / `any` / `not` groups, counting the rule itself.
pub const MAX_CONDITION_DEPTH: usize = 16;
/// Most conditions in one `all` or `any` group.
pub const MAX_CONDITION_ITEMS: usize = 100;
/// Longest template string, in bytes.
pub const MAX_TEMPLATE_BYTES: usize = 16 * 1024;
/// Longest node id, in characters.
pub const MAX_NODE_ID_LEN: usize = 64;
/// Longest edge id, in characters (the builder derives edge ids from node ids).
pub const MAX_EDGE_ID_LEN: usize = 128;
/// Longest workflow name, in characters.
pub const MAX_NAME_LEN: usize = 200;
/// Tags per workflow.
pub const MAX_TAGS: usize = 20;
/// Characters per tag.
pub const MAX_TAG_CHARS: usize = 40;
/// Most cases in a switch node (its `default` outcome comes on top).
pub const MAX_SWITCH_CASES: usize = 20;
/// Fewest variants in an A/B split.
pub const MIN_AB_VARIANTS: usize = 2;
/// Most variants in an A/B split.
pub const MAX_AB_VARIANTS: usize = 5;
/// Most opening windows per weekday in a business-hours wait.
pub const MAX_WINDOWS_PER_DAY: usize = 12;
/// Most holiday dates in a business-hours wait.
pub const MAX_HOLIDAYS: usize = 1_000;
/// Most schema problems reported for one action's input.
pub const MAX_INPUT_PROBLEMS: usize = 50;

/// Whether `id` is usable as a node id (or a switch case / variant name):
/// 1 to `max_len` characters from `[A-Za-z0-9_-]`.
pub fn is_valid_identifier(id: &str, max_len: usize) -> bool {
    !id.is_empty()
        && id.len() <= max_len
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers() {
        assert!(is_valid_identifier("send-sms_1", MAX_NODE_ID_LEN));
        assert!(!is_valid_identifier("", MAX_NODE_ID_LEN));
        assert!(!is_valid_identifier("has space", MAX_NODE_ID_LEN));
        assert!(!is_valid_identifier("dot.ted", MAX_NODE_ID_LEN));
        assert!(!is_valid_identifier("é", MAX_NODE_ID_LEN));
        assert!(is_valid_identifier(&"a".repeat(64), MAX_NODE_ID_LEN));
        assert!(!is_valid_identifier(&"a".repeat(65), MAX_NODE_ID_LEN));
    }
}
