//! Hostile components: each is stopped, reported with a clear typed error, and
//! leaves the host healthy. Components are built from source by
//! `make test-guests` or written here in the component text format.

mod common;

use std::time::{Duration, Instant};

use atlas::capabilities::NetworkPolicy;
use atlas::runtime::{LoadError, LoadOptions, RunError, RunLimits};
use common::{grants, load, request, runtime};
use serde_json::json;

fn limits(f: impl FnOnce(&mut RunLimits)) -> Option<RunLimits> {
    let mut l = RunLimits::default();
    f(&mut l);
    Some(l)
}

#[tokio::test]
async fn an_infinite_loop_is_stopped_by_the_deadline_and_reported_as_a_timeout() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let budget = Duration::from_millis(300);
    let spin = load(
        &rt,
        "test-spin",
        limits(|l| {
            l.timeout = budget;
            l.fuel = u64::MAX / 2;
        }),
    )
    .await;
    let started = Instant::now();
    let report = rt
        .run(&spin, request("org-a", json!({}), grants(&[])))
        .await;
    let elapsed = started.elapsed();
    assert_eq!(report.result, Err(RunError::Timeout { budget_ms: 300 }));
    assert!(
        elapsed < budget * 2,
        "stopped after {elapsed:?}, budget {budget:?}"
    );
    assert!(report.fuel_consumed > 0);
}

#[tokio::test]
async fn an_infinite_loop_is_stopped_by_fuel_when_fuel_runs_out_first() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let spin = load(&rt, "test-spin", limits(|l| l.fuel = 5_000_000)).await;
    let report = rt
        .run(&spin, request("org-a", json!({}), grants(&[])))
        .await;
    assert_eq!(
        report.result,
        Err(RunError::FuelExhausted { fuel: 5_000_000 })
    );
    assert_eq!(report.fuel_consumed, 5_000_000);
}

#[tokio::test]
async fn unbounded_memory_growth_stops_at_the_cap_and_the_host_stays_healthy() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let cap = 32 << 20;
    let hog = load(&rt, "test-hog", limits(|l| l.memory_bytes = cap)).await;
    for _ in 0..3 {
        let report = rt.run(&hog, request("org-a", json!({}), grants(&[]))).await;
        assert_eq!(
            report.result,
            Err(RunError::MemoryLimit {
                limit_bytes: cap as u64
            })
        );
        assert!(report.peak_memory_bytes <= cap as u64);
        assert!(
            report.peak_memory_bytes > (cap / 2) as u64,
            "peak {}",
            report.peak_memory_bytes
        );
    }
    // The same runtime keeps serving well-behaved plugins.
    let noop = load(&rt, "test-noop", None).await;
    let report = rt
        .run(&noop, request("org-a", json!({}), grants(&[])))
        .await;
    assert_eq!(report.outcome(), Some("done"));
}

#[tokio::test]
async fn bad_outputs_are_each_a_clear_error() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let bad = load(&rt, "test-bad-output", None).await;
    let run = |mode: &str| rt.run(&bad, request("org-a", json!({ "mode": mode }), grants(&[])));

    match run("huge").await.result {
        Err(RunError::OutputTooLarge { size, limit }) => {
            assert!(size > limit);
            assert_eq!(limit, RunLimits::default().output_bytes as u64);
        }
        other => panic!("huge output: {other:?}"),
    }
    match run("invalid-json").await.result {
        Err(RunError::InvalidOutput { message }) => {
            assert!(message.contains("not JSON"), "{message}")
        }
        other => panic!("invalid JSON: {other:?}"),
    }
    match run("schema-mismatch").await.result {
        Err(RunError::InvalidOutput { message }) => {
            assert!(
                message.contains("does not match the output schema"),
                "{message}"
            )
        }
        other => panic!("schema mismatch: {other:?}"),
    }
    match run("unknown-outcome").await.result {
        Err(RunError::InvalidOutput { message }) => {
            assert!(
                message.contains("is not declared in the manifest"),
                "{message}"
            )
        }
        other => panic!("unknown outcome: {other:?}"),
    }
}

#[tokio::test]
async fn input_is_checked_against_the_schema_and_the_size_cap_before_running() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let webhook = load(&rt, "webhook-send", None).await;
    let report = rt
        .run(
            &webhook,
            request("org-a", json!({ "method": "POST" }), grants(&["http:*"])),
        )
        .await;
    match report.result {
        Err(RunError::InvalidInput { message }) => assert!(message.contains("url"), "{message}"),
        other => panic!("{other:?}"),
    }
    assert_eq!(report.fuel_consumed, 0, "nothing ran");

    let huge = "x".repeat(2 << 20);
    let report = rt
        .run(
            &webhook,
            request(
                "org-a",
                json!({ "url": "https://example.com", "body": huge }),
                grants(&["http:*"]),
            ),
        )
        .await;
    assert!(
        matches!(report.result, Err(RunError::InputTooLarge { .. })),
        "{:?}",
        report.result
    );
}

async fn load_bytes(bytes: &[u8]) -> LoadError {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    rt.load(bytes, LoadOptions::default())
        .await
        .expect_err("the component must be rejected")
}

#[tokio::test]
async fn a_component_that_does_not_target_the_action_world_is_rejected() {
    let wrong_world = wat::parse_str(
        r#"(component
            (core module $m (func (export "hello")))
            (core instance $i (instantiate $m))
            (func $hello (canon lift (core func $i "hello")))
            (export "hello" (func $hello))
        )"#,
    )
    .unwrap();
    let err = load_bytes(&wrong_world).await;
    assert_eq!(err.kind(), "wrong_world");
    assert!(
        err.to_string().contains("does not export `manifest`"),
        "{err}"
    );
}

#[tokio::test]
async fn a_component_importing_anything_else_is_rejected_naming_the_import() {
    let extra_import = wat::parse_str(
        r#"(component
            (import "evil:net/socket" (instance (export "connect" (func (param "addr" string)))))
        )"#,
    )
    .unwrap();
    let err = load_bytes(&extra_import).await;
    assert_eq!(err.kind(), "wrong_world");
    assert!(err.to_string().contains("`evil:net/socket`"), "{err}");

    let other_version = wat::parse_str(
        r#"(component
            (import "atlas:workflow/http@0.9.0" (instance))
        )"#,
    )
    .unwrap();
    let err = load_bytes(&other_version).await;
    assert!(
        err.to_string().contains("atlas:workflow/http@0.9.0"),
        "{err}"
    );
    assert!(
        err.to_string().contains("supports atlas:workflow@0.1.0"),
        "{err}"
    );
}

#[tokio::test]
async fn corrupted_truncated_and_foreign_files_are_rejected_without_panicking() {
    let good = common::component_bytes("webhook-send");

    let mut corrupted = good.clone();
    let mid = corrupted.len() / 2;
    for b in &mut corrupted[mid..mid + 64] {
        *b ^= 0x5a;
    }
    let err = load_bytes(&corrupted).await;
    assert_eq!(err.kind(), "invalid_component", "{err}");

    let truncated = &good[..good.len() / 3];
    let err = load_bytes(truncated).await;
    assert_eq!(err.kind(), "invalid_component", "{err}");

    let err = load_bytes(b"").await;
    assert_eq!(
        err.to_string(),
        "not a WebAssembly component: the file is empty"
    );

    let err = load_bytes(b"#!/bin/sh\necho not wasm\n").await;
    assert_eq!(err.kind(), "not_wasm");

    let core = wat::parse_str("(module)").unwrap();
    let err = load_bytes(&core).await;
    assert_eq!(err.kind(), "core_module");
    assert!(err.to_string().contains("not a component"), "{err}");
}

#[tokio::test]
async fn runs_do_not_share_state() {
    let (rt, _store, _dir) = runtime(NetworkPolicy::default()).await;
    let noop = load(&rt, "test-noop", None).await;
    let handles: Vec<_> = (0..32)
        .map(|i| rt.run(&noop, request(&format!("org-{i}"), json!({}), grants(&[]))))
        .collect();
    for report in futures::future::join_all(handles).await {
        assert_eq!(report.outcome(), Some("done"));
        assert!(report.denials.is_empty());
    }
}
