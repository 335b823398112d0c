//! Live views over Server-Sent Events: one execution's transitions, or all of
//! one workflow's activity. Every persisted event carries its sequence number
//! as the SSE `id`, so a client that reconnects with `Last-Event-ID` resumes
//! exactly after the last event it saw. `step.started` is sent as it happens
//! but not stored, so it has no id.
//!
//! Events are read from the database (the source of truth, also for events
//! committed by other workers); the in-process broadcast only says when to
//! read again, with a one-second poll for other processes.
//!
//! A caller holds at most a few streams at once (`live_slots.rs`), and an
//! open stream checks its credential every few seconds: when the token has
//! expired, the API key was revoked (here or on another server) or the org
//! may no longer act, it sends `stream.closed` and ends.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::sse::{Event, KeepAlive, Sse};
use futures::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::{broadcast, mpsc};
use tokio_stream::wrappers::ReceiverStream;
use utoipa::{IntoParams, ToSchema};

use super::AppState;
use super::auth::{Permission, Principal, still_valid};
use super::executions::load_execution;
use super::json::{ApiPath, ApiQuery};
use super::live_slots::LiveSlot;
use super::problem::Problem;
use super::workflows::load;
use crate::store::{EventRecord, NewEvent};

/// Where to resume.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ResumeQuery {
    /// Resume after this event id (the `Last-Event-ID` header takes precedence).
    pub after: Option<i64>,
}

/// One Server-Sent Event as it appears on the wire.
#[derive(Debug, Serialize, ToSchema)]
pub struct StreamEvent {
    /// The event's sequence number (absent for `step.started`, which is not stored).
    pub id: Option<String>,
    /// The kind: `execution.started`, `step.completed`, ...
    pub event: String,
    /// The event as JSON text: ids, node, kind, detail, time.
    pub data: String,
}

#[derive(Debug, Clone)]
enum Scope {
    Execution(String),
    Workflow(String),
}

impl Scope {
    fn matches(&self, event: &NewEvent) -> bool {
        match self {
            Self::Execution(id) => event.execution_id == *id,
            Self::Workflow(id) => event.workflow_id == *id,
        }
    }
}

const PAGE: i64 = 500;
const POLL: Duration = Duration::from_secs(1);

fn resume_after(headers: &HeaderMap, query: &ResumeQuery) -> Result<i64, Problem> {
    match headers.get("last-event-id") {
        Some(value) => value
            .to_str()
            .ok()
            .and_then(|v| v.trim().parse::<i64>().ok())
            .filter(|v| *v >= 0)
            .ok_or_else(|| {
                Problem::bad_request(
                    "invalid-last-event-id",
                    "Last-Event-ID must be the id of an event this stream sent",
                )
            }),
        None => Ok(query.after.unwrap_or(0).max(0)),
    }
}

fn sse_event(record: &EventRecord) -> Event {
    Event::default()
        .id(record.id.to_string())
        .event(record.kind.clone())
        .data(serde_json::to_string(record).unwrap_or_default())
}

fn started_event(event: &NewEvent) -> Event {
    Event::default().event(event.kind.clone()).data(
        serde_json::json!({
            "workflow_id": event.workflow_id,
            "execution_id": event.execution_id,
            "node_id": event.node_id,
            "kind": event.kind,
            "detail": event.detail,
            "at": event.at,
        })
        .to_string(),
    )
}

async fn follow(
    state: AppState,
    org: String,
    scope: Scope,
    mut after: i64,
    mut wake: broadcast::Receiver<NewEvent>,
    tx: mpsc::Sender<Result<Event, Infallible>>,
) {
    loop {
        let page = match &scope {
            Scope::Execution(id) => state.store.execution_events(&org, id, after, PAGE).await,
            Scope::Workflow(id) => state.store.workflow_events(&org, id, after, PAGE).await,
        };
        let Ok(page) = page else {
            tokio::time::sleep(POLL).await;
            continue;
        };
        for record in &page {
            after = record.id;
            if tx.send(Ok(sse_event(record))).await.is_err() {
                return;
            }
        }
        if page.len() as i64 == PAGE {
            continue;
        }
        if let Scope::Execution(id) = &scope {
            match state.store.execution(&org, id).await {
                Ok(Some(e)) if e.status.is_finished() => {
                    // Anything committed with the final status was read above
                    // unless it landed in between: read once more, then end.
                    if let Ok(rest) = state.store.execution_events(&org, id, after, PAGE).await {
                        for record in &rest {
                            if tx.send(Ok(sse_event(record))).await.is_err() {
                                return;
                            }
                        }
                    }
                    return;
                }
                Ok(None) => return,
                _ => {}
            }
        }
        let deadline = tokio::time::sleep(POLL);
        tokio::pin!(deadline);
        loop {
            tokio::select! {
                _ = &mut deadline => break,
                _ = tx.closed() => return,
                received = wake.recv() => match received {
                    Ok(event) if event.org_id == org && scope.matches(&event) => {
                        if event.kind == "step.started" {
                            if tx.send(Ok(started_event(&event))).await.is_err() {
                                return;
                            }
                        } else {
                            break;
                        }
                    }
                    Ok(_) => {}
                    Err(broadcast::error::RecvError::Lagged(_)) => break,
                    Err(broadcast::error::RecvError::Closed) => {
                        tokio::select! {
                            _ = &mut deadline => break,
                            _ = tx.closed() => return,
                        }
                    }
                },
            }
        }
    }
}

/// Resolves once `principal` may no longer act, with the reason.
async fn revoked(state: &AppState, principal: &Principal) -> &'static str {
    let every = state.settings.live.recheck_every;
    loop {
        tokio::time::sleep(every).await;
        match still_valid(state, principal).await {
            Ok(true) => {}
            Ok(false) => {
                return "the stream's credential expired, was revoked, or its org may no longer act";
            }
            // The database did not answer: ask again next time.
            Err(_) => {}
        }
    }
}

/// Follows `scope` until the client leaves, the execution ends or the
/// credential stops holding; the slot is given back when this returns.
async fn run_stream(
    state: AppState,
    principal: Principal,
    scope: Scope,
    after: i64,
    wake: broadcast::Receiver<NewEvent>,
    tx: mpsc::Sender<Result<Event, Infallible>>,
    slot: LiveSlot,
) {
    let closing = tx.clone();
    tokio::select! {
        _ = follow(state.clone(), principal.org.clone(), scope, after, wake, tx) => {}
        reason = revoked(&state, &principal) => {
            let event = Event::default()
                .event("stream.closed")
                .data(serde_json::json!({ "reason": reason }).to_string());
            let _ = closing.try_send(Ok(event));
        }
    }
    drop(slot);
}

fn stream(
    state: AppState,
    principal: Principal,
    scope: Scope,
    after: i64,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    let limit = state.settings.live.max_streams_per_caller;
    let slot = state
        .live_slots
        .acquire(&principal.rate_key(), limit)
        .ok_or_else(|| {
            Problem::new(
                StatusCode::TOO_MANY_REQUESTS,
                "too-many-streams",
                "Too many live streams",
                format!(
                    "this caller holds {limit} live streams open already, the most allowed; close one first"
                ),
            )
            .with_header(header::RETRY_AFTER, "5")
        })?;
    let wake = state.engine.subscribe();
    let (tx, rx) = mpsc::channel(256);
    tokio::spawn(run_stream(state, principal, scope, after, wake, tx, slot));
    Ok(Sse::new(ReceiverStream::new(rx))
        .keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

/// Stream one execution's transitions (SSE); ends when the execution is
/// over, or with `stream.closed` when the credential stops holding. A caller
/// holds a limited number of streams at once (429 beyond it).
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/executions/{id}/stream", tag = "live",
    params(("id" = String, Path, description = "Execution id"), ResumeQuery,
           ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event")),
    responses(
        (status = 200, description = "An event stream: `id` is the event's sequence number, `event` its kind, `data` the event as JSON", content_type = "text/event-stream", body = StreamEvent),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn execution(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ResumeQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    principal.require(Permission::ReadExecutions)?;
    let after = resume_after(&headers, &query)?;
    load_execution(&state, &principal, &id).await?;
    stream(state, principal, Scope::Execution(id), after)
}

/// Stream the activity of every execution of one workflow (SSE); ends with
/// `stream.closed` when the credential stops holding.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows/{id}/stream", tag = "live",
    params(("id" = String, Path, description = "Workflow id"), ResumeQuery,
           ("Last-Event-ID" = Option<String>, Header, description = "Resume after this event")),
    responses(
        (status = 200, description = "An event stream, as for one execution", content_type = "text/event-stream", body = StreamEvent),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn workflow(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<ResumeQuery>,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>, Problem> {
    principal.require(Permission::ReadExecutions)?;
    let after = resume_after(&headers, &query)?;
    load(&state, &principal, &id).await?;
    stream(state, principal, Scope::Workflow(id), after)
}
