//! `atlas plugin run`: run one action component once, locally, and print what a
//! partner needs before publishing: output or typed error, outcome, fuel,
//! peak memory, wall time, logs and every denied capability call.

use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use crate::capabilities::{Grants, HostServices, NetworkPolicy, OutboundHttp};
use crate::runtime::{
    ActionContext, Capability, LoadOptions, RunLimits, RunReport, RunRequest, Runtime,
    RuntimeConfig,
};
use crate::store::{SecretCipher, Store};

/// Arguments of `atlas plugin run`.
#[derive(Debug, clap::Args)]
pub struct RunArgs {
    /// The component (`.wasm`).
    pub component: PathBuf,
    /// The input document, as JSON.
    #[arg(long, default_value = "{}", conflicts_with = "input_file")]
    pub input: String,
    /// Read the input document from a file.
    #[arg(long)]
    pub input_file: Option<PathBuf>,
    /// Grant a capability: `http:HOST`, `kv`, `secret:NAME`, `crm:read`, `crm:write`, `ai`.
    #[arg(long = "grant", value_name = "CAPABILITY")]
    pub grants: Vec<String>,
    /// Provide (and grant) a secret: `NAME=VALUE`.
    #[arg(long = "secret", value_name = "NAME=VALUE")]
    pub secrets: Vec<String>,
    /// Let HTTP reach loopback addresses (a local test server).
    #[arg(long)]
    pub allow_loopback: bool,
    /// Let HTTP reach this address range (CIDR); repeatable.
    #[arg(long = "allow-net", value_name = "CIDR")]
    pub allow_net: Vec<ipnet::IpNet>,
    /// Context fields as JSON (org_id, step_id, attempt, trigger, contact, ...).
    #[arg(long)]
    pub context: Option<String>,
    /// Run against the store in this data directory: its CRM (contacts from
    /// `atlas contact`), secrets and AI settings, for the context's `org_id`
    /// (`local` unless --context sets it; `atlas contact` uses `demo`).
    /// Without it the run gets an empty in-memory store. CRM changes are
    /// real unless --test-mode is given; --secret is refused, as it would
    /// overwrite the secrets stored there.
    #[arg(long, conflicts_with = "secrets")]
    pub data_dir: Option<PathBuf>,
    /// Run in test mode: the action must not send anything.
    #[arg(long)]
    pub test_mode: bool,
    /// Wall-clock budget in milliseconds.
    #[arg(long)]
    pub timeout_ms: Option<u64>,
    /// Fuel budget.
    #[arg(long)]
    pub fuel: Option<u64>,
    /// Memory cap in MiB.
    #[arg(long)]
    pub memory_mb: Option<usize>,
    /// Print the full report as JSON.
    #[arg(long)]
    pub json: bool,
    /// The language-model provider of the `ai` capability.
    #[command(flatten)]
    pub ai: super::ai::AiArgs,
}

/// Runs the component and prints the report; exit code 1 when the run failed.
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let input_text = match &args.input_file {
        Some(path) => {
            std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?
        }
        None => args.input.clone(),
    };
    let input: serde_json::Value =
        serde_json::from_str(&input_text).context("--input is not valid JSON")?;
    let mut context: ActionContext = match &args.context {
        Some(text) => {
            serde_json::from_str(text).context("--context is not a valid context document")?
        }
        None => ActionContext::default(),
    };
    context.test_mode |= args.test_mode;

    let mut grants = Grants::default();
    for spec in &args.grants {
        grants.add(spec.parse::<Capability>().map_err(anyhow::Error::msg)?);
    }
    let mut secrets = Vec::new();
    for spec in &args.secrets {
        let (name, value) = spec
            .split_once('=')
            .with_context(|| format!("--secret `{spec}` must be NAME=VALUE"))?;
        grants.add(Capability::Secret(name.to_string()));
        secrets.push((name.to_string(), value.to_string()));
    }

    let mut policy = if args.allow_loopback {
        NetworkPolicy::allowing_loopback()
    } else {
        NetworkPolicy::default()
    };
    policy.allow.extend(args.allow_net.iter().copied());

    let defaults = RunLimits::default();
    let limits = RunLimits {
        timeout: args
            .timeout_ms
            .map(Duration::from_millis)
            .unwrap_or(defaults.timeout),
        fuel: args.fuel.unwrap_or(defaults.fuel),
        memory_bytes: args
            .memory_mb
            .map(|mb| mb << 20)
            .unwrap_or(defaults.memory_bytes),
        ..defaults
    };

    let store = match &args.data_dir {
        Some(data_dir) => {
            super::DatabaseArgs {
                data_dir: data_dir.clone(),
                database_url: None,
                blobs_dir: None,
            }
            .open_store()
            .await?
        }
        None => Store::open("sqlite::memory:", SecretCipher::ephemeral()).await?,
    };
    let services = Arc::new(HostServices {
        store: store.clone(),
        http: OutboundHttp::new(policy)?,
        ai: args.ai.config(),
    });
    let runtime = Runtime::new(RuntimeConfig::default(), services)?;
    let plugin = runtime
        .load_file(
            &args.component,
            LoadOptions {
                limits: Some(limits),
            },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}: {e}", args.component.display()))?;
    for (name, value) in &secrets {
        store
            .secret_put(&context.org_id, &plugin.manifest.id, name, value)
            .await?;
    }
    let report = runtime
        .run(
            &plugin,
            RunRequest {
                context,
                input,
                grants: Arc::new(grants),
            },
        )
        .await;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        print_human(&report);
    }
    Ok(if report.result.is_ok() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_human(report: &RunReport) {
    println!(
        "plugin:      {}@{}",
        report.plugin_id, report.plugin_version
    );
    match &report.result {
        Ok(output) => {
            println!("outcome:     {}", output.outcome);
            println!(
                "output:      {}",
                serde_json::to_string_pretty(&output.data).unwrap_or_default()
            );
        }
        Err(error) => {
            println!("error:       {} ({})", error, error.kind());
        }
    }
    println!("fuel:        {}", report.fuel_consumed);
    println!("peak memory: {} KiB", report.peak_memory_bytes / 1024);
    println!(
        "wall time:   {:.3} ms",
        report.wall_time.as_secs_f64() * 1000.0
    );
    println!("http calls:  {}", report.http_requests);
    for line in &report.logs {
        println!("log [{}]: {}", line.level, line.message);
    }
    if report.logs_dropped > 0 {
        println!(
            "log: {} more lines dropped (log cap reached)",
            report.logs_dropped
        );
    }
    if report.denials.is_empty() {
        println!("denied:      none");
    }
    for denial in &report.denials {
        println!(
            "denied:      {} {} ({})",
            denial.capability, denial.target, denial.reason
        );
    }
    if report.denials_dropped > 0 {
        println!(
            "denied:      {} more refused calls not kept (denial cap reached)",
            report.denials_dropped
        );
    }
}
