//! The SSRF guard: plugin HTTP to loopback, private, link-local and metadata
//! addresses is refused after DNS resolution and on every redirect, unless the
//! operator allowlists the range. Uses `webhook.send`, which requests `http:*`.

mod common;

use atlas::capabilities::NetworkPolicy;
use atlas::runtime::{RunError, RunReport};
use common::recorder::{Recorder, Reply};
use common::{grants, load, request, runtime};
use serde_json::json;

async fn send(policy: NetworkPolicy, url: &str) -> RunReport {
    let (rt, _store, _dir) = runtime(policy).await;
    let webhook = load(&rt, "webhook-send", None).await;
    rt.run(
        &webhook,
        request(
            "org-a",
            json!({ "url": url, "body": { "hello": "world" } }),
            grants(&["http:*"]),
        ),
    )
    .await
}

fn assert_refused(report: &RunReport, reason: &str) {
    assert_eq!(report.denials.len(), 1, "{:?}", report.denials);
    assert!(
        report.denials[0].reason.contains(reason),
        "reason `{}` should mention `{reason}`",
        report.denials[0].reason
    );
    match &report.result {
        Err(RunError::Fatal { message }) => assert!(message.contains("denied"), "{message}"),
        other => panic!("expected a fatal denial, got {other:?}"),
    }
}

#[tokio::test]
async fn loopback_private_link_local_and_metadata_addresses_are_refused() {
    let server = Recorder::start(Reply::json(json!({ "ok": true }))).await;
    let port = server.addr.port();
    for (url, reason) in [
        (format!("http://127.0.0.1:{port}/hook"), "loopback"),
        ("http://10.0.0.1/hook".to_string(), "private"),
        (
            "http://169.254.169.254/latest/meta-data/".to_string(),
            "link-local (cloud metadata)",
        ),
        (format!("http://[::1]:{port}/hook"), "loopback"),
        ("http://100.64.0.1/".to_string(), "carrier-grade NAT"),
    ] {
        let report = send(NetworkPolicy::default(), &url).await;
        assert_refused(&report, reason);
    }
    assert!(server.requests().is_empty(), "nothing reached the server");
}

#[tokio::test]
async fn a_dns_name_resolving_to_loopback_is_refused() {
    let server = Recorder::start(Reply::json(json!({ "ok": true }))).await;
    let url = format!("http://localhost:{}/hook", server.addr.port());
    let report = send(NetworkPolicy::default(), &url).await;
    assert_refused(&report, "resolves to");
    assert!(server.requests().is_empty());
}

#[tokio::test]
async fn a_redirect_to_a_refused_address_is_refused() {
    let target = Recorder::start(Reply::json(json!({ "reached": true }))).await;
    let port = target.addr.port();
    for location in [
        format!("http://127.0.0.1:{port}/internal"),
        format!("http://localhost:{port}/internal"),
        "http://169.254.169.254/latest/meta-data/".to_string(),
        "http://10.0.0.1/".to_string(),
    ] {
        // The redirecting server sits on 127.0.0.2, which the operator allowlisted.
        let redirector = Recorder::start_on(
            "127.0.0.2",
            Reply::status(302, "").header("location", &location),
        )
        .await;
        let policy = NetworkPolicy {
            allow: vec!["127.0.0.2/32".parse().unwrap()],
        };
        let report = send(policy, &redirector.url("/start")).await;
        assert_eq!(redirector.requests().len(), 1, "the first hop is allowed");
        assert_eq!(
            report.denials.len(),
            1,
            "redirect to {location}: {:?}",
            report.result
        );
        assert!(report.http_requests >= 1);
    }
    assert!(
        target.requests().is_empty(),
        "no redirect reached the internal server"
    );
}

#[tokio::test]
async fn an_operator_allowlist_opens_loopback() {
    let server = Recorder::start(Reply::json(json!({ "ok": true }))).await;
    let report = send(NetworkPolicy::allowing_loopback(), &server.url("/hook")).await;
    let output = report.result.expect("allowed");
    assert_eq!(output.outcome, "success");
    assert_eq!(output.data["status"], 200);
    assert_eq!(server.requests().len(), 1);
    assert!(report.denials.is_empty());
}

#[tokio::test]
async fn redirects_within_the_allowlist_are_followed() {
    let target = Recorder::start(Reply::json(json!({ "final": true }))).await;
    let redirector =
        Recorder::start(Reply::status(307, "").header("location", &target.url("/next"))).await;
    let report = send(
        NetworkPolicy::allowing_loopback(),
        &redirector.url("/first"),
    )
    .await;
    let output = report.result.expect("followed");
    assert_eq!(output.data["json"]["final"], true);
    assert_eq!(report.http_requests, 2);
    assert_eq!(target.requests()[0].method, "POST", "307 keeps the method");
}
