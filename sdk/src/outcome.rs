//! The successful result of one run.

/// Which outcome edge the workflow follows, and the output document.
#[derive(Debug, Clone, PartialEq)]
pub struct Outcome<T> {
    /// One of the outcome names declared in the manifest.
    pub name: String,
    /// The output document; it must match the manifest's output schema.
    pub output: T,
}

impl<T> Outcome<T> {
    /// An outcome named `name` carrying `output`.
    pub fn new(name: impl Into<String>, output: T) -> Self {
        Self {
            name: name.into(),
            output,
        }
    }
}
