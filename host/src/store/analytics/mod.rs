//! Execution analytics: hourly rollups of the execution events (counts by
//! outcome, fuel, log-scale duration histograms, error categories, A/B
//! assignments and goal hits), kept current by a catch-up pass, and the
//! per-workflow report read from them.

mod category;
mod fold;
mod histogram;
mod report;
mod rollup;
mod significance;

pub use category::ErrorCategory;
pub use fold::{EventRow, HOUR_MS, hour_of};
pub use histogram::Histogram;
pub use report::{
    AbComparison, AbTest, AbVariant, BucketSize, DAY_MS, DurationStats, ErrorGroup, ErrorSample,
    ExecutionTotals, FuelStats, GoalAnalytics, NodeAnalytics, NodeCount, SeriesPoint,
    WorkflowAnalytics,
};
pub use significance::{ZTest, two_proportion_z_test};
