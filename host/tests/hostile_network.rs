//! What plugin HTTP may send and where: the proxy environment is ignored, an
//! operator's proxy keeps the address guard on the final target, every IANA
//! special-purpose block (and the IPv6 forms that embed one) is refused, a
//! guest's `Host` header must match its URL, and a cross-origin redirect
//! carries no credential-bearing header. Uses `webhook.send` (`http:*`).

mod common;

use std::process::Command;
use std::sync::Arc;

use atlas::capabilities::{AiConfig, HostServices, NetworkPolicy, OutboundHttp};
use atlas::runtime::{RunError, RunReport, Runtime, RuntimeConfig};
use common::recorder::{Recorder, Reply};
use common::{component_path, grants, load, request, sqlite_store};
use serde_json::{Value, json};

async fn runtime_with(http: OutboundHttp) -> (Runtime, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    let services = Arc::new(HostServices {
        store,
        http,
        ai: AiConfig::default(),
    });
    (
        Runtime::new(RuntimeConfig::default(), services).unwrap(),
        dir,
    )
}

async fn send(rt: &Runtime, input: Value) -> RunReport {
    let webhook = load(rt, "webhook-send", None).await;
    rt.run(&webhook, request("org-net", input, grants(&["http:*"])))
        .await
}

fn error_message(report: &RunReport) -> String {
    match &report.result {
        Err(RunError::Fatal { message })
        | Err(RunError::InvalidInput { message })
        | Err(RunError::Retryable { message, .. }) => message.clone(),
        other => panic!("expected a failed run, got {other:?}"),
    }
}

#[tokio::test]
async fn ipv6_forms_of_internal_ipv4_addresses_are_refused() {
    let (rt, _dir) = runtime_with(OutboundHttp::new(NetworkPolicy::default()).unwrap()).await;
    for (url, reason) in [
        ("http://[::ffff:127.0.0.1]/", "loopback"),
        ("http://[64:ff9b::a9fe:a9fe]/", "link-local"),
        ("http://[2002:a00:1::1]/", "private-use"),
        (
            "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",
            "private-use",
        ),
        ("http://[fd00:ec2::254]/", "unique-local"),
        ("http://198.18.0.1/", "benchmarking"),
        ("http://192.0.0.170/", "NAT64/DNS64"),
        ("http://[5f00::1]/", "segment routing"),
    ] {
        let report = send(&rt, json!({ "url": url })).await;
        assert_eq!(report.denials.len(), 1, "{url}: {:?}", report.result);
        assert!(
            report.denials[0].reason.contains(reason),
            "{url}: `{}` should name `{reason}`",
            report.denials[0].reason
        );
    }
}

#[tokio::test]
async fn a_host_header_must_name_the_urls_own_host() {
    let server = Recorder::start(Reply::json(json!({ "ok": true }))).await;
    let (rt, _dir) =
        runtime_with(OutboundHttp::new(NetworkPolicy::allowing_loopback()).unwrap()).await;
    let report = send(
        &rt,
        json!({ "url": server.url("/x"), "headers": { "Host": "metadata.google.internal" } }),
    )
    .await;
    assert!(
        error_message(&report).contains("does not match the URL's host"),
        "{:?}",
        report.result
    );
    assert!(server.requests().is_empty(), "nothing was sent");

    let own = format!("127.0.0.1:{}", server.addr.port());
    let report = send(
        &rt,
        json!({ "url": server.url("/x"), "headers": { "Host": own } }),
    )
    .await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_cross_origin_redirect_keeps_only_benign_headers() {
    let target = Recorder::start(Reply::json(json!({ "final": true }))).await;
    let redirector = Recorder::start_on(
        "127.0.0.2",
        Reply::status(307, "").header("location", &target.url("/landing")),
    )
    .await;
    let (rt, _dir) =
        runtime_with(OutboundHttp::new(NetworkPolicy::allowing_loopback()).unwrap()).await;
    let credentials = json!({
        "X-Api-Key": "key-123",
        "X-Vendor-Token": "tok-456",
        "Proxy-Authorization": "Basic cHJveHk=",
        "Authorization": "Bearer abc",
        "Cookie": "session=1",
        "Accept": "application/json",
        "Accept-Language": "en-GB",
    });
    let report = send(
        &rt,
        json!({ "url": redirector.url("/start"), "headers": credentials }),
    )
    .await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    let first = &redirector.requests()[0];
    assert_eq!(first.header("x-api-key").as_deref(), Some("key-123"));
    let landed = &target.requests()[0];
    for name in [
        "x-api-key",
        "x-vendor-token",
        "proxy-authorization",
        "authorization",
        "cookie",
        "idempotency-key",
    ] {
        assert_eq!(landed.header(name), None, "`{name}` crossed origins");
    }
    assert_eq!(landed.header("accept").as_deref(), Some("application/json"));
    assert_eq!(landed.header("accept-language").as_deref(), Some("en-GB"));
}

#[tokio::test]
async fn a_same_origin_redirect_keeps_the_headers() {
    let server = Recorder::scripted(vec![
        Reply::status(307, "").header("location", "/second"),
        Reply::json(json!({ "ok": true })),
    ])
    .await;
    let (rt, _dir) =
        runtime_with(OutboundHttp::new(NetworkPolicy::allowing_loopback()).unwrap()).await;
    let report = send(
        &rt,
        json!({ "url": server.url("/first"), "headers": { "X-Api-Key": "key-123" } }),
    )
    .await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    assert_eq!(
        server.requests()[1].header("x-api-key").as_deref(),
        Some("key-123")
    );
}

#[tokio::test]
async fn proxy_environment_variables_are_ignored() {
    let target = Recorder::start(Reply::json(json!({ "direct": true }))).await;
    let proxy = Recorder::start_on("127.0.0.3", Reply::json(json!({ "proxied": true }))).await;
    let proxy_url = format!("http://{}", proxy.addr);
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas"));
    for var in [
        "HTTP_PROXY",
        "HTTPS_PROXY",
        "ALL_PROXY",
        "http_proxy",
        "https_proxy",
        "all_proxy",
    ] {
        cmd.env(var, &proxy_url);
    }
    cmd.env_remove("NO_PROXY").env_remove("no_proxy");
    cmd.args(["plugin", "run"])
        .arg(component_path("webhook-send"))
        .args([
            "--input",
            &json!({ "url": target.url("/hook") }).to_string(),
        ])
        .args(["--grant", "http:*", "--allow-loopback", "--json"]);
    // The recorders answer on this runtime while the command runs.
    let output = tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap();
    assert!(
        output.status.success(),
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(target.requests().len(), 1, "the request went direct");
    assert!(proxy.requests().is_empty(), "the proxy saw nothing");
}

#[tokio::test]
async fn an_operator_proxy_is_used_and_the_guard_still_checks_the_target() {
    let proxy = Recorder::start(Reply::json(json!({ "proxied": true }))).await;
    let proxy_url: reqwest::Url = format!("http://{}", proxy.addr).parse().unwrap();

    // Default policy: `localhost` resolves to loopback, refused before the proxy.
    let guarded = OutboundHttp::with_proxy(NetworkPolicy::default(), Some(&proxy_url)).unwrap();
    let (rt, _dir) = runtime_with(guarded).await;
    let report = send(&rt, json!({ "url": "http://localhost:9/internal" })).await;
    assert_eq!(report.denials.len(), 1, "{:?}", report.result);
    assert!(
        report.denials[0].reason.contains("resolves to"),
        "{}",
        report.denials[0].reason
    );
    assert!(proxy.requests().is_empty(), "nothing reached the proxy");

    // With loopback allowlisted the same target goes out through the proxy.
    let open =
        OutboundHttp::with_proxy(NetworkPolicy::allowing_loopback(), Some(&proxy_url)).unwrap();
    let (rt, _dir) = runtime_with(open).await;
    let report = send(&rt, json!({ "url": "http://localhost:9/internal" })).await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    let seen = proxy.requests();
    assert_eq!(seen.len(), 1);
    assert!(
        seen[0].path.contains("localhost:9/internal"),
        "the proxy was asked for the target: {}",
        seen[0].path
    );
}
