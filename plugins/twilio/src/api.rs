//! The Messages resource: `POST /2010-04-01/Accounts/{AccountSid}/Messages.json`,
//! form-encoded, HTTP basic auth with the account SID and auth token.

use atlas_sdk::http::{Request, Response};
use provider_common::SendError;
use provider_common::basic_auth::basic_auth;
use provider_common::status::quoted_body;
use serde::Deserialize;

use crate::message::Message;

/// Provider name in messages.
pub const PROVIDER: &str = "Twilio";

/// The request that creates `message`.
pub fn request(message: &Message, base_url: &str, account_sid: &str, auth_token: &str) -> Request {
    Request::post(format!(
        "{base_url}/2010-04-01/Accounts/{account_sid}/Messages.json"
    ))
    .header("Authorization", basic_auth(account_sid, auth_token))
    .header("Content-Type", "application/x-www-form-urlencoded")
    .header("Accept", "application/json")
    .body(message.form().into_bytes())
}

/// A message Twilio created.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
pub struct Created {
    /// `SM...` or `MM...`.
    pub sid: String,
    /// `queued`, `accepted`, `sending`, ...
    pub status: String,
}

/// The created message, or why Twilio did not create it.
pub fn created(response: &Response, now_unix_ms: u64) -> Result<Created, SendError> {
    SendError::check(PROVIDER, response, now_unix_ms, error_message)?;
    response
        .json::<Created>()
        .map_err(|error| SendError::UnexpectedReply {
            provider: PROVIDER,
            detail: format!(
                "its reply (HTTP {}) is not a message resource ({error}): {}",
                response.status,
                quoted_body(response)
            ),
        })
}

#[derive(Deserialize)]
struct TwilioError {
    message: String,
    #[serde(default)]
    code: Option<u32>,
    #[serde(default)]
    more_info: Option<String>,
}

/// Twilio's `{"code", "message", "more_info"}` as one line; the raw body otherwise.
fn error_message(response: &Response) -> String {
    match response.json::<TwilioError>() {
        Ok(error) => match (error.code, error.more_info) {
            (Some(code), Some(more_info)) => {
                format!("{} (Twilio error {code}, {more_info})", error.message)
            }
            (Some(code), None) => format!("{} (Twilio error {code})", error.message),
            (None, _) => error.message,
        },
        Err(_) => quoted_body(response),
    }
}

#[cfg(test)]
mod tests {
    use provider_common::testing::response;

    use super::*;
    use crate::message::{Content, Sender};

    #[test]
    fn posts_the_form_with_basic_auth() {
        let message = Message {
            to: "+447700900123".into(),
            sender: Sender::From("+15005550006".into()),
            content: Content::Body("Hi".into()),
            status_callback: None,
        };
        let request = request(&message, "https://api.twilio.com", "AC123", "tok");
        assert_eq!(
            request.url(),
            "https://api.twilio.com/2010-04-01/Accounts/AC123/Messages.json"
        );
        assert_eq!(
            request.header_value("authorization"),
            Some("Basic QUMxMjM6dG9r")
        );
        assert_eq!(
            request.header_value("content-type"),
            Some("application/x-www-form-urlencoded")
        );
        assert_eq!(
            request.body_bytes(),
            Some(&b"To=%2B447700900123&From=%2B15005550006&Body=Hi"[..])
        );
    }

    #[test]
    fn reads_the_created_message() {
        let ok = response(
            201,
            &[],
            r#"{"sid":"SM1f0e8ae6ade43cb3c0ce4525424e404f","status":"queued","to":"+447700900123","error_code":null}"#,
        );
        assert_eq!(
            created(&ok, 0),
            Ok(Created {
                sid: "SM1f0e8ae6ade43cb3c0ce4525424e404f".into(),
                status: "queued".into()
            })
        );
        assert_eq!(
            created(&response(201, &[], "<html>"), 0)
                .unwrap_err()
                .code(),
            "unexpected_reply"
        );
    }

    #[test]
    fn quotes_twilio_errors() {
        let body = r#"{"code":21211,"message":"The 'To' number 123 is not a valid phone number.","more_info":"https://www.twilio.com/docs/errors/21211","status":400}"#;
        assert_eq!(
            created(&response(400, &[], body), 0),
            Err(SendError::Rejected {
                provider: PROVIDER,
                status: 400,
                message: "The 'To' number 123 is not a valid phone number. \
                          (Twilio error 21211, https://www.twilio.com/docs/errors/21211)"
                    .into()
            })
        );
        let error = created(&response(503, &[], "upstream down"), 0).unwrap_err();
        assert_eq!(error.code(), "provider_unavailable");
    }
}
