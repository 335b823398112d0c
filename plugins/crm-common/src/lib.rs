//! What the built-in CRM, booking, campaign and lead-scoring actions share:
//! which contact a run acts on, CRM host failures turned into action errors
//! that name what failed, required text inputs, and the contact as an output
//! document.

pub mod campaign_membership;
pub mod contact;
pub mod contact_id;
pub mod crm_failure;
pub mod required;

pub use campaign_membership::{
    CampaignMembershipInput, CampaignMembershipOutput, change_membership,
};
pub use contact::ContactOutput;
pub use contact_id::resolve_contact_id;
pub use crm_failure::{Access, crm_failure};
pub use required::required;
