//! Errors from parsing and rendering templates.

use thiserror::Error;

/// A template that cannot be parsed: where (byte offset into the template) and why.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("at byte {offset}: {message}")]
pub struct TemplateError {
    /// Byte offset into the template source where the problem starts.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

impl TemplateError {
    pub(super) fn new(offset: usize, message: impl Into<String>) -> Self {
        Self {
            offset,
            message: message.into(),
        }
    }
}

/// A template that parsed but could not be rendered against a scope.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum RenderError {
    /// A string in a JSON document was not a valid template.
    #[error("invalid template {0}")]
    Parse(#[from] TemplateError),
    /// A filter could not handle its input value.
    #[error("filter `{filter}` at byte {offset}: {message}")]
    Filter {
        /// The filter's name.
        filter: &'static str,
        /// Byte offset of the filter in the template source.
        offset: usize,
        /// What went wrong.
        message: String,
    },
}
