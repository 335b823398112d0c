//! Messaging consent: nothing may be sent to a contact on a channel they did
//! not consent to. A refusal is an error naming the contact and channel, and
//! an entry in the org's audit log.

use serde_json::json;

use super::Crm;
use super::error::{CrmError, CrmResult};
use crate::store::AuditEntry;
use crate::store::crm::Channel;

/// The audit action of a message refused for want of consent.
pub const CONSENT_REFUSED: &str = "crm.consent_refused";

impl Crm {
    /// Whether the contact consented to messages on `channel`.
    pub async fn has_consent(&self, org: &str, contact: &str, channel: Channel) -> CrmResult<bool> {
        self.store
            .crm_has_consent(org, contact, channel)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("contact `{contact}` does not exist")))
    }

    /// Refuses a message to the contact on `channel` unless they consented;
    /// a refusal is recorded in the audit log with `actor` (who wanted to send).
    pub async fn require_consent(
        &self,
        org: &str,
        contact: &str,
        channel: Channel,
        actor: &str,
    ) -> CrmResult<()> {
        if self.has_consent(org, contact, channel).await? {
            return Ok(());
        }
        self.record_consent_refusal(org, contact, channel, actor)
            .await;
        Err(CrmError::NoConsent {
            contact: contact.to_string(),
            channel,
        })
    }

    /// Writes the audit entry of a message refused for want of consent.
    pub async fn record_consent_refusal(
        &self,
        org: &str,
        contact: &str,
        channel: Channel,
        actor: &str,
    ) {
        let entry = AuditEntry {
            org_id: org.to_string(),
            actor: actor.to_string(),
            action: CONSENT_REFUSED.into(),
            target: format!("contact:{contact}"),
            detail: json!({
                "channel": channel.as_str(),
                "reason": format!("the contact has not consented to {} messages", channel.as_str()),
            }),
        };
        if let Err(e) = self.store.audit_append(&[entry]).await {
            tracing::error!(error = %e, org, contact, "recording a consent refusal failed");
        }
    }
}
