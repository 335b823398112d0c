//! What the built-in actions share: how provider answers become typed errors,
//! the `Retry-After` header, failed host calls, install settings kept as
//! secrets, and the consent check messaging actions make before sending.

pub mod basic_auth;
pub mod consent;
pub mod host_failure;
pub mod install;
pub mod retry_after;
pub mod send_error;
pub mod status;
#[cfg(any(test, feature = "testing"))]
pub mod testing;

pub use send_error::SendError;
