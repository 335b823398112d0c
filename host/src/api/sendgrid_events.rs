//! SendGrid's Event Webhook: `POST /api/v2/hooks/sendgrid/events/{org}`.
//! A batch is accepted only with a valid signature (SendGrid's Signed Event
//! Webhook, checked with the org's `sendgrid_webhook_verification_key` of
//! `atlas.email.send`) over a fresh timestamp (at most 300 s from the
//! engine's clock, checked before anything is looked up); each event whose
//! custom arguments name an email step of this org is recorded against it,
//! and the rest are counted and ignored.

use std::collections::HashMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde_json::Value;

use super::AppState;
use super::ids::check_id;
use super::json::{ApiPath, JsonBytes};
use super::problem::Problem;
use super::twilio_status::bad_signature;
use crate::receipts::sendgrid_events::{self, PROVIDER, StepEvent};
use crate::receipts::sendgrid_signature::{self, SIGNATURE_HEADER, TIMESTAMP_HEADER};
use crate::store::{DeliveryTarget, NewDelivery};

/// The plugin that sends email, and whose install holds the verification key.
const EMAIL_PLUGIN: &str = "atlas.email.send";
/// The install secret holding SendGrid's verification key.
const VERIFICATION_KEY_SECRET: &str = "sendgrid_webhook_verification_key";

/// Record SendGrid email events (delivered, open, click, bounce, dropped,
/// deferred, spamreport, unsubscribe, ...) against the steps that sent the
/// messages. No bearer token: the ECDSA signature, checked with the org's
/// verification key, is the credential.
#[utoipa::path(post, path = "/api/v2/hooks/sendgrid/events/{org}", tag = "receipts",
    params(
        ("org" = String, Path, description = "Org id"),
        ("X-Twilio-Email-Event-Webhook-Signature" = String, Header, description = "Base64 DER ECDSA (P-256, SHA-256) signature of the timestamp followed by the body"),
        ("X-Twilio-Email-Event-Webhook-Timestamp" = String, Header, description = "The signed timestamp, Unix seconds, within 300 s of now"),
    ),
    request_body(content = Vec<Object>, content_type = "application/json", description = "SendGrid's event batch; the email action's custom arguments `atlas_org_id`, `atlas_execution_id` and `atlas_step_id` name each event's step"),
    responses(
        (status = 204, description = "Recorded (events naming no email step of this org, and repeated events, are skipped)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "Missing, invalid or stale signature (timestamp more than 300 s away), or no verification key entered"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn events(
    State(state): State<AppState>,
    ApiPath(org): ApiPath<String>,
    headers: HeaderMap,
    JsonBytes(body): JsonBytes,
) -> Result<StatusCode, Problem> {
    check_id(&org, "org")?;
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
            .ok_or_else(|| bad_signature(&format!("the request has no {name} header")))
    };
    let signature = header(SIGNATURE_HEADER)?;
    let timestamp = header(TIMESTAMP_HEADER)?;
    sendgrid_signature::check_fresh(&timestamp, state.engine.now_ms())
        .map_err(|error| bad_signature(&error.to_string()))?;
    let key = state
        .store
        .secret_get(&org, EMAIL_PLUGIN, VERIFICATION_KEY_SECRET)
        .await?
        .ok_or_else(|| {
            bad_signature(&format!(
                "`{VERIFICATION_KEY_SECRET}` has not been entered for {EMAIL_PLUGIN}, so no signature can be checked"
            ))
        })?;
    let key = sendgrid_signature::verifying_key(&key).map_err(|error| {
        tracing::warn!(org = %org, "SendGrid verification key unusable: {error}");
        bad_signature(&format!("`{VERIFICATION_KEY_SECRET}` is unusable: {error}"))
    })?;
    sendgrid_signature::verify(&key, &timestamp, &body, &signature)
        .map_err(|error| bad_signature(&error.to_string()))?;

    let batch = sendgrid_events::parse(&body)
        .map_err(|reason| Problem::bad_request("malformed-events", reason))?;
    let mut ignored = batch.ignored;
    let mut targets: HashMap<(String, String), Option<DeliveryTarget>> = HashMap::new();
    let mut deliveries = Vec::new();
    for event in batch.events {
        if event.org_id != org {
            ignored += 1;
            continue;
        }
        let key = (event.execution_id.clone(), event.step_id.clone());
        if !targets.contains_key(&key) {
            let target = email_step(&state, &org, &event).await?;
            targets.insert(key.clone(), target);
        }
        match &targets[&key] {
            Some(target) => deliveries.push(delivery(&org, target, event)),
            None => ignored += 1,
        }
    }
    let events = state.store.record_deliveries(&org, &deliveries).await?;
    state
        .metrics
        .count_receipts(PROVIDER, "recorded", events.len());
    state
        .metrics
        .count_receipts(PROVIDER, "duplicate", deliveries.len() - events.len());
    state.metrics.count_receipts(PROVIDER, "ignored", ignored);
    state.engine.announce(events);
    Ok(StatusCode::NO_CONTENT)
}

/// Where the event's step is, when it is an email step of an execution of `org`.
async fn email_step(
    state: &AppState,
    org: &str,
    event: &StepEvent,
) -> anyhow::Result<Option<DeliveryTarget>> {
    let Some(target) = state
        .store
        .delivery_target(org, &event.execution_id, &event.step_id)
        .await?
    else {
        return Ok(None);
    };
    let plugin = state
        .engine
        .action_plugin(
            org,
            &target.workflow_id,
            target.workflow_version,
            &event.step_id,
        )
        .await?;
    Ok((plugin.as_deref() == Some(EMAIL_PLUGIN)).then_some(target))
}

fn delivery(org: &str, target: &DeliveryTarget, event: StepEvent) -> NewDelivery {
    NewDelivery {
        org_id: org.to_string(),
        workflow_id: target.workflow_id.clone(),
        execution_id: event.execution_id,
        node_id: event.step_id,
        provider: PROVIDER.into(),
        event_key: event.event_id,
        message_id: event.message_id,
        status: event.status.into(),
        error_code: event.error_code,
        detail: Value::Object(event.detail),
        occurred_at: event.occurred_at.unwrap_or_else(crate::store::now_ms),
    }
}
