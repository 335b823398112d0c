//! The HTTP API (axum) under `/api/v2`: JSON in and out, errors as RFC 9457
//! problem documents.

mod catalog;
mod health;
pub mod problem;

use std::sync::Arc;

use axum::Router;
use axum::routing::get;

use crate::engine::Engine;
use crate::runtime::{PluginRegistry, Runtime};
use crate::store::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// The plugin runtime.
    pub runtime: Arc<Runtime>,
    /// Loaded plugins.
    pub registry: Arc<PluginRegistry>,
    /// The workflow engine.
    pub engine: Engine,
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/api/v2/health", get(health::health))
        .route("/api/v2/catalog", get(catalog::list))
        .route("/api/v2/catalog/{id}", get(catalog::versions))
        .fallback(problem::not_found)
        .with_state(state)
}
