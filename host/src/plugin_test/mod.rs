//! `atlas plugin test`: runs an action's test cases against a scripted host.
//!
//! A project's `atlas-tests.json` ([`TestFile`]) lists cases. Each case runs
//! the built component once through the real runtime and capabilities, with
//! grants equal to what the manifest requests, over a [`ScriptedHost`]:
//! secrets, kv and CRM contacts seeded into a temporary store, HTTP and the
//! language model answered from the case's script. A case passes when the
//! result matches its expectation, every scripted request was made as
//! expected, nothing unscripted was requested and no call was refused
//! (unless the case expects that refusal).

mod case_file;
mod scripted_host;
mod subset;
mod verdict;

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

pub use case_file::{
    AiReply, CrmSeed, Expectation, ExpectedRequest, HttpExchange, ScriptedReply, TestCase, TestFile,
};
pub use scripted_host::{SCRIPTED_AI_BASE_URL, ScriptedHost};
pub use subset::subset_mismatches;

use crate::capabilities::Grants;
use crate::runtime::{ActionContext, Plugin, RunRequest};

/// The test file's name in a project.
pub const TEST_FILE: &str = "atlas-tests.json";

/// What one case did.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// The case's name.
    pub name: String,
    /// Why it failed; empty when it passed.
    pub failures: Vec<String>,
    /// Fuel the run consumed.
    pub fuel: u64,
    /// Wall time of the run.
    pub duration: Duration,
}

impl CaseResult {
    /// True when the case passed.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// Runs every case of `file` against `plugin`, loaded in `host`, in order.
/// A case whose setup fails (an unknown contact name, a bad context) fails
/// with that reason; the others still run.
pub async fn run_cases(host: &ScriptedHost, plugin: &Plugin, file: &TestFile) -> Vec<CaseResult> {
    let grants = Arc::new(Grants::from_requested(&plugin.manifest.capabilities));
    let mut results = Vec::with_capacity(file.cases.len());
    for (index, case) in file.cases.iter().enumerate() {
        let org = format!("test-case-{}", index + 1);
        let result = match run_case(host, plugin, case, &org, grants.clone()).await {
            Ok(result) => result,
            Err(error) => CaseResult {
                name: case.name.clone(),
                failures: vec![format!("cannot set the case up: {error:#}")],
                fuel: 0,
                duration: Duration::ZERO,
            },
        };
        results.push(result);
    }
    results
}

async fn run_case(
    host: &ScriptedHost,
    plugin: &Plugin,
    case: &TestCase,
    org: &str,
    grants: Arc<Grants>,
) -> anyhow::Result<CaseResult> {
    let context = host.prepare(case, org, plugin).await?;
    let context: ActionContext = serde_json::from_value(context)
        .map_err(|e| anyhow::anyhow!("`context` is not a valid context: {e}"))?;
    let report = host
        .runtime()
        .run(
            plugin,
            RunRequest {
                context,
                input: case.input.clone(),
                grants,
            },
        )
        .await;
    let mut failures = verdict::check_result(&case.expect, &report);
    failures.extend(verdict::check_denials(
        case.expect.denied.as_deref(),
        &report.denials,
    ));
    failures.extend(verdict::check_traffic(
        case,
        &host.script().requests(),
        &host.script().unused(),
    ));
    for (key, expected) in &case.expect.kv {
        let stored = host.store().kv_get(org, &plugin.manifest.id, key).await?;
        failures.extend(verdict::check_kv(key, expected, stored.as_deref()));
    }
    Ok(CaseResult {
        name: case.name.clone(),
        failures,
        fuel: report.fuel_consumed,
        duration: report.wall_time,
    })
}

/// Loads the component at `component` and runs `file`'s cases; compiled
/// components are cached in `cache_dir` when given.
pub async fn run_file(
    component: &Path,
    file: &TestFile,
    cache_dir: Option<std::path::PathBuf>,
) -> anyhow::Result<(Plugin, Vec<CaseResult>)> {
    let host = ScriptedHost::new(cache_dir).await?;
    let plugin = host.load(component).await?;
    let results = run_cases(&host, &plugin, file).await;
    Ok((plugin, results))
}
