//! The outbound request built from the input.

use atlas_sdk::http::Request;

use crate::input::WebhookInput;

/// The request to send: the input's method, URL and headers; the JSON body
/// with `Content-Type: application/json` unless the input sets a content type;
/// `auth_headers`, which replace input headers of the same name; and
/// `Idempotency-Key` unless the input sets it.
pub fn webhook_request(
    input: &WebhookInput,
    body: Option<Vec<u8>>,
    auth_headers: Vec<(String, String)>,
    idempotency_key: Option<&str>,
) -> Request {
    let mut headers: Vec<(String, String)> = input
        .headers
        .iter()
        .filter(|(name, _)| {
            !auth_headers
                .iter()
                .any(|(auth, _)| auth.eq_ignore_ascii_case(name))
        })
        .map(|(name, value)| (name.clone(), value.clone()))
        .collect();
    let has = |headers: &[(String, String)], wanted: &str| {
        headers
            .iter()
            .any(|(name, _)| name.eq_ignore_ascii_case(wanted))
    };
    if body.is_some() && !has(&headers, "content-type") {
        headers.push(("Content-Type".to_owned(), "application/json".to_owned()));
    }
    if let Some(key) = idempotency_key
        && !has(&headers, "idempotency-key")
    {
        headers.push(("Idempotency-Key".to_owned(), key.to_owned()));
    }
    headers.extend(auth_headers);

    let mut request = headers.into_iter().fold(
        Request::new(input.method.as_str(), input.url.clone()),
        |request, (name, value)| request.header(name, value),
    );
    if let Some(body) = body {
        request = request.body(body);
    }
    if let Some(timeout_ms) = input.timeout_ms {
        request = request.timeout_ms(timeout_ms);
    }
    request
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(value: serde_json::Value) -> WebhookInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn json_body_gets_content_type_and_idempotency_key() {
        let input =
            input(json!({"url": "https://hooks.example.com/a", "headers": {"X-Trace": "1"}}));
        let request = webhook_request(&input, Some(b"{}".to_vec()), Vec::new(), Some("idem-1"));
        assert_eq!(request.method(), "POST");
        assert_eq!(request.url(), "https://hooks.example.com/a");
        assert_eq!(request.body_bytes(), Some(&b"{}"[..]));
        assert_eq!(request.header_value("x-trace"), Some("1"));
        assert_eq!(
            request.header_value("content-type"),
            Some("application/json")
        );
        assert_eq!(request.header_value("idempotency-key"), Some("idem-1"));
    }

    #[test]
    fn input_headers_win_except_over_auth() {
        let input = input(json!({
            "url": "https://hooks.example.com/a",
            "method": "GET",
            "headers": {
                "content-type": "text/plain",
                "idempotency-key": "mine",
                "authorization": "stale"
            }
        }));
        let auth = vec![("Authorization".to_owned(), "Bearer fresh".to_owned())];
        let request = webhook_request(&input, Some(b"x".to_vec()), auth, Some("engine"));
        assert_eq!(request.header_value("content-type"), Some("text/plain"));
        assert_eq!(request.header_value("idempotency-key"), Some("mine"));
        assert_eq!(request.header_value("authorization"), Some("Bearer fresh"));
        assert_eq!(request.headers().len(), 3);
    }

    #[test]
    fn no_body_no_key_no_extra_headers() {
        let input = input(
            json!({"url": "https://hooks.example.com/a", "method": "DELETE", "timeout_ms": 900}),
        );
        let request = webhook_request(&input, None, Vec::new(), None);
        assert_eq!(request.method(), "DELETE");
        assert!(request.headers().is_empty());
        assert_eq!(request.body_bytes(), None);
    }
}
