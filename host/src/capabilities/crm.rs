//! `crm`: the org's contacts, tags, notes, tasks, opportunities, bookings and
//! campaigns. Reads need `crm-read`, changes `crm-write`. The CRM core is not
//! part of this host yet, so a granted call answers `unavailable`.

use crate::capabilities::CrmAccess;
use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::crm::{
    Channel, Contact, ContactPatch, Host, NewOpportunity, NewTask,
};
use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::runtime::manifest::Capability;

impl RunState {
    /// Grant check, then the answer every CRM call gets until the CRM core exists.
    fn crm_call(&mut self, operation: &str, needs: CrmAccess) -> HostError {
        let requested = match needs {
            CrmAccess::Write => self.requested.contains(&Capability::CrmWrite),
            _ => self
                .requested
                .iter()
                .any(|c| matches!(c, Capability::CrmRead | Capability::CrmWrite)),
        };
        if !requested {
            return self.deny(
                "crm",
                operation,
                "the plugin's manifest does not request this CRM access".into(),
            );
        }
        if self.grants.crm < needs {
            return self.deny(
                "crm",
                operation,
                "this CRM access is not granted to this plugin".into(),
            );
        }
        HostError::Unavailable(format!("crm.{operation} is not available on this host"))
    }
}

impl Host for RunState {
    async fn get_contact(&mut self, _contact_id: String) -> Result<Contact, HostError> {
        Err(self.crm_call("get-contact", CrmAccess::Read))
    }

    async fn update_contact(
        &mut self,
        _contact_id: String,
        _patch: ContactPatch,
    ) -> Result<Contact, HostError> {
        Err(self.crm_call("update-contact", CrmAccess::Write))
    }

    async fn has_consent(
        &mut self,
        _contact_id: String,
        _channel: Channel,
    ) -> Result<bool, HostError> {
        Err(self.crm_call("has-consent", CrmAccess::Read))
    }

    async fn add_tag(&mut self, _contact_id: String, _tag: String) -> Result<(), HostError> {
        Err(self.crm_call("add-tag", CrmAccess::Write))
    }

    async fn remove_tag(&mut self, _contact_id: String, _tag: String) -> Result<(), HostError> {
        Err(self.crm_call("remove-tag", CrmAccess::Write))
    }

    async fn add_note(&mut self, _contact_id: String, _body: String) -> Result<String, HostError> {
        Err(self.crm_call("add-note", CrmAccess::Write))
    }

    async fn create_task(&mut self, _task: NewTask) -> Result<String, HostError> {
        Err(self.crm_call("create-task", CrmAccess::Write))
    }

    async fn create_opportunity(
        &mut self,
        _opportunity: NewOpportunity,
    ) -> Result<String, HostError> {
        Err(self.crm_call("create-opportunity", CrmAccess::Write))
    }

    async fn move_opportunity(
        &mut self,
        _opportunity_id: String,
        _stage_id: String,
    ) -> Result<(), HostError> {
        Err(self.crm_call("move-opportunity", CrmAccess::Write))
    }

    async fn create_booking(
        &mut self,
        _contact_id: String,
        _class_id: String,
    ) -> Result<String, HostError> {
        Err(self.crm_call("create-booking", CrmAccess::Write))
    }

    async fn cancel_booking(
        &mut self,
        _booking_id: String,
        _reason: Option<String>,
    ) -> Result<(), HostError> {
        Err(self.crm_call("cancel-booking", CrmAccess::Write))
    }

    async fn add_to_campaign(
        &mut self,
        _campaign_id: String,
        _contact_id: String,
    ) -> Result<(), HostError> {
        Err(self.crm_call("add-to-campaign", CrmAccess::Write))
    }

    async fn remove_from_campaign(
        &mut self,
        _campaign_id: String,
        _contact_id: String,
    ) -> Result<(), HostError> {
        Err(self.crm_call("remove-from-campaign", CrmAccess::Write))
    }
}
