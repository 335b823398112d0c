//! A partner's publisher account: created with its first key, which is an
//! ed25519 public key; keys can be added (rotation) and revoked. The
//! built-in publisher is nobody's account: no org registers a key on it,
//! and no account takes its name.

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
use crate::api::workflows::audit;
use crate::marketplace::{BUILTIN_PUBLISHER, BUILTIN_PUBLISHER_NAME};
use crate::store::is_reserved_org_id;
use crate::store::marketplace::{
    PluginVersionRecord, PublisherKeyRecord, PublisherKind, PublisherRecord,
};

/// A key to register.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPublisherKey {
    /// The ed25519 public key, base64 (as `atlas plugin keygen` prints it).
    pub public_key: String,
    /// The publisher's display name; required when the account does not exist yet.
    #[serde(default)]
    pub publisher_name: Option<String>,
}

/// A registered key.
#[derive(Debug, Serialize, ToSchema)]
pub struct RegisteredKey {
    /// The publisher (the caller's org).
    pub publisher_id: String,
    /// The key's id, which signatures name.
    pub key_id: String,
}

/// The caller's publisher account.
#[derive(Debug, Serialize, ToSchema)]
pub struct PublisherAccount {
    /// The account.
    pub publisher: PublisherRecord,
    /// Its keys, revoked ones included.
    pub keys: Vec<PublisherKeyRecord>,
    /// Every version it published, with review state.
    pub versions: Vec<PluginVersionRecord>,
}

/// 403: the built-in publisher is the host's, not an org's account.
fn builtin_refused() -> Problem {
    Problem::forbidden(format!(
        "the built-in publisher `{BUILTIN_PUBLISHER}` belongs to the host: no org registers keys on it or publishes as it"
    ))
}

/// Register a signing key (creating the caller org's publisher account on first use).
///
/// Roles: partner, reseller-admin.
#[utoipa::path(post, path = "/api/v2/publisher/keys", tag = "marketplace",
    request_body = NewPublisherKey,
    responses(
        (status = 201, body = RegisteredKey),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn add_key(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<NewPublisherKey>,
) -> Result<(StatusCode, Json<RegisteredKey>), Problem> {
    principal.require(Permission::Publish)?;
    if principal.org.eq_ignore_ascii_case(BUILTIN_PUBLISHER) || is_reserved_org_id(&principal.org) {
        return Err(builtin_refused());
    }
    let key = marketplace::signing::parse_public_key(&request.public_key)
        .map_err(|e| invalid("public_key", e.to_string()))?;
    let key_id = marketplace::key_id(key.as_bytes());
    match state.store.publisher(&principal.org).await? {
        Some(account) if account.kind == PublisherKind::Builtin => {
            return Err(builtin_refused());
        }
        Some(_) => {}
        None => {
            let name = request
                .publisher_name
                .as_deref()
                .map(str::trim)
                .filter(|n| !n.is_empty() && n.chars().count() <= 100)
                .ok_or_else(|| {
                    invalid(
                        "publisher_name",
                        "a new publisher account needs a name of 1 to 100 characters",
                    )
                })?;
            if name.eq_ignore_ascii_case(BUILTIN_PUBLISHER_NAME) {
                return Err(invalid(
                    "publisher_name",
                    format!("`{BUILTIN_PUBLISHER_NAME}` is the built-in publisher's name"),
                ));
            }
            state
                .store
                .ensure_publisher(&principal.org, name, PublisherKind::Partner)
                .await?;
        }
    }
    if !state
        .store
        .publisher_key_add(&principal.org, &key_id, request.public_key.trim())
        .await?
    {
        return Err(Problem::conflict(
            "key-exists",
            format!("key `{key_id}` is already registered"),
        ));
    }
    audit(
        &state,
        &principal,
        "publisher.key_added",
        &key_id,
        serde_json::json!({}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredKey {
            publisher_id: principal.org.clone(),
            key_id,
        }),
    ))
}

/// The caller's publisher account, keys and published versions.
///
/// Roles: partner, reseller-admin.
#[utoipa::path(get, path = "/api/v2/publisher", tag = "marketplace",
    responses(
        (status = 200, body = PublisherAccount),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<PublisherAccount>, Problem> {
    principal.require(Permission::Publish)?;
    let publisher = state
        .store
        .publisher(&principal.org)
        .await?
        .ok_or_else(|| {
            Problem::not_found("this org has no publisher account yet: register a key first")
        })?;
    Ok(Json(PublisherAccount {
        keys: state.store.publisher_keys(&publisher.id).await?,
        versions: state.store.publisher_versions(&publisher.id).await?,
        publisher,
    }))
}

/// Revoke a key: versions it signed stay, new uploads signed with it are refused.
///
/// Roles: partner, reseller-admin.
#[utoipa::path(delete, path = "/api/v2/publisher/keys/{key_id}", tag = "marketplace",
    params(("key_id" = String, Path, description = "Key id")),
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke_key(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(key_id): ApiPath<String>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::Publish)?;
    if !state
        .store
        .publisher_key_revoke(&principal.org, &key_id)
        .await?
    {
        return Err(Problem::not_found(format!(
            "no unrevoked key `{key_id}` in this publisher account"
        )));
    }
    audit(
        &state,
        &principal,
        "publisher.key_revoked",
        &key_id,
        serde_json::json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
