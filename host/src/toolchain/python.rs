//! Building Python actions with componentize-py.

use std::io::ErrorKind;
use std::path::Path;

use anyhow::{Context as _, bail};

use super::BuiltComponent;
use super::process_output::{TAIL_LINES, tail};
use super::scratch_dir::ScratchDir;
use super::wit::write_wit;

/// The module componentize-py loads: `app.py`, defining class `WitWorld`.
const APP_MODULE: &str = "app";

/// The world every action targets.
const WORLD: &str = "action";

/// Builds the Python app in `dir` into `<out_dir>/<name>.wasm`.
pub(crate) fn build_python_app(
    dir: &Path,
    name: &str,
    out_dir: &Path,
) -> anyhow::Result<BuiltComponent> {
    let wit = ScratchDir::new("wit").context("cannot create a temporary directory")?;
    write_wit(wit.path()).context("cannot write the WIT package")?;
    let out_path = out_dir.join(format!("{name}.wasm"));
    tracing::info!(app = %dir.display(), "building Python action with componentize-py");

    let output = std::process::Command::new("componentize-py")
        .arg("--wit-path")
        .arg(wit.path())
        .args(["--world", WORLD, "componentize", APP_MODULE])
        .arg("--python-path")
        .arg(dir)
        .arg("--output")
        .arg(&out_path)
        .current_dir(dir)
        .output();
    let output = match output {
        Err(error) if error.kind() == ErrorKind::NotFound => bail!(
            "componentize-py is not installed (or not on PATH); install it with \
             `pip install componentize-py`"
        ),
        other => other.context("cannot run componentize-py")?,
    };
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    for line in stdout.lines().chain(stderr.lines()) {
        tracing::debug!(target: "atlas::toolchain::componentize_py", "{line}");
    }
    if !output.status.success() {
        bail!(
            "componentize-py failed ({}) for {}:\n{}",
            output.status,
            dir.display(),
            tail(&format!("{stdout}\n{stderr}"), TAIL_LINES)
        );
    }

    let size_bytes = std::fs::metadata(&out_path)
        .with_context(|| format!("componentize-py wrote no {}", out_path.display()))?
        .len();
    tracing::info!(name, path = %out_path.display(), size_bytes, "wrote component");
    Ok(BuiltComponent {
        name: name.to_owned(),
        path: out_path,
        size_bytes,
    })
}
