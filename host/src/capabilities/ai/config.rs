//! Which provider, key, model, timeout and budget an org's language-model
//! calls use: the host's settings, overridden by what the org set.

use std::time::Duration;

use crate::runtime::bindings::atlas::workflow::types::HostError;
use crate::store::AiOrgSettings;

/// The OpenAI API, the default provider.
pub const DEFAULT_BASE_URL: &str = "https://api.openai.com/v1";
/// The model used when neither the org nor the call names one.
pub const DEFAULT_MODEL: &str = "gpt-4o-mini";
/// How long one provider call may take.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);

/// The host's language-model settings: what every org gets unless it set its own.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AiConfig {
    /// OpenAI-compatible base URL; requests go to `{base_url}/chat/completions`.
    pub base_url: String,
    /// The host's API key; `None` leaves AI unavailable to orgs without their own.
    pub api_key: Option<String>,
    /// Default model.
    pub model: String,
    /// Timeout of one provider call.
    pub timeout: Duration,
    /// Tokens per org and calendar month (UTC); `None` is unlimited.
    pub monthly_token_budget: Option<u64>,
}

impl Default for AiConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_BASE_URL.into(),
            api_key: None,
            model: DEFAULT_MODEL.into(),
            timeout: DEFAULT_TIMEOUT,
            monthly_token_budget: None,
        }
    }
}

/// The settings one org's call runs with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgAi {
    /// Base URL without a trailing `/`.
    pub base_url: String,
    /// Bearer key.
    pub api_key: String,
    /// Default model.
    pub model: String,
    /// Timeout of one call.
    pub timeout: Duration,
    /// Monthly token budget; `None` is unlimited.
    pub monthly_token_budget: Option<u64>,
}

impl AiConfig {
    /// The host's settings overridden by `org`'s. An org that sets its own
    /// base URL must bring its own key: the host's key only ever goes to the
    /// host's provider. No key at all is `unavailable`.
    pub fn for_org(&self, org: AiOrgSettings) -> Result<OrgAi, HostError> {
        let (base_url, api_key) = match (org.base_url, org.api_key) {
            (Some(_), None) => {
                return Err(HostError::Unavailable(
                    "ai: the org set its own AI base URL but no API key for it; \
                     set the org's key too (atlas ai set --api-key)"
                        .into(),
                ));
            }
            (base_url, Some(key)) => (base_url.unwrap_or_else(|| self.base_url.clone()), key),
            (None, None) => match &self.api_key {
                Some(key) => (self.base_url.clone(), key.clone()),
                None => {
                    return Err(HostError::Unavailable(
                        "ai: no language-model API key is configured: start the host with \
                         --ai-api-key (ATLAS_AI_API_KEY) or set the org's key with \
                         atlas ai set --api-key"
                            .into(),
                    ));
                }
            },
        };
        Ok(OrgAi {
            base_url: base_url.trim_end_matches('/').to_owned(),
            api_key,
            model: org.model.unwrap_or_else(|| self.model.clone()),
            timeout: self.timeout,
            monthly_token_budget: org.monthly_token_budget.or(self.monthly_token_budget),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host(key: Option<&str>) -> AiConfig {
        AiConfig {
            base_url: "https://llm.example/v1/".into(),
            api_key: key.map(Into::into),
            monthly_token_budget: Some(1_000),
            ..AiConfig::default()
        }
    }

    #[test]
    fn the_host_settings_apply_when_the_org_set_nothing() {
        let ai = host(Some("sk-host"))
            .for_org(AiOrgSettings::default())
            .unwrap();
        assert_eq!(ai.base_url, "https://llm.example/v1");
        assert_eq!(ai.api_key, "sk-host");
        assert_eq!(ai.model, DEFAULT_MODEL);
        assert_eq!(ai.monthly_token_budget, Some(1_000));
    }

    #[test]
    fn the_org_overrides_key_model_budget_and_base_url() {
        let org = AiOrgSettings {
            base_url: Some("https://org-llm.example/v1".into()),
            model: Some("llama-3.1-8b".into()),
            api_key: Some("sk-org".into()),
            monthly_token_budget: Some(50),
        };
        let ai = host(None).for_org(org).unwrap();
        assert_eq!(ai.base_url, "https://org-llm.example/v1");
        assert_eq!(ai.api_key, "sk-org");
        assert_eq!(ai.model, "llama-3.1-8b");
        assert_eq!(ai.monthly_token_budget, Some(50));
    }

    #[test]
    fn no_key_is_unavailable_and_the_host_key_never_leaves_for_an_org_url() {
        let error = host(None).for_org(AiOrgSettings::default()).unwrap_err();
        assert!(
            matches!(&error, HostError::Unavailable(m) if m.contains("no language-model API key")),
            "{error:?}"
        );
        let org_url = AiOrgSettings {
            base_url: Some("https://attacker.example".into()),
            ..AiOrgSettings::default()
        };
        let error = host(Some("sk-host")).for_org(org_url).unwrap_err();
        assert!(
            matches!(&error, HostError::Unavailable(m) if m.contains("no API key for it")),
            "{error:?}"
        );
    }
}
