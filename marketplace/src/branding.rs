//! A reseller's branding of an action for its sub-accounts: display name,
//! icon, description and default input values laid over the manifest's own.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

/// What a reseller changes about an action. Absent fields keep the manifest's.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Branding {
    /// Name shown instead of the manifest's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    /// Icon shown instead of the manifest's (a name or a data URL).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub icon: Option<String>,
    /// Description shown instead of the manifest's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Input values a new node starts with.
    #[serde(default, skip_serializing_if = "Map::is_empty")]
    pub defaults: Map<String, Value>,
}

/// Limits on branding fields, so a branded catalog stays small.
const MAX_NAME: usize = 80;
const MAX_DESCRIPTION: usize = 2_000;
const MAX_ICON: usize = 16 * 1024;

impl Branding {
    /// Every problem with this branding, as `(field, reason)`.
    pub fn problems(&self) -> Vec<(String, String)> {
        let mut problems = Vec::new();
        let mut check = |field: &str, value: &Option<String>, max: usize| {
            if let Some(v) = value {
                if v.trim().is_empty() {
                    problems.push((field.to_string(), "must not be blank".to_string()));
                } else if v.len() > max {
                    problems.push((field.to_string(), format!("must be at most {max} bytes")));
                }
            }
        };
        check("display_name", &self.display_name, MAX_NAME);
        check("description", &self.description, MAX_DESCRIPTION);
        check("icon", &self.icon, MAX_ICON);
        problems
    }

    /// `(name, icon, description)` with this branding laid over the manifest's.
    pub fn apply(&self, name: &str, icon: &str, description: &str) -> (String, String, String) {
        (
            self.display_name
                .clone()
                .unwrap_or_else(|| name.to_string()),
            self.icon.clone().unwrap_or_else(|| icon.to_string()),
            self.description
                .clone()
                .unwrap_or_else(|| description.to_string()),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn branding_overrides_only_what_it_sets() {
        let b = Branding {
            display_name: Some("PulseGym SMS".into()),
            ..Default::default()
        };
        assert_eq!(
            b.apply("Send SMS", "sms", "Texts a contact"),
            (
                "PulseGym SMS".into(),
                "sms".into(),
                "Texts a contact".into()
            )
        );
        assert!(b.problems().is_empty());
        let blank = Branding {
            display_name: Some(" ".into()),
            ..Default::default()
        };
        assert_eq!(blank.problems()[0].0, "display_name");
    }

    #[test]
    fn unknown_branding_fields_are_refused() {
        assert!(serde_json::from_str::<Branding>(r#"{"colour":"red"}"#).is_err());
    }
}
