//! Per-org language-model settings (base URL, model, the org's own API key
//! sealed with the secret cipher, monthly token budget) and the tokens each
//! org used per calendar month (UTC).

use anyhow::Context as _;
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// What an org set for its language-model calls; `None` keeps the host's value.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AiOrgSettings {
    /// OpenAI-compatible base URL, such as `https://api.openai.com/v1`.
    pub base_url: Option<String>,
    /// Default model.
    pub model: Option<String>,
    /// The org's own API key (stored encrypted).
    pub api_key: Option<String>,
    /// Tokens (prompt + completion) the org may use per calendar month.
    pub monthly_token_budget: Option<u64>,
}

/// Tokens one org used in one month.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct AiUsage {
    /// `YYYY-MM`, UTC.
    pub month: String,
    /// Completed calls.
    pub requests: u64,
    /// Tokens in the prompts.
    pub prompt_tokens: u64,
    /// Tokens generated.
    pub completion_tokens: u64,
}

impl AiUsage {
    /// Prompt and completion tokens together: what the budget counts.
    pub fn total_tokens(&self) -> u64 {
        self.prompt_tokens + self.completion_tokens
    }
}

/// The associated data binding an org's sealed API key to that org.
fn key_binding(org: &str) -> Vec<u8> {
    format!("ai-api-key\u{0}{org}").into_bytes()
}

fn to_i64(value: u64, what: &str) -> anyhow::Result<i64> {
    i64::try_from(value).with_context(|| format!("{what} {value} is too large"))
}

impl Store {
    /// Replaces the org's language-model settings.
    pub async fn ai_settings_put(&self, org: &str, settings: &AiOrgSettings) -> anyhow::Result<()> {
        let sealed = settings
            .api_key
            .as_deref()
            .map(|key| self.cipher.seal(&key_binding(org), key.as_bytes()))
            .transpose()?;
        let (nonce, ciphertext) = sealed.unzip();
        let budget = settings
            .monthly_token_budget
            .map(|b| to_i64(b, "monthly token budget"))
            .transpose()?;
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO ai_org_settings (org_id, base_url, model, key_nonce, key_ciphertext, monthly_token_budget, updated_at)
             VALUES ($1, $2, $3, $4, $5, $6, $7)
             ON CONFLICT (org_id) DO UPDATE SET base_url = excluded.base_url, model = excluded.model,
                 key_nonce = excluded.key_nonce, key_ciphertext = excluded.key_ciphertext,
                 monthly_token_budget = excluded.monthly_token_budget, updated_at = excluded.updated_at",
        )
        .bind(org)
        .bind(settings.base_url.as_deref())
        .bind(settings.model.as_deref())
        .bind(nonce)
        .bind(ciphertext)
        .bind(budget)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The org's language-model settings, with its API key decrypted; all
    /// `None` when the org set nothing.
    pub async fn ai_settings_get(&self, org: &str) -> anyhow::Result<AiOrgSettings> {
        type Columns = (
            Option<String>,
            Option<String>,
            Option<Vec<u8>>,
            Option<Vec<u8>>,
            Option<i64>,
        );
        let row: Option<Columns> = with_pool!(&self.pool, p => sqlx::query(
            "SELECT base_url, model, key_nonce, key_ciphertext, monthly_token_budget FROM ai_org_settings WHERE org_id = $1",
        )
        .bind(org)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| Ok::<_, sqlx::Error>((
            r.try_get("base_url")?,
            r.try_get("model")?,
            r.try_get("key_nonce")?,
            r.try_get("key_ciphertext")?,
            r.try_get("monthly_token_budget")?,
        ))).transpose()))?;
        let Some((base_url, model, nonce, ciphertext, budget)) = row else {
            return Ok(AiOrgSettings::default());
        };
        let api_key = match (nonce, ciphertext) {
            (Some(nonce), Some(ciphertext)) => {
                let plain = self.cipher.open(&key_binding(org), &nonce, &ciphertext)?;
                Some(String::from_utf8(plain).context("stored AI API key is not UTF-8")?)
            }
            _ => None,
        };
        Ok(AiOrgSettings {
            base_url,
            model,
            api_key,
            monthly_token_budget: budget.map(|b| b.max(0) as u64),
        })
    }

    /// Adds one completed call's tokens to the org's usage for `month`.
    pub async fn ai_usage_record(
        &self,
        org: &str,
        month: &str,
        prompt_tokens: u64,
        completion_tokens: u64,
    ) -> anyhow::Result<()> {
        let prompt = to_i64(prompt_tokens, "prompt tokens")?;
        let completion = to_i64(completion_tokens, "completion tokens")?;
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO ai_usage (org_id, month, requests, prompt_tokens, completion_tokens, updated_at)
             VALUES ($1, $2, 1, $3, $4, $5)
             ON CONFLICT (org_id, month) DO UPDATE SET requests = ai_usage.requests + 1,
                 prompt_tokens = ai_usage.prompt_tokens + excluded.prompt_tokens,
                 completion_tokens = ai_usage.completion_tokens + excluded.completion_tokens,
                 updated_at = excluded.updated_at",
        )
        .bind(org)
        .bind(month)
        .bind(prompt)
        .bind(completion)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The org's usage in `month` (zeros when it made no call).
    pub async fn ai_usage(&self, org: &str, month: &str) -> anyhow::Result<AiUsage> {
        let mut months = self.ai_usage_months(org, Some(month), 1).await?;
        Ok(months.pop().unwrap_or_else(|| AiUsage {
            month: month.to_owned(),
            ..AiUsage::default()
        }))
    }

    /// The org's usage per month, newest first, at most `limit` months;
    /// only `month` when given.
    pub async fn ai_usage_months(
        &self,
        org: &str,
        month: Option<&str>,
        limit: i64,
    ) -> anyhow::Result<Vec<AiUsage>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT month, requests, prompt_tokens, completion_tokens FROM ai_usage
             WHERE org_id = $1 AND ($2 IS NULL OR month = $2) ORDER BY month DESC LIMIT $3",
        )
        .bind(org)
        .bind(month)
        .bind(limit)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| Ok(AiUsage {
            month: r.try_get("month")?,
            requests: r.try_get::<i64, _>("requests")?.max(0) as u64,
            prompt_tokens: r.try_get::<i64, _>("prompt_tokens")?.max(0) as u64,
            completion_tokens: r.try_get::<i64, _>("completion_tokens")?.max(0) as u64,
        })).collect::<Result<Vec<_>, sqlx::Error>>()))?;
        Ok(rows)
    }
}
