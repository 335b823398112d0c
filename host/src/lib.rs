//! Atlas Flow host: the workflow engine, the plugin runtime and its capabilities,
//! the store and the HTTP API, as a library behind the `atlas` binary.

pub mod api;
pub mod bench;
pub mod capabilities;
pub mod cli;
pub mod crm;
pub mod engine;
pub mod graph;
pub mod marketplace;
pub mod plugin_test;
pub mod receipts;
pub mod runtime;
pub mod store;
pub mod templates;
pub mod toolchain;
