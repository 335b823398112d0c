//! Opaque pagination cursors: the last id of a page, encoded so clients do
//! not build them; a cursor that does not decode is a 400.

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use super::problem::Problem;

const VERSION: &str = "v1:";

/// The cursor that resumes after `last_id`.
pub fn encode(last_id: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{VERSION}{last_id}"))
}

/// The id a cursor resumes after.
pub fn decode(cursor: &str) -> Result<String, Problem> {
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|bytes| String::from_utf8(bytes).ok())
        .and_then(|text| text.strip_prefix(VERSION).map(str::to_string))
        .filter(|id| !id.is_empty() && id.len() <= 128)
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-cursor",
                "the cursor is not one this API returned; pass `next_cursor` from the previous page unchanged",
            )
        })
}

/// The page size: `limit` clamped to 1..=`max`, `default` when absent.
pub fn page_size(limit: Option<i64>, default: i64, max: i64) -> Result<i64, Problem> {
    match limit {
        None => Ok(default),
        Some(n) if (1..=max).contains(&n) => Ok(n),
        Some(n) => Err(Problem::bad_request(
            "invalid-limit",
            format!("limit must be between 1 and {max}, not {n}"),
        )),
    }
}

/// `Some(next cursor)` when a full page was returned.
pub fn next<T>(items: &[T], limit: i64, id: impl Fn(&T) -> &str) -> Option<String> {
    (items.len() as i64 == limit)
        .then(|| items.last().map(|last| encode(id(last))))
        .flatten()
}
