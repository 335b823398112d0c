//! The OpenAPI document and the reference page, and schemathesis run against
//! the served document: no 5xx and no response that breaks the schema.

mod common;

use std::process::Command;

use common::api::{TestApi, noop_workflow};
use common::engine::Db;
use reqwest::StatusCode;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_document_describes_every_endpoint_and_the_page_renders_it() {
    let api = TestApi::start(Db::Sqlite).await;
    let doc: serde_json::Value = api
        .client
        .get(format!("{}/api/v2/openapi.json", api.base))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3.1"));
    let paths = doc["paths"].as_object().unwrap();
    for (path, method) in [
        ("/api/v2/workflows", "get"),
        ("/api/v2/workflows", "post"),
        ("/api/v2/workflows/{id}", "put"),
        ("/api/v2/workflows/{id}", "delete"),
        ("/api/v2/workflows/validate", "post"),
        ("/api/v2/workflows/import", "post"),
        ("/api/v2/workflows/{id}/versions/{version}/restore", "post"),
        ("/api/v2/workflows/{id}/execute", "post"),
        ("/api/v2/workflows/{id}/test-run", "post"),
        ("/api/v2/executions", "get"),
        ("/api/v2/executions/{id}/retry", "post"),
        ("/api/v2/executions/{id}/stream", "get"),
        ("/api/v2/workflows/{id}/stream", "get"),
        ("/api/v2/events", "post"),
        ("/api/v2/hooks/{token}", "post"),
        (
            "/api/v2/hooks/twilio/status/{org}/{execution}/{node}",
            "post",
        ),
        ("/api/v2/hooks/sendgrid/events/{org}", "post"),
        ("/api/v2/api-keys", "post"),
        ("/api/v2/audit", "get"),
        ("/api/v2/catalog", "get"),
        ("/api/v2/health", "get"),
    ] {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is not documented"
        );
    }
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    assert!(doc["components"]["schemas"]["Problem"].is_object());
    assert!(doc["components"]["schemas"]["StepDelivery"].is_object());

    let page = api
        .client
        .get(format!("{}/api/v2/docs", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(page.status(), StatusCode::OK);
    let html = page.text().await.unwrap();
    assert!(html.contains("<code>/api/v2/workflows/{id}/execute</code>"));
    assert!(html.contains("Roles: owner, admin, staff, reseller-admin."));
    assert!(html.contains("id=\"schema-WorkflowView\""));
    api.stop().await;
}

/// schemathesis (from PyPI; `.ci/run` installs it) generates requests from the
/// served document, authenticated as an owner of a populated org. Bounded run.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_errors_or_schema_violations() {
    let which = Command::new("schemathesis").arg("--version").output();
    let Ok(version) = which else {
        panic!(
            "schemathesis is not installed: `make test` installs it into .venv (scripts/prereqs)"
        );
    };
    assert!(version.status.success());
    let api = TestApi::start(Db::Sqlite).await;
    api.active_workflow(&noop_workflow("Fuzzed")).await;
    let token = api.owner();
    let base = api.base.clone();
    let workdir = tempfile::tempdir().unwrap();
    let cwd = workdir.path().to_path_buf();
    let output = tokio::task::spawn_blocking(move || {
        Command::new("schemathesis")
            .current_dir(cwd)
            .args([
                "run",
                &format!("{base}/api/v2/openapi.json"),
                "--url",
                &base,
                "--header",
                &format!("Authorization: Bearer {token}"),
                "--checks",
                "not_a_server_error,response_schema_conformance",
                "--max-examples",
                "15",
                "--phases",
                "examples,fuzzing",
                "--seed",
                "7",
                "--request-timeout",
                "10",
            ])
            .env("NO_COLOR", "1")
            .output()
            .expect("running schemathesis")
    })
    .await
    .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "schemathesis found problems:\n{stdout}\n{stderr}"
    );
    assert!(
        stdout.contains("passed") || stdout.contains("PASSED"),
        "{stdout}"
    );
    assert!(!stdout.contains("Unresolvable"), "{stdout}");
    assert!(stdout.contains("Tested: "), "{stdout}");
    // The server is still healthy afterwards.
    let health = api
        .client
        .get(format!("{}/api/v2/health", api.base))
        .send()
        .await
        .unwrap();
    assert_eq!(health.status(), StatusCode::OK);
    api.stop().await;
}
