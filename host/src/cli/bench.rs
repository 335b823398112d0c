//! `atlas bench …`: run a benchmark and print its figures.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::bench::plugin::{PluginBenchConfig, run as run_plugin_bench};

/// The benchmarks.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Plugin runtime: trivial call, webhook call, cold and warm load.
    Plugin(PluginBenchArgs),
}

/// Arguments of `atlas bench plugin`.
#[derive(Debug, clap::Args)]
pub struct PluginBenchArgs {
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The no-op test component.
    #[arg(long, default_value = "target/test-components/test-noop.wasm")]
    pub noop: PathBuf,
    /// The webhook component.
    #[arg(long, default_value = "target/components/webhook-send.wasm")]
    pub webhook: PathBuf,
    /// Trivial calls to measure.
    #[arg(long, default_value_t = 20_000)]
    pub iterations: usize,
    /// Webhook calls to measure.
    #[arg(long, default_value_t = 2_000)]
    pub webhook_iterations: usize,
    /// Cold/warm load rounds.
    #[arg(long, default_value_t = 5)]
    pub load_iterations: usize,
}

/// Runs the chosen benchmark.
pub async fn run(command: BenchCommand) -> anyhow::Result<ExitCode> {
    match command {
        BenchCommand::Plugin(args) => {
            let report = run_plugin_bench(&PluginBenchConfig {
                noop: args.noop,
                webhook: args.webhook,
                trivial_iterations: args.iterations,
                webhook_iterations: args.webhook_iterations,
                load_iterations: args.load_iterations,
            })
            .await?;
            if args.json {
                println!("{}", serde_json::to_string(&report)?);
            } else {
                println!("{}", serde_json::to_string_pretty(&report)?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
