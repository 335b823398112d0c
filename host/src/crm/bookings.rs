//! Classes and bookings: booking fires `booking_created`, cancelling
//! `booking_cancelled`, checking in `class_attended` (the sweeper fires
//! `class_no_show` for bookings left `booked` after the class).

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::Crm;
use super::error::{CrmError, CrmResult};
use super::events::{class_fields, event, rfc3339};
use crate::graph::TriggerEvent;
use crate::store::crm::{Booking, BookingStatus, BookingWrite, Class, NewBooking, new_id};

/// A cancellation this close to the class start (or later) is late.
pub const LATE_CANCELLATION_MS: i64 = 12 * 3_600_000;

/// A class to schedule.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NewClass {
    /// Name.
    pub name: String,
    /// Start (ms).
    pub starts_at: i64,
    /// End (ms), after the start.
    pub ends_at: i64,
    /// Seats, at least 1.
    pub capacity: i64,
    /// Room or studio.
    pub location: String,
    /// Who teaches it.
    pub instructor: String,
}

impl Crm {
    /// Schedules a class.
    pub async fn create_class(&self, org: &str, new: NewClass) -> CrmResult<Class> {
        if new.name.trim().is_empty() {
            return Err(CrmError::Invalid("the class has no name".into()));
        }
        if new.ends_at <= new.starts_at {
            return Err(CrmError::Invalid("a class must end after it starts".into()));
        }
        if new.capacity < 1 {
            return Err(CrmError::Invalid("a class needs at least one seat".into()));
        }
        let class = Class {
            id: new_id(),
            org_id: org.to_string(),
            name: new.name.trim().to_string(),
            starts_at: new.starts_at,
            ends_at: new.ends_at,
            capacity: new.capacity,
            booked_count: 0,
            location: new.location,
            instructor: new.instructor,
        };
        self.store.crm_create_class(&class, self.now_ms()).await?;
        Ok(class)
    }

    /// One class.
    pub async fn class(&self, org: &str, id: &str) -> CrmResult<Class> {
        self.store
            .crm_class(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("class `{id}` does not exist")))
    }

    /// One booking.
    pub async fn booking(&self, org: &str, id: &str) -> CrmResult<Booking> {
        self.store
            .crm_booking(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("booking `{id}` does not exist")))
    }

    /// Checks that the contact could book the class now: both exist, the class
    /// has not ended and has a seat left.
    pub async fn check_booking(
        &self,
        org: &str,
        contact_id: &str,
        class_id: &str,
    ) -> CrmResult<Class> {
        self.contact(org, contact_id).await?;
        let class = self.class(org, class_id).await?;
        if class.ends_at <= self.now_ms() {
            return Err(CrmError::Invalid(format!("class `{class_id}` is over")));
        }
        if class.booked_count >= class.capacity {
            return Err(CrmError::Full(format!("class `{class_id}` is full")));
        }
        Ok(class)
    }

    /// Books the contact into the class and fires `booking_created`.
    pub async fn book(
        &self,
        org: &str,
        contact_id: &str,
        class_id: &str,
        source: &str,
    ) -> CrmResult<Booking> {
        let class = self.check_booking(org, contact_id, class_id).await?;
        let contact = self.contact(org, contact_id).await?;
        let now = self.now_ms();
        let booking = Booking {
            id: new_id(),
            org_id: org.to_string(),
            class_id: class.id.clone(),
            contact_id: contact.id.clone(),
            status: BookingStatus::Booked,
            source: source.to_string(),
            cancelled_by: None,
            cancel_reason: None,
            created_at: now,
            updated_at: now,
            cancelled_at: None,
            checked_in_at: None,
        };
        let mut fields = class_fields(&booking, &class);
        fields.insert("class_end".into(), Value::String(rfc3339(class.ends_at)));
        fields.insert("booking_source".into(), Value::String(source.to_string()));
        let created = event(
            TriggerEvent::BookingCreated,
            Some(&contact),
            Value::Object(fields),
            now,
            None,
        );
        let write = self
            .store
            .crm_create_booking(
                org,
                &NewBooking {
                    id: booking.id.clone(),
                    class_id: class.id.clone(),
                    contact_id: contact.id.clone(),
                    source: source.to_string(),
                    now,
                },
                Some(&created),
            )
            .await?;
        match write {
            BookingWrite::Booked => {
                self.deliver_after_change(org).await;
                Ok(booking)
            }
            BookingWrite::ClassFull => Err(CrmError::Full(format!("class `{class_id}` is full"))),
            BookingWrite::AlreadyBooked => Err(CrmError::Invalid(format!(
                "contact `{contact_id}` is already booked into class `{class_id}`"
            ))),
            BookingWrite::NoSuchClass => Err(CrmError::NotFound(format!(
                "class `{class_id}` does not exist"
            ))),
        }
    }

    /// Checks that the booking exists and can still be cancelled.
    pub async fn check_cancel(&self, org: &str, booking_id: &str) -> CrmResult<Booking> {
        let booking = self.booking(org, booking_id).await?;
        if booking.status != BookingStatus::Booked {
            return Err(CrmError::Invalid(format!(
                "booking `{booking_id}` is {}, not booked",
                booking.status.as_str()
            )));
        }
        Ok(booking)
    }

    /// Cancels a booking, frees its seat and fires `booking_cancelled`.
    pub async fn cancel_booking(
        &self,
        org: &str,
        booking_id: &str,
        cancelled_by: &str,
        reason: Option<&str>,
    ) -> CrmResult<()> {
        let booking = self.check_cancel(org, booking_id).await?;
        let class = self.class(org, &booking.class_id).await?;
        let contact = self.contact(org, &booking.contact_id).await?;
        let now = self.now_ms();
        let mut fields = class_fields(&booking, &class);
        fields.insert(
            "cancelled_by".into(),
            Value::String(cancelled_by.to_string()),
        );
        fields.insert(
            "late_cancellation".into(),
            Value::Bool(now >= class.starts_at - LATE_CANCELLATION_MS),
        );
        fields.insert(
            "reason".into(),
            reason.map_or(Value::Null, |r| Value::String(r.to_string())),
        );
        let cancelled = event(
            TriggerEvent::BookingCancelled,
            Some(&contact),
            Value::Object(fields),
            now,
            None,
        );
        if !self
            .store
            .crm_cancel_booking(org, booking_id, cancelled_by, reason, now, Some(&cancelled))
            .await?
        {
            return Err(CrmError::Invalid(format!(
                "booking `{booking_id}` is no longer booked"
            )));
        }
        self.deliver_after_change(org).await;
        Ok(())
    }

    /// Checks the contact in to the class and fires `class_attended`.
    pub async fn check_in(&self, org: &str, booking_id: &str) -> CrmResult<()> {
        let booking = self.booking(org, booking_id).await?;
        let class = self.class(org, &booking.class_id).await?;
        let contact = self.contact(org, &booking.contact_id).await?;
        let attended = self.store.crm_attended_count(org, &contact.id).await? + 1;
        let now = self.now_ms();
        let mut fields = class_fields(&booking, &class);
        fields.insert("attended_count".into(), Value::from(attended));
        let event = event(
            TriggerEvent::ClassAttended,
            Some(&contact),
            Value::Object(fields),
            now,
            None,
        );
        if !self
            .store
            .crm_check_in(org, booking_id, now, Some(&event))
            .await?
        {
            return Err(CrmError::Invalid(format!(
                "booking `{booking_id}` is {}, it cannot be checked in",
                booking.status.as_str()
            )));
        }
        self.deliver_after_change(org).await;
        Ok(())
    }
}
