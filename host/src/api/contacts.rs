//! CRM contacts: list, create, read, change and tag. Changes go through the
//! CRM service, so they emit the events workflows trigger on (`lead_created`,
//! `contact_updated`, `tag_added`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::{Permission, Principal};
use super::cursor;
use super::ids::check_id;
use super::json::{ApiJson, ApiPath, ApiQuery};
use super::problem::{FieldError, Problem};
use crate::crm::{ContactPatch, Crm, CrmError, NewContact};
use crate::store::crm::{Contact, ContactFilter};

/// Filters of the contact list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ContactListQuery {
    /// Only contacts with this status (`lead`, `member`, ...).
    pub status: Option<String>,
    /// Only contacts with this tag.
    pub tag: Option<String>,
    /// Page size, 1..=200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A page of contacts.
#[derive(Debug, Serialize, ToSchema)]
pub struct ContactPage {
    /// Newest first.
    pub items: Vec<Contact>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// A tag to add.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagRequest {
    /// The tag.
    pub tag: String,
}

/// CRM errors as problems: not found is a 404, bad input a 422.
fn problem(error: CrmError) -> Problem {
    match error {
        CrmError::NotFound(what) => Problem::not_found(what),
        CrmError::Store(e) => Problem::internal(&e),
        other => {
            let message = other.to_string();
            Problem::validation(
                message.clone(),
                vec![FieldError {
                    node_id: None,
                    field: String::new(),
                    reason: message,
                }],
            )
        }
    }
}

fn crm(state: &AppState) -> Crm {
    Crm::with_engine(&state.engine)
}

/// List contacts.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/contacts", tag = "contacts",
    params(ContactListQuery),
    responses(
        (status = 200, body = ContactPage),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ContactListQuery>,
) -> Result<Json<ContactPage>, Problem> {
    principal.require(Permission::ReadContacts)?;
    let limit = cursor::page_size(query.limit, 50, 200)?;
    let offset = match query.cursor.as_deref().map(cursor::decode).transpose()? {
        Some(text) => text
            .parse::<i64>()
            .ok()
            .filter(|o| *o >= 0)
            .ok_or_else(|| {
                Problem::bad_request("invalid-cursor", "the cursor is not one this API returned")
            })?,
        None => 0,
    };
    let filter = ContactFilter {
        status: query.status,
        tag: query.tag,
        limit,
        offset,
    };
    let items = crm(&state)
        .contacts(&principal.org, &filter)
        .await
        .map_err(problem)?;
    let next_cursor =
        (items.len() as i64 == limit).then(|| cursor::encode(&(offset + limit).to_string()));
    Ok(Json(ContactPage { items, next_cursor }))
}

/// Create a contact; a lead fires `lead_created`.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/contacts", tag = "contacts",
    request_body = NewContact,
    responses(
        (status = 201, body = Contact),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(contact): ApiJson<NewContact>,
) -> Result<(StatusCode, Json<Contact>), Problem> {
    principal.require(Permission::EditContacts)?;
    let created = crm(&state)
        .create_contact(&principal.org, contact, &principal.subject)
        .await
        .map_err(problem)?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Get a contact.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/contacts/{id}", tag = "contacts",
    params(("id" = String, Path, description = "Contact id")),
    responses(
        (status = 200, body = Contact),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Contact>, Problem> {
    principal.require(Permission::ReadContacts)?;
    check_id(&id, "contact")?;
    let contact = crm(&state)
        .contact(&principal.org, &id)
        .await
        .map_err(problem)?;
    Ok(Json(contact))
}

/// Change a contact's fields; fires `contact_updated`.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(patch, path = "/api/v2/contacts/{id}", tag = "contacts",
    params(("id" = String, Path, description = "Contact id")),
    request_body = ContactPatch,
    responses(
        (status = 200, body = Contact),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(patch): ApiJson<ContactPatch>,
) -> Result<Json<Contact>, Problem> {
    principal.require(Permission::EditContacts)?;
    check_id(&id, "contact")?;
    let contact = crm(&state)
        .update_contact(&principal.org, &id, &patch)
        .await
        .map_err(problem)?;
    Ok(Json(contact))
}

/// Tag a contact; a new tag fires `tag_added`.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/contacts/{id}/tags", tag = "contacts",
    params(("id" = String, Path, description = "Contact id")),
    request_body = TagRequest,
    responses(
        (status = 200, body = Contact),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn tag(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<TagRequest>,
) -> Result<Json<Contact>, Problem> {
    principal.require(Permission::EditContacts)?;
    check_id(&id, "contact")?;
    let crm = crm(&state);
    crm.add_tag(&principal.org, &id, &request.tag)
        .await
        .map_err(problem)?;
    let contact = crm.contact(&principal.org, &id).await.map_err(problem)?;
    Ok(Json(contact))
}
