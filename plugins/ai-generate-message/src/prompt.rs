//! The conversation that asks the model for the message.

use atlas_sdk::ai::{ChatMessage, Role};
use serde_json::{Map, Value};

use crate::input::{Channel, GenerateInput, Length, Tone};

/// Contact fields the model may see. Email addresses, phone numbers and
/// consent never leave for the provider.
const CONTACT_FIELDS: &[&str] = &[
    "first_name",
    "last_name",
    "status",
    "lifecycle_stage",
    "source",
    "tags",
    "custom",
];

/// The system and user messages for `input`, with the allowed fields of
/// `contact` when the input asks for them.
pub fn messages(input: &GenerateInput, contact: Option<&Value>) -> Vec<ChatMessage> {
    let mut system = format!(
        "You write messages that a fitness studio sends to its contacts. Write in a {} tone. \
         Length: {}. {} Reply with the message text only: no subject line, no bracketed blanks to fill in, \
         no quotation marks around it.",
        tone_words(input.tone),
        length_words(input.length),
        channel_words(input.channel),
    );
    if input.include_contact
        && let Some(fields) = contact.and_then(contact_fields)
    {
        system.push_str("\nThe contact: ");
        system.push_str(&Value::Object(fields).to_string());
    }
    vec![
        ChatMessage {
            role: Role::System,
            content: system,
        },
        ChatMessage {
            role: Role::User,
            content: input.prompt.trim().to_owned(),
        },
    ]
}

/// Most tokens the answer may take, by length.
pub fn max_tokens(length: Length) -> u32 {
    match length {
        Length::Short => 120,
        Length::Medium => 300,
        Length::Long => 700,
    }
}

fn tone_words(tone: Tone) -> &'static str {
    match tone {
        Tone::Friendly => "warm, friendly",
        Tone::Professional => "polite, professional",
        Tone::Enthusiastic => "upbeat, enthusiastic",
        Tone::Empathetic => "understanding, empathetic",
        Tone::Casual => "relaxed, casual",
    }
}

fn length_words(length: Length) -> &'static str {
    match length {
        Length::Short => "one or two sentences",
        Length::Medium => "one short paragraph",
        Length::Long => "two to four short paragraphs",
    }
}

fn channel_words(channel: Option<Channel>) -> &'static str {
    match channel {
        Some(Channel::Sms) => "It is an SMS: at most 300 characters, plain text, no emoji.",
        Some(Channel::Whatsapp) => "It is a WhatsApp message: plain text, at most one emoji.",
        Some(Channel::Email) => "It is the body of an email, with a greeting and a sign-off.",
        None => "",
    }
}

fn contact_fields(contact: &Value) -> Option<Map<String, Value>> {
    let contact = contact.as_object()?;
    let fields: Map<String, Value> = CONTACT_FIELDS
        .iter()
        .filter_map(|&name| {
            let value = contact.get(name)?;
            let empty = value.is_null()
                || value.as_str().is_some_and(str::is_empty)
                || value.as_array().is_some_and(Vec::is_empty)
                || value.as_object().is_some_and(Map::is_empty);
            (!empty).then(|| (name.to_owned(), value.clone()))
        })
        .collect();
    (!fields.is_empty()).then_some(fields)
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(value: Value) -> GenerateInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn tone_length_channel_and_contact_shape_the_system_message() {
        let contact = json!({
            "id": "c_1",
            "first_name": "Ada",
            "email": "ada@example.com",
            "phone": "+447700900123",
            "status": "trial",
            "tags": ["yoga"],
            "custom": {},
            "consent": {"sms": true}
        });
        let messages = messages(
            &input(
                json!({"prompt": " Invite Ada to yoga ", "tone": "enthusiastic", "channel": "sms"}),
            ),
            Some(&contact),
        );
        assert_eq!(messages.len(), 2);
        let system = &messages[0].content;
        assert!(system.contains("upbeat, enthusiastic tone"), "{system}");
        assert!(system.contains("Length: one or two sentences."), "{system}");
        assert!(system.contains("It is an SMS"), "{system}");
        assert!(
            system
                .ends_with(r#"The contact: {"first_name":"Ada","status":"trial","tags":["yoga"]}"#),
            "{system}"
        );
        assert!(!system.contains("ada@example.com"));
        assert!(!system.contains("+447700900123"));
        assert_eq!(messages[1].content, "Invite Ada to yoga");
    }

    #[test]
    fn the_contact_can_be_left_out() {
        let contact = json!({"first_name": "Ada"});
        let messages = messages(
            &input(json!({"prompt": "Hi", "include_contact": false})),
            Some(&contact),
        );
        assert!(!messages[0].content.contains("Ada"));
        let messages = messages_without_contact();
        assert!(!messages[0].content.contains("The contact"));
    }

    fn messages_without_contact() -> Vec<ChatMessage> {
        messages(&input(json!({"prompt": "Hi"})), None)
    }

    #[test]
    fn longer_messages_may_use_more_tokens() {
        assert!(max_tokens(Length::Short) < max_tokens(Length::Medium));
        assert!(max_tokens(Length::Medium) < max_tokens(Length::Long));
    }
}
