//! What validation needs to know about installed action plugins.

use serde_json::Value;

/// The parts of an installed plugin's manifest that validation checks against.
#[derive(Debug, Clone, PartialEq)]
pub struct PluginInfo {
    /// JSON Schema the action's input must satisfy.
    pub input_schema: Value,
    /// JSON Schema describing the action's output.
    pub output_schema: Value,
    /// Named outcomes the action can end with; each may become an outgoing edge.
    pub outcomes: Vec<String>,
}

/// Looks up plugins installed for the organisation that owns the workflow.
pub trait PluginLookup {
    /// The manifest of plugin `id` at exactly `version`, or `None` when that
    /// version is not installed.
    fn manifest(&self, id: &str, version: &str) -> Option<PluginInfo>;
}
