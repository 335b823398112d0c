//! A reseller's console: sub-accounts, product branding, action branding and
//! preinstalls. A sub-account cannot act as a reseller, so it can never
//! change its reseller's branding.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use marketplace::Branding;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::invalid;
use crate::api::AppState;
use crate::api::auth::{Permission, Principal};
use crate::api::ids::check_id;
use crate::api::json::{ApiJson, ApiPath};
use crate::api::problem::{FieldError, Problem};
use crate::api::workflows::audit;
use crate::marketplace::InstallRequest;
use crate::store::Org;
use crate::store::marketplace::{PreinstallRecord, ResellerBrand};

/// A sub-account to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewSubAccount {
    /// Org id (letters, digits, `-`, `_`).
    pub id: String,
    /// Display name.
    pub name: String,
    /// IANA time zone (default `UTC`).
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// The reseller's sub-accounts.
#[derive(Debug, Serialize, ToSchema)]
pub struct SubAccountList {
    /// By id.
    #[schema(value_type = Vec<Object>)]
    pub items: Vec<Org>,
}

/// The reseller's action brandings.
#[derive(Debug, Serialize, ToSchema)]
pub struct BrandingList {
    /// By action id.
    #[schema(value_type = Object)]
    pub items: BTreeMap<String, Branding>,
}

/// The reseller's preinstalls.
#[derive(Debug, Serialize, ToSchema)]
pub struct PreinstallList {
    /// By action id.
    pub items: Vec<PreinstallRecord>,
    /// Sub-accounts the last change installed into (on `POST`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub installed_into: Vec<String>,
}

async fn reseller(state: &AppState, principal: &Principal) -> Result<(), Problem> {
    principal.require(Permission::ManageResale)?;
    state.marketplace.ensure_can_resell(&principal.org).await?;
    Ok(())
}

/// List sub-accounts.
///
/// Roles: reseller-admin.
#[utoipa::path(get, path = "/api/v2/reseller/sub-accounts", tag = "reseller",
    responses(
        (status = 200, body = SubAccountList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn sub_accounts(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<SubAccountList>, Problem> {
    reseller(&state, &principal).await?;
    Ok(Json(SubAccountList {
        items: state.store.sub_accounts(&principal.org).await?,
    }))
}

/// Create a sub-account; the reseller's preinstalled actions are installed into it.
///
/// The id must be new: an existing org (or a reserved id) is never taken
/// over (409 `org-exists`, or 422 for a reserved id).
///
/// Roles: reseller-admin.
#[utoipa::path(post, path = "/api/v2/reseller/sub-accounts", tag = "reseller",
    request_body = NewSubAccount,
    responses(
        (status = 201, body = Object),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create_sub_account(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<NewSubAccount>,
) -> Result<(StatusCode, Json<Org>), Problem> {
    reseller(&state, &principal).await?;
    check_id(&body.id, "org")?;
    let org = Org::checked(&body.id, &body.name, body.time_zone.as_deref())
        .map_err(|(field, reason)| invalid(field, reason))?;
    if !state
        .marketplace
        .create_sub_account(&principal.org, &principal.subject, &org)
        .await?
    {
        return Err(Problem::conflict(
            "org-exists",
            format!(
                "an org `{}` exists already; a sub-account is always a new org",
                org.id
            ),
        ));
    }
    state.auth.orgs.created(&org.id);
    Ok((StatusCode::CREATED, Json(org)))
}

fn check_color(field: &str, value: &Option<String>, errors: &mut Vec<FieldError>) {
    if let Some(c) = value
        && !(c.len() == 7 && c.starts_with('#') && c[1..].bytes().all(|b| b.is_ascii_hexdigit()))
    {
        errors.push(FieldError {
            node_id: None,
            field: field.into(),
            reason: "must be a colour like #1A2B3C".into(),
        });
    }
}

/// The product branding set for the sub-accounts, if any.
///
/// Roles: reseller-admin.
#[utoipa::path(get, path = "/api/v2/reseller/brand", tag = "reseller",
    responses(
        (status = 200, body = ResellerBrand),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn brand(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<ResellerBrand>, Problem> {
    reseller(&state, &principal).await?;
    state
        .store
        .reseller_brand(&principal.org)
        .await?
        .map(Json)
        .ok_or_else(|| Problem::not_found("no brand is set yet: PUT one"))
}

/// Set the product branding the sub-accounts see (name, logo, colours).
///
/// Roles: reseller-admin.
#[utoipa::path(put, path = "/api/v2/reseller/brand", tag = "reseller",
    request_body = ResellerBrand,
    responses(
        (status = 200, body = ResellerBrand),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn set_brand(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(brand): ApiJson<ResellerBrand>,
) -> Result<Json<ResellerBrand>, Problem> {
    reseller(&state, &principal).await?;
    let mut errors = Vec::new();
    if brand.product_name.trim().is_empty() || brand.product_name.chars().count() > 60 {
        errors.push(FieldError {
            node_id: None,
            field: "product_name".into(),
            reason: "must have 1 to 60 characters".into(),
        });
    }
    if let Some(logo) = &brand.logo
        && (logo.len() > 64 * 1024
            || !(logo.starts_with("https://") || logo.starts_with("data:image/")))
    {
        errors.push(FieldError {
            node_id: None,
            field: "logo".into(),
            reason: "must be an https:// URL or a data:image/ URL of at most 64 KiB".into(),
        });
    }
    check_color("primary_color", &brand.primary_color, &mut errors);
    check_color("accent_color", &brand.accent_color, &mut errors);
    if !errors.is_empty() {
        return Err(Problem::validation("the brand is not valid", errors));
    }
    state
        .store
        .reseller_brand_put(&principal.org, &brand)
        .await?;
    audit(
        &state,
        &principal,
        "reseller.brand_set",
        &principal.org,
        serde_json::json!({ "product_name": brand.product_name }),
    )
    .await?;
    Ok(Json(brand))
}

/// Brand an action for the sub-accounts (display name, icon, description, default input).
///
/// Roles: reseller-admin.
#[utoipa::path(put, path = "/api/v2/reseller/brandings/{id}", tag = "reseller",
    params(("id" = String, Path, description = "Action id")),
    request_body(content = Object, description = "`display_name`, `icon`, `description`, `defaults` (all optional)"),
    responses(
        (status = 200, body = Object),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn set_branding(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(branding): ApiJson<Branding>,
) -> Result<Json<Branding>, Problem> {
    reseller(&state, &principal).await?;
    if state.store.plugin_owner(&id).await?.is_none() {
        return Err(Problem::not_found(format!(
            "no action `{id}` in the marketplace"
        )));
    }
    let problems = branding.problems();
    if !problems.is_empty() {
        return Err(Problem::validation(
            "the branding is not valid",
            problems
                .into_iter()
                .map(|(field, reason)| FieldError {
                    node_id: None,
                    field,
                    reason,
                })
                .collect(),
        ));
    }
    state
        .store
        .action_branding_put(&principal.org, &id, Some(&branding))
        .await?;
    audit(
        &state,
        &principal,
        "reseller.action_branded",
        &id,
        serde_json::to_value(&branding).unwrap_or_default(),
    )
    .await?;
    Ok(Json(branding))
}

/// Remove an action's branding.
///
/// Roles: reseller-admin.
#[utoipa::path(delete, path = "/api/v2/reseller/brandings/{id}", tag = "reseller",
    params(("id" = String, Path, description = "Action id")),
    responses(
        (status = 204),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn delete_branding(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, Problem> {
    reseller(&state, &principal).await?;
    if !state
        .store
        .action_branding_put(&principal.org, &id, None)
        .await?
    {
        return Err(Problem::not_found(format!("`{id}` is not branded")));
    }
    Ok(StatusCode::NO_CONTENT)
}

/// The reseller's action brandings.
///
/// Roles: reseller-admin.
#[utoipa::path(get, path = "/api/v2/reseller/brandings", tag = "reseller",
    responses(
        (status = 200, body = BrandingList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn brandings(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<BrandingList>, Problem> {
    reseller(&state, &principal).await?;
    Ok(Json(BrandingList {
        items: state.store.action_brandings(&principal.org).await?,
    }))
}

/// The reseller's preinstalled actions.
///
/// Roles: reseller-admin.
#[utoipa::path(get, path = "/api/v2/reseller/preinstalls", tag = "reseller",
    responses(
        (status = 200, body = PreinstallList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn preinstalls(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<PreinstallList>, Problem> {
    reseller(&state, &principal).await?;
    Ok(Json(PreinstallList {
        items: state.store.preinstalls(&principal.org).await?,
        installed_into: Vec::new(),
    }))
}

/// Preinstall a version with grants into every sub-account, now and when created.
///
/// Roles: reseller-admin.
#[utoipa::path(post, path = "/api/v2/reseller/preinstalls", tag = "reseller",
    request_body = InstallRequest,
    responses(
        (status = 200, body = PreinstallList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn preinstall(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<InstallRequest>,
) -> Result<Json<PreinstallList>, Problem> {
    reseller(&state, &principal).await?;
    let installed_into = state
        .marketplace
        .preinstall(&principal.org, &principal.subject, &request)
        .await?;
    Ok(Json(PreinstallList {
        items: state.store.preinstalls(&principal.org).await?,
        installed_into,
    }))
}
