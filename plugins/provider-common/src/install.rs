//! Install settings: what an org admin entered for an action at install.
//!
//! Credentials and provider settings live in the action's secrets, encrypted
//! at rest and readable only by the action they were entered for. Workflow
//! authors fill the input; only admins set these, so a workflow cannot send
//! an org's API key to a host of its choosing.

use atlas_sdk::{ActionError, HostError, secrets};

use crate::host_failure::secret_failure;

/// A secret the action cannot work without; a missing one is a fatal error
/// that names it.
pub fn required_secret(name: &str) -> Result<String, ActionError> {
    secrets::get(name).map_err(|error| secret_failure(name, error))
}

/// An optional setting: `None` when it was not entered or not granted.
pub fn optional_secret(name: &str) -> Result<Option<String>, ActionError> {
    match secrets::get(name) {
        Ok(value) if value.trim().is_empty() => Ok(None),
        Ok(value) => Ok(Some(value.trim().to_owned())),
        Err(HostError::NotFound(_) | HostError::Denied(_)) => Ok(None),
        Err(error) => Err(secret_failure(name, error)),
    }
}

/// The provider's base URL: the optional setting `setting` (a regional
/// endpoint, a proxy, a test server), else `default`; without a trailing `/`.
pub fn base_url(setting: &str, default: &str) -> Result<String, ActionError> {
    let url = optional_secret(setting)?.unwrap_or_else(|| default.to_owned());
    checked_base_url(setting, &url)
}

fn checked_base_url(setting: &str, url: &str) -> Result<String, ActionError> {
    if !(url.starts_with("https://") || url.starts_with("http://")) {
        return Err(ActionError::fatal(format!(
            "install setting `{setting}` must be an absolute http or https URL, got `{url}`"
        )));
    }
    Ok(url.trim_end_matches('/').to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_urls_lose_their_trailing_slash() {
        assert_eq!(
            checked_base_url("x", "https://api.example.com/").unwrap(),
            "https://api.example.com"
        );
        assert_eq!(
            checked_base_url("x", "http://127.0.0.1:8080").unwrap(),
            "http://127.0.0.1:8080"
        );
    }

    #[test]
    fn relative_base_urls_are_refused() {
        let error = checked_base_url("sendgrid_base_url", "api.sendgrid.com").unwrap_err();
        assert_eq!(
            error,
            ActionError::fatal(
                "install setting `sendgrid_base_url` must be an absolute http or https URL, \
                 got `api.sendgrid.com`"
            )
        );
    }
}
