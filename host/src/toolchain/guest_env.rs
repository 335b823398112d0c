//! Commands for guest builds, cleared of the caller's Rust build settings.
//!
//! `atlas plugin build` may run under cargo itself (tests, `cargo run`) or in a
//! shell that sets `RUSTFLAGS` for the host. None of that may reach the
//! wasm32 guest build: flags, wrappers, targets and profiles are dropped, and
//! the toolchain sets exactly what the guest needs.

use std::ffi::OsStr;
use std::process::Command;

/// Variables that select or configure the compiler, whatever their value.
const HOST_BUILD_VARIABLES: [&str; 16] = [
    "RUSTFLAGS",
    "RUSTDOCFLAGS",
    "RUSTC",
    "RUSTC_WRAPPER",
    "RUSTC_WORKSPACE_WRAPPER",
    "RUSTC_BOOTSTRAP",
    "CARGO_ENCODED_RUSTFLAGS",
    "CARGO_ENCODED_RUSTDOCFLAGS",
    "CARGO_BUILD_RUSTFLAGS",
    "CARGO_BUILD_RUSTC",
    "CARGO_BUILD_RUSTC_WRAPPER",
    "CARGO_BUILD_RUSTC_WORKSPACE_WRAPPER",
    "CARGO_BUILD_TARGET",
    "CARGO_BUILD_TARGET_DIR",
    "CARGO_BUILD_BUILD_DIR",
    "CARGO_TARGET_DIR",
];

/// Prefixes of per-target, per-profile and unstable cargo settings.
const HOST_BUILD_PREFIXES: [&str; 3] = ["CARGO_TARGET_", "CARGO_PROFILE_", "CARGO_UNSTABLE_"];

/// True for an environment variable that would change how the guest compiles.
pub(crate) fn is_host_build_setting(name: &str) -> bool {
    HOST_BUILD_VARIABLES.contains(&name)
        || HOST_BUILD_PREFIXES
            .iter()
            .any(|prefix| name.starts_with(prefix))
}

/// `program` with every host build setting removed from its environment.
pub(crate) fn guest_command(program: impl AsRef<OsStr>) -> Command {
    let mut command = Command::new(program);
    for (name, _) in std::env::vars_os() {
        if name.to_str().is_some_and(is_host_build_setting) {
            command.env_remove(&name);
        }
    }
    command
}

/// The cargo binary: the one running us when we run under cargo, else `cargo`.
pub(crate) fn cargo_program() -> std::ffi::OsString {
    std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_targets_and_profiles_are_host_settings() {
        for name in [
            "RUSTFLAGS",
            "CARGO_ENCODED_RUSTFLAGS",
            "RUSTC_WORKSPACE_WRAPPER",
            "CARGO_TARGET_DIR",
            "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS",
            "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_LINKER",
            "CARGO_PROFILE_RELEASE_DEBUG",
            "CARGO_UNSTABLE_BUILD_STD",
        ] {
            assert!(is_host_build_setting(name), "{name}");
        }
    }

    #[test]
    fn registry_and_terminal_settings_pass_through() {
        for name in [
            "CARGO_HOME",
            "CARGO_NET_OFFLINE",
            "CARGO_HTTP_TIMEOUT",
            "CARGO_REGISTRIES_CRATES_IO_PROTOCOL",
            "CARGO_TERM_COLOR",
            "PATH",
            "HOME",
        ] {
            assert!(!is_host_build_setting(name), "{name}");
        }
    }
}
