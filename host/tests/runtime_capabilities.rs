//! Deny by default: calls a plugin did not request, or was not granted, are
//! refused, recorded and audited; the run gets an error value, the host does
//! not panic. Granted calls work and are scoped to the org and the plugin.

mod common;

use atlas::capabilities::NetworkPolicy;
use common::{grants, load, request, runtime};
use serde_json::{Value, json};

/// Runs the prober with `calls` and returns its per-call results.
async fn probe(
    rt: &atlas::runtime::Runtime,
    plugin: &atlas::runtime::Plugin,
    org: &str,
    granted: &[&str],
    calls: Value,
) -> (Vec<Value>, atlas::runtime::RunReport) {
    let report = rt.run(plugin, request(org, calls, grants(granted))).await;
    let output = report.result.clone().expect("the prober always succeeds");
    let results = output.data["results"].as_array().expect("results").clone();
    (results, report)
}

fn error_kind(result: &Value) -> &str {
    result["error"]["kind"].as_str().unwrap_or("<ok>")
}

#[tokio::test]
async fn http_to_a_host_not_requested_or_not_granted_is_denied_and_audited() {
    let (rt, store, _dir) = runtime(NetworkPolicy::default()).await;
    let prober = load(&rt, "test-prober", None).await;
    let (results, report) = probe(
        &rt,
        &prober,
        "org-a",
        &["http:allowed.test"],
        json!([{ "http": "http://elsewhere.test/x" }]),
    )
    .await;
    assert_eq!(error_kind(&results[0]), "denied");
    assert!(
        results[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("does not request")
    );

    let (results, _) = probe(
        &rt,
        &prober,
        "org-a",
        &[],
        json!([{ "http": "http://allowed.test/x" }]),
    )
    .await;
    assert_eq!(error_kind(&results[0]), "denied");
    assert!(
        results[0]["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not granted")
    );

    assert_eq!(report.denials.len(), 1);
    assert_eq!(report.denials[0].capability, "http");
    let audit = store.audit_list("org-a", 10).await.unwrap();
    assert_eq!(audit.len(), 2);
    assert!(audit.iter().all(|r| r.entry.action == "capability.denied"));
    assert!(
        audit
            .iter()
            .all(|r| r.entry.actor == "plugin:atlas.test.prober")
    );
}

#[tokio::test]
async fn secrets_are_readable_only_when_requested_granted_and_entered() {
    let (rt, store, _dir) = runtime(NetworkPolicy::default()).await;
    let prober = load(&rt, "test-prober", None).await;

    // Requested and granted, but nobody entered it yet.
    let (results, _) = probe(
        &rt,
        &prober,
        "org-a",
        &["secret:granted_secret"],
        json!([{ "secret": "granted_secret" }]),
    )
    .await;
    assert_eq!(error_kind(&results[0]), "not-found");

    store
        .secret_put("org-a", "atlas.test.prober", "granted_secret", "s3cret")
        .await
        .unwrap();
    store
        .secret_put("org-a", "atlas.test.prober", "other_secret", "nope")
        .await
        .unwrap();
    let (results, report) = probe(
        &rt,
        &prober,
        "org-a",
        &["secret:granted_secret"],
        json!([{ "secret": "granted_secret" }, { "secret": "other_secret" }]),
    )
    .await;
    assert_eq!(results[0]["ok"], "s3cret");
    assert_eq!(error_kind(&results[1]), "denied");
    assert_eq!(report.denials[0].target, "other_secret");

    // Requested but not granted.
    let (results, _) = probe(
        &rt,
        &prober,
        "org-a",
        &[],
        json!([{ "secret": "granted_secret" }]),
    )
    .await;
    assert_eq!(error_kind(&results[0]), "denied");

    // Another org's install has its own secrets.
    let (results, _) = probe(
        &rt,
        &prober,
        "org-b",
        &["secret:granted_secret"],
        json!([{ "secret": "granted_secret" }]),
    )
    .await;
    assert_eq!(error_kind(&results[0]), "not-found");
}

#[tokio::test]
async fn kv_is_scoped_to_the_org_and_the_plugin() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let prober = load(&rt, "test-prober", None).await;
    let twin = load(&rt, "test-prober-twin", None).await;

    let (results, _) = probe(
        &rt,
        &prober,
        "org-a",
        &["kv"],
        json!([{ "kv_set": ["visits", "3"] }, { "kv_get": "visits" }]),
    )
    .await;
    assert!(results[0].get("ok").is_some(), "{results:?}");
    assert_eq!(results[1]["ok"], "3");

    // Same key, another plugin: nothing there.
    let (results, _) = probe(
        &rt,
        &twin,
        "org-a",
        &["kv"],
        json!([{ "kv_get": "visits" }]),
    )
    .await;
    assert_eq!(results[0]["ok"], Value::Null);

    // Same plugin, another org: nothing there.
    let (results, _) = probe(
        &rt,
        &prober,
        "org-b",
        &["kv"],
        json!([{ "kv_get": "visits" }]),
    )
    .await;
    assert_eq!(results[0]["ok"], Value::Null);

    // Not granted: denied.
    let (results, report) =
        probe(&rt, &prober, "org-a", &[], json!([{ "kv_get": "visits" }])).await;
    assert_eq!(error_kind(&results[0]), "denied");
    assert_eq!(report.denials[0].capability, "kv");
}

#[tokio::test]
async fn crm_and_ai_are_denied_unless_requested() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let prober = load(&rt, "test-prober", None).await;
    let (results, report) = probe(
        &rt,
        &prober,
        "org-a",
        &["crm:write", "ai"],
        json!([{ "crm_get_contact": "c_1" }, { "ai_complete": "hello" }]),
    )
    .await;
    assert_eq!(error_kind(&results[0]), "denied");
    assert_eq!(error_kind(&results[1]), "denied");
    let capabilities: Vec<&str> = report
        .denials
        .iter()
        .map(|d| d.capability.as_str())
        .collect();
    assert_eq!(capabilities, ["crm", "ai"]);
}
