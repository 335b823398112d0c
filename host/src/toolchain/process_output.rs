//! Quoting what a failed tool printed.

/// How many lines of a failed tool's output an error quotes.
pub(crate) const TAIL_LINES: usize = 40;

/// The last `lines` lines of `text`, without trailing blank lines.
pub(crate) fn tail(text: &str, lines: usize) -> String {
    let trimmed = text.trim_end();
    let all: Vec<&str> = trimmed.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_last_lines() {
        assert_eq!(tail("a\nb\nc\n\n", 2), "b\nc");
        assert_eq!(tail("only", 5), "only");
        assert_eq!(tail("", 3), "");
    }
}
