//! The language-model settings of the host (`--ai-*` flags on `serve`,
//! `worker`, `workflow` and `plugin run`) and `atlas ai`: set an org's own
//! settings, and report its token usage against its monthly budget.

use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;

use super::DatabaseArgs;
use crate::capabilities::AiConfig;
use crate::capabilities::ai::config::{DEFAULT_BASE_URL, DEFAULT_MODEL};
use crate::capabilities::ai::current_month;
use crate::store::AiOrgSettings;

/// The host's language-model provider: the default for every org.
#[derive(Debug, Clone, clap::Args)]
pub struct AiArgs {
    /// OpenAI-compatible base URL; calls go to `{URL}/chat/completions`.
    #[arg(long = "ai-base-url", env = "ATLAS_AI_BASE_URL", default_value = DEFAULT_BASE_URL)]
    pub ai_base_url: String,
    /// API key sent as a bearer token; AI is unavailable to orgs without their own key when absent.
    #[arg(long = "ai-api-key", env = "ATLAS_AI_API_KEY", hide_env_values = true)]
    pub ai_api_key: Option<String>,
    /// Model used when neither the org nor the action names one.
    #[arg(long = "ai-model", env = "ATLAS_AI_MODEL", default_value = DEFAULT_MODEL)]
    pub ai_model: String,
    /// Timeout of one language-model call, in milliseconds.
    #[arg(
        long = "ai-timeout-ms",
        env = "ATLAS_AI_TIMEOUT_MS",
        default_value_t = 30_000
    )]
    pub ai_timeout_ms: u64,
    /// Tokens each org may use per calendar month (UTC) unless it has its own budget; unlimited when absent.
    #[arg(
        long = "ai-monthly-token-budget",
        env = "ATLAS_AI_MONTHLY_TOKEN_BUDGET"
    )]
    pub ai_monthly_token_budget: Option<u64>,
}

impl AiArgs {
    /// The settings the `ai` capability runs with.
    pub fn config(&self) -> AiConfig {
        AiConfig {
            base_url: self.ai_base_url.clone(),
            api_key: self.ai_api_key.clone().filter(|key| !key.is_empty()),
            model: self.ai_model.clone(),
            timeout: Duration::from_millis(self.ai_timeout_ms),
            monthly_token_budget: self.ai_monthly_token_budget,
        }
    }
}

/// `atlas ai ...`.
#[derive(Debug, clap::Subcommand)]
pub enum AiCommand {
    /// Set an org's own language-model settings (replacing the ones given).
    Set(SetArgs),
    /// Print an org's token usage per month and its budget.
    Usage(UsageArgs),
}

/// Arguments of `atlas ai set`.
#[derive(Debug, clap::Args)]
pub struct SetArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The org.
    #[arg(long)]
    pub org: String,
    /// The org's OpenAI-compatible base URL (needs the org's own key).
    #[arg(long)]
    pub base_url: Option<String>,
    /// The org's API key, stored encrypted.
    #[arg(long)]
    pub api_key: Option<String>,
    /// The org's default model.
    #[arg(long)]
    pub model: Option<String>,
    /// Tokens the org may use per calendar month.
    #[arg(long)]
    pub monthly_token_budget: Option<u64>,
    /// Forget the org's settings first (back to the host's for anything not given).
    #[arg(long)]
    pub reset: bool,
}

/// Arguments of `atlas ai usage`.
#[derive(Debug, clap::Args)]
pub struct UsageArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub ai: AiArgs,
    /// The org.
    #[arg(long)]
    pub org: String,
    /// One month, `YYYY-MM` (UTC); the last twelve months with usage when absent.
    #[arg(long)]
    pub month: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Runs an `atlas ai` command.
pub async fn run(command: AiCommand) -> anyhow::Result<ExitCode> {
    match command {
        AiCommand::Set(args) => set(args).await,
        AiCommand::Usage(args) => usage(args).await,
    }
}

async fn set(args: SetArgs) -> anyhow::Result<ExitCode> {
    if let Some(url) = &args.base_url {
        url::Url::parse(url).with_context(|| format!("--base-url `{url}` is not a URL"))?;
    }
    let store = args.db.open_store().await?;
    let mut settings = if args.reset {
        AiOrgSettings::default()
    } else {
        store.ai_settings_get(&args.org).await?
    };
    if args.base_url.is_some() {
        settings.base_url = args.base_url;
    }
    if args.api_key.is_some() {
        settings.api_key = args.api_key;
    }
    if args.model.is_some() {
        settings.model = args.model;
    }
    if args.monthly_token_budget.is_some() {
        settings.monthly_token_budget = args.monthly_token_budget;
    }
    if settings.base_url.is_some() && settings.api_key.is_none() {
        anyhow::bail!("an org's own --base-url needs the org's own --api-key");
    }
    super::org::ensure_for_command(&store, &args.org).await?;
    store.ai_settings_put(&args.org, &settings).await?;
    println!(
        "AI settings of {}: base URL {}, model {}, key {}, monthly budget {}",
        args.org,
        settings.base_url.as_deref().unwrap_or("(host's)"),
        settings.model.as_deref().unwrap_or("(host's)"),
        if settings.api_key.is_some() {
            "(org's own)"
        } else {
            "(host's)"
        },
        settings
            .monthly_token_budget
            .map_or_else(|| "(host's)".to_owned(), |b| format!("{b} tokens")),
    );
    Ok(ExitCode::SUCCESS)
}

async fn usage(args: UsageArgs) -> anyhow::Result<ExitCode> {
    if let Some(month) = &args.month
        && chrono::NaiveDate::parse_from_str(&format!("{month}-01"), "%Y-%m-%d").is_err()
    {
        anyhow::bail!("--month `{month}` is not YYYY-MM");
    }
    let store = args.db.open_store().await?;
    let settings = store.ai_settings_get(&args.org).await?;
    let budget = settings
        .monthly_token_budget
        .or(args.ai.ai_monthly_token_budget);
    let mut months = store
        .ai_usage_months(&args.org, args.month.as_deref(), 12)
        .await?;
    let current = args.month.clone().unwrap_or_else(current_month);
    if !months.iter().any(|m| m.month == current) {
        months.insert(0, store.ai_usage(&args.org, &current).await?);
    }
    if args.json {
        let report = serde_json::json!({
            "org": args.org,
            "monthly_token_budget": budget,
            "months": months,
        });
        println!("{}", serde_json::to_string_pretty(&report)?);
        return Ok(ExitCode::SUCCESS);
    }
    println!(
        "org {}: monthly budget {}",
        args.org,
        budget.map_or_else(|| "unlimited".to_owned(), |b| format!("{b} tokens"))
    );
    println!("month    requests  prompt  completion  total");
    for m in &months {
        println!(
            "{:<8} {:>8} {:>7} {:>11} {:>6}",
            m.month,
            m.requests,
            m.prompt_tokens,
            m.completion_tokens,
            m.total_tokens()
        );
    }
    Ok(ExitCode::SUCCESS)
}
