//! Building action components from source: Rust crates (cargo + wit-component)
//! and Python apps (componentize-py).
//!
//! [`build`] takes a directory and writes one `.wasm` component per action:
//! - a `Cargo.toml` (a crate, or a workspace whose `cdylib` members are all
//!   built in one cargo invocation) is compiled in release mode for
//!   `wasm32-unknown-unknown` and the core module is wrapped into a component;
//! - an `app.py` is handed to `componentize-py` with the embedded WIT.
//!
//! The WIT of the `action` world is compiled into the binary, so building
//! works from any directory.

mod cargo_build;
mod cargo_metadata;
mod component;
mod guest_env;
mod process_output;
mod project;
mod python;
pub mod scaffold;
mod scratch_dir;
mod wasm_toolchain;
mod wit;

use std::path::{Path, PathBuf};

use anyhow::Context as _;

pub use wit::write_wit;

use project::Project;

/// Where and how to build.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// Directory the `.wasm` components are written to; created when missing.
    pub out_dir: PathBuf,
    /// Cargo target directory for Rust guests; cargo's default when `None`.
    pub target_dir: Option<PathBuf>,
}

/// One component written by [`build`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BuiltComponent {
    /// The cargo package name, or the Python app's directory name.
    pub name: String,
    /// Path of the written component: `<out_dir>/<name>.wasm`.
    pub path: PathBuf,
    /// Size of the component in bytes.
    pub size_bytes: u64,
}

/// Builds every action in `dir` into `opts.out_dir`.
///
/// A `Cargo.toml` takes precedence over an `app.py`. Errors name what is
/// missing (a toolchain, `componentize-py`) or quote the tail of the failing
/// tool's output.
pub fn build(dir: &Path, opts: &BuildOptions) -> anyhow::Result<Vec<BuiltComponent>> {
    let project = Project::detect(dir)?;
    std::fs::create_dir_all(&opts.out_dir)
        .with_context(|| format!("cannot create output directory {}", opts.out_dir.display()))?;
    let out_dir = std::path::absolute(&opts.out_dir)?;
    match project {
        Project::Cargo { manifest } => {
            let target_dir = opts
                .target_dir
                .as_deref()
                .map(std::path::absolute)
                .transpose()?;
            cargo_build::build_cargo_project(&manifest, &out_dir, target_dir.as_deref())
        }
        Project::Python { dir, name } => {
            python::build_python_app(&dir, &name, &out_dir).map(|built| vec![built])
        }
    }
}
