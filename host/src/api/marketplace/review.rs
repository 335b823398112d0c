//! Review by platform admins: the queue, approve, reject with a reason, and
//! the kill switch that disables a version everywhere.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::invalid;
use crate::api::AppState;
use crate::api::auth::{Permission, Principal};
use crate::api::json::{ApiJson, ApiPath};
use crate::api::problem::Problem;
use crate::marketplace::Actor;
use crate::store::marketplace::{PluginVersionRecord, ReviewStatus};

/// Versions waiting for review.
#[derive(Debug, Serialize, ToSchema)]
pub struct ReviewQueue {
    /// Oldest plugin id first.
    pub items: Vec<PluginVersionRecord>,
}

/// A reason, for a rejection or the kill switch.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Reason {
    /// Shown to the publisher (rejection) or in every failed step (kill switch).
    pub reason: String,
}

fn reason(body: &Reason) -> Result<&str, Problem> {
    let r = body.reason.trim();
    if r.is_empty() || r.len() > 1000 {
        return Err(invalid("reason", "must have 1 to 1000 characters"));
    }
    Ok(r)
}

fn actor(principal: &Principal) -> Actor<'_> {
    Actor {
        org: &principal.org,
        subject: &principal.subject,
    }
}

/// The review queue.
///
/// Roles: platform-admin.
#[utoipa::path(get, path = "/api/v2/review/pending", tag = "marketplace",
    responses(
        (status = 200, body = ReviewQueue),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn pending(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ReviewQueue>, Problem> {
    principal.require(Permission::ReviewPlugins)?;
    Ok(Json(ReviewQueue {
        items: state
            .store
            .plugin_versions_in(ReviewStatus::Pending)
            .await?,
    }))
}

async fn decide(
    state: &AppState,
    principal: &Principal,
    id: &str,
    version: &str,
    reject: Option<&str>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::ReviewPlugins)?;
    let Some(record) = state.store.plugin_version(id, version).await? else {
        return Err(Problem::not_found(format!("no version {id}@{version}")));
    };
    if reject.is_none()
        && state
            .marketplace
            .signing_key_revoked_at(&record)
            .await?
            .is_some()
    {
        return Err(Problem::conflict(
            "revoked-key",
            format!(
                "{id}@{version} was signed with key `{}`, which its publisher revoked; it cannot be approved",
                record.key_id
            ),
        ));
    }
    if !state
        .marketplace
        .review(actor(principal), id, version, reject)
        .await?
    {
        return Err(Problem::conflict(
            "not-pending",
            format!("{id}@{version} was reviewed already"),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// Approve a pending version: orgs that may see the action can install it.
///
/// Roles: platform-admin.
#[utoipa::path(post, path = "/api/v2/review/{id}/{version}/approve", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<StatusCode, Problem> {
    decide(&state, &principal, &id, &version, None).await
}

/// Reject a pending version, with a reason for the publisher.
///
/// Roles: platform-admin.
#[utoipa::path(post, path = "/api/v2/review/{id}/{version}/reject", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    request_body = Reason,
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::ReviewPlugins)?;
    let reason = reason(&body)?;
    decide(&state, &principal, &id, &version, Some(reason)).await
}

async fn switch(
    state: &AppState,
    principal: &Principal,
    id: &str,
    version: &str,
    reason: Option<&str>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::ReviewPlugins)?;
    if !state
        .marketplace
        .kill_switch(actor(principal), id, version, reason)
        .await?
    {
        return Err(Problem::not_found(format!("no version {id}@{version}")));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The kill switch: disable a version everywhere now; steps that would run it fail with the reason.
///
/// Roles: platform-admin.
#[utoipa::path(post, path = "/api/v2/review/{id}/{version}/kill", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    request_body = Reason,
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn kill(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
    ApiJson(body): ApiJson<Reason>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::ReviewPlugins)?;
    let reason = reason(&body)?;
    switch(&state, &principal, &id, &version, Some(reason)).await
}

/// Lift the kill switch.
///
/// Roles: platform-admin.
#[utoipa::path(delete, path = "/api/v2/review/{id}/{version}/kill", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revive(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<StatusCode, Problem> {
    switch(&state, &principal, &id, &version, None).await
}
