//! API keys for server-to-server use: create (the secret is shown once),
//! list, revoke. A key acts with a role no stronger than its creator's, and
//! only an owner creates an owner's key.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal, Role, api_key};
use super::ids::check_id;
use super::json::{ApiJson, ApiPath};
use super::problem::{FieldError, Problem};
use super::workflows::audit;
use crate::store::{ApiKeyRecord, NewApiKey};

/// A key to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateApiKey {
    /// A label (1 to 100 characters), such as the system that will use it.
    pub name: String,
    /// The role the key acts with; at most the creator's (`owner` only by an owner).
    pub role: Role,
}

/// A created key: `secret` is shown this once.
#[derive(Debug, Serialize, ToSchema)]
pub struct CreatedApiKey {
    /// The stored key.
    #[serde(flatten)]
    pub key: ApiKeyRecord,
    /// Send as `Authorization: Bearer <secret>`.
    pub secret: String,
}

/// The org's keys.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeyList {
    /// Newest first, revoked ones included.
    pub items: Vec<ApiKeyRecord>,
}

/// Create an API key.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(post, path = "/api/v2/api-keys", tag = "api-keys",
    request_body = CreateApiKey,
    responses(
        (status = 201, body = CreatedApiKey),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<CreateApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>), Problem> {
    principal.require(Permission::ManageApiKeys)?;
    let name = request.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(Problem::validation(
            "the key's name is not valid",
            vec![FieldError {
                node_id: None,
                field: "name".into(),
                reason: "must have 1 to 100 characters".into(),
            }],
        ));
    }
    if !principal.role.may_grant(request.role) {
        let why = if principal.role.covers(request.role) {
            "only an owner hands out ownership"
        } else {
            "which may do more"
        };
        return Err(Problem::forbidden(format!(
            "a `{}` cannot create a key with the role `{}`, {why}",
            principal.role.as_str(),
            request.role.as_str()
        )));
    }
    let generated = api_key::generate();
    state.auth.keys.created(&generated.hash);
    let id = uuid::Uuid::now_v7().to_string();
    let key = state
        .store
        .create_api_key(&NewApiKey {
            id: &id,
            org_id: &principal.org,
            name,
            prefix: &generated.prefix,
            secret_hash: &generated.hash,
            role: request.role.as_str(),
            created_by: &principal.subject,
        })
        .await?;
    audit(
        &state,
        &principal,
        "api_key.created",
        &id,
        json!({ "name": name, "role": request.role.as_str() }),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedApiKey {
            key,
            secret: generated.secret,
        }),
    ))
}

/// List the org's API keys (never their secrets).
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(get, path = "/api/v2/api-keys", tag = "api-keys",
    responses(
        (status = 200, body = ApiKeyList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ApiKeyList>, Problem> {
    principal.require(Permission::ManageApiKeys)?;
    let items = state.store.api_keys(&principal.org).await?;
    Ok(Json(ApiKeyList { items }))
}

/// Revoke an API key; it stops working at once.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(delete, path = "/api/v2/api-keys/{id}", tag = "api-keys",
    params(("id" = String, Path, description = "Key id")),
    responses(
        (status = 204, description = "Revoked"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::ManageApiKeys)?;
    check_id(&id, "API key")?;
    if !state.store.revoke_api_key(&principal.org, &id).await? {
        return Err(Problem::not_found(format!(
            "no active API key `{id}` in this org"
        )));
    }
    state.auth.keys.forget(&id);
    audit(&state, &principal, "api_key.revoked", &id, json!({})).await?;
    Ok(StatusCode::NO_CONTENT)
}
