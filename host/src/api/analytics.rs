//! Workflow analytics for the builder: executions and every node's outcomes,
//! durations and fuel, a time series, errors by category with examples, A/B
//! splits with a significance test, and goals, over a chosen range.

use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use serde_json::Value;
use utoipa::IntoParams;

use super::AppState;
use super::auth::{Permission, Principal};
use super::json::{ApiPath, ApiQuery};
use super::problem::{FieldError, Problem};
use super::workflows::load;
use crate::store::analytics::{BucketSize, DAY_MS, NodeAnalytics, WorkflowAnalytics};

/// The range used when `from` is not given: this long before `to`.
const DEFAULT_RANGE_MS: i64 = 7 * DAY_MS;

/// Longest range with hourly buckets (31 days).
const MAX_HOURLY_RANGE_MS: i64 = 31 * DAY_MS;

/// Longest range with daily buckets (366 days).
const MAX_DAILY_RANGE_MS: i64 = 366 * DAY_MS;

/// The range and series bucket of an analytics request.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AnalyticsQuery {
    /// Start of the range, ms since the Unix epoch (default: 7 days before `to`);
    /// widened to the start of its bucket.
    pub from: Option<i64>,
    /// End of the range (exclusive), ms since the Unix epoch (default: now);
    /// widened to the end of its bucket.
    pub to: Option<i64>,
    /// Series bucket: `hour` (ranges up to 31 days, the default) or `day` (up to 366 days), in UTC.
    pub bucket: Option<BucketSize>,
}

fn invalid(field: &str, reason: String) -> Problem {
    Problem::bad_request("invalid-query", format!("invalid query string: {reason}")).with_errors(
        vec![FieldError {
            node_id: None,
            field: field.into(),
            reason,
        }],
    )
}

/// Checks the query; returns `(from, to, bucket)`.
fn range(query: &AnalyticsQuery, now: i64) -> Result<(i64, i64, BucketSize), Problem> {
    let bucket = query.bucket.unwrap_or_default();
    let to = query.to.unwrap_or(now);
    let from = query.from.unwrap_or(to.saturating_sub(DEFAULT_RANGE_MS));
    if to <= 0 {
        return Err(invalid("to", "must be a positive time in ms".into()));
    }
    if from < 0 {
        return Err(invalid("from", "must not be negative".into()));
    }
    if from >= to {
        return Err(invalid("from", format!("must be before `to` ({to})")));
    }
    let (limit, days, name) = match bucket {
        BucketSize::Hour => (MAX_HOURLY_RANGE_MS, 31, "hour"),
        BucketSize::Day => (MAX_DAILY_RANGE_MS, 366, "day"),
    };
    if to - from > limit {
        return Err(invalid(
            "from",
            format!("the range may span at most {days} days with `bucket={name}`"),
        ));
    }
    Ok((from, to, bucket))
}

/// A workflow's analytics.
///
/// Executions entered, completed, failed and cancelled in the range and
/// waiting now; per node: visits by outcome, retried attempts, waiting now,
/// success rate, p50/p95 run time and fuel; a series per hour or day;
/// failed attempts by category with the latest examples; per A/B split
/// variant: entered, reached a goal, conversion rate and a two-proportion
/// z-test against the first variant; per goal: conversion rate and time to
/// goal. Every node of the current version is listed, with zeros when it
/// saw nothing.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows/{id}/analytics", tag = "analytics",
    params(("id" = String, Path, description = "Workflow id"), AnalyticsQuery),
    responses(
        (status = 200, body = WorkflowAnalytics),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn workflow(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
    ApiQuery(query): ApiQuery<AnalyticsQuery>,
) -> Result<Json<WorkflowAnalytics>, Problem> {
    principal.require(Permission::ReadAnalytics)?;
    let (from, to, bucket) = range(&query, state.engine.now_ms())?;
    let record = load(&state, &principal, &id).await?;
    let mut report = state
        .store
        .workflow_analytics(&principal.org, &id, from, to, bucket)
        .await?;
    let document_nodes = record.document["nodes"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|node| node.get("id").and_then(Value::as_str));
    for node_id in document_nodes {
        if !report.nodes.iter().any(|n| n.node_id == node_id) {
            report.nodes.push(NodeAnalytics {
                node_id: node_id.to_string(),
                ..NodeAnalytics::default()
            });
        }
    }
    report.nodes.sort_by(|a, b| a.node_id.cmp(&b.node_id));
    Ok(Json(report))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(from: Option<i64>, to: Option<i64>, bucket: Option<BucketSize>) -> AnalyticsQuery {
        AnalyticsQuery { from, to, bucket }
    }

    #[test]
    fn defaults_are_the_last_seven_days_by_hour() {
        let now = 100 * DAY_MS;
        assert_eq!(
            range(&query(None, None, None), now).unwrap(),
            (93 * DAY_MS, now, BucketSize::Hour)
        );
    }

    #[test]
    fn bad_ranges_name_the_field() {
        let now = 400 * DAY_MS;
        for (q, field) in [
            (query(Some(10), Some(10), None), "from"),
            (query(Some(-1), Some(10), None), "from"),
            (query(None, Some(0), None), "to"),
            (query(Some(0), Some(32 * DAY_MS), None), "from"),
            (
                query(Some(0), Some(367 * DAY_MS), Some(BucketSize::Day)),
                "from",
            ),
        ] {
            let problem = range(&q, now).unwrap_err();
            assert_eq!(problem.status, 400);
            assert_eq!(problem.errors[0].field, field, "{q:?}");
        }
        assert!(
            range(
                &query(Some(0), Some(366 * DAY_MS), Some(BucketSize::Day)),
                now
            )
            .is_ok()
        );
    }
}
