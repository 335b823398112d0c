//! What the workflow author fills in.

use atlas_sdk::ActionError;
use atlas_sdk::crm::{Consent, ContactPatch};
use schemars::JsonSchema;
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::is_empty;

/// The changes to make; leave a field out to keep its value.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateContactInput {
    /// The contact to change; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// New first name.
    #[serde(default)]
    pub first_name: Option<String>,
    /// New last name.
    #[serde(default)]
    pub last_name: Option<String>,
    /// New email address.
    #[serde(default)]
    pub email: Option<String>,
    /// New phone number, such as `+447700900123`.
    #[serde(default)]
    pub phone: Option<String>,
    /// New status: `lead`, `trial`, `member`, `lapsed`, ...
    #[serde(default)]
    pub status: Option<String>,
    /// New lifecycle stage.
    #[serde(default)]
    pub lifecycle_stage: Option<String>,
    /// The staff member who now owns the contact.
    #[serde(default)]
    pub owner_id: Option<String>,
    /// Custom fields to set, merged into the contact's; a `null` value removes the field.
    #[serde(default)]
    pub custom_fields: Option<Map<String, Value>>,
    /// Consent changes; channels left out keep their consent.
    #[serde(default)]
    pub consent: Option<ConsentChange>,
}

/// Consent to change, per channel.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ConsentChange {
    /// Consent to email.
    #[serde(default)]
    pub email: Option<bool>,
    /// Consent to SMS.
    #[serde(default)]
    pub sms: Option<bool>,
    /// Consent to WhatsApp.
    #[serde(default)]
    pub whatsapp: Option<bool>,
}

impl ConsentChange {
    /// The new consent when every channel is given.
    pub fn complete(&self) -> Option<Consent> {
        Some(Consent {
            email: self.email?,
            sms: self.sms?,
            whatsapp: self.whatsapp?,
        })
    }

    /// `current` with the channels this change names replaced.
    pub fn applied_to(&self, current: Consent) -> Consent {
        Consent {
            email: self.email.unwrap_or(current.email),
            sms: self.sms.unwrap_or(current.sms),
            whatsapp: self.whatsapp.unwrap_or(current.whatsapp),
        }
    }

    /// Whether the change names no channel.
    pub fn is_empty(&self) -> bool {
        self.email.is_none() && self.sms.is_none() && self.whatsapp.is_none()
    }
}

impl UpdateContactInput {
    /// The CRM patch without the consent (which may need the current
    /// contact); refuses blank text fields and an input that changes nothing.
    pub fn patch(&self) -> Result<ContactPatch, ActionError> {
        let custom_fields_json = self
            .custom_fields
            .as_ref()
            .filter(|fields| !fields.is_empty())
            .map(|fields| Value::Object(fields.clone()).to_string());
        let patch = ContactPatch {
            first_name: text("first_name", &self.first_name)?,
            last_name: text("last_name", &self.last_name)?,
            email: text("email", &self.email)?,
            phone: text("phone", &self.phone)?,
            status: text("status", &self.status)?,
            lifecycle_stage: text("lifecycle_stage", &self.lifecycle_stage)?,
            owner_id: text("owner_id", &self.owner_id)?,
            custom_fields_json,
            consent: None,
        };
        let consent_changes = self.consent.is_some_and(|change| !change.is_empty());
        if is_empty(&patch) && !consent_changes {
            return Err(ActionError::invalid_input(
                "nothing to change: give at least one field, custom field or consent flag",
            ));
        }
        Ok(patch)
    }
}

/// A text field trimmed; a blank one (such as a template that rendered
/// empty) is refused rather than erasing the contact's value.
fn text(field: &str, value: &Option<String>) -> Result<Option<String>, ActionError> {
    match value.as_deref().map(str::trim) {
        None => Ok(None),
        Some("") => Err(ActionError::invalid_input(format!(
            "{field} is empty; leave it out to keep the contact's value"
        ))),
        Some(value) => Ok(Some(value.to_owned())),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(value: Value) -> UpdateContactInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn fields_become_a_trimmed_patch() {
        let patch = input(json!({
            "first_name": " Augusta ",
            "status": "member",
            "custom_fields": { "goal": "5k", "old": null }
        }))
        .patch()
        .unwrap();
        assert_eq!(patch.first_name.as_deref(), Some("Augusta"));
        assert_eq!(patch.status.as_deref(), Some("member"));
        assert_eq!(patch.last_name, None);
        let fields: Value =
            serde_json::from_str(patch.custom_fields_json.as_deref().unwrap()).unwrap();
        assert_eq!(fields, json!({ "goal": "5k", "old": null }));
    }

    #[test]
    fn blank_text_is_refused() {
        let error = input(json!({ "phone": "  " })).patch().unwrap_err();
        assert_eq!(
            error,
            ActionError::invalid_input("phone is empty; leave it out to keep the contact's value")
        );
    }

    #[test]
    fn a_consent_change_alone_is_a_change() {
        assert!(input(json!({ "consent": { "sms": true } })).patch().is_ok());
        assert!(input(json!({ "consent": {} })).patch().is_err());
    }

    #[test]
    fn unknown_fields_are_rejected() {
        assert!(
            serde_json::from_value::<UpdateContactInput>(json!({ "nickname": "Ada" })).is_err()
        );
        assert!(
            serde_json::from_value::<UpdateContactInput>(json!({ "consent": { "post": true } }))
                .is_err()
        );
    }

    fn flags(consent: Consent) -> (bool, bool, bool) {
        (consent.email, consent.sms, consent.whatsapp)
    }

    #[test]
    fn consent_changes_only_the_named_channels() {
        let current = Consent {
            email: true,
            sms: false,
            whatsapp: true,
        };
        let change = ConsentChange {
            sms: Some(true),
            whatsapp: Some(false),
            ..ConsentChange::default()
        };
        assert!(change.complete().is_none());
        assert_eq!(flags(change.applied_to(current)), (true, true, false));
        let all = ConsentChange {
            email: Some(false),
            ..change
        };
        assert_eq!(all.complete().map(flags), Some((false, true, false)));
    }
}
