//! `atlas plugin new` then `atlas plugin test`, as a partner runs them: the
//! scaffolded projects build and pass their own cases against the scripted
//! host, and wrong expectations, unscripted requests and calls outside the
//! manifest fail with a message that says what happened.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use serde_json::{Value, json};

fn atlas() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_atlas"));
    cmd.env("ATLAS_LOG", "error");
    cmd
}

fn run(mut cmd: Command) -> Output {
    cmd.output().expect("running atlas")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The guest target directory shared with the other guest builds.
fn guest_target_dir() -> PathBuf {
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => PathBuf::from(dir).join("guests"),
        None => Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/guests"),
    }
}

/// Scaffolds `name` in a fresh directory and returns it.
fn scaffold(name: &str, lang: &str) -> PathBuf {
    let root = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("partner-scaffold-{name}"));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let dir = root.join(name);
    let mut cmd = atlas();
    cmd.args(["plugin", "new", name, "--lang", lang, "--dir"])
        .arg(&dir);
    let out = run(cmd);
    assert!(out.status.success(), "stderr: {}", text(&out.stderr));
    assert!(dir.join("atlas-tests.json").is_file());
    assert!(dir.join("README.md").is_file());
    dir
}

fn plugin_test(dir: &Path, file: Option<&Path>) -> Output {
    let mut cmd = atlas();
    cmd.args(["plugin", "test", "--dir"])
        .arg(dir)
        .arg("--target-dir")
        .arg(guest_target_dir());
    if let Some(file) = file {
        cmd.arg("--file").arg(file);
    }
    run(cmd)
}

/// Writes a test file with the given cases beside the project's own.
fn write_cases(dir: &Path, name: &str, cases: Value) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, json!({ "cases": cases }).to_string()).unwrap();
    path
}

/// The scaffold's own first case, with `expect` replaced.
fn found_case(expect: Value) -> Value {
    json!({
        "name": "finds the member",
        "input": { "email": "ada@example.com" },
        "secrets": { "api_key": "sk_test_123" },
        "http": [{
            "request": {
                "method": "GET",
                "url": "https://api.example.com/v1/members?email=ada%40example.com",
                "headers": { "authorization": "Bearer sk_test_123" }
            },
            "response": { "json": { "id": "m_42", "points": 120 } }
        }],
        "expect": expect
    })
}

#[test]
fn rust_scaffold_passes_its_tests_and_wrong_expectations_fail_clearly() {
    let dir = scaffold("points-lookup", "rust");
    let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).unwrap();
    assert!(manifest.contains("atlas-sdk = { path = "), "{manifest}");
    assert!(
        std::fs::read_to_string(dir.join("src/lib.rs"))
            .unwrap()
            .contains("\"partner.points_lookup\"")
    );

    let out = plugin_test(&dir, None);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    assert!(stdout.contains("partner.points_lookup@0.1.0"), "{stdout}");
    assert_eq!(stdout.matches("PASS ").count(), 5, "{stdout}");
    assert!(stdout.contains("5 passed, 0 failed"), "{stdout}");
    assert!(stdout.contains("fuel "), "{stdout}");

    // A wrong outcome and output, and a header the request does not carry.
    let mut wrong = found_case(json!({ "outcome": "not_found", "output": { "points": 99 } }));
    wrong["http"][0]["request"]["headers"]["x-api-version"] = json!("2");
    let file = write_cases(&dir, "wrong.json", json!([wrong]));
    let out = plugin_test(&dir, Some(&file));
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(stdout.contains("FAIL finds the member"), "{stdout}");
    assert!(
        stdout.contains("outcome: expected `not_found`, got `found`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("output $.points: expected 99, got 120"),
        "{stdout}"
    );
    assert!(
        stdout.contains("header `x-api-version`: expected `2`, got none"),
        "{stdout}"
    );
    assert!(stdout.contains("0 passed, 1 failed"), "{stdout}");

    // Expecting an error from a run that succeeds, and a request never made.
    let mut extra = found_case(json!({ "error": "retryable" }));
    extra["http"].as_array_mut().unwrap().push(json!({
        "request": { "method": "POST", "url": "https://api.example.com/v1/audit" }
    }));
    let file = write_cases(&dir, "extra.json", json!([extra]));
    let out = plugin_test(&dir, Some(&file));
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains("expected error `retryable`, but the run succeeded with outcome `found`"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected request not made: POST https://api.example.com/v1/audit"),
        "{stdout}"
    );

    // A request nothing scripted: no network is tried, the case names it.
    let mut unscripted = found_case(json!({ "outcome": "found" }));
    unscripted["http"] = json!([]);
    let file = write_cases(&dir, "unscripted.json", json!([unscripted]));
    let out = plugin_test(&dir, Some(&file));
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}");
    assert!(
        stdout.contains(
            "unscripted request: GET https://api.example.com/v1/members?email=ada%40example.com"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("no scripted response for GET"),
        "the run's error names the missing script: {stdout}"
    );
}

#[test]
fn a_call_to_a_host_the_manifest_does_not_request_is_reported_as_denied() {
    let dir = scaffold("points-elsewhere", "rust");
    let lib = dir.join("src/lib.rs");
    let source = std::fs::read_to_string(&lib).unwrap();
    let changed = source.replace(
        "format!(\"https://{API_HOST}/v1/members?email={}\", encode(&email))",
        "format!(\"https://rewards.example.net/v1/members?email={}\", encode(&email))",
    );
    assert_ne!(source, changed, "the scaffold's request line moved");
    std::fs::write(&lib, changed).unwrap();

    let case = json!({
        "name": "calls another host",
        "input": { "email": "ada@example.com" },
        "secrets": { "api_key": "sk_test_123" },
        "http": [{
            "request": { "url": "https://rewards.example.net/v1/members?email=ada%40example.com" },
            "response": { "json": { "id": "m_42", "points": 120 } }
        }],
        "expect": { "outcome": "found" }
    });
    let file = write_cases(&dir, "elsewhere.json", json!([case]));
    let out = plugin_test(&dir, Some(&file));
    let stdout = text(&out.stdout);
    assert!(!out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(
        stdout.contains("denied: http https://rewards.example.net/v1/members"),
        "{stdout}"
    );
    assert!(
        stdout.contains("does not request access to rewards.example.net"),
        "{stdout}"
    );
    assert!(
        stdout.contains("expected request not made: GET https://rewards.example.net/"),
        "the refused call never reached the script: {stdout}"
    );

    // The same refusal, expected by the case, passes.
    let mut expected = case.clone();
    expected["http"] = json!([]);
    expected["expect"] = json!({
        "error": "fatal",
        "denied": ["http https://rewards.example.net/"]
    });
    let file = write_cases(&dir, "expected-denial.json", json!([expected]));
    let out = plugin_test(&dir, Some(&file));
    let stdout = text(&out.stdout);
    assert!(out.status.success(), "{stdout}\n{}", text(&out.stderr));
    assert!(stdout.contains("1 passed, 0 failed"), "{stdout}");
}

#[test]
fn python_scaffold_builds_and_passes_its_tests() {
    let dir = scaffold("points-py", "python");
    assert!(dir.join("app.py").is_file());
    let out = plugin_test(&dir, None);
    let stdout = text(&out.stdout);
    assert!(
        out.status.success(),
        "stdout: {stdout}\nstderr: {}",
        text(&out.stderr)
    );
    assert!(stdout.contains("partner.points_py@0.1.0"), "{stdout}");
    assert!(stdout.contains("5 passed, 0 failed"), "{stdout}");
}

#[test]
fn new_refuses_a_non_empty_directory_and_a_bad_name() {
    let dir = scaffold("points-twice", "python");
    let mut cmd = atlas();
    cmd.args(["plugin", "new", "points-twice", "--lang", "python", "--dir"])
        .arg(&dir);
    let out = run(cmd);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not empty"),
        "{}",
        text(&out.stderr)
    );

    let mut cmd = atlas();
    cmd.args(["plugin", "new", "Points_Lookup", "--dir"])
        .arg(dir.join("bad"));
    let out = run(cmd);
    assert!(!out.status.success());
    assert!(
        text(&out.stderr).contains("not a usable project name"),
        "{}",
        text(&out.stderr)
    );
}
