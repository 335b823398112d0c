//! `atlas plugin sign`: sign a component's exact bytes with a publisher key,
//! writing the detached signature beside it as `<component>.sig`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context as _;
use marketplace::KeyFile;

/// Arguments of `atlas plugin sign`.
#[derive(Debug, clap::Args)]
pub struct SignArgs {
    /// The publisher key file written by `atlas plugin keygen`.
    #[arg(long)]
    pub key: PathBuf,
    /// The component (`.wasm`) to sign.
    pub component: PathBuf,
}

/// `<component>.sig`: the component's path with `.sig` appended.
pub fn signature_path(component: &Path) -> PathBuf {
    let mut name = component.as_os_str().to_owned();
    name.push(".sig");
    PathBuf::from(name)
}

/// Signs the component and writes the signature file.
pub fn run(args: SignArgs) -> anyhow::Result<ExitCode> {
    let key_text = std::fs::read_to_string(&args.key)
        .with_context(|| format!("cannot read the key file {}", args.key.display()))?;
    let key: KeyFile = serde_json::from_str(&key_text)
        .with_context(|| format!("{} is not a publisher key file", args.key.display()))?;
    let bytes = std::fs::read(&args.component)
        .with_context(|| format!("cannot read {}", args.component.display()))?;
    let signature = key
        .sign(&bytes)
        .with_context(|| format!("cannot sign with {}", args.key.display()))?;
    let out = signature_path(&args.component);
    let text = serde_json::to_string_pretty(&signature)?;
    std::fs::write(&out, format!("{text}\n"))
        .with_context(|| format!("cannot write {}", out.display()))?;
    println!(
        "signed {} ({} bytes) with key {} -> {}",
        args.component.display(),
        bytes.len(),
        signature.key_id,
        out.display()
    );
    Ok(ExitCode::SUCCESS)
}
