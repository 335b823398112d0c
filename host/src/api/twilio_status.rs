//! Twilio message status callbacks: `POST
//! /api/v2/hooks/twilio/status/{org}/{execution}/{node}`, the URL the SMS and
//! WhatsApp actions give Twilio as `StatusCallback` when the install setting
//! `twilio_status_callback_url` is entered. The request must carry a valid
//! `X-Twilio-Signature` made with the org's auth token of the plugin that ran
//! the step; each status is then recorded against that step.
//!
//! The signature is checked first, with the org's auth tokens of both
//! Twilio actions, before the execution or step is looked up: a forged
//! request gets the same 403 whether or not the message, step, execution
//! or org exists, so the endpoint reveals nothing to someone without the
//! token.

use axum::extract::{Request, State};
use axum::http::{StatusCode, header};
use serde::Deserialize;
use utoipa::ToSchema;

use super::AppState;
use super::ids::check_id;
use super::json::{ApiPath, read_body};
use super::problem::{FieldError, Problem};
use crate::receipts::{twilio_callback, twilio_signature};
use crate::store::NewDelivery;

/// The plugins whose steps Twilio reports on.
const TWILIO_PLUGINS: [&str; 2] = ["atlas.sms.send", "atlas.whatsapp.send"];
/// The install secret the signature is made with.
const AUTH_TOKEN_SECRET: &str = "twilio_auth_token";
/// The signature header.
const SIGNATURE_HEADER: &str = "x-twilio-signature";

/// The form Twilio posts, as documented in the OpenAPI document. The handler
/// reads the raw parameters instead: the signature covers every one of them,
/// including those Twilio adds over time.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(rename_all = "PascalCase")]
#[allow(dead_code)]
pub struct TwilioStatusForm {
    /// The message, `SM...` or `MM...`.
    message_sid: String,
    /// `queued`, `sent`, `delivered`, `undelivered`, `failed`, `read`, ...
    message_status: String,
    /// Twilio's error code for `failed` and `undelivered`.
    error_code: Option<String>,
    /// The recipient.
    to: Option<String>,
    /// The account that sent the message.
    account_sid: Option<String>,
}

/// 403 for a request Twilio did not sign.
pub(super) fn bad_signature(detail: &str) -> Problem {
    Problem::new(
        StatusCode::FORBIDDEN,
        "invalid-signature",
        "Invalid signature",
        detail,
    )
}

/// Record a Twilio message status against the step that sent the message.
/// No bearer token: the signature, made with the org's Twilio auth token, is
/// the credential.
#[utoipa::path(post, path = "/api/v2/hooks/twilio/status/{org}/{execution}/{node}", tag = "receipts",
    params(
        ("org" = String, Path, description = "Org id"),
        ("execution" = String, Path, description = "Execution id"),
        ("node" = String, Path, description = "The node of the SMS or WhatsApp step"),
        ("X-Twilio-Signature" = String, Header, description = "Base64 HMAC-SHA1 of the URL and the sorted parameters, keyed with the auth token"),
    ),
    request_body(content = TwilioStatusForm, content_type = "application/x-www-form-urlencoded"),
    responses(
        (status = 204, description = "Recorded (a repeated status of a message is recorded once)"),
        (status = 403, body = Problem, content_type = "application/problem+json", description = "Missing or invalid signature (checked before anything is looked up)"),
        (status = 404, body = Problem, content_type = "application/problem+json", description = "Validly signed, but no such execution, SMS or WhatsApp step in this org"),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ))]
pub async fn status(
    State(state): State<AppState>,
    ApiPath((org, execution, node)): ApiPath<(String, String, String)>,
    request: Request,
) -> Result<StatusCode, Problem> {
    check_id(&org, "org")?;
    check_id(&execution, "execution")?;
    check_id(&node, "node")?;
    let form = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|v| {
            v.trim()
                .eq_ignore_ascii_case("application/x-www-form-urlencoded")
        });
    if !form {
        return Err(Problem::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported-media-type",
            "Unsupported media type",
            "Twilio status callbacks are `application/x-www-form-urlencoded`",
        ));
    }
    let signature = request
        .headers()
        .get(SIGNATURE_HEADER)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .ok_or_else(|| bad_signature("the request has no X-Twilio-Signature header"))?;
    let url = format!(
        "{}{}",
        state.settings.public_url,
        request
            .uri()
            .path_and_query()
            .map_or(request.uri().path(), |p| p.as_str())
    );
    let body = read_body(request, &state).await?;
    let params = twilio_callback::params(&body);
    // Which of the org's Twilio actions signed this; nothing about the
    // execution is read until one did.
    let mut signed_by = Vec::new();
    for plugin in TWILIO_PLUGINS {
        if let Some(auth_token) = state
            .store
            .secret_get(&org, plugin, AUTH_TOKEN_SECRET)
            .await?
            && twilio_signature::verify(&auth_token, &url, &params, &signature)
        {
            signed_by.push(plugin);
        }
    }
    if signed_by.is_empty() {
        return Err(bad_signature(
            "X-Twilio-Signature does not match this URL, these parameters and an auth token entered for the org's Twilio actions",
        ));
    }

    let unknown = || {
        Problem::not_found(format!(
            "no SMS or WhatsApp step `{node}` in execution `{execution}`"
        ))
    };
    let target = state
        .store
        .delivery_target(&org, &execution, &node)
        .await?
        .ok_or_else(unknown)?;
    state
        .engine
        .action_plugin(&org, &target.workflow_id, target.workflow_version, &node)
        .await?
        .filter(|plugin| signed_by.contains(&plugin.as_str()))
        .ok_or_else(unknown)?;

    let report = twilio_callback::parse(&params).map_err(|reason| {
        Problem::validation(
            format!("the status callback is not valid: {reason}"),
            vec![FieldError {
                node_id: None,
                field: "body".into(),
                reason,
            }],
        )
    })?;
    let delivery = NewDelivery {
        org_id: org.clone(),
        workflow_id: target.workflow_id,
        execution_id: execution,
        node_id: node,
        provider: twilio_callback::PROVIDER.into(),
        event_key: report.event_key(),
        message_id: Some(report.message_sid),
        status: report.status.into(),
        error_code: report.error_code,
        detail: serde_json::Value::Object(report.detail),
        occurred_at: crate::store::now_ms(),
    };
    let events = state.store.record_deliveries(&org, &[delivery]).await?;
    let outcome = if events.is_empty() {
        "duplicate"
    } else {
        "recorded"
    };
    state
        .metrics
        .count_receipts(twilio_callback::PROVIDER, outcome, 1);
    state.engine.announce(events);
    Ok(StatusCode::NO_CONTENT)
}
