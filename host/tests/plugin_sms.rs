//! `sms.send` through the real runtime against a loopback server speaking
//! Twilio's Messages API: the exact form request with basic auth, the
//! returned SID and status, each class of Twilio error, missing secrets and
//! grants, the consent check and test mode.

mod common;

use std::time::Duration;

use common::actions::{ActionHarness, fatal_message, retryable};
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

const ALL: &[&str] = &["http:*", "secret:*", "crm:read"];
const MESSAGES_PATH: &str = "/2010-04-01/Accounts/AC0123456789abcdef/Messages.json";

async fn harness(server: Option<&Recorder>) -> ActionHarness {
    let h = ActionHarness::new("sms-send", "atlas.sms.send").await;
    if let Some(server) = server {
        h.secrets(&[
            ("twilio_account_sid", "AC0123456789abcdef"),
            ("twilio_auth_token", "auth-token-1"),
            ("twilio_base_url", &server.url("")),
        ])
        .await;
    }
    h
}

fn created(sid: &str, status: &str) -> Reply {
    Reply {
        status: 201,
        ..Reply::json(json!({
            "sid": sid,
            "status": status,
            "to": "+447700900123",
            "from": "+15005550006",
            "body": "See you at 6pm!",
            "error_code": null,
            "error_message": null
        }))
    }
}

fn reminder() -> Value {
    json!({
        "to": "+44 7700 900123",
        "from": "+15005550006",
        "body": "See you at 6pm, Ada!",
        "status_callback": "https://hooks.gym.example/twilio/status"
    })
}

fn twilio_error(status: u16, code: u32, message: &str) -> Reply {
    Reply::status(
        status,
        &json!({
            "code": code,
            "message": message,
            "more_info": format!("https://www.twilio.com/docs/errors/{code}"),
            "status": status
        })
        .to_string(),
    )
    .header("content-type", "application/json")
}

#[tokio::test]
async fn posts_a_form_with_basic_auth_and_returns_the_sid() {
    let server = Recorder::start(created("SM5f3d1e0c2b", "queued")).await;
    let h = harness(Some(&server)).await;
    let report = h.run(reminder(), ALL, false, None).await;
    let output = report.result.expect("sent");
    assert_eq!(output.outcome, "sent");
    assert_eq!(
        output.data,
        json!({ "sid": "SM5f3d1e0c2b", "status": "queued", "to": "+447700900123", "skipped": false })
    );

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, MESSAGES_PATH);
    // base64("AC0123456789abcdef:auth-token-1")
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Basic QUMwMTIzNDU2Nzg5YWJjZGVmOmF1dGgtdG9rZW4tMQ==")
    );
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    assert_eq!(
        std::str::from_utf8(&r.body).unwrap(),
        "To=%2B447700900123&From=%2B15005550006&Body=See+you+at+6pm%2C+Ada%21\
         &StatusCallback=https%3A%2F%2Fhooks.gym.example%2Ftwilio%2Fstatus"
    );
}

#[tokio::test]
async fn a_messaging_service_picks_the_sender() {
    let server = Recorder::start(created("SM1", "accepted")).await;
    let h = harness(Some(&server)).await;
    let input = json!({ "to": "+447700900123", "messaging_service_sid": "MG9752274e9e519418a7406176694466fa", "body": "Hi" });
    let report = h.run(input, ALL, false, None).await;
    assert_eq!(report.result.expect("sent").data["status"], "accepted");
    assert_eq!(
        std::str::from_utf8(&server.requests()[0].body).unwrap(),
        "To=%2B447700900123&MessagingServiceSid=MG9752274e9e519418a7406176694466fa&Body=Hi"
    );
}

#[tokio::test]
async fn client_errors_are_fatal_with_twilios_message() {
    for (status, code, message) in [
        (
            400,
            21211,
            "The 'To' number +447700900123 is not a valid phone number.",
        ),
        (401, 20003, "Authenticate"),
        (422, 21610, "Attempt to send to unsubscribed recipient"),
    ] {
        let server = Recorder::start(twilio_error(status, code, message)).await;
        let h = harness(Some(&server)).await;
        let report = h.run(reminder(), ALL, false, None).await;
        assert_eq!(
            fatal_message(&report),
            format!(
                "provider_rejected: Twilio refused the message (HTTP {status}): {message} \
                 (Twilio error {code}, https://www.twilio.com/docs/errors/{code})"
            )
        );
    }
}

#[tokio::test]
async fn rate_limits_server_errors_and_timeouts_are_retryable() {
    let server =
        Recorder::start(twilio_error(429, 20429, "Too Many Requests").header("retry-after", "12"))
            .await;
    let h = harness(Some(&server)).await;
    let report = h.run(reminder(), ALL, false, None).await;
    let (message, wait) = retryable(&report);
    assert!(
        message.starts_with(
            "provider_unavailable: Twilio is unavailable (HTTP 429): Too Many Requests"
        ),
        "{message}"
    );
    assert_eq!(wait, Some(12_000));

    let server = Recorder::start(Reply::status(500, "Internal Server Error")).await;
    let h = harness(Some(&server)).await;
    let report = h.run(reminder(), ALL, false, None).await;
    assert_eq!(
        retryable(&report),
        (
            "provider_unavailable: Twilio is unavailable (HTTP 500): Internal Server Error".into(),
            None
        )
    );

    let server = Recorder::start(created("SM1", "queued").after(Duration::from_secs(3))).await;
    let h = harness(Some(&server)).await;
    let mut input = reminder();
    input["timeout_ms"] = json!(200);
    let report = h.run(input, ALL, false, None).await;
    let (message, _) = retryable(&report);
    assert!(message.contains("timed out"), "{message}");
}

#[tokio::test]
async fn missing_secrets_and_grants_stop_before_sending() {
    let server = Recorder::start(created("SM1", "queued")).await;
    let h = harness(None).await;
    h.secrets(&[("twilio_account_sid", "AC1")]).await;
    let report = h.run(reminder(), ALL, false, None).await;
    assert_eq!(
        fatal_message(&report),
        "secret `twilio_auth_token` is not set"
    );

    let h = harness(Some(&server)).await;
    let report = h
        .run(
            reminder(),
            &["http:api.twilio.com", "secret:*", "crm:read"],
            false,
            None,
        )
        .await;
    let message = fatal_message(&report);
    assert!(message.contains("denied"), "{message}");
    assert_eq!(report.denials[0].capability, "http");

    let report = h
        .run(
            reminder(),
            &["http:*", "secret:twilio_account_sid", "crm:read"],
            false,
            None,
        )
        .await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("secret `twilio_auth_token` is not granted"),
        "{message}"
    );
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn consent_is_checked_in_the_crm_before_sending() {
    let server = Recorder::start(created("SM1", "queued")).await;
    let h = harness(Some(&server)).await;
    // A contact the CRM does not know: nothing can be checked, nothing is sent.
    let report = h
        .run(reminder(), ALL, false, Some(json!({ "id": "c_9" })))
        .await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("consent_unchecked: could not check contact c_9's consent to sms"),
        "{message}"
    );
    assert!(message.contains("not-found"), "{message}");
    // Consent to email only: no SMS.
    let email_only = h.contact(true, false, false).await;
    let report = h.run(reminder(), ALL, false, Some(email_only)).await;
    let message = fatal_message(&report);
    assert!(message.starts_with("no_consent"), "{message}");
    assert!(server.requests().is_empty());
    let audit = h.store.audit_list(common::actions::ORG, 10).await.unwrap();
    assert!(
        audit
            .iter()
            .any(|e| e.entry.action == "crm.consent_refused"),
        "{audit:?}"
    );
    // Consent to SMS: sent.
    let consenting = h.contact(false, true, false).await;
    let report = h.run(reminder(), ALL, false, Some(consenting)).await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn test_mode_sends_nothing() {
    let server = Recorder::start(created("SM1", "queued")).await;
    let h = harness(Some(&server)).await;
    let report = h.run(reminder(), ALL, true, None).await;
    assert_eq!(
        report.result.expect("skipped").data,
        json!({ "sid": null, "status": null, "to": "+447700900123", "skipped": true })
    );
    assert!(server.requests().is_empty());
}
