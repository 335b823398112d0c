//! `/api/v2/templates`: the template gallery, and creating a workflow from a
//! template (a new draft with the values given for its review settings).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal};
use super::documents;
use super::json::{ApiJson, ApiPath};
use super::problem::{FieldError, Problem};
use super::workflows::{create_from, with_etag};
use crate::marketplace::OrgPlugins;
use crate::templates::{self, RequiredAction, Template, TemplateSummary, instantiate};

/// A template in the gallery, with the actions this server does not have.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateEntry {
    /// Description, trigger, actions and review settings.
    #[serde(flatten)]
    pub summary: TemplateSummary,
    /// Actions the workflow needs that are not loaded at the pinned version;
    /// a workflow made from the template cannot be activated until they are.
    pub missing_actions: Vec<RequiredAction>,
}

/// The gallery.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateList {
    /// Every template, in gallery order.
    pub items: Vec<TemplateEntry>,
}

/// One template with its workflow document.
#[derive(Debug, Serialize, ToSchema)]
pub struct TemplateDetail {
    /// The gallery entry.
    #[serde(flatten)]
    pub entry: TemplateEntry,
    /// The workflow document a new workflow starts from.
    #[schema(value_type = Object)]
    pub workflow: Value,
}

/// What to create from a template.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromTemplate {
    /// Name of the new workflow; the template's name when absent.
    #[serde(default)]
    pub name: Option<String>,
    /// Values for the template's review settings, by key; each is text.
    #[serde(default)]
    #[schema(value_type = Object)]
    pub settings: Map<String, Value>,
}

fn entry(plugins: &OrgPlugins, template: &Template) -> TemplateEntry {
    let summary = template.summary();
    let missing_actions = summary
        .actions
        .iter()
        .filter(|a| plugins.digest(&a.plugin, &a.version).is_none())
        .cloned()
        .collect();
    TemplateEntry {
        summary,
        missing_actions,
    }
}

fn find(id: &str) -> Result<&'static Template, Problem> {
    templates::template(id).ok_or_else(|| Problem::not_found(format!("no template `{id}`")))
}

/// List the workflow templates.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/templates", tag = "templates",
    responses(
        (status = 200, body = TemplateList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<TemplateList>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let plugins = state.marketplace.org_plugins(&principal.org).await?;
    let items = templates::library()
        .iter()
        .map(|t| entry(&plugins, t))
        .collect();
    Ok(Json(TemplateList { items }))
}

/// Get one template with its workflow document.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/templates/{id}", tag = "templates",
    params(("id" = String, Path, description = "Template id, such as `no-show-follow-up`")),
    responses(
        (status = 200, body = TemplateDetail),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<TemplateDetail>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let template = find(&id)?;
    let plugins = state.marketplace.org_plugins(&principal.org).await?;
    Ok(Json(TemplateDetail {
        entry: entry(&plugins, template),
        workflow: template.workflow.clone(),
    }))
}

/// Create a draft workflow from a template, filling its review settings with
/// the values given. Activate it once it has no problems.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/templates/{id}/workflows", tag = "templates",
    params(("id" = String, Path, description = "Template id")),
    request_body = FromTemplate,
    responses(
        (status = 201, body = super::workflows::WorkflowView, headers(("ETag" = String, description = "The version"))),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<FromTemplate>,
) -> Result<Response, Problem> {
    principal.require(Permission::EditWorkflows)?;
    let template = find(&id)?;
    let document =
        instantiate(template, request.name.as_deref(), &request.settings).map_err(|error| {
            Problem::validation(
                error.to_string(),
                vec![FieldError {
                    node_id: None,
                    field: error.field(),
                    reason: error.to_string(),
                }],
            )
        })?;
    let parsed = documents::parse_value(&document)?;
    let view = create_from(
        &state,
        &principal,
        &parsed,
        "workflow.created_from_template",
    )
    .await?;
    Ok(with_etag(StatusCode::CREATED, view))
}
