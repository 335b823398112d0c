//! Postmark: `POST /email` with the `X-Postmark-Server-Token` header; the
//! message id comes back as `MessageID` in the JSON reply.

use atlas_sdk::http::{Request, Response};
use provider_common::SendError;
use provider_common::status::quoted_body;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::email::Email;

/// Provider name in messages.
pub const PROVIDER: &str = "Postmark";
/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.postmarkapp.com";
/// The secret holding the server token.
pub const TOKEN_SECRET: &str = "postmark_server_token";
/// The optional install setting that replaces [`DEFAULT_BASE_URL`].
pub const BASE_URL_SETTING: &str = "postmark_base_url";

/// The send request for `email`. The idempotency key travels as the metadata
/// field `atlas_idempotency_key`, which Postmark returns with the message's
/// events and searches by.
pub fn request(email: &Email, base_url: &str, token: &str, idempotency_key: &str) -> Request {
    Request::post(format!("{base_url}/email"))
        .header("Accept", "application/json")
        .header("X-Postmark-Server-Token", token)
        .json(&body(email, idempotency_key))
}

fn body(email: &Email, idempotency_key: &str) -> Value {
    let mut body = json!({
        "From": email.from.to_header(),
        "To": email.to.join(", "),
        "Subject": email.subject,
        "Metadata": { "atlas_idempotency_key": idempotency_key },
        "MessageStream": "outbound",
    });
    if !email.cc.is_empty() {
        body["Cc"] = json!(email.cc.join(", "));
    }
    if !email.bcc.is_empty() {
        body["Bcc"] = json!(email.bcc.join(", "));
    }
    if let Some(reply_to) = &email.reply_to {
        body["ReplyTo"] = json!(reply_to);
    }
    if let Some(html) = &email.html {
        body["HtmlBody"] = json!(html);
    }
    if let Some(text) = &email.text {
        body["TextBody"] = json!(text);
    }
    body
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct Reply {
    #[serde(rename = "MessageID", default)]
    message_id: Option<String>,
    #[serde(default)]
    error_code: Option<i64>,
    #[serde(default)]
    message: Option<String>,
}

/// The message id of an accepted message, or why it was not accepted.
pub fn message_id(response: &Response, now_unix_ms: u64) -> Result<String, SendError> {
    SendError::check(PROVIDER, response, now_unix_ms, error_message)?;
    response
        .json::<Reply>()
        .ok()
        .and_then(|reply| reply.message_id)
        .ok_or_else(|| SendError::UnexpectedReply {
            provider: PROVIDER,
            detail: format!(
                "its reply (HTTP {}) has no MessageID: {}",
                response.status,
                quoted_body(response)
            ),
        })
}

/// Postmark's `{"ErrorCode", "Message"}` as one line; the raw body otherwise.
fn error_message(response: &Response) -> String {
    match response.json::<Reply>() {
        Ok(Reply {
            message: Some(message),
            error_code: Some(code),
            ..
        }) => format!("{message} (error code {code})"),
        Ok(Reply {
            message: Some(message),
            ..
        }) => message,
        _ => quoted_body(response),
    }
}

#[cfg(test)]
mod tests {
    use provider_common::testing::response;

    use super::*;
    use crate::email::Address;

    #[test]
    fn builds_the_email_request() {
        let email = Email {
            from: Address {
                email: "studio@gym.example".into(),
                name: None,
            },
            to: vec!["ada@example.com".into(), "bob@example.com".into()],
            cc: vec!["coach@gym.example".into()],
            bcc: vec![],
            reply_to: None,
            subject: "Welcome".into(),
            html: Some("<p>Hi</p>".into()),
            text: None,
        };
        let request = request(&email, "https://api.postmarkapp.com", "pm-token", "ex:3");
        assert_eq!(request.url(), "https://api.postmarkapp.com/email");
        assert_eq!(
            request.header_value("x-postmark-server-token"),
            Some("pm-token")
        );
        assert_eq!(request.header_value("accept"), Some("application/json"));
        let body: Value = serde_json::from_slice(request.body_bytes().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "From": "studio@gym.example",
                "To": "ada@example.com, bob@example.com",
                "Cc": "coach@gym.example",
                "Subject": "Welcome",
                "HtmlBody": "<p>Hi</p>",
                "Metadata": {"atlas_idempotency_key": "ex:3"},
                "MessageStream": "outbound"
            })
        );
    }

    #[test]
    fn reads_the_message_id() {
        let ok = response(
            200,
            &[],
            r#"{"To":"ada@example.com","SubmittedAt":"2026-11-25T10:00:00Z","MessageID":"b7bc2f4a-e38e-4336-af7d-e6c392c2f817","ErrorCode":0,"Message":"OK"}"#,
        );
        assert_eq!(
            message_id(&ok, 0),
            Ok("b7bc2f4a-e38e-4336-af7d-e6c392c2f817".into())
        );
        assert_eq!(
            message_id(&response(200, &[], "{}"), 0).unwrap_err().code(),
            "unexpected_reply"
        );
    }

    #[test]
    fn quotes_postmark_errors() {
        let error = message_id(
            &response(
                422,
                &[],
                r#"{"ErrorCode":300,"Message":"Invalid 'To' address: 'ada'."}"#,
            ),
            0,
        )
        .unwrap_err();
        assert_eq!(
            error,
            SendError::Rejected {
                provider: PROVIDER,
                status: 422,
                message: "Invalid 'To' address: 'ada'. (error code 300)".into()
            }
        );
    }
}
