//! `whatsapp.send` through the real runtime against a loopback server
//! speaking Twilio's Messages API: `whatsapp:` addresses, approved templates
//! (`ContentSid` + `ContentVariables`), Twilio's errors, missing secrets and
//! grants, the consent check and test mode.

mod common;

use std::time::Duration;

use common::actions::{ActionHarness, fatal_message, retryable};
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

const ALL: &[&str] = &["http:*", "secret:*", "crm:read"];

async fn harness(server: &Recorder) -> ActionHarness {
    let h = ActionHarness::new("whatsapp-send", "atlas.whatsapp.send").await;
    h.secrets(&[
        ("twilio_account_sid", "AC77"),
        ("twilio_auth_token", "wa-token"),
        ("twilio_base_url", &server.url("")),
    ])
    .await;
    h
}

fn queued() -> Reply {
    Reply {
        status: 201,
        ..Reply::json(json!({
            "sid": "SMa1b2c3",
            "status": "queued",
            "to": "whatsapp:+447700900123",
            "from": "whatsapp:+15005550006",
            "error_code": null
        }))
    }
}

fn template() -> Value {
    json!({
        "to": "+447700900123",
        "from": "whatsapp:+15005550006",
        "content_sid": "HXb5b62575e6e4ff6129ad7c8efe1f983e",
        "content_variables": { "1": "Ada", "2": "Saturday 9am" }
    })
}

#[tokio::test]
async fn sends_an_approved_template_to_whatsapp_addresses() {
    let server = Recorder::start(queued()).await;
    let h = harness(&server).await;
    let report = h.run(template(), ALL, false, None).await;
    assert_eq!(
        report.result.expect("sent").data,
        json!({ "sid": "SMa1b2c3", "status": "queued", "to": "whatsapp:+447700900123", "skipped": false })
    );

    let r = &server.requests()[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/2010-04-01/Accounts/AC77/Messages.json");
    // base64("AC77:wa-token")
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Basic QUM3Nzp3YS10b2tlbg==")
    );
    assert_eq!(
        r.header("content-type").as_deref(),
        Some("application/x-www-form-urlencoded")
    );
    let form: Vec<(String, String)> = url::form_urlencoded::parse(&r.body).into_owned().collect();
    assert_eq!(
        form,
        [
            ("To".to_owned(), "whatsapp:+447700900123".to_owned()),
            ("From".to_owned(), "whatsapp:+15005550006".to_owned()),
            (
                "ContentSid".to_owned(),
                "HXb5b62575e6e4ff6129ad7c8efe1f983e".to_owned()
            ),
            (
                "ContentVariables".to_owned(),
                r#"{"1":"Ada","2":"Saturday 9am"}"#.to_owned()
            ),
        ]
    );
}

#[tokio::test]
async fn sends_free_text_inside_the_session_window() {
    let server = Recorder::start(queued()).await;
    let h = harness(&server).await;
    let input = json!({ "to": "whatsapp:+447700900123", "from": "+15005550006", "body": "Your class starts in 1 hour" });
    h.run(input, ALL, false, None).await.result.expect("sent");
    assert_eq!(
        std::str::from_utf8(&server.requests()[0].body).unwrap(),
        "To=whatsapp%3A%2B447700900123&From=whatsapp%3A%2B15005550006\
         &Body=Your+class+starts+in+1+hour"
    );
}

#[tokio::test]
async fn twilio_errors_map_to_fatal_or_retryable() {
    let outside_window = Reply::status(
        400,
        r#"{"code":63016,"message":"Failed to send freeform message because you are outside the allowed window. Please use a Template.","more_info":"https://www.twilio.com/docs/errors/63016","status":400}"#,
    );
    let server = Recorder::start(outside_window).await;
    let h = harness(&server).await;
    let report = h.run(template(), ALL, false, None).await;
    assert_eq!(
        fatal_message(&report),
        "provider_rejected: Twilio refused the message (HTTP 400): Failed to send freeform \
         message because you are outside the allowed window. Please use a Template. \
         (Twilio error 63016, https://www.twilio.com/docs/errors/63016)"
    );

    let server = Recorder::scripted(vec![
        Reply::status(429, r#"{"code":20429,"message":"Too Many Requests"}"#)
            .header("retry-after", "5"),
        Reply::status(502, "Bad Gateway"),
        queued().after(Duration::from_secs(3)),
    ])
    .await;
    let h = harness(&server).await;
    let report = h.run(template(), ALL, false, None).await;
    assert_eq!(
        retryable(&report),
        (
            "provider_unavailable: Twilio is unavailable (HTTP 429): Too Many Requests (Twilio error 20429)"
                .into(),
            Some(5_000)
        )
    );
    let report = h.run(template(), ALL, false, None).await;
    assert_eq!(retryable(&report).1, None);
    let mut slow = template();
    slow["timeout_ms"] = json!(200);
    let (message, _) = retryable(&h.run(slow, ALL, false, None).await);
    assert!(message.contains("timed out"), "{message}");
}

#[tokio::test]
async fn missing_secrets_grants_and_consent_stop_before_sending() {
    let server = Recorder::start(queued()).await;
    let h = ActionHarness::new("whatsapp-send", "atlas.whatsapp.send").await;
    let report = h.run(template(), ALL, false, None).await;
    assert_eq!(
        fatal_message(&report),
        "secret `twilio_account_sid` is not set"
    );

    let h = harness(&server).await;
    let report = h
        .run(template(), &["secret:*", "crm:read"], false, None)
        .await;
    assert!(fatal_message(&report).contains("denied"));

    let report = h
        .run(template(), ALL, false, Some(json!({ "id": "c_3" })))
        .await;
    let message = fatal_message(&report);
    assert!(
        message.starts_with("consent_unchecked: could not check contact c_3's consent to whatsapp"),
        "{message}"
    );
    let no_whatsapp = h.contact(true, true, false).await;
    let report = h.run(template(), ALL, false, Some(no_whatsapp)).await;
    assert!(fatal_message(&report).starts_with("no_consent"));
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn test_mode_sends_nothing() {
    let server = Recorder::start(queued()).await;
    let h = harness(&server).await;
    let report = h.run(template(), ALL, true, None).await;
    let output = report.result.expect("skipped");
    assert_eq!(output.data["skipped"], true);
    assert_eq!(output.data["sid"], Value::Null);
    assert!(server.requests().is_empty());
}
