//! `ai`: chat completion and classification through the org's language-model
//! provider. Needs the `ai` grant. No provider is configured on this host yet,
//! so a granted call answers `unavailable`, never a canned answer.

use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::ai::{
    Classification, ClassificationRequest, Completion, CompletionRequest, Host,
};
use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::runtime::manifest::Capability;

impl RunState {
    fn ai_call(&mut self, operation: &str) -> HostError {
        if !self.requested.contains(&Capability::Ai) {
            return self.deny(
                "ai",
                operation,
                "the plugin's manifest does not request ai".into(),
            );
        }
        if !self.grants.ai {
            return self.deny("ai", operation, "ai is not granted to this plugin".into());
        }
        HostError::Unavailable(format!(
            "ai.{operation} is not available: no language-model provider is configured on this host"
        ))
    }
}

impl Host for RunState {
    async fn complete(&mut self, _request: CompletionRequest) -> Result<Completion, HostError> {
        Err(self.ai_call("complete"))
    }

    async fn classify(
        &mut self,
        _request: ClassificationRequest,
    ) -> Result<Classification, HostError> {
        Err(self.ai_call("classify"))
    }
}
