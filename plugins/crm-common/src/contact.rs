//! The contact as an output document, for steps that follow
//! (`{{steps.<id>.output.status}}`).

use atlas_sdk::crm::{Consent, Contact};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// A CRM contact.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct ContactOutput {
    /// Contact id.
    pub id: String,
    /// First name.
    pub first_name: String,
    /// Last name.
    pub last_name: String,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Where the lead came from.
    pub source: String,
    /// `lead`, `trial`, `member`, `lapsed`, ...
    pub status: String,
    /// Lifecycle stage.
    pub lifecycle_stage: String,
    /// The staff member who owns the contact.
    pub owner_id: Option<String>,
    /// Tags.
    pub tags: Vec<String>,
    /// Custom fields.
    pub custom_fields: Map<String, Value>,
    /// Messaging consent.
    pub consent: ConsentOutput,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// Birthday, `YYYY-MM-DD`.
    pub birthday: Option<String>,
}

/// The channels a contact consented to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, JsonSchema)]
pub struct ConsentOutput {
    /// Email.
    pub email: bool,
    /// SMS.
    pub sms: bool,
    /// WhatsApp.
    pub whatsapp: bool,
}

impl From<Consent> for ConsentOutput {
    fn from(consent: Consent) -> Self {
        Self {
            email: consent.email,
            sms: consent.sms,
            whatsapp: consent.whatsapp,
        }
    }
}

impl From<Contact> for ContactOutput {
    fn from(contact: Contact) -> Self {
        Self {
            custom_fields: custom_fields(&contact.custom_fields_json),
            id: contact.id,
            first_name: contact.first_name,
            last_name: contact.last_name,
            email: contact.email,
            phone: contact.phone,
            source: contact.source,
            status: contact.status,
            lifecycle_stage: contact.lifecycle_stage,
            owner_id: contact.owner_id,
            tags: contact.tags,
            consent: contact.consent.into(),
            time_zone: contact.time_zone,
            birthday: contact.birthday,
        }
    }
}

/// The custom fields the host sent as JSON text; anything but an object
/// (the host always sends one) reads as no fields.
pub fn custom_fields(json: &str) -> Map<String, Value> {
    match serde_json::from_str(json) {
        Ok(Value::Object(fields)) => fields,
        _ => Map::new(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn converts_the_hosts_contact() {
        let contact = Contact {
            id: "c_1".into(),
            first_name: "Ada".into(),
            last_name: "Lovelace".into(),
            email: Some("ada@example.com".into()),
            phone: None,
            source: "website".into(),
            status: "lead".into(),
            lifecycle_stage: "lead".into(),
            owner_id: None,
            tags: vec!["trial".into()],
            custom_fields_json: r#"{"goal":"strength"}"#.into(),
            consent: Consent {
                email: true,
                sms: false,
                whatsapp: false,
            },
            time_zone: Some("Europe/London".into()),
            birthday: None,
        };
        let output = serde_json::to_value(ContactOutput::from(contact)).unwrap();
        assert_eq!(output["custom_fields"], json!({ "goal": "strength" }));
        assert_eq!(
            output["consent"],
            json!({ "email": true, "sms": false, "whatsapp": false })
        );
        assert_eq!(output["tags"], json!(["trial"]));
        assert_eq!(output["time_zone"], "Europe/London");
    }

    #[test]
    fn custom_fields_other_than_an_object_are_empty() {
        assert!(custom_fields("[1]").is_empty());
        assert!(custom_fields("nonsense").is_empty());
        assert_eq!(custom_fields(r#"{"a":1}"#).len(), 1);
    }
}
