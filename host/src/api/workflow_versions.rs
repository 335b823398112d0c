//! A workflow's history: every save is a version; list them, read one, and
//! restore one (saved again as the newest version).

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use serde::Serialize;
use serde_json::Value;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal};
use super::documents;
use super::json::ApiPath;
use super::problem::Problem;
use super::workflows::{load, save_over, with_etag};
use crate::store::VersionSummary;

/// The versions of a workflow.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionList {
    /// Newest first.
    pub items: Vec<VersionSummary>,
}

/// One version's document.
#[derive(Debug, Serialize, ToSchema)]
pub struct VersionView {
    /// Version number.
    pub version: i64,
    /// The document saved as that version.
    pub document: Value,
}

/// List a workflow's versions.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows/{id}/versions", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 200, body = VersionList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<VersionList>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    load(&state, &principal, &id).await?;
    let items = state.store.workflow_versions(&principal.org, &id).await?;
    Ok(Json(VersionList { items }))
}

async fn version_document(
    state: &AppState,
    principal: &Principal,
    id: &str,
    version: i64,
) -> Result<Value, Problem> {
    state
        .store
        .workflow_version(&principal.org, id, version)
        .await?
        .ok_or_else(|| Problem::not_found(format!("workflow `{id}` has no version {version}")))
}

/// Get one version's document.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows/{id}/versions/{version}", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id"), ("version" = i64, Path, description = "Version number")),
    responses(
        (status = 200, body = VersionView),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<Json<VersionView>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let version = parse_version(&version)?;
    load(&state, &principal, &id).await?;
    let document = version_document(&state, &principal, &id, version).await?;
    Ok(Json(VersionView { version, document }))
}

/// Restore a version: its document is saved as a new version. `If-Match`
/// carries the `ETag` of the current version, as for any save.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/{id}/versions/{version}/restore", tag = "workflows",
    params(
        ("id" = String, Path, description = "Workflow id"),
        ("version" = i64, Path, description = "Version to restore"),
        ("If-Match" = String, Header, description = "ETag of the current version"),
    ),
    responses(
        (status = 200, body = super::workflows::WorkflowView),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn restore(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
    headers: HeaderMap,
) -> Result<Response, Problem> {
    principal.require(Permission::EditWorkflows)?;
    let version = parse_version(&version)?;
    let record = load(&state, &principal, &id).await?;
    let expected = documents::if_match(&headers)?;
    let document = version_document(&state, &principal, &id, version).await?;
    let parsed = documents::parse_value(&document)?;
    let view = save_over(
        &state,
        &principal,
        &record,
        &parsed,
        expected,
        "workflow.restored",
    )
    .await?;
    Ok(with_etag(StatusCode::OK, view))
}

fn parse_version(text: &str) -> Result<i64, Problem> {
    text.parse::<i64>().ok().filter(|v| *v >= 1).ok_or_else(|| {
        Problem::bad_request(
            "invalid-version",
            format!("`{text}` is not a version number (1, 2, ...)"),
        )
    })
}
