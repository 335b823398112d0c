//! `scripts/prereqs`, which `make run` and `make test` call before any build:
//! on a machine where nothing can be installed it lists what is missing, each
//! with the command that installs it, within 5 s, and stops.

mod common;

use std::os::unix::fs::symlink;
use std::process::Command;
use std::time::{Duration, Instant};

/// A PATH holding only the shell tools the script itself uses: no cargo,
/// rustc, node, npm, python3, pg_isready or apt-get.
fn bare_path() -> tempfile::TempDir {
    let bin = tempfile::tempdir().unwrap();
    for tool in [
        "bash", "cat", "dirname", "id", "ls", "sed", "grep", "head", "printf", "seq", "sleep",
    ] {
        for dir in ["/usr/bin", "/bin"] {
            let from = std::path::Path::new(dir).join(tool);
            if from.exists() {
                symlink(&from, bin.path().join(tool)).unwrap();
                break;
            }
        }
    }
    bin
}

#[test]
fn a_machine_that_cannot_install_gets_the_missing_list_with_commands_within_5_s() {
    let bin = bare_path();
    let started = Instant::now();
    let out = Command::new(bin.path().join("bash"))
        .arg(common::repo_root().join("scripts/prereqs"))
        .arg("test")
        .env_clear()
        .env("PATH", bin.path())
        .env("ATLAS_PREREQS_NO_INSTALL", "1")
        .output()
        .unwrap();
    let elapsed = started.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
    assert!(stdout.contains("Rust toolchain (cargo, rustc)"), "{stdout}");
    assert!(stderr.contains("Cannot continue"), "{stderr}");
    assert!(stderr.contains("https://sh.rustup.rs"), "{stderr}");
    assert!(stderr.contains("apt-get install"), "{stderr}");
    assert!(stderr.contains("nodejs npm"), "{stderr}");
    assert!(stderr.contains("python3"), "{stderr}");
    assert!(!stdout.contains("installing"), "{stdout}");
}

#[test]
fn doctor_reports_every_prerequisite_and_changes_nothing() {
    let out = Command::new("bash")
        .arg(common::repo_root().join("scripts/prereqs"))
        .arg("doctor")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    for line in [
        "Rust toolchain",
        "wasm32 standard library",
        "Node.js and npm",
        "Chromium",
        "PostgreSQL",
        "Python tools in .venv",
        "wrk",
    ] {
        assert!(stdout.contains(line), "no `{line}` in:\n{stdout}");
    }
    assert!(!stdout.contains("installing"), "{stdout}");
}
