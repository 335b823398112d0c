//! The CRM core's tables: contacts, tags, notes, tasks, pipelines and
//! opportunities, classes and bookings, memberships, campaigns, and the outbox
//! of CRM events. One file per concept; every query names the org, and every
//! write that causes a CRM event stores that event in the same transaction.

mod bookings;
mod campaigns;
mod contacts;
mod memberships;
mod notes;
mod opportunities;
mod outbox;
mod tags;
mod tasks;

pub use bookings::{Booking, BookingStatus, BookingWrite, Class, NewBooking};
pub use campaigns::{Campaign, CampaignChange};
pub use contacts::{Channel, Consent, Contact, ContactFilter};
pub use memberships::Membership;
pub use notes::Note;
pub use opportunities::{Opportunity, Pipeline, Stage};
pub use outbox::{CrmEventRecord, NewCrmEvent};
pub use tasks::{Task, TaskPriority};

/// A new id for a CRM row: a time-ordered UUID.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}
