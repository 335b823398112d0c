//! White-label resellers: sub-accounts, private actions only they see,
//! branding of the product and of actions, and preinstalls.

#[macro_use]
mod common;

use atlas::api::auth::Role;
use common::api::TestApi;
use common::engine::Db;
use common::marketplace::{Partner, approve, echo_component, install};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Creates sub-account `id` of the reseller holding `token`.
async fn sub_account(api: &TestApi, token: &str, id: &str) {
    let reply = api
        .post(
            "/api/v2/reseller/sub-accounts",
            token,
            &json!({ "id": id, "name": format!("{id} gym"), "time_zone": "Europe/Madrid" }),
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
}

fn ids(reply: &Value) -> Vec<String> {
    reply["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_resellers_private_action_and_branding_reach_only_its_sub_accounts() {
    let api = TestApi::start(Db::Sqlite).await;
    api.create_org("pulse").await;
    api.create_org("iron").await;
    let pulse = api.token_for("pulse", Role::ResellerAdmin, "pulse-admin");
    let iron = api.token_for("iron", Role::ResellerAdmin, "iron-admin");
    sub_account(&api, &pulse, "pulse-east").await;
    sub_account(&api, &iron, "iron-north").await;
    let east = api.token_for("pulse-east", Role::Owner, "east-owner");
    let north = api.token_for("iron-north", Role::Owner, "north-owner");

    // Pulse publishes a private action; only Pulse and its sub-accounts see it.
    let publisher = Partner::register_as(&api, "pulse", Role::ResellerAdmin).await;
    let bytes = echo_component("pulse.loyalty.points", "1.0.0", &["kv"]);
    let signature = publisher.key.sign(&bytes).unwrap();
    let reply = publisher
        .publish_signed(
            &api,
            &bytes,
            &signature.key_id,
            &signature.signature,
            "private",
        )
        .await;
    assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
    approve(&api, "pulse.loyalty.points", "1.0.0").await;
    let market = |token: String| {
        let api = &api;
        async move {
            ids(&api
                .get("/api/v2/marketplace/plugins?q=loyalty", &token)
                .await
                .body)
        }
    };
    assert_eq!(market(east.clone()).await, ["pulse.loyalty.points"]);
    assert_eq!(market(pulse.clone()).await, ["pulse.loyalty.points"]);
    assert!(market(north.clone()).await.is_empty());
    assert!(market(iron.clone()).await.is_empty());
    assert!(market(api.owner()).await.is_empty());
    assert_eq!(
        install(&api, &north, "pulse.loyalty.points", "1.0.0", &["kv"])
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    // A partner cannot publish private actions.
    let acme = Partner::register(&api, "acme").await;
    let private = echo_component("acme.private", "1.0.0", &[]);
    let sig = acme.key.sign(&private).unwrap();
    let refused = acme
        .publish_signed(&api, &private, &sig.key_id, &sig.signature, "private")
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    // Preinstall: into every existing sub-account, and into new ones.
    let pre = api
        .post(
            "/api/v2/reseller/preinstalls",
            &pulse,
            &json!({ "plugin_id": "pulse.loyalty.points", "version": "1.0.0", "grants": ["kv"] }),
        )
        .await;
    assert_eq!(pre.status, StatusCode::OK, "{:?}", pre.body);
    assert_eq!(pre.body["installed_into"], json!(["pulse-east"]));
    sub_account(&api, &pulse, "pulse-west").await;
    let west = api.token_for("pulse-west", Role::Owner, "west-owner");
    let installs = api.get("/api/v2/installs", &west).await;
    assert_eq!(
        installs.body["items"][0]["plugin_id"],
        "pulse.loyalty.points"
    );
    assert_eq!(installs.body["items"][0]["status"], "active");

    // Branding: the product, and a built-in action with default input.
    let brand = api
        .send(Method::PUT, "/api/v2/reseller/brand", Some(&pulse), Some(&json!({ "product_name": "PulseFlow", "primary_color": "#E4007C", "accent_color": "#1B1B3A", "logo": "https://pulse.example/logo.svg" })), &[])
        .await;
    assert_eq!(brand.status, StatusCode::OK, "{:?}", brand.body);
    let branding = api
        .send(
            Method::PUT,
            "/api/v2/reseller/brandings/atlas.webhook.send",
            Some(&pulse),
            Some(&json!({ "display_name": "Pulse Connect", "description": "Send to Pulse HQ", "defaults": { "url": "https://hq.pulse.example/hook" } })),
            &[],
        )
        .await;
    assert_eq!(branding.status, StatusCode::OK, "{:?}", branding.body);
    let stored = api.get("/api/v2/reseller/brand", &pulse).await;
    assert_eq!(stored.body["product_name"], "PulseFlow");
    assert_eq!(
        api.get("/api/v2/reseller/brand", &iron).await.status,
        StatusCode::NOT_FOUND
    );
    let seen = api.get("/api/v2/branding", &east).await;
    assert_eq!(seen.body["product_name"], "PulseFlow");
    assert_eq!(seen.body["primary_color"], "#E4007C");
    assert_eq!(seen.body["reseller_org_id"], "pulse");
    let catalog = api.get("/api/v2/catalog/atlas.webhook.send", &east).await;
    let entry = &catalog.body["items"][0];
    assert_eq!(entry["name"], "Pulse Connect");
    assert_eq!(entry["branded"], true);
    assert_eq!(
        entry["default_input"]["url"],
        "https://hq.pulse.example/hook"
    );
    let browse = api
        .get("/api/v2/marketplace/plugins/atlas.webhook.send", &east)
        .await;
    assert_eq!(browse.body["name"], "Pulse Connect");
    // Other resellers' sub-accounts and plain orgs see the product as it is.
    for token in [north.clone(), api.owner()] {
        assert_eq!(
            api.get("/api/v2/branding", &token).await.body["product_name"],
            "Atlas Flow"
        );
        let entry = api.get("/api/v2/catalog/atlas.webhook.send", &token).await;
        assert_eq!(entry.body["items"][0]["branded"], false);
        assert_ne!(entry.body["items"][0]["name"], "Pulse Connect");
    }

    // A sub-account cannot change its reseller's branding, as owner or as reseller-admin.
    let change = json!({ "display_name": "Hijacked" });
    let as_owner = api
        .send(
            Method::PUT,
            "/api/v2/reseller/brandings/atlas.webhook.send",
            Some(&east),
            Some(&change),
            &[],
        )
        .await;
    assert_eq!(as_owner.status, StatusCode::FORBIDDEN);
    let east_admin = api.token_for("pulse-east", Role::ResellerAdmin, "east-admin");
    let as_admin = api
        .send(
            Method::PUT,
            "/api/v2/reseller/brandings/atlas.webhook.send",
            Some(&east_admin),
            Some(&change),
            &[],
        )
        .await;
    assert_eq!(as_admin.status, StatusCode::CONFLICT, "{:?}", as_admin.body);
    let brand_change = api
        .send(
            Method::PUT,
            "/api/v2/reseller/brand",
            Some(&east_admin),
            Some(&json!({ "product_name": "Mine" })),
            &[],
        )
        .await;
    assert_eq!(brand_change.status, StatusCode::CONFLICT);
    let entry = api.get("/api/v2/catalog/atlas.webhook.send", &east).await;
    assert_eq!(entry.body["items"][0]["name"], "Pulse Connect");
    assert_eq!(
        api.get("/api/v2/branding", &east).await.body["product_name"],
        "PulseFlow"
    );

    // Resellers list only their own sub-accounts; bad input is a clear 4xx.
    assert_eq!(
        ids(&api.get("/api/v2/reseller/sub-accounts", &pulse).await.body),
        ["pulse-east", "pulse-west"]
    );
    assert_eq!(
        ids(&api.get("/api/v2/reseller/sub-accounts", &iron).await.body),
        ["iron-north"]
    );
    let taken = api
        .post(
            "/api/v2/reseller/sub-accounts",
            &iron,
            &json!({ "id": "pulse-east", "name": "Steal" }),
        )
        .await;
    assert_eq!(taken.status, StatusCode::CONFLICT);
    let bad_zone = api
        .post(
            "/api/v2/reseller/sub-accounts",
            &pulse,
            &json!({ "id": "pulse-x", "name": "X", "time_zone": "Mars/Olympus" }),
        )
        .await;
    assert_eq!(bad_zone.status, StatusCode::UNPROCESSABLE_ENTITY);
    let bad_colour = api
        .send(
            Method::PUT,
            "/api/v2/reseller/brand",
            Some(&pulse),
            Some(&json!({ "product_name": "P", "primary_color": "pink" })),
            &[],
        )
        .await;
    assert_eq!(bad_colour.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad_colour.body["errors"][0]["field"], "primary_color");
    let unknown = api
        .send(
            Method::PUT,
            "/api/v2/reseller/brandings/nobody.nothing",
            Some(&pulse),
            Some(&json!({ "display_name": "X" })),
            &[],
        )
        .await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    api.stop().await;
}
