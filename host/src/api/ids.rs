//! Ids in paths: anything that could not be an id this API issued is a 400
//! that says so, before any lookup.

use super::problem::Problem;

/// Longest id accepted.
pub const MAX_ID_LEN: usize = 128;

/// `Ok` when `id` could be an id of a `what` (letters, digits, `-`, `_`, `.`, `:`).
pub fn check_id(id: &str, what: &str) -> Result<(), Problem> {
    let ok = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | ':'));
    if ok {
        Ok(())
    } else {
        Err(Problem::bad_request(
            "invalid-id",
            format!(
                "`{}` is not a valid {what} id: ids have 1 to {MAX_ID_LEN} letters, digits, `-`, `_`, `.` or `:`",
                id.chars().take(MAX_ID_LEN).collect::<String>()
            ),
        ))
    }
}
