//! The messages sent to the model.
//!
//! Only what scoring needs leaves the CRM: status, source, lifecycle stage,
//! tags and custom fields, never the contact's name, email or phone. The
//! custom field the score is written to is left out, so a previous score
//! does not anchor the next one.

use atlas_sdk::ai::{ChatMessage, Role};
use atlas_sdk::crm::Contact;
use crm_common::contact::custom_fields;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::input::LeadScoreInput;

/// What the model is told to do and how to answer.
pub const INSTRUCTIONS: &str = "You score leads for a fitness studio: how likely this person \
is to become a paying member (or stay one) soon. 100 means ready to join now, 0 means no \
chance. Judge only from the facts given. Answer with one JSON object and nothing else, no \
code fence: {\"score\": <integer from 0 to 100>, \"reasons\": [<one to three short reasons>]}";

/// The facts about the contact the model sees.
#[derive(Debug, Serialize)]
struct Facts<'a> {
    status: &'a str,
    source: &'a str,
    lifecycle_stage: &'a str,
    tags: &'a [String],
    custom_fields: Map<String, Value>,
}

/// The system and user messages for `contact`, leaving out `score_field`.
pub fn messages(
    contact: &Contact,
    input: &LeadScoreInput,
    score_field: Option<&str>,
) -> Vec<ChatMessage> {
    let mut system = INSTRUCTIONS.to_owned();
    if let Some(extra) = non_blank(input.instructions.as_deref()) {
        system.push_str("\nThe studio adds: ");
        system.push_str(extra);
    }
    let mut fields = custom_fields(&contact.custom_fields_json);
    if let Some(field) = score_field {
        fields.remove(field);
    }
    let facts = Facts {
        status: &contact.status,
        source: &contact.source,
        lifecycle_stage: &contact.lifecycle_stage,
        tags: &contact.tags,
        custom_fields: fields,
    };
    let facts = serde_json::to_string(&facts).unwrap_or_default();
    let activity = non_blank(input.activity.as_deref()).unwrap_or("none given");
    let user = format!("Contact: {facts}\nRecent activity: {activity}");
    vec![
        ChatMessage {
            role: Role::System,
            content: system,
        },
        ChatMessage {
            role: Role::User,
            content: user,
        },
    ]
}

fn non_blank(text: Option<&str>) -> Option<&str> {
    text.map(str::trim).filter(|text| !text.is_empty())
}

#[cfg(test)]
mod tests {
    use atlas_sdk::crm::Consent;
    use serde_json::json;

    use super::*;

    fn contact() -> Contact {
        Contact {
            id: "c_1".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: Some("ada@example.com".into()),
            phone: Some("+447700900123".into()),
            source: "website".into(),
            status: "lead".into(),
            lifecycle_stage: "trial".into(),
            owner_id: None,
            tags: vec!["trial".into()],
            custom_fields_json: r#"{"goal":"5k","lead_score":12}"#.into(),
            consent: Consent {
                email: true,
                sms: false,
                whatsapp: false,
            },
            time_zone: None,
            birthday: None,
        }
    }

    fn input(value: Value) -> LeadScoreInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn the_user_message_carries_the_facts_and_activity_only() {
        let messages = messages(
            &contact(),
            &input(json!({ "activity": " Booked 2 classes " })),
            Some("lead_score"),
        );
        assert!(matches!(messages[0].role, Role::System));
        assert_eq!(messages[0].content, INSTRUCTIONS);
        assert_eq!(
            messages[1].content,
            "Contact: {\"status\":\"lead\",\"source\":\"website\",\"lifecycle_stage\":\"trial\",\
             \"tags\":[\"trial\"],\"custom_fields\":{\"goal\":\"5k\"}}\n\
             Recent activity: Booked 2 classes"
        );
        for private in ["Ada", "Lovelace", "example.com", "7700"] {
            assert!(!messages[1].content.contains(private), "{private}");
        }
    }

    #[test]
    fn instructions_are_appended_and_missing_activity_said() {
        let messages = messages(
            &contact(),
            &input(json!({ "instructions": "Referrals score higher." })),
            None,
        );
        assert!(
            messages[0]
                .content
                .ends_with("\nThe studio adds: Referrals score higher.")
        );
        assert!(messages[1].content.contains("\"lead_score\":12"));
        assert!(messages[1].content.ends_with("Recent activity: none given"));
    }
}
