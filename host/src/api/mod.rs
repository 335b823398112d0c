//! The HTTP API (axum) under `/api/v2`: JSON in and out, errors as RFC 9457
//! problem documents, every request authenticated and scoped to the caller's
//! org, rate limited and bounded in size and time. What anyone can reach
//! (failed authentication, the inbound hooks) is limited per client address
//! before any database work.

pub mod address_limits;
mod analytics;
mod api_keys;
mod audit;
pub mod auth;
mod builder_app;
mod catalog;
pub mod client_address;
mod contacts;
pub mod cursor;
mod documents;
mod events;
mod executions;
mod health;
mod ids;
pub mod json;
pub mod limits;
mod live;
pub mod live_slots;
mod marketplace;
pub mod metrics;
pub mod openapi;
mod orgs;
pub mod problem;
mod sendgrid_events;
mod step_log;
mod templates;
mod twilio_status;
mod workflow_transfer;
mod workflow_versions;
mod workflows;

use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderName;
use axum::middleware::from_fn_with_state;
use axum::routing::get;
use utoipa::OpenApi as _;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::engine::Engine;
use crate::marketplace::Marketplace;
use crate::runtime::{PluginRegistry, Runtime};
use crate::store::Store;
use address_limits::{AddressLimitSettings, AddressLimits};
use auth::{Authenticator, JwtVerifier};
use limits::{RateLimitSettings, RateLimits};
use live_slots::{LiveSettings, LiveSlots};
use metrics::Metrics;

pub use builder_app::BuilderApp;

/// Limits and addresses of the API.
#[derive(Debug, Clone)]
pub struct ApiSettings {
    /// The URL clients reach this server at (for webhook URLs), without a trailing slash.
    pub public_url: String,
    /// Largest request body accepted.
    pub max_body_bytes: usize,
    /// Deadline of a request (live streams excepted).
    pub request_timeout: Duration,
    /// Request rates.
    pub rate_limits: RateLimitSettings,
    /// Budgets per client address (failed authentication, inbound hooks).
    pub address_limits: AddressLimitSettings,
    /// The header a trusted proxy puts the client's address in; the socket's
    /// peer address when `None`.
    pub client_address_header: Option<HeaderName>,
    /// Live-stream limits.
    pub live: LiveSettings,
}

impl Default for ApiSettings {
    fn default() -> Self {
        Self {
            public_url: "http://127.0.0.1:8080".into(),
            max_body_bytes: 1024 * 1024,
            request_timeout: Duration::from_secs(30),
            rate_limits: RateLimitSettings::default(),
            address_limits: AddressLimitSettings::default(),
            client_address_header: None,
            live: LiveSettings::default(),
        }
    }
}

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
    /// Publishing, installs, access and branding (the engine's).
    pub marketplace: Arc<Marketplace>,
    /// Token and key verification.
    pub auth: Arc<Authenticator>,
    /// Request rate limiters.
    pub limits: Arc<RateLimits>,
    /// Budgets per client address.
    pub address_limits: Arc<AddressLimits>,
    /// Open live streams per caller.
    pub live_slots: Arc<LiveSlots>,
    /// Prometheus metrics.
    pub metrics: Arc<Metrics>,
    /// Limits and addresses.
    pub settings: Arc<ApiSettings>,
    /// The OpenAPI document, built once.
    pub openapi: Arc<serde_json::Value>,
}

impl AppState {
    /// The state of a server; starts the metrics and rate-limiter housekeeping tasks.
    pub fn new(
        store: Store,
        runtime: Arc<Runtime>,
        registry: Arc<PluginRegistry>,
        engine: Engine,
        jwt: JwtVerifier,
        settings: ApiSettings,
    ) -> Self {
        let metrics = Arc::new(Metrics::new());
        tokio::spawn(metrics.clone().follow(engine.subscribe()));
        let limits = Arc::new(RateLimits::new(settings.rate_limits));
        let address_limits = Arc::new(AddressLimits::new(settings.address_limits));
        let weak = (Arc::downgrade(&limits), Arc::downgrade(&address_limits));
        tokio::spawn(async move {
            let mut tick = tokio::time::interval(Duration::from_secs(60));
            loop {
                tick.tick().await;
                match (weak.0.upgrade(), weak.1.upgrade()) {
                    (Some(limits), Some(address_limits)) => {
                        limits.shrink();
                        address_limits.shrink();
                    }
                    _ => return,
                }
            }
        });
        tokio::spawn(roll_up_analytics(store.clone()));
        let openapi = serde_json::to_value(api_routes().split_for_parts().1)
            .unwrap_or(serde_json::Value::Null);
        Self {
            store,
            runtime,
            registry,
            marketplace: engine.marketplace().clone(),
            engine,
            auth: Arc::new(Authenticator::new(jwt)),
            limits,
            address_limits,
            live_slots: Arc::default(),
            metrics,
            settings: Arc::new(settings),
            openapi: Arc::new(openapi),
        }
    }
}

/// How often the background pass rolls up new execution events.
const ANALYTICS_ROLLUP_INTERVAL: Duration = Duration::from_secs(15);

/// Keeps the analytics rollups close to current, so a query has little left
/// to roll up itself; skips a round while another pass is running.
async fn roll_up_analytics(store: Store) {
    let mut tick = tokio::time::interval(ANALYTICS_ROLLUP_INTERVAL);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(error) = store.try_roll_up_analytics().await {
            tracing::warn!(error = %format!("{error:#}"), "analytics rollup failed");
        }
    }
}

/// Every documented route, before layers and state.
fn api_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(authenticated_routes())
        .merge(live_routes())
        .merge(public_routes())
        .merge(hook_routes())
}

fn authenticated_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(workflows::list, workflows::create))
        .routes(routes!(
            workflows::get,
            workflows::update,
            workflows::delete
        ))
        .routes(routes!(workflows::activate))
        .routes(routes!(workflows::deactivate))
        .routes(routes!(workflows::validate))
        .routes(routes!(workflow_versions::list))
        .routes(routes!(workflow_versions::get))
        .routes(routes!(workflow_versions::restore))
        .routes(routes!(workflow_transfer::export))
        .routes(routes!(workflow_transfer::import))
        .routes(routes!(events::create_hook, events::delete_hook))
        .routes(routes!(executions::execute))
        .routes(routes!(executions::test_run))
        .routes(routes!(executions::list))
        .routes(routes!(executions::get))
        .routes(routes!(executions::cancel))
        .routes(routes!(executions::retry))
        .routes(routes!(events::ingest))
        .routes(routes!(api_keys::list, api_keys::create))
        .routes(routes!(api_keys::revoke))
        .routes(routes!(audit::list))
        .routes(routes!(contacts::list, contacts::create))
        .routes(routes!(contacts::get, contacts::update))
        .routes(routes!(contacts::tag))
        .routes(routes!(catalog::list))
        .routes(routes!(catalog::versions))
        .merge(marketplace::routes())
        .routes(routes!(templates::list))
        .routes(routes!(templates::get))
        .routes(routes!(templates::create))
        .routes(routes!(analytics::workflow))
        .routes(routes!(orgs::list, orgs::create))
}

fn live_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(live::execution))
        .routes(routes!(live::workflow))
}

fn public_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new().routes(routes!(health::health))
}

/// The inbound hooks: public, and limited per client address.
fn hook_routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(events::inbound))
        .routes(routes!(twilio_status::status))
        .routes(routes!(sendgrid_events::events))
}

/// The application's routes.
pub fn router(state: AppState) -> Router {
    router_with_builder(state, None)
}

/// The application's routes, with the visual builder served at `/` when given.
pub fn router_with_builder(state: AppState, builder: Option<BuilderApp>) -> Router {
    let deadline = || from_fn_with_state(state.clone(), limits::deadline);
    let authenticated = Router::from(authenticated_routes())
        .layer(deadline())
        .merge(Router::from(live_routes()))
        .layer(from_fn_with_state(state.clone(), limits::rate_limit))
        .layer(from_fn_with_state(state.clone(), auth::authenticate));
    let hooks = Router::from(hook_routes()).layer(from_fn_with_state(
        state.clone(),
        address_limits::limit_hooks,
    ));
    let public = Router::from(public_routes())
        .merge(hooks)
        .route("/api/v2/openapi.json", get(openapi::document))
        .route("/api/v2/docs", get(openapi::reference))
        .route("/metrics", get(metrics::metrics))
        .layer(deadline());
    let routes = Router::new()
        .merge(authenticated)
        .merge(public)
        .method_not_allowed_fallback(problem::method_not_allowed);
    let routes = match builder {
        Some(builder) => builder.serve(routes),
        None => routes.fallback(problem::not_found),
    };
    routes
        .layer(DefaultBodyLimit::max(state.settings.max_body_bytes))
        .layer(from_fn_with_state(state.clone(), client_address::identify))
        .with_state(state)
}
