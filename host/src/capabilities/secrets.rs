//! `secrets`: values an org admin entered at install, readable only by the plugin
//! they were entered for, and only when that name was requested and granted.

use crate::capabilities::arguments::{MAX_SECRET_NAME_BYTES, check_bytes};
use crate::capabilities::grants::requested_secret;
use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::secrets::Host;
use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::runtime::call_budget::CallKind;

impl Host for RunState {
    async fn get(&mut self, name: String) -> Result<String, HostError> {
        check_bytes("name", &name, MAX_SECRET_NAME_BYTES)?;
        if !requested_secret(&self.requested, &name) {
            return Err(self.deny(
                "secret",
                &name,
                "the plugin's manifest does not request it".into(),
            ));
        }
        if !self.grants.allows_secret(&name) {
            return Err(self.deny("secret", &name, "not granted to this plugin".into()));
        }
        self.spend(CallKind::Secret)?;
        match self
            .services
            .store
            .secret_get(&self.org_id, &self.plugin_id, &name)
            .await
        {
            Ok(Some(value)) => Ok(value),
            Ok(None) => Err(HostError::NotFound(format!(
                "secret `{name}` has not been entered for this plugin"
            ))),
            Err(e) => {
                tracing::error!(error = %e, plugin = %self.plugin_id, "reading a secret failed");
                Err(HostError::Failed("the secret store is unavailable".into()))
            }
        }
    }
}
