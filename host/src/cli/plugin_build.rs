//! `atlas plugin build <dir>`: compile a plugin project into components.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::toolchain::{BuildOptions, build};

/// Arguments of `atlas plugin build`.
#[derive(Debug, clap::Args)]
pub struct BuildArgs {
    /// A Rust crate or workspace with a Cargo.toml, or a Python app with an app.py.
    pub dir: PathBuf,
    /// Where the `.wasm` components are written.
    #[arg(long, default_value = "target/components")]
    pub out: PathBuf,
    /// Cargo target directory for the guest build (kept apart from the host's).
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
}

/// Builds and lists the components.
pub async fn run(args: BuildArgs) -> anyhow::Result<ExitCode> {
    let options = BuildOptions {
        out_dir: args.out,
        target_dir: args.target_dir,
    };
    let dir = args.dir;
    let built = tokio::task::spawn_blocking(move || build(&dir, &options)).await??;
    for component in &built {
        println!(
            "built {} -> {} ({} KiB)",
            component.name,
            component.path.display(),
            component.size_bytes.div_ceil(1024)
        );
    }
    Ok(ExitCode::SUCCESS)
}
