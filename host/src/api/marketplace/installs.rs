//! An org's installs: list, install (or upgrade) with grants and secrets,
//! grant what a version waits for, uninstall.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use crate::api::AppState;
use crate::api::auth::{Permission, Principal};
use crate::api::json::{ApiJson, ApiPath};
use crate::api::problem::Problem;
use crate::marketplace::{InstallOutcome, InstallRequest};
use crate::store::marketplace::InstallRecord;

/// The org's installs.
#[derive(Debug, Serialize, ToSchema)]
pub struct InstallList {
    /// By action id, then install time.
    pub items: Vec<InstallRecord>,
}

/// Capabilities to grant.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct GrantBody {
    /// Capabilities, as the catalog lists them.
    pub grants: Vec<String>,
}

/// The org's installed marketplace actions (built-in actions are always available).
///
/// Roles: every role but partner and platform-admin.
#[utoipa::path(get, path = "/api/v2/installs", tag = "marketplace",
    responses(
        (status = 200, body = InstallList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<InstallList>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    Ok(Json(InstallList {
        items: state.store.installs(&principal.org).await?,
    }))
}

/// Install (or upgrade to) an approved version, granting the capabilities it
/// requests and entering its secrets. A version granted less than it
/// requests is installed as `awaiting_grant` and does not run.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(post, path = "/api/v2/installs", tag = "marketplace",
    request_body = InstallRequest,
    responses(
        (status = 201, body = InstallOutcome),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn install(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<InstallRequest>,
) -> Result<(StatusCode, Json<InstallOutcome>), Problem> {
    principal.require(Permission::ManageInstalls)?;
    let outcome = state
        .marketplace
        .install(&principal.org, &principal.subject, &request)
        .await?;
    Ok((StatusCode::CREATED, Json(outcome)))
}

/// Grant capabilities to an installed version (added to those granted before).
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(post, path = "/api/v2/installs/{id}/{version}/grant", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    request_body = GrantBody,
    responses(
        (status = 200, body = InstallOutcome),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn grant(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<GrantBody>,
) -> Result<Json<InstallOutcome>, Problem> {
    principal.require(Permission::ManageInstalls)?;
    let outcome = state
        .marketplace
        .grant(
            &principal.org,
            &principal.subject,
            &id,
            &version,
            &body.grants,
        )
        .await?;
    Ok(Json(outcome))
}

/// Uninstall a version; steps pinned to it fail as not installed.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(delete, path = "/api/v2/installs/{id}/{version}", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn uninstall(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::ManageInstalls)?;
    state
        .marketplace
        .uninstall(&principal.org, &principal.subject, &id, &version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
