//! The analytics of one workflow over a time range, read from the rollups
//! (after a catch-up pass) plus the live "waiting now" figures. The cost
//! depends on the number of hours and nodes in the range, not on the number
//! of events.

use std::collections::{BTreeMap, HashMap};

use serde::{Deserialize, Serialize};
use sqlx::Row;
use utoipa::ToSchema;

use super::category::ErrorCategory;
use super::fold::HOUR_MS;
use super::histogram::Histogram;
use super::significance::{ZTest, two_proportion_z_test};
use crate::store::{Store, with_pool};

/// One day in ms.
pub const DAY_MS: i64 = 24 * HOUR_MS;

/// The width of a series point.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum BucketSize {
    /// One UTC hour.
    #[default]
    Hour,
    /// One UTC day.
    Day,
}

impl BucketSize {
    /// Its length in ms.
    pub fn millis(self) -> i64 {
        match self {
            Self::Hour => HOUR_MS,
            Self::Day => DAY_MS,
        }
    }

    /// `[from, to)` widened to whole buckets.
    pub fn align(self, from: i64, to: i64) -> (i64, i64) {
        let size = self.millis();
        let start = from - from.rem_euclid(size);
        let end = if to.rem_euclid(size) == 0 {
            to
        } else {
            to - to.rem_euclid(size) + size
        };
        (start, end)
    }
}

/// Durations of a node's runs, or times to a goal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
pub struct DurationStats {
    /// Samples.
    pub samples: i64,
    /// Median, ms (within about 19%: a log-scale histogram).
    pub p50_ms: i64,
    /// 95th percentile, ms.
    pub p95_ms: i64,
}

impl DurationStats {
    fn of(histogram: &Histogram) -> Option<Self> {
        Some(Self {
            samples: histogram.count(),
            p50_ms: histogram.quantile(0.5)?,
            p95_ms: histogram.quantile(0.95)?,
        })
    }
}

/// Fuel used by a node's action runs.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, ToSchema)]
pub struct FuelStats {
    /// Runs that reported fuel.
    pub runs: i64,
    /// Fuel used in all.
    pub total: i64,
    /// Per run.
    pub average: f64,
}

/// Executions of the workflow in the range.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, ToSchema)]
pub struct ExecutionTotals {
    /// Started in the range.
    pub entered: i64,
    /// Completed in the range.
    pub completed: i64,
    /// Failed in the range.
    pub failed: i64,
    /// Cancelled in the range.
    pub cancelled: i64,
    /// Parked now (delay, wait, retry back-off or quiet hours), whatever the range.
    pub waiting_now: i64,
    /// completed / (completed + failed); absent when neither happened.
    pub success_rate: Option<f64>,
}

/// One node's figures in the range.
#[derive(Debug, Clone, Default, PartialEq, Serialize, ToSchema)]
pub struct NodeAnalytics {
    /// Node id.
    pub node_id: String,
    /// Visits that ended in the range: completed + failed + skipped. A visit
    /// still parked at the node counts in `waiting_now` until it ends.
    pub entered: i64,
    /// Visits completed.
    pub completed: i64,
    /// Visits failed after their last attempt.
    pub failed: i64,
    /// Visits skipped (the execution was cancelled or jumped to a goal).
    pub skipped: i64,
    /// Failed attempts that were retried.
    pub retried: i64,
    /// Executions parked at this node now.
    pub waiting_now: i64,
    /// completed / (completed + failed); absent when neither happened.
    pub success_rate: Option<f64>,
    /// Run time of the node's actions (completed and failed runs).
    pub duration: Option<DurationStats>,
    /// Fuel of the node's actions.
    pub fuel: Option<FuelStats>,
}

/// One point of the time series.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, ToSchema)]
pub struct SeriesPoint {
    /// Start of the bucket (ms since the Unix epoch, UTC).
    pub start: i64,
    /// Executions started.
    pub entered: i64,
    /// Executions completed.
    pub completed: i64,
    /// Executions failed.
    pub failed: i64,
    /// Executions cancelled.
    pub cancelled: i64,
    /// Goals reached (any goal node).
    pub goals_reached: i64,
}

/// A failure kept as an example.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorSample {
    /// Execution.
    pub execution_id: String,
    /// Node.
    pub node_id: String,
    /// The runtime's error kind (`fatal`, `retryable`, `timeout`, ...).
    pub error_kind: String,
    /// The message (first 500 characters).
    pub message: String,
    /// When (ms).
    pub at: i64,
}

/// A count for one node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct NodeCount {
    /// Node id.
    pub node_id: String,
    /// Count.
    pub count: i64,
}

/// Failed attempts of one category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct ErrorGroup {
    /// Category.
    pub category: ErrorCategory,
    /// Failed attempts (retried ones included).
    pub count: i64,
    /// By node, most first.
    pub nodes: Vec<NodeCount>,
    /// The latest examples in the range, newest first (at most five).
    pub examples: Vec<ErrorSample>,
}

/// One variant of an A/B split.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AbVariant {
    /// Variant (outcome) name.
    pub variant: String,
    /// Executions assigned to it in the range.
    pub entered: i64,
    /// Of those, how many reached a goal afterwards.
    pub reached_goal: i64,
    /// reached_goal / entered; absent when none entered.
    pub conversion_rate: Option<f64>,
}

/// A variant compared with the control (the first variant).
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AbComparison {
    /// The control variant.
    pub control: String,
    /// The compared variant.
    pub variant: String,
    /// The two-proportion z-test of their conversion rates.
    #[serde(flatten)]
    pub test: ZTest,
}

/// An A/B split node's results.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct AbTest {
    /// Split node id.
    pub node_id: String,
    /// Variants, by name.
    pub variants: Vec<AbVariant>,
    /// Every other variant against the first.
    pub comparisons: Vec<AbComparison>,
}

/// A goal node's results.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct GoalAnalytics {
    /// Goal node id.
    pub node_id: String,
    /// Executions that reached it in the range (each once).
    pub reached: i64,
    /// reached / executions entered in the range; absent when none entered.
    pub conversion_rate: Option<f64>,
    /// Time from the execution's start to the goal.
    pub time_to_goal: Option<DurationStats>,
}

/// A workflow's analytics over a range.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct WorkflowAnalytics {
    /// Workflow.
    pub workflow_id: String,
    /// Start of the range, widened to a whole bucket (ms).
    pub from: i64,
    /// End of the range (exclusive), widened to a whole bucket (ms).
    pub to: i64,
    /// Series bucket.
    pub bucket: BucketSize,
    /// Executions.
    pub executions: ExecutionTotals,
    /// Nodes, by id.
    pub nodes: Vec<NodeAnalytics>,
    /// Every bucket of the range, oldest first.
    pub series: Vec<SeriesPoint>,
    /// Failed attempts by category (only categories that occurred).
    pub errors: Vec<ErrorGroup>,
    /// A/B splits.
    pub ab_tests: Vec<AbTest>,
    /// Goals.
    pub goals: Vec<GoalAnalytics>,
}

fn rate(part: i64, whole: i64) -> Option<f64> {
    (whole > 0).then(|| part as f64 / whole as f64)
}

impl Store {
    /// The analytics of `workflow` over `[from, to)` (widened to whole
    /// buckets), after rolling up every event committed so far.
    pub async fn workflow_analytics(
        &self,
        org: &str,
        workflow: &str,
        from: i64,
        to: i64,
        bucket: BucketSize,
    ) -> anyhow::Result<WorkflowAnalytics> {
        self.roll_up_analytics().await?;
        let (from, to) = bucket.align(from, to);
        let postgres = self.dialect() == "postgres";
        let mut report = WorkflowAnalytics {
            workflow_id: workflow.to_string(),
            from,
            to,
            bucket,
            executions: ExecutionTotals::default(),
            nodes: Vec::new(),
            series: Vec::new(),
            errors: Vec::new(),
            ab_tests: Vec::new(),
            goals: Vec::new(),
        };
        let mut series: BTreeMap<i64, SeriesPoint> = (0..(to - from) / bucket.millis())
            .map(|i| {
                let start = from + i * bucket.millis();
                (
                    start,
                    SeriesPoint {
                        start,
                        ..SeriesPoint::default()
                    },
                )
            })
            .collect();
        let mut nodes: BTreeMap<String, NodeAnalytics> = BTreeMap::new();
        let mut durations: HashMap<(String, String), Histogram> = HashMap::new();
        let mut errors: BTreeMap<ErrorCategory, ErrorGroup> = BTreeMap::new();
        let mut ab: BTreeMap<String, Vec<AbVariant>> = BTreeMap::new();
        let mut goals: BTreeMap<String, i64> = BTreeMap::new();

        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            if postgres {
                sqlx::query("SELECT set_config('role', 'atlas_app', true), set_config('atlas.org_id', $1, true)")
                    .bind(org)
                    .execute(&mut *tx)
                    .await?;
            }
            let range = "org_id = $1 AND workflow_id = $2 AND bucket >= $3 AND bucket < $4";
            let rows = sqlx::query(&format!(
                "SELECT bucket, started, completed, failed, cancelled FROM analytics_runs WHERE {range}"
            ))
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let hour: i64 = r.try_get("bucket")?;
                let (started, completed, failed, cancelled): (i64, i64, i64, i64) = (
                    r.try_get("started")?, r.try_get("completed")?, r.try_get("failed")?, r.try_get("cancelled")?,
                );
                let e = &mut report.executions;
                e.entered += started;
                e.completed += completed;
                e.failed += failed;
                e.cancelled += cancelled;
                if let Some(p) = series.get_mut(&(hour - hour.rem_euclid(bucket.millis()))) {
                    p.entered += started;
                    p.completed += completed;
                    p.failed += failed;
                    p.cancelled += cancelled;
                }
            }

            let rows = sqlx::query(&format!(
                "SELECT node_id, CAST(SUM(completed) AS BIGINT) AS completed, CAST(SUM(failed) AS BIGINT) AS failed, \
                 CAST(SUM(skipped) AS BIGINT) AS skipped, CAST(SUM(retried) AS BIGINT) AS retried, \
                 CAST(SUM(fuel) AS BIGINT) AS fuel, CAST(SUM(fuel_runs) AS BIGINT) AS fuel_runs \
                 FROM analytics_steps WHERE {range} GROUP BY node_id"
            ))
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let node_id: String = r.try_get("node_id")?;
                let fuel_runs: i64 = r.try_get("fuel_runs")?;
                let fuel: i64 = r.try_get("fuel")?;
                let n = nodes.entry(node_id.clone()).or_insert_with(|| NodeAnalytics { node_id, ..NodeAnalytics::default() });
                n.completed = r.try_get("completed")?;
                n.failed = r.try_get("failed")?;
                n.skipped = r.try_get("skipped")?;
                n.retried = r.try_get("retried")?;
                if fuel_runs > 0 {
                    n.fuel = Some(FuelStats { runs: fuel_runs, total: fuel, average: fuel as f64 / fuel_runs as f64 });
                }
            }

            let rows = sqlx::query(&format!(
                "SELECT node_id, metric, slot, CAST(SUM(count) AS BIGINT) AS count FROM analytics_histograms \
                 WHERE {range} GROUP BY node_id, metric, slot"
            ))
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                durations
                    .entry((r.try_get("node_id")?, r.try_get("metric")?))
                    .or_default()
                    .add_slot(r.try_get("slot")?, r.try_get("count")?);
            }

            let rows = sqlx::query(&format!(
                "SELECT category, node_id, CAST(SUM(count) AS BIGINT) AS count FROM analytics_errors \
                 WHERE {range} GROUP BY category, node_id"
            ))
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let name: String = r.try_get("category")?;
                let Some(category) = ErrorCategory::parse(&name) else { continue };
                let count: i64 = r.try_get("count")?;
                let group = errors.entry(category).or_insert_with(|| ErrorGroup { category, count: 0, nodes: Vec::new(), examples: Vec::new() });
                group.count += count;
                group.nodes.push(NodeCount { node_id: r.try_get("node_id")?, count });
            }
            let rows = sqlx::query(
                "SELECT category, node_id, execution_id, error_kind, message, at FROM analytics_error_examples \
                 WHERE org_id = $1 AND workflow_id = $2 AND at >= $3 AND at < $4 ORDER BY at DESC, event_id DESC",
            )
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let name: String = r.try_get("category")?;
                let Some(group) = ErrorCategory::parse(&name).and_then(|c| errors.get_mut(&c)) else { continue };
                if group.examples.len() < super::rollup::EXAMPLES_KEPT {
                    group.examples.push(ErrorSample {
                        execution_id: r.try_get("execution_id")?,
                        node_id: r.try_get("node_id")?,
                        error_kind: r.try_get("error_kind")?,
                        message: r.try_get("message")?,
                        at: r.try_get("at")?,
                    });
                }
            }

            let rows = sqlx::query(&format!(
                "SELECT node_id, variant, CAST(SUM(entered) AS BIGINT) AS entered, CAST(SUM(converted) AS BIGINT) AS converted \
                 FROM analytics_ab WHERE {range} GROUP BY node_id, variant ORDER BY node_id, variant"
            ))
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let entered: i64 = r.try_get("entered")?;
                let converted: i64 = r.try_get("converted")?;
                ab.entry(r.try_get("node_id")?).or_default().push(AbVariant {
                    variant: r.try_get("variant")?,
                    entered,
                    reached_goal: converted,
                    conversion_rate: rate(converted, entered),
                });
            }

            let rows = sqlx::query(&format!(
                "SELECT node_id, bucket, reached FROM analytics_goals WHERE {range}"
            ))
            .bind(org).bind(workflow).bind(from).bind(to)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let hour: i64 = r.try_get("bucket")?;
                let reached: i64 = r.try_get("reached")?;
                *goals.entry(r.try_get("node_id")?).or_default() += reached;
                if let Some(p) = series.get_mut(&(hour - hour.rem_euclid(bucket.millis()))) {
                    p.goals_reached += reached;
                }
            }

            // Parked now: a timer job resumes at the node after the delay
            // (whose step is the one before it); every other job or wait
            // names its own node.
            let rows = sqlx::query(
                "SELECT CASE WHEN j.reason = 'timer' THEN COALESCE(s.node_id, j.node_id) \
                 ELSE COALESCE(j.node_id, e.current_node) END AS node_id, COUNT(*) AS waiting \
                 FROM executions e \
                 LEFT JOIN jobs j ON j.execution_id = e.id \
                 LEFT JOIN steps s ON j.reason = 'timer' AND s.execution_id = e.id AND s.seq = j.seq - 1 \
                 WHERE e.org_id = $1 AND e.workflow_id = $2 AND e.status = 'waiting' \
                 GROUP BY 1",
            )
            .bind(org).bind(workflow)
            .fetch_all(&mut *tx)
            .await?;
            for r in rows {
                let node_id: Option<String> = r.try_get("node_id")?;
                let waiting: i64 = r.try_get("waiting")?;
                report.executions.waiting_now += waiting;
                if let Some(node_id) = node_id {
                    nodes.entry(node_id.clone()).or_insert_with(|| NodeAnalytics { node_id, ..NodeAnalytics::default() }).waiting_now += waiting;
                }
            }
            tx.commit().await?;
        });

        let e = &mut report.executions;
        e.success_rate = rate(e.completed, e.completed + e.failed);
        for node in nodes.values_mut() {
            node.entered = node.completed + node.failed + node.skipped;
            node.success_rate = rate(node.completed, node.completed + node.failed);
            node.duration = durations
                .get(&(node.node_id.clone(), "step".to_string()))
                .and_then(DurationStats::of);
        }
        report.nodes = nodes.into_values().collect();
        report.series = series.into_values().collect();
        report.errors = errors
            .into_values()
            .map(|mut g| {
                g.nodes
                    .sort_by(|a, b| b.count.cmp(&a.count).then(a.node_id.cmp(&b.node_id)));
                g
            })
            .collect();
        report.ab_tests = ab
            .into_iter()
            .map(|(node_id, variants)| {
                let comparisons = match variants.split_first() {
                    Some((control, others)) => others
                        .iter()
                        .map(|v| AbComparison {
                            control: control.variant.clone(),
                            variant: v.variant.clone(),
                            test: two_proportion_z_test(
                                control.reached_goal,
                                control.entered,
                                v.reached_goal,
                                v.entered,
                            ),
                        })
                        .collect(),
                    None => Vec::new(),
                };
                AbTest {
                    node_id,
                    variants,
                    comparisons,
                }
            })
            .collect();
        let entered = report.executions.entered;
        report.goals = goals
            .into_iter()
            .map(|(node_id, reached)| GoalAnalytics {
                time_to_goal: durations
                    .get(&(node_id.clone(), "goal".to_string()))
                    .and_then(DurationStats::of),
                node_id,
                reached,
                conversion_rate: rate(reached, entered),
            })
            .collect();
        Ok(report)
    }
}
