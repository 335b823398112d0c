//! `webhook.send` through the real runtime against a loopback server: the exact
//! request it makes (method, headers, auth, signature, body) and how provider
//! answers map to outcomes and typed errors.

mod common;

use std::time::Duration;

use atlas::capabilities::NetworkPolicy;
use atlas::runtime::{ActionContext, RunError, RunReport, RunRequest, Runtime};
use atlas::store::Store;
use common::recorder::{Recorder, Reply};
use common::{grants, load, runtime};
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;

const PLUGIN: &str = "atlas.webhook.send";
const NOW_MS: u64 = 1_764_000_000_123;

struct Harness {
    rt: Runtime,
    store: Store,
    _dir: tempfile::TempDir,
}

impl Harness {
    async fn new() -> Self {
        let (rt, store, dir) = runtime(NetworkPolicy::allowing_loopback()).await;
        Self {
            rt,
            store,
            _dir: dir,
        }
    }

    async fn send(&self, input: Value, test_mode: bool) -> RunReport {
        let webhook = load(&self.rt, "webhook-send", None).await;
        let request = RunRequest {
            context: ActionContext {
                org_id: "org-a".into(),
                idempotency_key: "exec-1:step-2".into(),
                now_unix_ms: NOW_MS,
                test_mode,
                ..ActionContext::default()
            },
            input,
            grants: grants(&["http:*", "secret:*"]),
        };
        self.rt.run(&webhook, request).await
    }
}

#[tokio::test]
async fn posts_json_with_a_bearer_token_and_the_idempotency_key() {
    let h = Harness::new().await;
    h.store
        .secret_put("org-a", PLUGIN, "crm_token", "tok-123")
        .await
        .unwrap();
    let server =
        Recorder::start(Reply::json(json!({ "id": "evt_9" })).header("x-request-id", "r1")).await;
    let report = h
        .send(
            json!({
                "url": server.url("/hooks/lead?src=atlas"),
                "headers": { "X-Source": "atlas" },
                "body": { "contact": { "first_name": "Ada" } },
                "auth": { "type": "bearer", "token_secret": "crm_token" }
            }),
            false,
        )
        .await;
    let output = report.result.expect("sent");
    assert_eq!(output.outcome, "success");
    assert_eq!(output.data["status"], 200);
    assert_eq!(output.data["json"]["id"], "evt_9");
    assert_eq!(output.data["headers"]["x-request-id"], "r1");
    assert_eq!(output.data["skipped"], false);

    let seen = server.requests();
    assert_eq!(seen.len(), 1);
    let r = &seen[0];
    assert_eq!(r.method, "POST");
    assert_eq!(r.path, "/hooks/lead?src=atlas");
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer tok-123"));
    assert_eq!(
        r.header("idempotency-key").as_deref(),
        Some("exec-1:step-2")
    );
    assert_eq!(r.header("x-source").as_deref(), Some("atlas"));
    assert!(
        r.header("content-type")
            .unwrap()
            .starts_with("application/json")
    );
    assert_eq!(r.json(), json!({ "contact": { "first_name": "Ada" } }));
}

#[tokio::test]
async fn basic_auth_uses_the_password_secret() {
    let h = Harness::new().await;
    h.store
        .secret_put("org-a", PLUGIN, "pw", "hunter2")
        .await
        .unwrap();
    let server = Recorder::start(Reply::status(204, "")).await;
    let report = h
        .send(
            json!({ "method": "PUT", "url": server.url("/x"), "auth": { "type": "basic", "username": "gym", "password_secret": "pw" } }),
            false,
        )
        .await;
    assert_eq!(report.result.expect("sent").data["status"], 204);
    let r = &server.requests()[0];
    assert_eq!(r.method, "PUT");
    // base64("gym:hunter2")
    assert_eq!(
        r.header("authorization").as_deref(),
        Some("Basic Z3ltOmh1bnRlcjI=")
    );
}

#[tokio::test]
async fn hmac_signs_timestamp_and_body() {
    let h = Harness::new().await;
    h.store
        .secret_put("org-a", PLUGIN, "signing", "whsec_abc")
        .await
        .unwrap();
    let server = Recorder::start(Reply::json(json!({}))).await;
    let report = h
        .send(
            json!({ "url": server.url("/signed"), "body": { "n": 1 }, "auth": { "type": "hmac", "signing_secret": "signing" } }),
            false,
        )
        .await;
    report.result.expect("sent");
    let r = &server.requests()[0];
    let timestamp = r.header("x-atlas-timestamp").expect("timestamp header");
    assert_eq!(timestamp, (NOW_MS / 1000).to_string());
    let mut mac = Hmac::<Sha256>::new_from_slice(b"whsec_abc").unwrap();
    mac.update(format!("{timestamp}.").as_bytes());
    mac.update(&r.body);
    let expected = format!("sha256={}", hex::encode(mac.finalize().into_bytes()));
    assert_eq!(r.header("x-atlas-signature"), Some(expected));
}

#[tokio::test]
async fn a_client_error_is_fatal_with_the_provider_message() {
    let h = Harness::new().await;
    let server = Recorder::start(Reply::status(422, "{\"error\":\"email is invalid\"}")).await;
    let report = h
        .send(json!({ "url": server.url("/x"), "body": {} }), false)
        .await;
    match report.result {
        Err(RunError::Fatal { message }) => {
            assert!(message.contains("HTTP 422"), "{message}");
            assert!(message.contains("email is invalid"), "{message}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn rate_limits_and_server_errors_are_retryable_with_retry_after() {
    let h = Harness::new().await;
    let server = Recorder::start(Reply::status(429, "slow down").header("retry-after", "7")).await;
    let report = h.send(json!({ "url": server.url("/x") }), false).await;
    assert!(report.result.as_ref().unwrap_err().is_retryable());
    match report.result {
        Err(RunError::Retryable {
            retry_after_ms,
            message,
        }) => {
            assert_eq!(retry_after_ms, Some(7_000));
            assert!(message.contains("HTTP 429"));
        }
        other => panic!("{other:?}"),
    }

    let server = Recorder::start(Reply::status(503, "maintenance")).await;
    let report = h.send(json!({ "url": server.url("/x") }), false).await;
    assert!(
        matches!(
            report.result,
            Err(RunError::Retryable {
                retry_after_ms: None,
                ..
            })
        ),
        "{:?}",
        report.result
    );
}

#[tokio::test]
async fn a_slow_provider_times_out_as_retryable() {
    let h = Harness::new().await;
    let server = Recorder::start(Reply::json(json!({})).after(Duration::from_secs(3))).await;
    let report = h
        .send(
            json!({ "url": server.url("/slow"), "timeout_ms": 200 }),
            false,
        )
        .await;
    match report.result {
        Err(RunError::Retryable { message, .. }) => {
            assert!(message.contains("timed out"), "{message}")
        }
        other => panic!("{other:?}"),
    }
    assert!(report.wall_time < Duration::from_secs(2));
}

#[tokio::test]
async fn test_mode_sends_nothing() {
    let h = Harness::new().await;
    let server = Recorder::start(Reply::json(json!({}))).await;
    let report = h
        .send(json!({ "url": server.url("/x"), "body": { "a": 1 } }), true)
        .await;
    let output = report.result.expect("skipped");
    assert_eq!(output.data["skipped"], true);
    assert_eq!(output.data["status"], 0);
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_missing_secret_is_a_clear_error() {
    let h = Harness::new().await;
    let server = Recorder::start(Reply::json(json!({}))).await;
    let report = h
        .send(json!({ "url": server.url("/x"), "auth": { "type": "bearer", "token_secret": "never_entered" } }), false)
        .await;
    let err = report.result.unwrap_err();
    assert!(err.to_string().contains("never_entered"), "{err}");
    assert!(!err.is_retryable());
    assert!(server.requests().is_empty());
}
