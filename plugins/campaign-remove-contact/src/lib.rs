//! `atlas.campaign.remove-contact`: removes the contact from a campaign ("stop the win-back
//! emails once they book"). A contact not in it is left as it is and the
//! step still succeeds.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{CampaignMembershipInput, CampaignMembershipOutput, change_membership};

/// The outcome of every successful run.
const REMOVED: &str = "removed";

/// The remove-contact campaign action.
pub struct RemoveContact;

impl Action for RemoveContact {
    type Input = CampaignMembershipInput;
    type Output = CampaignMembershipOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.campaign.remove-contact",
            "Remove from campaign",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Removes the contact from a marketing campaign.")
        .category(Category::Marketing)
        .icon("megaphone-off")
        .outcome(REMOVED, "Removed")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: CampaignMembershipInput,
    ) -> Result<Outcome<CampaignMembershipOutput>, ActionError> {
        let output = change_membership(ctx, input, crm::remove_from_campaign)?;
        Ok(Outcome::new(REMOVED, output))
    }
}

atlas_sdk::export_action!(RemoveContact);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<RemoveContact>();
        assert_eq!(manifest.id, "atlas.campaign.remove-contact");
        assert_eq!(manifest.category, Category::Marketing);
        assert_eq!(manifest.outcomes[0].name, "removed");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
    }

    #[test]
    fn a_blank_campaign_or_no_contact_is_invalid_input() {
        let input =
            serde_json::from_value(json!({ "campaign_id": "", "contact_id": "c_1" })).unwrap();
        assert_eq!(
            RemoveContact::execute(&Context::default(), input).unwrap_err(),
            ActionError::invalid_input("campaign_id must not be empty")
        );
        let input = serde_json::from_value(json!({ "campaign_id": "k_1" })).unwrap();
        let error = RemoveContact::execute(&Context::default(), input).unwrap_err();
        assert!(matches!(error, ActionError::InvalidInput(m) if m.starts_with("no contact")));
    }
}
