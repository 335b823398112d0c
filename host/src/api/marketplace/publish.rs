//! Publishing a signed version, and yanking one.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use base64::Engine as _;
use serde::Deserialize;
use utoipa::ToSchema;

use super::invalid;
use crate::api::AppState;
use crate::api::auth::{Permission, Principal, Role};
use crate::api::json::{ApiJson, ApiPath};
use crate::api::problem::Problem;
use crate::marketplace::{Actor, PublishRequest, Published, Publisher};

/// Who may see a published action.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Visibility {
    /// Every org, once approved.
    #[default]
    Public,
    /// Only the publishing reseller's sub-accounts (reseller-admin only).
    Private,
}

/// An upload.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublishBody {
    /// The component's bytes, base64.
    pub component: String,
    /// The ed25519 signature of those bytes, base64 (from `atlas plugin sign`).
    pub signature: String,
    /// The signing key's id.
    pub key_id: String,
    /// What changed in this version.
    #[serde(default)]
    pub changelog: String,
    /// Public (default) or private to the reseller's sub-accounts.
    #[serde(default)]
    pub visibility: Visibility,
}

/// Publish a signed action version (then a platform admin reviews it).
///
/// Every check failure is a 422 whose `check` member names it: `size`,
/// `signature`, `component`, `world`, `manifest`, `limits`, `schema`,
/// `owner` or `version`. No org publishes as the built-in publisher, and
/// `atlas.` action ids are refused (`owner`) whatever the org.
///
/// Roles: partner, reseller-admin.
#[utoipa::path(post, path = "/api/v2/marketplace/publish", tag = "marketplace",
    request_body = PublishBody,
    responses(
        (status = 201, body = Published),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn publish(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<PublishBody>,
) -> Result<(StatusCode, Json<Published>), Problem> {
    principal.require(Permission::Publish)?;
    if state.store.publisher(&principal.org).await?.is_none() {
        return Err(Problem::conflict(
            "no-publisher-account",
            "this org has no publisher account yet: register a key first (POST /api/v2/publisher/keys)",
        ));
    }
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(body.component.trim())
        .map_err(|e| invalid("component", format!("not base64: {e}")))?;
    if body.changelog.len() > 10_000 {
        return Err(invalid("changelog", "must be at most 10000 bytes"));
    }
    let private_to = match body.visibility {
        Visibility::Public => None,
        Visibility::Private if principal.role == Role::ResellerAdmin => {
            state.marketplace.ensure_can_resell(&principal.org).await?;
            Some(principal.org.as_str())
        }
        Visibility::Private => {
            return Err(Problem::forbidden(
                "only a reseller-admin publishes private actions",
            ));
        }
    };
    let published = state
        .marketplace
        .publish(PublishRequest {
            publisher: Publisher::org(&principal.org),
            bytes: &bytes,
            key_id: body.key_id.trim(),
            signature: &body.signature,
            changelog: &body.changelog,
            private_to,
            published_by: &principal.subject,
        })
        .await?;
    Ok((StatusCode::CREATED, Json(published)))
}

/// Yank a version: orgs that installed it keep running it; nobody can newly install it.
///
/// Roles: partner and reseller-admin (their own actions), platform-admin (any).
#[utoipa::path(post, path = "/api/v2/marketplace/plugins/{id}/versions/{version}/yank", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn yank(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<StatusCode, Problem> {
    let reviewer = principal.role.allows(Permission::ReviewPlugins);
    if !reviewer {
        principal.require(Permission::Publish)?;
    }
    let record = state
        .store
        .plugin_version(&id, &version)
        .await?
        .filter(|v| reviewer || v.publisher_id == principal.org)
        .ok_or_else(|| Problem::not_found(format!("no version {id}@{version} of yours")))?;
    let actor = Actor {
        org: &principal.org,
        subject: &principal.subject,
    };
    if !state
        .marketplace
        .yank(actor, &record.plugin_id, &record.version)
        .await?
    {
        return Err(Problem::conflict(
            "already-yanked",
            format!("{id}@{version} is yanked already"),
        ));
    }
    Ok(StatusCode::NO_CONTENT)
}
