//! A component built by another toolchain (componentize-py, against the same
//! WIT) loads and runs through the same runtime as the Rust ones, with WASI
//! linked but nothing preopened.

mod common;

use atlas::capabilities::NetworkPolicy;
use atlas::runtime::{LoadOptions, RunError};
use atlas::toolchain::{BuildOptions, build};
use common::{grants, repo_root, request, runtime};
use serde_json::json;

#[tokio::test]
async fn the_python_example_loads_and_runs_through_the_runtime() {
    let out_dir = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("python-example");
    let options = BuildOptions {
        out_dir,
        target_dir: None,
    };
    let source = repo_root().join("sdk/examples/python-hello");
    let built = tokio::task::spawn_blocking(move || build(&source, &options))
        .await
        .unwrap()
        .expect("componentize-py builds the example (pip install componentize-py)");
    let bytes = std::fs::read(&built[0].path).unwrap();

    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let plugin = rt
        .load(&bytes, LoadOptions::default())
        .await
        .expect("loads");
    assert_eq!(plugin.manifest.id, "example.python.greet");
    assert!(plugin.uses_wasi, "componentize-py components import WASI");
    assert_eq!(plugin.wit_version, "0.1.0");

    let report = rt
        .run(
            &plugin,
            request("org-a", json!({ "name": "Ada" }), grants(&[])),
        )
        .await;
    let output = report.result.expect("greets");
    assert_eq!(output.outcome, "greeted");
    assert_eq!(output.data["greeting"], "Hello, Ada!");
    assert!(
        report.logs.iter().any(|l| l.message.contains("Ada")),
        "{:?}",
        report.logs
    );
    assert!(report.fuel_consumed > 0);

    // A fresh instance per run: a second run works the same way.
    let report = rt
        .run(
            &plugin,
            request("org-b", json!({ "name": "Grace" }), grants(&[])),
        )
        .await;
    assert_eq!(report.result.unwrap().data["greeting"], "Hello, Grace!");

    let report = rt
        .run(
            &plugin,
            request("org-a", json!({ "name": 42 }), grants(&[])),
        )
        .await;
    assert!(
        matches!(report.result, Err(RunError::InvalidInput { .. })),
        "{:?}",
        report.result
    );
}
