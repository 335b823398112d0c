//! `GET /api/v2/health`: is the database answering, and is the runtime loaded?

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;

/// The health document.
#[derive(Debug, Serialize, ToSchema)]
pub struct Health {
    /// `ok` or `degraded`.
    pub status: &'static str,
    /// The database dialect and whether it answered.
    pub database: ComponentHealth,
    /// The plugin runtime.
    pub runtime: RuntimeHealth,
    /// Server version.
    pub version: &'static str,
}

/// One dependency's health.
#[derive(Debug, Serialize, ToSchema)]
pub struct ComponentHealth {
    /// `sqlite` or `postgres`.
    pub kind: &'static str,
    /// True when it answered.
    pub ok: bool,
    /// The error when it did not.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// The runtime's state.
#[derive(Debug, Serialize, ToSchema)]
pub struct RuntimeHealth {
    /// True once the engine is up.
    pub ok: bool,
    /// Number of loaded plugins.
    pub plugins_loaded: usize,
    /// The `atlas:workflow` WIT version the host implements.
    pub wit_version: &'static str,
}

/// Report health: database and runtime. 503 when the database does not answer. No authentication.
#[utoipa::path(get, path = "/api/v2/health", tag = "system",
    responses(
        (status = 200, body = Health),
        (status = 503, body = Health),
    ))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<Health>) {
    let db = state.store.ping().await;
    let ok = db.is_ok();
    let body = Health {
        status: if ok { "ok" } else { "degraded" },
        database: ComponentHealth {
            kind: state.store.dialect(),
            ok,
            error: db.err().map(|e| e.to_string()),
        },
        runtime: RuntimeHealth {
            ok: true,
            plugins_loaded: state.registry.all().len(),
            wit_version: crate::runtime::bindings::WIT_VERSION,
        },
        version: env!("CARGO_PKG_VERSION"),
    };
    let status = if ok {
        StatusCode::OK
    } else {
        StatusCode::SERVICE_UNAVAILABLE
    };
    (status, Json(body))
}
