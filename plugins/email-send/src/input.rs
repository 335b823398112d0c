//! The input document of the email action.

use schemars::JsonSchema;
use serde::{Deserialize, Deserializer};

/// An email: sender, recipients, subject and an HTML and/or text body.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailInput {
    /// The provider that sends it. When absent: SendGrid if its API key was
    /// entered at install, else Postmark.
    #[serde(default)]
    pub provider: Option<Provider>,
    /// Sender address; it must be verified with the provider.
    pub from: String,
    /// Sender display name.
    #[serde(default)]
    pub from_name: Option<String>,
    /// Recipient address, or a list of them.
    #[serde(deserialize_with = "one_or_many")]
    #[schemars(with = "OneOrMany")]
    pub to: Vec<String>,
    /// Carbon-copy address(es); empty entries are ignored.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "OneOrMany")]
    pub cc: Vec<String>,
    /// Blind-carbon-copy address(es); empty entries are ignored.
    #[serde(default, deserialize_with = "one_or_many")]
    #[schemars(with = "OneOrMany")]
    pub bcc: Vec<String>,
    /// Where replies go.
    #[serde(default)]
    pub reply_to: Option<String>,
    /// Subject line.
    pub subject: String,
    /// HTML body; at least one of `html` and `text` is required.
    #[serde(default)]
    pub html: Option<String>,
    /// Plain-text body.
    #[serde(default)]
    pub text: Option<String>,
    /// Shortens the host's request timeout, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

/// The email providers this action speaks to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Provider {
    /// SendGrid v3 Mail Send; needs the secret `sendgrid_api_key`.
    Sendgrid,
    /// Postmark; needs the secret `postmark_server_token`.
    Postmark,
}

impl Provider {
    /// The name in the output document: `sendgrid` or `postmark`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Sendgrid => "sendgrid",
            Self::Postmark => "postmark",
        }
    }
}

/// One address or a list of addresses.
#[derive(Deserialize, JsonSchema)]
#[serde(untagged)]
enum OneOrMany {
    /// One address.
    One(String),
    /// Several addresses.
    Many(Vec<String>),
}

fn one_or_many<'de, D: Deserializer<'de>>(deserializer: D) -> Result<Vec<String>, D::Error> {
    Ok(match OneOrMany::deserialize(deserializer)? {
        OneOrMany::One(address) => vec![address],
        OneOrMany::Many(addresses) => addresses,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn parse(value: Value) -> Result<EmailInput, serde_json::Error> {
        serde_json::from_value(value)
    }

    #[test]
    fn recipients_are_one_address_or_a_list() {
        let input = parse(json!({
            "from": "studio@gym.example",
            "to": "ada@example.com",
            "cc": ["a@example.com", "b@example.com"],
            "subject": "Hi",
            "text": "Hello"
        }))
        .unwrap();
        assert_eq!(input.to, ["ada@example.com"]);
        assert_eq!(input.cc, ["a@example.com", "b@example.com"]);
        assert!(input.bcc.is_empty());
        assert_eq!(input.provider, None);
    }

    #[test]
    fn unknown_fields_and_providers_are_rejected() {
        let base = json!({"from": "s@gym.example", "to": "a@example.com", "subject": "Hi"});
        let mut with_provider = base.clone();
        with_provider["provider"] = json!("mailgun");
        assert!(parse(with_provider).is_err());
        let mut with_unknown = base.clone();
        with_unknown["body"] = json!("x");
        assert!(parse(with_unknown).is_err());
        let mut postmark = base;
        postmark["provider"] = json!("postmark");
        assert_eq!(parse(postmark).unwrap().provider, Some(Provider::Postmark));
    }
}
