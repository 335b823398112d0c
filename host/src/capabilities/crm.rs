//! `crm`: the org's contacts, tags, notes, tasks, opportunities, bookings and
//! campaigns, through the CRM service and scoped to the run's org (an id from
//! another org is `not-found`). Reads need `crm-read`, changes `crm-write`;
//! a call outside the grant is denied and audited.
//!
//! Changes record their CRM events (`tag_added`, `booking_created`, ...) in the
//! same transaction; a process running the CRM sweeper over an engine hands
//! them to the engine.
//!
//! In test mode no CRM data changes and no event is recorded: every write is
//! checked exactly as for real (the contact, class, stage or campaign must
//! exist, the class must have a seat, ...) and answers what it would have
//! answered: `update-contact` the contact as patched, the `create-*` calls and
//! `add-note` a fresh id that was not stored.
//!
//! `has-consent` answering false records `crm.consent_refused` in the audit
//! log: actions ask it right before sending, and must not send. A run writes
//! at most `RunLimits::consent_audits` such rows; later refusals are counted in
//! one summary row when the run ends.
//!
//! Every call checks its arguments' sizes first, then the grant, then the
//! run's CRM read or change budget, before it touches the store.

use std::sync::Arc;

use crate::capabilities::CrmAccess;
use crate::capabilities::arguments::{
    MAX_ID_BYTES, MAX_TEXT_BYTES, check_bytes, check_id, check_optional,
};
use crate::crm::{self as service, Crm, CrmError};
use crate::engine::Clock;
use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::crm::{
    Channel, Consent, Contact, ContactPatch, Host, NewOpportunity, NewTask, TaskPriority,
};
use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::runtime::call_budget::CallKind;
use crate::runtime::manifest::Capability;
use crate::store::crm::new_id;

/// The clock of one run: the engine's time at the start of the attempt.
struct RunClock(i64);

impl Clock for RunClock {
    fn now_ms(&self) -> i64 {
        self.0
    }
}

impl RunState {
    /// Grant check: the manifest must request the access and the org grant it.
    fn crm_allowed(&mut self, operation: &str, needs: CrmAccess) -> Result<(), HostError> {
        let requested = match needs {
            CrmAccess::Write => self.requested.contains(&Capability::CrmWrite),
            _ => self
                .requested
                .iter()
                .any(|c| matches!(c, Capability::CrmRead | Capability::CrmWrite)),
        };
        if !requested {
            return Err(self.deny(
                "crm",
                operation,
                "the plugin's manifest does not request this CRM access".into(),
            ));
        }
        if self.grants.crm < needs {
            return Err(self.deny(
                "crm",
                operation,
                "this CRM access is not granted to this plugin".into(),
            ));
        }
        self.spend(match needs {
            CrmAccess::Write => CallKind::CrmWrite,
            _ => CallKind::CrmRead,
        })
    }

    /// The CRM service for this run: the run's store and clock.
    fn crm(&self) -> Crm {
        Crm::new(self.services.store.clone(), Arc::new(RunClock(self.now_ms)))
    }

    /// Who the CRM records as the author of this run's changes.
    fn crm_actor(&self) -> String {
        format!("plugin:{}", self.plugin_id)
    }
}

fn host_error(error: CrmError) -> HostError {
    match error {
        CrmError::NotFound(m) => HostError::NotFound(m),
        CrmError::Invalid(m) => HostError::Invalid(m),
        CrmError::Full(m) => HostError::Limit(m),
        e @ CrmError::NoConsent { .. } => HostError::Denied(e.to_string()),
        CrmError::Store(e) => {
            tracing::error!(error = %e, "crm store call failed");
            HostError::Failed("the CRM is unavailable".into())
        }
    }
}

fn channel(channel: Channel) -> service::Channel {
    match channel {
        Channel::Email => service::Channel::Email,
        Channel::Sms => service::Channel::Sms,
        Channel::Whatsapp => service::Channel::Whatsapp,
    }
}

fn consent(c: Consent) -> service::Consent {
    service::Consent {
        email: c.email,
        sms: c.sms,
        whatsapp: c.whatsapp,
    }
}

fn to_wit(contact: service::Contact) -> Contact {
    Contact {
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
        custom_fields_json: contact.custom_fields.to_string(),
        consent: Consent {
            email: contact.consent.email,
            sms: contact.consent.sms,
            whatsapp: contact.consent.whatsapp,
        },
        time_zone: contact.time_zone,
        birthday: contact.birthday,
    }
}

/// Size checks on every field of a patch.
fn check_patch(patch: &ContactPatch) -> Result<(), HostError> {
    for (field, value) in [
        ("first-name", &patch.first_name),
        ("last-name", &patch.last_name),
        ("email", &patch.email),
        ("phone", &patch.phone),
        ("status", &patch.status),
        ("lifecycle-stage", &patch.lifecycle_stage),
        ("owner-id", &patch.owner_id),
    ] {
        check_optional(field, value.as_deref(), MAX_TEXT_BYTES)?;
    }
    check_optional(
        "custom-fields-json",
        patch.custom_fields_json.as_deref(),
        service::MAX_CUSTOM_FIELDS_BYTES,
    )
}

/// Size checks on every field of a new task.
fn check_task(task: &NewTask) -> Result<(), HostError> {
    check_optional("contact-id", task.contact_id.as_deref(), MAX_ID_BYTES)?;
    check_bytes("title", &task.title, MAX_TEXT_BYTES)?;
    check_bytes("description", &task.description, service::MAX_NOTE_BYTES)?;
    check_optional("assignee-id", task.assignee_id.as_deref(), MAX_ID_BYTES)
}

/// Size checks on every field of a new opportunity.
fn check_opportunity(o: &NewOpportunity) -> Result<(), HostError> {
    check_id("contact-id", &o.contact_id)?;
    check_id("pipeline-id", &o.pipeline_id)?;
    check_id("stage-id", &o.stage_id)?;
    check_bytes("title", &o.title, MAX_TEXT_BYTES)?;
    check_bytes("currency", &o.currency, MAX_TEXT_BYTES)
}

fn patch(patch: ContactPatch) -> Result<service::ContactPatch, HostError> {
    let custom_fields = patch
        .custom_fields_json
        .map(|text| {
            serde_json::from_str::<serde_json::Value>(&text)
                .map_err(|e| HostError::Invalid(format!("custom-fields-json: {e}")))
        })
        .transpose()?;
    Ok(service::ContactPatch {
        first_name: patch.first_name,
        last_name: patch.last_name,
        email: patch.email,
        phone: patch.phone,
        status: patch.status,
        lifecycle_stage: patch.lifecycle_stage,
        owner_id: patch.owner_id,
        custom_fields,
        consent: patch.consent.map(consent),
        ..service::ContactPatch::default()
    })
}

fn task(task: NewTask) -> Result<service::NewTask, HostError> {
    let due_at = task
        .due_unix_ms
        .map(|ms| {
            i64::try_from(ms).map_err(|_| HostError::Invalid("due-unix-ms is out of range".into()))
        })
        .transpose()?;
    Ok(service::NewTask {
        contact_id: task.contact_id,
        title: task.title,
        description: task.description,
        assignee_id: task.assignee_id,
        due_at,
        priority: match task.priority {
            TaskPriority::Low => service::TaskPriority::Low,
            TaskPriority::Normal => service::TaskPriority::Normal,
            TaskPriority::High => service::TaskPriority::High,
            TaskPriority::Urgent => service::TaskPriority::Urgent,
        },
    })
}

fn opportunity(o: NewOpportunity) -> service::NewOpportunity {
    service::NewOpportunity {
        contact_id: o.contact_id,
        pipeline_id: o.pipeline_id,
        stage_id: o.stage_id,
        title: o.title,
        value_minor: o.value_minor,
        currency: o.currency,
    }
}

impl Host for RunState {
    async fn get_contact(&mut self, contact_id: String) -> Result<Contact, HostError> {
        check_id("contact-id", &contact_id)?;
        self.crm_allowed("get-contact", CrmAccess::Read)?;
        let contact = self.crm().contact(&self.org_id, &contact_id).await;
        contact.map(to_wit).map_err(host_error)
    }

    async fn update_contact(
        &mut self,
        contact_id: String,
        changes: ContactPatch,
    ) -> Result<Contact, HostError> {
        check_id("contact-id", &contact_id)?;
        check_patch(&changes)?;
        self.crm_allowed("update-contact", CrmAccess::Write)?;
        let changes = patch(changes)?;
        let crm = self.crm();
        let updated = if self.test_mode {
            crm.preview_update(&self.org_id, &contact_id, &changes)
                .await
        } else {
            crm.update_contact(&self.org_id, &contact_id, &changes)
                .await
        };
        updated.map(to_wit).map_err(host_error)
    }

    async fn has_consent(&mut self, contact_id: String, via: Channel) -> Result<bool, HostError> {
        check_id("contact-id", &contact_id)?;
        self.crm_allowed("has-consent", CrmAccess::Read)?;
        let crm = self.crm();
        let via = channel(via);
        let allowed = crm
            .has_consent(&self.org_id, &contact_id, via)
            .await
            .map_err(host_error)?;
        if !allowed {
            if self.consent_audits < self.limits.consent_audits {
                self.consent_audits += 1;
                crm.record_consent_refusal(&self.org_id, &contact_id, via, &self.crm_actor())
                    .await;
            } else {
                self.consent_audits_dropped = self.consent_audits_dropped.saturating_add(1);
            }
        }
        Ok(allowed)
    }

    async fn add_tag(&mut self, contact_id: String, tag: String) -> Result<(), HostError> {
        check_id("contact-id", &contact_id)?;
        check_bytes("tag", &tag, service::MAX_TAG_BYTES)?;
        self.crm_allowed("add-tag", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            crate::crm::check_tag(&tag).map_err(host_error)?;
            return crm
                .contact(&self.org_id, &contact_id)
                .await
                .map(|_| ())
                .map_err(host_error);
        }
        crm.add_tag(&self.org_id, &contact_id, &tag)
            .await
            .map(|_| ())
            .map_err(host_error)
    }

    async fn remove_tag(&mut self, contact_id: String, tag: String) -> Result<(), HostError> {
        check_id("contact-id", &contact_id)?;
        check_bytes("tag", &tag, service::MAX_TAG_BYTES)?;
        self.crm_allowed("remove-tag", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            crate::crm::check_tag(&tag).map_err(host_error)?;
            return crm
                .contact(&self.org_id, &contact_id)
                .await
                .map(|_| ())
                .map_err(host_error);
        }
        crm.remove_tag(&self.org_id, &contact_id, &tag)
            .await
            .map(|_| ())
            .map_err(host_error)
    }

    async fn add_note(&mut self, contact_id: String, body: String) -> Result<String, HostError> {
        check_id("contact-id", &contact_id)?;
        check_bytes("body", &body, service::MAX_NOTE_BYTES)?;
        self.crm_allowed("add-note", CrmAccess::Write)?;
        let crm = self.crm();
        let actor = self.crm_actor();
        let note = if self.test_mode {
            crm.check_note(&self.org_id, &contact_id, &body, &actor)
                .await
        } else {
            crm.add_note(&self.org_id, &contact_id, &body, &actor).await
        };
        note.map(|n| n.id).map_err(host_error)
    }

    async fn create_task(&mut self, new: NewTask) -> Result<String, HostError> {
        check_task(&new)?;
        self.crm_allowed("create-task", CrmAccess::Write)?;
        let new = task(new)?;
        let crm = self.crm();
        let task = if self.test_mode {
            crm.check_task(&self.org_id, new).await
        } else {
            crm.create_task(&self.org_id, new).await
        };
        task.map(|t| t.id).map_err(host_error)
    }

    async fn create_opportunity(&mut self, new: NewOpportunity) -> Result<String, HostError> {
        check_opportunity(&new)?;
        self.crm_allowed("create-opportunity", CrmAccess::Write)?;
        let crm = self.crm();
        let created = if self.test_mode {
            crm.check_opportunity(&self.org_id, opportunity(new)).await
        } else {
            crm.create_opportunity(&self.org_id, opportunity(new)).await
        };
        created.map(|o| o.id).map_err(host_error)
    }

    async fn move_opportunity(
        &mut self,
        opportunity_id: String,
        stage_id: String,
    ) -> Result<(), HostError> {
        check_id("opportunity-id", &opportunity_id)?;
        check_id("stage-id", &stage_id)?;
        self.crm_allowed("move-opportunity", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            return crm
                .check_move(&self.org_id, &opportunity_id, &stage_id)
                .await
                .map(|_| ())
                .map_err(host_error);
        }
        crm.move_opportunity(&self.org_id, &opportunity_id, &stage_id)
            .await
            .map_err(host_error)
    }

    async fn create_booking(
        &mut self,
        contact_id: String,
        class_id: String,
    ) -> Result<String, HostError> {
        check_id("contact-id", &contact_id)?;
        check_id("class-id", &class_id)?;
        self.crm_allowed("create-booking", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            return crm
                .check_booking(&self.org_id, &contact_id, &class_id)
                .await
                .map(|_| new_id())
                .map_err(host_error);
        }
        let source = self.crm_actor();
        crm.book(&self.org_id, &contact_id, &class_id, &source)
            .await
            .map(|b| b.id)
            .map_err(host_error)
    }

    async fn cancel_booking(
        &mut self,
        booking_id: String,
        reason: Option<String>,
    ) -> Result<(), HostError> {
        check_id("booking-id", &booking_id)?;
        check_optional("reason", reason.as_deref(), MAX_TEXT_BYTES)?;
        self.crm_allowed("cancel-booking", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            return crm
                .check_cancel(&self.org_id, &booking_id)
                .await
                .map(|_| ())
                .map_err(host_error);
        }
        let actor = self.crm_actor();
        crm.cancel_booking(&self.org_id, &booking_id, &actor, reason.as_deref())
            .await
            .map_err(host_error)
    }

    async fn add_to_campaign(
        &mut self,
        campaign_id: String,
        contact_id: String,
    ) -> Result<(), HostError> {
        check_id("campaign-id", &campaign_id)?;
        check_id("contact-id", &contact_id)?;
        self.crm_allowed("add-to-campaign", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            return crm
                .check_campaign_member(&self.org_id, &campaign_id, &contact_id)
                .await
                .map_err(host_error);
        }
        crm.add_to_campaign(&self.org_id, &campaign_id, &contact_id)
            .await
            .map(|_| ())
            .map_err(host_error)
    }

    async fn remove_from_campaign(
        &mut self,
        campaign_id: String,
        contact_id: String,
    ) -> Result<(), HostError> {
        check_id("campaign-id", &campaign_id)?;
        check_id("contact-id", &contact_id)?;
        self.crm_allowed("remove-from-campaign", CrmAccess::Write)?;
        let crm = self.crm();
        if self.test_mode {
            return crm
                .check_campaign_member(&self.org_id, &campaign_id, &contact_id)
                .await
                .map_err(host_error);
        }
        crm.remove_from_campaign(&self.org_id, &campaign_id, &contact_id)
            .await
            .map(|_| ())
            .map_err(host_error)
    }
}
