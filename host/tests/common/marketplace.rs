//! Marketplace fixtures: partner components with any manifest (the
//! `test-partner` guest's manifest slot rewritten), publisher accounts with
//! real ed25519 keys, and the publish / approve / install calls.

use atlas::api::auth::Role;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use marketplace::KeyFile;
use reqwest::StatusCode;
use serde_json::{Value, json};

use super::api::{Reply, TestApi};
use super::component_bytes;

const SLOT_MARKER: &[u8] = b"ATLAS-TEST-MANIFEST-SLOT:";
const SLOT_LEN: usize = 1024;

/// The `test-partner` component with its manifest slot set to `manifest`
/// (`id`, `version`, optional `capabilities` and `input_schema` as a string).
pub fn partner_component(manifest: &Value) -> Vec<u8> {
    let mut bytes = component_bytes("test-partner");
    let at = bytes
        .windows(SLOT_MARKER.len())
        .position(|w| w == SLOT_MARKER)
        .expect("the manifest slot is in the component")
        + SLOT_MARKER.len();
    let json = manifest.to_string();
    assert!(json.len() <= SLOT_LEN, "manifest too long for the slot");
    let mut slot = json.into_bytes();
    slot.resize(SLOT_LEN, b' ');
    bytes[at..at + SLOT_LEN].copy_from_slice(&slot);
    bytes
}

/// A component of `id` at `version` requesting `capabilities`.
pub fn echo_component(id: &str, version: &str, capabilities: &[&str]) -> Vec<u8> {
    partner_component(&json!({ "id": id, "version": version, "capabilities": capabilities }))
}

/// A partner org with a registered key.
pub struct Partner {
    /// The partner's org (its publisher id).
    pub org: String,
    /// A `partner` token in that org.
    pub token: String,
    /// Its signing key.
    pub key: KeyFile,
}

impl Partner {
    /// Registers a new key for `org` as a partner (creating the account).
    pub async fn register(api: &TestApi, org: &str) -> Self {
        Self::register_as(api, org, Role::Partner).await
    }

    /// Registers a new key for `org` (created when missing) acting as `role`.
    pub async fn register_as(api: &TestApi, org: &str, role: Role) -> Self {
        api.create_org(org).await;
        let token = api.token_for(org, role, &format!("{org}-dev"));
        let key = KeyFile::generate();
        let reply = api
            .post(
                "/api/v2/publisher/keys",
                &token,
                &json!({ "public_key": key.public_key, "publisher_name": format!("{org} Ltd") }),
            )
            .await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        assert_eq!(reply.body["key_id"], key.key_id.as_str());
        Self {
            org: org.into(),
            token,
            key,
        }
    }

    /// Publishes `bytes` signed with this partner's key.
    pub async fn publish(&self, api: &TestApi, bytes: &[u8]) -> Reply {
        let signature = self.key.sign(bytes).unwrap();
        self.publish_signed(
            api,
            bytes,
            &signature.key_id,
            &signature.signature,
            "public",
        )
        .await
    }

    /// Publishes `bytes` with the given key id and signature.
    pub async fn publish_signed(
        &self,
        api: &TestApi,
        bytes: &[u8],
        key_id: &str,
        signature: &str,
        visibility: &str,
    ) -> Reply {
        api.post(
            "/api/v2/marketplace/publish",
            &self.token,
            &json!({
                "component": STANDARD.encode(bytes),
                "signature": signature,
                "key_id": key_id,
                "changelog": "Test release.",
                "visibility": visibility,
            }),
        )
        .await
    }

    /// Publishes `bytes` and asserts it is accepted, pending review.
    pub async fn published(&self, api: &TestApi, bytes: &[u8]) {
        let reply = self.publish(api, bytes).await;
        assert_eq!(reply.status, StatusCode::CREATED, "{:?}", reply.body);
        assert_eq!(reply.body["status"], "pending");
    }
}

/// A platform admin's token.
pub fn platform_admin(api: &TestApi) -> String {
    api.token_for("platform", Role::PlatformAdmin, "reviewer-1")
}

/// Approves a pending version as a platform admin.
pub async fn approve(api: &TestApi, id: &str, version: &str) {
    let reply = api
        .post(
            &format!("/api/v2/review/{id}/{version}/approve"),
            &platform_admin(api),
            &Value::Null,
        )
        .await;
    assert_eq!(reply.status, StatusCode::NO_CONTENT, "{:?}", reply.body);
}

/// Installs a version into the org of `token` with `grants`.
pub async fn install(
    api: &TestApi,
    token: &str,
    id: &str,
    version: &str,
    grants: &[&str],
) -> Reply {
    api.post(
        "/api/v2/installs",
        token,
        &json!({ "plugin_id": id, "version": version, "grants": grants }),
    )
    .await
}

/// A workflow: lead created, then `id@version` with `input`.
pub fn partner_workflow(name: &str, id: &str, version: &str, input: Value) -> Value {
    json!({
        "name": name,
        "nodes": [
            { "id": "start", "kind": "trigger", "config": { "event": "lead_created" } },
            { "id": "act", "kind": "action", "config": { "plugin": id, "version": version, "input": input } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": "act", "outcome": "next" } ]
    })
}
