//! The platform operator's orgs: create a tenant, list them. Orgs are
//! explicit records; a credential for an org without one is refused, so this
//! (or `atlas org create`) is how a new gym gets in. A reserved id or one
//! that exists already is refused, never taken over.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::json;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal};
use super::ids::check_id;
use super::problem::{FieldError, Problem};
use super::workflows::audit;
use crate::api::json::ApiJson;
use crate::store::{CreateOrgError, Org, OrgRecord};

/// An org to create.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    /// Org id (letters, digits, `-`, `_`, `.`, `:`); reserved ids are refused.
    pub id: String,
    /// Display name.
    pub name: String,
    /// IANA time zone (default `UTC`).
    #[serde(default)]
    pub time_zone: Option<String>,
}

/// Every org.
#[derive(Debug, Serialize, ToSchema)]
pub struct OrgList {
    /// By id.
    pub items: Vec<OrgRecord>,
}

fn invalid(field: &str, reason: String) -> Problem {
    Problem::validation(
        format!("`{field}` is not valid"),
        vec![FieldError {
            node_id: None,
            field: field.into(),
            reason,
        }],
    )
}

/// List the platform's orgs.
///
/// Roles: platform-admin.
#[utoipa::path(get, path = "/api/v2/platform/orgs", tag = "platform",
    responses(
        (status = 200, body = OrgList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<OrgList>, Problem> {
    principal.require(Permission::ManageOrgs)?;
    Ok(Json(OrgList {
        items: state.store.org_records().await?,
    }))
}

/// Create an org (a tenant that is nobody's sub-account).
///
/// Roles: platform-admin.
#[utoipa::path(post, path = "/api/v2/platform/orgs", tag = "platform",
    request_body = NewOrg,
    responses(
        (status = 201, body = OrgRecord),
        (status = 409, body = Problem, content_type = "application/problem+json", description = "An org with this id exists already"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(body): ApiJson<NewOrg>,
) -> Result<(StatusCode, Json<OrgRecord>), Problem> {
    principal.require(Permission::ManageOrgs)?;
    check_id(&body.id, "org")?;
    let org = Org::checked(&body.id, &body.name, body.time_zone.as_deref())
        .map_err(|(field, reason)| invalid(field, reason))?;
    match state.store.create_org(&org, None).await {
        Ok(()) => {}
        Err(CreateOrgError::Exists(id)) => {
            return Err(Problem::conflict(
                "org-exists",
                format!("an org `{id}` exists already"),
            ));
        }
        Err(CreateOrgError::Reserved(reason)) => return Err(invalid("id", reason)),
        Err(CreateOrgError::Store(e)) => return Err(Problem::internal(&e)),
    }
    state.auth.orgs.created(&org.id);
    audit(
        &state,
        &principal,
        "org.created",
        &org.id,
        json!({ "name": org.name, "time_zone": org.time_zone }),
    )
    .await?;
    let record = state
        .store
        .org_record(&org.id)
        .await?
        .ok_or_else(|| anyhow::anyhow!("org {} vanished after insert", org.id))?;
    Ok((StatusCode::CREATED, Json(record)))
}
