//! Publishing to the marketplace over the real API: a signed partner
//! component goes pending, is approved, shows in the marketplace; every
//! publish check rejects what it should and names itself.

#[macro_use]
mod common;

use atlas::api::auth::Role;
use common::api::TestApi;
use common::engine::Db;
use common::marketplace::{Partner, approve, echo_component, partner_component, platform_admin};
use reqwest::StatusCode;
use serde_json::{Value, json};

/// Asserts a 422 naming `check`, with `detail` containing `needle`.
fn assert_rejected(reply: &common::api::Reply, check: &str, needle: &str) {
    assert_eq!(
        reply.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{:?}",
        reply.body
    );
    assert_eq!(
        reply.problem_type(),
        "publish-check-failed",
        "{:?}",
        reply.body
    );
    assert_eq!(reply.body["check"], check, "{:?}", reply.body);
    let detail = reply.body["detail"].as_str().unwrap_or_default();
    assert!(
        detail.contains(needle),
        "{check}: `{detail}` lacks `{needle}`"
    );
}

on_both_stores!(
    a_signed_version_is_reviewed_then_listed_with_its_capabilities,
    |db| async move {
        let api = TestApi::start(db).await;
        let acme = Partner::register(&api, "acme").await;
        let v1 = echo_component("acme.partner.echo", "1.0.0", &["kv", "http:api.acme.test"]);
        acme.published(&api, &v1).await;

        // Pending versions are invisible to orgs and waiting in the review queue.
        let owner = api.owner();
        let market = api.get("/api/v2/marketplace/plugins?q=echo", &owner).await;
        assert_eq!(market.status, StatusCode::OK);
        assert_eq!(market.body["items"], json!([]));
        let queue = api
            .get("/api/v2/review/pending", &platform_admin(&api))
            .await;
        assert_eq!(queue.body["items"][0]["plugin_id"], "acme.partner.echo");
        assert_eq!(queue.body["items"][0]["publisher_name"], "acme Ltd");

        approve(&api, "acme.partner.echo", "1.0.0").await;
        let market = api.get("/api/v2/marketplace/plugins?q=echo", &owner).await;
        let item = &market.body["items"][0];
        assert_eq!(item["id"], "acme.partner.echo");
        assert_eq!(item["publisher"], "acme Ltd");
        assert_eq!(item["latest_version"], "1.0.0");
        assert_eq!(item["install_count"], 0);
        assert_eq!(item["versions"][0]["changelog"], "Test release.");
        let words: Vec<&str> = item["versions"][0]["capabilities"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["description"].as_str().unwrap())
            .collect();
        assert_eq!(
            words,
            [
                "Store its own data for your organisation",
                "Send HTTP requests to api.acme.test"
            ]
        );
        // Built-in actions are in the marketplace too, published at startup.
        let builtin = api
            .get("/api/v2/marketplace/plugins/atlas.webhook.send", &owner)
            .await;
        assert_eq!(builtin.status, StatusCode::OK, "{:?}", builtin.body);
        assert_eq!(builtin.body["builtin"], true);
        // Searching by category and publisher.
        let by_publisher = api
            .get("/api/v2/marketplace/plugins?publisher=acme", &owner)
            .await;
        assert_eq!(by_publisher.body["items"].as_array().unwrap().len(), 1);
        let other_category = api
            .get(
                "/api/v2/marketplace/plugins?category=ai&publisher=acme",
                &owner,
            )
            .await;
        assert_eq!(other_category.body["items"], json!([]));

        // The publisher sees its account, keys and the version's state.
        let account = api.get("/api/v2/publisher", &acme.token).await;
        assert_eq!(account.body["keys"][0]["key_id"], acme.key.key_id.as_str());
        assert_eq!(account.body["versions"][0]["status"], "approved");
        api.stop().await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_publish_check_rejects_and_names_itself() {
    let api = TestApi::start(Db::Sqlite).await;
    let acme = Partner::register(&api, "acme").await;
    let other = Partner::register(&api, "globex").await;
    let good = echo_component("acme.partner.echo", "1.0.0", &["kv"]);

    let unsigned = acme
        .publish_signed(&api, &good, &acme.key.key_id, "", "public")
        .await;
    assert_rejected(&unsigned, "signature", "not a base64 ed25519 signature");

    let by_other = other.key.sign(&good).unwrap();
    let foreign = acme
        .publish_signed(&api, &good, &by_other.key_id, &by_other.signature, "public")
        .await;
    assert_rejected(&foreign, "signature", "belongs to another publisher");

    let signature = acme.key.sign(&good).unwrap();
    let mut tampered = good.clone();
    let last = tampered.len() - 1;
    tampered[last] ^= 1;
    let tampered = acme
        .publish_signed(
            &api,
            &tampered,
            &signature.key_id,
            &signature.signature,
            "public",
        )
        .await;
    assert_rejected(&tampered, "signature", "does not match");

    let unknown_key = acme
        .publish_signed(
            &api,
            &good,
            "0123456789abcdef",
            &signature.signature,
            "public",
        )
        .await;
    assert_rejected(&unknown_key, "signature", "is not registered");

    let wrong_world = wat::parse_str(
        r#"(component
            (core module $m (func (export "hello")))
            (core instance $i (instantiate $m))
            (func $hello (canon lift (core func $i "hello")))
            (export "hello" (func $hello))
        )"#,
    )
    .unwrap();
    assert_rejected(
        &acme.publish(&api, &wrong_world).await,
        "world",
        "does not export `manifest`",
    );

    let extra_import = wat::parse_str(
        r#"(component (import "evil:net/socket" (instance (export "connect" (func (param "addr" string))))))"#,
    )
    .unwrap();
    assert_rejected(
        &acme.publish(&api, &extra_import).await,
        "world",
        "evil:net/socket",
    );

    assert_rejected(
        &acme.publish(&api, b"#!/bin/sh\necho hi\n").await,
        "component",
        "not a valid WebAssembly component",
    );

    let memory_hog = wat::parse_str("(component (core module (memory 4000)))").unwrap();
    assert_rejected(
        &acme.publish(&api, &memory_hog).await,
        "limits",
        "linear memory",
    );

    let oversized = vec![0u8; 33 * 1024 * 1024];
    assert_rejected(
        &acme.publish(&api, &oversized).await,
        "size",
        "the limit is",
    );

    let bad_manifest = partner_component(&json!({ "id": "Not An Id", "version": "1.0.0" }));
    assert_rejected(
        &acme.publish(&api, &bad_manifest).await,
        "manifest",
        "id `Not An Id`",
    );

    let bad_schema = partner_component(&json!({
        "id": "acme.partner.echo", "version": "1.0.0", "input_schema": r#"{"type": 12}"#
    }));
    assert_rejected(
        &acme.publish(&api, &bad_schema).await,
        "schema",
        "input-schema",
    );

    let reserved = echo_component("atlas.sneaky", "1.0.0", &[]);
    assert_rejected(
        &acme.publish(&api, &reserved).await,
        "owner",
        "reserved for built-in actions",
    );

    acme.published(&api, &good).await;
    assert_rejected(
        &acme.publish(&api, &good).await,
        "version",
        "not greater than the latest published version 1.0.0",
    );
    let older = echo_component("acme.partner.echo", "0.9.0", &["kv"]);
    assert_rejected(
        &acme.publish(&api, &older).await,
        "version",
        "0.9.0 is not greater",
    );

    let squatter = echo_component("acme.partner.echo", "2.0.0", &["kv"]);
    assert_rejected(
        &other.publish(&api, &squatter).await,
        "owner",
        "belongs to publisher `acme`",
    );

    // A revoked key signs nothing new; a rotated key does.
    let revoke = api
        .send(
            reqwest::Method::DELETE,
            &format!("/api/v2/publisher/keys/{}", acme.key.key_id),
            Some(&acme.token),
            None,
            &[],
        )
        .await;
    assert_eq!(revoke.status, StatusCode::NO_CONTENT, "{:?}", revoke.body);
    let v2 = echo_component("acme.partner.echo", "1.1.0", &["kv"]);
    assert_rejected(&acme.publish(&api, &v2).await, "signature", "was revoked");
    let rotated = Partner::register(&api, "acme").await;
    rotated.published(&api, &v2).await;

    // Nothing rejected was recorded.
    let account = api.get("/api/v2/publisher", &acme.token).await;
    let versions: Vec<&str> = account.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["version"].as_str().unwrap())
        .collect();
    assert_eq!(versions, ["1.1.0", "1.0.0"]);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn roles_outside_the_marketplace_flow_are_refused() {
    let api = TestApi::start(Db::Sqlite).await;
    let acme = Partner::register(&api, "acme").await;
    acme.published(&api, &echo_component("acme.partner.echo", "1.0.0", &[]))
        .await;
    let body = json!({ "public_key": acme.key.public_key, "publisher_name": "Staff Co" });
    let staff = api.token_for("org-test", Role::Staff, "staff-1");
    assert_eq!(
        api.post("/api/v2/publisher/keys", &staff, &body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        api.post("/api/v2/publisher/keys", &api.owner(), &body)
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for token in [api.owner(), acme.token.clone(), staff.clone()] {
        let approve = api
            .post(
                "/api/v2/review/acme.partner.echo/1.0.0/approve",
                &token,
                &Value::Null,
            )
            .await;
        assert_eq!(approve.status, StatusCode::FORBIDDEN, "{:?}", approve.body);
        let pending = api.get("/api/v2/review/pending", &token).await;
        assert_eq!(pending.status, StatusCode::FORBIDDEN);
    }
    let install =
        common::marketplace::install(&api, &acme.token, "acme.partner.echo", "1.0.0", &[]).await;
    assert_eq!(install.status, StatusCode::FORBIDDEN);
    // Publishing without an account is a clear conflict; a bad key is a 422.
    api.create_org("initech").await;
    let newcomer = api.token_for("initech", Role::Partner, "dev");
    let bad_key = api
        .post(
            "/api/v2/publisher/keys",
            &newcomer,
            &json!({ "public_key": "bm90IGEga2V5", "publisher_name": "Initech" }),
        )
        .await;
    assert_eq!(bad_key.status, StatusCode::UNPROCESSABLE_ENTITY);
    let no_name = api
        .post(
            "/api/v2/publisher/keys",
            &newcomer,
            &json!({ "public_key": marketplace::KeyFile::generate().public_key }),
        )
        .await;
    assert_eq!(no_name.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(no_name.body["errors"][0]["field"], "publisher_name");
    let no_account = api
        .post(
            "/api/v2/marketplace/publish",
            &newcomer,
            &json!({ "component": "", "signature": "", "key_id": "x" }),
        )
        .await;
    assert_eq!(no_account.status, StatusCode::CONFLICT);
    // Rejecting needs a reason and is shown to the publisher.
    let admin = platform_admin(&api);
    let empty = api
        .post(
            "/api/v2/review/acme.partner.echo/1.0.0/reject",
            &admin,
            &json!({ "reason": " " }),
        )
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let rejected = api
        .post(
            "/api/v2/review/acme.partner.echo/1.0.0/reject",
            &admin,
            &json!({ "reason": "Describe what data you send." }),
        )
        .await;
    assert_eq!(rejected.status, StatusCode::NO_CONTENT);
    let account = api.get("/api/v2/publisher", &acme.token).await;
    assert_eq!(account.body["versions"][0]["status"], "rejected");
    assert_eq!(
        account.body["versions"][0]["review_reason"],
        "Describe what data you send."
    );
    let again = api
        .post(
            "/api/v2/review/acme.partner.echo/1.0.0/approve",
            &admin,
            &Value::Null,
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    api.stop().await;
}
