//! The Rust project: a `cdylib` crate on `atlas-sdk`, its own workspace.

use anyhow::Context as _;

use super::ScaffoldOptions;
use super::template::render;

const CARGO_TOML: &str = include_str!("templates/rust/Cargo.toml.tmpl");
const LIB_RS: &str = include_str!("templates/rust/lib.rs.tmpl");
const TESTS: &str = include_str!("templates/rust/atlas-tests.json.tmpl");
const README: &str = include_str!("templates/rust/README.md.tmpl");
const GITIGNORE: &str = include_str!("templates/rust/gitignore.tmpl");

/// The files of the project, by path relative to its directory.
pub(super) fn files(options: &ScaffoldOptions) -> anyhow::Result<Vec<(&'static str, String)>> {
    let sdk = options
        .sdk_path
        .clone()
        .or_else(super::default_sdk_path)
        .context(
            "cannot find the atlas-sdk crate: pass --sdk-path with the path of its directory \
             (the `sdk` folder of the Atlas Flow repository)",
        )?;
    if !sdk.join("Cargo.toml").is_file() {
        anyhow::bail!(
            "{} is not the atlas-sdk crate (it has no Cargo.toml)",
            sdk.display()
        );
    }
    let sdk = std::path::absolute(&sdk)?;
    let sdk = sdk
        .to_str()
        .context("the atlas-sdk path is not valid UTF-8")?
        .replace('\\', "/");
    Ok(vec![
        ("Cargo.toml", render(CARGO_TOML, options, &sdk)),
        ("src/lib.rs", render(LIB_RS, options, &sdk)),
        ("atlas-tests.json", render(TESTS, options, &sdk)),
        ("README.md", render(README, options, &sdk)),
        (".gitignore", render(GITIGNORE, options, &sdk)),
    ])
}
