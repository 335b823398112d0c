//! Why a CRM operation failed.

use crate::store::crm::Channel;

/// A CRM operation's failure.
#[derive(Debug, thiserror::Error)]
pub enum CrmError {
    /// The addressed object does not exist in the org.
    #[error("{0}")]
    NotFound(String),
    /// The arguments were rejected.
    #[error("{0}")]
    Invalid(String),
    /// A capacity was reached (the class is full).
    #[error("{0}")]
    Full(String),
    /// The contact has not consented to messages on the channel.
    #[error("contact `{contact}` has not consented to {} messages", channel.as_str())]
    NoConsent {
        /// The contact.
        contact: String,
        /// The channel.
        channel: Channel,
    },
    /// The database failed.
    #[error(transparent)]
    Store(#[from] anyhow::Error),
}

impl CrmError {
    /// `not_found`, `invalid`, `full`, `no_consent` or `store`.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::NotFound(_) => "not_found",
            Self::Invalid(_) => "invalid",
            Self::Full(_) => "full",
            Self::NoConsent { .. } => "no_consent",
            Self::Store(_) => "store",
        }
    }
}

/// Shorthand for results of CRM operations.
pub type CrmResult<T> = Result<T, CrmError>;
