//! The output document of the email action.

use schemars::JsonSchema;
use serde::Serialize;

/// Who sent the email and under which id, or nothing in test mode.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct EmailOutput {
    /// `sendgrid` or `postmark`; null in test mode when the input names none.
    pub provider: Option<String>,
    /// The provider's message id; null in test mode.
    pub message_id: Option<String>,
    /// True in test mode: nothing was sent.
    pub skipped: bool,
}
