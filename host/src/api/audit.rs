//! The audit log, for admins: who did what to which object, and when
//! (workflow saves and activations, key changes, denied capability calls).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::{Permission, Principal};
use super::cursor;
use super::json::ApiQuery;
use super::problem::Problem;
use crate::store::AuditRecord;

/// Filters of the audit log.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// Only this action (`workflow.saved`, `capability.denied`, ...).
    pub action: Option<String>,
    /// Only entries about this object.
    pub target: Option<String>,
    /// Page size, 1..=500 (default 100).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Newest first.
    pub items: Vec<AuditRecord>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Read the audit log.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(get, path = "/api/v2/audit", tag = "audit",
    params(AuditQuery),
    responses(
        (status = 200, body = AuditPage),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditPage>, Problem> {
    principal.require(Permission::ReadAudit)?;
    let limit = cursor::page_size(query.limit, 100, 500)?;
    let before = match query.cursor.as_deref().map(cursor::decode).transpose()? {
        Some(id) => Some(id.parse::<i64>().map_err(|_| {
            Problem::bad_request("invalid-cursor", "the cursor is not one this API returned")
        })?),
        None => None,
    };
    let items = state
        .store
        .audit_page(
            &principal.org,
            query.action.as_deref(),
            query.target.as_deref(),
            before,
            limit,
        )
        .await?;
    let ids: Vec<String> = items.iter().map(|r| r.id.to_string()).collect();
    let next_cursor = cursor::next(&ids, limit, |id| id.as_str());
    Ok(Json(AuditPage { items, next_cursor }))
}
