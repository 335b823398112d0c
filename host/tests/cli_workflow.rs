//! Operating workflows from the terminal: validate, save (bad input is refused
//! and nothing is stored), run, send events, inspect executions.

mod common;

use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::recorder::{Recorder, Reply};
use common::repo_root;
use serde_json::{Value, json};

fn atlas(data: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas"));
    cmd.args(args)
        .arg("--data-dir")
        .arg(data)
        .env("ATLAS_LOG", "error");
    cmd
}

fn with_plugins(mut cmd: Command) -> Command {
    cmd.arg("--plugins-dir")
        .arg(repo_root().join("target/components"))
        .args(["--allow-net", "127.0.0.0/8"]);
    cmd
}

async fn output(cmd: Command) -> Output {
    let mut cmd = cmd;
    tokio::task::spawn_blocking(move || cmd.output().unwrap())
        .await
        .unwrap()
}

fn workflow(url: &str) -> Value {
    json!({
        "name": "Lead welcome",
        "nodes": [
            { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "lead_created" } },
            { "id": "hook", "kind": "action", "position": {"x": 0, "y": 200},
              "config": { "plugin": "atlas.webhook.send", "version": "0.1.0",
                          "input": { "url": url, "body": { "hello": "{{contact.first_name | default: 'friend'}}", "source": "{{trigger.source}}" } } } }
        ],
        "edges": [ { "id": "e1", "source": "start", "target": "hook", "outcome": "next" } ]
    })
}

#[tokio::test]
async fn bad_workflow_documents_are_refused_clearly_and_nothing_is_stored() {
    let data = tempfile::tempdir().unwrap();
    let file = data.path().join("wf.json");

    std::fs::write(&file, "{ \"name\": \"x\", \"nodes\": [ { \"id\": ").unwrap();
    let mut cmd = with_plugins(atlas(data.path(), &["workflow", "save", "--id", "broken"]));
    cmd.arg(&file);
    let out = output(cmd).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("line 1"), "{stderr}");
    assert!(stderr.contains("not saved"), "{stderr}");

    let nodes: Vec<Value> = (0..100_000)
        .map(|i| json!({ "id": format!("n{i}"), "kind": "exit", "position": {"x": 0, "y": 0}, "config": {} }))
        .collect();
    std::fs::write(
        &file,
        json!({ "name": "huge", "nodes": nodes, "edges": [] }).to_string(),
    )
    .unwrap();
    let mut cmd = with_plugins(atlas(data.path(), &["workflow", "save", "--id", "huge"]));
    cmd.arg(&file);
    let started = Instant::now();
    let out = output(cmd).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr.contains("at most 2000 nodes"), "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10));

    let template = "x".repeat(1 << 20);
    let mut doc = workflow("https://hooks.example.com/x");
    doc["nodes"][1]["config"]["input"]["body"]["hello"] =
        json!(format!("{{{{contact.first_name}}}}{template}"));
    std::fs::write(&file, doc.to_string()).unwrap();
    let mut cmd = with_plugins(atlas(data.path(), &["workflow", "validate"]));
    cmd.arg(&file);
    let out = output(cmd).await;
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr.contains("node hook: config.input.body.hello"),
        "{stderr}"
    );

    let store = atlas::store::Store::open_in_dir(
        data.path(),
        atlas::store::SecretCipher::new(
            &atlas::store::load_or_create_master_key(None, data.path()).unwrap(),
        ),
    )
    .await
    .unwrap();
    assert!(store.workflow("demo", "broken").await.unwrap().is_none());
    assert!(store.workflow("demo", "huge").await.unwrap().is_none());
}

#[tokio::test]
async fn a_saved_workflow_runs_from_the_terminal_and_fires_on_events() {
    let data = tempfile::tempdir().unwrap();
    let server = Recorder::start(Reply::json(json!({ "ok": true }))).await;
    let file = data.path().join("wf.json");
    std::fs::write(&file, workflow(&server.url("/welcome")).to_string()).unwrap();

    let mut cmd = with_plugins(atlas(
        data.path(),
        &["workflow", "save", "--id", "welcome", "--activate"],
    ));
    cmd.arg(&file);
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout).trim(),
        "saved workflow welcome version 1 (active)"
    );

    let cmd = with_plugins(atlas(
        data.path(),
        &[
            "workflow",
            "run",
            "welcome",
            "--wait",
            "--contact",
            r#"{"id":"c1","first_name":"Ada"}"#,
            "--trigger",
            r#"{"source":"website"}"#,
        ],
    ));
    let out = output(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json_start = stdout.find('{').unwrap();
    let report: Value = serde_json::from_str(&stdout[json_start..]).unwrap();
    assert_eq!(report["execution"]["status"], "completed");
    assert_eq!(report["steps"][1]["output"]["status"], 200);
    assert_eq!(
        server.requests()[0].json(),
        json!({ "hello": "Ada", "source": "website" })
    );

    // An event fires the active workflow; a worker (here: `workflow run --wait`'s
    // sibling, a plain `atlas worker`) carries it out.
    let cmd = with_plugins(atlas(
        data.path(),
        &[
            "event",
            "lead_created",
            "--contact",
            r#"{"id":"c2"}"#,
            "--payload",
            r#"{"source":"walk-in"}"#,
        ],
    ));
    let out = output(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let outcome: Value = serde_json::from_slice(&out.stdout).unwrap();
    let started = outcome["started"][0].as_str().unwrap().to_string();

    let mut worker = with_plugins(atlas(data.path(), &["worker"]))
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while server.requests().len() < 2 {
        assert!(
            Instant::now() < deadline,
            "the worker did not run the event's execution"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    // The webhook's request arrives before the worker records the step, so
    // wait for the execution itself to finish before stopping the worker.
    let shown = loop {
        let out = output(atlas(data.path(), &["execution", "show", &started])).await;
        let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
        if shown["execution"]["status"] != "waiting" && shown["execution"]["status"] != "running" {
            break shown;
        }
        assert!(
            Instant::now() < deadline,
            "the worker did not finish the event's execution: {shown}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    let _ = Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status();
    worker.wait().unwrap();
    assert_eq!(
        server.requests()[1].json(),
        json!({ "hello": "friend", "source": "walk-in" })
    );
    assert_eq!(shown["execution"]["status"], "completed");
    assert!(shown["events"].as_array().unwrap().len() >= 3);

    let out = output(with_plugins(atlas(
        data.path(),
        &["event", "lead_exploded"],
    )))
    .await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown trigger event `lead_exploded`"));
}
