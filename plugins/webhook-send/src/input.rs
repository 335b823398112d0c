//! The input document of the webhook action.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::Value;

/// What to send, where, and how to authenticate.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct WebhookInput {
    /// HTTP method; POST when absent.
    #[serde(default)]
    pub method: Method,
    /// Absolute http or https URL.
    pub url: String,
    /// Extra request headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// JSON body, sent as `application/json`; none when absent or null.
    #[serde(default)]
    pub body: Option<Value>,
    /// How to authenticate; credentials always come from the plugin's secrets.
    #[serde(default)]
    pub auth: Auth,
    /// Shortens the host's request timeout, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
    /// Send the step's idempotency key as the `Idempotency-Key` header.
    #[serde(default = "enabled")]
    pub send_idempotency_key: bool,
}

/// The HTTP methods a webhook may use.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "UPPERCASE")]
pub enum Method {
    /// GET.
    Get,
    /// POST.
    #[default]
    Post,
    /// PUT.
    Put,
    /// PATCH.
    Patch,
    /// DELETE.
    Delete,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Get => "GET",
            Self::Post => "POST",
            Self::Put => "PUT",
            Self::Patch => "PATCH",
            Self::Delete => "DELETE",
        }
    }
}

/// Request authentication; every credential is the name of a granted secret.
#[derive(Debug, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Auth {
    /// No authentication.
    #[default]
    None,
    /// `Authorization: Bearer <token>`.
    Bearer {
        /// Secret holding the token.
        token_secret: String,
    },
    /// `Authorization: Basic <base64(username:password)>`.
    Basic {
        /// User name, in clear.
        username: String,
        /// Secret holding the password.
        password_secret: String,
    },
    /// HMAC-SHA256 signature of `"{unix_seconds}.{body}"`, sent as `sha256=<hex>`.
    Hmac {
        /// Secret holding the signing key.
        signing_secret: String,
        /// Header carrying the signature.
        #[serde(default = "default_signature_header")]
        header: String,
        /// Header carrying the signed Unix timestamp, in seconds.
        #[serde(default = "default_timestamp_header")]
        timestamp_header: String,
    },
}

fn enabled() -> bool {
    true
}

fn default_signature_header() -> String {
    "X-Atlas-Signature".to_owned()
}

fn default_timestamp_header() -> String {
    "X-Atlas-Timestamp".to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(value: Value) -> Result<WebhookInput, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn minimal_input_takes_defaults() {
        let input = parse(json!({"url": "https://hooks.example.com/x"})).unwrap();
        assert_eq!(input.method, Method::Post);
        assert!(input.headers.is_empty());
        assert_eq!(input.body, None);
        assert_eq!(input.auth, Auth::None);
        assert_eq!(input.timeout_ms, None);
        assert!(input.send_idempotency_key);
    }

    #[test]
    fn hmac_auth_takes_default_headers() {
        let input = parse(json!({
            "url": "https://hooks.example.com/x",
            "method": "PUT",
            "auth": {"type": "hmac", "signing_secret": "key"}
        }))
        .unwrap();
        assert_eq!(input.method, Method::Put);
        assert_eq!(
            input.auth,
            Auth::Hmac {
                signing_secret: "key".into(),
                header: "X-Atlas-Signature".into(),
                timestamp_header: "X-Atlas-Timestamp".into(),
            }
        );
    }

    #[test]
    fn unknown_fields_and_methods_are_rejected() {
        assert!(parse(json!({"url": "https://a.example", "verb": "GET"})).is_err());
        assert!(parse(json!({"url": "https://a.example", "method": "TRACE"})).is_err());
        assert!(
            parse(json!({"url": "https://a.example", "auth": {"type": "bearer", "token": "x"}}))
                .is_err()
        );
        assert!(parse(json!({"method": "GET"})).is_err());
    }
}
