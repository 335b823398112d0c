//! The workflow document the builder and the API exchange, as JSON.
//!
//! ```json
//! {
//!   "name": "New lead welcome",
//!   "settings": {"reentry": {"policy": "never"}, "stop_on_reply": false, "quiet_hours": null},
//!   "nodes": [{"id": "n1", "kind": "trigger", "position": {"x": 0, "y": 0},
//!              "config": {"event": "lead_created"}}],
//!   "edges": [{"id": "e1", "source": "n1", "target": "n2", "outcome": "next"}]
//! }
//! ```
//!
//! Deserialising checks shape and types (unknown kinds, fields and wrong types
//! are errors); [`crate::graph::validate()`] checks meaning. Textual values with
//! their own syntax (durations, clock times, cron expressions, versions,
//! templates) stay strings here so validation can report every bad one.

mod bounded;
mod config;
mod node;
mod node_serde;
mod settings;

use serde::{Deserialize, Serialize};

pub use config::{
    AbSplitConfig, ActionConfig, DelayConfig, ExitConfig, GoalConfig, GotoConfig, IfElseConfig,
    RetryPolicy, SwitchCase, SwitchConfig, TriggerConfig, Variant, WaitForEventConfig,
    WaitUntilConfig, WeeklyWindows,
};
pub use node::{Node, NodeKind, Position};
pub(crate) use node_serde::split_late_config_error;
pub use settings::{QuietHoursConfig, ReentryPolicy, WorkflowSettings};

/// A whole workflow: its name, settings, nodes and the edges between them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowDocument {
    /// Name shown in the builder and in run history.
    pub name: String,
    /// Labels for finding the workflow in lists (see [`crate::graph::limits::MAX_TAGS`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Workflow-wide behaviour.
    #[serde(default)]
    pub settings: WorkflowSettings,
    /// The nodes, at most [`crate::graph::limits::MAX_NODES`].
    #[serde(deserialize_with = "bounded::nodes")]
    pub nodes: Vec<Node>,
    /// The edges, at most [`crate::graph::limits::MAX_EDGES`].
    #[serde(default, deserialize_with = "bounded::edges")]
    pub edges: Vec<Edge>,
}

/// A connection from one node's outcome to the next node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Edge {
    /// Unique edge id.
    pub id: String,
    /// The node the edge leaves.
    pub source: String,
    /// The node the edge enters.
    pub target: String,
    /// Which outcome of the source node follows this edge (`next`, `true`, a case name, …).
    pub outcome: String,
}
