//! The input document of the message-writing action.

use schemars::JsonSchema;
use serde::Deserialize;

/// What to write, for whom, in which tone and length.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct GenerateInput {
    /// What the message is for, with template variables already filled in:
    /// "Welcome {{contact.first_name}} and invite them to a free yoga class".
    pub prompt: String,
    /// The voice of the message.
    #[serde(default)]
    pub tone: Tone,
    /// How long the message should be.
    #[serde(default)]
    pub length: Length,
    /// Where the message will be sent; shapes its form (an SMS stays within one text).
    #[serde(default)]
    pub channel: Option<Channel>,
    /// Give the model the contact's name, status, tags and custom fields.
    #[serde(default = "enabled")]
    pub include_contact: bool,
    /// Model; the org's default when absent.
    #[serde(default)]
    pub model: Option<String>,
    /// Sampling temperature, 0 to 2; 0.7 when absent.
    #[serde(default)]
    #[schemars(range(min = 0.0, max = 2.0))]
    pub temperature: Option<f32>,
}

/// The voice of the message.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Tone {
    /// Warm and personal.
    #[default]
    Friendly,
    /// Polite and to the point.
    Professional,
    /// Upbeat and energetic.
    Enthusiastic,
    /// Understanding and supportive.
    Empathetic,
    /// Relaxed, like a text from a friend.
    Casual,
}

/// How long the message should be.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Length {
    /// One or two sentences.
    #[default]
    Short,
    /// One short paragraph.
    Medium,
    /// A few paragraphs.
    Long,
}

/// Where the message will be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(rename_all = "lowercase")]
pub enum Channel {
    /// An email body.
    Email,
    /// A text message.
    Sms,
    /// A WhatsApp message.
    Whatsapp,
}

fn enabled() -> bool {
    true
}
