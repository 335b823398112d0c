//! CRM events in: `POST /api/v2/events` fires the triggers, waits and goals
//! that listen for the event, once per event id; and each workflow's secret
//! inbound webhook URL starts that workflow with whatever was posted.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value, json};
use utoipa::ToSchema;

use super::AppState;
use super::auth::api_key::{hash, random_token};
use super::auth::{Permission, Principal};
use super::ids::check_id;
use super::json::{ApiJson, ApiPath, parse_body, read_body};
use super::problem::{FieldError, Problem};
use super::workflows::{audit, load};
use crate::engine::{CrmEvent, IngestOutcome, StartRequest};
use crate::graph::{NodeKind, TriggerConfig, TriggerEvent};
use crate::store::EventClaim;

/// A CRM event.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EventRequest {
    /// The sender's id for this event; a repeat with the same id does nothing again.
    pub id: String,
    /// The event: `lead_created`, `tag_added`, `booking_created`, `class_no_show`, ...
    pub event: String,
    /// The contact it concerns; its `id` identifies it.
    #[serde(default)]
    pub contact: Option<Map<String, Value>>,
    /// Event data (`tag`, `booking_id`, `class_start`, ...), available as `trigger.*`.
    #[serde(default)]
    pub payload: Option<Map<String, Value>>,
}

/// What an event did.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventResult {
    /// The event id.
    pub id: String,
    /// True when this id had been received before (nothing was done again).
    pub duplicate: bool,
    /// Executions started.
    pub started: Vec<String>,
    /// Executions resumed from a wait for this event.
    pub resumed: Vec<String>,
    /// Executions that reached a goal.
    pub goals: Vec<String>,
    /// Executions stopped because the contact replied.
    pub stopped: Vec<String>,
}

fn result(id: &str, duplicate: bool, outcome: IngestOutcome) -> EventResult {
    EventResult {
        id: id.to_string(),
        duplicate,
        started: outcome.started,
        resumed: outcome.resumed,
        goals: outcome.goals,
        stopped: outcome.stopped,
    }
}

fn invalid(field: &str, reason: String) -> Problem {
    Problem::validation(
        format!("the event is not valid: {reason}"),
        vec![FieldError {
            node_id: None,
            field: field.into(),
            reason,
        }],
    )
}

/// Send a CRM event. Idempotent by `id`: a repeat returns the first outcome with `duplicate: true`.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/events", tag = "events",
    request_body = EventRequest,
    responses(
        (status = 202, body = EventResult, description = "Applied"),
        (status = 200, body = EventResult, description = "A repeat of an event already applied"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn ingest(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(request): ApiJson<EventRequest>,
) -> Result<(StatusCode, Json<EventResult>), Problem> {
    principal.require(Permission::IngestEvents)?;
    check_id(&request.id, "event")?;
    let event: TriggerEvent = request.event.parse().map_err(|_| {
        invalid(
            "event",
            format!(
                "unknown event `{}`; events are: {}",
                request.event,
                TriggerEvent::ALL.map(TriggerEvent::as_str).join(", ")
            ),
        )
    })?;
    if matches!(
        event,
        TriggerEvent::Manual | TriggerEvent::Schedule | TriggerEvent::InboundWebhook
    ) {
        return Err(invalid(
            "event",
            format!(
                "`{}` is not a CRM event: manual runs use /workflows/{{id}}/execute, webhooks the workflow's webhook URL",
                event.as_str()
            ),
        ));
    }
    match request.contact.as_ref().map(|c| c.get("id")) {
        Some(Some(Value::String(id))) => check_id(id, "contact")?,
        Some(Some(_)) => return Err(invalid("contact.id", "expected a string".into())),
        Some(None) | None if event.concerns_a_contact() => {
            return Err(invalid(
                "contact.id",
                format!("a `{}` event needs the contact's id", event.as_str()),
            ));
        }
        _ => {}
    }
    match state
        .store
        .claim_event(&principal.org, &request.id, event.as_str())
        .await?
    {
        EventClaim::Seen(outcome) => {
            let outcome: IngestOutcome = outcome
                .and_then(|o| serde_json::from_value(o).ok())
                .unwrap_or_default();
            return Ok((StatusCode::OK, Json(result(&request.id, true, outcome))));
        }
        EventClaim::Claimed => {}
    }
    let mut payload = request.payload.unwrap_or_default();
    payload
        .entry("occurred_at")
        .or_insert_with(|| json!(state.engine.now_ms()));
    payload.insert("event_id".into(), Value::String(request.id.clone()));
    let applied = state
        .engine
        .ingest(
            &principal.org,
            CrmEvent {
                event: event.as_str().into(),
                contact: request.contact.map(Value::Object),
                payload: Value::Object(payload),
            },
        )
        .await;
    match applied {
        Ok(outcome) => {
            state
                .store
                .record_event_outcome(
                    &principal.org,
                    &request.id,
                    &serde_json::to_value(&outcome).unwrap_or_default(),
                )
                .await?;
            Ok((
                StatusCode::ACCEPTED,
                Json(result(&request.id, false, outcome)),
            ))
        }
        Err(error) => {
            state
                .store
                .release_event(&principal.org, &request.id)
                .await?;
            Err(error.into())
        }
    }
}

/// A workflow's inbound webhook URL (shown once).
#[derive(Debug, Serialize, ToSchema)]
pub struct WebhookUrl {
    /// POST JSON here to start the workflow; the path is the secret.
    pub url: String,
}

/// Create or rotate a workflow's inbound webhook URL; the old URL stops working.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/{id}/webhook", tag = "events",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 201, body = WebhookUrl),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create_hook(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<(StatusCode, Json<WebhookUrl>), Problem> {
    principal.require(Permission::DeleteWorkflows)?;
    load(&state, &principal, &id).await?;
    let token = random_token("wh_");
    state
        .store
        .set_workflow_hook(&principal.org, &id, &hash(&token))
        .await?;
    audit(
        &state,
        &principal,
        "workflow.webhook_created",
        &id,
        json!({}),
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(WebhookUrl {
            url: format!("{}/api/v2/hooks/{token}", state.settings.public_url),
        }),
    ))
}

/// Remove a workflow's inbound webhook URL.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(delete, path = "/api/v2/workflows/{id}/webhook", tag = "events",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 204, description = "Removed"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn delete_hook(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<StatusCode, Problem> {
    principal.require(Permission::DeleteWorkflows)?;
    load(&state, &principal, &id).await?;
    if !state
        .store
        .delete_workflow_hook(&principal.org, &id)
        .await?
    {
        return Err(Problem::not_found(format!(
            "workflow `{id}` has no webhook URL"
        )));
    }
    audit(
        &state,
        &principal,
        "workflow.webhook_deleted",
        &id,
        json!({}),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Inbound webhook: starts the workflow the secret path belongs to with the
/// posted JSON as `trigger.body` (a `contact` object in it becomes the contact).
/// No bearer token: the path is the credential.
#[utoipa::path(post, path = "/api/v2/hooks/{token}", tag = "events",
    params(("token" = String, Path, description = "The secret from the webhook URL")),
    request_body(content = Object, content_type = "application/json"),
    responses(
        (status = 202, body = super::executions::ExecutionStarted),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn inbound(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    request: Request,
) -> Result<(StatusCode, Json<super::executions::ExecutionStarted>), Problem> {
    let unknown = || Problem::not_found("no webhook at this URL");
    if token.len() > 128 {
        return Err(unknown());
    }
    let (org, workflow_id) = state
        .store
        .workflow_hook(&hash(&token))
        .await?
        .ok_or_else(unknown)?;
    let bytes = read_body(request, &state).await?;
    let body: Value = if bytes.is_empty() {
        Value::Object(Map::new())
    } else {
        parse_body(&bytes)?
    };
    let (version, status) = state
        .store
        .workflow_head(&org, &workflow_id)
        .await?
        .ok_or_else(unknown)?;
    if status != "active" {
        return Err(Problem::conflict(
            "workflow-not-active",
            "the workflow behind this webhook is not active",
        ));
    }
    let workflow = state.engine.workflow(&org, &workflow_id, version).await?;
    let has_hook_trigger = workflow
        .graph
        .document()
        .nodes
        .iter()
        .any(|n| matches!(&n.kind, NodeKind::Trigger(TriggerConfig::InboundWebhook {})));
    if !has_hook_trigger {
        return Err(Problem::conflict(
            "no-webhook-trigger",
            "the workflow behind this webhook has no inbound webhook trigger",
        ));
    }
    let contact = body
        .get("contact")
        .filter(|c| c.get("id").and_then(Value::as_str).is_some())
        .cloned();
    let trigger = json!({
        "event": "inbound_webhook",
        "occurred_at": state.engine.now_ms(),
        "body": body,
    });
    let execution_id = state
        .engine
        .start(StartRequest {
            org_id: org,
            workflow_id,
            trigger,
            contact,
            test_mode: false,
            force: false,
        })
        .await?
        .ok_or_else(|| {
            Problem::conflict(
                "not-started",
                "the workflow's re-entry policy kept this contact out",
            )
        })?;
    Ok((
        StatusCode::ACCEPTED,
        Json(super::executions::ExecutionStarted {
            url: format!("/api/v2/executions/{execution_id}"),
            execution_id,
            test_mode: false,
        }),
    ))
}
