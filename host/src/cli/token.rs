//! `atlas token`: issue a JWT for a user of an org with a role, signed with
//! the server's HS256 secret (the one `atlas serve` uses). The server admits
//! it only for an org that exists (`atlas org create`); a reserved org id is
//! refused here already, except `platform` for the `platform-admin` role,
//! which acts there and nowhere else.

use std::process::ExitCode;

use super::DatabaseArgs;
use super::api_args::TokenArgs;
use crate::api::auth::Role;
use crate::store::{PLATFORM_ORG, check_not_reserved};

/// Arguments of `atlas token`.
#[derive(Debug, clap::Args)]
pub struct IssueArgs {
    #[command(flatten)]
    pub db: DatabaseArgs,
    #[command(flatten)]
    pub tokens: TokenArgs,
    /// The org the token is for (`platform` for the `platform-admin` role).
    #[arg(long, default_value = super::serve::DEMO_ORG_ID)]
    pub org: String,
    /// Role: owner, admin, staff, viewer, partner, reseller-admin, platform-admin.
    #[arg(long, default_value = "owner", value_parser = parse_role)]
    pub role: Role,
    /// The user id (`sub`).
    #[arg(long, default_value = "demo-user")]
    pub sub: String,
    /// Validity in hours.
    #[arg(long, default_value_t = 24 * 30)]
    pub hours: u64,
}

fn parse_role(text: &str) -> Result<Role, String> {
    Role::parse(text).ok_or_else(|| {
        format!(
            "unknown role `{text}`; roles: {}",
            Role::ALL.map(Role::as_str).join(", ")
        )
    })
}

/// Prints a token.
pub fn run(args: IssueArgs) -> anyhow::Result<ExitCode> {
    let platform = args.role == Role::PlatformAdmin;
    if platform && args.org != PLATFORM_ORG {
        anyhow::bail!("the role `platform-admin` acts only in the org `{PLATFORM_ORG}`");
    }
    if !platform {
        check_not_reserved(&args.org).map_err(anyhow::Error::msg)?;
    }
    let verifier = args.tokens.verifier(&args.db.data_dir)?;
    let token = verifier.issue(&args.sub, &args.org, args.role, args.hours * 3600)?;
    println!("{token}");
    Ok(ExitCode::SUCCESS)
}
