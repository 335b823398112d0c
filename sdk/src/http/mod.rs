//! Outbound HTTP through the host: grant-checked, SSRF-guarded, time- and size-capped.
//!
//! Needs [`crate::Capability::Http`] for the request's host name.
//!
//! ```no_run
//! use atlas_sdk::ActionError;
//! use atlas_sdk::http::Request;
//! # fn run() -> Result<(), ActionError> {
//! let response = Request::post("https://api.example.com/v1/messages")
//!     .header("Authorization", "Bearer ...")
//!     .json(&serde_json::json!({"to": "+441234567890"}))
//!     .timeout_ms(5_000)
//!     .send()?;
//! if response.is_success() {
//!     let sent: serde_json::Value = response
//!         .json()
//!         .map_err(|error| ActionError::fatal(format!("unexpected reply: {error}")))?;
//! }
//! # Ok(())
//! # }
//! ```

mod request;
mod response;

pub use request::Request;
pub use response::Response;
