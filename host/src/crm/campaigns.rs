//! Campaigns and their members, with per-campaign counters.

use super::Crm;
use super::error::{CrmError, CrmResult};
use crate::store::crm::{Campaign, CampaignChange, new_id};

impl Crm {
    /// Creates a campaign.
    pub async fn create_campaign(&self, org: &str, name: &str) -> CrmResult<Campaign> {
        if name.trim().is_empty() {
            return Err(CrmError::Invalid("the campaign has no name".into()));
        }
        let id = new_id();
        self.store
            .crm_create_campaign(org, &id, name.trim(), self.now_ms())
            .await?;
        self.campaign(org, &id).await
    }

    /// A campaign with its counters.
    pub async fn campaign(&self, org: &str, id: &str) -> CrmResult<Campaign> {
        self.store
            .crm_campaign(org, id)
            .await?
            .ok_or_else(|| CrmError::NotFound(format!("campaign `{id}` does not exist")))
    }

    /// Checks that both the campaign and the contact exist.
    pub async fn check_campaign_member(
        &self,
        org: &str,
        campaign: &str,
        contact: &str,
    ) -> CrmResult<()> {
        self.campaign(org, campaign).await?;
        self.contact(org, contact).await?;
        Ok(())
    }

    /// Adds the contact to the campaign; false when it already was in it.
    pub async fn add_to_campaign(
        &self,
        org: &str,
        campaign: &str,
        contact: &str,
    ) -> CrmResult<bool> {
        self.check_campaign_member(org, campaign, contact).await?;
        changed(
            campaign,
            self.store
                .crm_add_to_campaign(org, campaign, contact, self.now_ms())
                .await?,
        )
    }

    /// Removes the contact from the campaign; false when it was not in it.
    pub async fn remove_from_campaign(
        &self,
        org: &str,
        campaign: &str,
        contact: &str,
    ) -> CrmResult<bool> {
        self.check_campaign_member(org, campaign, contact).await?;
        changed(
            campaign,
            self.store
                .crm_remove_from_campaign(org, campaign, contact, self.now_ms())
                .await?,
        )
    }

    /// Ids of the campaign's current members.
    pub async fn campaign_members(&self, org: &str, campaign: &str) -> CrmResult<Vec<String>> {
        self.campaign(org, campaign).await?;
        Ok(self.store.crm_campaign_members(org, campaign).await?)
    }
}

fn changed(campaign: &str, change: CampaignChange) -> CrmResult<bool> {
    match change {
        CampaignChange::Changed => Ok(true),
        CampaignChange::Unchanged => Ok(false),
        CampaignChange::NoSuchCampaign => Err(CrmError::NotFound(format!(
            "campaign `{campaign}` does not exist"
        ))),
    }
}
