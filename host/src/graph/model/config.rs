//! The `config` object of each node kind.

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::graph::condition::Condition;
use crate::graph::triggers::TriggerEvent;

/// A trigger node's config: the event that starts the workflow, plus the
/// fields that event needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case", deny_unknown_fields)]
pub enum TriggerConfig {
    /// A new lead entered the CRM.
    LeadCreated {},
    /// A contact's fields changed.
    ContactUpdated {},
    /// A specific tag was added to a contact.
    TagAdded {
        /// The tag to react to.
        tag: String,
    },
    /// A booking was made.
    BookingCreated {},
    /// A booking was cancelled.
    BookingCancelled {},
    /// A booked contact did not attend.
    ClassNoShow {},
    /// A membership ends in `days_before` days.
    MembershipExpiring {
        /// Days before expiry to fire (1 ..= 365).
        days_before: u32,
    },
    /// A membership was cancelled.
    MembershipCancelled {},
    /// A membership was renewed.
    MembershipRenewed {},
    /// A booked contact checked in to a class.
    ClassAttended {},
    /// A contact replied to a message.
    ContactReplied {},
    /// It is the contact's birthday.
    Birthday {},
    /// A form was submitted.
    FormSubmitted {
        /// Only this form; any form when absent.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        form_id: Option<String>,
    },
    /// The workflow's webhook was called.
    InboundWebhook {},
    /// A cron schedule fired.
    Schedule {
        /// Five-field cron expression, evaluated in the organisation's time zone.
        cron: String,
    },
    /// Started by hand.
    Manual {},
}

impl TriggerConfig {
    /// The event this trigger reacts to.
    pub fn event(&self) -> TriggerEvent {
        match self {
            Self::LeadCreated {} => TriggerEvent::LeadCreated,
            Self::ContactUpdated {} => TriggerEvent::ContactUpdated,
            Self::TagAdded { .. } => TriggerEvent::TagAdded,
            Self::BookingCreated {} => TriggerEvent::BookingCreated,
            Self::BookingCancelled {} => TriggerEvent::BookingCancelled,
            Self::ClassNoShow {} => TriggerEvent::ClassNoShow,
            Self::MembershipExpiring { .. } => TriggerEvent::MembershipExpiring,
            Self::MembershipCancelled {} => TriggerEvent::MembershipCancelled,
            Self::MembershipRenewed {} => TriggerEvent::MembershipRenewed,
            Self::ClassAttended {} => TriggerEvent::ClassAttended,
            Self::ContactReplied {} => TriggerEvent::ContactReplied,
            Self::Birthday {} => TriggerEvent::Birthday,
            Self::FormSubmitted { .. } => TriggerEvent::FormSubmitted,
            Self::InboundWebhook {} => TriggerEvent::InboundWebhook,
            Self::Schedule { .. } => TriggerEvent::Schedule,
            Self::Manual {} => TriggerEvent::Manual,
        }
    }
}

/// An action node's config: which plugin version to run, with what input.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionConfig {
    /// Plugin id, such as `atlas.sms.send`.
    pub plugin: String,
    /// Exact pinned semver version, such as `1.2.3`.
    pub version: String,
    /// Input for the plugin; strings may contain templates.
    #[serde(default = "empty_object")]
    pub input: Value,
    /// Retry policy; [`RetryPolicy::default`] when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub retry: Option<RetryPolicy>,
}

impl ActionConfig {
    /// The retry policy in force: the configured one or the default.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry.clone().unwrap_or_default()
    }
}

fn empty_object() -> Value {
    Value::Object(serde_json::Map::new())
}

/// How a failing action is retried: exponential backoff with jitter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RetryPolicy {
    /// Attempts in total, including the first (1 ..= 20).
    #[serde(default = "RetryPolicy::default_max_attempts")]
    pub max_attempts: u32,
    /// Wait before the first retry, in milliseconds.
    #[serde(default = "RetryPolicy::default_initial_interval_ms")]
    pub initial_interval_ms: u64,
    /// Factor applied to the wait after each retry (at least 1).
    #[serde(default = "RetryPolicy::default_multiplier")]
    pub multiplier: f64,
    /// Longest wait between attempts, in milliseconds.
    #[serde(default = "RetryPolicy::default_max_interval_ms")]
    pub max_interval_ms: u64,
    /// Random spread applied to each wait, as a fraction (0 ..= 1).
    #[serde(default = "RetryPolicy::default_jitter")]
    pub jitter: f64,
}

impl RetryPolicy {
    fn default_max_attempts() -> u32 {
        3
    }
    fn default_initial_interval_ms() -> u64 {
        1_000
    }
    fn default_multiplier() -> f64 {
        2.0
    }
    fn default_max_interval_ms() -> u64 {
        300_000
    }
    fn default_jitter() -> f64 {
        0.2
    }
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: Self::default_max_attempts(),
            initial_interval_ms: Self::default_initial_interval_ms(),
            multiplier: Self::default_multiplier(),
            max_interval_ms: Self::default_max_interval_ms(),
            jitter: Self::default_jitter(),
        }
    }
}

/// An if/else node's config.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IfElseConfig {
    /// Decides between the `true` and `false` outcomes.
    pub condition: Condition,
}

/// A switch node's config: the first case whose condition holds wins,
/// otherwise `default`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchConfig {
    /// The cases, in evaluation order.
    pub cases: Vec<SwitchCase>,
}

/// One switch case; its name is also its outcome.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SwitchCase {
    /// Outcome name (not `default`).
    pub name: String,
    /// When this case applies.
    pub condition: Condition,
}

/// A delay node's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DelayConfig {
    /// How long to wait, such as `10m` or `1h30m`.
    pub duration: String,
}

/// A wait-until node's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "mode", rename_all = "snake_case", deny_unknown_fields)]
pub enum WaitUntilConfig {
    /// Wait until the organisation is open.
    BusinessHours {
        /// Opening windows per weekday.
        windows: WeeklyWindows,
        /// Closed dates (`YYYY-MM-DD`).
        #[serde(default)]
        holidays: Vec<String>,
        /// IANA time zone the windows and holidays are in, such as
        /// `Europe/Madrid`; when absent, the contact's zone, else the
        /// organisation's.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        time_zone: Option<String>,
    },
    /// Wait until a date-time, typically taken from data.
    #[serde(rename = "datetime")]
    DateTime {
        /// RFC 3339 date-time or `YYYY-MM-DD`, usually a template such as
        /// `{{trigger.class_start}}`.
        at: String,
        /// Signed shift such as `-2h`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        offset: Option<String>,
    },
}

/// Opening windows per weekday, each `["HH:MM", "HH:MM"]`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WeeklyWindows {
    /// Monday.
    #[serde(default)]
    pub mon: Vec<[String; 2]>,
    /// Tuesday.
    #[serde(default)]
    pub tue: Vec<[String; 2]>,
    /// Wednesday.
    #[serde(default)]
    pub wed: Vec<[String; 2]>,
    /// Thursday.
    #[serde(default)]
    pub thu: Vec<[String; 2]>,
    /// Friday.
    #[serde(default)]
    pub fri: Vec<[String; 2]>,
    /// Saturday.
    #[serde(default)]
    pub sat: Vec<[String; 2]>,
    /// Sunday.
    #[serde(default)]
    pub sun: Vec<[String; 2]>,
}

impl WeeklyWindows {
    /// Each weekday with its short name and windows, Monday first.
    pub fn days(&self) -> [(chrono::Weekday, &'static str, &[[String; 2]]); 7] {
        use chrono::Weekday;
        [
            (Weekday::Mon, "mon", &self.mon),
            (Weekday::Tue, "tue", &self.tue),
            (Weekday::Wed, "wed", &self.wed),
            (Weekday::Thu, "thu", &self.thu),
            (Weekday::Fri, "fri", &self.fri),
            (Weekday::Sat, "sat", &self.sat),
            (Weekday::Sun, "sun", &self.sun),
        ]
    }
}

/// A wait-for-event node's config: outcome `event` if it happens in time,
/// `timeout` otherwise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WaitForEventConfig {
    /// The event to wait for.
    pub event: TriggerEvent,
    /// How long to wait, such as `2d`.
    pub timeout: String,
}

/// An A/B split node's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AbSplitConfig {
    /// The paths; each name is also an outcome.
    pub variants: Vec<Variant>,
}

/// One weighted path of an A/B split.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Variant {
    /// Outcome name.
    pub name: String,
    /// Relative weight (1 ..= 100).
    pub weight: u32,
}

/// A goal node's config: when the event happens (and the condition holds),
/// the contact's execution jumps here from wherever it waits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GoalConfig {
    /// The event that reaches the goal.
    pub event: TriggerEvent,
    /// An extra condition checked when the event happens.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<Condition>,
}

/// A go-to node's config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GotoConfig {
    /// The node to continue at.
    pub target: String,
}

/// An exit node's config (always empty).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExitConfig {}
