//! The output document of the SMS and WhatsApp actions.

use schemars::JsonSchema;
use serde::Serialize;

/// The message Twilio created, or nothing in test mode.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct MessageOutput {
    /// Twilio's message SID (`SM...` or `MM...`); null in test mode.
    pub sid: Option<String>,
    /// Twilio's status for the message: `queued`, `accepted`, `sending`, ...; null in test mode.
    pub status: Option<String>,
    /// The address the message went to, as sent to Twilio.
    pub to: String,
    /// True in test mode: nothing was sent.
    pub skipped: bool,
}
