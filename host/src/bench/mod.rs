//! Benchmarks behind `atlas bench`: each prints one JSON object of figures.

pub mod analytics;
pub mod api;
pub mod engine;
pub mod plugin;
mod stats;
pub mod wrk;

pub use stats::Percentiles;
