//! `atlas serve`: the API, the plugin runtime and (with the engine) the workers,
//! in one process on the embedded database by default.

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::Context as _;

use super::DatabaseArgs;
use crate::api::{AppState, BuilderApp, router_with_builder};
use crate::engine::EngineConfig;
use crate::store::Org;

/// The org `atlas serve` seeds so a new install has something to work in.
pub const DEMO_ORG_ID: &str = "demo";

/// Arguments of `atlas serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    /// Address to listen on.
    #[arg(long, env = "ATLAS_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub plugins: super::PluginArgs,
    #[command(flatten)]
    pub api: super::api_args::ApiArgs,
    /// The built visual builder, served at `/` (build it with `make builder`).
    #[arg(long, env = "ATLAS_BUILDER_DIR", default_value = "builder/dist")]
    pub builder_dir: std::path::PathBuf,
    /// Seed the demo org with sample contacts, classes, workflows and runs,
    /// once (`make run` passes it; a production server leaves it off).
    #[arg(long, env = "ATLAS_SEED_DEMO")]
    pub seed_demo: bool,
}

/// Starts the server and runs until Ctrl-C or SIGTERM.
pub async fn run(args: ServeArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open_store().await?;
    let demo = store
        .ensure_org(&Org {
            id: DEMO_ORG_ID.into(),
            name: "Demo Fitness Studio".into(),
            time_zone: "Europe/London".into(),
        })
        .await?;
    println!(
        "database: {} (demo org `{}`: {})",
        store.dialect(),
        demo.id,
        demo.name
    );

    let parts = super::worker::build_engine(
        store.clone(),
        &args.db,
        &args.plugins,
        EngineConfig::default(),
        false,
    )
    .await?;
    let worker = parts.engine.spawn_worker();
    if args.seed_demo {
        match super::demo_seed::seed_demo_org(&parts.engine).await? {
            super::demo_seed::SeedOutcome::AlreadySeeded => {}
            super::demo_seed::SeedOutcome::Seeded {
                contacts,
                executions,
            } => println!(
                "demo org `{DEMO_ORG_ID}` seeded: {contacts} contacts, classes, memberships, 2 workflows from templates, {executions} executions"
            ),
        }
    }
    let sweeper = crate::crm::Sweeper::new(
        crate::crm::Crm::with_engine(&parts.engine),
        crate::crm::SweeperConfig::default(),
    )
    .spawn();

    let jwt = args.api.tokens.verifier(&args.db.data_dir)?;
    let listener = tokio::net::TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("listening on {}", args.listen))?;
    let local = listener.local_addr()?;
    if let Ok(token) = jwt.issue(
        "demo-user",
        DEMO_ORG_ID,
        crate::api::auth::Role::Owner,
        30 * 24 * 3600,
    ) {
        println!("demo token (owner of org `{DEMO_ORG_ID}`, valid 30 days):\n{token}");
    }
    let builder = BuilderApp::locate(&args.builder_dir);
    match &builder {
        BuilderApp::Built(dir) => println!("visual builder: {} at http://{local}/", dir.display()),
        BuilderApp::Missing(dir) => println!(
            "visual builder: not built in {} (run `make builder`); the API works without it",
            dir.display()
        ),
    }
    let app = router_with_builder(
        AppState::new(
            store,
            parts.runtime,
            parts.registry,
            parts.engine,
            jwt,
            args.api.settings(local),
        ),
        Some(builder),
    );
    println!("Atlas Flow listening on http://{local} (API reference: http://{local}/api/v2/docs)");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    sweeper.shutdown().await;
    worker.shutdown().await;
    Ok(ExitCode::SUCCESS)
}

/// Resolves on Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
}
