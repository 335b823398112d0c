//! Adding a contact to a campaign and removing one share everything but the
//! CRM call and the outcome: the input (campaign, optional contact), the
//! output, and the checks.

use atlas_sdk::{ActionError, Context, HostError};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

use crate::{Access, crm_failure, required, resolve_contact_id};

/// The campaign, and the contact when it is not the run's.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CampaignMembershipInput {
    /// The campaign.
    pub campaign_id: String,
    /// The contact; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The campaign and the contact.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct CampaignMembershipOutput {
    /// The campaign.
    pub campaign_id: String,
    /// The contact.
    pub contact_id: String,
}

/// Checks the input, resolves the contact and applies `change` (the CRM's
/// add or remove) to the pair.
pub fn change_membership(
    ctx: &Context,
    input: CampaignMembershipInput,
    change: impl FnOnce(&str, &str) -> Result<(), HostError>,
) -> Result<CampaignMembershipOutput, ActionError> {
    let campaign_id = required("campaign_id", &input.campaign_id)?.to_owned();
    let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
    change(&campaign_id, &contact_id).map_err(|error| crm_failure(Access::Write, error))?;
    Ok(CampaignMembershipOutput {
        campaign_id,
        contact_id,
    })
}
