//! `atlas contact …` from a terminal: add, list, show, tag; a new tag starts
//! the org's matching active workflow.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use atlas::store::{SecretCipher, Store};
use common::repo_root;
use serde_json::{Value, json};

fn atlas(data: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(args)
        .arg("--data-dir")
        .arg(data)
        .env("ATLAS_LOG", "error")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "atlas {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn plugins() -> String {
    repo_root()
        .join("target/test-components")
        .display()
        .to_string()
}

#[test]
fn contacts_are_added_listed_shown_and_tagged() {
    let data = tempfile::tempdir().unwrap();
    let dir = data.path();
    let workflow = dir.join("vip.json");
    std::fs::write(
        &workflow,
        json!({
            "name": "VIP welcome",
            "nodes": [
                { "id": "start", "kind": "trigger", "position": {"x": 0, "y": 0}, "config": { "event": "tag_added", "tag": "vip" } },
                { "id": "work", "kind": "action", "position": {"x": 0, "y": 0},
                  "config": { "plugin": "atlas.test.noop", "version": "0.1.0", "input": {} } },
                { "id": "end", "kind": "exit", "position": {"x": 0, "y": 0}, "config": {} }
            ],
            "edges": [
                { "id": "e1", "source": "start", "target": "work", "outcome": "next" },
                { "id": "e2", "source": "work", "target": "end", "outcome": "done" }
            ]
        })
        .to_string(),
    )
    .unwrap();
    let plugins = plugins();
    let workflow = workflow.display().to_string();
    atlas(
        dir,
        &[
            "workflow",
            "save",
            &workflow,
            "--id",
            "vip",
            "--activate",
            "--plugins-dir",
            &plugins,
        ],
    );

    let out = atlas(
        dir,
        &[
            "contact",
            "add",
            "--first-name",
            "Ada",
            "--last-name",
            "Lovelace",
            "--email",
            "ada@example.com",
            "--consent",
            "email",
            "--tag",
            "trial",
            "--birthday",
            "1990-04-21",
            "--plugins-dir",
            &plugins,
        ],
    );
    let added: Value = serde_json::from_slice(&out.stdout).unwrap();
    let id = added["id"].as_str().unwrap().to_string();
    assert_eq!(added["tags"], json!(["trial"]));
    assert_eq!(added["consent"]["email"], true);
    assert_eq!(added["consent"]["sms"], false);

    let out = atlas(dir, &["contact", "list"]);
    let listing = String::from_utf8(out.stdout).unwrap();
    assert!(
        listing.contains(&id) && listing.contains("Ada Lovelace"),
        "{listing}"
    );
    assert!(listing.contains("1 contact(s)"), "{listing}");

    let out = atlas(
        dir,
        &["contact", "tag", &id, "vip", "--plugins-dir", &plugins],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("tagged"));
    let out = atlas(
        dir,
        &["contact", "tag", &id, "vip", "--plugins-dir", &plugins],
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("already had"));

    let out = atlas(dir, &["contact", "show", &id]);
    let shown: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(shown["contact"]["tags"], json!(["trial", "vip"]));
    assert_eq!(shown["contact"]["birthday"], "1990-04-21");

    let missing = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(["contact", "show", "no-such-contact", "--data-dir"])
        .arg(dir)
        .output()
        .unwrap();
    assert!(!missing.status.success());
    assert!(String::from_utf8_lossy(&missing.stderr).contains("does not exist"));

    let runtime = tokio::runtime::Runtime::new().unwrap();
    let started = runtime.block_on(async {
        let store = Store::open_in_dir(dir, SecretCipher::ephemeral())
            .await
            .unwrap();
        store
            .executions("demo", Some("vip"), None, 10)
            .await
            .unwrap()
    });
    assert_eq!(started.len(), 1, "one vip tag, one execution");
    assert_eq!(started[0].contact_id.as_deref(), Some(id.as_str()));
    assert_eq!(started[0].trigger["tag"], "vip");
}
