//! `ai`: chat completion and classification through the org's
//! OpenAI-compatible language-model provider. Needs the `ai` grant.
//!
//! Which provider, key and model a call uses is [`AiConfig`] (the host's
//! settings, from `--ai-*` flags) overridden by the org's own settings in the
//! store. Each org has a monthly token budget: a call is refused with
//! `host-error::limit` once the month's usage reached it, and each completed
//! call adds the tokens the provider reported. Calls go through the same
//! SSRF-guarded client as plugin HTTP. Without a key a call is
//! `unavailable`, never a canned answer. Prompt size, message count, the
//! tokens asked for and the reply's size are capped ([`caps`]) before the
//! budget or the provider is consulted.

pub mod caps;
mod classify;
pub mod config;
mod provider;

pub use config::AiConfig;

use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::ai::{
    ChatMessage, Classification, ClassificationRequest, Completion, CompletionRequest, Host,
};
use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::runtime::manifest::Capability;
use provider::{ChatCall, ChatReply};

/// The calendar month (UTC) usage is counted in: `YYYY-MM`.
pub fn current_month() -> String {
    chrono::Utc::now().format("%Y-%m").to_string()
}

impl RunState {
    fn ai_check(&mut self, operation: &str) -> Result<(), HostError> {
        if !self.requested.contains(&Capability::Ai) {
            return Err(self.deny(
                "ai",
                operation,
                "the plugin's manifest does not request ai".into(),
            ));
        }
        if !self.grants.ai {
            return Err(self.deny("ai", operation, "ai is not granted to this plugin".into()));
        }
        Ok(())
    }

    /// One chat completion for the run's org: settings, budget, call, usage.
    async fn ai_chat(
        &mut self,
        messages: Vec<ChatMessage>,
        model: Option<String>,
        temperature: Option<f32>,
        max_tokens: Option<u32>,
    ) -> Result<ChatReply, HostError> {
        caps::check_prompt(&messages)?;
        let max_tokens = Some(caps::completion_tokens(max_tokens)?);
        let store = &self.services.store;
        let settings = store.ai_settings_get(&self.org_id).await.map_err(|e| {
            tracing::error!(error = %e, org = %self.org_id, "reading AI settings failed");
            HostError::Failed("ai: the org's AI settings cannot be read".into())
        })?;
        let ai = self.services.ai.for_org(settings)?;
        let month = current_month();
        if let Some(budget) = ai.monthly_token_budget {
            let used = store.ai_usage(&self.org_id, &month).await.map_err(|e| {
                tracing::error!(error = %e, org = %self.org_id, "reading AI usage failed");
                HostError::Failed("ai: the org's AI usage cannot be read".into())
            })?;
            if used.total_tokens() >= budget {
                return Err(HostError::Limit(format!(
                    "ai: the org's monthly budget of {budget} tokens is used up \
                     ({} tokens used in {month})",
                    used.total_tokens()
                )));
            }
        }
        let call = ChatCall {
            messages,
            model: model
                .map(|m| m.trim().to_owned())
                .filter(|m| !m.is_empty())
                .unwrap_or_else(|| ai.model.clone()),
            temperature,
            max_tokens,
        };
        let reply = provider::chat(&self.services.http, &ai, &call).await?;
        if let Err(e) = store
            .ai_usage_record(
                &self.org_id,
                &month,
                u64::from(reply.prompt_tokens),
                u64::from(reply.completion_tokens),
            )
            .await
        {
            tracing::error!(error = %e, org = %self.org_id, "recording AI usage failed");
        }
        Ok(reply)
    }
}

impl Host for RunState {
    async fn complete(&mut self, request: CompletionRequest) -> Result<Completion, HostError> {
        self.ai_check("complete")?;
        if request.messages.is_empty() {
            return Err(HostError::Invalid(
                "ai.complete needs at least one message".into(),
            ));
        }
        if let Some(t) = request.temperature
            && !(0.0..=2.0).contains(&t)
        {
            return Err(HostError::Invalid(format!(
                "ai.complete temperature must be between 0 and 2, got {t}"
            )));
        }
        if request.max_tokens == Some(0) {
            return Err(HostError::Invalid(
                "ai.complete max-tokens must be at least 1".into(),
            ));
        }
        let reply = self
            .ai_chat(
                request.messages,
                request.model,
                request.temperature,
                request.max_tokens,
            )
            .await?;
        Ok(Completion {
            text: reply.text,
            model: reply.model,
            prompt_tokens: reply.prompt_tokens,
            completion_tokens: reply.completion_tokens,
        })
    }

    async fn classify(
        &mut self,
        request: ClassificationRequest,
    ) -> Result<Classification, HostError> {
        self.ai_check("classify")?;
        let labels = classify::checked_labels(&request)?;
        let messages = classify::prompt(&request, &labels);
        let reply = self
            .ai_chat(
                messages,
                request.model,
                Some(0.0),
                Some(classify::ANSWER_MAX_TOKENS),
            )
            .await?;
        let (label, confidence) = classify::parse_answer(&reply.text, &labels)?;
        Ok(Classification { label, confidence })
    }
}
