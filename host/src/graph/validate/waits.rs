//! Checks of delay, wait-until and wait-for-event nodes.

use chrono::NaiveDate;

use super::facts::{NodeProblems, TemplateSite};
use super::nodes::check_contact_event;
use crate::graph::date_value::DateValue;
use crate::graph::limits::MAX_HOLIDAYS;
use crate::graph::model::{DelayConfig, WaitForEventConfig, WaitUntilConfig};
use crate::graph::schedule::{WeeklyHours, parse_duration, parse_offset};

/// Checks a delay node.
pub(super) fn delay(config: &DelayConfig, report: &mut NodeProblems<'_>) {
    report.check("config.duration", parse_duration(&config.duration));
}

/// Checks a wait-for-event node.
pub(super) fn wait_for_event(config: &WaitForEventConfig, report: &mut NodeProblems<'_>) {
    check_contact_event(config.event, "waited for", report);
    report.check("config.timeout", parse_duration(&config.timeout));
}

/// Checks a wait-until node, recording its `at` template.
pub(super) fn wait_until<'d>(
    config: &'d WaitUntilConfig,
    report: &mut NodeProblems<'_>,
    sites: &mut Vec<TemplateSite<'d>>,
) {
    match config {
        WaitUntilConfig::BusinessHours {
            windows,
            holidays,
            time_zone,
        } => {
            match WeeklyHours::parse_windows(windows) {
                Ok(hours) if hours.is_empty() => {
                    report.add(
                        "config.windows",
                        "no opening hours: add at least one window",
                    );
                }
                Ok(_) => {}
                Err(errors) => {
                    for error in errors {
                        report.add(format!("config.windows.{}", error.field), error.reason);
                    }
                }
            }
            check_holidays(holidays, report);
            if let Some(zone) = time_zone {
                check_time_zone(zone, report);
            }
        }
        WaitUntilConfig::DateTime { at, offset } => {
            if at.trim().is_empty() {
                report.add(
                    "config.at",
                    "a date-time is required, such as `{{trigger.class_start}}`",
                );
            } else if !at.contains("{{") && DateValue::parse(at).is_none() {
                report.add(
                    "config.at",
                    format!("`{at}` is not an RFC 3339 date-time or a YYYY-MM-DD date"),
                );
            }
            sites.push(TemplateSite {
                field: "config.at".to_owned(),
                text: at,
            });
            if let Some(offset) = offset {
                report.check("config.offset", parse_offset(offset));
            }
        }
    }
}

fn check_time_zone(zone: &str, report: &mut NodeProblems<'_>) {
    if zone.parse::<chrono_tz::Tz>().is_err() {
        report.add(
            "config.time_zone",
            format!("`{zone}` is not an IANA time zone, such as `Europe/Madrid`"),
        );
    }
}

fn check_holidays(holidays: &[String], report: &mut NodeProblems<'_>) {
    if holidays.len() > MAX_HOLIDAYS {
        report.add(
            "config.holidays",
            format!("at most {MAX_HOLIDAYS} holidays"),
        );
        return;
    }
    for (position, holiday) in holidays.iter().enumerate() {
        if NaiveDate::parse_from_str(holiday, "%Y-%m-%d").is_err() {
            report.add(
                format!("config.holidays[{position}]"),
                format!("`{holiday}` is not a YYYY-MM-DD date"),
            );
        }
    }
}
