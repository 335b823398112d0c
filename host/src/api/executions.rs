//! Executions: start a workflow by hand or as a test run, list with filters,
//! read one with its full step log, cancel, and retry from the failed step.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::{Permission, Principal};
use super::cursor;
use super::documents;
use super::ids::check_id;
use super::json::{ApiJson, ApiPath, ApiQuery};
use super::problem::Problem;
use super::step_log::{StepEntry, step_log};
use super::workflows::{audit, load};
use crate::engine::StartRequest;
use crate::store::{ExecutionFilter, ExecutionRecord, ExecutionStatus};

/// What to start a workflow with.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields, default)]
pub struct ExecuteRequest {
    /// The contact the run is about; its `id` identifies it.
    pub contact: Option<Map<String, Value>>,
    /// Trigger data, available as `trigger.*` in templates.
    pub trigger: Option<Map<String, Value>>,
}

/// A started execution.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionStarted {
    /// The new execution.
    pub execution_id: String,
    /// Where to read it.
    pub url: String,
    /// Test run: actions send nothing.
    pub test_mode: bool,
}

/// An execution with its step log.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionDetail {
    /// The execution.
    #[serde(flatten)]
    pub execution: ExecutionRecord,
    /// Every step, in order: input after templating, output, error, attempts,
    /// timings, fuel, and the delivery receipts of the message it sent.
    pub steps: Vec<StepEntry>,
}

/// A page of executions.
#[derive(Debug, Serialize, ToSchema)]
pub struct ExecutionPage {
    /// Newest first.
    pub items: Vec<ExecutionRecord>,
    /// Pass as `cursor` for the next page; absent on the last page.
    pub next_cursor: Option<String>,
}

/// Filters of the execution list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExecutionListQuery {
    /// `running`, `waiting`, `completed`, `failed` or `cancelled`.
    pub status: Option<ExecutionStatus>,
    /// Only this workflow's executions.
    pub workflow_id: Option<String>,
    /// Only this contact's executions.
    pub contact_id: Option<String>,
    /// Started at or after (ms since the Unix epoch).
    pub from: Option<i64>,
    /// Started before (ms since the Unix epoch).
    pub to: Option<i64>,
    /// Page size, 1..=200 (default 50).
    pub limit: Option<i64>,
    /// `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn contact_id(contact: &Option<Map<String, Value>>) -> Result<(), Problem> {
    if let Some(contact) = contact {
        match contact.get("id") {
            Some(Value::String(id)) => check_id(id, "contact")?,
            Some(_) => {
                return Err(Problem::validation(
                    "the contact's id must be a string",
                    vec![super::problem::FieldError {
                        node_id: None,
                        field: "contact.id".into(),
                        reason: "expected a string".into(),
                    }],
                ));
            }
            None => {}
        }
    }
    Ok(())
}

async fn start(
    state: &AppState,
    principal: &Principal,
    id: &str,
    request: ExecuteRequest,
    test_mode: bool,
) -> Result<ExecutionStarted, Problem> {
    principal.require(Permission::RunWorkflows)?;
    check_id(id, "workflow")?;
    contact_id(&request.contact)?;
    let (version, status) = state
        .store
        .workflow_head(&principal.org, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no workflow `{id}` in this org")))?;
    if !test_mode && status != "active" {
        return Err(Problem::conflict(
            "workflow-not-active",
            format!("workflow `{id}` is {status}; activate it to run it, or start a test run"),
        ));
    }
    // An active workflow was validated when it was activated and at every
    // save since (both refuse problems); any other status is checked now.
    let problems = if status == "active" {
        Vec::new()
    } else {
        let record = load(state, principal, id).await?;
        match documents::parse_value(&record.document) {
            Ok(parsed) => documents::problems(state, &principal.org, &parsed.document).await?,
            Err(problem) => problem.errors,
        }
    };
    if !problems.is_empty() {
        return Err(Problem::validation(
            format!(
                "the workflow cannot run while it has {} problem(s)",
                problems.len()
            ),
            problems,
        ));
    }
    let mut trigger = request.trigger.unwrap_or_default();
    trigger
        .entry("event")
        .or_insert_with(|| Value::String("manual".into()));
    trigger
        .entry("occurred_at")
        .or_insert_with(|| json!(state.engine.now_ms()));
    trigger
        .entry("started_by")
        .or_insert_with(|| Value::String(principal.subject.clone()));
    let start = StartRequest {
        org_id: principal.org.clone(),
        workflow_id: id.to_string(),
        trigger: Value::Object(trigger),
        contact: request.contact.map(Value::Object),
        test_mode,
        force: true,
    };
    let execution_id = state
        .engine
        .start_version(start, version)
        .await?
        .ok_or_else(|| {
            Problem::conflict(
                "not-started",
                "the workflow's re-entry policy kept this contact out",
            )
        })?;
    Ok(ExecutionStarted {
        url: format!("/api/v2/executions/{execution_id}"),
        execution_id,
        test_mode,
    })
}

/// Start an active workflow by hand, durably queued; the run proceeds in the background.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/{id}/execute", tag = "executions",
    params(("id" = String, Path, description = "Workflow id")),
    request_body = ExecuteRequest,
    responses(
        (status = 202, body = ExecutionStarted),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn execute(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<ExecuteRequest>,
) -> Result<(StatusCode, Json<ExecutionStarted>), Problem> {
    let started = start(&state, &principal, &id, request, false).await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// Start a test run of a workflow (any status): actions send nothing.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/{id}/test-run", tag = "executions",
    params(("id" = String, Path, description = "Workflow id")),
    request_body = ExecuteRequest,
    responses(
        (status = 202, body = ExecutionStarted),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn test_run(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiJson(request): ApiJson<ExecuteRequest>,
) -> Result<(StatusCode, Json<ExecutionStarted>), Problem> {
    let started = start(&state, &principal, &id, request, true).await?;
    Ok((StatusCode::ACCEPTED, Json(started)))
}

/// List executions.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/executions", tag = "executions",
    params(ExecutionListQuery),
    responses(
        (status = 200, body = ExecutionPage),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<ExecutionListQuery>,
) -> Result<Json<ExecutionPage>, Problem> {
    principal.require(Permission::ReadExecutions)?;
    let limit = cursor::page_size(query.limit, 50, 200)?;
    for (id, what) in [
        (&query.workflow_id, "workflow"),
        (&query.contact_id, "contact"),
    ] {
        if let Some(id) = id {
            check_id(id, what)?;
        }
    }
    let filter = ExecutionFilter {
        status: query.status,
        workflow: query.workflow_id,
        contact: query.contact_id,
        started_from: query.from,
        started_to: query.to,
        after: query.cursor.as_deref().map(cursor::decode).transpose()?,
        limit,
    };
    let items = state.store.list_executions(&principal.org, &filter).await?;
    let next_cursor = cursor::next(&items, limit, |e| e.id.as_str());
    Ok(Json(ExecutionPage { items, next_cursor }))
}

/// The org's execution `id`, or 404.
pub(super) async fn load_execution(
    state: &AppState,
    principal: &Principal,
    id: &str,
) -> Result<ExecutionRecord, Problem> {
    check_id(id, "execution")?;
    state
        .store
        .execution(&principal.org, id)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no execution `{id}` in this org")))
}

/// Get an execution with its full step log, delivery receipts included.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/executions/{id}", tag = "executions",
    params(("id" = String, Path, description = "Execution id")),
    responses(
        (status = 200, body = ExecutionDetail),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ExecutionDetail>, Problem> {
    principal.require(Permission::ReadExecutions)?;
    let execution = load_execution(&state, &principal, &id).await?;
    let steps = state.store.steps(&principal.org, &id).await?;
    let deliveries = state.store.deliveries(&principal.org, &id).await?;
    Ok(Json(ExecutionDetail {
        execution,
        steps: step_log(steps, deliveries),
    }))
}

/// Cancel a running or waiting execution (409 when it is already over).
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/executions/{id}/cancel", tag = "executions",
    params(("id" = String, Path, description = "Execution id")),
    responses(
        (status = 200, body = ExecutionDetail),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn cancel(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ExecutionDetail>, Problem> {
    principal.require(Permission::RunWorkflows)?;
    let execution = load_execution(&state, &principal, &id).await?;
    if !state.engine.cancel(&principal.org, &id).await? {
        return Err(Problem::conflict(
            "execution-finished",
            format!(
                "execution `{id}` is {} and cannot be cancelled",
                execution.status.as_str()
            ),
        ));
    }
    audit(&state, &principal, "execution.cancelled", &id, json!({})).await?;
    get(State(state), principal, ApiPath(id)).await
}

/// Retry a failed execution from the step that failed (409 unless it failed).
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/executions/{id}/retry", tag = "executions",
    params(("id" = String, Path, description = "Execution id")),
    responses(
        (status = 200, body = ExecutionDetail),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn retry(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<ExecutionDetail>, Problem> {
    principal.require(Permission::RunWorkflows)?;
    let execution = load_execution(&state, &principal, &id).await?;
    if !state.engine.retry(&principal.org, &id).await? {
        return Err(Problem::conflict(
            "execution-not-failed",
            format!(
                "execution `{id}` is {}; only a failed execution can be retried",
                execution.status.as_str()
            ),
        ));
    }
    audit(&state, &principal, "execution.retried", &id, json!({})).await?;
    get(State(state), principal, ApiPath(id)).await
}
