//! Finding a compiler that can build `wasm32-unknown-unknown` guests.

use std::ffi::OsStr;
use std::fmt;
use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context as _, bail};

use super::guest_env::guest_command;

/// The target every Rust guest is compiled for.
pub(crate) const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// Compiler flags for guests: a 64 KiB stack instead of the 1 MiB default
/// makes every instantiation cheaper, and 64 KiB of initial heap (which the
/// SDK's allocator uses before growing memory) lets a typical run allocate
/// without `memory.grow`, so the host never has to change page protections.
const GUEST_RUSTFLAGS: &str = "-C link-arg=-zstack-size=65536 -C link-arg=--initial-heap=65536";

/// Debian's `rustc-web` compiler.
const DEBIAN_RUSTC: &str = "/usr/bin/rustc";

/// How cargo builds the guest's standard library.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum WasmToolchain {
    /// The active rustc ships a prebuilt `wasm32-unknown-unknown` standard library.
    Prebuilt,
    /// A rustc with the standard library's source (Debian's `rustc-web` and
    /// `rust-web-src`) compiles it with `-Zbuild-std`, linking with `linker`.
    BuildStd {
        /// The compiler.
        rustc: PathBuf,
        /// `rust-lld` or `wasm-ld`.
        linker: PathBuf,
    },
}

impl WasmToolchain {
    /// Picks the toolchain for a project in `project_dir` (where a
    /// `rust-toolchain.toml` may select the active rustc).
    pub(crate) fn detect(project_dir: &Path) -> anyhow::Result<Self> {
        let active_sysroot = sysroot(OsStr::new("rustc"), project_dir);
        if let Ok(sysroot) = &active_sysroot
            && sysroot.join("lib/rustlib").join(WASM_TARGET).is_dir()
        {
            return Ok(Self::Prebuilt);
        }
        if Path::new(DEBIAN_RUSTC).is_file() {
            let debian_sysroot = sysroot(OsStr::new(DEBIAN_RUSTC), project_dir)?;
            if debian_sysroot.join("lib/rustlib/src/rust/library").is_dir() {
                let linker = [active_sysroot.ok(), Some(debian_sysroot)]
                    .into_iter()
                    .flatten()
                    .find_map(|sysroot| rust_lld_in(&sysroot))
                    .or_else(|| find_on_path(&["rust-lld", "wasm-ld"]))
                    .context(
                        "found Debian's rustc-web but no WebAssembly linker: install rustup's \
                         toolchain (it ships rust-lld) or Debian's `lld` package (wasm-ld)",
                    )?;
                return Ok(Self::BuildStd {
                    rustc: PathBuf::from(DEBIAN_RUSTC),
                    linker,
                });
            }
        }
        let active = match &active_sysroot {
            Ok(sysroot) => format!("the active rustc ({}) has", sysroot.display()),
            Err(_) => "no rustc found on PATH, which means there is".to_owned(),
        };
        bail!(
            "no Rust toolchain can build {WASM_TARGET}: {active} no {WASM_TARGET} standard \
             library, and Debian's rustc-web with its source is not installed. Install one of: \
             the target for rustup (`rustup target add {WASM_TARGET}`), or Debian's packages \
             (`apt-get install rustc-web rust-web-src`)"
        )
    }

    /// Sets the environment a `cargo build --target wasm32-unknown-unknown`
    /// needs with this toolchain.
    pub(crate) fn configure(&self, cargo: &mut Command) {
        cargo.env(
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            GUEST_RUSTFLAGS,
        );
        if let Self::BuildStd { rustc, linker } = self {
            cargo
                .env("RUSTC", rustc)
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER", linker);
        }
    }

    /// Extra `cargo build` arguments this toolchain needs.
    pub(crate) fn build_args(&self) -> &'static [&'static str] {
        match self {
            Self::Prebuilt => &[],
            Self::BuildStd { .. } => &["-Zbuild-std=std,panic_abort"],
        }
    }
}

impl fmt::Display for WasmToolchain {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Prebuilt => write!(f, "active rustc with its prebuilt {WASM_TARGET} std"),
            Self::BuildStd { rustc, linker } => write!(
                f,
                "{} building std from source, linked by {}",
                rustc.display(),
                linker.display()
            ),
        }
    }
}

/// `rustc --print sysroot`, run where cargo will run.
fn sysroot(rustc: &OsStr, project_dir: &Path) -> anyhow::Result<PathBuf> {
    let output = guest_command(rustc)
        .args(["--print", "sysroot"])
        .current_dir(project_dir)
        .output()
        .with_context(|| format!("cannot run {}", rustc.to_string_lossy()))?;
    if !output.status.success() {
        bail!(
            "{} --print sysroot failed: {}",
            rustc.to_string_lossy(),
            String::from_utf8_lossy(&output.stderr).trim()
        );
    }
    Ok(PathBuf::from(String::from_utf8(output.stdout)?.trim()))
}

/// `rust-lld` shipped in a sysroot, for whichever host it was built.
fn rust_lld_in(sysroot: &Path) -> Option<PathBuf> {
    std::fs::read_dir(sysroot.join("lib/rustlib"))
        .ok()?
        .flatten()
        .map(|entry| entry.path().join("bin/rust-lld"))
        .find(|candidate| candidate.is_file())
}

/// The first of `names` found on `PATH`.
fn find_on_path(names: &[&str]) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    names.iter().find_map(|name| {
        std::env::split_paths(&path)
            .map(|dir| dir.join(name))
            .find(|candidate| candidate.is_file())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn build_std_sets_compiler_linker_and_flags() {
        let toolchain = WasmToolchain::BuildStd {
            rustc: PathBuf::from("/usr/bin/rustc"),
            linker: PathBuf::from("/opt/rust-lld"),
        };
        let mut command = Command::new("cargo");
        toolchain.configure(&mut command);
        let envs: Vec<(String, String)> = command
            .get_envs()
            .map(|(name, value)| {
                (
                    name.to_string_lossy().into_owned(),
                    value
                        .map(|v| v.to_string_lossy().into_owned())
                        .unwrap_or_default(),
                )
            })
            .collect();
        let get = |name: &str| {
            envs.iter()
                .find(|(key, _)| key == name)
                .map(|(_, value)| value.as_str())
        };
        assert_eq!(get("RUSTC"), Some("/usr/bin/rustc"));
        assert_eq!(get("RUSTC_BOOTSTRAP"), Some("1"));
        assert_eq!(
            get("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_LINKER"),
            Some("/opt/rust-lld")
        );
        assert_eq!(
            get("CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS"),
            Some(GUEST_RUSTFLAGS)
        );
        assert_eq!(toolchain.build_args(), ["-Zbuild-std=std,panic_abort"]);
    }

    #[test]
    fn prebuilt_only_sets_flags() {
        let mut command = Command::new("cargo");
        WasmToolchain::Prebuilt.configure(&mut command);
        assert_eq!(command.get_envs().count(), 1);
        assert!(WasmToolchain::Prebuilt.build_args().is_empty());
    }
}
