//! Workflows: create, list, get, update (optimistic concurrency through
//! `ETag`/`If-Match`), soft delete, activate, deactivate and validate.
//!
//! A draft may be saved with problems (the builder auto-saves work in
//! progress); they are listed with it. Activation is refused while any remain,
//! and an active workflow only accepts saves without problems.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::{Permission, Principal};
use super::cursor;
use super::documents::{self, ParsedDocument};
use super::ids::check_id;
use super::json::{ApiPath, ApiQuery};
use super::problem::{FieldError, Problem};
use crate::store::{
    AuditEntry, SaveResult, WorkflowFilter, WorkflowRecord, WorkflowRunStats, WorkflowSave,
    WorkflowSummary,
};

/// A workflow with its current document and the problems it has now.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowView {
    /// Id.
    pub id: String,
    /// Name.
    pub name: String,
    /// `draft`, `active` or `inactive`.
    pub status: String,
    /// Current version (also the `ETag`).
    pub version: i64,
    /// The current version's document.
    pub document: Value,
    /// Problems of the document against this server's actions (empty when valid).
    pub problems: Vec<FieldError>,
    /// Created (ms since the Unix epoch).
    pub created_at: i64,
    /// Last saved (ms since the Unix epoch).
    pub updated_at: i64,
}

/// One workflow in a list, with its run statistics.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowListItem {
    /// The workflow.
    #[serde(flatten)]
    pub workflow: WorkflowSummary,
    /// Runs, completions, failures, last run (test runs excluded).
    pub stats: WorkflowRunStats,
    /// Completed share of finished runs, 0..1 (absent before any finished).
    pub success_rate: Option<f64>,
}

/// A page of workflows.
#[derive(Debug, Serialize, ToSchema)]
pub struct WorkflowPage {
    /// The workflows, newest first.
    pub items: Vec<WorkflowListItem>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of the workflow list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WorkflowListQuery {
    /// `draft`, `active` or `inactive`.
    pub status: Option<WorkflowStatus>,
    /// Only workflows triggered by this event (`lead_created`, ...).
    pub trigger: Option<String>,
    /// Only workflows with this tag.
    pub tag: Option<String>,
    /// Case-insensitive part of the name.
    pub q: Option<String>,
    /// Page size, 1..=200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

/// A workflow's status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum WorkflowStatus {
    /// Being built; its trigger does not fire.
    Draft,
    /// Its trigger fires.
    Active,
    /// Switched off; running executions go on.
    Inactive,
}

impl WorkflowStatus {
    fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Inactive => "inactive",
        }
    }
}

/// The result of validating a document.
#[derive(Debug, Serialize, ToSchema)]
pub struct ValidationReport {
    /// True when there are no problems.
    pub valid: bool,
    /// Every problem, with node id, field and reason.
    pub problems: Vec<FieldError>,
}

/// The view of a stored workflow, validated now.
pub(super) async fn view(
    state: &AppState,
    record: WorkflowRecord,
) -> Result<WorkflowView, Problem> {
    let problems = match documents::parse_value(&record.document) {
        Ok(parsed) => documents::problems(state, &record.org_id, &parsed.document).await?,
        Err(problem) => problem.errors,
    };
    Ok(WorkflowView {
        id: record.id,
        name: record.name,
        status: record.status,
        version: record.version,
        document: record.document,
        problems,
        created_at: record.created_at,
        updated_at: record.updated_at,
    })
}

/// A workflow response with its `ETag`.
pub(super) fn with_etag(status: StatusCode, view: WorkflowView) -> Response {
    let etag = documents::etag(view.version);
    (status, [(header::ETAG, etag)], Json(view)).into_response()
}

/// The org's workflow `id`, or 404.
pub(super) async fn load(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<WorkflowRecord, Problem> {
    check_id(id, "workflow")?;
    state
        .store
        .workflow(&principal.org, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no workflow `{id}` in this org")))
}

/// Records an audit entry by the caller.
pub(super) async fn audit(
    state: &AppState,
    principal: &Principal,
    action: &str,
    target: &str,
    detail: Value,
) -> Result<(), Problem> {
    state
        .store
        .audit_append(&[AuditEntry {
            org_id: principal.org.clone(),
            actor: principal.subject.clone(),
            action: action.into(),
            target: target.into(),
            detail,
        }])
        .await?;
    Ok(())
}

/// Saves `parsed` as a new workflow (a new id, status draft).
pub(super) async fn create_from(
    state: &AppState,
    principal: &Principal,
    parsed: &ParsedDocument,
    action: &str,
) -> Result<WorkflowView, Problem> {
    let id = uuid::Uuid::now_v7().to_string();
    let save = WorkflowSave::of_document(
        &principal.org,
        &id,
        &parsed.document.name,
        &parsed.json,
        &principal.subject,
    );
    match state.store.save_workflow_version(&save).await? {
        SaveResult::Saved(version) => {
            audit(state, principal, action, &id, json!({ "version": version })).await?;
        }
        other => {
            return Err(Problem::internal(&anyhow::anyhow!(
                "creating workflow {id}: {other:?}"
            )));
        }
    }
    let record = load(state, principal, &id).await?;
    view(state, record).await
}

/// Saves `parsed` over workflow `id` if it is still at `expected`.
pub(super) async fn save_over(
    state: &AppState,
    principal: &Principal,
    record: &WorkflowRecord,
    parsed: &ParsedDocument,
    expected: i64,
    action: &str,
) -> Result<WorkflowView, Problem> {
    if record.status == "active" {
        let problems = documents::problems(state, &principal.org, &parsed.document).await?;
        if !problems.is_empty() {
            return Err(Problem::validation(
                "an active workflow only accepts a document without problems; deactivate it to save work in progress",
                problems,
            ));
        }
    }
    let mut save = WorkflowSave::of_document(
        &principal.org,
        &record.id,
        &parsed.document.name,
        &parsed.json,
        &principal.subject,
    );
    save.expected_version = Some(expected);
    match state.store.save_workflow_version(&save).await? {
        SaveResult::Saved(version) => {
            audit(
                state,
                principal,
                action,
                &record.id,
                json!({ "version": version }),
            )
            .await?;
            if record.status == "active" {
                // Cron triggers may have changed with the document.
                state.engine.activate(&principal.org, &record.id).await?;
            }
        }
        SaveResult::Conflict(current) => {
            return Err(Problem::conflict(
                "version-conflict",
                format!(
                    "the workflow was saved by someone else: you edited version {expected}, the current version is {current}; reload it and apply your change again"
                ),
            )
            .with("current_version", current)
            .with_header(header::ETAG, &documents::etag(current)));
        }
        SaveResult::NotFound => {
            return Err(Problem::not_found(format!(
                "no workflow `{}` in this org",
                record.id
            )));
        }
    }
    let record = load(state, principal, &record.id).await?;
    view(state, record).await
}

/// List workflows.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows", tag = "workflows",
    params(WorkflowListQuery),
    responses(
        (status = 200, body = WorkflowPage),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<WorkflowListQuery>,
) -> Result<Json<WorkflowPage>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let limit = cursor::page_size(query.limit, 50, 200)?;
    let filter = WorkflowFilter {
        status: query.status.map(|s| s.as_str().to_string()),
        trigger: query.trigger,
        tag: query.tag,
        search: query.q,
        after: query.cursor.as_deref().map(cursor::decode).transpose()?,
        limit,
    };
    let workflows = state.store.list_workflows(&principal.org, &filter).await?;
    let ids: Vec<String> = workflows.iter().map(|w| w.id.clone()).collect();
    let mut stats: std::collections::HashMap<String, WorkflowRunStats> = state
        .store
        .workflow_run_stats(&principal.org, &ids)
        .await?
        .into_iter()
        .collect();
    let next_cursor = cursor::next(&workflows, limit, |w| w.id.as_str());
    let items = workflows
        .into_iter()
        .map(|workflow| {
            let stats = stats.remove(&workflow.id).unwrap_or_default();
            let finished = stats.completed + stats.failed;
            WorkflowListItem {
                success_rate: (finished > 0).then(|| stats.completed as f64 / finished as f64),
                stats,
                workflow,
            }
        })
        .collect();
    Ok(Json(WorkflowPage { items, next_cursor }))
}

/// Create a workflow from a document (saved as a draft, even with problems).
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows", tag = "workflows",
    request_body(content = Object, description = "A workflow document", content_type = "application/json"),
    responses(
        (status = 201, body = WorkflowView, headers(("ETag" = String, description = "The version"))),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    principal: Principal,
    body: super::json::JsonBytes,
) -> Result<Response, Problem> {
    principal.require(Permission::EditWorkflows)?;
    let parsed = documents::parse(&body.0)?;
    let view = create_from(&state, &principal, &parsed, "workflow.created").await?;
    Ok(with_etag(StatusCode::CREATED, view))
}

/// Get a workflow: its current document and its problems. The `ETag` is the version.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows/{id}", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 200, body = WorkflowView, headers(("ETag" = String, description = "The version"))),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let record = load(&state, &principal, &id).await?;
    Ok(with_etag(StatusCode::OK, view(&state, record).await?))
}

/// Save a new version. `If-Match` must carry the `ETag` of the version edited;
/// a stale one gets 409 with `current_version`.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(put, path = "/api/v2/workflows/{id}", tag = "workflows",
    params(
        ("id" = String, Path, description = "Workflow id"),
        ("If-Match" = String, Header, description = "ETag of the version edited"),
    ),
    request_body(content = Object, description = "A workflow document", content_type = "application/json"),
    responses(
        (status = 200, body = WorkflowView, headers(("ETag" = String, description = "The new version"))),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    body: super::json::JsonBytes,
) -> Result<Response, Problem> {
    principal.require(Permission::EditWorkflows)?;
    let record = load(&state, &principal, &id).await?;
    let expected = documents::if_match(&headers)?;
    let parsed = documents::parse(&body.0)?;
    let view = save_over(
        &state,
        &principal,
        &record,
        &parsed,
        expected,
        "workflow.saved",
    )
    .await?;
    Ok(with_etag(StatusCode::OK, view))
}

/// Delete a workflow (soft: its history stays; its trigger stops).
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(delete, path = "/api/v2/workflows/{id}", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 204, description = "Deleted"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn delete(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::DeleteWorkflows)?;
    let record = load(&state, &principal, &id).await?;
    state.engine.deactivate(&principal.org, &record.id).await?;
    state
        .store
        .delete_workflow_hook(&principal.org, &record.id)
        .await?;
    if !state
        .store
        .soft_delete_workflow(&principal.org, &record.id)
        .await?
    {
        return Err(Problem::not_found(format!(
            "no workflow `{id}` in this org"
        )));
    }
    audit(
        &state,
        &principal,
        "workflow.deleted",
        &record.id,
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Activate a workflow: its trigger starts firing. Refused (422) while it has problems.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/{id}/activate", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 200, body = WorkflowView),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn activate(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    principal.require(Permission::EditWorkflows)?;
    let record = load(&state, &principal, &id).await?;
    let current = view(&state, record).await?;
    if !current.problems.is_empty() {
        return Err(Problem::validation(
            format!(
                "the workflow cannot be activated while it has {} problem(s)",
                current.problems.len()
            ),
            current.problems,
        ));
    }
    state.engine.activate(&principal.org, &id).await?;
    audit(
        &state,
        &principal,
        "workflow.activated",
        &id,
        json!({ "version": current.version }),
    )
    .await?;
    let record = load(&state, &principal, &id).await?;
    Ok(with_etag(StatusCode::OK, view(&state, record).await?))
}

/// Deactivate a workflow: its trigger stops; running executions go on.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/{id}/deactivate", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 200, body = WorkflowView),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn deactivate(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Response, Problem> {
    principal.require(Permission::EditWorkflows)?;
    load(&state, &principal, &id).await?;
    state.engine.deactivate(&principal.org, &id).await?;
    audit(&state, &principal, "workflow.deactivated", &id, json!({})).await?;
    let record = load(&state, &principal, &id).await?;
    Ok(with_etag(StatusCode::OK, view(&state, record).await?))
}

/// Validate a document without saving it: every problem with node id, field and reason.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/validate", tag = "workflows",
    request_body(content = Object, description = "A workflow document", content_type = "application/json"),
    responses(
        (status = 200, body = ValidationReport),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn validate(
    State(state): State<AppState>,
    principal: Principal,
    body: super::json::JsonBytes,
) -> Result<Json<ValidationReport>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let problems = match documents::parse(&body.0) {
        Ok(parsed) => documents::problems(&state, &principal.org, &parsed.document).await?,
        Err(problem) if problem.status == 422 => problem.errors,
        Err(problem) => return Err(problem),
    };
    Ok(Json(ValidationReport {
        valid: problems.is_empty(),
        problems,
    }))
}
