//! The CRM of the run's org: contacts, tags, notes, tasks, opportunities,
//! bookings and campaigns.
//!
//! Reads need [`crate::Capability::CrmRead`], changes [`crate::Capability::CrmWrite`].

use crate::HostError;
use crate::bindings::atlas::workflow::crm;

pub use crm::{Channel, Consent, Contact, ContactPatch, NewOpportunity, NewTask, TaskPriority};

/// The contact `contact_id`.
pub fn get_contact(contact_id: &str) -> Result<Contact, HostError> {
    crm::get_contact(contact_id).map_err(HostError::from)
}

/// Applies `patch` to the contact and returns the updated contact.
pub fn update_contact(contact_id: &str, patch: &ContactPatch) -> Result<Contact, HostError> {
    crm::update_contact(contact_id, patch).map_err(HostError::from)
}

/// Whether the contact consented to messages on `channel`.
pub fn has_consent(contact_id: &str, channel: Channel) -> Result<bool, HostError> {
    crm::has_consent(contact_id, channel).map_err(HostError::from)
}

/// Tags the contact.
pub fn add_tag(contact_id: &str, tag: &str) -> Result<(), HostError> {
    crm::add_tag(contact_id, tag).map_err(HostError::from)
}

/// Removes a tag from the contact.
pub fn remove_tag(contact_id: &str, tag: &str) -> Result<(), HostError> {
    crm::remove_tag(contact_id, tag).map_err(HostError::from)
}

/// Adds a note to the contact; returns the note's id.
pub fn add_note(contact_id: &str, body: &str) -> Result<String, HostError> {
    crm::add_note(contact_id, body).map_err(HostError::from)
}

/// Creates a task; returns its id.
pub fn create_task(task: &NewTask) -> Result<String, HostError> {
    crm::create_task(task).map_err(HostError::from)
}

/// Creates an opportunity; returns its id.
pub fn create_opportunity(opportunity: &NewOpportunity) -> Result<String, HostError> {
    crm::create_opportunity(opportunity).map_err(HostError::from)
}

/// Moves an opportunity to another stage of its pipeline.
pub fn move_opportunity(opportunity_id: &str, stage_id: &str) -> Result<(), HostError> {
    crm::move_opportunity(opportunity_id, stage_id).map_err(HostError::from)
}

/// Books the contact into a scheduled class; returns the booking id.
pub fn create_booking(contact_id: &str, class_id: &str) -> Result<String, HostError> {
    crm::create_booking(contact_id, class_id).map_err(HostError::from)
}

/// Cancels a booking, with an optional reason.
pub fn cancel_booking(booking_id: &str, reason: Option<&str>) -> Result<(), HostError> {
    crm::cancel_booking(booking_id, reason).map_err(HostError::from)
}

/// Adds the contact to a campaign.
pub fn add_to_campaign(campaign_id: &str, contact_id: &str) -> Result<(), HostError> {
    crm::add_to_campaign(campaign_id, contact_id).map_err(HostError::from)
}

/// Removes the contact from a campaign.
pub fn remove_from_campaign(campaign_id: &str, contact_id: &str) -> Result<(), HostError> {
    crm::remove_from_campaign(campaign_id, contact_id).map_err(HostError::from)
}
