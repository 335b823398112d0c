//! Workflow-wide settings: re-entry, stop on reply and quiet hours.

use serde::{Deserialize, Serialize};

/// Settings that apply to every execution of a workflow.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorkflowSettings {
    /// Whether a contact may enter the workflow again.
    #[serde(default)]
    pub reentry: ReentryPolicy,
    /// Stop a contact's execution when they reply to a message it sent.
    #[serde(default)]
    pub stop_on_reply: bool,
    /// Hours during which messages wait, in the organisation's time zone.
    #[serde(default)]
    pub quiet_hours: Option<QuietHoursConfig>,
}

/// Whether a contact who already went through a workflow may start it again.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "policy", rename_all = "snake_case", try_from = "ReentryFields")]
pub enum ReentryPolicy {
    /// Once per contact, ever.
    #[default]
    Never,
    /// Every time the trigger fires.
    Always,
    /// Again once this many days have passed since the previous entry.
    AfterDays {
        /// Days between entries (1 ..= 3650).
        days: u32,
    },
}

/// The re-entry object as written, checked strictly before it becomes a
/// [`ReentryPolicy`] (a derived tagged enum would ignore stray fields on
/// `never` and `always`).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ReentryFields {
    policy: ReentryName,
    days: Option<u32>,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum ReentryName {
    Never,
    Always,
    AfterDays,
}

impl TryFrom<ReentryFields> for ReentryPolicy {
    type Error = &'static str;

    fn try_from(fields: ReentryFields) -> Result<Self, Self::Error> {
        match (fields.policy, fields.days) {
            (ReentryName::Never, None) => Ok(Self::Never),
            (ReentryName::Always, None) => Ok(Self::Always),
            (ReentryName::AfterDays, Some(days)) => Ok(Self::AfterDays { days }),
            (ReentryName::AfterDays, None) => Err("the `after_days` policy needs `days`"),
            (ReentryName::Never | ReentryName::Always, Some(_)) => {
                Err("`days` only applies to the `after_days` policy")
            }
        }
    }
}

/// Quiet hours as written: `{"start": "21:00", "end": "08:00"}`; the window
/// may cross midnight.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuietHoursConfig {
    /// When quiet hours begin (`HH:MM`).
    pub start: String,
    /// When quiet hours end (`HH:MM`).
    pub end: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn defaults_and_policies() {
        let settings: WorkflowSettings = serde_json::from_value(json!({})).unwrap();
        assert_eq!(settings, WorkflowSettings::default());
        assert_eq!(settings.reentry, ReentryPolicy::Never);
        let after: ReentryPolicy =
            serde_json::from_value(json!({"policy": "after_days", "days": 30})).unwrap();
        assert_eq!(after, ReentryPolicy::AfterDays { days: 30 });
    }

    #[test]
    fn rejects_unknown_fields() {
        assert!(
            serde_json::from_value::<WorkflowSettings>(json!({"stop_on_replies": true})).is_err()
        );
        assert!(serde_json::from_value::<ReentryPolicy>(json!({"policy": "sometimes"})).is_err());
        assert!(
            serde_json::from_value::<ReentryPolicy>(json!({"policy": "never", "days": 3})).is_err()
        );
        assert!(serde_json::from_value::<ReentryPolicy>(json!({"policy": "after_days"})).is_err());
        assert!(
            serde_json::from_value::<ReentryPolicy>(json!({"policy": "always", "extra": 1}))
                .is_err()
        );
        let always = serde_json::to_value(ReentryPolicy::Always).unwrap();
        assert_eq!(always, json!({"policy": "always"}));
        assert_eq!(
            serde_json::from_value::<ReentryPolicy>(always).unwrap(),
            ReentryPolicy::Always
        );
    }
}
