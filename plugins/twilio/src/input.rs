//! The input document of the SMS and WhatsApp actions.

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Deserialize;

/// A text or template message to one phone number.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct MessageInput {
    /// Recipient in E.164 form (`+447700900123`); spaces, dashes, dots and
    /// brackets are removed. A `whatsapp:` prefix is accepted.
    pub to: String,
    /// Sender: a Twilio number in E.164 form (for SMS also a short code or an
    /// alphanumeric sender id). Either `from` or `messaging_service_sid`.
    #[serde(default)]
    pub from: Option<String>,
    /// A Twilio Messaging Service (`MG...`) that picks the sender.
    #[serde(default)]
    pub messaging_service_sid: Option<String>,
    /// Message text. Either `body` or `content_sid`.
    #[serde(default)]
    pub body: Option<String>,
    /// An approved Content template (`HX...`); WhatsApp needs one to start a
    /// conversation outside the 24-hour session window.
    #[serde(default)]
    pub content_sid: Option<String>,
    /// Values for the template's numbered variables: `{"1": "Ada"}`.
    #[serde(default)]
    pub content_variables: BTreeMap<String, String>,
    /// URL Twilio calls with delivery status updates; when absent, the
    /// install setting `twilio_status_callback_url` names the host's route
    /// for this step.
    #[serde(default)]
    pub status_callback: Option<String>,
    /// Shortens the host's request timeout, in milliseconds.
    #[serde(default)]
    pub timeout_ms: Option<u32>,
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn minimal_input_takes_defaults() {
        let input: MessageInput =
            serde_json::from_value(json!({"to": "+447700900123", "body": "Hi"})).unwrap();
        assert_eq!(input.to, "+447700900123");
        assert_eq!(input.body.as_deref(), Some("Hi"));
        assert!(input.content_variables.is_empty());
        assert_eq!(input.from, None);
    }

    #[test]
    fn unknown_fields_are_rejected() {
        let parsed =
            serde_json::from_value::<MessageInput>(json!({"to": "+447700900123", "text": "Hi"}));
        assert!(parsed.is_err());
    }
}
