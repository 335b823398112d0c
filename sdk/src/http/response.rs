//! A response to an outbound HTTP request.

use serde::de::DeserializeOwned;

/// A complete HTTP response, as the host received it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    /// The status code.
    pub status: u16,
    /// The headers, in the order the server sent them.
    pub headers: Vec<(String, String)>,
    /// The body, possibly cut by the host's response-size cap.
    pub body: Vec<u8>,
}

impl Response {
    /// True for a 2xx status.
    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The first value of header `name`, compared case-insensitively.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// The body as text; invalid UTF-8 sequences become U+FFFD.
    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    /// The body parsed as JSON into `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, serde_json::Error> {
        serde_json::from_slice(&self.body)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn response(body: &[u8]) -> Response {
        Response {
            status: 201,
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.to_vec(),
        }
    }

    #[test]
    fn header_lookup_ignores_case() {
        let response = response(b"{}");
        assert_eq!(response.header("content-type"), Some("application/json"));
        assert_eq!(response.header("CONTENT-TYPE"), Some("application/json"));
        assert_eq!(response.header("etag"), None);
        assert!(response.is_success());
    }

    #[test]
    fn text_is_lossy_and_json_parses() {
        assert_eq!(response(b"ok \xff").text(), "ok \u{fffd}");
        let value: serde_json::Value = response(br#"{"id":7}"#).json().unwrap();
        assert_eq!(value["id"], 7);
        assert!(response(b"nope").json::<serde_json::Value>().is_err());
    }
}
