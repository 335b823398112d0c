//! `email.send` through the real runtime against loopback servers speaking
//! SendGrid's and Postmark's wire formats: the exact request, the returned
//! message id, each class of provider error, missing secrets and grants,
//! the consent check and test mode.

mod common;

use std::time::Duration;

use common::actions::{ActionHarness, IDEMPOTENCY_KEY, ORG, fatal_message, retryable};
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

const ALL: &[&str] = &["http:*", "secret:*", "crm:read"];

async fn harness() -> ActionHarness {
    ActionHarness::new("email-send", "atlas.email.send").await
}

fn welcome(provider: Option<&str>) -> Value {
    let mut input = json!({
        "from": "studio@gym.example",
        "from_name": "Iron Gym",
        "to": ["ada@example.com"],
        "cc": "coach@gym.example",
        "bcc": ["owner@gym.example"],
        "reply_to": "desk@gym.example",
        "subject": "Welcome to Iron Gym",
        "html": "<p>Hi Ada</p>",
        "text": "Hi Ada"
    });
    if let Some(provider) = provider {
        input["provider"] = json!(provider);
    }
    input
}

/// A harness whose SendGrid install points at a loopback server answering `reply`.
async fn with_sendgrid(reply: Reply) -> (ActionHarness, Recorder) {
    let server = Recorder::start(reply).await;
    let h = harness().await;
    h.secrets(&[
        ("sendgrid_api_key", "SG.test-key"),
        ("sendgrid_base_url", &server.url("")),
    ])
    .await;
    (h, server)
}

/// A harness whose Postmark install points at a loopback server answering `reply`.
async fn with_postmark(reply: Reply) -> (ActionHarness, Recorder) {
    let server = Recorder::start(reply).await;
    let h = harness().await;
    h.secrets(&[
        ("postmark_server_token", "pm-server-token"),
        ("postmark_base_url", &server.url("/")),
    ])
    .await;
    (h, server)
}

#[tokio::test]
async fn sendgrid_gets_a_v3_mail_send_and_its_message_id_comes_back() {
    let (h, server) =
        with_sendgrid(Reply::status(202, "").header("x-message-id", "sg-msg-42")).await;
    let report = h.run(welcome(Some("sendgrid")), ALL, false, None).await;
    let output = report.result.expect("sent");
    assert_eq!(output.outcome, "sent");
    assert_eq!(
        output.data,
        json!({ "provider": "sendgrid", "message_id": "sg-msg-42", "skipped": false })
    );

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/v3/mail/send");
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Bearer SG.test-key")
    );
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(
        r.json(),
        json!({
            "personalizations": [{
                "to": [{ "email": "ada@example.com" }],
                "cc": [{ "email": "coach@gym.example" }],
                "bcc": [{ "email": "owner@gym.example" }]
            }],
            "from": { "email": "studio@gym.example", "name": "Iron Gym" },
            "reply_to": { "email": "desk@gym.example" },
            "subject": "Welcome to Iron Gym",
            "content": [
                { "type": "text/plain", "value": "Hi Ada" },
                { "type": "text/html", "value": "<p>Hi Ada</p>" }
            ],
            "custom_args": {
                "atlas_org_id": ORG,
                "atlas_execution_id": "local",
                "atlas_step_id": "step",
                "atlas_idempotency_key": IDEMPOTENCY_KEY
            }
        })
    );
}

#[tokio::test]
async fn postmark_is_used_when_only_its_token_is_set() {
    let (h, server) = with_postmark(Reply::json(json!({
        "To": "ada@example.com",
        "SubmittedAt": "2026-11-25T16:00:00.0000000-05:00",
        "MessageID": "0a129aee-e1cd-480d-b08d-4f48548ff48d",
        "ErrorCode": 0,
        "Message": "OK"
    })))
    .await;
    let report = h.run(welcome(None), ALL, false, None).await;
    let output = report.result.expect("sent");
    assert_eq!(
        output.data,
        json!({
            "provider": "postmark",
            "message_id": "0a129aee-e1cd-480d-b08d-4f48548ff48d",
            "skipped": false
        })
    );

    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/email");
    assert_eq!(
        r.header("x-postmark-server-token").as_deref(),
        Some("pm-server-token")
    );
    assert_eq!(r.header("accept").as_deref(), Some("application/json"));
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/json")
    );
    assert_eq!(r.header("authorization"), None);
    assert_eq!(
        r.json(),
        json!({
            "From": "\"Iron Gym\" <studio@gym.example>",
            "To": "ada@example.com",
            "Cc": "coach@gym.example",
            "Bcc": "owner@gym.example",
            "ReplyTo": "desk@gym.example",
            "Subject": "Welcome to Iron Gym",
            "HtmlBody": "<p>Hi Ada</p>",
            "TextBody": "Hi Ada",
            "Metadata": { "atlas_idempotency_key": IDEMPOTENCY_KEY },
            "MessageStream": "outbound"
        })
    );
}

#[tokio::test]
async fn client_errors_are_fatal_with_the_providers_message() {
    let (h, _server) = with_sendgrid(Reply::status(
        400,
        r#"{"errors":[{"message":"The from address does not match a verified Sender Identity.","field":"from","help":null}]}"#,
    )).await;
    let report = h.run(welcome(Some("sendgrid")), ALL, false, None).await;
    assert_eq!(
        fatal_message(&report),
        "provider_rejected: SendGrid refused the message (HTTP 400): \
         The from address does not match a verified Sender Identity. (from)"
    );

    for (status, body, message) in [
        (
            401,
            r#"{"ErrorCode":10,"Message":"Request does not contain a valid Server token."}"#,
            "Request does not contain a valid Server token. (error code 10)",
        ),
        (
            422,
            r#"{"ErrorCode":300,"Message":"Invalid 'To' address: 'ada@example'."}"#,
            "Invalid 'To' address: 'ada@example'. (error code 300)",
        ),
    ] {
        let (h, _server) = with_postmark(Reply::status(status, body)).await;
        let report = h.run(welcome(Some("postmark")), ALL, false, None).await;
        assert_eq!(
            fatal_message(&report),
            format!("provider_rejected: Postmark refused the message (HTTP {status}): {message}")
        );
    }
}

#[tokio::test]
async fn rate_limits_server_errors_and_timeouts_are_retryable() {
    let (h, _server) = with_sendgrid(
        Reply::status(429, r#"{"errors":[{"message":"too many requests"}]}"#)
            .header("retry-after", "30"),
    )
    .await;
    let report = h.run(welcome(Some("sendgrid")), ALL, false, None).await;
    assert_eq!(
        retryable(&report),
        (
            "provider_unavailable: SendGrid is unavailable (HTTP 429): too many requests".into(),
            Some(30_000)
        )
    );

    let (h, _server) = with_postmark(Reply::status(503, "upstream connect error")).await;
    let report = h.run(welcome(None), ALL, false, None).await;
    assert_eq!(
        retryable(&report),
        (
            "provider_unavailable: Postmark is unavailable (HTTP 503): upstream connect error"
                .into(),
            None
        )
    );

    let (h, _server) = with_sendgrid(Reply::status(202, "").after(Duration::from_secs(3))).await;
    let mut input = welcome(Some("sendgrid"));
    input["timeout_ms"] = json!(200);
    let report = h.run(input, ALL, false, None).await;
    let (message, wait) = retryable(&report);
    assert!(message.contains("timed out"), "{message}");
    assert_eq!(wait, None);
}

#[tokio::test]
async fn missing_secrets_are_named() {
    let h = harness().await;
    let report = h.run(welcome(Some("sendgrid")), ALL, false, None).await;
    assert_eq!(
        fatal_message(&report),
        "secret `sendgrid_api_key` is not set"
    );

    let report = h.run(welcome(None), ALL, false, None).await;
    assert_eq!(
        fatal_message(&report),
        "no email provider is set up: enter `sendgrid_api_key` or `postmark_server_token` \
         when installing the action"
    );
}

#[tokio::test]
async fn a_provider_host_that_is_not_granted_is_never_contacted() {
    let (h, server) = with_sendgrid(Reply::status(202, "").header("x-message-id", "x")).await;
    let report = h
        .run(
            welcome(Some("sendgrid")),
            &["http:api.sendgrid.com", "secret:*", "crm:read"],
            false,
            None,
        )
        .await;
    let message = fatal_message(&report);
    assert!(message.contains("denied"), "{message}");
    assert_eq!(report.denials.len(), 1);
    assert_eq!(report.denials[0].capability, "http");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_contact_whose_consent_cannot_be_checked_gets_nothing() {
    let (h, server) = with_sendgrid(Reply::status(202, "").header("x-message-id", "x")).await;
    let contact = Some(json!({ "id": "c_1", "first_name": "Ada" }));

    // A contact the CRM does not know: nothing can be checked, nothing is sent.
    let report = h
        .run(welcome(Some("sendgrid")), ALL, false, contact.clone())
        .await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("consent_unchecked: could not check contact c_1's consent to email"),
        "{message}"
    );
    assert!(message.contains("not-found"), "{message}");
    // A known contact who consented to SMS only gets no email.
    let sms_only = h.contact(false, true, false).await;
    let report = h
        .run(welcome(Some("sendgrid")), ALL, false, Some(sms_only))
        .await;
    assert!(fatal_message(&report).starts_with("no_consent"));

    // Without the crm grant the check is denied, which is final.
    let report = h
        .run(
            welcome(Some("sendgrid")),
            &["http:*", "secret:*"],
            false,
            contact,
        )
        .await;
    let message = fatal_message(&report);
    assert!(message.starts_with("consent_unchecked:"), "{message}");
    assert!(message.contains("denied"), "{message}");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn test_mode_sends_nothing() {
    let (h, server) = with_sendgrid(Reply::status(202, "").header("x-message-id", "x")).await;
    let report = h
        .run(
            welcome(Some("sendgrid")),
            ALL,
            true,
            Some(json!({ "id": "c_1" })),
        )
        .await;
    let output = report.result.expect("skipped");
    assert_eq!(
        output.data,
        json!({ "provider": "sendgrid", "message_id": null, "skipped": true })
    );
    assert!(server.requests().is_empty());
    assert_eq!(report.http_requests, 0);
}
