//! A test run has no effects, whatever the action does with `test_mode`: the
//! host answers HTTP with a dry run the step log shows, keeps kv changes in the
//! run, and changes no CRM data. `test-prober` ignores `test_mode` entirely.

mod common;

use atlas::capabilities::NetworkPolicy;
use common::recorder::{Recorder, Reply};
use common::{grants, load, request, runtime};
use serde_json::json;

#[tokio::test]
async fn a_test_run_sends_no_http_and_keeps_no_kv_change() {
    let server = Recorder::start(Reply::json(json!({ "reached": true }))).await;
    let (rt, store, _dir) = runtime(NetworkPolicy::allowing_loopback()).await;
    let prober = load(&rt, "test-prober", None).await;
    store
        .kv_set("org-t", "atlas.test.prober", "kept", b"before")
        .await
        .unwrap();
    let calls = json!([
        { "kv_set": ["fresh", "written in the test run"] },
        { "kv_get": "fresh" },
        { "kv_set": ["kept", "changed in the test run"] },
        { "kv_get": "kept" },
        { "http": "http://allowed.test/sync" },
    ]);
    let mut run = request("org-t", calls, grants(&["kv", "http:allowed.test"]));
    run.context.test_mode = true;
    let report = rt.run(&prober, run).await;
    let output = report.result.expect("the prober reports every call");
    let results = &output.data["results"];
    assert_eq!(
        results[1]["ok"], "written in the test run",
        "read back in the run"
    );
    assert_eq!(results[3]["ok"], "changed in the test run");
    assert_eq!(results[4]["ok"]["status"], 200);
    assert_eq!(results[4]["ok"]["body"], r#"{"dry_run":true}"#);
    assert!(
        report.logs.iter().any(|l| l
            .message
            .contains("test run: GET http://allowed.test/sync not sent")),
        "{:?}",
        report.logs
    );
    assert_eq!(
        store
            .kv_get("org-t", "atlas.test.prober", "fresh")
            .await
            .unwrap(),
        None,
        "nothing was written"
    );
    assert_eq!(
        store
            .kv_get("org-t", "atlas.test.prober", "kept")
            .await
            .unwrap()
            .as_deref(),
        Some(&b"before"[..])
    );
    assert!(server.requests().is_empty());
    assert_eq!(report.http_requests, 1, "the dry run counts as a request");
}

#[tokio::test]
async fn a_test_run_of_a_webhook_that_ignored_test_mode_would_still_send_nothing() {
    // A real loopback server, reachable in a normal run, gets nothing.
    let server = Recorder::start(Reply::json(json!({ "reached": true }))).await;
    let (rt, _store, _dir) = runtime(NetworkPolicy::allowing_loopback()).await;
    let webhook = load(&rt, "webhook-send", None).await;
    let mut run = request(
        "org-t",
        json!({ "url": server.url("/hook"), "body": { "a": 1 } }),
        grants(&["http:*"]),
    );
    run.context.test_mode = true;
    let report = rt.run(&webhook, run).await;
    assert!(report.result.is_ok(), "{:?}", report.result);
    assert!(server.requests().is_empty(), "no request left the host");

    // A refused target is still refused in a test run: checks run first.
    let prober = load(&rt, "test-prober", None).await;
    let mut run = request(
        "org-t",
        json!([{ "http": "http://allowed.test/x" }]),
        grants(&[]),
    );
    run.context.test_mode = true;
    let report = rt.run(&prober, run).await;
    assert_eq!(report.denials.len(), 1);
}
