//! Version order: a published version is semver and greater than the last.

use semver::Version;

/// Why a version cannot follow the last one.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum VersionError {
    /// Not a semantic version.
    #[error("version `{0}` is not a semantic version (MAJOR.MINOR.PATCH): {1}")]
    NotSemver(String, String),
    /// Not greater than the newest published version.
    #[error("version {new} is not greater than the latest published version {last}")]
    NotGreater {
        /// The rejected version.
        new: String,
        /// The newest version already published.
        last: String,
    },
}

/// Checks that `new` is semver and greater than every version in `published`.
pub fn check_newer<'a>(
    new: &str,
    published: impl IntoIterator<Item = &'a str>,
) -> Result<Version, VersionError> {
    let parsed =
        Version::parse(new).map_err(|e| VersionError::NotSemver(new.into(), e.to_string()))?;
    let last = published
        .into_iter()
        .filter_map(|v| Version::parse(v).ok())
        .max();
    match last {
        Some(last) if parsed <= last => Err(VersionError::NotGreater {
            new: new.into(),
            last: last.to_string(),
        }),
        _ => Ok(parsed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_must_grow() {
        assert!(check_newer("1.0.0", []).is_ok());
        assert!(check_newer("1.2.0", ["1.0.0", "1.1.9"]).is_ok());
        assert!(matches!(
            check_newer("1.1.0", ["1.1.0"]),
            Err(VersionError::NotGreater { .. })
        ));
        assert!(matches!(
            check_newer("1.0.0", ["1.0.1"]),
            Err(VersionError::NotGreater { .. })
        ));
        assert!(matches!(
            check_newer("1.0", []),
            Err(VersionError::NotSemver(..))
        ));
    }
}
