//! The `atlas` binary as users run it: `plugin run` and `serve`.

mod common;

use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

use common::component_path;
use common::recorder::{Recorder, Reply};
use serde_json::{Value, json};

fn atlas() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas"));
    cmd.env("ATLAS_LOG", "error");
    cmd
}

async fn run(mut cmd: Command) -> Output {
    tokio::task::spawn_blocking(move || cmd.output().expect("running atlas"))
        .await
        .unwrap()
}

#[tokio::test]
async fn plugin_run_prints_output_fuel_memory_time_and_denials() {
    let server = Recorder::start(Reply::json(json!({ "received": true }))).await;
    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path("webhook-send"))
        .args(["--input", &json!({ "url": server.url("/cli"), "body": { "a": 1 }, "auth": { "type": "bearer", "token_secret": "tok" } }).to_string()])
        .args(["--grant", "http:*", "--secret", "tok=abc", "--allow-loopback", "--json"]);
    let out = run(cmd).await;
    assert!(
        out.status.success(),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["result"]["ok"]["outcome"], "success");
    assert_eq!(report["result"]["ok"]["data"]["json"]["received"], true);
    assert!(report["fuel_consumed"].as_u64().unwrap() > 0);
    assert!(report["peak_memory_bytes"].as_u64().unwrap() > 0);
    assert!(report["wall_time_us"].as_u64().unwrap() > 0);
    assert_eq!(report["denials"], json!([]));
    assert_eq!(
        server.requests()[0].header("authorization").as_deref(),
        Some("Bearer abc")
    );
}

#[tokio::test]
async fn plugin_run_reports_denied_calls_and_limits_in_plain_text() {
    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path("test-prober"))
        .args([
            "--input",
            r#"[{"http":"http://allowed.test/"},{"secret":"granted_secret"}]"#,
        ]);
    let out = run(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(
        stdout.contains("denied:      http http://allowed.test/"),
        "{stdout}"
    );
    assert!(
        stdout.contains("denied:      secret granted_secret"),
        "{stdout}"
    );
    assert!(stdout.contains("fuel:"), "{stdout}");
    assert!(stdout.contains("peak memory:"), "{stdout}");

    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path("test-spin"))
        .args(["--timeout-ms", "200", "--fuel", "1000000000000"]);
    let out = run(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stdout.contains("timed out after 200 ms (timeout)"),
        "{stdout}"
    );
}

#[tokio::test]
async fn plugin_run_rejects_bad_arguments_clearly() {
    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path("test-noop"))
        .args(["--input", "{not json"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--input is not valid JSON"));

    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path("test-noop"))
        .args(["--grant", "disk"]);
    let out = run(cmd).await;
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown capability `disk`"));

    let garbage = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(garbage.path(), b"\0asm\x0d\0\x01\0garbage").unwrap();
    let mut cmd = atlas();
    cmd.args(["plugin", "run"]).arg(garbage.path());
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid component"));
}

#[tokio::test]
async fn serve_loads_the_built_in_actions_and_answers_health_and_catalog() {
    let data = tempfile::tempdir().unwrap();
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let components = common::repo_root().join("target/components");
    let child = atlas()
        .args(["serve", "--listen", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data.path())
        .arg("--plugins-dir")
        .arg(&components)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let client = reqwest::Client::new();
    let base = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let health: Value = loop {
        if let Ok(r) = client.get(format!("{base}/api/v2/health")).send().await {
            break r.json().await.unwrap();
        }
        assert!(
            started.elapsed() < Duration::from_secs(60),
            "server did not start"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    };
    assert_eq!(health["status"], "ok");
    assert_eq!(health["database"]["kind"], "sqlite");
    assert!(health["runtime"]["plugins_loaded"].as_u64().unwrap() >= 1);

    // The catalog needs a token; `atlas token` signs one with the server's secret.
    let unauthenticated = client
        .get(format!("{base}/api/v2/catalog"))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthenticated.status(), 401);
    let mut cmd = atlas();
    cmd.args(["token", "--org", "demo", "--role", "viewer", "--data-dir"])
        .arg(data.path());
    let out = run(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let token = String::from_utf8_lossy(&out.stdout).trim().to_string();
    let catalog: Value = client
        .get(format!("{base}/api/v2/catalog"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let ids: Vec<&str> = catalog["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"atlas.webhook.send"), "{ids:?}");

    // Orgs are explicit: a token for an org never created is refused until
    // `atlas org create` makes it (here while the server runs).
    let mut cmd = atlas();
    cmd.args([
        "token",
        "--org",
        "gym-north",
        "--role",
        "owner",
        "--data-dir",
    ])
    .arg(data.path());
    let north = String::from_utf8_lossy(&run(cmd).await.stdout)
        .trim()
        .to_string();
    let refused = client
        .get(format!("{base}/api/v2/catalog"))
        .bearer_auth(&north)
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), 403);
    let problem: Value = refused.json().await.unwrap();
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("atlas org create"),
        "{problem}"
    );
    let mut cmd = atlas();
    cmd.args(["org", "create", "gym-north", "--name", "North Gym"])
        .args(["--time-zone", "Europe/Paris", "--data-dir"])
        .arg(data.path());
    let out = run(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let admitted = async || {
        client
            .get(format!("{base}/api/v2/catalog"))
            .bearer_auth(&north)
            .send()
            .await
            .unwrap()
            .status()
    };
    let deadline = Instant::now() + Duration::from_secs(10);
    while admitted().await != 200 {
        assert!(Instant::now() < deadline, "the new org was never admitted");
        tokio::time::sleep(Duration::from_millis(250)).await;
    }

    let missing = client
        .get(format!("{base}/api/v2/catalog/nope.nothing"))
        .bearer_auth(&token)
        .send()
        .await
        .unwrap();
    assert_eq!(missing.status(), 404);
    assert_eq!(
        missing.headers()["content-type"],
        "application/problem+json"
    );

    let _ = Command::new("kill")
        .args(["-TERM", &child.id().to_string()])
        .status();
    let out = tokio::task::spawn_blocking(move || child.wait_with_output().unwrap())
        .await
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("loaded atlas.webhook.send@"), "{stdout}");
    assert!(stdout.contains("demo org `demo`"), "{stdout}");
    let demo_token = stdout
        .lines()
        .skip_while(|l| !l.starts_with("demo token"))
        .nth(1)
        .expect("serve prints a demo token");
    assert_eq!(demo_token.split('.').count(), 3, "{demo_token}");
    assert!(data.path().join("jwt.secret").exists());
    assert!(data.path().join("atlas.db").exists());
    assert!(data.path().join("master.key").exists());
}

#[tokio::test]
async fn org_create_and_list_keep_reserved_and_existing_ids() {
    let data = tempfile::tempdir().unwrap();
    let org = |args: &[&str]| {
        let mut cmd = atlas();
        cmd.arg("org").args(args).arg("--data-dir").arg(data.path());
        run(cmd)
    };
    let out = org(&[
        "create",
        "gym-east",
        "--name",
        "East Gym",
        "--time-zone",
        "Asia/Tokyo",
    ])
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("created org `gym-east`"));

    let again = org(&["create", "gym-east", "--name", "Someone else"]).await;
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("exists already"));
    let tolerated = org(&["create", "gym-east", "--exists-ok"]).await;
    assert!(tolerated.status.success());

    for id in ["atlas", "platform", "system", "local", "Builtin"] {
        let reserved = org(&["create", id]).await;
        assert_eq!(reserved.status.code(), Some(1), "{id}");
        assert!(
            String::from_utf8_lossy(&reserved.stderr).contains("reserved"),
            "{id}: {}",
            String::from_utf8_lossy(&reserved.stderr)
        );
    }
    let bad_zone = org(&["create", "gym-west", "--time-zone", "Mars/Olympus"]).await;
    assert_eq!(bad_zone.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad_zone.stderr).contains("--time-zone"));

    let listed = org(&["list", "--json"]).await;
    assert!(listed.status.success());
    let orgs: Value = serde_json::from_slice(&listed.stdout).expect("JSON orgs");
    assert_eq!(
        orgs,
        json!([{ "id": "gym-east", "name": "East Gym", "time_zone": "Asia/Tokyo", "reseller_id": null, "created_at": orgs[0]["created_at"] }])
    );
    let table = org(&["list"]).await;
    assert!(String::from_utf8_lossy(&table.stdout).contains("East Gym"));

    let mut cmd = atlas();
    cmd.args(["token", "--org", "atlas", "--role", "partner", "--data-dir"])
        .arg(data.path());
    let token = run(cmd).await;
    assert_eq!(token.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&token.stderr).contains("reserved"));
}

/// `atlas plugin run` on a message action with its install secrets, the
/// provider on loopback; returns the JSON report.
async fn run_message_action(component: &str, input: Value, secrets: &[String]) -> Value {
    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path(component))
        .args(["--input", &input.to_string()])
        .args(["--grant", "http:*", "--allow-loopback", "--json"]);
    for secret in secrets {
        cmd.args(["--secret", secret]);
    }
    json_report(cmd).await
}

/// Runs `cmd`, which must succeed, and parses its JSON report.
async fn json_report(cmd: Command) -> Value {
    let out = run(cmd).await;
    assert!(
        out.status.success(),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

#[tokio::test]
async fn plugin_run_sends_an_email_with_secrets_and_grants() {
    let server = Recorder::start(Reply::status(202, "").header("x-message-id", "sg-cli-1")).await;
    let report = run_message_action(
        "email-send",
        json!({ "from": "studio@gym.example", "to": "ada@example.com", "subject": "Hi", "text": "Welcome" }),
        &[
            "sendgrid_api_key=SG.cli".into(),
            format!("sendgrid_base_url={}", server.url("")),
        ],
    )
    .await;
    assert_eq!(report["result"]["ok"]["outcome"], "sent");
    assert_eq!(report["result"]["ok"]["data"]["message_id"], "sg-cli-1");
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v3/mail/send");
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer SG.cli"));
}

#[tokio::test]
async fn plugin_run_sends_an_sms_with_secrets_and_grants() {
    let server = Recorder::start(Reply {
        status: 201,
        ..Reply::json(json!({ "sid": "SMcli", "status": "queued" }))
    })
    .await;
    let report = run_message_action(
        "sms-send",
        json!({ "to": "+447700900123", "from": "+15005550006", "body": "Hi" }),
        &[
            "twilio_account_sid=ACcli".into(),
            "twilio_auth_token=tok".into(),
            format!("twilio_base_url={}", server.url("")),
        ],
    )
    .await;
    assert_eq!(report["result"]["ok"]["data"]["sid"], "SMcli");
    assert_eq!(
        server.requests()[0].path,
        "/2010-04-01/Accounts/ACcli/Messages.json"
    );
}

#[tokio::test]
async fn plugin_run_sends_a_whatsapp_template_with_secrets_and_grants() {
    let server = Recorder::start(Reply {
        status: 201,
        ..Reply::json(json!({ "sid": "SMwa", "status": "accepted" }))
    })
    .await;
    let report = run_message_action(
        "whatsapp-send",
        json!({ "to": "+447700900123", "messaging_service_sid": "MGcli", "content_sid": "HXcli", "content_variables": { "1": "Ada" } }),
        &[
            "twilio_account_sid=ACcli".into(),
            "twilio_auth_token=tok".into(),
            format!("twilio_base_url={}", server.url("")),
        ],
    )
    .await;
    assert_eq!(report["result"]["ok"]["data"]["status"], "accepted");
    assert_eq!(
        report["result"]["ok"]["data"]["to"],
        "whatsapp:+447700900123"
    );
    let body = String::from_utf8_lossy(&server.requests()[0].body).into_owned();
    assert!(body.contains("ContentSid=HXcli"), "{body}");
}

/// `atlas plugin run` on an AI action with the provider on loopback.
async fn run_ai_action(component: &str, input: Value, server: &Recorder) -> Value {
    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path(component))
        .args(["--input", &input.to_string()])
        .args(["--grant", "ai", "--allow-loopback", "--json"])
        .args([
            "--ai-base-url",
            &server.url("/v1"),
            "--ai-api-key",
            "sk-cli",
        ]);
    json_report(cmd).await
}

#[tokio::test]
async fn plugin_run_generates_a_message_with_the_ai_flags() {
    let server = Recorder::start(common::openai::completion("Welcome aboard!", 30, 4)).await;
    let report = run_ai_action(
        "ai-generate-message",
        json!({ "prompt": "Welcome a new member" }),
        &server,
    )
    .await;
    assert_eq!(report["result"]["ok"]["data"]["text"], "Welcome aboard!");
    let r = &server.requests()[0];
    assert_eq!(r.path, "/v1/chat/completions");
    assert_eq!(r.header("authorization").as_deref(), Some("Bearer sk-cli"));
}

#[tokio::test]
async fn plugin_run_detects_sentiment_with_the_ai_flags() {
    let server = Recorder::start(common::openai::completion(
        r#"{"label":"positive","confidence":0.9}"#,
        30,
        8,
    ))
    .await;
    let report = run_ai_action(
        "ai-sentiment",
        json!({ "text": "Best gym in town!" }),
        &server,
    )
    .await;
    assert_eq!(report["result"]["ok"]["outcome"], "positive");

    let mut cmd = atlas();
    cmd.args(["plugin", "run"])
        .arg(component_path("ai-sentiment"))
        .args(["--input", r#"{"text":"ok"}"#, "--grant", "ai"])
        .env_remove("ATLAS_AI_API_KEY");
    let out = run(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(
        stdout.contains("no language-model API key is configured"),
        "{stdout}"
    );
}

#[tokio::test]
async fn ai_set_and_usage_report_an_orgs_settings_and_tokens() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let mut cmd = atlas();
    cmd.args(["ai", "set", "--data-dir", data_dir, "--org", "org-a"])
        .args(["--model", "gpt-4o", "--monthly-token-budget", "5000"]);
    let out = run(cmd).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "{stdout}");
    assert!(stdout.contains("model gpt-4o"), "{stdout}");
    assert!(stdout.contains("monthly budget 5000 tokens"), "{stdout}");

    let mut cmd = atlas();
    cmd.args(["ai", "set", "--data-dir", data_dir, "--org", "org-a"])
        .args(["--base-url", "https://llm.example/v1"]);
    let out = run(cmd).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("needs the org's own --api-key"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let mut cmd = atlas();
    cmd.args([
        "ai",
        "usage",
        "--data-dir",
        data_dir,
        "--org",
        "org-a",
        "--json",
    ]);
    let out = run(cmd).await;
    assert!(out.status.success());
    let usage: Value = serde_json::from_slice(&out.stdout).expect("JSON usage");
    assert_eq!(usage["monthly_token_budget"], 5000);
    assert_eq!(usage["months"][0]["requests"], 0);
    assert_eq!(usage["months"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn plugin_run_tags_a_contact_in_a_data_dirs_crm() {
    let data = tempfile::tempdir().unwrap();
    let data_dir = data.path().to_str().unwrap();
    let plugins = common::repo_root().join("target/test-components");
    let mut cmd = atlas();
    cmd.args([
        "contact",
        "add",
        "--first-name",
        "Ada",
        "--data-dir",
        data_dir,
    ])
    .arg("--plugins-dir")
    .arg(&plugins);
    let out = run(cmd).await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let contact: Value = serde_json::from_slice(&out.stdout).expect("JSON contact");
    let id = contact["id"].as_str().unwrap().to_owned();

    let tag = |data_dir: Option<&str>, extra: &[&str]| {
        let mut cmd = atlas();
        cmd.args(["plugin", "run"])
            .arg(component_path("crm-add-tag"))
            .args([
                "--input",
                r#"{"tag":"vip"}"#,
                "--grant",
                "crm:write",
                "--json",
            ])
            .args([
                "--context",
                &json!({ "org_id": "demo", "contact": { "id": id } }).to_string(),
            ])
            .args(extra);
        if let Some(data_dir) = data_dir {
            cmd.args(["--data-dir", data_dir]);
        }
        cmd
    };
    let report = json_report(tag(Some(data_dir), &[])).await;
    assert_eq!(report["result"]["ok"]["outcome"], "added");
    assert_eq!(report["result"]["ok"]["data"]["contact_id"], json!(id));

    let mut cmd = atlas();
    cmd.args(["contact", "list", "--tag", "vip", "--data-dir", data_dir]);
    let out = run(cmd).await;
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stdout).contains(&id));

    // Without a data dir the CRM is empty: the contact does not exist there.
    let out = run(tag(None, &[])).await;
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("JSON report");
    assert_eq!(report["result"]["error"]["kind"], "fatal");
    assert_eq!(
        report["result"]["error"]["message"],
        format!("contact `{id}` does not exist")
    );
    // --secret would overwrite the data dir's secrets.
    let out = run(tag(Some(data_dir), &["--secret", "x=y"])).await;
    assert_eq!(out.status.code(), Some(2));
}
