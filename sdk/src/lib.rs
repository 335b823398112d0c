//! Write Atlas Flow actions in Rust.
//!
//! An action is a WebAssembly component that targets the WIT world `action` of
//! `atlas:workflow@0.1.0`. This crate hides the generated bindings behind a small
//! typed API: describe the action with a [`Manifest`], implement [`Action`] with
//! serde input and output types, and export it with [`export_action!`].
//!
//! ```no_run
//! use atlas_sdk::{Action, ActionError, Category, Context, Manifest, Outcome};
//! use schemars::JsonSchema;
//! use serde::{Deserialize, Serialize};
//!
//! #[derive(Deserialize, JsonSchema)]
//! struct Input {
//!     name: String,
//! }
//!
//! #[derive(Serialize, JsonSchema)]
//! struct Output {
//!     greeting: String,
//! }
//!
//! struct Greet;
//!
//! impl Action for Greet {
//!     type Input = Input;
//!     type Output = Output;
//!
//!     fn manifest() -> Manifest {
//!         Manifest::new("example.greet", "Greet", env!("CARGO_PKG_VERSION"))
//!             .description("Says hello.")
//!             .category(Category::Utility)
//!             .outcome("greeted", "Greeted")
//!     }
//!
//!     fn execute(_ctx: &Context, input: Input) -> Result<Outcome<Output>, ActionError> {
//!         atlas_sdk::info!("greeting {}", input.name);
//!         let greeting = format!("Hello, {}!", input.name);
//!         Ok(Outcome::new("greeted", Output { greeting }))
//!     }
//! }
//!
//! atlas_sdk::export_action!(Greet);
//! ```
//!
//! Host capabilities live in [`log`], [`http`], [`kv`], [`secrets`], [`crm`] and
//! [`ai`]; each call is checked against the capabilities the manifest requests
//! and the org granted at install.

mod action;
mod action_error;
pub mod ai;
#[cfg(all(
    feature = "allocator",
    target_arch = "wasm32",
    not(target_feature = "atomics")
))]
mod allocator;
#[doc(hidden)]
pub mod bindings;
mod context;
pub mod crm;
pub mod export;
mod host_error;
pub mod http;
pub mod kv;
pub mod log;
mod manifest;
mod outcome;
pub mod secrets;

pub use action::Action;
pub use action_error::ActionError;
pub use context::Context;
pub use host_error::HostError;
pub use manifest::Manifest;
pub use outcome::Outcome;

pub use bindings::atlas::workflow::types::{Capability, Category};

/// Version of the `atlas:workflow` WIT package this SDK targets.
pub const WIT_VERSION: &str = "0.1.0";
