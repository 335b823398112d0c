//! The message to send, checked and normalised from the input.

use atlas_sdk::ActionError;

use crate::form;
use crate::input::MessageInput;

/// The channel a message goes out on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// SMS (and MMS).
    Sms,
    /// WhatsApp: addresses carry the `whatsapp:` prefix.
    Whatsapp,
}

/// Who sends the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sender {
    /// A number or sender id (`From`).
    From(String),
    /// A Messaging Service (`MessagingServiceSid`).
    Service(String),
}

/// What the message says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Content {
    /// Free text (`Body`).
    Body(String),
    /// An approved template (`ContentSid`) and its variables as JSON (`ContentVariables`).
    Template {
        /// `HX...`.
        sid: String,
        /// `{"1":"Ada"}`, absent when there are none.
        variables: Option<String>,
    },
}

/// A checked message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// Recipient, as Twilio expects it on the channel.
    pub to: String,
    /// Sender.
    pub sender: Sender,
    /// Body or template.
    pub content: Content,
    /// Delivery status webhook.
    pub status_callback: Option<String>,
}

impl Message {
    /// Checks and normalises the input for `channel`.
    pub fn from_input(input: &MessageInput, channel: Channel) -> Result<Self, ActionError> {
        let prefix = match channel {
            Channel::Sms => "",
            Channel::Whatsapp => "whatsapp:",
        };
        let to = format!("{prefix}{}", phone_number("to", &input.to)?);
        let sender = match (
            non_empty(input.from.as_deref()),
            non_empty(input.messaging_service_sid.as_deref()),
        ) {
            (Some(_), Some(_)) => {
                return Err(ActionError::invalid_input(
                    "give either `from` or `messaging_service_sid`, not both",
                ));
            }
            (None, None) => {
                return Err(ActionError::invalid_input(
                    "a sender is required: `from` or `messaging_service_sid`",
                ));
            }
            (None, Some(service)) => Sender::Service(service),
            (Some(from), None) => Sender::From(match channel {
                Channel::Whatsapp => format!("whatsapp:{}", phone_number("from", &from)?),
                Channel::Sms if from.starts_with('+') => phone_number("from", &from)?,
                Channel::Sms => from,
            }),
        };
        let content = match (
            non_empty(input.body.as_deref()),
            non_empty(input.content_sid.as_deref()),
        ) {
            (Some(_), Some(_)) => {
                return Err(ActionError::invalid_input(
                    "give either `body` or `content_sid`, not both",
                ));
            }
            (None, None) => {
                return Err(ActionError::invalid_input(
                    "a message needs a `body` or a `content_sid` template",
                ));
            }
            (Some(body), None) => Content::Body(body),
            (None, Some(sid)) => Content::Template {
                sid,
                variables: (!input.content_variables.is_empty()).then(|| {
                    serde_json::to_string(&input.content_variables)
                        .expect("a string map is always JSON")
                }),
            },
        };
        if !input.content_variables.is_empty() && matches!(content, Content::Body(_)) {
            return Err(ActionError::invalid_input(
                "`content_variables` need a `content_sid` template",
            ));
        }
        let status_callback = non_empty(input.status_callback.as_deref());
        if let Some(url) = &status_callback
            && !(url.starts_with("https://") || url.starts_with("http://"))
        {
            return Err(ActionError::invalid_input(format!(
                "status_callback must be an absolute http or https URL, got `{url}`"
            )));
        }
        Ok(Self {
            to,
            sender,
            content,
            status_callback,
        })
    }

    /// The form body of the Messages API request.
    pub fn form(&self) -> String {
        let mut pairs = vec![("To", self.to.as_str())];
        match &self.sender {
            Sender::From(from) => pairs.push(("From", from)),
            Sender::Service(sid) => pairs.push(("MessagingServiceSid", sid)),
        }
        match &self.content {
            Content::Body(body) => pairs.push(("Body", body)),
            Content::Template { sid, variables } => {
                pairs.push(("ContentSid", sid));
                if let Some(variables) = variables {
                    pairs.push(("ContentVariables", variables));
                }
            }
        }
        if let Some(url) = &self.status_callback {
            pairs.push(("StatusCallback", url));
        }
        form::encode(&pairs)
    }
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

/// An E.164 number: `+`, a non-zero digit, 7 to 15 digits in all. A
/// `whatsapp:` prefix, spaces, dashes, dots and brackets are dropped.
fn phone_number(field: &str, value: &str) -> Result<String, ActionError> {
    let trimmed = value.trim();
    let bare = trimmed.strip_prefix("whatsapp:").unwrap_or(trimmed);
    let number: String = bare
        .chars()
        .filter(|c| !matches!(c, ' ' | '-' | '.' | '(' | ')'))
        .collect();
    let valid = number.strip_prefix('+').is_some_and(|digits| {
        (7..=15).contains(&digits.len())
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0')
    });
    if !valid {
        return Err(ActionError::invalid_input(format!(
            "{field}: `{trimmed}` is not a phone number in E.164 form, such as +447700900123"
        )));
    }
    Ok(number)
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn message(value: Value, channel: Channel) -> Result<Message, ActionError> {
        Message::from_input(&serde_json::from_value(value).unwrap(), channel)
    }

    #[test]
    fn sms_form_carries_to_from_body_and_callback() {
        let message = message(
            json!({
                "to": "+44 7700 900-123",
                "from": "+15005550006",
                "body": "See you at 6pm!",
                "status_callback": "https://hooks.gym.example/twilio"
            }),
            Channel::Sms,
        )
        .unwrap();
        assert_eq!(message.to, "+447700900123");
        assert_eq!(
            message.form(),
            "To=%2B447700900123&From=%2B15005550006&Body=See+you+at+6pm%21\
             &StatusCallback=https%3A%2F%2Fhooks.gym.example%2Ftwilio"
        );
    }

    #[test]
    fn sms_accepts_alphanumeric_senders_and_services() {
        let named = message(
            json!({"to": "+447700900123", "from": "IronGym", "body": "Hi"}),
            Channel::Sms,
        )
        .unwrap();
        assert_eq!(named.sender, Sender::From("IronGym".into()));
        let service = message(
            json!({"to": "+447700900123", "messaging_service_sid": "MG123", "body": "Hi"}),
            Channel::Sms,
        )
        .unwrap();
        assert_eq!(
            service.form(),
            "To=%2B447700900123&MessagingServiceSid=MG123&Body=Hi"
        );
    }

    #[test]
    fn whatsapp_prefixes_addresses_and_sends_templates() {
        let message = message(
            json!({
                "to": "whatsapp:+447700900123",
                "from": "+15005550006",
                "content_sid": "HX0123",
                "content_variables": {"1": "Ada", "2": "6pm"}
            }),
            Channel::Whatsapp,
        )
        .unwrap();
        assert_eq!(message.to, "whatsapp:+447700900123");
        assert_eq!(message.sender, Sender::From("whatsapp:+15005550006".into()));
        assert_eq!(
            message.content,
            Content::Template {
                sid: "HX0123".into(),
                variables: Some(r#"{"1":"Ada","2":"6pm"}"#.into())
            }
        );
    }

    #[test]
    fn refuses_what_twilio_would_refuse() {
        let cases = [
            (
                json!({"to": "07700900123", "from": "+15005550006", "body": "x"}),
                "to: `07700900123` is not a phone number in E.164 form, such as +447700900123",
            ),
            (
                json!({"to": "+447700900123", "body": "x"}),
                "a sender is required: `from` or `messaging_service_sid`",
            ),
            (
                json!({"to": "+447700900123", "from": "+15005550006", "messaging_service_sid": "MG1", "body": "x"}),
                "give either `from` or `messaging_service_sid`, not both",
            ),
            (
                json!({"to": "+447700900123", "from": "+15005550006", "body": " "}),
                "a message needs a `body` or a `content_sid` template",
            ),
            (
                json!({"to": "+447700900123", "from": "+15005550006", "body": "x", "content_sid": "HX1"}),
                "give either `body` or `content_sid`, not both",
            ),
            (
                json!({"to": "+447700900123", "from": "+15005550006", "body": "x", "content_variables": {"1": "a"}}),
                "`content_variables` need a `content_sid` template",
            ),
            (
                json!({"to": "+447700900123", "from": "+15005550006", "body": "x", "status_callback": "/cb"}),
                "status_callback must be an absolute http or https URL, got `/cb`",
            ),
        ];
        for (input, expected) in cases {
            assert_eq!(
                message(input, Channel::Sms),
                Err(ActionError::invalid_input(expected))
            );
        }
        assert!(
            message(
                json!({"to": "+447700900123", "from": "IronGym", "body": "x"}),
                Channel::Whatsapp
            )
            .is_err()
        );
    }
}
