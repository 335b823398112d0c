//! The identity half of the trust boundary, over real HTTP on both stores:
//! orgs are explicit records (a credential for an org that does not exist is
//! refused), a reseller creates only new orgs (an existing one is a 409 and
//! nothing of the reseller reaches it, also when two race for one id),
//! reserved ids belong to the platform everywhere, and the built-in
//! publisher is no org's account (no key registration on it, no `atlas.`
//! ids from any org, and whatever was put on it is undone at startup).

mod common;

use std::time::{Duration, Instant};

use atlas::api::auth::Role;
use atlas::api::auth::api_key;
use atlas::marketplace::{BUILTIN_PUBLISHER, Marketplace};
use atlas::store::marketplace::{NewPluginVersion, ReviewStatus};
use atlas::store::{NewApiKey, Org, RESERVED_ORG_IDS};
use common::api::{Reply, TestApi, noop_workflow};
use common::engine::ORG;
use common::marketplace::{Partner, echo_component, platform_admin};
use marketplace::KeyFile;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// Stores an API key for `org` directly (as an older deployment, or another
/// tool, might have); returns its secret.
async fn stored_key(api: &TestApi, org: &str, role: &str) -> String {
    let generated = api_key::generate();
    api.env
        .store
        .create_api_key(&NewApiKey {
            id: &uuid::Uuid::now_v7().to_string(),
            org_id: org,
            name: "legacy",
            prefix: &generated.prefix,
            secret_hash: &generated.hash,
            role,
            created_by: "legacy",
        })
        .await
        .unwrap();
    generated.secret
}

fn assert_refused(reply: &Reply, problem: &str, words: &str) {
    assert_eq!(reply.status, StatusCode::FORBIDDEN, "{:?}", reply.body);
    assert_eq!(reply.problem_type(), problem, "{:?}", reply.body);
    assert!(
        reply.body["detail"].as_str().unwrap_or("").contains(words),
        "{:?}",
        reply.body
    );
}

async fn create_sub_account(api: &TestApi, reseller: &str, id: &str) -> Reply {
    api.post(
        "/api/v2/reseller/sub-accounts",
        reseller,
        &json!({ "id": id, "name": format!("{id} gym"), "time_zone": "Europe/Madrid" }),
    )
    .await
}

on_both_stores!(
    claiming_an_existing_org_is_a_409_and_nothing_of_the_reseller_reaches_it,
    |db| async move {
        let api = TestApi::start(db).await;
        // The victim: an org with a workflow, created without any reseller.
        let workflow = api.create_workflow(&noop_workflow("Ours")).await;
        // The reseller: a brand, a branded built-in action, a preinstall.
        api.create_org("pulse").await;
        let pulse = api.token_for("pulse", Role::ResellerAdmin, "pulse-admin");
        let acme = Partner::register(&api, "acme").await;
        acme.published(&api, &echo_component("acme.echo", "1.0.0", &["kv"]))
            .await;
        common::marketplace::approve(&api, "acme.echo", "1.0.0").await;
        for (method, path, body) in [
            (
                Method::PUT,
                "/api/v2/reseller/brand",
                json!({ "product_name": "PulseFlow" }),
            ),
            (
                Method::PUT,
                "/api/v2/reseller/brandings/atlas.test.noop",
                json!({ "display_name": "Pulse Noop", "defaults": {} }),
            ),
            (
                Method::POST,
                "/api/v2/reseller/preinstalls",
                json!({ "plugin_id": "acme.echo", "version": "1.0.0", "grants": ["kv"] }),
            ),
        ] {
            let reply = api.send(method, path, Some(&pulse), Some(&body), &[]).await;
            assert!(reply.status.is_success(), "{path}: {:?}", reply.body);
        }

        // Claiming the existing org: 409, and the org is untouched.
        let claim = create_sub_account(&api, &pulse, ORG).await;
        assert_eq!(claim.status, StatusCode::CONFLICT, "{:?}", claim.body);
        assert_eq!(claim.problem_type(), "org-exists");
        let owner = api.owner();
        let branding = api.get("/api/v2/branding", &owner).await;
        assert_eq!(branding.body["product_name"], "Atlas Flow");
        assert_eq!(branding.body["reseller_org_id"], Value::Null);
        let catalog = api.get("/api/v2/catalog/atlas.test.noop", &owner).await;
        assert_eq!(catalog.body["items"][0]["branded"], false);
        assert_eq!(catalog.body["items"][0]["name"], "Test: no-op");
        let installs = api.get("/api/v2/installs", &owner).await;
        assert_eq!(installs.body["items"], json!([]));
        assert_eq!(api.env.store.org_reseller(ORG).await.unwrap(), None);
        let org = api.env.store.org(ORG).await.unwrap().unwrap();
        assert_eq!(org.name, "Test Gym");
        assert_eq!(org.time_zone, "Europe/London");
        let subs = api.get("/api/v2/reseller/sub-accounts", &pulse).await;
        assert_eq!(subs.body["items"], json!([]));
        assert_eq!(
            api.get(&format!("/api/v2/workflows/{workflow}"), &owner)
                .await
                .status,
            StatusCode::OK
        );

        // Two resellers racing for one new id: exactly one wins.
        api.create_org("iron").await;
        let iron = api.token_for("iron", Role::ResellerAdmin, "iron-admin");
        let (a, b) = tokio::join!(
            create_sub_account(&api, &pulse, "gym-downtown"),
            create_sub_account(&api, &iron, "gym-downtown"),
        );
        let mut statuses = [a.status, b.status];
        statuses.sort();
        assert_eq!(statuses, [StatusCode::CREATED, StatusCode::CONFLICT]);
        let winner = if a.status == StatusCode::CREATED {
            "pulse"
        } else {
            "iron"
        };
        assert_eq!(
            api.env
                .store
                .org_reseller("gym-downtown")
                .await
                .unwrap()
                .as_deref(),
            Some(winner)
        );
        api.stop().await;
    }
);

on_both_stores!(
    credentials_for_an_org_that_does_not_exist_are_refused,
    |db| async move {
        let api = TestApi::start(db).await;
        let ghost = api.token_for("ghost-gym", Role::Owner, "someone");
        let reply = api.get("/api/v2/workflows", &ghost).await;
        assert_refused(&reply, "unknown-org", "does not exist");
        assert_eq!(
            reply.header("content-type"),
            Some("application/problem+json")
        );
        let key = stored_key(&api, "ghost-gym", "owner").await;
        assert_refused(
            &api.get("/api/v2/workflows", &key).await,
            "unknown-org",
            "`ghost-gym`",
        );
        // Nothing was written for the unknown org.
        assert!(api.env.store.org("ghost-gym").await.unwrap().is_none());

        // A platform admin creates it; the same token is admitted at once.
        let admin = platform_admin(&api);
        let created = api
            .post(
                "/api/v2/platform/orgs",
                &admin,
                &json!({ "id": "ghost-gym", "name": "Ghost Gym", "time_zone": "America/New_York" }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        assert_eq!(created.body["time_zone"], "America/New_York");
        assert_eq!(created.body["reseller_id"], Value::Null);
        assert_eq!(
            api.get("/api/v2/workflows", &ghost).await.status,
            StatusCode::OK
        );
        assert_eq!(
            api.get("/api/v2/workflows", &key).await.status,
            StatusCode::OK
        );
        let again = api
            .post(
                "/api/v2/platform/orgs",
                &admin,
                &json!({ "id": "ghost-gym", "name": "Other" }),
            )
            .await;
        assert_eq!(again.status, StatusCode::CONFLICT);
        let listed = api.get("/api/v2/platform/orgs", &admin).await;
        let ids: Vec<&str> = listed.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["id"].as_str().unwrap())
            .collect();
        assert!(ids.contains(&"ghost-gym") && ids.contains(&ORG), "{ids:?}");
        // Only a platform admin manages orgs.
        assert_eq!(
            api.get("/api/v2/platform/orgs", &api.owner()).await.status,
            StatusCode::FORBIDDEN
        );

        // An org created by another process (here: straight into the
        // database) is admitted once the short negative cache lapses.
        let late = api.token_for("late-gym", Role::Staff, "s");
        assert_refused(
            &api.get("/api/v2/workflows", &late).await,
            "unknown-org",
            "late-gym",
        );
        api.env
            .store
            .ensure_org(&Org {
                id: "late-gym".into(),
                name: "Late".into(),
                time_zone: "UTC".into(),
            })
            .await
            .unwrap();
        let started = Instant::now();
        loop {
            let status = api.get("/api/v2/workflows", &late).await.status;
            if status == StatusCode::OK {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(8),
                "still {status} after {:?}",
                started.elapsed()
            );
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
        api.stop().await;
    }
);

on_both_stores!(reserved_ids_are_refused_everywhere, |db| async move {
    let api = TestApi::start(db).await;
    let mut reserved: Vec<String> = RESERVED_ORG_IDS
        .iter()
        .map(|(id, _)| id.to_string())
        .collect();
    reserved.push("ATLAS".into());
    reserved.push("System".into());

    // As a token's org, with any tenant role, and as an API key's org.
    for id in &reserved {
        for role in [Role::Owner, Role::Partner, Role::ResellerAdmin] {
            let token = api.token_for(id, role, "intruder");
            assert_refused(
                &api.get("/api/v2/catalog", &token).await,
                "reserved-org",
                "reserved",
            );
        }
        let key = stored_key(&api, id, "owner").await;
        assert_refused(
            &api.get("/api/v2/catalog", &key).await,
            "reserved-org",
            "reserved",
        );
    }
    // A platform admin acts in `platform` and in no tenant.
    let misplaced = api.token_for(ORG, Role::PlatformAdmin, "reviewer");
    assert_refused(
        &api.get("/api/v2/review/pending", &misplaced).await,
        "reserved-org",
        "platform-admin",
    );
    let admin = common::marketplace::platform_admin(&api);
    assert_eq!(
        api.get("/api/v2/review/pending", &admin).await.status,
        StatusCode::OK
    );

    // As a new org or sub-account: refused with the field named.
    api.create_org("pulse").await;
    let pulse = api.token_for("pulse", Role::ResellerAdmin, "pulse-admin");
    for id in &reserved {
        for (token, path) in [
            (&pulse, "/api/v2/reseller/sub-accounts"),
            (&admin, "/api/v2/platform/orgs"),
        ] {
            let reply = api
                .post(path, token, &json!({ "id": id, "name": "Mine now" }))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {id}: {:?}",
                reply.body
            );
            assert_eq!(reply.body["errors"][0]["field"], "id");
            assert!(
                reply.body["errors"][0]["reason"]
                    .as_str()
                    .unwrap()
                    .contains("reserved"),
                "{:?}",
                reply.body
            );
        }
        // And straight through the store, whoever calls it.
        let org = Org {
            id: id.clone(),
            name: "x".into(),
            time_zone: "UTC".into(),
        };
        assert!(api.env.store.ensure_org(&org).await.is_err(), "{id}");
        assert!(api.env.store.create_org(&org, None).await.is_err(), "{id}");
    }
    for (id, _) in RESERVED_ORG_IDS {
        assert!(api.env.store.org(id).await.unwrap().is_none(), "{id}");
    }
    api.stop().await;
});

on_both_stores!(the_builtin_publisher_is_no_orgs_account, |db| async move {
    let api = TestApi::start(db).await;
    // An `atlas` org cannot even authenticate, so cannot register a key.
    let key = KeyFile::generate();
    for role in [Role::Partner, Role::ResellerAdmin] {
        let token = api.token_for(BUILTIN_PUBLISHER, role, "atlas-dev");
        let reply = api
            .post(
                "/api/v2/publisher/keys",
                &token,
                &json!({ "public_key": key.public_key, "publisher_name": "Atlas" }),
            )
            .await;
        assert_refused(&reply, "reserved-org", "reserved");
    }
    // No org may take the built-in publisher's name.
    api.create_org("mimic").await;
    let mimic = api.token_for("mimic", Role::Partner, "mimic-dev");
    let named = api
        .post(
            "/api/v2/publisher/keys",
            &mimic,
            &json!({ "public_key": key.public_key, "publisher_name": "atlas flow" }),
        )
        .await;
    assert_eq!(named.status, StatusCode::UNPROCESSABLE_ENTITY);
    // No org publishes an `atlas.` id: not a partner, not a reseller.
    api.create_org("pulse").await;
    for (org, role) in [("acme", Role::Partner), ("pulse", Role::ResellerAdmin)] {
        let partner = Partner::register_as(&api, org, role).await;
        for id in ["atlas.probe", "atlas.sms.send"] {
            let reply = partner
                .publish(&api, &echo_component(id, "9.0.0", &["http:*"]))
                .await;
            assert_eq!(
                reply.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{:?}",
                reply.body
            );
            assert_eq!(reply.body["check"], "owner", "{:?}", reply.body);
            assert!(
                api.env
                    .store
                    .plugin_version(id, "9.0.0")
                    .await
                    .unwrap()
                    .is_none()
            );
        }
    }

    // What an older server let through: a tenant's key on the built-in
    // publisher and an `atlas.probe` version it approved as published.
    let rogue = KeyFile::generate();
    let store = &api.env.store;
    assert!(
        store
            .publisher_key_add(BUILTIN_PUBLISHER, &rogue.key_id, &rogue.public_key)
            .await
            .unwrap()
    );
    let bytes = echo_component("atlas.probe", "1.0.0", &["http:*", "kv"]);
    let manifest =
        json!({ "id": "atlas.probe", "version": "1.0.0", "capabilities": ["http:*", "kv"] });
    assert!(
        store
            .plugin_version_insert(&NewPluginVersion {
                plugin_id: "atlas.probe",
                version: &semver::Version::new(1, 0, 0),
                sha256: &hex_sha256(&bytes),
                size_bytes: bytes.len(),
                wit_version: "0.1.0",
                manifest: &manifest,
                changelog: "",
                key_id: &rogue.key_id,
                status: ReviewStatus::Approved,
                publisher_id: BUILTIN_PUBLISHER,
                private_to: None,
                published_by: "system",
            })
            .await
            .unwrap()
    );
    // Even before the startup check, it is not treated as built-in.
    let denied = api
        .env
        .marketplace
        .resolve(ORG, "atlas.probe", "1.0.0")
        .await
        .err()
        .expect("a version the host did not sign is not runnable");
    assert!(denied.message.contains("did not publish"), "{denied:?}");

    // The next start revokes the key and rejects and kills the version;
    // the host's own actions are untouched.
    let reopened = Marketplace::open(
        store.clone(),
        api.env.runtime.clone(),
        api.env.registry.clone(),
        &std::env::temp_dir().join(format!("atlas-test-blobs-{}", uuid::Uuid::now_v7())),
    )
    .await
    .unwrap();
    let key = store.publisher_key(&rogue.key_id).await.unwrap().unwrap();
    assert!(key.revoked_at.is_some());
    let version = store
        .plugin_version("atlas.probe", "1.0.0")
        .await
        .unwrap()
        .unwrap();
    assert_eq!(version.status, ReviewStatus::Rejected);
    assert!(version.killed_at.is_some());
    let denied = reopened
        .resolve(ORG, "atlas.probe", "1.0.0")
        .await
        .err()
        .unwrap();
    assert_eq!(denied.kind, "killed");
    assert!(
        reopened
            .resolve(ORG, "atlas.test.noop", "0.1.0")
            .await
            .is_ok()
    );
    let keys = store.publisher_keys(BUILTIN_PUBLISHER).await.unwrap();
    assert_eq!(
        keys.iter().filter(|k| k.revoked_at.is_none()).count(),
        1,
        "only the host's own key is left: {keys:?}"
    );
    // The catalog no longer offers it.
    let catalog = api.get("/api/v2/catalog", &api.owner()).await;
    assert!(
        !catalog.body.to_string().contains("atlas.probe"),
        "{:?}",
        catalog.body
    );
    api.stop().await;
});

fn hex_sha256(bytes: &[u8]) -> String {
    use sha2::Digest as _;
    hex::encode(sha2::Sha256::digest(bytes))
}
