//! The filters a template expression can apply: `default`, `upper`, `lower`,
//! `capitalize`, `truncate`, `date` and `json`.

use std::borrow::Cow;
use std::fmt::Write;

use chrono::format::{Item, StrftimeItems};
use chrono::{DateTime, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use serde_json::Value;

use super::error::{RenderError, TemplateError};
use crate::graph::date_value::DateValue;

/// Longest length `truncate` accepts.
const MAX_TRUNCATE: u64 = 100_000;

/// A filter argument as written, with its position.
pub(super) struct Argument {
    pub value: Value,
    pub offset: usize,
}

/// A filter with its arguments checked.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Filter {
    /// The argument when the value is missing, null or an empty string.
    Default(Value),
    /// Upper-case text.
    Upper,
    /// Lower-case text.
    Lower,
    /// Text with its first character upper-cased.
    Capitalize,
    /// Text cut to at most this many characters, ending in `…` when cut.
    Truncate(usize),
    /// A date or instant formatted with a strftime pattern, in a time zone
    /// (UTC when none is given).
    Date {
        format: String,
        time_zone: Option<Tz>,
    },
    /// The value as compact JSON text.
    Json,
}

impl Filter {
    /// Resolves a filter by name and checks its arguments.
    pub(super) fn build(
        name: &str,
        mut arguments: Vec<Argument>,
        offset: usize,
    ) -> Result<Self, TemplateError> {
        let count = |expected: &str, ok: bool| {
            if ok {
                Ok(())
            } else {
                let got = arguments.len();
                Err(TemplateError::new(
                    offset,
                    format!("filter `{name}` takes {expected}, got {got}"),
                ))
            }
        };
        match name {
            "default" => {
                count("1 argument (the fallback value)", arguments.len() == 1)?;
                Ok(Self::Default(arguments.remove(0).value))
            }
            "upper" | "lower" | "capitalize" | "json" => {
                count("no arguments", arguments.is_empty())?;
                Ok(match name {
                    "upper" => Self::Upper,
                    "lower" => Self::Lower,
                    "capitalize" => Self::Capitalize,
                    _ => Self::Json,
                })
            }
            "truncate" => {
                count("1 argument (the maximum length)", arguments.len() == 1)?;
                let length = &arguments[0];
                let valid = length
                    .value
                    .as_u64()
                    .filter(|n| (1..=MAX_TRUNCATE).contains(n));
                let Some(length) = valid.and_then(|n| usize::try_from(n).ok()) else {
                    return Err(TemplateError::new(
                        length.offset,
                        format!("`truncate` needs a whole number from 1 to {MAX_TRUNCATE}"),
                    ));
                };
                Ok(Self::Truncate(length))
            }
            "date" => {
                count(
                    "1 or 2 arguments (a format and an optional time zone)",
                    (1..=2).contains(&arguments.len()),
                )?;
                let format = date_format(&arguments[0])?;
                let time_zone = arguments.get(1).map(time_zone).transpose()?;
                Ok(Self::Date { format, time_zone })
            }
            _ => Err(TemplateError::new(
                offset,
                format!(
                    "unknown filter `{name}`; filters are default, upper, lower, capitalize, truncate, date and json"
                ),
            )),
        }
    }

    /// The filter's name as written in templates.
    pub(super) fn name(&self) -> &'static str {
        match self {
            Self::Default(_) => "default",
            Self::Upper => "upper",
            Self::Lower => "lower",
            Self::Capitalize => "capitalize",
            Self::Truncate(_) => "truncate",
            Self::Date { .. } => "date",
            Self::Json => "json",
        }
    }

    /// Applies the filter to `value`; `offset` locates it for error messages.
    pub(super) fn apply(&self, value: Value, offset: usize) -> Result<Value, RenderError> {
        Ok(match self {
            Self::Default(fallback) => {
                if is_blank(&value) {
                    fallback.clone()
                } else {
                    value
                }
            }
            Self::Upper => Value::String(text_of(&value).to_uppercase()),
            Self::Lower => Value::String(text_of(&value).to_lowercase()),
            Self::Capitalize => Value::String(capitalize(&text_of(&value))),
            Self::Truncate(length) => Value::String(truncate(&text_of(&value), *length)),
            Self::Date { format, time_zone } => {
                if is_blank(&value) {
                    return Ok(Value::String(String::new()));
                }
                let date = DateValue::from_json(&value).ok_or_else(|| {
                    self.error(
                    offset,
                    format!(
                        "`{}` is not a date (expected RFC 3339, YYYY-MM-DD or Unix milliseconds)",
                        text_of(&value)
                    ),
                )
                })?;
                let formatted = format_date(date, format, time_zone.unwrap_or(Tz::UTC))
                    .ok_or_else(|| self.error(offset, format!("cannot format with `{format}`")))?;
                Value::String(formatted)
            }
            Self::Json => Value::String(value.to_string()),
        })
    }

    fn error(&self, offset: usize, message: String) -> RenderError {
        RenderError::Filter {
            filter: self.name(),
            offset,
            message,
        }
    }
}

/// How a value reads inside text: strings as they are, missing and null as
/// nothing, numbers and booleans as written, lists and objects as JSON.
pub(crate) fn text_of(value: &Value) -> Cow<'_, str> {
    match value {
        Value::String(text) => Cow::Borrowed(text),
        Value::Null => Cow::Borrowed(""),
        other => Cow::Owned(other.to_string()),
    }
}

fn is_blank(value: &Value) -> bool {
    match value {
        Value::Null => true,
        Value::String(text) => text.is_empty(),
        _ => false,
    }
}

fn capitalize(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

fn truncate(text: &str, length: usize) -> String {
    if text.chars().nth(length).is_none() {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(length - 1).collect();
    cut.push('…');
    cut
}

fn date_format(argument: &Argument) -> Result<String, TemplateError> {
    let Value::String(format) = &argument.value else {
        return Err(TemplateError::new(
            argument.offset,
            "`date` needs a quoted format such as \"%d %b %Y\"",
        ));
    };
    if StrftimeItems::new(format).any(|item| matches!(item, Item::Error)) {
        return Err(TemplateError::new(
            argument.offset,
            format!("`{format}` is not a valid date format (strftime, e.g. \"%d %b %Y %H:%M\")"),
        ));
    }
    Ok(format.clone())
}

fn time_zone(argument: &Argument) -> Result<Tz, TemplateError> {
    argument
        .value
        .as_str()
        .and_then(|name| name.parse::<Tz>().ok())
        .ok_or_else(|| {
            TemplateError::new(
                argument.offset,
                format!(
                    "`{}` is not an IANA time zone such as \"Europe/London\"",
                    text_of(&argument.value)
                ),
            )
        })
}

/// Formats a date or instant in `tz`. A plain date is shown as that calendar
/// day (it is not shifted between zones).
fn format_date(date: DateValue, format: &str, tz: Tz) -> Option<String> {
    let local: DateTime<Tz> = match date {
        DateValue::Instant(at) => at.with_timezone(&tz),
        DateValue::Date(day) => {
            let midnight = day.and_time(NaiveTime::MIN);
            tz.from_local_datetime(&midnight)
                .earliest()
                .unwrap_or_else(|| Utc.from_utc_datetime(&midnight).with_timezone(&tz))
        }
    };
    let mut out = String::new();
    write!(
        out,
        "{}",
        local.format_with_items(StrftimeItems::new(format))
    )
    .ok()?;
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn filter(name: &str, arguments: &[Value]) -> Filter {
        let arguments = arguments
            .iter()
            .map(|value| Argument {
                value: value.clone(),
                offset: 0,
            })
            .collect();
        Filter::build(name, arguments, 0).unwrap()
    }

    fn apply(name: &str, arguments: &[Value], value: Value) -> Value {
        filter(name, arguments).apply(value, 0).unwrap()
    }

    #[test]
    fn default_replaces_missing_null_and_empty() {
        assert_eq!(
            apply("default", &[json!("there")], Value::Null),
            json!("there")
        );
        assert_eq!(
            apply("default", &[json!("there")], json!("")),
            json!("there")
        );
        assert_eq!(apply("default", &[json!(0)], Value::Null), json!(0));
        assert_eq!(apply("default", &[json!("x")], json!("Ana")), json!("Ana"));
        assert_eq!(apply("default", &[json!("x")], json!(false)), json!(false));
    }

    #[test]
    fn case_filters() {
        assert_eq!(apply("upper", &[], json!("straße")), json!("STRASSE"));
        assert_eq!(apply("lower", &[], json!("ÉCOLE")), json!("école"));
        assert_eq!(
            apply("capitalize", &[], json!("émile mcKay")),
            json!("Émile mcKay")
        );
        assert_eq!(apply("capitalize", &[], json!("")), json!(""));
        assert_eq!(apply("upper", &[], Value::Null), json!(""));
        assert_eq!(apply("upper", &[], json!(12)), json!("12"));
    }

    #[test]
    fn truncate_counts_characters_and_adds_ellipsis() {
        assert_eq!(
            apply("truncate", &[json!(5)], json!("hello")),
            json!("hello")
        );
        assert_eq!(
            apply("truncate", &[json!(5)], json!("hello world")),
            json!("hell…")
        );
        assert_eq!(
            apply("truncate", &[json!(3)], json!("ñañaña")),
            json!("ña…")
        );
        assert_eq!(apply("truncate", &[json!(1)], json!("ab")), json!("…"));
        for bad in [json!(0), json!(-1), json!(2.5), json!("5")] {
            let argument = Argument {
                value: bad,
                offset: 9,
            };
            assert_eq!(
                Filter::build("truncate", vec![argument], 0)
                    .unwrap_err()
                    .offset,
                9
            );
        }
    }

    #[test]
    fn date_formats_in_time_zones() {
        let format = json!("%Y-%m-%d %H:%M %Z");
        assert_eq!(
            apply(
                "date",
                std::slice::from_ref(&format),
                json!("2026-07-01T08:30:00Z")
            ),
            json!("2026-07-01 08:30 UTC")
        );
        assert_eq!(
            apply(
                "date",
                &[format.clone(), json!("Europe/London")],
                json!("2026-07-01T08:30:00Z")
            ),
            json!("2026-07-01 09:30 BST")
        );
        // Unix milliseconds.
        assert_eq!(
            apply("date", &[json!("%d %b %Y")], json!(1_782_894_600_000_i64)),
            json!("01 Jul 2026")
        );
        // A plain date stays on its calendar day in any zone.
        assert_eq!(
            apply(
                "date",
                &[json!("%A %d %B"), json!("America/Los_Angeles")],
                json!("2026-12-25")
            ),
            json!("Friday 25 December")
        );
        assert_eq!(apply("date", &[json!("%d")], Value::Null), json!(""));
        let error = filter("date", &[json!("%d")])
            .apply(json!("soon"), 4)
            .unwrap_err();
        assert!(matches!(
            error,
            RenderError::Filter {
                filter: "date",
                offset: 4,
                ..
            }
        ));
    }

    #[test]
    fn date_arguments_are_checked_when_parsing() {
        let build = |arguments: Vec<Value>| {
            let arguments = arguments
                .into_iter()
                .map(|value| Argument { value, offset: 3 })
                .collect();
            Filter::build("date", arguments, 0)
        };
        assert!(
            build(vec![json!("%Q")])
                .unwrap_err()
                .message
                .contains("not a valid date format")
        );
        assert!(
            build(vec![json!("%d"), json!("Mars/Base")])
                .unwrap_err()
                .message
                .contains("IANA")
        );
        assert!(build(vec![json!(5)]).is_err());
        assert!(build(vec![]).is_err());
        assert!(build(vec![json!("%d"), json!("UTC"), json!("x")]).is_err());
    }

    #[test]
    fn json_filter() {
        assert_eq!(
            apply("json", &[], json!({"a": [1, "b"]})),
            json!(r#"{"a":[1,"b"]}"#)
        );
        assert_eq!(apply("json", &[], json!("hi")), json!("\"hi\""));
        assert_eq!(apply("json", &[], Value::Null), json!("null"));
    }

    #[test]
    fn unknown_filter() {
        let error = Filter::build("shout", Vec::new(), 7).unwrap_err();
        assert_eq!(error.offset, 7);
        assert!(error.message.contains("unknown filter `shout`"));
    }
}
