//! `atlas serve` seeds the demo org once: contacts with tags, bookings and
//! memberships, two workflows from templates (one active) and finished
//! executions, so a new install opens on something to look at. A restart
//! seeds nothing twice, and no other org gets a row.

mod common;

use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::Value;
use sqlx::Row;

/// A running `atlas serve` over `data`, and its base URL.
struct Served {
    child: Child,
    base: String,
}

impl Served {
    async fn start(data: &Path) -> Self {
        let port = {
            let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            l.local_addr().unwrap().port()
        };
        let child = Command::new(env!("CARGO_BIN_EXE_atlas"))
            .env("ATLAS_LOG", "error")
            .args([
                "serve",
                "--seed-demo",
                "--listen",
                &format!("127.0.0.1:{port}"),
            ])
            .arg("--data-dir")
            .arg(data)
            .arg("--plugins-dir")
            .arg(common::repo_root().join("target/components"))
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        while reqwest::get(format!("{base}/api/v2/health")).await.is_err() {
            assert!(
                started.elapsed() < Duration::from_secs(60),
                "server did not start"
            );
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        Self { child, base }
    }

    /// Stops the server and returns what it printed.
    async fn stop(self) -> String {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let child = self.child;
        let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
            .await
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
}

fn demo_token(data: &Path) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(["token", "--org", "demo", "--role", "owner", "--data-dir"])
        .arg(data)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

async fn get(base: &str, token: &str, path: &str) -> Value {
    let response = reqwest::Client::new()
        .get(format!("{base}/api/v2{path}"))
        .bearer_auth(token)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200, "GET {path}");
    response.json().await.unwrap()
}

/// Row counts per table of the demo's data: (table, rows in `demo`, rows elsewhere).
async fn counts(data: &Path) -> Vec<(String, i64, i64)> {
    let db = sqlx::SqlitePool::connect(&format!(
        "sqlite://{}?mode=ro",
        data.join("atlas.db").display()
    ))
    .await
    .unwrap();
    let mut counts = Vec::new();
    for table in [
        "contacts",
        "contact_tags",
        "classes",
        "bookings",
        "memberships",
        "workflows",
        "executions",
    ] {
        let row = sqlx::query(&format!(
            "SELECT SUM(org_id = 'demo') AS demo, SUM(org_id <> 'demo') AS other FROM {table}"
        ))
        .fetch_one(&db)
        .await
        .unwrap();
        counts.push((
            table.to_string(),
            row.try_get::<Option<i64>, _>("demo").unwrap().unwrap_or(0),
            row.try_get::<Option<i64>, _>("other").unwrap().unwrap_or(0),
        ));
    }
    db.close().await;
    counts
}

#[tokio::test]
async fn serve_seeds_the_demo_org_once_with_contacts_workflows_and_finished_runs() {
    let data = tempfile::tempdir().unwrap();
    let served = Served::start(data.path()).await;
    let token = demo_token(data.path());

    let contacts = get(&served.base, &token, "/contacts?limit=100").await;
    let contacts = contacts["items"].as_array().unwrap();
    assert_eq!(contacts.len(), 12, "{contacts:?}");
    assert!(
        contacts
            .iter()
            .all(|c| !c["tags"].as_array().unwrap().is_empty())
    );
    let members = contacts.iter().filter(|c| c["status"] == "member").count();
    assert!(members >= 4, "{members} members");

    let workflows = get(&served.base, &token, "/workflows").await;
    let workflows = workflows["items"].as_array().unwrap();
    assert_eq!(workflows.len(), 2, "{workflows:?}");
    let active: Vec<_> = workflows
        .iter()
        .filter(|w| w["status"] == "active")
        .collect();
    assert_eq!(active.len(), 1, "{workflows:?}");
    let active_id = active[0]["id"].as_str().unwrap().to_string();

    // The sample check-ins started the active workflow; each run finishes.
    let started = Instant::now();
    let completed = loop {
        let runs = get(
            &served.base,
            &token,
            &format!("/executions?workflow_id={active_id}&status=completed"),
        )
        .await;
        let n = runs["items"].as_array().unwrap().len();
        if n >= 6 {
            break n;
        }
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "{n} completed runs after 30 s"
        );
        tokio::time::sleep(Duration::from_millis(200)).await;
    };
    let analytics = get(
        &served.base,
        &token,
        &format!("/workflows/{active_id}/analytics"),
    )
    .await;
    assert!(
        analytics["executions"]["completed"].as_i64().unwrap() >= completed as i64,
        "analytics show the runs: {analytics}"
    );
    let first = served.stop().await;
    assert!(
        first.contains("demo org `demo` seeded: 12 contacts"),
        "{first}"
    );

    let before = counts(data.path()).await;
    assert!(before.iter().all(|(_, _, other)| *other == 0), "{before:?}");
    assert!(before.iter().all(|(_, demo, _)| *demo > 0), "{before:?}");

    // A restart finds the demo seeded and writes nothing more.
    let again = Served::start(data.path()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let second = again.stop().await;
    assert!(!second.contains("seeded:"), "{second}");
    assert_eq!(counts(data.path()).await, before);
}
