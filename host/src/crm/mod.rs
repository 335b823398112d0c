//! The CRM service: the operations that change CRM data and, in the same
//! transaction, record the CRM event each change causes (`lead_created`,
//! `tag_added`, `booking_created`, ...). Events are then handed to the engine
//! (`Engine::ingest`), at once when this service was built over an engine, and
//! otherwise by the next [`Sweeper`] pass of a process that runs one. The
//! sweeper also emits the time-based events (`class_no_show`,
//! `membership_expiring`, `birthday`), each exactly once.
//!
//! Every operation is scoped to an org; an id from another org is not found.

mod bookings;
mod campaigns;
mod consent;
mod contacts;
mod error;
mod events;
mod memberships;
mod sales;
pub mod sweeper;

use std::sync::Arc;

pub use bookings::NewClass;
pub use contacts::{
    ContactPatch, MAX_CUSTOM_FIELDS_BYTES, MAX_NOTE_BYTES, MAX_TAG_BYTES, NewContact, check_tag,
};
pub use error::CrmError;
pub use memberships::NewMembership;
pub use sales::{NewOpportunity, NewTask};
pub use sweeper::{SweepReport, Sweeper, SweeperConfig, SweeperHandle};

pub use crate::store::crm::{
    Booking, BookingStatus, Campaign, Channel, Class, Consent, Contact, ContactFilter,
    CrmEventRecord, Membership, Note, Opportunity, Pipeline, Stage, Task, TaskPriority,
};

use crate::engine::{Clock, Engine, SystemClock};
use crate::store::Store;

/// How long an event handed to the engine stays claimed by one process; after
/// that, an event whose delivery did not finish is offered again.
pub const DELIVERY_LEASE_MS: i64 = 60_000;

/// Events delivered per org in one pass.
const DELIVERY_BATCH: i64 = 200;

/// The CRM operations of every org.
#[derive(Clone)]
pub struct Crm {
    store: Store,
    clock: Arc<dyn Clock>,
    engine: Option<Engine>,
}

impl std::fmt::Debug for Crm {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Crm")
            .field("store", &self.store)
            .field("engine", &self.engine.is_some())
            .finish_non_exhaustive()
    }
}

impl Crm {
    /// The CRM over `store` without an engine: events are recorded and left for
    /// a process that runs a [`Sweeper`] over an engine to deliver.
    pub fn new(store: Store, clock: Arc<dyn Clock>) -> Self {
        Self {
            store,
            clock,
            engine: None,
        }
    }

    /// The CRM over `store` with the system clock and no engine.
    pub fn detached(store: Store) -> Self {
        Self::new(store, Arc::new(SystemClock))
    }

    /// The CRM over the engine's store and clock; events reach the engine as
    /// soon as the change that caused them commits.
    pub fn with_engine(engine: &Engine) -> Self {
        Self {
            store: engine.store().clone(),
            clock: engine.inner.clock.clone(),
            engine: Some(engine.clone()),
        }
    }

    /// The store.
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Now, by this service's clock (ms).
    pub fn now_ms(&self) -> i64 {
        self.clock.now_ms()
    }

    /// Hands `org`'s undelivered events to the engine, oldest first, each claimed
    /// first so that several processes never deliver the same one twice at once.
    /// Returns how many were delivered; 0 without an engine.
    pub async fn deliver_pending(&self, org: &str) -> anyhow::Result<usize> {
        let Some(engine) = &self.engine else {
            return Ok(0);
        };
        let now = self.now_ms();
        let mut delivered = 0;
        for record in self
            .store
            .crm_pending_events(org, now, DELIVERY_BATCH)
            .await?
        {
            let id = record.event.id.clone();
            if !self
                .store
                .crm_claim_event(org, &id, engine.worker_id(), now, now + DELIVERY_LEASE_MS)
                .await?
            {
                continue;
            }
            let event = crate::engine::CrmEvent {
                event: record.event.event,
                contact: record.event.contact,
                payload: record.event.payload,
            };
            engine.ingest(org, event).await?;
            self.store
                .crm_event_delivered(org, &id, self.now_ms())
                .await?;
            delivered += 1;
        }
        Ok(delivered)
    }

    /// Delivers after a change; a failure leaves the events for the sweeper.
    async fn deliver_after_change(&self, org: &str) {
        if let Err(e) = self.deliver_pending(org).await {
            tracing::warn!(error = %e, org, "delivering CRM events failed; the sweeper retries");
        }
    }
}
