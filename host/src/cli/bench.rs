//! `atlas bench …`: run a benchmark and print its figures.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::bench::plugin::{PluginBenchConfig, run as run_plugin_bench};

/// The benchmarks.
#[derive(Debug, clap::Subcommand)]
pub enum BenchCommand {
    /// Plugin runtime: trivial call, webhook call, cold and warm load.
    Plugin(PluginBenchArgs),
    /// Workflow engine: executions per second, latency, memory of parked executions.
    Engine(EngineBenchArgs),
    /// HTTP API: authenticated `POST .../execute` requests per second and latency.
    Api(ApiBenchArgs),
    /// Analytics: rollup build time and query time for a workflow with 1,000,000 step events.
    Analytics(AnalyticsBenchArgs),
}

/// Arguments of `atlas bench analytics`.
#[derive(Debug, clap::Args)]
pub struct AnalyticsBenchArgs {
    /// `sqlite` (a fresh temp file) or a `postgres://` URL.
    #[arg(long, default_value = "sqlite")]
    pub db: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// Step events to seed.
    #[arg(long, default_value_t = 1_000_000)]
    pub step_events: usize,
    /// Timed analytics queries (the median and p95 are printed).
    #[arg(long, default_value_t = 21)]
    pub repetitions: usize,
}

/// Arguments of `atlas bench api`.
#[derive(Debug, clap::Args)]
pub struct ApiBenchArgs {
    /// `sqlite` (a fresh temp file) or a `postgres://` URL.
    #[arg(long, default_value = "sqlite")]
    pub db: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The no-op test component.
    #[arg(long, default_value = "target/test-components/test-noop.wasm")]
    pub noop: PathBuf,
    /// Concurrent client connections.
    #[arg(long, default_value_t = 32)]
    pub connections: usize,
    /// Seconds of measured load.
    #[arg(long, default_value_t = 10)]
    pub seconds: u64,
    /// Load generator: `wrk` in a second process (Debian's `wrk`), the
    /// in-process client, or `auto` (wrk when installed).
    #[arg(long, value_enum, default_value = "auto")]
    pub client: crate::bench::api::LoadClient,
}

/// Arguments of `atlas bench engine`.
#[derive(Debug, clap::Args)]
pub struct EngineBenchArgs {
    /// `sqlite` (a fresh temp file) or a `postgres://` URL.
    #[arg(long, default_value = "sqlite")]
    pub db: String,
    /// Print one JSON object.
    #[arg(long)]
    pub json: bool,
    /// The no-op test component.
    #[arg(long, default_value = "target/test-components/test-noop.wasm")]
    pub noop: PathBuf,
    /// Executions in the throughput run.
    #[arg(long, default_value_t = 20_000)]
    pub executions: usize,
    /// Seconds of the half-load latency run.
    #[arg(long, default_value_t = 5)]
    pub latency_seconds: u64,
    /// Executions parked on delays for the memory figure.
    #[arg(long, default_value_t = 100_000)]
    pub parked: usize,
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
            print(&report, args.json)?;
        }
        BenchCommand::Engine(args) => {
            let report = crate::bench::engine::run(&crate::bench::engine::EngineBenchConfig {
                db: args.db,
                noop: args.noop,
                executions: args.executions,
                latency_seconds: args.latency_seconds,
                parked: args.parked,
            })
            .await?;
            print(&report, args.json)?;
        }
        BenchCommand::Api(args) => {
            let report = crate::bench::api::run(&crate::bench::api::ApiBenchConfig {
                db: args.db,
                noop: args.noop,
                connections: args.connections,
                seconds: args.seconds,
                client: args.client,
            })
            .await?;
            print(&report, args.json)?;
        }
        BenchCommand::Analytics(args) => {
            let report =
                crate::bench::analytics::run(&crate::bench::analytics::AnalyticsBenchConfig {
                    db: args.db,
                    step_events: args.step_events,
                    repetitions: args.repetitions,
                })
                .await?;
            print(&report, args.json)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn print(report: &impl serde::Serialize, json: bool) -> anyhow::Result<()> {
    if json {
        println!("{}", serde_json::to_string(report)?);
    } else {
        println!("{}", serde_json::to_string_pretty(report)?);
    }
    Ok(())
}
