//! Workflow documents in requests: parse (400 for bad JSON, 422 listing every
//! structural problem), validate against the loaded plugins, and the
//! `ETag`/`If-Match` versioning of saves.

use axum::http::{HeaderMap, StatusCode, header};
use serde_json::Value;

use super::AppState;
use super::problem::{FieldError, Problem};
use crate::graph::{self, WorkflowDocument, parse_workflow};

/// A parsed request document: as sent (normalised) and as typed.
#[derive(Debug, Clone)]
pub struct ParsedDocument {
    /// The document as stored.
    pub json: Value,
    /// The typed document.
    pub document: WorkflowDocument,
}

/// Graph problems as field errors.
pub fn field_errors(problems: Vec<graph::Problem>) -> Vec<FieldError> {
    problems
        .into_iter()
        .map(|p| FieldError {
            node_id: p.node_id,
            field: p.field,
            reason: p.reason,
        })
        .collect()
}

/// Parses a workflow document from JSON bytes.
pub fn parse(bytes: &[u8]) -> Result<ParsedDocument, Problem> {
    let text = std::str::from_utf8(bytes).map_err(|_| {
        Problem::bad_request("malformed-json", "the request body is not UTF-8 text")
    })?;
    if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(text) {
        return Err(Problem::bad_request(
            "malformed-json",
            format!("the request body is not valid JSON: {e}"),
        ));
    }
    parse_value_text(text)
}

/// Parses a workflow document held in a JSON value.
pub fn parse_value(value: &Value) -> Result<ParsedDocument, Problem> {
    parse_value_text(&value.to_string())
}

fn parse_value_text(text: &str) -> Result<ParsedDocument, Problem> {
    let document = parse_workflow(text).map_err(|problems| {
        Problem::validation(
            format!(
                "the workflow document is not well-formed ({} problem(s))",
                problems.len()
            ),
            field_errors(problems),
        )
    })?;
    let json =
        serde_json::to_value(&document).map_err(|e| Problem::internal(&anyhow::Error::new(e)))?;
    Ok(ParsedDocument { json, document })
}

/// Every semantic problem of a document, against the actions `org` can use.
pub async fn problems(
    state: &AppState,
    org: &str,
    document: &WorkflowDocument,
) -> Result<Vec<FieldError>, Problem> {
    let plugins = state.marketplace.org_plugins(org).await?;
    Ok(field_errors(graph::validate(document, &plugins)))
}

/// The `ETag` of a workflow version.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The version an `If-Match` header names; 428 when missing, 400 when unreadable.
pub fn if_match(headers: &HeaderMap) -> Result<i64, Problem> {
    let value = headers.get(header::IF_MATCH).ok_or_else(|| {
        Problem::new(
            StatusCode::PRECONDITION_REQUIRED,
            "precondition-required",
            "Precondition required",
            "send `If-Match` with the ETag of the version you edited, so a concurrent save is not overwritten",
        )
    })?;
    value
        .to_str()
        .ok()
        .map(|v| v.trim().trim_start_matches("W/").trim_matches('"'))
        .and_then(|v| v.parse::<i64>().ok())
        .filter(|v| *v >= 1)
        .ok_or_else(|| {
            Problem::bad_request(
                "invalid-if-match",
                "If-Match must be the ETag the API returned, such as \"3\"",
            )
        })
}
