//! The HTTP API served on a loopback port over a [`TestEngine`], with tokens
//! for any org and role, and a client that returns status, headers and JSON.
//! Orgs are explicit records: the test org and the two "other tenants" the
//! isolation tests use ([`OTHER_ORGS`]) exist from the start; a test that
//! needs another creates it with [`TestApi::create_org`].

use std::net::SocketAddr;

use atlas::api::address_limits::AddressLimitSettings;
use atlas::api::auth::{JwtVerifier, Role};
use atlas::api::limits::RateLimitSettings;
use atlas::api::{ApiSettings, AppState, router};
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};
use serde_json::Value;

use super::engine::{Db, ORG, TestEngine};
use atlas::store::Org;

/// Orgs besides [`ORG`] that every served API starts with: the other tenants
/// of the isolation tests.
pub const OTHER_ORGS: [&str; 2] = ["org-other", "org-2"];

/// The HS256 secret test tokens are signed with.
pub const SECRET: &str = "test-secret-test-secret-test-secret-0123";

/// A response: status, headers, body as JSON (`Null` when empty or not JSON).
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

impl Reply {
    /// The `type` of a problem document, after the base URI.
    pub fn problem_type(&self) -> &str {
        self.body["type"]
            .as_str()
            .unwrap_or("")
            .trim_start_matches("https://atlasflow.dev/problems/")
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

/// A served API.
pub struct TestApi {
    pub base: String,
    pub addr: SocketAddr,
    pub env: TestEngine,
    pub jwt: JwtVerifier,
    pub client: reqwest::Client,
    server: tokio::task::JoinHandle<()>,
}

/// Generous limits, so only the rate-limit tests see a 429.
pub fn test_settings() -> ApiSettings {
    ApiSettings {
        rate_limits: RateLimitSettings {
            per_caller_per_second: 100_000,
            per_caller_burst: 100_000,
            per_org_per_second: 100_000,
            per_org_burst: 100_000,
        },
        address_limits: AddressLimitSettings {
            failure_burst: 100_000,
            failures_per_second: 100_000.0,
            hook_burst: 100_000,
            hooks_per_second: 100_000.0,
        },
        ..ApiSettings::default()
    }
}

impl TestApi {
    /// Serves the API on `db` with [`test_settings`].
    pub async fn start(db: Db) -> Self {
        Self::start_with(db, test_settings()).await
    }

    /// Serves the API on `db` with `settings`.
    pub async fn start_with(db: Db, mut settings: ApiSettings) -> Self {
        let env = TestEngine::start(db).await;
        for org in OTHER_ORGS {
            create_org(&env.store, org).await;
        }
        let jwt = JwtVerifier::hs256(SECRET.as_bytes()).unwrap();
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        settings.public_url = format!("http://{addr}");
        let state = AppState::new(
            env.store.clone(),
            env.runtime.clone(),
            env.registry.clone(),
            env.engine.clone(),
            jwt.clone(),
            settings,
        );
        let app = router(state).into_make_service_with_connect_info::<SocketAddr>();
        let server = tokio::spawn(async move {
            axum::serve(listener, app).await.unwrap();
        });
        Self {
            base: format!("http://{addr}"),
            addr,
            env,
            jwt,
            client: reqwest::Client::new(),
            server,
        }
    }

    /// Creates the org `id` (named after it, in UTC) unless it exists.
    pub async fn create_org(&self, id: &str) {
        create_org(&self.env.store, id).await;
    }

    /// A token for `sub` in `org` with `role`.
    pub fn token_for(&self, org: &str, role: Role, sub: &str) -> String {
        self.jwt.issue(sub, org, role, 3600).unwrap()
    }

    /// An owner's token in the test org.
    pub fn owner(&self) -> String {
        self.token_for(ORG, Role::Owner, "owner-1")
    }

    /// Sends a request; `body` is sent as JSON when given.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<&Value>,
        headers: &[(&str, &str)],
    ) -> Reply {
        let mut request = self.client.request(method, format!("{}{path}", self.base));
        if let Some(token) = token {
            request = request.bearer_auth(token);
        }
        if let Some(body) = body {
            request = request.json(body);
        }
        for (name, value) in headers {
            request = request.header(*name, *value);
        }
        let response = request.send().await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let bytes = response.bytes().await.unwrap();
        let body = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
        Reply {
            status,
            headers,
            body,
        }
    }

    /// GET with a token.
    pub async fn get(&self, path: &str, token: &str) -> Reply {
        self.send(Method::GET, path, Some(token), None, &[]).await
    }

    /// POST JSON with a token.
    pub async fn post(&self, path: &str, token: &str, body: &Value) -> Reply {
        self.send(Method::POST, path, Some(token), Some(body), &[])
            .await
    }

    /// Creates a workflow from `document` as the owner; returns its id.
    pub async fn create_workflow(&self, document: &Value) -> String {
        let reply = self
            .post("/api/v2/workflows", &self.owner(), document)
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        reply.body["id"].as_str().unwrap().to_string()
    }

    /// Creates and activates a workflow; returns its id.
    pub async fn active_workflow(&self, document: &Value) -> String {
        let id = self.create_workflow(document).await;
        let reply = self
            .post(
                &format!("/api/v2/workflows/{id}/activate"),
                &self.owner(),
                &Value::Null,
            )
            .await;
        assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
        id
    }

    /// Stops the server and the worker.
    pub async fn stop(self) {
        self.server.abort();
        self.env.stop().await;
    }
}

/// Creates the org `id` in `store` unless it exists.
pub async fn create_org(store: &atlas::store::Store, id: &str) {
    store
        .ensure_org(&Org {
            id: id.into(),
            name: format!("{id} (test)"),
            time_zone: "UTC".into(),
        })
        .await
        .unwrap_or_else(|e| panic!("creating org {id}: {e}"));
}

/// A valid workflow: lead created, then the no-op action.
pub fn noop_workflow(name: &str) -> Value {
    serde_json::json!({
        "name": name,
        "tags": ["onboarding"],
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": "act", "kind": "action", "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": "act", "outcome": "next" } ]
    })
}
