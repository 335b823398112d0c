//! `GET /api/v2/branding`: the product branding the caller's org sees.

use axum::Json;
use axum::extract::State;

use crate::api::AppState;
use crate::api::auth::{Permission, Principal};
use crate::api::problem::Problem;
use crate::marketplace::BrandView;

/// The product name, logo and colours this org's users see (its reseller's, if any).
///
/// Roles: every role.
#[utoipa::path(get, path = "/api/v2/branding", tag = "marketplace",
    responses(
        (status = 200, body = BrandView),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<BrandView>, Problem> {
    principal.require(Permission::ReadCatalog)?;
    Ok(Json(state.marketplace.brand_view(&principal.org).await?))
}
