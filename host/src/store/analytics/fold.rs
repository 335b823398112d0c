//! Folds a run of execution events into the changes they make to the
//! rollups. Pure: the rollup pass reads the events and writes what this
//! returns; A/B assignments and goal hits are deduplicated against the
//! database there.

use std::collections::BTreeMap;

use serde_json::Value;

use super::category::ErrorCategory;
use super::histogram::slot_of;

/// One hour, the rollups' grain.
pub const HOUR_MS: i64 = 3_600_000;

/// Longest error message kept with an example.
const EXAMPLE_CHARS: usize = 500;

/// The start of the UTC hour `at` falls in.
pub fn hour_of(at: i64) -> i64 {
    at - at.rem_euclid(HOUR_MS)
}

/// An execution event as the rollup reads it.
#[derive(Debug, Clone, PartialEq)]
pub struct EventRow {
    /// Event id.
    pub id: i64,
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// Execution.
    pub execution_id: String,
    /// Node, when the event concerns one.
    pub node_id: Option<String>,
    /// `step.completed`, `goal.reached`, ...
    pub kind: String,
    /// JSON details.
    pub detail: String,
    /// When (ms).
    pub at: i64,
}

/// (org, workflow, bucket).
pub type RunKey = (String, String, i64);
/// (org, workflow, node, bucket).
pub type NodeKey = (String, String, String, i64);
/// (org, workflow, node, metric, bucket, slot).
pub type HistogramKey = (String, String, String, &'static str, i64, i64);
/// (org, workflow, node, bucket, category).
pub type ErrorKey = (String, String, String, i64, ErrorCategory);

/// How executions ended in one hour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Started.
    pub started: i64,
    /// Completed.
    pub completed: i64,
    /// Failed.
    pub failed: i64,
    /// Cancelled.
    pub cancelled: i64,
}

/// How a node's visits ended in one hour.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct StepCounts {
    /// Completed.
    pub completed: i64,
    /// Failed (after the last attempt).
    pub failed: i64,
    /// Skipped (cancelled, or jumped over to a goal).
    pub skipped: i64,
    /// Failed attempts that were retried.
    pub retried: i64,
    /// Fuel used by action runs.
    pub fuel: i64,
    /// Action runs that reported fuel.
    pub fuel_runs: i64,
}

/// A failure kept as an example.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ErrorExample {
    /// The event it came from.
    pub event_id: i64,
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// Category.
    pub category: ErrorCategory,
    /// Node.
    pub node_id: String,
    /// Execution.
    pub execution_id: String,
    /// Runtime error kind.
    pub error_kind: String,
    /// Message (shortened).
    pub message: String,
    /// When.
    pub at: i64,
}

/// An execution given a variant by an A/B split.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    /// Execution.
    pub execution_id: String,
    /// Split node.
    pub node_id: String,
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// Variant.
    pub variant: String,
    /// When.
    pub at: i64,
}

/// An execution reaching a goal node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GoalHit {
    /// Execution.
    pub execution_id: String,
    /// Goal node.
    pub node_id: String,
    /// Tenant.
    pub org_id: String,
    /// Workflow.
    pub workflow_id: String,
    /// When.
    pub at: i64,
    /// Time from the execution's start, when the event says.
    pub since_start_ms: Option<i64>,
}

/// The changes a run of events makes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Deltas {
    /// Execution counts.
    pub runs: BTreeMap<RunKey, RunCounts>,
    /// Step counts.
    pub steps: BTreeMap<NodeKey, StepCounts>,
    /// Histogram slot counts (`step` durations).
    pub histograms: BTreeMap<HistogramKey, i64>,
    /// Failed attempts by category.
    pub errors: BTreeMap<ErrorKey, i64>,
    /// Failure examples, oldest first.
    pub examples: Vec<ErrorExample>,
    /// A/B assignments, in event order.
    pub assignments: Vec<Assignment>,
    /// Goal hits, in event order.
    pub goal_hits: Vec<GoalHit>,
}

impl Deltas {
    /// Adds one event.
    pub fn add(&mut self, event: &EventRow) {
        let bucket = hour_of(event.at);
        if matches!(
            event.kind.as_str(),
            "execution.started"
                | "execution.completed"
                | "execution.failed"
                | "execution.cancelled"
        ) {
            let run = self
                .runs
                .entry((event.org_id.clone(), event.workflow_id.clone(), bucket))
                .or_default();
            match event.kind.as_str() {
                "execution.started" => run.started += 1,
                "execution.completed" => run.completed += 1,
                "execution.failed" => run.failed += 1,
                _ => run.cancelled += 1,
            }
        }
        let Some(node) = event.node_id.as_deref() else {
            return;
        };
        let kind = event.kind.as_str();
        if !matches!(
            kind,
            "step.completed"
                | "step.failed"
                | "step.retried"
                | "step.skipped"
                | "ab.assigned"
                | "goal.reached"
        ) {
            return;
        }
        let detail: Value = serde_json::from_str(&event.detail).unwrap_or(Value::Null);
        let number = |name: &str| detail.get(name).and_then(Value::as_i64);
        let text = |name: &str| detail.get(name).and_then(Value::as_str).unwrap_or("");
        let key = (
            event.org_id.clone(),
            event.workflow_id.clone(),
            node.to_string(),
            bucket,
        );
        match kind {
            "ab.assigned" => {
                self.assignments.push(Assignment {
                    execution_id: event.execution_id.clone(),
                    node_id: node.to_string(),
                    org_id: event.org_id.clone(),
                    workflow_id: event.workflow_id.clone(),
                    variant: text("variant").to_string(),
                    at: event.at,
                });
                return;
            }
            "goal.reached" => {
                self.goal_hits.push(GoalHit {
                    execution_id: event.execution_id.clone(),
                    node_id: node.to_string(),
                    org_id: event.org_id.clone(),
                    workflow_id: event.workflow_id.clone(),
                    at: event.at,
                    since_start_ms: number("since_start_ms"),
                });
                return;
            }
            _ => {}
        }
        let counts = self.steps.entry(key.clone()).or_default();
        match kind {
            "step.completed" => counts.completed += 1,
            "step.failed" => counts.failed += 1,
            "step.retried" => counts.retried += 1,
            _ => counts.skipped += 1,
        }
        if matches!(kind, "step.completed" | "step.failed") {
            if let Some(fuel) = number("fuel") {
                counts.fuel += fuel;
                counts.fuel_runs += 1;
            }
            if let Some(ms) = number("duration_ms") {
                let (org, workflow, node, bucket) = key.clone();
                *self
                    .histograms
                    .entry((org, workflow, node, "step", bucket, slot_of(ms)))
                    .or_default() += 1;
            }
        }
        if matches!(kind, "step.failed" | "step.retried") {
            let error_kind = text("error_kind");
            let message = text("error");
            let category = ErrorCategory::classify(error_kind, message);
            let (org, workflow, node, bucket) = key;
            *self
                .errors
                .entry((org, workflow, node.clone(), bucket, category))
                .or_default() += 1;
            self.examples.push(ErrorExample {
                event_id: event.id,
                org_id: event.org_id.clone(),
                workflow_id: event.workflow_id.clone(),
                category,
                node_id: node,
                execution_id: event.execution_id.clone(),
                error_kind: error_kind.to_string(),
                message: message.chars().take(EXAMPLE_CHARS).collect(),
                at: event.at,
            });
        }
    }
}

/// Folds `events` into one set of changes.
pub fn fold(events: &[EventRow]) -> Deltas {
    let mut deltas = Deltas::default();
    for event in events {
        deltas.add(event);
    }
    deltas
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event(id: i64, node: Option<&str>, kind: &str, detail: Value, at: i64) -> EventRow {
        EventRow {
            id,
            org_id: "o".into(),
            workflow_id: "w".into(),
            execution_id: "e".into(),
            node_id: node.map(str::to_string),
            kind: kind.into(),
            detail: detail.to_string(),
            at,
        }
    }

    #[test]
    fn events_become_hourly_counts() {
        use serde_json::json;
        let h = 10 * HOUR_MS;
        let deltas = fold(&[
            event(1, Some("t"), "execution.started", json!({}), h + 5),
            event(
                2,
                Some("a"),
                "step.completed",
                json!({"outcome": "done", "fuel": 100, "duration_ms": 4}),
                h + 6,
            ),
            event(
                3,
                Some("b"),
                "step.retried",
                json!({"error": "retryable failure: HTTP 503: x", "error_kind": "retryable"}),
                h + 7,
            ),
            event(
                4,
                Some("b"),
                "step.failed",
                json!({"error": "failed: HTTP 404: y", "error_kind": "fatal", "fuel": 50, "duration_ms": 0}),
                h + HOUR_MS,
            ),
            event(5, Some("b"), "execution.failed", json!({}), h + HOUR_MS),
            event(6, None, "execution.cancelled", json!({}), h + HOUR_MS),
        ]);
        let run = |b| deltas.runs[&("o".to_string(), "w".to_string(), b)];
        assert_eq!(
            run(h),
            RunCounts {
                started: 1,
                ..RunCounts::default()
            }
        );
        assert_eq!(
            run(h + HOUR_MS),
            RunCounts {
                failed: 1,
                cancelled: 1,
                ..RunCounts::default()
            }
        );
        let step = |n: &str, b| deltas.steps[&("o".to_string(), "w".to_string(), n.to_string(), b)];
        assert_eq!(
            step("a", h),
            StepCounts {
                completed: 1,
                fuel: 100,
                fuel_runs: 1,
                ..StepCounts::default()
            }
        );
        assert_eq!(
            step("b", h),
            StepCounts {
                retried: 1,
                ..StepCounts::default()
            }
        );
        assert_eq!(
            step("b", h + HOUR_MS),
            StepCounts {
                failed: 1,
                fuel: 50,
                fuel_runs: 1,
                ..StepCounts::default()
            }
        );
        assert_eq!(deltas.histograms.len(), 2);
        let categories: Vec<_> = deltas.errors.keys().map(|k| k.4).collect();
        assert_eq!(
            categories,
            [
                ErrorCategory::ProviderUnavailable,
                ErrorCategory::ProviderRejected
            ]
        );
        assert_eq!(deltas.examples.len(), 2);
    }
}
