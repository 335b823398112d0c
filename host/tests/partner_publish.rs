//! The partner's publishing commands as partners run them: `atlas plugin
//! keygen` (with and without registering the key), `sign` and `publish`,
//! against a loopback server that records what it was sent and answers as
//! the marketplace API does.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use axum::routing::post;
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use marketplace::{KeyFile, SignatureFile, verify_signature};
use serde_json::{Value, json};

fn atlas() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas"));
    cmd.env("ATLAS_LOG", "error").env_remove("ATLAS_TOKEN");
    cmd
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("running atlas"))
        .await
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// A fresh directory for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("partner-publish-{test}"));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// One request the server received: its path, authorization header and JSON body.
#[derive(Debug, Clone)]
struct Received {
    path: String,
    authorization: String,
    body: Value,
}

/// A loopback server answering every POST with one fixed status and body.
struct Server {
    url: String,
    received: Arc<Mutex<Vec<Received>>>,
}

impl Server {
    async fn start(status: StatusCode, content_type: &'static str, answer: Value) -> Self {
        let received = Arc::new(Mutex::new(Vec::new()));
        let log = received.clone();
        let handler = move |uri: axum::http::Uri, headers: HeaderMap, body: String| {
            let log = log.clone();
            let answer = answer.clone();
            async move {
                log.lock().unwrap().push(Received {
                    path: uri.path().to_owned(),
                    authorization: headers
                        .get("authorization")
                        .and_then(|v| v.to_str().ok())
                        .unwrap_or_default()
                        .to_owned(),
                    body: serde_json::from_str(&body).unwrap_or(Value::Null),
                });
                (
                    status,
                    [(axum::http::header::CONTENT_TYPE, content_type)],
                    answer.to_string(),
                )
                    .into_response()
            }
        };
        let app = Router::new()
            .route("/api/v2/publisher/keys", post(handler.clone()))
            .route("/api/v2/marketplace/publish", post(handler));
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move {
            let _ = axum::serve(listener, app).await;
        });
        Self { url, received }
    }

    fn received(&self) -> Vec<Received> {
        self.received.lock().unwrap().clone()
    }
}

#[tokio::test]
async fn keygen_writes_a_private_key_file_and_refuses_to_overwrite_it() {
    let dir = scratch("keygen");
    let key_path = dir.join("publisher.key");
    let mut cmd = atlas();
    cmd.args(["plugin", "keygen", "--out"]).arg(&key_path);
    let out = run(cmd).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let key: KeyFile = serde_json::from_slice(&std::fs::read(&key_path).unwrap()).unwrap();
    let stdout = text(&out.stdout);
    assert!(stdout.contains(&key.key_id), "{stdout}");
    assert!(stdout.contains(&key.public_key), "{stdout}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        let mode = std::fs::metadata(&key_path).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600, "mode {mode:o}");
    }

    let before = std::fs::read(&key_path).unwrap();
    let mut again = atlas();
    again.args(["plugin", "keygen", "--out"]).arg(&key_path);
    let out = run(again).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("already exists"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(
        std::fs::read(&key_path).unwrap(),
        before,
        "the key file changed"
    );
}

#[tokio::test]
async fn keygen_registers_the_public_key_with_the_server() {
    let server = Server::start(
        StatusCode::CREATED,
        "application/json",
        json!({"key_id": "from-server", "publisher_id": "pub_1"}),
    )
    .await;
    let dir = scratch("keygen-register");
    let key_path = dir.join("publisher.key");
    let mut cmd = atlas();
    cmd.args(["plugin", "keygen", "--out"])
        .arg(&key_path)
        .args(["--server", &server.url, "--token", "tok_admin"])
        .args(["--publisher", "Acme Loyalty"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(
        text(&out.stdout).contains("registered key from-server"),
        "{}",
        text(&out.stdout)
    );

    let key: KeyFile = serde_json::from_slice(&std::fs::read(&key_path).unwrap()).unwrap();
    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/api/v2/publisher/keys");
    assert_eq!(received[0].authorization, "Bearer tok_admin");
    assert_eq!(
        received[0].body,
        json!({"public_key": key.public_key, "publisher_name": "Acme Loyalty"})
    );
}

#[tokio::test]
async fn a_refused_registration_prints_the_problem_detail() {
    let server = Server::start(
        StatusCode::FORBIDDEN,
        "application/problem+json",
        json!({
            "type": "https://atlas.example/problems/forbidden",
            "title": "Forbidden",
            "status": 403,
            "detail": "registering publisher keys needs the org admin role"
        }),
    )
    .await;
    let dir = scratch("keygen-refused");
    let mut cmd = atlas();
    cmd.args(["plugin", "keygen", "--out"])
        .arg(dir.join("publisher.key"))
        .args(["--server", &server.url, "--token", "tok_member"])
        .args(["--publisher", "Acme"]);
    let out = run(cmd).await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(
        stderr.contains("registering publisher keys needs the org admin role"),
        "{stderr}"
    );
    assert!(stderr.contains("403"), "{stderr}");
}

/// Writes a key file and a stand-in component, and signs it with the CLI.
async fn signed_component(dir: &Path) -> (KeyFile, PathBuf, Vec<u8>) {
    let key = KeyFile::generate();
    let key_path = dir.join("publisher.key");
    std::fs::write(&key_path, serde_json::to_string(&key).unwrap()).unwrap();
    let component = dir.join("points.wasm");
    let bytes = b"\0asm\x0d\0\x01\0 stand-in component bytes".to_vec();
    std::fs::write(&component, &bytes).unwrap();
    let mut cmd = atlas();
    cmd.args(["plugin", "sign", "--key"])
        .arg(&key_path)
        .arg(&component);
    let out = run(cmd).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    (key, component, bytes)
}

#[tokio::test]
async fn sign_writes_a_signature_the_marketplace_verifies() {
    let dir = scratch("sign");
    let (key, component, bytes) = signed_component(&dir).await;
    let signature: SignatureFile =
        serde_json::from_slice(&std::fs::read(dir.join("points.wasm.sig")).unwrap()).unwrap();
    assert_eq!(signature.key_id, key.key_id);
    verify_signature(&key.public_key, &bytes, &signature.signature).unwrap();

    let mut tampered = std::fs::read(&component).unwrap();
    tampered.push(0);
    assert!(verify_signature(&key.public_key, &tampered, &signature.signature).is_err());
}

#[tokio::test]
async fn publish_uploads_component_signature_and_changelog() {
    let server = Server::start(
        StatusCode::CREATED,
        "application/json",
        json!({"plugin_id": "partner.points", "version": "0.1.0", "sha256": "ab12", "status": "pending"}),
    )
    .await;
    let dir = scratch("publish");
    let (key, component, bytes) = signed_component(&dir).await;
    let mut cmd = atlas();
    cmd.args([
        "plugin",
        "publish",
        "--server",
        &server.url,
        "--token",
        "tok_pub",
    ])
    .arg(&component)
    .args(["--changelog", "First version"]);
    let out = run(cmd).await;
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    assert!(
        stdout.contains("published partner.points@0.1.0"),
        "{stdout}"
    );
    assert!(stdout.contains("pending"), "{stdout}");

    let received = server.received();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].path, "/api/v2/marketplace/publish");
    assert_eq!(received[0].authorization, "Bearer tok_pub");
    let body = &received[0].body;
    assert_eq!(
        B64.decode(body["component"].as_str().unwrap()).unwrap(),
        bytes
    );
    assert_eq!(body["key_id"], key.key_id);
    assert_eq!(body["changelog"], "First version");
    verify_signature(&key.public_key, &bytes, body["signature"].as_str().unwrap()).unwrap();
}

#[tokio::test]
async fn a_refused_publish_names_the_failed_check() {
    let server = Server::start(
        StatusCode::UNPROCESSABLE_ENTITY,
        "application/problem+json",
        json!({
            "type": "https://atlas.example/problems/publish-check",
            "title": "Publish check failed",
            "status": 422,
            "detail": "version 0.1.0 is not greater than the published 0.1.0",
            "check": "version"
        }),
    )
    .await;
    let dir = scratch("publish-refused");
    let (_, component, _) = signed_component(&dir).await;
    let mut cmd = atlas();
    cmd.args([
        "plugin",
        "publish",
        "--server",
        &server.url,
        "--token",
        "tok_pub",
    ])
    .arg(&component);
    let out = run(cmd).await;
    assert!(!out.status.success());
    let stderr = text(&out.stderr);
    assert!(stderr.contains("failed check: version"), "{stderr}");
    assert!(
        stderr.contains("is not greater than the published"),
        "{stderr}"
    );
}

#[tokio::test]
async fn publish_without_a_signature_says_to_sign_first() {
    let dir = scratch("publish-unsigned");
    let component = dir.join("points.wasm");
    std::fs::write(&component, b"\0asm").unwrap();
    let mut cmd = atlas();
    cmd.args([
        "plugin",
        "publish",
        "--server",
        "http://127.0.0.1:9",
        "--token",
        "t",
    ])
    .arg(&component);
    let out = run(cmd).await;
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("atlas plugin sign"),
        "{}",
        text(&out.stderr)
    );
}
