//! `atlas plugin keygen`: create a publisher's ed25519 key pair, and
//! optionally register its public key with a marketplace server.

use std::io::Write as _;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use marketplace::KeyFile;
use serde::Deserialize;
use serde_json::json;

use super::problem::{describe_failure, endpoint};

/// Arguments of `atlas plugin keygen`.
#[derive(Debug, clap::Args)]
pub struct KeygenArgs {
    /// Where the key pair is written (JSON, mode 0600); never overwritten.
    #[arg(long, default_value = "publisher.key")]
    pub out: PathBuf,
    /// Register the public key with this marketplace server.
    #[arg(long, requires_all = ["token", "publisher"])]
    pub server: Option<String>,
    /// Bearer token (JWT or API key) of an org admin on the server.
    #[arg(long, env = "ATLAS_TOKEN", requires = "server")]
    pub token: Option<String>,
    /// The publisher name shown in the catalog (the org's publisher account
    /// is created with it on first use).
    #[arg(long, requires = "server")]
    pub publisher: Option<String>,
}

/// The server's answer to a key registration.
#[derive(Debug, Deserialize)]
struct Registered {
    key_id: String,
}

/// Writes the key file, prints its id and public key, and registers it
/// when `--server` is given.
pub async fn run(args: KeygenArgs) -> anyhow::Result<ExitCode> {
    let key = KeyFile::generate();
    write_key_file(&args.out, &key)?;
    println!("wrote {}", args.out.display());
    println!("key id:     {}", key.key_id);
    println!("public key: {}", key.public_key);

    let (Some(server), Some(token), Some(publisher)) = (&args.server, &args.token, &args.publisher)
    else {
        return Ok(ExitCode::SUCCESS);
    };
    let url = endpoint(server, "/api/v2/publisher/keys");
    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(token)
        .json(&json!({"public_key": key.public_key, "publisher_name": publisher}))
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    if response.status() != reqwest::StatusCode::CREATED {
        eprintln!(
            "error: {}",
            describe_failure("registering the key", response).await
        );
        eprintln!(
            "the key file is kept; register it later with the same server (its public key is above)"
        );
        return Ok(ExitCode::FAILURE);
    }
    let registered: Registered = response
        .json()
        .await
        .context("the server's answer to the key registration is not the expected JSON")?;
    println!(
        "registered key {} with {server} as publisher `{publisher}`",
        registered.key_id
    );
    Ok(ExitCode::SUCCESS)
}

/// Creates `path` with mode 0600 and writes the key as JSON; an existing
/// file is an error, never replaced.
fn write_key_file(path: &std::path::Path, key: &KeyFile) -> anyhow::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt as _;
        options.mode(0o600);
    }
    let mut file = match options.open(path) {
        Err(error) if error.kind() == std::io::ErrorKind::AlreadyExists => anyhow::bail!(
            "{} already exists; a key file is never overwritten (choose another --out)",
            path.display()
        ),
        other => other.with_context(|| format!("cannot create {}", path.display()))?,
    };
    let text = serde_json::to_string_pretty(key)?;
    file.write_all(format!("{text}\n").as_bytes())
        .with_context(|| format!("cannot write {}", path.display()))?;
    Ok(())
}
