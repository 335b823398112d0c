//! The unauthenticated and long-lived surfaces, over real HTTP on both
//! stores: failed authentication and the inbound hooks are limited per
//! client address before any database work (proved by closing the
//! database: the answers stay 429 and 401, never 500); unknown API keys are
//! remembered; a forged Twilio signature gets one answer whether the
//! message exists or not; a stale SendGrid signature is refused; live
//! streams are capped per caller and a revoked key's stream closes within
//! 10 s; only an owner mints an owner's key.

mod common;

use std::time::{Duration, Instant};

use atlas::api::ApiSettings;
use atlas::api::address_limits::AddressLimitSettings;
use atlas::api::auth::Role;
use atlas::api::auth::api_key;
use atlas::api::live_slots::LiveSettings;
use atlas::store::ExecutionStatus;
use axum::http::HeaderName;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use common::api::{Reply, TestApi, noop_workflow, test_settings};
use common::component_bytes;
use common::engine::{Db, ORG};
use futures::StreamExt as _;
use hmac::{Hmac, Mac};
use p256::ecdsa::signature::Signer as _;
use p256::ecdsa::{Signature, SigningKey};
use p256::pkcs8::EncodePublicKey as _;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};
use sha1::Sha1;

/// Settings with small per-address budgets and the client address taken
/// from `X-Forwarded-For`, so one loopback test can be several clients.
fn tight(address_limits: AddressLimitSettings) -> ApiSettings {
    ApiSettings {
        address_limits,
        client_address_header: Some(HeaderName::from_static("x-forwarded-for")),
        ..test_settings()
    }
}

/// GET `path` with `credential` as the client at `address`.
async fn get_from(api: &TestApi, path: &str, credential: &str, address: &str) -> Reply {
    api.send(
        Method::GET,
        path,
        Some(credential),
        None,
        &[("x-forwarded-for", address)],
    )
    .await
}

/// Closes the store's pool: from now on anything that reaches the
/// database fails (a 500), so a 401 or 429 proves no database work was done.
async fn close_database(api: &TestApi) {
    // The first poll marks the pool closed; waiting for checked-out
    // connections (the engine's) is not needed.
    let _ = tokio::time::timeout(Duration::from_millis(300), api.env.store.close()).await;
}

on_both_stores!(
    bad_credentials_are_limited_per_address_before_any_database_work,
    |db| async move {
        let api = TestApi::start_with(
            db,
            tight(AddressLimitSettings {
                failure_burst: 5,
                failures_per_second: 0.001,
                ..AddressLimitSettings::default()
            }),
        )
        .await;
        let (a, b) = ("203.0.113.10", "198.51.100.20");
        let owner = api.owner();
        assert_eq!(
            get_from(&api, "/api/v2/workflows", &owner, b).await.status,
            StatusCode::OK
        );
        for _ in 0..5 {
            let guess = api_key::generate().secret;
            let reply = get_from(&api, "/api/v2/workflows", &guess, a).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED);
        }
        // The budget is spent: 429 before the credential is even read.
        let limited = get_from(&api, "/api/v2/workflows", &api_key::generate().secret, a).await;
        assert_eq!(limited.status, StatusCode::TOO_MANY_REQUESTS);
        assert_eq!(limited.problem_type(), "rate-limited");
        assert!(
            limited
                .header("retry-after")
                .unwrap()
                .parse::<u64>()
                .unwrap()
                >= 1
        );
        assert!(
            limited.body["detail"]
                .as_str()
                .unwrap()
                .contains("failed authentication")
        );
        assert_eq!(
            get_from(&api, "/api/v2/workflows", "not.a.jwt", a)
                .await
                .status,
            StatusCode::TOO_MANY_REQUESTS
        );
        // Another address is not affected.
        assert_eq!(
            get_from(&api, "/api/v2/workflows", &owner, b).await.status,
            StatusCode::OK
        );
        // An unknown key is looked up once, then remembered as unknown.
        let unknown = api_key::generate().secret;
        assert_eq!(
            get_from(&api, "/api/v2/workflows", &unknown, b)
                .await
                .status,
            StatusCode::UNAUTHORIZED
        );

        close_database(&api).await;
        for _ in 0..50 {
            let reply = get_from(&api, "/api/v2/workflows", &api_key::generate().secret, a).await;
            assert_eq!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{:?}",
                reply.body
            );
        }
        for _ in 0..3 {
            let reply = get_from(&api, "/api/v2/workflows", &unknown, b).await;
            assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{:?}", reply.body);
        }
        // The probe works: a key never seen does need the database.
        let fresh = get_from(&api, "/api/v2/workflows", &api_key::generate().secret, b).await;
        assert_eq!(fresh.status, StatusCode::INTERNAL_SERVER_ERROR);
        api.stop().await;
    }
);

on_both_stores!(
    inbound_hooks_are_limited_per_address_before_any_lookup,
    |db| async move {
        let api = TestApi::start_with(
            db,
            tight(AddressLimitSettings {
                hook_burst: 4,
                hooks_per_second: 0.001,
                ..AddressLimitSettings::default()
            }),
        )
        .await;
        let (a, b) = ("203.0.113.30", "198.51.100.40");
        let post = |path: String, address: &'static str| {
            let api = &api;
            async move {
                api.send(
                    Method::POST,
                    &path,
                    None,
                    Some(&json!({})),
                    &[("x-forwarded-for", address)],
                )
                .await
            }
        };
        for _ in 0..2 {
            let reply = post("/api/v2/hooks/no-such-hook".into(), a).await;
            assert_eq!(reply.status, StatusCode::NOT_FOUND, "{:?}", reply.body);
        }
        let sendgrid = post(format!("/api/v2/hooks/sendgrid/events/{ORG}"), a).await;
        assert_eq!(sendgrid.status, StatusCode::FORBIDDEN);
        let twilio = post(format!("/api/v2/hooks/twilio/status/{ORG}/e/n"), a).await;
        assert_eq!(twilio.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
        // Four in a row spent the address's budget, whichever hook.
        close_database(&api).await;
        for path in [
            "/api/v2/hooks/no-such-hook".to_string(),
            format!("/api/v2/hooks/twilio/status/{ORG}/e/n"),
            format!("/api/v2/hooks/sendgrid/events/{ORG}"),
        ] {
            let reply = post(path.clone(), a).await;
            assert_eq!(
                reply.status,
                StatusCode::TOO_MANY_REQUESTS,
                "{path}: {:?}",
                reply.body
            );
            assert!(reply.header("retry-after").is_some());
        }
        // Another address still reaches the hook (which then needs the
        // database it no longer has).
        let other = post("/api/v2/hooks/no-such-hook".into(), b).await;
        assert_eq!(other.status, StatusCode::INTERNAL_SERVER_ERROR);
        api.stop().await;
    }
);

/// Twilio's signature: base64 HMAC-SHA1 over the URL and the sorted parameters.
fn twilio_signature(token: &str, url: &str, params: &[(&str, &str)]) -> String {
    let mut sorted = params.to_vec();
    sorted.sort();
    let mut data = url.to_string();
    for (name, value) in sorted {
        data.push_str(name);
        data.push_str(value);
    }
    let mut mac = Hmac::<Sha1>::new_from_slice(token.as_bytes()).unwrap();
    mac.update(data.as_bytes());
    STANDARD.encode(mac.finalize().into_bytes())
}

async fn twilio_callback(api: &TestApi, path: &str, token: &str) -> (StatusCode, Value) {
    let params = [
        ("MessageSid", "SM5f3d1e0c2b"),
        ("MessageStatus", "delivered"),
    ];
    let url = format!("{}{path}", api.base);
    let response = api
        .client
        .post(&url)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("X-Twilio-Signature", twilio_signature(token, &url, &params))
        .body("MessageSid=SM5f3d1e0c2b&MessageStatus=delivered")
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

on_both_stores!(
    a_forged_twilio_signature_gets_one_answer_whether_the_message_exists_or_not,
    |db| async move {
        let twilio = common::recorder::Recorder::start(common::recorder::Reply {
            status: 201,
            ..common::recorder::Reply::json(json!({ "sid": "SM5f3d1e0c2b", "status": "queued" }))
        })
        .await;
        let api = TestApi::start(db).await;
        api.env
            .marketplace
            .publish_builtin(&component_bytes("sms-send"))
            .await
            .unwrap();
        let hooks = format!("{}/api/v2/hooks/twilio/status", api.base);
        for (name, value) in [
            ("twilio_account_sid", "AC0123456789abcdef"),
            ("twilio_auth_token", "the-real-auth-token"),
            ("twilio_base_url", twilio.url("").as_str()),
            ("twilio_status_callback_url", hooks.as_str()),
        ] {
            api.env
                .store
                .secret_put(ORG, "atlas.sms.send", name, value)
                .await
                .unwrap();
        }
        let crm = atlas::crm::Crm::detached(api.env.store.clone());
        let person = crm
            .create_contact(
                ORG,
                atlas::crm::NewContact {
                    first_name: "Ada".into(),
                    phone: Some("+447700900123".into()),
                    status: "member".into(),
                    consent: atlas::store::crm::Consent {
                        email: false,
                        sms: true,
                        whatsapp: false,
                    },
                    ..Default::default()
                },
                "test",
            )
            .await
            .unwrap();
        let workflow = api
            .active_workflow(&json!({
                "name": "Text",
                "nodes": [
                    { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
                    { "id": "text", "kind": "action", "config": { "plugin": "atlas.sms.send", "version": "0.1.0",
                      "input": { "to": "+447700900123", "from": "+15005550006", "body": "See you at 6pm!" } } }
                ],
                "edges": [ { "id": "e1", "source": "start", "target": "text", "outcome": "next" } ]
            }))
            .await;
        let started = api
            .post(
                &format!("/api/v2/workflows/{workflow}/execute"),
                &api.owner(),
                &json!({ "contact": { "id": person.id, "first_name": "Ada" } }),
            )
            .await;
        let execution = started.body["execution_id"].as_str().unwrap().to_string();
        let done = api
            .env
            .wait_until(&execution, |e| e.status.is_finished())
            .await;
        assert_eq!(done.status, ExecutionStatus::Completed, "{done:?}");

        // Forged: the same 403, word for word, for a real message, an unknown
        // step, an unknown execution, an org without a token and no org at all.
        let paths = [
            format!("/api/v2/hooks/twilio/status/{ORG}/{execution}/text"),
            format!("/api/v2/hooks/twilio/status/{ORG}/{execution}/no-such-step"),
            format!("/api/v2/hooks/twilio/status/{ORG}/no-such-execution/text"),
            format!("/api/v2/hooks/twilio/status/org-other/{execution}/text"),
            format!("/api/v2/hooks/twilio/status/ghost-gym/{execution}/text"),
        ];
        let mut answers = Vec::new();
        for path in &paths {
            answers.push(twilio_callback(&api, path, "a-guessed-token").await);
        }
        for (path, answer) in paths.iter().zip(&answers) {
            assert_eq!(answer.0, StatusCode::FORBIDDEN, "{path}: {:?}", answer.1);
            assert_eq!(answer, &answers[0], "{path}");
        }
        // Signed with the real token: recorded, and an unknown step is a 404.
        let (status, body) = twilio_callback(&api, &paths[0], "the-real-auth-token").await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{body:?}");
        let (status, _) = twilio_callback(&api, &paths[1], "the-real-auth-token").await;
        assert_eq!(status, StatusCode::NOT_FOUND);
        api.stop().await;
    }
);

on_both_stores!(a_stale_sendgrid_signature_is_refused, |db| async move {
    let api = TestApi::start(db).await;
    let signing = SigningKey::from_slice(&[9u8; 32]).unwrap();
    let public = p256::PublicKey::from(signing.verifying_key())
        .to_public_key_der()
        .unwrap();
    api.env
        .store
        .secret_put(
            ORG,
            "atlas.email.send",
            "sendgrid_webhook_verification_key",
            &STANDARD.encode(public.as_bytes()),
        )
        .await
        .unwrap();
    let body = br#"[{"email":"bob@example.com","timestamp":1772442000,"event":"open","sg_event_id":"ev-9"}]"#;
    let now = api.env.engine.now_ms() / 1000;
    let post = |at: i64| {
        let api = &api;
        let timestamp = at.to_string();
        let mut signed = timestamp.as_bytes().to_vec();
        signed.extend_from_slice(body);
        let signature: Signature = signing.sign(&signed);
        async move {
            let response = api
                .client
                .post(format!("{}/api/v2/hooks/sendgrid/events/{ORG}", api.base))
                .header("content-type", "application/json")
                .header(
                    "X-Twilio-Email-Event-Webhook-Signature",
                    STANDARD.encode(signature.to_der().as_bytes()),
                )
                .header("X-Twilio-Email-Event-Webhook-Timestamp", timestamp)
                .body(body.to_vec())
                .send()
                .await
                .unwrap();
            let status = response.status();
            (
                status,
                response.json::<Value>().await.unwrap_or(Value::Null),
            )
        }
    };
    for stale in [now - 301, now + 301, now - 86_400] {
        let (status, body) = post(stale).await;
        assert_eq!(status, StatusCode::FORBIDDEN, "{stale}: {body:?}");
        assert!(
            body["detail"].as_str().unwrap().contains("300 s"),
            "{body:?}"
        );
    }
    for fresh in [now, now - 299, now + 60] {
        let (status, body) = post(fresh).await;
        assert_eq!(status, StatusCode::NO_CONTENT, "{fresh}: {body:?}");
    }
    api.stop().await;
});

/// Opens a live stream of `workflow` with `credential`.
async fn open_stream(api: &TestApi, workflow: &str, credential: &str) -> reqwest::Response {
    api.client
        .get(format!("{}/api/v2/workflows/{workflow}/stream", api.base))
        .bearer_auth(credential)
        .send()
        .await
        .unwrap()
}

on_both_stores!(
    live_streams_are_capped_per_caller_and_a_revoked_key_closes_its_stream,
    |db| async move {
        let settings = ApiSettings {
            live: LiveSettings {
                max_streams_per_caller: 2,
                ..LiveSettings::default()
            },
            ..test_settings()
        };
        let api = TestApi::start_with(db, settings).await;
        let owner = api.owner();
        let workflow = api.active_workflow(&noop_workflow("Watched")).await;
        let started = api
            .post(
                &format!("/api/v2/workflows/{workflow}/execute"),
                &owner,
                &json!({ "contact": common::engine::contact("c1") }),
            )
            .await;
        let execution = started.body["execution_id"].as_str().unwrap().to_string();
        api.env
            .wait_until(&execution, |e| e.status.is_finished())
            .await;
        let created = api
            .post(
                "/api/v2/api-keys",
                &owner,
                &json!({ "name": "dashboard", "role": "viewer" }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let key = created.body["secret"].as_str().unwrap().to_string();
        let key_id = created.body["id"].as_str().unwrap().to_string();

        let first = open_stream(&api, &workflow, &key).await;
        let second = open_stream(&api, &workflow, &key).await;
        assert_eq!(first.status(), StatusCode::OK);
        assert_eq!(second.status(), StatusCode::OK);
        let third = open_stream(&api, &workflow, &key).await;
        assert_eq!(third.status(), StatusCode::TOO_MANY_REQUESTS);
        let problem: Value = third.json().await.unwrap();
        assert!(
            problem["type"]
                .as_str()
                .unwrap()
                .ends_with("too-many-streams"),
            "{problem:?}"
        );
        // The cap is per caller, and a stream that ends gives its slot back:
        // the owner reads a finished execution's stream three times over.
        for _ in 0..3 {
            let replay = api
                .client
                .get(format!("{}/api/v2/executions/{execution}/stream", api.base))
                .bearer_auth(&owner)
                .send()
                .await
                .unwrap();
            assert_eq!(replay.status(), StatusCode::OK);
            let text = tokio::time::timeout(Duration::from_secs(5), replay.text())
                .await
                .expect("a finished execution's stream ends")
                .unwrap();
            assert!(text.contains("execution.completed"), "{text}");
        }
        let watching = open_stream(&api, &workflow, &owner).await;
        assert_eq!(watching.status(), StatusCode::OK);

        // Revoked behind this server's back (straight in the database, as
        // another server would): the open stream ends within 10 s.
        drop(second);
        assert!(api.env.store.revoke_api_key(ORG, &key_id).await.unwrap());
        let revoked_at = Instant::now();
        let mut body = first.bytes_stream();
        let mut seen = String::new();
        let ended = tokio::time::timeout(Duration::from_secs(10), async {
            while let Some(chunk) = body.next().await {
                seen.push_str(&String::from_utf8_lossy(&chunk.unwrap()));
            }
        })
        .await;
        assert!(ended.is_ok(), "still open after 10 s: {seen}");
        assert!(seen.contains("event: stream.closed"), "{seen}");
        assert!(revoked_at.elapsed() < Duration::from_secs(10));
        drop(watching);
        api.stop().await;
    }
);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_an_owner_mints_an_owner_key() {
    let api = TestApi::start(Db::Sqlite).await;
    let mint = |token: String, role: &'static str| {
        let api = &api;
        async move {
            api.post(
                "/api/v2/api-keys",
                &token,
                &json!({ "name": format!("{role} key"), "role": role }),
            )
            .await
        }
    };
    let admin = api.token_for(ORG, Role::Admin, "admin-1");
    let refused = mint(admin.clone(), "owner").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{:?}", refused.body);
    assert!(
        refused.body["detail"]
            .as_str()
            .unwrap()
            .contains("only an owner"),
        "{:?}",
        refused.body
    );
    let reseller = api.token_for(ORG, Role::ResellerAdmin, "reseller-1");
    assert_eq!(mint(reseller, "owner").await.status, StatusCode::FORBIDDEN);
    // An admin's own key mints no owner key either.
    let admin_key = mint(admin.clone(), "admin").await;
    assert_eq!(admin_key.status, StatusCode::CREATED);
    let admin_key = admin_key.body["secret"].as_str().unwrap().to_string();
    assert_eq!(mint(admin_key, "owner").await.status, StatusCode::FORBIDDEN);
    assert_eq!(mint(api.owner(), "owner").await.status, StatusCode::CREATED);
    assert!(
        api.env
            .store
            .api_keys(ORG)
            .await
            .unwrap()
            .iter()
            .filter(|k| k.role == "owner")
            .all(|k| k.created_by == "owner-1")
    );
    api.stop().await;
}
