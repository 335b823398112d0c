//! Checks of action nodes: plugin id, pinned version, installation, retry
//! policy and input.

use serde_json::Value;

use super::facts::{NodeFacts, NodeProblems, Outcomes, TemplateSite};
use super::input_schema;
use crate::graph::model::{ActionConfig, RetryPolicy};
use crate::graph::plugins::PluginLookup;

/// Longest plugin id.
const MAX_PLUGIN_ID_LEN: usize = 128;
/// Longest wait between attempts: one day.
const MAX_RETRY_INTERVAL_MS: u64 = 86_400_000;
/// Largest backoff multiplier.
const MAX_RETRY_MULTIPLIER: f64 = 10.0;

/// Checks an action node's config.
pub(super) fn check<'d>(
    config: &'d ActionConfig,
    plugins: &dyn PluginLookup,
    report: &mut NodeProblems<'_>,
) -> NodeFacts<'d> {
    let plugin_ok = valid_plugin_id(&config.plugin);
    if !plugin_ok {
        report.add(
            "config.plugin",
            format!(
                "`{}` is not a plugin id (1 to {MAX_PLUGIN_ID_LEN} characters from a-z, A-Z, 0-9, `.`, `_` and `-`, like `atlas.sms.send`)",
                config.plugin
            ),
        );
    }
    let version_is_exact = report
        .check(
            "config.version",
            semver::Version::parse(&config.version).map_err(|_| {
                format!(
                    "`{}` is not an exact version such as `1.2.3`; workflows pin one version",
                    config.version
                )
            }),
        )
        .is_some();
    if let Some(retry) = &config.retry {
        check_retry(retry, report);
    }
    let mut facts = NodeFacts::new(Outcomes::Unknown);
    collect_sites(
        &config.input,
        "config.input".to_owned(),
        &mut facts.templates,
    );
    if plugin_ok && version_is_exact {
        match plugins.manifest(&config.plugin, &config.version) {
            None => report.add(
                "config.version",
                format!(
                    "plugin `{}` version {} is not installed for this organisation",
                    config.plugin, config.version
                ),
            ),
            Some(info) => {
                let mut outcomes = info.outcomes;
                if !outcomes.iter().any(|outcome| outcome == "error") {
                    outcomes.push("error".to_owned());
                }
                facts.outcomes = Outcomes::Known(outcomes);
                facts.output_properties = info
                    .output_schema
                    .get("properties")
                    .and_then(Value::as_object)
                    .map(|properties| properties.keys().cloned().collect());
                input_schema::check(&info.input_schema, &config.input, report);
            }
        }
    }
    facts
}

fn valid_plugin_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= MAX_PLUGIN_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'))
}

fn check_retry(retry: &RetryPolicy, report: &mut NodeProblems<'_>) {
    if !(1..=20).contains(&retry.max_attempts) {
        report.add(
            "config.retry.max_attempts",
            format!("must be from 1 to 20, not {}", retry.max_attempts),
        );
    }
    if !(1..=MAX_RETRY_INTERVAL_MS).contains(&retry.initial_interval_ms) {
        report.add(
            "config.retry.initial_interval_ms",
            format!("must be from 1 to {MAX_RETRY_INTERVAL_MS} ms"),
        );
    }
    if !(1.0..=MAX_RETRY_MULTIPLIER).contains(&retry.multiplier) {
        report.add(
            "config.retry.multiplier",
            format!("must be from 1 to {MAX_RETRY_MULTIPLIER}"),
        );
    }
    if !(retry.initial_interval_ms..=MAX_RETRY_INTERVAL_MS).contains(&retry.max_interval_ms) {
        report.add(
            "config.retry.max_interval_ms",
            format!(
                "must be at least `initial_interval_ms` ({}) and at most {MAX_RETRY_INTERVAL_MS} ms",
                retry.initial_interval_ms
            ),
        );
    }
    if !(0.0..=1.0).contains(&retry.jitter) {
        report.add("config.retry.jitter", "must be a fraction from 0 to 1");
    }
}

/// Records every string of an action's input as a template site.
fn collect_sites<'d>(value: &'d Value, field: String, sites: &mut Vec<TemplateSite<'d>>) {
    match value {
        Value::String(text) => sites.push(TemplateSite { field, text }),
        Value::Array(items) => {
            for (position, item) in items.iter().enumerate() {
                collect_sites(item, format!("{field}[{position}]"), sites);
            }
        }
        Value::Object(fields) => {
            for (key, item) in fields {
                collect_sites(item, format!("{field}.{key}"), sites);
            }
        }
        Value::Null | Value::Bool(_) | Value::Number(_) => {}
    }
}
