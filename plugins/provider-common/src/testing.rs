//! For the actions' unit tests: provider responses built in one line.

use atlas_sdk::http::Response;

/// A response with `status`, `headers` and the text `body`.
pub fn response(status: u16, headers: &[(&str, &str)], body: &str) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(name, value)| (name.to_string(), value.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}
