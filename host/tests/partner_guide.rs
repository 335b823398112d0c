//! The README's partner guide, end to end, with the real `atlas` binary
//! against a real server on loopback: scaffold, test, build, keygen (with
//! registration), sign, publish; then a platform admin approves, an org
//! admin installs with grants and a secret, a workflow uses the action and
//! runs it against the partner's API.

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use atlas::api::auth::Role;
use atlas::store::ExecutionStatus;
use common::api::TestApi;
use common::engine::Db;
use common::marketplace::{partner_workflow, platform_admin};
use common::recorder::{Recorder, Reply};
use reqwest::StatusCode;
use serde_json::json;

const ID: &str = "acme.points_lookup";

fn atlas(args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .env("ATLAS_LOG", "error")
        .args(args)
        .output()
        .expect("running atlas");
    assert!(
        out.status.success(),
        "atlas {args:?} failed\nstdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn path(p: &Path) -> &str {
    p.to_str().expect("UTF-8 path")
}

/// The guest target directory shared with the other guest builds.
fn guest_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("guests"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/guests"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_partner_guide_publishes_an_action_an_org_installs_and_runs() {
    let api = TestApi::start(Db::Sqlite).await;
    let partner_api = Recorder::start(Reply::json(json!({ "id": "m_42", "points": 120 }))).await;
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join("partner-guide");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let project = root.join("points-lookup");
    let targets = guest_target_dir();

    // 1–2. Scaffold and test against the scripted host.
    atlas(&[
        "plugin",
        "new",
        "points-lookup",
        "--dir",
        path(&project),
        "--id",
        ID,
    ]);
    let tested = atlas(&[
        "plugin",
        "test",
        "--dir",
        path(&project),
        "--target-dir",
        path(&targets),
    ]);
    let report = String::from_utf8_lossy(&tested.stdout);
    assert!(report.contains("PASS"), "{report}");
    assert!(!report.contains("FAIL"), "{report}");

    // The partner points the action at its API (here, a loopback server
    // that answers like it); the manifest requests exactly that host.
    let source = project.join("src/lib.rs");
    let code = std::fs::read_to_string(&source).unwrap();
    let port = partner_api.addr.port();
    let code = code
        .replace(
            r#"const API_HOST: &str = "api.example.com";"#,
            r#"const API_HOST: &str = "127.0.0.1";"#,
        )
        .replace(
            "\"https://{API_HOST}/v1",
            &format!("\"http://{{API_HOST}}:{port}/v1"),
        );
    assert!(
        code.contains(&format!(":{port}/v1")),
        "the scaffold's URL moved"
    );
    std::fs::write(&source, code).unwrap();

    // 3. Build.
    let out_dir = root.join("components");
    atlas(&[
        "plugin",
        "build",
        path(&project),
        "--out",
        path(&out_dir),
        "--target-dir",
        path(&targets),
    ]);
    let component = out_dir.join("points-lookup.wasm");
    assert!(component.is_file());

    // 4–6. Key (registered with the server), signature, publish.
    api.create_org("acme").await;
    let partner = api.token_for("acme", Role::Partner, "acme-dev");
    let key = root.join("publisher.key");
    atlas(&[
        "plugin",
        "keygen",
        "--out",
        path(&key),
        "--server",
        &api.base,
        "--token",
        &partner,
        "--publisher",
        "Acme Loyalty",
    ]);
    atlas(&["plugin", "sign", "--key", path(&key), path(&component)]);
    assert!(root.join("components/points-lookup.wasm.sig").is_file());
    let published = atlas(&[
        "plugin",
        "publish",
        "--server",
        &api.base,
        "--token",
        &partner,
        path(&component),
        "--changelog",
        "First version",
    ]);
    assert!(
        String::from_utf8_lossy(&published.stdout).contains("pending"),
        "{published:?}"
    );

    // 7. A platform admin approves.
    let approved = api
        .post(
            &format!("/api/v2/review/{ID}/0.1.0/approve"),
            &platform_admin(&api),
            &serde_json::Value::Null,
        )
        .await;
    assert_eq!(
        approved.status,
        StatusCode::NO_CONTENT,
        "{:?}",
        approved.body
    );

    // 8. An org admin installs it with the grants it lists and its secret.
    let owner = api.owner();
    let listed = api
        .get(&format!("/api/v2/marketplace/plugins/{ID}"), &owner)
        .await;
    let requested: Vec<String> = listed.body["versions"][0]["capabilities"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["capability"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(requested, ["http:127.0.0.1", "secret:api_key"]);
    let installed = api
        .post(
            "/api/v2/installs",
            &owner,
            &json!({ "plugin_id": ID, "version": "0.1.0", "grants": requested, "secrets": { "api_key": "sk_live_1" } }),
        )
        .await;
    assert_eq!(
        installed.status,
        StatusCode::CREATED,
        "{:?}",
        installed.body
    );
    assert_eq!(installed.body["install"]["status"], "active");

    // In the palette, then in a workflow that runs.
    let catalog = api.get(&format!("/api/v2/catalog/{ID}"), &owner).await;
    assert_eq!(catalog.body["items"][0]["name"], "Look up loyalty points");
    let workflow = api
        .active_workflow(&partner_workflow(
            "Points",
            ID,
            "0.1.0",
            json!({ "email": "{{contact.email}}" }),
        ))
        .await;
    let started = api
        .post(
            &format!("/api/v2/workflows/{workflow}/execute"),
            &owner,
            &json!({ "contact": common::engine::contact("c1"), "trigger": {} }),
        )
        .await;
    assert_eq!(started.status, StatusCode::ACCEPTED, "{:?}", started.body);
    let execution = started.body["execution_id"].as_str().unwrap().to_string();
    api.env
        .wait_for(&execution, ExecutionStatus::Completed)
        .await;
    let steps = api.env.steps(&execution).await;
    let step = steps.iter().find(|s| s.node_id == "act").unwrap();
    assert_eq!(step.outcome.as_deref(), Some("found"));
    assert_eq!(step.output.as_ref().unwrap()["points"], 120);
    let calls = partner_api.requests();
    assert_eq!(calls.len(), 1);
    assert!(
        calls[0].path.contains("email=ada%40example.com"),
        "{:?}",
        calls[0].path
    );
    assert_eq!(
        calls[0].header("authorization").as_deref(),
        Some("Bearer sk_live_1")
    );
    api.stop().await;
}
