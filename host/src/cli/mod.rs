//! Command-line interface: `atlas serve`, `atlas migrate`, `atlas org …`,
//! `atlas plugin …` (new, build, test, run, keygen, sign, publish),
//! `atlas bench …`. Each subcommand lives in its own file.

pub mod ai;
pub mod api_args;
mod bench;
mod contact;
pub mod demo_seed;
mod org;
mod plugin_build;
mod plugin_keygen;
mod plugin_new;
mod plugin_publish;
mod plugin_run;
mod plugin_sign;
mod plugin_test;
mod problem;
pub mod serve;
mod token;
mod worker;
mod workflow;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// Atlas Flow: workflow automation for fitness studios.
#[derive(Debug, Parser)]
#[command(name = "atlas", version, about)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run the server: API, builder and workers, on one process.
    Serve(serve::ServeArgs),
    /// Run workers only (no API) against a shared database.
    Worker(worker::WorkerArgs),
    /// Validate, save and run workflows.
    #[command(subcommand)]
    Workflow(workflow::WorkflowCommand),
    /// Send a CRM event: starts matching workflows, resumes waits, reaches goals.
    Event(workflow::EventArgs),
    /// Inspect executions.
    #[command(subcommand)]
    Execution(ExecutionCommand),
    /// Issue a JWT for a user of an org (signed with the server's secret).
    Token(token::IssueArgs),
    /// Create and list orgs (tenants); credentials for other orgs are refused.
    #[command(subcommand)]
    Org(org::OrgCommand),
    /// See and seed the CRM's contacts.
    #[command(subcommand)]
    Contact(contact::ContactCommand),
    /// Apply database migrations and exit.
    Migrate(DatabaseArgs),
    /// Build and run action plugins locally.
    #[command(subcommand)]
    Plugin(PluginCommand),
    /// Measure performance and print the figures.
    #[command(subcommand)]
    Bench(bench::BenchCommand),
    /// Set an org's language-model settings; report its token usage.
    #[command(subcommand)]
    Ai(ai::AiCommand),
}

#[derive(Debug, Subcommand)]
enum ExecutionCommand {
    /// Print an execution with its steps and events.
    Show(workflow::ExecutionArgs),
}

#[derive(Debug, Subcommand)]
enum PluginCommand {
    /// Create an action project (Rust or Python) with test cases.
    New(plugin_new::NewArgs),
    /// Build a Rust crate (or workspace) or a Python app into action components.
    Build(plugin_build::BuildArgs),
    /// Build a project and run its test cases against a scripted host.
    Test(plugin_test::TestArgs),
    /// Run one action component once and report output, fuel, memory and time.
    Run(Box<plugin_run::RunArgs>),
    /// Create a publisher key pair (ed25519) and optionally register it.
    Keygen(plugin_keygen::KeygenArgs),
    /// Sign a component with a publisher key.
    Sign(plugin_sign::SignArgs),
    /// Upload a signed component to a marketplace server for review.
    Publish(plugin_publish::PublishArgs),
}

/// Where the data lives.
#[derive(Debug, Clone, clap::Args)]
pub struct DatabaseArgs {
    /// Data directory: the SQLite database, the master key, the compiled-component cache.
    #[arg(long, env = "ATLAS_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,
    /// Database URL (`postgres://…`); the SQLite file in the data directory when absent.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Where published components are kept by sha256 (default `<data-dir>/blobs`).
    /// Every process must reach the same directory: a shared volume when
    /// workers run on several machines.
    #[arg(long, env = "ATLAS_BLOBS_DIR")]
    pub blobs_dir: Option<PathBuf>,
}

/// Which action components to load, and where their HTTP may go.
#[derive(Debug, Clone, clap::Args)]
pub struct PluginArgs {
    /// Directory of action components to load; repeatable.
    #[arg(
        long = "plugins-dir",
        env = "ATLAS_PLUGINS_DIR",
        default_value = "target/components"
    )]
    pub plugins_dirs: Vec<PathBuf>,
    /// Let plugin HTTP reach this non-public range (CIDR); repeatable.
    #[arg(long = "allow-net", value_name = "CIDR")]
    pub allow_net: Vec<ipnet::IpNet>,
    /// Send plugin and AI-provider HTTP through this proxy (`http://host:port`).
    /// `HTTP_PROXY`, `HTTPS_PROXY` and `ALL_PROXY` are never read; the address
    /// guard still applies to every target.
    #[arg(long, env = "ATLAS_OUTBOUND_PROXY", value_name = "URL")]
    pub outbound_proxy: Option<reqwest::Url>,
    /// The language-model provider of the `ai` capability.
    #[command(flatten)]
    pub ai: ai::AiArgs,
}

impl DatabaseArgs {
    /// The blob directory in use.
    pub fn blobs_dir(&self) -> PathBuf {
        self.blobs_dir
            .clone()
            .unwrap_or_else(|| self.data_dir.join("blobs"))
    }

    /// Opens the configured store, creating the master key when needed.
    pub async fn open_store(&self) -> anyhow::Result<crate::store::Store> {
        let key = crate::store::load_or_create_master_key(
            std::env::var("ATLAS_MASTER_KEY").ok().as_deref(),
            &self.data_dir,
        )?;
        let cipher = crate::store::SecretCipher::new(&key);
        match &self.database_url {
            Some(url) => crate::store::Store::open(url, cipher).await,
            None => crate::store::Store::open_in_dir(&self.data_dir, cipher).await,
        }
    }
}

/// Parses the command line and runs the command.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    init_tracing();
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: starting the async runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    let result = runtime.block_on(async move {
        match cli.command {
            Command::Serve(args) => serve::run(args).await,
            Command::Worker(args) => worker::run(args).await,
            Command::Workflow(cmd) => workflow::run(cmd).await,
            Command::Event(args) => workflow::send_event(args).await,
            Command::Execution(ExecutionCommand::Show(args)) => {
                workflow::show_execution(args).await
            }
            Command::Token(args) => token::run(args),
            Command::Org(cmd) => org::run(cmd).await,
            Command::Contact(cmd) => contact::run(cmd).await,
            Command::Migrate(args) => {
                let store = args.open_store().await?;
                println!("database migrated ({})", store.dialect());
                Ok(ExitCode::SUCCESS)
            }
            Command::Plugin(PluginCommand::New(args)) => plugin_new::run(args),
            Command::Plugin(PluginCommand::Build(args)) => plugin_build::run(args).await,
            Command::Plugin(PluginCommand::Test(args)) => plugin_test::run(args).await,
            Command::Plugin(PluginCommand::Run(args)) => plugin_run::run(*args).await,
            Command::Plugin(PluginCommand::Keygen(args)) => plugin_keygen::run(args).await,
            Command::Plugin(PluginCommand::Sign(args)) => plugin_sign::run(args),
            Command::Plugin(PluginCommand::Publish(args)) => plugin_publish::run(args).await,
            Command::Bench(cmd) => bench::run(cmd).await,
            Command::Ai(cmd) => ai::run(cmd).await,
        }
    });
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

fn init_tracing() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("ATLAS_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn,atlas=info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .try_init();
}
