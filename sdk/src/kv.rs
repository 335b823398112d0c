//! Key-value storage scoped to the run's org and this plugin.
//!
//! Needs [`crate::Capability::Kv`].

use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::HostError;
use crate::bindings::atlas::workflow::kv;

/// The value stored under `key`, if any.
pub fn get(key: &str) -> Result<Option<Vec<u8>>, HostError> {
    kv::get(key).map_err(HostError::from)
}

/// Stores `value` under `key`, replacing any previous value.
pub fn set(key: &str, value: &[u8]) -> Result<(), HostError> {
    kv::set(key, value).map_err(HostError::from)
}

/// Removes `key`; removing a missing key is not an error.
pub fn delete(key: &str) -> Result<(), HostError> {
    kv::delete(key).map_err(HostError::from)
}

/// The keys starting with `prefix`.
pub fn list_keys(prefix: &str) -> Result<Vec<String>, HostError> {
    kv::list_keys(prefix).map_err(HostError::from)
}

/// The JSON value stored under `key`, parsed into `T`.
///
/// A stored value that does not parse into `T` is [`HostError::Invalid`].
pub fn get_json<T: DeserializeOwned>(key: &str) -> Result<Option<T>, HostError> {
    let Some(bytes) = get(key)? else {
        return Ok(None);
    };
    serde_json::from_slice(&bytes).map(Some).map_err(|error| {
        HostError::Invalid(format!("value of key `{key}` does not parse: {error}"))
    })
}

/// Stores `value` as JSON under `key`.
pub fn set_json<T: Serialize + ?Sized>(key: &str, value: &T) -> Result<(), HostError> {
    let bytes = serde_json::to_vec(value).map_err(|error| {
        HostError::Invalid(format!(
            "value for key `{key}` is not serialisable: {error}"
        ))
    })?;
    set(key, &bytes)
}
