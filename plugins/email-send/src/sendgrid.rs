//! SendGrid v3 Mail Send: `POST /v3/mail/send` with a bearer API key; the
//! message id comes back in the `X-Message-Id` header of a 202.

use atlas_sdk::Context;
use atlas_sdk::http::{Request, Response};
use provider_common::SendError;
use provider_common::status::quoted_body;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::email::Email;

/// Provider name in messages.
pub const PROVIDER: &str = "SendGrid";
/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.sendgrid.com";
/// The secret holding the API key.
pub const API_KEY_SECRET: &str = "sendgrid_api_key";
/// The optional install setting that replaces [`DEFAULT_BASE_URL`].
pub const BASE_URL_SETTING: &str = "sendgrid_base_url";
/// The install setting holding SendGrid's event webhook verification key
/// (base64 DER public key); the host reads it to verify signed events.
pub const WEBHOOK_VERIFICATION_KEY_SETTING: &str = "sendgrid_webhook_verification_key";

/// The Mail Send request for `email` sent by the step `ctx`. The step travels
/// as custom arguments (`atlas_org_id`, `atlas_execution_id`,
/// `atlas_step_id`, `atlas_idempotency_key`), which SendGrid attaches to every
/// event of the message, so the host records delivery events against the step.
pub fn request(email: &Email, base_url: &str, api_key: &str, ctx: &Context) -> Request {
    Request::post(format!("{base_url}/v3/mail/send"))
        .header("Authorization", format!("Bearer {api_key}"))
        .json(&body(email, ctx))
}

fn body(email: &Email, ctx: &Context) -> Value {
    let addresses = |list: &[String]| -> Value {
        list.iter()
            .map(|address| json!({ "email": address }))
            .collect()
    };
    let mut personalization = json!({ "to": addresses(&email.to) });
    if !email.cc.is_empty() {
        personalization["cc"] = addresses(&email.cc);
    }
    if !email.bcc.is_empty() {
        personalization["bcc"] = addresses(&email.bcc);
    }
    let mut from = json!({ "email": email.from.email });
    if let Some(name) = &email.from.name {
        from["name"] = json!(name);
    }
    // SendGrid requires text/plain before text/html.
    let mut content = Vec::new();
    if let Some(text) = &email.text {
        content.push(json!({ "type": "text/plain", "value": text }));
    }
    if let Some(html) = &email.html {
        content.push(json!({ "type": "text/html", "value": html }));
    }
    let mut body = json!({
        "personalizations": [personalization],
        "from": from,
        "subject": email.subject,
        "content": content,
        "custom_args": {
            "atlas_org_id": ctx.org_id,
            "atlas_execution_id": ctx.execution_id,
            "atlas_step_id": ctx.step_id,
            "atlas_idempotency_key": ctx.idempotency_key,
        },
    });
    if let Some(reply_to) = &email.reply_to {
        body["reply_to"] = json!({ "email": reply_to });
    }
    body
}

/// The message id of an accepted message, or why it was not accepted.
pub fn message_id(response: &Response, now_unix_ms: u64) -> Result<String, SendError> {
    SendError::check(PROVIDER, response, now_unix_ms, error_message)?;
    response
        .header("x-message-id")
        .map(str::to_owned)
        .ok_or_else(|| SendError::UnexpectedReply {
            provider: PROVIDER,
            detail: format!(
                "its reply (HTTP {}) has no X-Message-Id header",
                response.status
            ),
        })
}

#[derive(Deserialize)]
struct Errors {
    errors: Vec<ErrorItem>,
}

#[derive(Deserialize)]
struct ErrorItem {
    message: String,
    #[serde(default)]
    field: Option<String>,
}

/// SendGrid's `{"errors": [{"message", "field"}]}`, joined; the raw body otherwise.
fn error_message(response: &Response) -> String {
    match response.json::<Errors>() {
        Ok(errors) if !errors.errors.is_empty() => errors
            .errors
            .iter()
            .map(|error| match &error.field {
                Some(field) => format!("{} ({field})", error.message),
                None => error.message.clone(),
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => quoted_body(response),
    }
}

#[cfg(test)]
mod tests {
    use provider_common::testing::response;

    use super::*;
    use crate::email::Address;

    fn email() -> Email {
        Email {
            from: Address {
                email: "studio@gym.example".into(),
                name: Some("Iron Gym".into()),
            },
            to: vec!["ada@example.com".into()],
            cc: vec![],
            bcc: vec!["coach@gym.example".into()],
            reply_to: Some("desk@gym.example".into()),
            subject: "Welcome".into(),
            html: Some("<p>Hi</p>".into()),
            text: Some("Hi".into()),
        }
    }

    #[test]
    fn builds_the_v3_request() {
        let ctx = Context {
            org_id: "org-iron".into(),
            execution_id: "ex".into(),
            step_id: "welcome".into(),
            idempotency_key: "ex:3".into(),
            ..Context::default()
        };
        let request = request(&email(), "https://api.sendgrid.com", "SG.key", &ctx);
        assert_eq!(request.url(), "https://api.sendgrid.com/v3/mail/send");
        assert_eq!(request.header_value("authorization"), Some("Bearer SG.key"));
        let body: Value = serde_json::from_slice(request.body_bytes().unwrap()).unwrap();
        assert_eq!(
            body,
            json!({
                "personalizations": [{
                    "to": [{"email": "ada@example.com"}],
                    "bcc": [{"email": "coach@gym.example"}]
                }],
                "from": {"email": "studio@gym.example", "name": "Iron Gym"},
                "reply_to": {"email": "desk@gym.example"},
                "subject": "Welcome",
                "content": [
                    {"type": "text/plain", "value": "Hi"},
                    {"type": "text/html", "value": "<p>Hi</p>"}
                ],
                "custom_args": {
                    "atlas_org_id": "org-iron",
                    "atlas_execution_id": "ex",
                    "atlas_step_id": "welcome",
                    "atlas_idempotency_key": "ex:3"
                }
            })
        );
    }

    #[test]
    fn reads_the_message_id_header() {
        let accepted = response(202, &[("X-Message-Id", "abc.123")], "");
        assert_eq!(message_id(&accepted, 0), Ok("abc.123".into()));
        let error = message_id(&response(202, &[], ""), 0).unwrap_err();
        assert_eq!(error.code(), "unexpected_reply");
    }

    #[test]
    fn quotes_sendgrid_errors() {
        let body = r#"{"errors":[{"message":"Does not contain a valid address.","field":"personalizations.0.to.0.email","help":null},{"message":"Bad from"}]}"#;
        let error = message_id(&response(400, &[], body), 0).unwrap_err();
        assert_eq!(
            error,
            SendError::Rejected {
                provider: PROVIDER,
                status: 400,
                message:
                    "Does not contain a valid address. (personalizations.0.to.0.email); Bad from"
                        .into()
            }
        );
        let error = message_id(&response(502, &[], "bad gateway"), 0).unwrap_err();
        assert_eq!(error.code(), "provider_unavailable");
        assert!(error.to_string().ends_with("bad gateway"), "{error}");
    }
}
