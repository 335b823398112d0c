//! An outbound HTTP request under construction.

use serde::Serialize;

use super::Response;
use crate::HostError;
use crate::bindings::atlas::workflow::http;

/// An outbound HTTP request, built step by step and sent with [`Request::send`].
#[derive(Debug, Clone)]
pub struct Request {
    method: String,
    url: String,
    headers: Vec<(String, String)>,
    body: Option<Vec<u8>>,
    timeout_ms: Option<u32>,
    body_error: Option<String>,
}

impl Request {
    /// A request with any method (`GET`, `POST`, `PUT`, `PATCH`, `DELETE`, `HEAD`)
    /// to an absolute http or https URL.
    pub fn new(method: impl Into<String>, url: impl Into<String>) -> Self {
        Self {
            method: method.into(),
            url: url.into(),
            headers: Vec::new(),
            body: None,
            timeout_ms: None,
            body_error: None,
        }
    }

    /// A GET request.
    pub fn get(url: impl Into<String>) -> Self {
        Self::new("GET", url)
    }

    /// A POST request.
    pub fn post(url: impl Into<String>) -> Self {
        Self::new("POST", url)
    }

    /// A PUT request.
    pub fn put(url: impl Into<String>) -> Self {
        Self::new("PUT", url)
    }

    /// A PATCH request.
    pub fn patch(url: impl Into<String>) -> Self {
        Self::new("PATCH", url)
    }

    /// A DELETE request.
    pub fn delete(url: impl Into<String>) -> Self {
        Self::new("DELETE", url)
    }

    /// Adds a header; repeated names are sent as repeated headers.
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// Sets the body to `value` as JSON, with `Content-Type: application/json`
    /// unless a content type was already set.
    ///
    /// A value that cannot be serialised makes [`Request::send`] fail with
    /// [`HostError::Invalid`] without sending anything.
    pub fn json<T: Serialize + ?Sized>(mut self, value: &T) -> Self {
        match serde_json::to_vec(value) {
            Ok(bytes) => {
                self.body = Some(bytes);
                self.body_error = None;
            }
            Err(error) => self.body_error = Some(error.to_string()),
        }
        if self.header_value("content-type").is_none() {
            self.headers
                .push(("Content-Type".to_owned(), "application/json".to_owned()));
        }
        self
    }

    /// Sets the raw body.
    pub fn body(mut self, bytes: impl Into<Vec<u8>>) -> Self {
        self.body = Some(bytes.into());
        self.body_error = None;
        self
    }

    /// Shortens the host's timeout for this request; it never raises it.
    pub fn timeout_ms(mut self, timeout_ms: u32) -> Self {
        self.timeout_ms = Some(timeout_ms);
        self
    }

    /// The request method.
    pub fn method(&self) -> &str {
        &self.method
    }

    /// The request URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The headers, in the order they were added.
    pub fn headers(&self) -> &[(String, String)] {
        &self.headers
    }

    /// The body, if one was set.
    pub fn body_bytes(&self) -> Option<&[u8]> {
        self.body.as_deref()
    }

    /// The first value of header `name`, compared case-insensitively.
    pub fn header_value(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }

    /// Sends the request through the host and waits for the whole response.
    pub fn send(self) -> Result<Response, HostError> {
        if let Some(error) = self.body_error {
            return Err(HostError::Invalid(format!(
                "request body is not serialisable as JSON: {error}"
            )));
        }
        let request = http::Request {
            method: self.method,
            url: self.url,
            headers: self.headers,
            body: self.body,
            timeout_ms: self.timeout_ms,
        };
        let response = http::fetch(&request).map_err(HostError::from)?;
        Ok(Response {
            status: response.status,
            headers: response.headers,
            body: response.body,
        })
    }
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    #[test]
    fn builder_collects_method_url_headers_and_body() {
        let request = Request::put("https://api.example.com/x")
            .header("X-One", "1")
            .body(b"raw".to_vec())
            .timeout_ms(250);
        assert_eq!(request.method(), "PUT");
        assert_eq!(request.url(), "https://api.example.com/x");
        assert_eq!(request.header_value("x-one"), Some("1"));
        assert_eq!(request.body_bytes(), Some(&b"raw"[..]));
        assert_eq!(request.timeout_ms, Some(250));
    }

    #[test]
    fn json_sets_body_and_content_type_once() {
        let request = Request::post("https://api.example.com")
            .header("content-type", "application/vnd.api+json")
            .json(&serde_json::json!({"a": 1}));
        assert_eq!(request.body_bytes(), Some(&br#"{"a":1}"#[..]));
        assert_eq!(
            request.header_value("Content-Type"),
            Some("application/vnd.api+json")
        );
        assert_eq!(request.headers().len(), 1);

        let request = Request::post("https://api.example.com").json(&[1, 2]);
        assert_eq!(
            request.header_value("content-type"),
            Some("application/json")
        );
    }

    #[test]
    fn unserialisable_json_fails_before_sending() {
        let mut map = BTreeMap::new();
        map.insert((1, 2), "tuple keys are not JSON");
        let error = Request::post("https://api.example.com")
            .json(&map)
            .send()
            .unwrap_err();
        assert_eq!(error.kind(), "invalid");
    }
}
