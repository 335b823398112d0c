//! `atlas.campaign.add-contact`: adds the contact to a campaign. A contact already in it
//! stays in it once and the step still succeeds.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{CampaignMembershipInput, CampaignMembershipOutput, change_membership};

/// The outcome of every successful run.
const ADDED: &str = "added";

/// The add-contact campaign action.
pub struct AddContact;

impl Action for AddContact {
    type Input = CampaignMembershipInput;
    type Output = CampaignMembershipOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.campaign.add-contact",
            "Add to campaign",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Adds the contact to a marketing campaign.")
        .category(Category::Marketing)
        .icon("megaphone")
        .outcome(ADDED, "Added")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: CampaignMembershipInput,
    ) -> Result<Outcome<CampaignMembershipOutput>, ActionError> {
        let output = change_membership(ctx, input, crm::add_to_campaign)?;
        Ok(Outcome::new(ADDED, output))
    }
}

atlas_sdk::export_action!(AddContact);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<AddContact>();
        assert_eq!(manifest.id, "atlas.campaign.add-contact");
        assert_eq!(manifest.category, Category::Marketing);
        assert_eq!(manifest.outcomes[0].name, "added");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
    }

    #[test]
    fn a_blank_campaign_or_no_contact_is_invalid_input() {
        let input =
            serde_json::from_value(json!({ "campaign_id": "", "contact_id": "c_1" })).unwrap();
        assert_eq!(
            AddContact::execute(&Context::default(), input).unwrap_err(),
            ActionError::invalid_input("campaign_id must not be empty")
        );
        let input = serde_json::from_value(json!({ "campaign_id": "k_1" })).unwrap();
        let error = AddContact::execute(&Context::default(), input).unwrap_err();
        assert!(matches!(error, ActionError::InvalidInput(m) if m.starts_with("no contact")));
    }
}
