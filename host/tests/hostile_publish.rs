//! Publishing cannot be used against the server: an upload whose imports or
//! exports are wrong is refused by wasmparser before Cranelift sees it, and a
//! version signed by a key its publisher revoked can be neither approved nor
//! newly installed. (The compile limits and the compiled cache's keyed tags
//! are covered in `runtime::compile_gate` and `runtime_cache.rs`.)

#[macro_use]
mod common;

use std::time::{Duration, Instant};

use atlas::api::auth::Role;
use common::api::TestApi;
use common::marketplace::{Partner, approve, echo_component, install, platform_admin};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A component with `functions` heavy core functions and the given extra import.
fn heavy_component(functions: usize, import: &str) -> Vec<u8> {
    let body = "local.get 0 i32.const 7 i32.mul i32.const 3 i32.add ".repeat(40);
    let mut wat = format!("(component (import \"{import}\" (instance)) (core module");
    for n in 0..functions {
        wat.push_str(&format!(
            " (func (export \"f{n}\") (param i32) (result i32) {body})"
        ));
    }
    wat.push_str("))");
    wat::parse_str(&wat).unwrap()
}

on_both_stores!(
    a_foreign_world_is_refused_before_it_is_compiled,
    |db| async move {
        let api = TestApi::start(db).await;
        let acme = Partner::register(&api, "acme").await;
        let bytes = heavy_component(4_000, "evil:host/filesystem@1.0.0");

        // What Cranelift would have spent on it.
        let engine = wasmtime::Engine::default();
        let started = Instant::now();
        let _ = wasmtime::component::Component::new(&engine, &bytes);
        let compile = started.elapsed();

        let started = Instant::now();
        let reply = acme.publish(&api, &bytes).await;
        let refused = started.elapsed();
        assert_eq!(
            reply.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{:?}",
            reply.body
        );
        assert_eq!(reply.body["check"], "world", "{:?}", reply.body);
        let detail = reply.body["detail"].as_str().unwrap();
        assert!(detail.contains("evil:host/filesystem@1.0.0"), "{detail}");
        eprintln!(
            "{} KiB upload: refused in {refused:?}; compiling it would take {compile:?}",
            bytes.len() / 1024
        );
        assert!(
            refused < compile / 2 && refused < Duration::from_millis(500),
            "refused in {refused:?}, compile {compile:?}"
        );
        api.stop().await;
    }
);

async fn revoke(api: &TestApi, partner: &Partner) {
    let reply = api
        .send(
            Method::DELETE,
            &format!("/api/v2/publisher/keys/{}", partner.key.key_id),
            Some(&partner.token),
            None,
            &[],
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}", reply.body);
}

on_both_stores!(
    a_version_signed_by_a_revoked_key_is_neither_approved_nor_newly_installed,
    |db| async move {
        let api = TestApi::start(db).await;
        let acme = Partner::register(&api, "acme").await;

        // Pending when the key is revoked: approval is refused.
        acme.published(&api, &echo_component("acme.partner.echo", "1.0.0", &["kv"]))
            .await;
        revoke(&api, &acme).await;
        let reply = api
            .post(
                "/api/v2/review/acme.partner.echo/1.0.0/approve",
                &platform_admin(&api),
                &Value::Null,
            )
            .await;
        assert_eq!(reply.status, StatusCode::CONFLICT, "{:?}", reply.body);
        assert_eq!(reply.problem_type(), "revoked-key", "{:?}", reply.body);

        // Approved and installed, then the key is revoked: the install that
        // exists stays, a new one is refused.
        let rotated = Partner::register(&api, "acme").await;
        rotated
            .published(&api, &echo_component("acme.partner.echo", "1.1.0", &["kv"]))
            .await;
        approve(&api, "acme.partner.echo", "1.1.0").await;
        let owner = api.owner();
        let first = install(&api, &owner, "acme.partner.echo", "1.1.0", &["kv"]).await;
        assert_eq!(first.status, StatusCode::CREATED, "{:?}", first.body);
        revoke(&api, &rotated).await;

        let other = api.token_for("org-other", Role::Owner, "other-owner");
        let refused = install(&api, &other, "acme.partner.echo", "1.1.0", &["kv"]).await;
        assert_eq!(refused.status, StatusCode::CONFLICT, "{:?}", refused.body);
        let detail = refused.body["detail"].as_str().unwrap();
        assert!(detail.contains("revoked"), "{detail}");

        let again = install(&api, &owner, "acme.partner.echo", "1.1.0", &["kv"]).await;
        assert_eq!(again.status, StatusCode::CREATED, "{:?}", again.body);
        api.stop().await;
    }
);
