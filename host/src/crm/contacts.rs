//! Contacts, their tags and notes: create (a new lead fires `lead_created`),
//! read, patch (fires `contact_updated` with what changed), tag (fires
//! `tag_added` when the tag is new).

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};

use super::Crm;
use super::error::{CrmError, CrmResult};
use super::events::event;
use crate::graph::TriggerEvent;
use crate::store::crm::{Consent, Contact, ContactFilter, Note, new_id};

/// Longest tag, in bytes.
pub const MAX_TAG_BYTES: usize = 100;
/// Longest note, in bytes.
pub const MAX_NOTE_BYTES: usize = 64 << 10;
/// Largest custom-fields document, in bytes.
pub const MAX_CUSTOM_FIELDS_BYTES: usize = 64 << 10;

/// A contact to create.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct NewContact {
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
    /// `lead` (the default) fires `lead_created`; `trial`, `member`, ... do not.
    pub status: String,
    /// Lifecycle stage; the status when empty.
    pub lifecycle_stage: String,
    /// Custom fields, a JSON object. `campaign`, `utm_source`, `utm_medium` and
    /// `utm_campaign` in it are also passed to `lead_created`.
    pub custom_fields: Value,
    /// Owning staff member.
    pub owner_id: Option<String>,
    /// Messaging consent.
    pub consent: Consent,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
    /// Initial tags (no `tag_added` for these).
    pub tags: Vec<String>,
    /// A first note; also `trigger.notes` of `lead_created`.
    pub notes: Option<String>,
}

impl Default for NewContact {
    fn default() -> Self {
        Self {
            first_name: String::new(),
            last_name: String::new(),
            email: None,
            phone: None,
            source: String::new(),
            status: "lead".into(),
            lifecycle_stage: String::new(),
            custom_fields: Value::Object(Map::new()),
            owner_id: None,
            consent: Consent::default(),
            time_zone: None,
            birthday: None,
            tags: Vec::new(),
            notes: None,
        }
    }
}

/// Fields to change; `None` leaves a field as it is.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ContactPatch {
    /// First name.
    pub first_name: Option<String>,
    /// Last name.
    pub last_name: Option<String>,
    /// Email address.
    pub email: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// Lead source.
    pub source: Option<String>,
    /// Status.
    pub status: Option<String>,
    /// Lifecycle stage.
    pub lifecycle_stage: Option<String>,
    /// Owning staff member.
    pub owner_id: Option<String>,
    /// Merged into the custom fields (a `null` value removes the key).
    pub custom_fields: Option<Value>,
    /// Messaging consent.
    pub consent: Option<Consent>,
    /// IANA time zone.
    pub time_zone: Option<String>,
    /// `YYYY-MM-DD`.
    pub birthday: Option<String>,
}

fn check_time_zone(zone: &Option<String>) -> CrmResult<()> {
    if let Some(zone) = zone
        && zone.parse::<chrono_tz::Tz>().is_err()
    {
        return Err(CrmError::Invalid(format!(
            "`{zone}` is not an IANA time zone"
        )));
    }
    Ok(())
}

fn check_birthday(birthday: &Option<String>) -> CrmResult<()> {
    if let Some(day) = birthday
        && chrono::NaiveDate::parse_from_str(day, "%Y-%m-%d").is_err()
    {
        return Err(CrmError::Invalid(format!(
            "birthday `{day}` is not a date like 1990-04-21"
        )));
    }
    Ok(())
}

fn check_email(email: &Option<String>) -> CrmResult<()> {
    if let Some(email) = email
        && (!email.contains('@') || email.len() > 320)
    {
        return Err(CrmError::Invalid(format!(
            "`{email}` is not an email address"
        )));
    }
    Ok(())
}

fn check_custom_fields(fields: &Value) -> CrmResult<()> {
    if !fields.is_object() {
        return Err(CrmError::Invalid(
            "custom fields must be a JSON object".into(),
        ));
    }
    if fields.to_string().len() > MAX_CUSTOM_FIELDS_BYTES {
        return Err(CrmError::Invalid(format!(
            "custom fields are at most {MAX_CUSTOM_FIELDS_BYTES} bytes"
        )));
    }
    Ok(())
}

/// Checks a tag: not blank, at most [`MAX_TAG_BYTES`]; returns it trimmed.
pub fn check_tag(tag: &str) -> CrmResult<String> {
    let tag = tag.trim();
    if tag.is_empty() {
        return Err(CrmError::Invalid("the tag is empty".into()));
    }
    if tag.len() > MAX_TAG_BYTES {
        return Err(CrmError::Invalid(format!(
            "tags are at most {MAX_TAG_BYTES} bytes"
        )));
    }
    Ok(tag.to_string())
}

/// The contact after `patch`, the names of the fields that changed, and their
/// previous values.
fn apply_patch(
    contact: &Contact,
    patch: &ContactPatch,
) -> CrmResult<(Contact, Vec<String>, Map<String, Value>)> {
    check_email(&patch.email)?;
    check_time_zone(&patch.time_zone)?;
    check_birthday(&patch.birthday)?;
    let mut next = contact.clone();
    macro_rules! set {
        ($field:ident) => {
            if let Some(value) = &patch.$field {
                next.$field = value.clone();
            }
        };
        (some $field:ident) => {
            if let Some(value) = &patch.$field {
                next.$field = Some(value.clone());
            }
        };
    }
    set!(first_name);
    set!(last_name);
    set!(some email);
    set!(some phone);
    set!(source);
    set!(status);
    set!(lifecycle_stage);
    set!(some owner_id);
    set!(consent);
    set!(some time_zone);
    set!(some birthday);
    if let Some(fields) = &patch.custom_fields {
        let Value::Object(changes) = fields else {
            return Err(CrmError::Invalid(
                "custom fields must be a JSON object".into(),
            ));
        };
        let mut merged = super::events::object(next.custom_fields.clone());
        for (key, value) in changes {
            if value.is_null() {
                merged.remove(key);
            } else {
                merged.insert(key.clone(), value.clone());
            }
        }
        next.custom_fields = Value::Object(merged);
        check_custom_fields(&next.custom_fields)?;
    }
    let before = contact.snapshot();
    let after = next.snapshot();
    let mut changed = Vec::new();
    let mut previous = Map::new();
    for field in [
        "first_name",
        "last_name",
        "email",
        "phone",
        "source",
        "status",
        "lifecycle_stage",
        "owner_id",
        "custom_fields",
        "consent",
        "time_zone",
        "birthday",
    ] {
        if before.get(field) != after.get(field) {
            changed.push(field.to_string());
            previous.insert(
                field.into(),
                before.get(field).cloned().unwrap_or(Value::Null),
            );
        }
    }
    Ok((next, changed, previous))
}

impl Crm {
    /// Creates a contact; a `lead` fires `lead_created` in the same transaction.
    pub async fn create_contact(
        &self,
        org: &str,
        new: NewContact,
        author: &str,
    ) -> CrmResult<Contact> {
        check_email(&new.email)?;
        check_time_zone(&new.time_zone)?;
        check_birthday(&new.birthday)?;
        check_custom_fields(&new.custom_fields)?;
        let status = if new.status.trim().is_empty() {
            "lead".to_string()
        } else {
            new.status.trim().to_string()
        };
        let mut tags = new
            .tags
            .iter()
            .map(|t| check_tag(t))
            .collect::<CrmResult<Vec<_>>>()?;
        tags.sort();
        tags.dedup();
        let now = self.now_ms();
        let contact = Contact {
            id: new_id(),
            org_id: org.to_string(),
            first_name: new.first_name.trim().to_string(),
            last_name: new.last_name.trim().to_string(),
            email: new.email.map(|e| e.trim().to_string()),
            phone: new.phone.map(|p| p.trim().to_string()),
            source: new.source,
            lifecycle_stage: if new.lifecycle_stage.is_empty() {
                status.clone()
            } else {
                new.lifecycle_stage
            },
            status,
            custom_fields: new.custom_fields,
            owner_id: new.owner_id,
            consent: new.consent,
            time_zone: new.time_zone,
            birthday: new.birthday,
            tags,
            created_at: now,
            updated_at: now,
        };
        let lead = (contact.status == "lead").then(|| {
            let custom = |key: &str| {
                contact
                    .custom_fields
                    .get(key)
                    .cloned()
                    .unwrap_or(Value::Null)
            };
            event(
                TriggerEvent::LeadCreated,
                Some(&contact),
                json!({
                    "source": contact.source,
                    "campaign": custom("campaign"),
                    "utm_source": custom("utm_source"),
                    "utm_medium": custom("utm_medium"),
                    "utm_campaign": custom("utm_campaign"),
                    "notes": new.notes.clone().unwrap_or_default(),
                }),
                now,
                None,
            )
        });
        self.store
            .crm_insert_contact(&contact, lead.as_ref())
            .await?;
        if let Some(body) = new.notes.filter(|n| !n.trim().is_empty()) {
            self.add_note(org, &contact.id, &body, author).await?;
        }
        if lead.is_some() {
            self.deliver_after_change(org).await;
        }
        Ok(contact)
    }

    /// The contact with its tags.
    pub async fn contact(&self, org: &str, id: &str) -> CrmResult<Contact> {
        self.store
            .crm_contact(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("contact `{id}` does not exist")))
    }

    /// Contacts matching `filter`, newest first.
    pub async fn contacts(&self, org: &str, filter: &ContactFilter) -> CrmResult<Vec<Contact>> {
        Ok(self.store.crm_contacts(org, filter).await?)
    }

    /// What the contact would look like after `patch`, without saving anything.
    pub async fn preview_update(
        &self,
        org: &str,
        id: &str,
        patch: &ContactPatch,
    ) -> CrmResult<Contact> {
        let contact = self.contact(org, id).await?;
        let (mut next, changed, _) = apply_patch(&contact, patch)?;
        if !changed.is_empty() {
            next.updated_at = self.now_ms();
        }
        Ok(next)
    }

    /// Applies `patch`; when something changed, saves it and fires
    /// `contact_updated` with `changed_fields` and their `previous` values.
    pub async fn update_contact(
        &self,
        org: &str,
        id: &str,
        patch: &ContactPatch,
    ) -> CrmResult<Contact> {
        let contact = self.contact(org, id).await?;
        let (mut next, changed, previous) = apply_patch(&contact, patch)?;
        if changed.is_empty() {
            return Ok(contact);
        }
        let now = self.now_ms();
        next.updated_at = now;
        let updated = event(
            TriggerEvent::ContactUpdated,
            Some(&next),
            json!({ "changed_fields": changed, "previous": previous }),
            now,
            None,
        );
        if !self.store.crm_update_contact(&next, Some(&updated)).await? {
            return Err(CrmError::NotFound(format!("contact `{id}` does not exist")));
        }
        self.deliver_after_change(org).await;
        Ok(next)
    }

    /// Deletes a contact with its tags, notes, tasks, bookings, memberships and
    /// campaign memberships.
    pub async fn delete_contact(&self, org: &str, id: &str) -> CrmResult<()> {
        if self.store.crm_delete_contact(org, id).await? {
            Ok(())
        } else {
            Err(CrmError::NotFound(format!("contact `{id}` does not exist")))
        }
    }

    /// Tags the contact; a new tag fires `tag_added`. Returns false when the
    /// contact already had the tag.
    pub async fn add_tag(&self, org: &str, contact_id: &str, tag: &str) -> CrmResult<bool> {
        let tag = check_tag(tag)?;
        let mut contact = self.contact(org, contact_id).await?;
        if contact.tags.contains(&tag) {
            return Ok(false);
        }
        contact.tags.push(tag.clone());
        contact.tags.sort();
        let now = self.now_ms();
        let added = event(
            TriggerEvent::TagAdded,
            Some(&contact),
            json!({ "tag": tag }),
            now,
            None,
        );
        let new = self
            .store
            .crm_add_tag(org, contact_id, &tag, now, Some(&added))
            .await?;
        if new {
            self.deliver_after_change(org).await;
        }
        Ok(new)
    }

    /// Removes a tag; false when the contact did not have it.
    pub async fn remove_tag(&self, org: &str, contact_id: &str, tag: &str) -> CrmResult<bool> {
        let tag = check_tag(tag)?;
        self.contact(org, contact_id).await?;
        Ok(self.store.crm_remove_tag(org, contact_id, &tag).await?)
    }

    /// Adds a note to the contact.
    pub async fn add_note(
        &self,
        org: &str,
        contact_id: &str,
        body: &str,
        author: &str,
    ) -> CrmResult<Note> {
        let note = self.check_note(org, contact_id, body, author).await?;
        self.store.crm_add_note(&note).await?;
        Ok(note)
    }

    /// The note [`Crm::add_note`] would store, checked but not saved.
    pub async fn check_note(
        &self,
        org: &str,
        contact_id: &str,
        body: &str,
        author: &str,
    ) -> CrmResult<Note> {
        if body.trim().is_empty() {
            return Err(CrmError::Invalid("the note is empty".into()));
        }
        if body.len() > MAX_NOTE_BYTES {
            return Err(CrmError::Invalid(format!(
                "notes are at most {MAX_NOTE_BYTES} bytes"
            )));
        }
        self.contact(org, contact_id).await?;
        Ok(Note {
            id: new_id(),
            org_id: org.to_string(),
            contact_id: contact_id.to_string(),
            body: body.to_string(),
            author: author.to_string(),
            created_at: self.now_ms(),
        })
    }

    /// The contact's notes, newest first.
    pub async fn notes(&self, org: &str, contact_id: &str) -> CrmResult<Vec<Note>> {
        Ok(self.store.crm_notes(org, contact_id, 1_000).await?)
    }
}
