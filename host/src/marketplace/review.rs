//! After publishing: review (pending → approved or rejected, by a platform
//! admin), yank (no new installs; by the publisher or a platform admin) and
//! the kill switch (disabled everywhere at once; running executions fail
//! that step). Every change is audited.

use super::Marketplace;
use crate::store::marketplace::ReviewStatus;

/// Who acts, for the audit log.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    /// The acting user's org.
    pub org: &'a str,
    /// The acting user.
    pub subject: &'a str,
}

impl Marketplace {
    /// Approves (`reason` = `None`) or rejects a pending version; false when
    /// it is not pending.
    pub async fn review(
        &self,
        actor: Actor<'_>,
        id: &str,
        version: &str,
        reject: Option<&str>,
    ) -> anyhow::Result<bool> {
        let status = if reject.is_some() {
            ReviewStatus::Rejected
        } else {
            ReviewStatus::Approved
        };
        let done = self
            .store
            .plugin_version_review(id, version, status, reject, actor.subject)
            .await?;
        if done {
            let action = if reject.is_some() {
                "plugin.rejected"
            } else {
                "plugin.approved"
            };
            self.audit(
                actor,
                action,
                format!("{id}@{version}"),
                serde_json::json!({ "reason": reject }),
            )
            .await?;
            self.forget_access();
        }
        Ok(done)
    }

    /// Yanks a version; false when it was yanked already.
    pub async fn yank(&self, actor: Actor<'_>, id: &str, version: &str) -> anyhow::Result<bool> {
        let done = self.store.plugin_version_yank(id, version).await?;
        if done {
            self.audit(
                actor,
                "plugin.yanked",
                format!("{id}@{version}"),
                serde_json::json!({}),
            )
            .await?;
        }
        Ok(done)
    }

    /// Disables a version everywhere (`Some(reason)`) or lifts the switch (`None`).
    pub async fn kill_switch(
        &self,
        actor: Actor<'_>,
        id: &str,
        version: &str,
        reason: Option<&str>,
    ) -> anyhow::Result<bool> {
        let done = self.store.plugin_version_kill(id, version, reason).await?;
        if done {
            let action = if reason.is_some() {
                "plugin.killed"
            } else {
                "plugin.revived"
            };
            self.audit(
                actor,
                action,
                format!("{id}@{version}"),
                serde_json::json!({ "reason": reason }),
            )
            .await?;
            self.forget_access();
        }
        Ok(done)
    }
}
