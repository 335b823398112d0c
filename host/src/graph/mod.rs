//! Workflow graphs: the document the builder and the API exchange, its
//! validation, templates, conditions, and the pure time and split rules the
//! engine applies. Nothing here does I/O or reads the clock.
//!
//! Typical flow: [`parse_workflow`] reads JSON, [`validate()`] reports every
//! problem, and [`CompiledWorkflow`] indexes a valid document for the engine.
//! The most used items are re-exported here.

pub mod compiled;
pub mod condition;
pub mod date_value;
pub mod limits;
pub mod model;
pub mod plugins;
pub mod problem;
pub mod schedule;
pub mod scope;
pub mod split;
pub mod template;
pub mod triggers;
pub mod validate;

pub use compiled::CompiledWorkflow;
pub use condition::{Condition, Operator, Rule, evaluate};
pub use date_value::DateValue;
pub use model::{
    AbSplitConfig, ActionConfig, DelayConfig, Edge, ExitConfig, GoalConfig, GotoConfig,
    IfElseConfig, Node, NodeKind, Position, QuietHoursConfig, ReentryPolicy, RetryPolicy,
    SwitchCase, SwitchConfig, TriggerConfig, Variant, WaitForEventConfig, WaitUntilConfig,
    WeeklyWindows, WorkflowDocument, WorkflowSettings,
};
pub use plugins::{PluginInfo, PluginLookup};
pub use problem::Problem;
pub use schedule::{
    CronSchedule, QuietHours, TimeOfDay, TimeWindow, WeeklyHours, end_of_quiet_hours,
    in_quiet_hours, next_business_time, parse_duration, parse_offset,
};
pub use split::ab_variant;
pub use template::{RenderError, Template, TemplateError, render_json};
pub use triggers::TriggerEvent;
pub use validate::{parse_workflow, validate};
