//! What kind of action project a directory holds.

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// A buildable action project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Project {
    /// A Rust crate or workspace.
    Cargo {
        /// Absolute path of its `Cargo.toml`.
        manifest: PathBuf,
    },
    /// A Python action: `app.py` defines the `WitWorld` class.
    Python {
        /// Absolute path of the directory holding `app.py`.
        dir: PathBuf,
        /// The directory's name, used for the component's file name.
        name: String,
    },
}

impl Project {
    /// Looks for `Cargo.toml`, then `app.py`, in `dir`.
    pub(crate) fn detect(dir: &Path) -> anyhow::Result<Self> {
        let dir = dir
            .canonicalize()
            .with_context(|| format!("cannot open project directory {}", dir.display()))?;
        if !dir.is_dir() {
            bail!("{} is not a directory", dir.display());
        }
        let manifest = dir.join("Cargo.toml");
        if manifest.is_file() {
            return Ok(Self::Cargo { manifest });
        }
        if dir.join("app.py").is_file() {
            let name = dir
                .file_name()
                .and_then(|name| name.to_str())
                .context("the Python app's directory has no usable name")?
                .to_owned();
            return Ok(Self::Python { dir, name });
        }
        bail!(
            "{} holds neither a Cargo.toml (a Rust action crate or workspace) nor an app.py \
             (a Python action)",
            dir.display()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::toolchain::scratch_dir::ScratchDir;

    #[test]
    fn cargo_manifest_wins_over_app_py() {
        let scratch = ScratchDir::new("project-test").unwrap();
        std::fs::write(scratch.path().join("app.py"), "").unwrap();
        let python = Project::detect(scratch.path()).unwrap();
        assert!(matches!(python, Project::Python { .. }));

        std::fs::write(scratch.path().join("Cargo.toml"), "").unwrap();
        let cargo = Project::detect(scratch.path()).unwrap();
        assert!(matches!(cargo, Project::Cargo { manifest } if manifest.ends_with("Cargo.toml")));
    }

    #[test]
    fn empty_directory_is_explained() {
        let scratch = ScratchDir::new("project-test").unwrap();
        let error = Project::detect(scratch.path()).unwrap_err().to_string();
        assert!(error.contains("neither a Cargo.toml"), "{error}");
        assert!(Project::detect(&scratch.path().join("missing")).is_err());
    }
}
