//! What a run produces: the action's output or a typed error, plus the figures
//! every run reports (fuel, peak memory, wall time, logs, denied calls).

use std::time::Duration;

use serde::Serialize;
use serde_json::Value;

use super::state::LogLine;
use crate::capabilities::Denial;

/// The successful result of an action.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ActionOutput {
    /// Which outcome edge to follow.
    pub outcome: String,
    /// The output document, valid against the output schema.
    pub data: Value,
}

/// Why a run did not produce an output. `kind()` is stable: analytics and the
/// engine's retry policy key on it.
#[derive(Debug, Clone, PartialEq, Serialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum RunError {
    /// The input is not acceptable (host schema check or the action's own); never retried.
    #[error("invalid input: {message}")]
    InvalidInput {
        /// What is wrong.
        message: String,
    },
    /// The action reported a passing failure.
    #[error("retryable failure: {message}")]
    Retryable {
        /// What failed.
        message: String,
        /// The provider's Retry-After, when it gave one.
        retry_after_ms: Option<u64>,
    },
    /// The action reported a permanent failure.
    #[error("failed: {message}")]
    Fatal {
        /// What failed.
        message: String,
    },
    /// The run exceeded its wall-clock budget.
    #[error("timed out after {budget_ms} ms")]
    Timeout {
        /// The budget in force.
        budget_ms: u64,
    },
    /// The run used up its fuel (CPU budget).
    #[error("ran out of fuel after {fuel} units")]
    FuelExhausted {
        /// The budget in force.
        fuel: u64,
    },
    /// The component asked for more linear memory than its cap.
    #[error("exceeded its memory limit of {limit_bytes} bytes")]
    MemoryLimit {
        /// The cap in force.
        limit_bytes: u64,
    },
    /// The input document is larger than the cap.
    #[error("input is {size} bytes, more than the limit of {limit} bytes")]
    InputTooLarge {
        /// Actual size.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// The output document is larger than the cap.
    #[error("output is {size} bytes, more than the limit of {limit} bytes")]
    OutputTooLarge {
        /// Actual size.
        size: u64,
        /// The cap.
        limit: u64,
    },
    /// The output is not JSON, breaks the output schema, or names an unknown outcome.
    #[error("invalid output: {message}")]
    InvalidOutput {
        /// What is wrong.
        message: String,
    },
    /// The component crashed (a trap other than a limit).
    #[error("the action crashed: {message}")]
    Trap {
        /// The trap, with a wasm backtrace when there is one.
        message: String,
    },
    /// The plugin is disabled or cannot be instantiated.
    #[error("the action is unavailable: {message}")]
    Unavailable {
        /// Why.
        message: String,
    },
}

impl RunError {
    /// Stable machine-readable kind, such as `timeout` or `memory_limit`.
    pub fn kind(&self) -> &'static str {
        match self {
            RunError::InvalidInput { .. } => "invalid_input",
            RunError::Retryable { .. } => "retryable",
            RunError::Fatal { .. } => "fatal",
            RunError::Timeout { .. } => "timeout",
            RunError::FuelExhausted { .. } => "fuel_exhausted",
            RunError::MemoryLimit { .. } => "memory_limit",
            RunError::InputTooLarge { .. } => "input_too_large",
            RunError::OutputTooLarge { .. } => "output_too_large",
            RunError::InvalidOutput { .. } => "invalid_output",
            RunError::Trap { .. } => "trap",
            RunError::Unavailable { .. } => "unavailable",
        }
    }

    /// True when the engine should try again (with backoff).
    pub fn is_retryable(&self) -> bool {
        matches!(self, RunError::Retryable { .. } | RunError::Timeout { .. })
    }

    /// True for the sandbox limits (timeout, fuel, memory, output size).
    pub fn is_sandbox_limit(&self) -> bool {
        matches!(
            self,
            RunError::Timeout { .. }
                | RunError::FuelExhausted { .. }
                | RunError::MemoryLimit { .. }
                | RunError::OutputTooLarge { .. }
        )
    }
}

/// Everything one run produced.
#[derive(Debug, Clone, Serialize)]
pub struct RunReport {
    /// The plugin's id.
    pub plugin_id: String,
    /// The plugin's version.
    pub plugin_version: String,
    /// The output or the error.
    #[serde(serialize_with = "serialize_result")]
    pub result: Result<ActionOutput, RunError>,
    /// Fuel consumed by the run.
    pub fuel_consumed: u64,
    /// Highest total linear memory, in bytes.
    pub peak_memory_bytes: u64,
    /// Wall time from instantiation to the end of `execute`.
    #[serde(serialize_with = "serialize_micros", rename = "wall_time_us")]
    pub wall_time: Duration,
    /// Log lines the plugin wrote.
    pub logs: Vec<LogLine>,
    /// Log lines dropped because the log cap was reached.
    pub logs_dropped: u32,
    /// Host calls that were refused (at most the run's `denials_kept`).
    pub denials: Vec<Denial>,
    /// Refused host calls beyond those kept, only counted.
    pub denials_dropped: u32,
    /// HTTP requests made (redirect hops included).
    pub http_requests: u32,
}

impl RunReport {
    /// The outcome name, when the run succeeded.
    pub fn outcome(&self) -> Option<&str> {
        self.result.as_ref().ok().map(|o| o.outcome.as_str())
    }
}

fn serialize_result<S: serde::Serializer>(
    result: &Result<ActionOutput, RunError>,
    s: S,
) -> Result<S::Ok, S::Error> {
    #[derive(Serialize)]
    #[serde(rename_all = "snake_case")]
    enum Tagged<'a> {
        Ok(&'a ActionOutput),
        Error(&'a RunError),
    }
    match result {
        Ok(o) => Tagged::Ok(o).serialize(s),
        Err(e) => Tagged::Error(e).serialize(s),
    }
}

fn serialize_micros<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_u64(d.as_micros() as u64)
}
