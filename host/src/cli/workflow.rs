//! `atlas workflow …`, `atlas event` and `atlas execution`: operate workflows
//! directly on the database from a terminal (import, validate, activate, run,
//! send CRM events, inspect executions).

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use anyhow::Context as _;
use serde_json::{Value, json};

use super::DatabaseArgs;
use super::worker::{EngineParts, build_engine};
use crate::engine::{CrmEvent, EngineConfig, StartRequest};
use crate::graph::{Problem, parse_workflow, validate};

/// Where plugins and data come from.
#[derive(Debug, Clone, clap::Args)]
pub struct EngineArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub plugins: super::PluginArgs,
    /// The organisation.
    #[arg(long, default_value = super::serve::DEMO_ORG_ID)]
    pub org: String,
}

impl EngineArgs {
    async fn parts(&self) -> anyhow::Result<EngineParts> {
        let store = self.db.open_store().await?;
        super::org::ensure_for_command(&store, &self.org).await?;
        build_engine(
            store,
            &self.db,
            &self.plugins,
            EngineConfig::default(),
            true,
        )
        .await
    }
}

/// `atlas workflow …`
#[derive(Debug, clap::Subcommand)]
pub enum WorkflowCommand {
    /// Check a workflow document and list every problem.
    Validate {
        /// The workflow JSON file.
        file: PathBuf,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Validate and save a workflow document as a new version.
    Save {
        /// The workflow JSON file.
        file: PathBuf,
        /// Workflow id (created when new).
        #[arg(long)]
        id: String,
        /// Activate it so its trigger fires.
        #[arg(long)]
        activate: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
    /// Start a workflow for a contact and, with --wait, run it here until it stops or parks.
    Run {
        /// Workflow id.
        id: String,
        /// Contact snapshot as JSON (its `id` identifies the contact).
        #[arg(long)]
        contact: Option<String>,
        /// Trigger payload as JSON.
        #[arg(long, default_value = "{}")]
        trigger: String,
        /// Test mode: actions do not send.
        #[arg(long)]
        test: bool,
        /// Run a worker in this process until the execution completes, fails or waits.
        #[arg(long)]
        wait: bool,
        #[command(flatten)]
        engine: EngineArgs,
    },
}

fn print_problems(problems: &[Problem]) {
    for p in problems {
        match &p.node_id {
            Some(node) => eprintln!("node {node}: {}: {}", p.field, p.reason),
            None => eprintln!("{}: {}", p.field, p.reason),
        }
    }
}

fn read_json(text: &str, what: &str) -> anyhow::Result<Value> {
    serde_json::from_str(text).with_context(|| format!("{what} is not valid JSON"))
}

/// Runs a workflow subcommand.
pub async fn run(command: WorkflowCommand) -> anyhow::Result<ExitCode> {
    match command {
        WorkflowCommand::Validate { file, engine } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let parts = engine.parts().await?;
            let usable = parts.engine.marketplace().org_plugins(&engine.org).await?;
            let problems = match parse_workflow(&text) {
                Ok(doc) => validate(&doc, &usable),
                Err(problems) => problems,
            };
            if problems.is_empty() {
                println!("{}: valid", file.display());
                Ok(ExitCode::SUCCESS)
            } else {
                print_problems(&problems);
                eprintln!("{} problem(s)", problems.len());
                Ok(ExitCode::FAILURE)
            }
        }
        WorkflowCommand::Save {
            file,
            id,
            activate,
            engine,
        } => {
            let text = std::fs::read_to_string(&file)
                .with_context(|| format!("reading {}", file.display()))?;
            let parts = engine.parts().await?;
            let doc = match parse_workflow(&text) {
                Ok(doc) => doc,
                Err(problems) => {
                    print_problems(&problems);
                    eprintln!("not saved: {} problem(s)", problems.len());
                    return Ok(ExitCode::FAILURE);
                }
            };
            let usable = parts.engine.marketplace().org_plugins(&engine.org).await?;
            let problems = validate(&doc, &usable);
            if !problems.is_empty() {
                print_problems(&problems);
                eprintln!("not saved: {} problem(s)", problems.len());
                return Ok(ExitCode::FAILURE);
            }
            let store = parts.engine.store();
            let version = store
                .save_workflow(
                    &engine.org,
                    &id,
                    &doc.name,
                    &serde_json::to_value(&doc)?,
                    "cli",
                )
                .await?;
            if activate {
                store
                    .set_workflow_status(&engine.org, &id, "active")
                    .await?;
            }
            println!(
                "saved workflow {id} version {version}{}",
                if activate { " (active)" } else { "" }
            );
            Ok(ExitCode::SUCCESS)
        }
        WorkflowCommand::Run {
            id,
            contact,
            trigger,
            test,
            wait,
            engine,
        } => {
            let parts = engine.parts().await?;
            let contact = contact
                .as_deref()
                .map(|c| read_json(c, "--contact"))
                .transpose()?;
            let trigger = read_json(&trigger, "--trigger")?;
            let worker = wait.then(|| parts.engine.spawn_worker());
            let started = parts
                .engine
                .start(StartRequest {
                    org_id: engine.org.clone(),
                    workflow_id: id.clone(),
                    trigger,
                    contact,
                    test_mode: test,
                    force: true,
                })
                .await?
                .context("the workflow's re-entry policy kept the contact out")?;
            println!("started execution {started}");
            if let Some(worker) = worker {
                let store = parts.engine.store().clone();
                let execution = loop {
                    let execution = store
                        .execution(&engine.org, &started)
                        .await?
                        .context("the execution vanished")?;
                    if execution.status != crate::store::ExecutionStatus::Running {
                        break execution;
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                };
                worker.shutdown().await;
                let steps = store.steps(&engine.org, &started).await?;
                println!(
                    "{}",
                    serde_json::to_string_pretty(
                        &json!({ "execution": execution, "steps": steps })
                    )?
                );
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// `atlas event`: send a CRM event (starts matching workflows, resumes waits, reaches goals).
#[derive(Debug, clap::Args)]
pub struct EventArgs {
    /// Event name: lead_created, booking_created, tag_added, ...
    pub event: String,
    /// Contact snapshot as JSON.
    #[arg(long)]
    pub contact: Option<String>,
    /// Event data as JSON.
    #[arg(long, default_value = "{}")]
    pub payload: String,
    #[command(flatten)]
    pub engine: EngineArgs,
}

/// Sends the event and prints what it did.
pub async fn send_event(args: EventArgs) -> anyhow::Result<ExitCode> {
    args.event
        .parse::<crate::graph::TriggerEvent>()
        .map_err(anyhow::Error::msg)?;
    let parts = args.engine.parts().await?;
    let outcome = parts
        .engine
        .ingest(
            &args.engine.org,
            CrmEvent {
                event: args.event,
                contact: args
                    .contact
                    .as_deref()
                    .map(|c| read_json(c, "--contact"))
                    .transpose()?,
                payload: read_json(&args.payload, "--payload")?,
            },
        )
        .await?;
    println!("{}", serde_json::to_string_pretty(&outcome)?);
    Ok(ExitCode::SUCCESS)
}

/// `atlas execution show`: an execution with its steps and events.
#[derive(Debug, clap::Args)]
pub struct ExecutionArgs {
    /// Execution id.
    pub id: String,
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// The organisation.
    #[arg(long, default_value = super::serve::DEMO_ORG_ID)]
    pub org: String,
}

/// Prints the execution as JSON.
pub async fn show_execution(args: ExecutionArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open_store().await?;
    let execution = store
        .execution(&args.org, &args.id)
        .await?
        .with_context(|| format!("no execution {} in org {}", args.id, args.org))?;
    let steps = store.steps(&args.org, &args.id).await?;
    let events = store
        .execution_events(&args.org, &args.id, 0, 1_000)
        .await?;
    println!(
        "{}",
        serde_json::to_string_pretty(
            &json!({ "execution": execution, "steps": steps, "events": events })
        )?
    );
    Ok(ExitCode::SUCCESS)
}
