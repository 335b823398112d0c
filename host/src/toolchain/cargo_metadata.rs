//! Which packages of a cargo project are action components.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};
use serde::Deserialize;

use super::guest_env::{cargo_program, guest_command};
use super::process_output::{TAIL_LINES, tail};

/// A `cdylib` package to build into a component.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct GuestPackage {
    /// The package name; the component is written as `<name>.wasm`.
    pub name: String,
    /// Cargo's package id, which build messages refer to.
    pub id: String,
}

/// The part of `cargo metadata --format-version 1` read here.
#[derive(Debug, Deserialize)]
struct Metadata {
    packages: Vec<Package>,
    workspace_members: Vec<String>,
    workspace_root: PathBuf,
}

#[derive(Debug, Deserialize)]
struct Package {
    name: String,
    id: String,
    manifest_path: PathBuf,
    targets: Vec<Target>,
}

#[derive(Debug, Deserialize)]
struct Target {
    crate_types: Vec<String>,
}

impl Package {
    fn is_cdylib(&self) -> bool {
        self.targets
            .iter()
            .any(|target| target.crate_types.iter().any(|kind| kind == "cdylib"))
    }
}

/// The packages to build for the project at `manifest`: every `cdylib` member
/// of a workspace root, or the one crate, which must be a `cdylib`.
pub(crate) fn guest_packages(manifest: &Path) -> anyhow::Result<Vec<GuestPackage>> {
    let output = guest_command(cargo_program())
        .args([
            "metadata",
            "--no-deps",
            "--format-version",
            "1",
            "--manifest-path",
        ])
        .arg(manifest)
        .output()
        .context("cannot run cargo; is a Rust toolchain installed?")?;
    if !output.status.success() {
        bail!(
            "cargo metadata failed for {}:\n{}",
            manifest.display(),
            tail(&String::from_utf8_lossy(&output.stderr), TAIL_LINES)
        );
    }
    let metadata: Metadata =
        serde_json::from_slice(&output.stdout).context("cannot parse cargo metadata's output")?;
    select(metadata, manifest)
}

fn select(metadata: Metadata, manifest: &Path) -> anyhow::Result<Vec<GuestPackage>> {
    let members = metadata
        .packages
        .into_iter()
        .filter(|package| metadata.workspace_members.contains(&package.id));
    let is_workspace_root = same_file(&metadata.workspace_root.join("Cargo.toml"), manifest);
    if is_workspace_root {
        let guests: Vec<GuestPackage> = members
            .filter(Package::is_cdylib)
            .map(|package| GuestPackage {
                name: package.name,
                id: package.id,
            })
            .collect();
        if guests.is_empty() {
            bail!(
                "no package in {} is a cdylib; an action crate needs \
                 `[lib] crate-type = [\"cdylib\"]`",
                manifest.display()
            );
        }
        return Ok(guests);
    }
    let package = members
        .into_iter()
        .find(|package| same_file(&package.manifest_path, manifest))
        .with_context(|| {
            format!(
                "cargo metadata does not list the package {}",
                manifest.display()
            )
        })?;
    if !package.is_cdylib() {
        bail!(
            "package `{}` is not a cdylib; an action crate needs `[lib] crate-type = [\"cdylib\"]`",
            package.name
        );
    }
    Ok(vec![GuestPackage {
        name: package.name,
        id: package.id,
    }])
}

/// True when both paths name the same file, symbolic links resolved.
fn same_file(a: &Path, b: &Path) -> bool {
    a == b
        || matches!(
            (a.canonicalize(), b.canonicalize()),
            (Ok(a), Ok(b)) if a == b
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn metadata() -> Metadata {
        serde_json::from_value(serde_json::json!({
            "packages": [
                {
                    "name": "webhook-send",
                    "id": "path+file:///ws/webhook-send#0.1.0",
                    "manifest_path": "/ws/webhook-send/Cargo.toml",
                    "targets": [{"kind": ["cdylib"], "crate_types": ["cdylib"], "name": "webhook_send"}]
                },
                {
                    "name": "shared",
                    "id": "path+file:///ws/shared#0.1.0",
                    "manifest_path": "/ws/shared/Cargo.toml",
                    "targets": [{"kind": ["lib"], "crate_types": ["lib"], "name": "shared"}]
                }
            ],
            "workspace_members": [
                "path+file:///ws/webhook-send#0.1.0",
                "path+file:///ws/shared#0.1.0"
            ],
            "workspace_root": "/ws"
        }))
        .unwrap()
    }

    #[test]
    fn workspace_root_selects_every_cdylib_member() {
        let guests = select(metadata(), Path::new("/ws/Cargo.toml")).unwrap();
        assert_eq!(
            guests,
            [GuestPackage {
                name: "webhook-send".into(),
                id: "path+file:///ws/webhook-send#0.1.0".into(),
            }]
        );
    }

    #[test]
    fn member_directory_selects_that_crate_only() {
        let guests = select(metadata(), Path::new("/ws/webhook-send/Cargo.toml")).unwrap();
        assert_eq!(guests.len(), 1);
        let error = select(metadata(), Path::new("/ws/shared/Cargo.toml")).unwrap_err();
        assert!(
            error.to_string().contains("`shared` is not a cdylib"),
            "{error}"
        );
    }
}
