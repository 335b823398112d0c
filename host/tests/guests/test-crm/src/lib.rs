//! `atlas.test.crm`: performs the `crm` host calls listed in its input and
//! reports each result. Requests `crm-read` and `crm-write`.

use atlas_sdk::crm::{self, Channel, Consent, ContactPatch, NewOpportunity, NewTask, TaskPriority};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, HostError, Manifest, Outcome};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

/// One host call, as written in the input list.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Call {
    /// `{"get_contact": "id"}`.
    GetContact(String),
    /// `{"update_contact": ["id", {"first_name": "...", "status": "...", "custom_fields_json": "{...}", "sms": true}]}`.
    UpdateContact(String, Patch),
    /// `{"has_consent": ["id", "email" | "sms" | "whatsapp"]}`.
    HasConsent(String, String),
    /// `{"add_tag": ["id", "tag"]}`.
    AddTag(String, String),
    /// `{"remove_tag": ["id", "tag"]}`.
    RemoveTag(String, String),
    /// `{"add_note": ["id", "body"]}`.
    AddNote(String, String),
    /// `{"create_task": ["contact id", "title"]}`.
    CreateTask(String, String),
    /// `{"create_opportunity": ["contact", "pipeline", "stage", "title", value_minor]}`.
    CreateOpportunity(String, String, String, String, i64),
    /// `{"move_opportunity": ["opportunity", "stage"]}`.
    MoveOpportunity(String, String),
    /// `{"create_booking": ["contact", "class"]}`.
    CreateBooking(String, String),
    /// `{"cancel_booking": ["booking", "reason"]}`.
    CancelBooking(String, String),
    /// `{"add_to_campaign": ["campaign", "contact"]}`.
    AddToCampaign(String, String),
    /// `{"remove_from_campaign": ["campaign", "contact"]}`.
    RemoveFromCampaign(String, String),
}

/// The fields `update_contact` may change.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(default, deny_unknown_fields)]
pub struct Patch {
    /// New first name.
    pub first_name: Option<String>,
    /// New status.
    pub status: Option<String>,
    /// Custom fields to merge, as JSON text.
    pub custom_fields_json: Option<String>,
    /// New SMS consent (email and WhatsApp consent are kept).
    pub sms: Option<bool>,
}

/// The output document: one result per call, in order.
#[derive(Debug, Serialize, JsonSchema)]
pub struct Report {
    /// `{"ok": value}` or `{"error": {"kind", "message"}}` per call.
    pub results: Vec<Value>,
}

/// The action.
pub struct CrmProbe;

impl Action for CrmProbe {
    type Input = Vec<Call>;
    type Output = Report;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.test.crm",
            "Test: CRM calls",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Calls crm host imports and reports each result.")
        .category(Category::Crm)
        .outcome("done", "Done")
        .capability(Capability::CrmRead)
        .capability(Capability::CrmWrite)
    }

    fn execute(_ctx: &Context, calls: Vec<Call>) -> Result<Outcome<Report>, ActionError> {
        let results = calls
            .iter()
            .map(|call| match perform(call) {
                Ok(value) => json!({ "ok": value }),
                Err(error) => {
                    json!({ "error": { "kind": error.kind(), "message": error.message() } })
                }
            })
            .collect();
        Ok(Outcome::new("done", Report { results }))
    }
}

fn contact_json(contact: crm::Contact) -> Value {
    json!({
        "id": contact.id,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "email": contact.email,
        "status": contact.status,
        "tags": contact.tags,
        "custom_fields": serde_json::from_str::<Value>(&contact.custom_fields_json).unwrap_or(Value::Null),
        "consent": { "email": contact.consent.email, "sms": contact.consent.sms, "whatsapp": contact.consent.whatsapp },
    })
}

fn channel(name: &str) -> Result<Channel, HostError> {
    match name {
        "email" => Ok(Channel::Email),
        "sms" => Ok(Channel::Sms),
        "whatsapp" => Ok(Channel::Whatsapp),
        other => Err(HostError::Invalid(format!("unknown channel {other}"))),
    }
}

fn perform(call: &Call) -> Result<Value, HostError> {
    match call {
        Call::GetContact(id) => crm::get_contact(id).map(contact_json),
        Call::UpdateContact(id, patch) => {
            let consent = match patch.sms {
                Some(sms) => {
                    let current = crm::get_contact(id)?.consent;
                    Some(Consent { sms, ..current })
                }
                None => None,
            };
            let patch = ContactPatch {
                first_name: patch.first_name.clone(),
                last_name: None,
                email: None,
                phone: None,
                status: patch.status.clone(),
                lifecycle_stage: None,
                owner_id: None,
                custom_fields_json: patch.custom_fields_json.clone(),
                consent,
            };
            crm::update_contact(id, &patch).map(contact_json)
        }
        Call::HasConsent(id, via) => crm::has_consent(id, channel(via)?).map(Value::Bool),
        Call::AddTag(id, tag) => crm::add_tag(id, tag).map(|()| Value::Null),
        Call::RemoveTag(id, tag) => crm::remove_tag(id, tag).map(|()| Value::Null),
        Call::AddNote(id, body) => crm::add_note(id, body).map(Value::String),
        Call::CreateTask(contact, title) => crm::create_task(&NewTask {
            contact_id: Some(contact.clone()),
            title: title.clone(),
            description: String::new(),
            assignee_id: None,
            due_unix_ms: None,
            priority: TaskPriority::High,
        })
        .map(Value::String),
        Call::CreateOpportunity(contact, pipeline, stage, title, value) => {
            crm::create_opportunity(&NewOpportunity {
                contact_id: contact.clone(),
                pipeline_id: pipeline.clone(),
                stage_id: stage.clone(),
                title: title.clone(),
                value_minor: *value,
                currency: "GBP".into(),
            })
            .map(Value::String)
        }
        Call::MoveOpportunity(id, stage) => crm::move_opportunity(id, stage).map(|()| Value::Null),
        Call::CreateBooking(contact, class) => {
            crm::create_booking(contact, class).map(Value::String)
        }
        Call::CancelBooking(id, reason) => {
            crm::cancel_booking(id, Some(reason.as_str())).map(|()| Value::Null)
        }
        Call::AddToCampaign(campaign, contact) => {
            crm::add_to_campaign(campaign, contact).map(|()| Value::Null)
        }
        Call::RemoveFromCampaign(campaign, contact) => {
            crm::remove_from_campaign(campaign, contact).map(|()| Value::Null)
        }
    }
}

atlas_sdk::export_action!(CrmProbe);
