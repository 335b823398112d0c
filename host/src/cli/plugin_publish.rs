//! `atlas plugin publish`: upload a signed component to a marketplace
//! server, where it waits for review.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use marketplace::SignatureFile;
use serde::Deserialize;
use serde_json::json;

use super::plugin_sign::signature_path;
use super::problem::{describe_failure, endpoint};

/// Arguments of `atlas plugin publish`.
#[derive(Debug, clap::Args)]
pub struct PublishArgs {
    /// The marketplace server, e.g. `https://atlas.example.com`.
    #[arg(long)]
    pub server: String,
    /// Bearer token (JWT or API key) of the publishing org.
    #[arg(long, env = "ATLAS_TOKEN")]
    pub token: String,
    /// The component (`.wasm`) to publish.
    pub component: PathBuf,
    /// The signature file; `<component>.sig` when absent.
    #[arg(long)]
    pub signature: Option<PathBuf>,
    /// What changed in this version, shown in the catalog.
    #[arg(long, default_value = "")]
    pub changelog: String,
}

/// The server's answer to an accepted upload.
#[derive(Debug, Deserialize)]
struct Published {
    plugin_id: String,
    version: String,
    sha256: String,
    status: String,
}

/// Uploads the component and its signature; exits non-zero when the server
/// refuses it, printing the failed check.
pub async fn run(args: PublishArgs) -> anyhow::Result<ExitCode> {
    let bytes = std::fs::read(&args.component)
        .with_context(|| format!("cannot read {}", args.component.display()))?;
    let signature_file = args
        .signature
        .clone()
        .unwrap_or_else(|| signature_path(&args.component));
    let text = std::fs::read_to_string(&signature_file).with_context(|| {
        format!(
            "cannot read the signature {}; sign the component with `atlas plugin sign` first",
            signature_file.display()
        )
    })?;
    let signature: SignatureFile = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a signature file", signature_file.display()))?;

    let url = endpoint(&args.server, "/api/v2/marketplace/publish");
    let response = reqwest::Client::new()
        .post(&url)
        .bearer_auth(&args.token)
        .json(&json!({
            "component": B64.encode(&bytes),
            "signature": signature.signature,
            "key_id": signature.key_id,
            "changelog": args.changelog,
        }))
        .send()
        .await
        .with_context(|| format!("cannot reach {url}"))?;
    if response.status() != reqwest::StatusCode::CREATED {
        eprintln!("error: {}", describe_failure("publishing", response).await);
        return Ok(ExitCode::FAILURE);
    }
    let published: Published = response
        .json()
        .await
        .context("the server's answer to the upload is not the expected JSON")?;
    println!(
        "published {}@{} (sha256 {}): {}",
        published.plugin_id, published.version, published.sha256, published.status
    );
    if published.status == "pending" {
        println!("a platform admin reviews it next; orgs see it once it is approved");
    }
    Ok(ExitCode::SUCCESS)
}
