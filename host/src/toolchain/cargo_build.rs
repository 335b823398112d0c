//! Compiling Rust guests with cargo and wrapping them into components.

use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::time::Instant;

use anyhow::{Context as _, bail};
use serde::Deserialize;

use super::BuiltComponent;
use super::cargo_metadata::{GuestPackage, guest_packages};
use super::component::write_component;
use super::guest_env::{cargo_program, guest_command};
use super::process_output::TAIL_LINES;
use super::wasm_toolchain::{WASM_TARGET, WasmToolchain};

/// The build messages read from `cargo build --message-format json-render-diagnostics`.
#[derive(Debug, Deserialize)]
#[serde(tag = "reason", rename_all = "kebab-case")]
enum BuildMessage {
    /// A unit was compiled (or was already fresh).
    CompilerArtifact {
        package_id: String,
        target: ArtifactTarget,
        filenames: Vec<PathBuf>,
    },
    /// Anything else: build scripts, the final summary.
    #[serde(other)]
    Other,
}

#[derive(Debug, Deserialize)]
struct ArtifactTarget {
    crate_types: Vec<String>,
}

/// Builds every guest package of the project at `manifest` in one cargo
/// invocation and writes `<out_dir>/<package>.wasm` for each.
pub(crate) fn build_cargo_project(
    manifest: &Path,
    out_dir: &Path,
    target_dir: Option<&Path>,
) -> anyhow::Result<Vec<BuiltComponent>> {
    let project_dir = manifest
        .parent()
        .context("the manifest path has no parent directory")?;
    let packages = guest_packages(manifest)?;
    let toolchain = WasmToolchain::detect(project_dir)?;
    let names: Vec<&str> = packages
        .iter()
        .map(|package| package.name.as_str())
        .collect();
    tracing::info!(crates = %names.join(", "), %toolchain, "building Rust actions");

    let started = Instant::now();
    let modules = compile(manifest, &packages, &toolchain, target_dir)?;
    tracing::info!(
        elapsed_ms = started.elapsed().as_millis() as u64,
        "cargo build finished"
    );

    packages
        .iter()
        .map(|package| {
            let core = &modules[&package.id];
            let out_path = out_dir.join(format!("{}.wasm", package.name));
            let built = write_component(&package.name, core, &out_path)?;
            tracing::info!(
                name = %built.name,
                path = %built.path.display(),
                size_bytes = built.size_bytes,
                "wrote component"
            );
            Ok(built)
        })
        .collect()
}

/// Runs cargo and returns each package's core module, keyed by package id.
fn compile(
    manifest: &Path,
    packages: &[GuestPackage],
    toolchain: &WasmToolchain,
    target_dir: Option<&Path>,
) -> anyhow::Result<HashMap<String, PathBuf>> {
    let mut cargo = guest_command(cargo_program());
    cargo
        .args(["build", "--release", "--lib", "--target", WASM_TARGET])
        .args(["--message-format", "json-render-diagnostics"])
        .arg("--manifest-path")
        .arg(manifest)
        .args(toolchain.build_args());
    for package in packages {
        cargo.args(["--package", &package.name]);
    }
    if let Some(target_dir) = target_dir {
        cargo.arg("--target-dir").arg(target_dir);
    }
    toolchain.configure(&mut cargo);
    tracing::debug!(command = ?cargo, "running cargo");

    let mut child = cargo
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .context("cannot run cargo; is a Rust toolchain installed?")?;
    let stderr = child
        .stderr
        .take()
        .context("cargo's stderr is not captured")?;
    let stderr_tail = std::thread::spawn(move || relay_stderr(stderr));

    let mut modules = HashMap::new();
    let stdout = child
        .stdout
        .take()
        .context("cargo's stdout is not captured")?;
    for line in BufReader::new(stdout).lines() {
        let line = line.context("cannot read cargo's output")?;
        let Ok(BuildMessage::CompilerArtifact {
            package_id,
            target,
            filenames,
        }) = serde_json::from_str(&line)
        else {
            continue;
        };
        let is_guest = packages.iter().any(|package| package.id == package_id);
        let is_cdylib = target.crate_types.iter().any(|kind| kind == "cdylib");
        if !is_guest || !is_cdylib {
            continue;
        }
        let wasm = filenames
            .into_iter()
            .find(|file| file.extension().is_some_and(|ext| ext == "wasm"));
        if let Some(wasm) = wasm {
            modules.insert(package_id, wasm);
        }
    }

    let status = child.wait().context("cannot wait for cargo")?;
    let tail = stderr_tail
        .join()
        .unwrap_or_else(|_| "(cargo's stderr was lost)".to_owned());
    if !status.success() {
        bail!(
            "cargo build failed ({status}) for {}:\n{tail}",
            manifest.display()
        );
    }
    for package in packages {
        if !modules.contains_key(&package.id) {
            bail!(
                "cargo built no {WASM_TARGET} module for `{}`:\n{tail}",
                package.name
            );
        }
    }
    Ok(modules)
}

/// Forwards cargo's progress lines to tracing and keeps the last ones.
fn relay_stderr(stderr: impl std::io::Read) -> String {
    let mut tail = VecDeque::with_capacity(TAIL_LINES);
    for line in BufReader::new(stderr).lines().map_while(Result::ok) {
        tracing::debug!(target: "atlas::toolchain::cargo", "{line}");
        if tail.len() == TAIL_LINES {
            tail.pop_front();
        }
        tail.push_back(line);
    }
    Vec::from(tail).join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn artifact_messages_parse_and_others_are_skipped() {
        let artifact = r#"{"reason":"compiler-artifact","package_id":"path+file:///ws/a#0.1.0",
            "target":{"kind":["cdylib"],"crate_types":["cdylib"],"name":"a"},
            "filenames":["/t/wasm32-unknown-unknown/release/a.wasm"],"fresh":true}"#;
        let message: BuildMessage = serde_json::from_str(artifact).unwrap();
        assert!(matches!(
            message,
            BuildMessage::CompilerArtifact { package_id, filenames, .. }
                if package_id == "path+file:///ws/a#0.1.0" && filenames.len() == 1
        ));
        let finished: BuildMessage =
            serde_json::from_str(r#"{"reason":"build-finished","success":true}"#).unwrap();
        assert!(matches!(finished, BuildMessage::Other));
    }

    #[test]
    fn stderr_tail_keeps_the_last_lines() {
        let text: String = (0..100).map(|n| format!("line {n}\n")).collect();
        let tail = relay_stderr(text.as_bytes());
        assert!(tail.starts_with(&format!("line {}", 100 - TAIL_LINES)));
        assert!(tail.ends_with("line 99"));
    }
}
