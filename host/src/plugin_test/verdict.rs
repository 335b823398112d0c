//! Whether a run did what its case expects: the result, the refused host
//! calls, every scripted exchange used and every request checked, the kv left.

use serde_json::Value;

use super::case_file::{Expectation, ExpectedRequest, TestCase};
use super::scripted_host::SCRIPTED_AI_BASE_URL;
use super::subset::subset_mismatches;
use crate::capabilities::{Denial, RecordedRequest};
use crate::runtime::RunReport;

/// The failures of the result against `expect`, one sentence each.
pub fn check_result(expect: &Expectation, report: &RunReport) -> Vec<String> {
    let mut failures = Vec::new();
    match (&report.result, &expect.error) {
        (Ok(output), None) => {
            if let Some(outcome) = &expect.outcome
                && outcome != &output.outcome
            {
                failures.push(format!(
                    "outcome: expected `{outcome}`, got `{}`",
                    output.outcome
                ));
            }
            if let Some(want) = &expect.output {
                failures.extend(
                    subset_mismatches(want, &output.data)
                        .into_iter()
                        .map(|mismatch| format!("output {mismatch}")),
                );
            }
        }
        (Ok(output), Some(kind)) => failures.push(format!(
            "expected error `{kind}`, but the run succeeded with outcome `{}` and output {}",
            output.outcome, output.data
        )),
        (Err(error), None) => failures.push(format!(
            "expected outcome {}, but the run failed: {error} ({})",
            expect
                .outcome
                .as_deref()
                .map_or_else(|| "and output".to_owned(), |o| format!("`{o}`")),
            error.kind()
        )),
        (Err(error), Some(kind)) => {
            if error.kind() != kind {
                failures.push(format!(
                    "error: expected `{kind}`, got `{}`: {error}",
                    error.kind()
                ));
            }
            if let Some(text) = &expect.message
                && !error.to_string().contains(text.as_str())
            {
                failures.push(format!(
                    "error message: expected it to contain `{text}`, got `{error}`"
                ));
            }
        }
    }
    failures
}

/// The failures of the refused host calls against `expected` (`None`: none allowed).
pub fn check_denials(expected: Option<&[String]>, denials: &[Denial]) -> Vec<String> {
    let described: Vec<String> = denials
        .iter()
        .map(|denial| format!("{} {}", denial.capability, denial.target))
        .collect();
    let mut failures = Vec::new();
    let wanted = expected.unwrap_or_default();
    for (text, denial) in described.iter().zip(denials) {
        if !wanted.iter().any(|want| text.starts_with(want.as_str())) {
            failures.push(format!(
                "denied: {text} ({}); the manifest must request it (and the case grants what \
                 the manifest requests)",
                denial.reason
            ));
        }
    }
    for want in wanted {
        if !described.iter().any(|text| text.starts_with(want.as_str())) {
            failures.push(format!(
                "expected a refused call `{want}`, but none was made"
            ));
        }
    }
    failures
}

/// The failures of the HTTP and language-model traffic: requests nothing
/// scripted, scripted requests never made, and requests that differ from
/// what their exchange expects.
pub fn check_traffic(
    case: &TestCase,
    requests: &[RecordedRequest],
    unused: &[usize],
) -> Vec<String> {
    let mut failures = Vec::new();
    for request in requests {
        match request.answered_by {
            None => failures.push(format!(
                "unscripted request: {} {} (add it to the case's `{}`)",
                request.method,
                request.url,
                if request.url.starts_with(SCRIPTED_AI_BASE_URL) {
                    "ai"
                } else {
                    "http"
                }
            )),
            Some(index) => match case.http.get(index) {
                Some(exchange) => failures.extend(check_request(&exchange.request, request)),
                None => {
                    let reply = &case.ai[index - case.http.len()];
                    if let Some(text) = &reply.prompt_contains
                        && !String::from_utf8_lossy(&request.body).contains(text.as_str())
                    {
                        failures.push(format!(
                            "ai: expected the prompt to contain `{text}`, it was {}",
                            String::from_utf8_lossy(&request.body)
                        ));
                    }
                }
            },
        }
    }
    for &index in unused {
        match case.http.get(index) {
            Some(exchange) => failures.push(format!(
                "expected request not made: {} {}",
                exchange.request.method.to_ascii_uppercase(),
                exchange.request.url
            )),
            None => failures.push(format!(
                "expected language-model call not made: ai reply #{}",
                index - case.http.len() + 1
            )),
        }
    }
    failures
}

fn check_request(expected: &ExpectedRequest, actual: &RecordedRequest) -> Vec<String> {
    let label = format!("request {} {}", actual.method, actual.url);
    let mut failures = Vec::new();
    for (name, want) in &expected.headers {
        let got: Vec<&str> = actual
            .headers
            .iter()
            .filter(|(header, _)| header.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
            .collect();
        if !got.contains(&want.as_str()) {
            let got = if got.is_empty() {
                "none".to_owned()
            } else {
                format!("`{}`", got.join("`, `"))
            };
            failures.push(format!(
                "{label}: header `{name}`: expected `{want}`, got {got}"
            ));
        }
    }
    if let Some(want) = &expected.json {
        match serde_json::from_slice::<Value>(&actual.body) {
            Ok(body) => failures.extend(
                subset_mismatches(want, &body)
                    .into_iter()
                    .map(|mismatch| format!("{label}: body {mismatch}")),
            ),
            Err(error) => failures.push(format!("{label}: the body is not JSON ({error})")),
        }
    }
    if let Some(want) = &expected.body {
        let got = String::from_utf8_lossy(&actual.body);
        if got != want.as_str() {
            failures.push(format!("{label}: body: expected `{want}`, got `{got}`"));
        }
    }
    failures
}

/// The failure of one kv entry, if its stored bytes differ from `expected`.
pub fn check_kv(key: &str, expected: &Value, stored: Option<&[u8]>) -> Option<String> {
    let want = super::scripted_host::kv_bytes(expected);
    match stored {
        Some(got) if got == want.as_slice() => None,
        Some(got) => match (serde_json::from_slice::<Value>(got), expected) {
            (Ok(got), Value::Object(_) | Value::Array(_) | Value::Number(_))
                if subset_mismatches(expected, &got).is_empty() =>
            {
                None
            }
            _ => Some(format!(
                "kv `{key}`: expected {}, got {}",
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(got)
            )),
        },
        None => Some(format!(
            "kv `{key}`: expected {}, but it is not set",
            String::from_utf8_lossy(&want)
        )),
    }
}
