//! `atlas plugin new`: a working action project to start from, in Rust or
//! Python. Both call a partner API with an install secret and come with test
//! cases for `atlas plugin test` and a README naming the next commands. The
//! files are templates compiled into the binary (`templates/`).

mod python;
mod rust;
mod template;

use std::path::{Path, PathBuf};

use anyhow::{Context as _, bail};

/// The language of a new project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Language {
    /// A Rust crate on `atlas-sdk`.
    Rust,
    /// A componentize-py app.
    Python,
}

/// What to create.
#[derive(Debug, Clone)]
pub struct ScaffoldOptions {
    /// Project (and crate) name: lowercase letters, digits and `-`.
    pub name: String,
    /// The action id written into the manifest.
    pub id: String,
    /// The language.
    pub language: Language,
    /// The directory to create; must not exist or be empty.
    pub dir: PathBuf,
    /// The `atlas-sdk` crate the Rust project depends on (by path).
    pub sdk_path: Option<PathBuf>,
}

/// The `atlas-sdk` of the source tree this binary was built from, when it
/// is still there.
pub fn default_sdk_path() -> Option<PathBuf> {
    let sdk = Path::new(env!("CARGO_MANIFEST_DIR")).join("../sdk");
    sdk.join("Cargo.toml")
        .is_file()
        .then(|| sdk.canonicalize().ok())
        .flatten()
}

/// The default action id for a project name: `partner.<name>` with `-`
/// turned into `_`.
pub fn default_id(name: &str) -> String {
    format!("partner.{}", name.replace('-', "_"))
}

/// Checks a project name: it becomes a crate name and a file name.
pub fn check_name(name: &str) -> anyhow::Result<()> {
    let valid = name.len() <= 64
        && name.starts_with(|c: char| c.is_ascii_lowercase())
        && !name.ends_with('-')
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid {
        bail!(
            "`{name}` is not a usable project name: use lowercase letters, digits and `-`, \
             starting with a letter (at most 64 characters)"
        );
    }
    Ok(())
}

/// Checks an action id: dotted lowercase segments, such as `acme.points.lookup`.
pub fn check_id(id: &str) -> anyhow::Result<()> {
    let segments: Vec<&str> = id.split('.').collect();
    let valid = segments.len() >= 2
        && segments.iter().all(|segment| {
            segment.starts_with(|c: char| c.is_ascii_lowercase())
                && segment
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
        });
    if !valid {
        bail!(
            "`{id}` is not a usable action id: use two or more dotted lowercase segments, \
             such as `acme.points.lookup`"
        );
    }
    Ok(())
}

/// Writes the project and returns the files it created.
pub fn scaffold(options: &ScaffoldOptions) -> anyhow::Result<Vec<PathBuf>> {
    check_name(&options.name)?;
    check_id(&options.id)?;
    if options.dir.exists()
        && std::fs::read_dir(&options.dir)
            .with_context(|| format!("cannot read {}", options.dir.display()))?
            .next()
            .is_some()
    {
        bail!(
            "{} already exists and is not empty; choose another --dir",
            options.dir.display()
        );
    }
    let files = match options.language {
        Language::Rust => rust::files(options)?,
        Language::Python => python::files(options),
    };
    let mut written = Vec::with_capacity(files.len());
    for (relative, contents) in files {
        let path = options.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent)
                .with_context(|| format!("cannot create {}", parent.display()))?;
        }
        std::fs::write(&path, contents)
            .with_context(|| format!("cannot write {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ids_are_checked() {
        check_name("points-lookup").unwrap();
        assert!(check_name("Points").is_err());
        assert!(check_name("1points").is_err());
        assert!(check_name("points-").is_err());
        assert_eq!(default_id("points-lookup"), "partner.points_lookup");
        check_id(&default_id("points-lookup")).unwrap();
        assert!(check_id("points").is_err());
        assert!(check_id("acme..points").is_err());
    }
}
