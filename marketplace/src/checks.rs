//! The checks a published version must pass, in the order they run. Every
//! failure names its check, so a partner knows exactly what to fix.

use serde::{Deserialize, Serialize};

/// One publish check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PublishCheck {
    /// The upload is at most the size limit.
    Size,
    /// Signed by a registered, unrevoked key of the uploading publisher.
    Signature,
    /// A valid WebAssembly component.
    Component,
    /// Imports only the `action` world's interfaces (and WASI); exports
    /// `manifest` and `execute`.
    World,
    /// `manifest()` returns a well-formed manifest under tight limits.
    Manifest,
    /// The manifest's memory, fuel and timeout stay within the platform's limits.
    Limits,
    /// Input and output schemas are valid JSON Schema.
    Schema,
    /// The action id belongs to this publisher (or is new).
    Owner,
    /// The version is semver and greater than the last published one.
    Version,
}

impl PublishCheck {
    /// The check's stable name, as it appears in errors.
    pub fn name(self) -> &'static str {
        match self {
            Self::Size => "size",
            Self::Signature => "signature",
            Self::Component => "component",
            Self::World => "world",
            Self::Manifest => "manifest",
            Self::Limits => "limits",
            Self::Schema => "schema",
            Self::Owner => "owner",
            Self::Version => "version",
        }
    }
}

impl std::fmt::Display for PublishCheck {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// A failed publish check and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("publish check `{check}` failed: {detail}")]
pub struct Rejection {
    /// The check that failed.
    pub check: PublishCheck,
    /// What was wrong, in words.
    pub detail: String,
}

impl Rejection {
    /// A rejection by `check`.
    pub fn new(check: PublishCheck, detail: impl Into<String>) -> Self {
        Self {
            check,
            detail: detail.into(),
        }
    }
}
