//! Secrets an org admin entered at install and granted to this plugin.
//!
//! Needs [`crate::Capability::Secret`] for each name read.

use crate::HostError;
use crate::bindings::atlas::workflow::secrets;

/// The value of the secret `name`.
pub fn get(name: &str) -> Result<String, HostError> {
    secrets::get(name).map_err(HostError::from)
}
