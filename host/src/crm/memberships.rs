//! Memberships: cancelling fires `membership_cancelled`, renewing
//! `membership_renewed` (the sweeper fires `membership_expiring`).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Crm;
use super::error::{CrmError, CrmResult};
use super::events::{event, membership_fields, rfc3339};
use crate::graph::TriggerEvent;
use crate::store::crm::{Membership, new_id};

/// A membership to start.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewMembership {
    /// The member.
    pub contact_id: String,
    /// Plan name.
    pub plan_name: String,
    /// Start (ms).
    pub starts_at: i64,
    /// End (ms), after the start.
    pub ends_at: i64,
    /// Whether it renews by itself.
    pub auto_renew: bool,
}

impl Crm {
    /// Starts a membership.
    pub async fn create_membership(&self, org: &str, new: NewMembership) -> CrmResult<Membership> {
        if new.plan_name.trim().is_empty() {
            return Err(CrmError::Invalid("the membership has no plan".into()));
        }
        if new.ends_at <= new.starts_at {
            return Err(CrmError::Invalid(
                "a membership must end after it starts".into(),
            ));
        }
        self.contact(org, &new.contact_id).await?;
        let now = self.now_ms();
        let membership = Membership {
            id: new_id(),
            org_id: org.to_string(),
            contact_id: new.contact_id,
            plan_name: new.plan_name.trim().to_string(),
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            status: "active".into(),
            auto_renew: new.auto_renew,
            cancelled_at: None,
            cancel_reason: None,
            created_at: now,
            updated_at: now,
        };
        self.store.crm_create_membership(&membership).await?;
        Ok(membership)
    }

    /// One membership.
    pub async fn membership(&self, org: &str, id: &str) -> CrmResult<Membership> {
        self.store
            .crm_membership(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("membership `{id}` does not exist")))
    }

    /// Cancels an active membership and fires `membership_cancelled`.
    pub async fn cancel_membership(
        &self,
        org: &str,
        id: &str,
        reason: Option<&str>,
    ) -> CrmResult<()> {
        let membership = self.membership(org, id).await?;
        let contact = self.contact(org, &membership.contact_id).await?;
        let now = self.now_ms();
        let mut fields = membership_fields(&membership);
        fields.remove("expires_at");
        fields.insert("cancelled_at".into(), Value::String(rfc3339(now)));
        fields.insert("ends_at".into(), Value::String(rfc3339(membership.ends_at)));
        fields.insert(
            "reason".into(),
            reason.map_or(Value::Null, |r| Value::String(r.into())),
        );
        let cancelled = event(
            TriggerEvent::MembershipCancelled,
            Some(&contact),
            Value::Object(fields),
            now,
            None,
        );
        if !self
            .store
            .crm_cancel_membership(org, id, reason, now, Some(&cancelled))
            .await?
        {
            return Err(CrmError::Invalid(format!(
                "membership `{id}` is {}, not active",
                membership.status
            )));
        }
        self.deliver_after_change(org).await;
        Ok(())
    }

    /// Extends a membership to `ends_at` (reactivating a cancelled one) and
    /// fires `membership_renewed`.
    pub async fn renew_membership(
        &self,
        org: &str,
        id: &str,
        ends_at: i64,
    ) -> CrmResult<Membership> {
        let mut membership = self.membership(org, id).await?;
        if ends_at <= membership.ends_at {
            return Err(CrmError::Invalid(
                "a renewal must move the end date forward".into(),
            ));
        }
        let contact = self.contact(org, &membership.contact_id).await?;
        let now = self.now_ms();
        membership.ends_at = ends_at;
        membership.status = "active".into();
        membership.cancelled_at = None;
        membership.cancel_reason = None;
        membership.updated_at = now;
        let mut fields = membership_fields(&membership);
        fields.insert("renewed_at".into(), Value::String(rfc3339(now)));
        let renewed = event(
            TriggerEvent::MembershipRenewed,
            Some(&contact),
            Value::Object(fields),
            now,
            None,
        );
        if !self
            .store
            .crm_renew_membership(org, id, ends_at, now, Some(&renewed))
            .await?
        {
            return Err(CrmError::Invalid(
                "a renewal must move the end date forward".into(),
            ));
        }
        self.deliver_after_change(org).await;
        Ok(membership)
    }
}
