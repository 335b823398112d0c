//! A guest can make any number of host calls with arguments of any size. Each
//! call is bounded before any work is done for it: oversized arguments are
//! refused first, then the grant is checked, then the run's per-kind budget;
//! denials and consent audit rows are kept within a fixed number per run; the
//! same bounds hold for `manifest()` while a component is loaded (published).
//! Uses `test-flood` and `test-flood-manifest` (built by `make test-guests`).

mod common;

use std::process::Command;
use std::time::{Duration, Instant};

use atlas::crm::{Consent, Crm, NewContact};
use atlas::engine::SystemClock;
use atlas::runtime::{LoadOptions, RunReport, Runtime};
use atlas::store::Store;
use common::{component_bytes, component_path, grants, load, request, runtime};
use serde_json::{Value, json};

/// The run's tally: how many calls ended in each way.
fn answers(report: &RunReport) -> Value {
    report
        .result
        .as_ref()
        .unwrap_or_else(|e| panic!("the flood run failed: {e:?}"))
        .data["answers"]
        .clone()
}

async fn flood(rt: &Runtime, org: &str, input: Value, granted: &[&str]) -> RunReport {
    let plugin = load(rt, "test-flood", None).await;
    rt.run(&plugin, request(org, input, grants(granted))).await
}

/// Resident set size of this process, in bytes.
fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("reading /proc/self/statm");
    let pages: u64 = statm.split_whitespace().nth(1).unwrap().parse().unwrap();
    pages * 4096
}

async fn audit_actions(store: &Store, org: &str) -> Vec<(String, Value)> {
    store
        .audit_list(org, 10_000)
        .await
        .unwrap()
        .into_iter()
        .map(|r| (r.entry.action, r.entry.detail))
        .collect()
}

#[tokio::test]
async fn thousands_of_denied_calls_keep_32_denials_and_one_summary_row() {
    let (rt, store, _dir) = runtime(Default::default()).await;
    let started = Instant::now();
    let report = flood(
        &rt,
        "org-flood",
        json!({ "op": "kv_get", "count": 3000, "arg_bytes": 16 }),
        &[],
    )
    .await;
    let elapsed = started.elapsed();
    assert_eq!(answers(&report), json!({ "denied": 3000 }));
    assert_eq!(report.denials.len(), 32);
    assert_eq!(report.denials_dropped, 2968);
    let audit = audit_actions(&store, "org-flood").await;
    assert_eq!(audit.len(), 33, "32 denials and one summary");
    let summary = audit
        .iter()
        .find(|(action, _)| action == "capability.denied_dropped")
        .expect("a summary row");
    assert_eq!(summary.1["dropped"], 2968);
    assert!(elapsed < Duration::from_secs(5), "took {elapsed:?}");
}

#[tokio::test]
async fn oversized_arguments_are_refused_before_the_grant_check_and_cost_no_memory() {
    let (rt, store, _dir) = runtime(Default::default()).await;
    let plugin = load(&rt, "test-flood", None).await;
    // Warm up so the allocator's steady state is the baseline.
    rt.run(
        &plugin,
        request(
            "org-big",
            json!({ "op": "kv_get", "count": 10, "arg_bytes": 1 << 20 }),
            grants(&[]),
        ),
    )
    .await;
    let before = rss_bytes();
    let started = Instant::now();
    let report = rt
        .run(
            &plugin,
            request(
                "org-big",
                json!({ "op": "kv_get", "count": 3000, "arg_bytes": 1 << 20 }),
                grants(&[]),
            ),
        )
        .await;
    let elapsed = started.elapsed();
    let grown = rss_bytes().saturating_sub(before);
    assert_eq!(answers(&report), json!({ "invalid": 3000 }));
    assert!(report.denials.is_empty(), "refused before the grant check");
    assert_eq!(report.denials_dropped, 0);
    assert!(audit_actions(&store, "org-big").await.is_empty());
    // 3,000 calls carried 3 GiB of keys; the host keeps none of them.
    assert!(grown < 64 << 20, "RSS grew by {} MiB", grown >> 20);
    assert!(elapsed < Duration::from_secs(8), "took {elapsed:?}");
    eprintln!(
        "3000 x 1 MiB kv::get: {:?}, RSS growth {} KiB",
        elapsed,
        grown >> 10
    );
}

#[tokio::test]
async fn the_same_flood_through_atlas_plugin_run_stays_small_in_memory_and_output() {
    let started = Instant::now();
    let output = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(["plugin", "run"])
        .arg(component_path("test-flood"))
        .args([
            "--input",
            &json!({ "op": "kv_get", "count": 3000, "arg_bytes": 1 << 20 }).to_string(),
        ])
        .output()
        .expect("running atlas plugin run");
    let elapsed = started.elapsed();
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    let mut usage = std::mem::MaybeUninit::<libc::rusage>::zeroed();
    // SAFETY: getrusage writes a complete rusage into the pointer it is given.
    let usage = unsafe {
        assert_eq!(
            libc::getrusage(libc::RUSAGE_CHILDREN, usage.as_mut_ptr()),
            0
        );
        usage.assume_init()
    };
    let peak_rss_kib = usage.ru_maxrss as u64;
    let printed = output.stdout.len() + output.stderr.len();
    eprintln!(
        "atlas plugin run: {elapsed:?}, peak RSS {peak_rss_kib} KiB, {printed} bytes printed"
    );
    assert!(peak_rss_kib < 400 << 10, "peak RSS {peak_rss_kib} KiB");
    assert!(printed < 16 << 10, "printed {printed} bytes");

    // Denied calls with short keys print at most the kept denials and a count.
    let output = Command::new(env!("CARGO_BIN_EXE_atlas"))
        .args(["plugin", "run"])
        .arg(component_path("test-flood"))
        .args([
            "--input",
            &json!({ "op": "kv_get", "count": 3000, "arg_bytes": 200 }).to_string(),
        ])
        .output()
        .expect("running atlas plugin run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("2968 more refused calls not kept"),
        "{stdout}"
    );
    assert!(stdout.len() < 32 << 10, "printed {} bytes", stdout.len());
}

#[tokio::test]
async fn granted_calls_stop_at_the_runs_budget_for_their_kind() {
    let (rt, store, _dir) = runtime(Default::default()).await;
    let report = flood(
        &rt,
        "org-kv",
        json!({ "op": "kv_set", "count": 3000, "arg_bytes": 8 }),
        &["kv"],
    )
    .await;
    assert_eq!(answers(&report), json!({ "ok": 1000, "limit": 2000 }));
    assert!(report.denials.is_empty());

    let crm = Crm::new(store.clone(), std::sync::Arc::new(SystemClock));
    let contact = crm
        .create_contact(
            "org-kv",
            NewContact {
                first_name: "Ada".into(),
                ..NewContact::default()
            },
            "test",
        )
        .await
        .unwrap();
    let report = flood(
        &rt,
        "org-kv",
        json!({ "op": "add_tag", "count": 500, "arg_bytes": 8, "contact": contact.id }),
        &["crm:write"],
    )
    .await;
    assert_eq!(answers(&report), json!({ "ok": 100, "limit": 400 }));

    let report = flood(
        &rt,
        "org-kv",
        json!({ "op": "secret", "count": 300, "arg_bytes": 5 }),
        &["secret:token"],
    )
    .await;
    // `kkkkk` is not the requested name: refused at the grant, 32 kept.
    assert_eq!(answers(&report), json!({ "denied": 300 }));
    assert_eq!(report.denials.len(), 32);
}

#[tokio::test]
async fn consent_refusals_write_at_most_ten_audit_rows_per_run() {
    let (rt, store, _dir) = runtime(Default::default()).await;
    let crm = Crm::new(store.clone(), std::sync::Arc::new(SystemClock));
    let contact = crm
        .create_contact(
            "org-consent",
            NewContact {
                first_name: "Bo".into(),
                consent: Consent::default(),
                ..NewContact::default()
            },
            "test",
        )
        .await
        .unwrap();
    let plugin = load(&rt, "test-flood", None).await;
    let input = json!({ "op": "has_consent", "count": 50, "arg_bytes": 0, "contact": contact.id });
    let report = rt
        .run(
            &plugin,
            request("org-consent", input, grants(&["crm:read"])),
        )
        .await;
    // Every call is answered (false); only the first ten are audited.
    assert_eq!(answers(&report), json!({ "ok": 50 }));
    let audit = audit_actions(&store, "org-consent").await;
    let refused = audit
        .iter()
        .filter(|(a, _)| a == "crm.consent_refused")
        .count();
    assert_eq!(refused, 10);
    let summary = audit
        .iter()
        .find(|(a, _)| a == "crm.consent_refused_dropped")
        .expect("a summary row");
    assert_eq!(summary.1["dropped"], 40);
}

#[tokio::test]
async fn manifest_floods_are_bounded_while_a_component_is_loaded() {
    let (rt, _store, _dir) = runtime(Default::default()).await;
    let bytes = component_bytes("test-flood-manifest");
    let before = rss_bytes();
    let started = Instant::now();
    let plugin = rt
        .load(&bytes, LoadOptions::default())
        .await
        .expect("a component whose manifest() floods the host still loads");
    let elapsed = started.elapsed();
    let grown = rss_bytes().saturating_sub(before);
    assert_eq!(plugin.manifest.id, "atlas.test.flood-manifest");
    assert!(grown < 96 << 20, "RSS grew by {} MiB", grown >> 20);
    assert!(elapsed < Duration::from_secs(10), "took {elapsed:?}");
    eprintln!(
        "loading a component whose manifest() makes 3000 x 1 MiB kv calls: {elapsed:?}, RSS growth {} KiB",
        grown >> 10
    );
}
