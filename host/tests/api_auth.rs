//! Identity, roles, tenancy and abuse limits over real HTTP: tokens and API
//! keys, a denial for every role an endpoint refuses, other orgs' data
//! answering 404, row-level security on PostgreSQL, 429s, and the audit log.

mod common;

use atlas::api::auth::{Permission, Role};
use atlas::api::limits::RateLimitSettings;
use common::api::{SECRET, TestApi, noop_workflow, test_settings};
use common::engine::{Db, ORG, contact};
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_bad_expired_and_forged_credentials_get_401() {
    let api = TestApi::start(Db::Sqlite).await;
    let none = api
        .send(Method::GET, "/api/v2/workflows", None, None, &[])
        .await;
    assert_eq!(none.status, StatusCode::UNAUTHORIZED);
    assert!(
        none.header("www-authenticate")
            .unwrap()
            .starts_with("Bearer")
    );
    assert_eq!(
        none.header("content-type"),
        Some("application/problem+json")
    );

    let expired = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "u", "org": ORG, "role": "owner", "exp": 1_000_000 }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    let forged = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "u", "org": ORG, "role": "owner", "exp": 9_999_999_999u64 }),
        &jsonwebtoken::EncodingKey::from_secret(b"someone-elses-secret-someone-elses"),
    )
    .unwrap();
    let bad_role = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "u", "org": ORG, "role": "god", "exp": 9_999_999_999u64 }),
        &jsonwebtoken::EncodingKey::from_secret(SECRET.as_bytes()),
    )
    .unwrap();
    for (token, words) in [
        (expired.as_str(), "expired"),
        (forged.as_str(), "signature"),
        (bad_role.as_str(), "role"),
        ("not.a.jwt", "not valid"),
        ("atk_unknownkeyunknownkeyunknownkey", "unknown or revoked"),
    ] {
        let reply = api.get("/api/v2/workflows", token).await;
        assert_eq!(reply.status, StatusCode::UNAUTHORIZED, "{token}");
        assert!(
            reply.body["detail"].as_str().unwrap().contains(words),
            "{token}: {:?}",
            reply.body
        );
    }
    let basic = api
        .send(
            Method::GET,
            "/api/v2/workflows",
            None,
            None,
            &[("authorization", "Basic dXNlcjpwYXNz")],
        )
        .await;
    assert_eq!(basic.status, StatusCode::UNAUTHORIZED);
    api.stop().await;
}

/// One request per permission, made by every role: allowed roles never get
/// 403, every other role gets exactly 403.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_role_is_refused_exactly_what_it_may_not_do() {
    let api = TestApi::start(Db::Sqlite).await;
    let owner = api.owner();
    let workflow = api.active_workflow(&noop_workflow("Roles")).await;
    let started = api
        .post(
            &format!("/api/v2/workflows/{workflow}/execute"),
            &owner,
            &json!({ "contact": contact("c1") }),
        )
        .await;
    let execution = started.body["execution_id"].as_str().unwrap().to_string();
    let requests: Vec<(Permission, Method, String, Option<Value>)> = vec![
        (
            Permission::ReadWorkflows,
            Method::GET,
            "/api/v2/workflows".into(),
            None,
        ),
        (
            Permission::ReadWorkflows,
            Method::GET,
            format!("/api/v2/workflows/{workflow}/export"),
            None,
        ),
        (
            Permission::EditWorkflows,
            Method::POST,
            "/api/v2/workflows".into(),
            Some(noop_workflow("new")),
        ),
        (
            Permission::EditWorkflows,
            Method::POST,
            format!("/api/v2/workflows/{workflow}/deactivate"),
            None,
        ),
        (
            Permission::DeleteWorkflows,
            Method::POST,
            format!("/api/v2/workflows/{workflow}/webhook"),
            None,
        ),
        (
            Permission::RunWorkflows,
            Method::POST,
            format!("/api/v2/workflows/{workflow}/test-run"),
            Some(json!({})),
        ),
        (
            Permission::RunWorkflows,
            Method::POST,
            format!("/api/v2/executions/{execution}/retry"),
            None,
        ),
        (
            Permission::ReadExecutions,
            Method::GET,
            "/api/v2/executions".into(),
            None,
        ),
        (
            Permission::ReadExecutions,
            Method::GET,
            format!("/api/v2/executions/{execution}"),
            None,
        ),
        (
            Permission::IngestEvents,
            Method::POST,
            "/api/v2/events".into(),
            Some(
                json!({ "id": "ev-roles", "event": "tag_added", "contact": { "id": "c9" }, "payload": { "tag": "x" } }),
            ),
        ),
        (
            Permission::ManageApiKeys,
            Method::GET,
            "/api/v2/api-keys".into(),
            None,
        ),
        (
            Permission::ReadAudit,
            Method::GET,
            "/api/v2/audit".into(),
            None,
        ),
        (
            Permission::ReadCatalog,
            Method::GET,
            "/api/v2/catalog".into(),
            None,
        ),
        (
            Permission::ReadAnalytics,
            Method::GET,
            format!("/api/v2/workflows/{workflow}/analytics"),
            None,
        ),
        (
            Permission::Publish,
            Method::POST,
            "/api/v2/publisher/keys".into(),
            Some(
                json!({ "public_key": marketplace::KeyFile::generate().public_key, "publisher_name": "Roles Co" }),
            ),
        ),
        (
            Permission::ReviewPlugins,
            Method::GET,
            "/api/v2/review/pending".into(),
            None,
        ),
        (
            Permission::ManageInstalls,
            Method::GET,
            "/api/v2/marketplace/plugins/atlas.test.noop/versions/0.1.0/upgrade-report".into(),
            None,
        ),
        (
            Permission::ManageResale,
            Method::GET,
            "/api/v2/reseller/sub-accounts".into(),
            None,
        ),
        (
            Permission::ManageOrgs,
            Method::GET,
            "/api/v2/platform/orgs".into(),
            None,
        ),
    ];
    let mut denials = 0;
    for role in Role::ALL {
        // A platform admin acts in the reserved `platform` org, never in a tenant.
        let org = if role == Role::PlatformAdmin {
            "platform"
        } else {
            ORG
        };
        let token = api.token_for(org, role, &format!("user-{}", role.as_str()));
        for (permission, method, path, body) in &requests {
            let reply = api
                .send(method.clone(), path, Some(&token), body.as_ref(), &[])
                .await;
            if role.allows(*permission) {
                assert_ne!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{} {method} {path}: {:?}",
                    role.as_str(),
                    reply.body
                );
                assert!(
                    reply.status.is_success() || reply.status == StatusCode::CONFLICT,
                    "{} {method} {path}: {:?}",
                    role.as_str(),
                    reply.body
                );
            } else {
                assert_eq!(
                    reply.status,
                    StatusCode::FORBIDDEN,
                    "{} {method} {path}",
                    role.as_str()
                );
                assert_eq!(reply.problem_type(), "forbidden");
                assert!(
                    reply.body["detail"]
                        .as_str()
                        .unwrap()
                        .contains(role.as_str())
                );
                denials += 1;
            }
        }
    }
    assert!(denials >= 35, "only {denials} denials exercised");
    api.stop().await;
}

on_both_stores!(
    api_keys_are_hashed_scoped_recorded_and_revocable,
    |db| async move {
        let api = TestApi::start(db).await;
        let owner = api.owner();
        let created = api
            .post(
                "/api/v2/api-keys",
                &owner,
                &json!({ "name": "Zapier", "role": "staff" }),
            )
            .await;
        assert_eq!(created.status, StatusCode::CREATED, "{:?}", created.body);
        let secret = created.body["secret"].as_str().unwrap().to_string();
        let key_id = created.body["id"].as_str().unwrap().to_string();
        assert!(secret.starts_with("atk_"));
        assert_eq!(created.body["prefix"], secret[..12]);

        // Only a hash is stored.
        let stored = api.env.store.api_keys(ORG).await.unwrap();
        assert_eq!(stored.len(), 1);
        let found = api
            .env
            .store
            .api_key_by_hash(&atlas::api::auth::api_key::hash(&secret))
            .await
            .unwrap();
        assert_eq!(found.unwrap().id, key_id);

        // The key works with its role's permissions, and no more.
        let workflow = api.create_workflow(&noop_workflow("Keyed")).await;
        assert_eq!(
            api.get("/api/v2/workflows", &secret).await.status,
            StatusCode::OK
        );
        assert_eq!(
            api.send(
                Method::DELETE,
                &format!("/api/v2/workflows/{workflow}"),
                Some(&secret),
                None,
                &[]
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        assert_eq!(
            api.get("/api/v2/api-keys", &secret).await.status,
            StatusCode::FORBIDDEN
        );
        let listed = api.get("/api/v2/api-keys", &owner).await;
        assert!(
            listed.body["items"][0]["last_used_at"].is_i64(),
            "{:?}",
            listed.body
        );
        assert!(listed.body["items"][0].get("secret").is_none());

        // A staff member cannot mint keys; an admin cannot exceed itself.
        let staff = api.token_for(ORG, Role::Staff, "s1");
        assert_eq!(
            api.post(
                "/api/v2/api-keys",
                &staff,
                &json!({ "name": "x", "role": "viewer" })
            )
            .await
            .status,
            StatusCode::FORBIDDEN
        );
        let viewer_minting = api
            .post(
                "/api/v2/api-keys",
                &owner,
                &json!({ "name": "", "role": "viewer" }),
            )
            .await;
        assert_eq!(viewer_minting.status, StatusCode::UNPROCESSABLE_ENTITY);
        let unknown_role = api
            .post(
                "/api/v2/api-keys",
                &owner,
                &json!({ "name": "x", "role": "emperor" }),
            )
            .await;
        assert_eq!(unknown_role.status, StatusCode::UNPROCESSABLE_ENTITY);

        let revoked = api
            .send(
                Method::DELETE,
                &format!("/api/v2/api-keys/{key_id}"),
                Some(&owner),
                None,
                &[],
            )
            .await;
        assert_eq!(revoked.status, StatusCode::NO_CONTENT);
        assert_eq!(
            api.get("/api/v2/workflows", &secret).await.status,
            StatusCode::UNAUTHORIZED
        );
        assert_eq!(
            api.send(
                Method::DELETE,
                &format!("/api/v2/api-keys/{key_id}"),
                Some(&owner),
                None,
                &[]
            )
            .await
            .status,
            StatusCode::NOT_FOUND
        );
        api.stop().await;
    }
);

on_both_stores!(another_orgs_data_is_always_404, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let workflow = api.active_workflow(&noop_workflow("Private")).await;
    let started = api
        .post(
            &format!("/api/v2/workflows/{workflow}/execute"),
            &owner,
            &json!({ "contact": contact("c1") }),
        )
        .await;
    let execution = started.body["execution_id"].as_str().unwrap().to_string();
    let key = api
        .post(
            "/api/v2/api-keys",
            &owner,
            &json!({ "name": "mine", "role": "viewer" }),
        )
        .await;
    let key_id = key.body["id"].as_str().unwrap().to_string();

    let intruder = api.token_for("org-other", Role::Owner, "mallory");
    for (method, path, body) in [
        (Method::GET, format!("/api/v2/workflows/{workflow}"), None),
        (
            Method::PUT,
            format!("/api/v2/workflows/{workflow}"),
            Some(noop_workflow("pwned")),
        ),
        (
            Method::DELETE,
            format!("/api/v2/workflows/{workflow}"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v2/workflows/{workflow}/activate"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v2/workflows/{workflow}/versions"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v2/workflows/{workflow}/versions/1"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v2/workflows/{workflow}/export"),
            None,
        ),
        (
            Method::POST,
            format!("/api/v2/workflows/{workflow}/execute"),
            Some(json!({})),
        ),
        (
            Method::GET,
            format!("/api/v2/workflows/{workflow}/stream"),
            None,
        ),
        (Method::GET, format!("/api/v2/executions/{execution}"), None),
        (
            Method::POST,
            format!("/api/v2/executions/{execution}/cancel"),
            None,
        ),
        (
            Method::GET,
            format!("/api/v2/executions/{execution}/stream"),
            None,
        ),
        (Method::DELETE, format!("/api/v2/api-keys/{key_id}"), None),
    ] {
        let reply = api
            .send(
                method.clone(),
                &path,
                Some(&intruder),
                body.as_ref(),
                &[("if-match", "\"1\"")],
            )
            .await;
        assert_eq!(
            reply.status,
            StatusCode::NOT_FOUND,
            "{method} {path}: {:?}",
            reply.body
        );
        assert!(!reply.body.to_string().contains("Private"));
    }
    for path in [
        "/api/v2/workflows",
        "/api/v2/executions",
        "/api/v2/api-keys",
        "/api/v2/audit",
    ] {
        let reply = api.get(path, &intruder).await;
        assert_eq!(reply.status, StatusCode::OK);
        assert_eq!(reply.body["items"], json!([]), "{path}");
    }
    let listed = api
        .get(
            &format!("/api/v2/executions?workflow_id={workflow}"),
            &intruder,
        )
        .await;
    assert_eq!(listed.body["items"], json!([]));
    // An event in the other org starts nothing here.
    let event = json!({ "id": "e-1", "event": "lead_created", "contact": contact("c2") });
    let reply = api.post("/api/v2/events", &intruder, &event).await;
    assert_eq!(reply.body["started"], json!([]));
    assert_eq!(
        api.get(&format!("/api/v2/workflows/{workflow}"), &owner)
            .await
            .body["name"],
        "Private"
    );
    api.stop().await;
});

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn postgres_row_level_security_hides_other_orgs_from_the_app_role() {
    let db = common::PgDatabase::create().await;
    let store = atlas::store::Store::open(&db.url, atlas::store::SecretCipher::ephemeral())
        .await
        .unwrap();
    for org in ["org-a", "org-b"] {
        store
            .save_workflow(
                org,
                &format!("wf-{org}"),
                "w",
                &json!({ "name": "w", "nodes": [] }),
                "t",
            )
            .await
            .unwrap();
        store
            .audit_append(&[atlas::store::AuditEntry {
                org_id: org.into(),
                actor: "t".into(),
                action: "x".into(),
                target: "y".into(),
                detail: json!({}),
            }])
            .await
            .unwrap();
    }
    let pool = sqlx::PgPool::connect(&db.url).await.unwrap();
    let count_as = |org: &'static str, table: &'static str| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            sqlx::query("SET LOCAL ROLE atlas_app")
                .execute(&mut *tx)
                .await
                .unwrap();
            sqlx::query("SELECT set_config('atlas.org_id', $1, true)")
                .bind(org)
                .execute(&mut *tx)
                .await
                .unwrap();
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            let mine: i64 = sqlx::query_scalar(&format!(
                "SELECT COUNT(*) FROM {table} WHERE org_id = 'org-a'"
            ))
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            tx.rollback().await.unwrap();
            (n, mine)
        }
    };
    for table in ["workflows", "workflow_versions", "audit_log"] {
        assert_eq!(count_as("org-a", table).await, (1, 1), "{table}");
        assert_eq!(
            count_as("org-b", table).await,
            (1, 0),
            "{table}: org-b sees org-a's rows"
        );
        assert_eq!(count_as("org-nobody", table).await, (0, 0), "{table}");
    }
    // Writing into another org is refused too.
    let mut tx = pool.begin().await.unwrap();
    sqlx::query("SET LOCAL ROLE atlas_app")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("SELECT set_config('atlas.org_id', 'org-b', true)")
        .execute(&mut *tx)
        .await
        .unwrap();
    let forbidden = sqlx::query("INSERT INTO audit_log (org_id, actor, action, target, detail, at) VALUES ('org-a', 'm', 'x', 'y', '{}', 0)")
        .execute(&mut *tx)
        .await;
    assert!(
        forbidden
            .unwrap_err()
            .to_string()
            .contains("row-level security")
    );
    drop(tx);
    // Every table with an org_id column has the policy.
    let unprotected: Vec<String> = sqlx::query_scalar(
        "SELECT c.table_name::text FROM information_schema.columns c
         WHERE c.table_schema = 'public' AND c.column_name = 'org_id'
           AND NOT EXISTS (SELECT 1 FROM pg_policies p WHERE p.tablename = c.table_name AND p.policyname = 'tenant_isolation')",
    )
    .fetch_all(&pool)
    .await
    .unwrap();
    assert_eq!(
        unprotected,
        Vec::<String>::new(),
        "tenant tables without row-level security"
    );
    // The store's tenant reads run under the policy.
    let filter = atlas::store::WorkflowFilter {
        limit: 10,
        ..Default::default()
    };
    assert_eq!(
        store.list_workflows("org-b", &filter).await.unwrap().len(),
        1
    );
    pool.close().await;
    store.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn over_the_rate_limit_gets_429_with_retry_after() {
    let settings = atlas::api::ApiSettings {
        rate_limits: RateLimitSettings {
            per_caller_per_second: 1,
            per_caller_burst: 3,
            per_org_per_second: 1,
            per_org_burst: 5,
        },
        ..test_settings()
    };
    let api = TestApi::start_with(Db::Sqlite, settings).await;
    let alice = api.token_for(ORG, Role::Staff, "alice");
    let bob = api.token_for(ORG, Role::Staff, "bob");
    let other_org = api.token_for("org-2", Role::Staff, "carol");
    for _ in 0..3 {
        assert_eq!(
            api.get("/api/v2/workflows", &alice).await.status,
            StatusCode::OK
        );
    }
    let limited = api.get("/api/v2/workflows", &alice).await;
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
    // Bob has his own budget, but the org's burst of 5 runs out.
    assert_eq!(
        api.get("/api/v2/workflows", &bob).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/api/v2/workflows", &bob).await.status,
        StatusCode::OK
    );
    assert_eq!(
        api.get("/api/v2/workflows", &bob).await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
    // Another org is unaffected; health is never limited.
    assert_eq!(
        api.get("/api/v2/workflows", &other_org).await.status,
        StatusCode::OK
    );
    let health = api
        .send(Method::GET, "/api/v2/health", None, None, &[])
        .await;
    assert_eq!(health.status, StatusCode::OK);
    api.stop().await;
}

on_both_stores!(the_audit_log_records_who_did_what, |db| async move {
    let api = TestApi::start(db).await;
    let owner = api.owner();
    let id = api.active_workflow(&noop_workflow("Audited")).await;
    api.send(
        Method::PUT,
        &format!("/api/v2/workflows/{id}"),
        Some(&owner),
        Some(&noop_workflow("Audited 2")),
        &[("if-match", "\"1\"")],
    )
    .await;
    api.post(
        "/api/v2/api-keys",
        &owner,
        &json!({ "name": "ci", "role": "viewer" }),
    )
    .await;
    let log = api.get("/api/v2/audit", &owner).await;
    assert_eq!(log.status, StatusCode::OK);
    let actions: Vec<&str> = log.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        vec![
            "api_key.created",
            "workflow.saved",
            "workflow.activated",
            "workflow.created"
        ]
    );
    assert_eq!(log.body["items"][1]["actor"], "owner-1");
    assert_eq!(log.body["items"][1]["target"], id);
    assert_eq!(log.body["items"][1]["detail"]["version"], 2);
    let only = api
        .get(
            &format!("/api/v2/audit?action=workflow.activated&target={id}"),
            &owner,
        )
        .await;
    assert_eq!(only.body["items"].as_array().unwrap().len(), 1);
    let paged = api.get("/api/v2/audit?limit=2", &owner).await;
    let cursor = paged.body["next_cursor"].as_str().unwrap();
    let rest = api
        .get(&format!("/api/v2/audit?limit=2&cursor={cursor}"), &owner)
        .await;
    assert_eq!(rest.body["items"][0]["action"], "workflow.activated");
    api.stop().await;
});

#[test]
fn rs256_tokens_from_another_issuer_verify_with_its_public_key() {
    let dir = tempfile::tempdir().unwrap();
    let private = dir.path().join("private.pem");
    let public = dir.path().join("public.pem");
    let openssl = |args: &[&str]| {
        let status = std::process::Command::new("openssl")
            .args(args)
            .status()
            .expect("openssl");
        assert!(status.success(), "openssl {args:?}");
    };
    openssl(&[
        "genpkey",
        "-algorithm",
        "RSA",
        "-pkeyopt",
        "rsa_keygen_bits:2048",
        "-out",
        private.to_str().unwrap(),
    ]);
    openssl(&[
        "rsa",
        "-in",
        private.to_str().unwrap(),
        "-pubout",
        "-out",
        public.to_str().unwrap(),
    ]);
    let verifier = atlas::api::auth::JwtVerifier::rs256(&std::fs::read(&public).unwrap())
        .unwrap()
        .with_issuer("https://id.example-gym.com")
        .with_audience("atlas");
    let key = jsonwebtoken::EncodingKey::from_rsa_pem(&std::fs::read(&private).unwrap()).unwrap();
    let sign = |claims: Value| {
        jsonwebtoken::encode(
            &jsonwebtoken::Header::new(jsonwebtoken::Algorithm::RS256),
            &claims,
            &key,
        )
        .unwrap()
    };
    let good = sign(
        json!({ "sub": "u1", "org": ORG, "role": "staff", "exp": 9_999_999_999u64, "iss": "https://id.example-gym.com", "aud": "atlas" }),
    );
    let claims = verifier.verify(&good).unwrap();
    assert_eq!(
        (claims.sub.as_str(), claims.org.as_str(), claims.role),
        ("u1", ORG, Role::Staff)
    );
    let wrong_issuer = sign(
        json!({ "sub": "u1", "org": ORG, "role": "staff", "exp": 9_999_999_999u64, "iss": "https://evil.example", "aud": "atlas" }),
    );
    assert!(verifier.verify(&wrong_issuer).is_err());
    let wrong_audience = sign(
        json!({ "sub": "u1", "org": ORG, "role": "staff", "exp": 9_999_999_999u64, "iss": "https://id.example-gym.com", "aud": "other" }),
    );
    assert!(verifier.verify(&wrong_audience).is_err());
    // A token signed with a shared secret is refused by an RS256 server.
    let hs = jsonwebtoken::encode(
        &jsonwebtoken::Header::default(),
        &json!({ "sub": "u1", "org": ORG, "role": "owner", "exp": 9_999_999_999u64, "iss": "https://id.example-gym.com", "aud": "atlas" }),
        &jsonwebtoken::EncodingKey::from_secret(b"0123456789012345678901234567890123"),
    )
    .unwrap();
    assert!(verifier.verify(&hs).is_err());
    assert!(
        verifier.issue("u", ORG, Role::Owner, 60).is_err(),
        "an RS256 server cannot mint tokens"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_over_its_deadline_gets_503() {
    let settings = atlas::api::ApiSettings {
        request_timeout: std::time::Duration::from_millis(300),
        ..test_settings()
    };
    let api = TestApi::start_with(Db::Sqlite, settings).await;
    // Another writer holds the database's write lock, so a save has to wait.
    let atlas::store::Pool::Sqlite(pool) = api.env.store.pool() else {
        unreachable!()
    };
    let mut blocker = pool.begin().await.unwrap();
    sqlx::query(
        "INSERT INTO orgs (id, name, time_zone, created_at) VALUES ('blocker', 'b', 'UTC', 0)",
    )
    .execute(&mut *blocker)
    .await
    .unwrap();
    let started = std::time::Instant::now();
    let reply = api
        .post("/api/v2/workflows", &api.owner(), &noop_workflow("Slow"))
        .await;
    assert_eq!(
        reply.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{:?}",
        reply.body
    );
    assert_eq!(reply.problem_type(), "timeout");
    assert!(started.elapsed() < std::time::Duration::from_secs(3));
    blocker.rollback().await.unwrap();
    let reply = api
        .post("/api/v2/workflows", &api.owner(), &noop_workflow("Fast"))
        .await;
    assert_eq!(reply.status, StatusCode::CREATED);
    api.stop().await;
}
