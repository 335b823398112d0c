//! `atlas org create` and `atlas org list`: the operator's way to add
//! tenants. Orgs are explicit records; a token or API key for an org that
//! was never created is refused by the API. Reserved ids are refused here
//! too, and an existing id is never changed.

use std::process::ExitCode;

use super::DatabaseArgs;
use crate::store::{CreateOrgError, Org, Store};

/// `atlas org …`
#[derive(Debug, clap::Subcommand)]
pub enum OrgCommand {
    /// Create an org (a tenant that is nobody's sub-account).
    Create(CreateArgs),
    /// List every org.
    List(ListArgs),
}

/// Arguments of `atlas org create`.
#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// The org id (letters, digits, `-`, `_`, `.`, `:`).
    pub id: String,
    /// Display name (the id when absent).
    #[arg(long)]
    pub name: Option<String>,
    /// IANA time zone of business hours and dates.
    #[arg(long, default_value = "UTC")]
    pub time_zone: String,
    /// Succeed without changing anything when the org exists already.
    #[arg(long)]
    pub exists_ok: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Arguments of `atlas org list`.
#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
    #[command(flatten)]
    pub db: DatabaseArgs,
}

/// Runs one `atlas org` command.
pub async fn run(command: OrgCommand) -> anyhow::Result<ExitCode> {
    match command {
        OrgCommand::Create(args) => create(args).await,
        OrgCommand::List(args) => list(args).await,
    }
}

async fn create(args: CreateArgs) -> anyhow::Result<ExitCode> {
    let name = args.name.as_deref().unwrap_or(&args.id);
    let org = match Org::checked(&args.id, name, Some(&args.time_zone)) {
        Ok(org) => org,
        Err((field, reason)) => {
            eprintln!("error: --{}: {reason}", field.replace('_', "-"));
            return Ok(ExitCode::FAILURE);
        }
    };
    let store = args.db.open_store().await?;
    match store.create_org(&org, None).await {
        Ok(()) => {
            println!("created org `{}` ({}, {})", org.id, org.name, org.time_zone);
            Ok(ExitCode::SUCCESS)
        }
        Err(CreateOrgError::Exists(id)) if args.exists_ok => {
            println!("org `{id}` exists already; left as it is");
            Ok(ExitCode::SUCCESS)
        }
        Err(CreateOrgError::Exists(id)) => {
            eprintln!("error: an org `{id}` exists already (pass --exists-ok to accept that)");
            Ok(ExitCode::FAILURE)
        }
        Err(CreateOrgError::Reserved(reason)) => {
            eprintln!("error: {reason}");
            Ok(ExitCode::FAILURE)
        }
        Err(CreateOrgError::Store(e)) => Err(e),
    }
}

async fn list(args: ListArgs) -> anyhow::Result<ExitCode> {
    let store = args.db.open_store().await?;
    let orgs = store.org_records().await?;
    if args.json {
        println!("{}", serde_json::to_string_pretty(&orgs)?);
        return Ok(ExitCode::SUCCESS);
    }
    if orgs.is_empty() {
        println!("no orgs yet: create one with `atlas org create <id> --name <name>`");
        return Ok(ExitCode::SUCCESS);
    }
    println!("{:<32} {:<32} {:<24} RESELLER", "ID", "NAME", "TIME ZONE");
    for org in orgs {
        println!(
            "{:<32} {:<32} {:<24} {}",
            org.id,
            org.name,
            org.time_zone,
            org.reseller_id.as_deref().unwrap_or("-")
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// The org an operator command writes to: refused when reserved, created
/// (named after its id, in UTC) when missing, so the data it writes always
/// belongs to an explicit org that no reseller can later claim.
pub async fn ensure_for_command(store: &Store, id: &str) -> anyhow::Result<Org> {
    crate::store::check_not_reserved(id).map_err(anyhow::Error::msg)?;
    if let Some(org) = store.org(id).await? {
        return Ok(org);
    }
    let org =
        Org::checked(id, id, None).map_err(|(_, reason)| anyhow::anyhow!("--org: {reason}"))?;
    let created = store.ensure_org(&org).await?;
    eprintln!(
        "note: created org `{}` (UTC); `atlas org create` sets its name and time zone",
        created.id
    );
    Ok(created)
}
