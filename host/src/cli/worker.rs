//! `atlas worker`: run workers only (no API), against a shared database.
//! Any number of them, on any number of machines, share the queue.

use std::process::ExitCode;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;

use super::DatabaseArgs;
use crate::capabilities::{HostServices, NetworkPolicy, OutboundHttp};
use crate::crm::{Crm, Sweeper, SweeperConfig};
use crate::engine::{Engine, EngineConfig, SystemClock};
use crate::marketplace::Marketplace;
use crate::runtime::{PluginRegistry, Runtime, RuntimeConfig};
use crate::store::Store;

/// Arguments of `atlas worker`.
#[derive(Debug, clap::Args)]
pub struct WorkerArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub plugins: super::PluginArgs,
    /// Jobs run at once by this process.
    #[arg(long, default_value_t = 64)]
    pub concurrency: usize,
    /// Lease length in milliseconds; a dead worker's jobs are taken over after it.
    #[arg(long, default_value_t = 30_000)]
    pub lease_ms: u64,
    /// Name used in leases (default: host, pid and a random suffix).
    #[arg(long)]
    pub worker_id: Option<String>,
}

/// The pieces a process needs to run workflows.
pub struct EngineParts {
    /// The engine.
    pub engine: Engine,
    /// The runtime.
    pub runtime: Arc<Runtime>,
    /// Loaded plugins.
    pub registry: Arc<PluginRegistry>,
}

/// Opens the store, loads the plugins and builds the engine (shared by `serve` and `worker`).
pub async fn build_engine(
    store: Store,
    db: &DatabaseArgs,
    plugins: &super::PluginArgs,
    config: EngineConfig,
    quiet: bool,
) -> anyhow::Result<EngineParts> {
    let services = Arc::new(HostServices {
        store: store.clone(),
        http: OutboundHttp::with_proxy(
            NetworkPolicy {
                allow: plugins.allow_net.clone(),
            },
            plugins.outbound_proxy.as_ref(),
        )?,
        ai: plugins.ai.config(),
    });
    let runtime = Arc::new(Runtime::new(
        RuntimeConfig {
            cache_dir: Some(db.data_dir.join("cache").join("components")),
            ..RuntimeConfig::default()
        },
        services,
    )?);
    let registry = Arc::new(PluginRegistry::new());
    let marketplace = Marketplace::open(
        store.clone(),
        runtime.clone(),
        registry.clone(),
        &db.blobs_dir(),
    )
    .await
    .context("opening the marketplace")?;
    for dir in &plugins.plugins_dirs {
        let started = std::time::Instant::now();
        let loads = marketplace
            .publish_builtin_dir(dir)
            .await
            .with_context(|| format!("reading plugin directory {}", dir.display()))?;
        for load in &loads {
            match &load.result {
                Ok(p) if !quiet => println!(
                    "loaded {:<28} {:>7} KiB  {:?}  from {}",
                    p.reference(),
                    p.size_bytes.div_ceil(1024),
                    p.cache_outcome,
                    load.path.display()
                ),
                Ok(_) => {}
                Err(e) => eprintln!("rejected {}: {e}", load.path.display()),
            }
        }
        if !quiet {
            println!(
                "{} built-in action(s) published from {} in {} ms",
                loads.iter().filter(|l| l.result.is_ok()).count(),
                dir.display(),
                started.elapsed().as_millis()
            );
        }
    }
    let engine = Engine::new(store, marketplace, Arc::new(SystemClock), config);
    Ok(EngineParts {
        engine,
        runtime,
        registry,
    })
}

/// Runs the worker until Ctrl-C or SIGTERM.
pub async fn run(args: WorkerArgs) -> anyhow::Result<ExitCode> {
    let mut config = EngineConfig {
        max_in_flight: args.concurrency.max(1),
        lease: Duration::from_millis(args.lease_ms.max(100)),
        ..EngineConfig::default()
    };
    if let Some(id) = args.worker_id {
        config.worker_id = id;
    }
    let store = args.db.open_store().await?;
    let parts = build_engine(store, &args.db, &args.plugins, config, false).await?;
    println!(
        "worker {} running on {}",
        parts.engine.worker_id(),
        parts.engine.store().dialect()
    );
    let worker = parts.engine.spawn_worker();
    let sweeper = Sweeper::new(Crm::with_engine(&parts.engine), SweeperConfig::default()).spawn();
    super::serve::shutdown_signal().await;
    sweeper.shutdown().await;
    worker.shutdown().await;
    Ok(ExitCode::SUCCESS)
}
