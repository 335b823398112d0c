//! The CRM events that start workflows, and the `trigger.*` fields each provides.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// A CRM event that can start a workflow, be waited for, or reach a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TriggerEvent {
    /// A new lead entered the CRM.
    LeadCreated,
    /// A contact's fields changed.
    ContactUpdated,
    /// A tag was added to a contact.
    TagAdded,
    /// A class or appointment was booked.
    BookingCreated,
    /// A booking was cancelled.
    BookingCancelled,
    /// A booked contact did not attend.
    ClassNoShow,
    /// A membership ends in a configured number of days.
    MembershipExpiring,
    /// A membership was cancelled.
    MembershipCancelled,
    /// A membership was renewed.
    MembershipRenewed,
    /// A booked contact checked in to a class.
    ClassAttended,
    /// A contact replied to a message (SMS, WhatsApp or email).
    ContactReplied,
    /// It is the contact's birthday.
    Birthday,
    /// A form was submitted.
    FormSubmitted,
    /// An external system called the workflow's webhook.
    InboundWebhook,
    /// A cron schedule fired.
    Schedule,
    /// A staff member started the workflow by hand.
    Manual,
}

/// What the `trigger.*` variables of an execution hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TriggerPayload {
    /// Whatever the sender posted: any `trigger.*` path may exist.
    FreeForm,
    /// Exactly these top-level fields (nested values below them are not checked).
    Fields(&'static [&'static str]),
}

impl TriggerPayload {
    /// Whether `trigger.<name>` can exist in this payload.
    pub fn has_field(self, name: &str) -> bool {
        match self {
            Self::FreeForm => true,
            Self::Fields(fields) => COMMON_TRIGGER_FIELDS.contains(&name) || fields.contains(&name),
        }
    }
}

/// Fields every trigger payload carries.
pub const COMMON_TRIGGER_FIELDS: &[&str] = &["event", "occurred_at"];

impl TriggerEvent {
    /// Every event, in a stable order.
    pub const ALL: [TriggerEvent; 16] = [
        Self::LeadCreated,
        Self::ContactUpdated,
        Self::TagAdded,
        Self::BookingCreated,
        Self::BookingCancelled,
        Self::ClassNoShow,
        Self::MembershipExpiring,
        Self::MembershipCancelled,
        Self::MembershipRenewed,
        Self::ClassAttended,
        Self::ContactReplied,
        Self::Birthday,
        Self::FormSubmitted,
        Self::InboundWebhook,
        Self::Schedule,
        Self::Manual,
    ];

    /// The event's name as written in workflow documents.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::LeadCreated => "lead_created",
            Self::ContactUpdated => "contact_updated",
            Self::TagAdded => "tag_added",
            Self::BookingCreated => "booking_created",
            Self::BookingCancelled => "booking_cancelled",
            Self::ClassNoShow => "class_no_show",
            Self::MembershipExpiring => "membership_expiring",
            Self::MembershipCancelled => "membership_cancelled",
            Self::MembershipRenewed => "membership_renewed",
            Self::ClassAttended => "class_attended",
            Self::ContactReplied => "contact_replied",
            Self::Birthday => "birthday",
            Self::FormSubmitted => "form_submitted",
            Self::InboundWebhook => "inbound_webhook",
            Self::Schedule => "schedule",
            Self::Manual => "manual",
        }
    }

    /// The `trigger.*` fields an execution started by this event can use.
    pub fn payload(self) -> TriggerPayload {
        const BOOKING: &[&str] = &[
            "booking_id",
            "class_id",
            "class_name",
            "class_start",
            "class_end",
            "location",
            "instructor",
            "booking_source",
        ];
        match self {
            Self::LeadCreated => TriggerPayload::Fields(&[
                "source",
                "campaign",
                "utm_source",
                "utm_medium",
                "utm_campaign",
                "notes",
            ]),
            Self::ContactUpdated => TriggerPayload::Fields(&["changed_fields", "previous"]),
            Self::TagAdded => TriggerPayload::Fields(&["tag"]),
            Self::BookingCreated => TriggerPayload::Fields(BOOKING),
            Self::BookingCancelled => TriggerPayload::Fields(&[
                "booking_id",
                "class_id",
                "class_name",
                "class_start",
                "location",
                "instructor",
                "cancelled_by",
                "late_cancellation",
                "reason",
            ]),
            Self::ClassNoShow => TriggerPayload::Fields(&[
                "booking_id",
                "class_id",
                "class_name",
                "class_start",
                "location",
                "instructor",
            ]),
            Self::MembershipExpiring => TriggerPayload::Fields(&[
                "membership_id",
                "plan_name",
                "expires_at",
                "days_before",
                "auto_renew",
            ]),
            Self::MembershipCancelled => TriggerPayload::Fields(&[
                "membership_id",
                "plan_name",
                "cancelled_at",
                "ends_at",
                "reason",
            ]),
            Self::MembershipRenewed => {
                TriggerPayload::Fields(&["membership_id", "plan_name", "renewed_at", "expires_at"])
            }
            Self::ClassAttended => TriggerPayload::Fields(&[
                "booking_id",
                "class_id",
                "class_name",
                "class_start",
                "location",
                "instructor",
                "attended_count",
            ]),
            Self::ContactReplied => {
                TriggerPayload::Fields(&["channel", "message", "message_id", "received_at"])
            }
            Self::Birthday => TriggerPayload::Fields(&["birthday", "age"]),
            Self::FormSubmitted | Self::InboundWebhook => TriggerPayload::FreeForm,
            Self::Schedule => TriggerPayload::Fields(&["scheduled_at"]),
            Self::Manual => TriggerPayload::Fields(&["triggered_by", "note"]),
        }
    }

    /// Whether the event happens to a contact, so an execution can wait for it
    /// or use it as a goal (a cron schedule does not).
    pub fn concerns_a_contact(self) -> bool {
        self != Self::Schedule
    }
}

impl fmt::Display for TriggerEvent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for TriggerEvent {
    type Err = String;

    fn from_str(name: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|event| event.as_str() == name)
            .ok_or_else(|| format!("unknown trigger event `{name}`"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_serde_and_from_str() {
        for event in TriggerEvent::ALL {
            let json = serde_json::to_string(&event).unwrap();
            assert_eq!(json, format!("\"{}\"", event.as_str()));
            assert_eq!(event.as_str().parse::<TriggerEvent>().unwrap(), event);
        }
        assert!("lead_create".parse::<TriggerEvent>().is_err());
    }

    #[test]
    fn payload_fields() {
        let booking = TriggerEvent::BookingCreated.payload();
        assert!(booking.has_field("class_start"));
        assert!(booking.has_field("occurred_at"));
        assert!(!booking.has_field("tag"));
        assert!(TriggerEvent::InboundWebhook.payload().has_field("anything"));
        assert!(TriggerEvent::FormSubmitted.payload().has_field("answers"));
    }
}
