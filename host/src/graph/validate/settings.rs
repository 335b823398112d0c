//! Checks of the workflow settings.

use crate::graph::model::{ReentryPolicy, WorkflowSettings};
use crate::graph::problem::Problem;
use crate::graph::schedule::TimeOfDay;

/// Longest re-entry interval, in days (ten years).
const MAX_REENTRY_DAYS: u32 = 3_650;

/// Checks `settings`.
pub(super) fn check(settings: &WorkflowSettings, problems: &mut Vec<Problem>) {
    if let ReentryPolicy::AfterDays { days } = settings.reentry
        && !(1..=MAX_REENTRY_DAYS).contains(&days)
    {
        problems.push(Problem::document(
            "settings.reentry.days",
            format!("re-entry takes 1 to {MAX_REENTRY_DAYS} days, not {days}"),
        ));
    }
    if let Some(quiet) = &settings.quiet_hours {
        let start = TimeOfDay::parse(&quiet.start)
            .map_err(|reason| {
                problems.push(Problem::document("settings.quiet_hours.start", reason))
            })
            .ok();
        let end = TimeOfDay::parse(&quiet.end)
            .map_err(|reason| problems.push(Problem::document("settings.quiet_hours.end", reason)))
            .ok();
        if let (Some(start), Some(end)) = (start, end)
            && start == end
        {
            problems.push(Problem::document(
                "settings.quiet_hours",
                "quiet hours must start and end at different times",
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::QuietHoursConfig;

    fn problems_of(settings: WorkflowSettings) -> Vec<String> {
        let mut problems = Vec::new();
        check(&settings, &mut problems);
        problems.into_iter().map(|problem| problem.field).collect()
    }

    #[test]
    fn valid_settings_parse() {
        let settings = WorkflowSettings {
            reentry: ReentryPolicy::AfterDays { days: 30 },
            stop_on_reply: true,
            quiet_hours: Some(QuietHoursConfig {
                start: "21:00".into(),
                end: "08:00".into(),
            }),
        };
        assert!(problems_of(settings).is_empty());
    }

    #[test]
    fn reports_each_bad_setting() {
        let settings = WorkflowSettings {
            reentry: ReentryPolicy::AfterDays { days: 0 },
            stop_on_reply: false,
            quiet_hours: Some(QuietHoursConfig {
                start: "9pm".into(),
                end: "25:00".into(),
            }),
        };
        assert_eq!(
            problems_of(settings),
            [
                "settings.reentry.days",
                "settings.quiet_hours.start",
                "settings.quiet_hours.end"
            ]
        );
        let same = WorkflowSettings {
            quiet_hours: Some(QuietHoursConfig {
                start: "08:00".into(),
                end: "08:00".into(),
            }),
            ..WorkflowSettings::default()
        };
        assert_eq!(problems_of(same), ["settings.quiet_hours"]);
    }
}
