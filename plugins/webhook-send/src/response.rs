//! The output document built from a server's response.

use std::collections::BTreeMap;

use atlas_sdk::http::Response;

use crate::output::WebhookOutput;

/// The longest body kept in the output, in bytes.
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// The output for `response`: lower-cased headers, a body capped at
/// [`MAX_BODY_BYTES`], and the body as JSON when it parses and was not cut.
pub fn webhook_output(response: &Response) -> WebhookOutput {
    let truncated = response.body.len() > MAX_BODY_BYTES;
    let kept = &response.body[..response.body.len().min(MAX_BODY_BYTES)];
    let json = if truncated {
        None
    } else {
        serde_json::from_slice(kept).ok()
    };
    WebhookOutput {
        status: response.status,
        headers: merged_headers(&response.headers),
        body: String::from_utf8_lossy(kept).into_owned(),
        json,
        truncated,
        skipped: false,
    }
}

fn merged_headers(headers: &[(String, String)]) -> BTreeMap<String, String> {
    let mut merged = BTreeMap::<String, String>::new();
    for (name, value) in headers {
        merged
            .entry(name.to_ascii_lowercase())
            .and_modify(|existing| {
                existing.push_str(", ");
                existing.push_str(value);
            })
            .or_insert_with(|| value.clone());
    }
    merged
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn response(headers: &[(&str, &str)], body: Vec<u8>) -> Response {
        Response {
            status: 200,
            headers: headers
                .iter()
                .map(|(name, value)| (name.to_string(), value.to_string()))
                .collect(),
            body,
        }
    }

    #[test]
    fn json_body_is_parsed_and_headers_merged() {
        let output = webhook_output(&response(
            &[
                ("Set-Cookie", "a=1"),
                ("set-cookie", "b=2"),
                ("Content-Type", "application/json"),
            ],
            br#"{"ok":true}"#.to_vec(),
        ));
        assert_eq!(output.status, 200);
        assert_eq!(output.headers["set-cookie"], "a=1, b=2");
        assert_eq!(output.headers["content-type"], "application/json");
        assert_eq!(output.body, r#"{"ok":true}"#);
        assert_eq!(output.json, Some(json!({"ok": true})));
        assert!(!output.truncated);
        assert!(!output.skipped);
    }

    #[test]
    fn text_body_has_no_json() {
        let output = webhook_output(&response(&[], b"accepted \xff".to_vec()));
        assert_eq!(output.body, "accepted \u{fffd}");
        assert_eq!(output.json, None);
    }

    #[test]
    fn long_body_is_cut_at_64_kib() {
        let output = webhook_output(&response(&[], vec![b'a'; MAX_BODY_BYTES + 1]));
        assert!(output.truncated);
        assert_eq!(output.body.len(), MAX_BODY_BYTES);
        assert_eq!(output.json, None);
    }
}
