//! A workflow document made from a template and the values given for its
//! review settings.

use serde_json::{Map, Value};

use super::Template;

/// Why a template could not be turned into a workflow document.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InstantiateError {
    /// A value was given for a key the template does not have.
    #[error("the template has no setting `{key}`; its settings are {known}")]
    UnknownSetting {
        /// The key given.
        key: String,
        /// The template's keys, comma-separated.
        known: String,
    },
    /// A setting's value was not text.
    #[error("setting `{key}` must be text")]
    NotText {
        /// The key given.
        key: String,
    },
    /// The name given was blank.
    #[error("the workflow name must not be blank")]
    BlankName,
}

impl InstantiateError {
    /// The request field the error is about.
    pub fn field(&self) -> String {
        match self {
            Self::UnknownSetting { key, .. } | Self::NotText { key } => format!("settings.{key}"),
            Self::BlankName => "name".into(),
        }
    }
}

/// The template's workflow document named `name` (the template's name when
/// `None`), with each given setting written into every field it targets.
pub fn instantiate(
    template: &Template,
    name: Option<&str>,
    settings: &Map<String, Value>,
) -> Result<Value, InstantiateError> {
    let mut document = template.workflow.clone();
    if let Some(name) = name {
        let name = name.trim();
        if name.is_empty() {
            return Err(InstantiateError::BlankName);
        }
        document["name"] = Value::String(name.to_owned());
    }
    for (key, value) in settings {
        let Some(setting) = template.review.iter().find(|s| &s.key == key) else {
            return Err(InstantiateError::UnknownSetting {
                key: key.clone(),
                known: template
                    .review
                    .iter()
                    .map(|s| format!("`{}`", s.key))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        };
        if !value.is_string() {
            return Err(InstantiateError::NotText { key: key.clone() });
        }
        for (node_id, pointer) in &setting.targets {
            let field = document["nodes"]
                .as_array_mut()
                .and_then(|nodes| nodes.iter_mut().find(|node| node["id"] == *node_id))
                .and_then(|node| node["config"].pointer_mut(pointer));
            if let Some(field) = field {
                *field = value.clone();
            }
        }
    }
    Ok(document)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::template;
    use serde_json::json;

    fn settings(value: Value) -> Map<String, Value> {
        value.as_object().cloned().unwrap()
    }

    #[test]
    fn a_setting_fills_every_field_it_targets() {
        let onboarding = template("new-member-onboarding").unwrap();
        let document = instantiate(
            onboarding,
            Some("Onboarding (Leeds)"),
            &settings(json!({ "sender_email": "team@leeds.gym.example" })),
        )
        .unwrap();
        assert_eq!(document["name"], "Onboarding (Leeds)");
        let froms: Vec<&Value> = document["nodes"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["config"]["plugin"] == "atlas.email.send")
            .map(|n| &n["config"]["input"]["from"])
            .collect();
        assert_eq!(froms.len(), 3);
        assert!(froms.iter().all(|f| *f == "team@leeds.gym.example"));
        assert_eq!(onboarding.workflow["name"], "New member onboarding");
    }

    #[test]
    fn unknown_keys_non_text_values_and_blank_names_are_refused() {
        let win_back = template("win-back").unwrap();
        let error = instantiate(win_back, None, &settings(json!({ "colour": "red" }))).unwrap_err();
        assert_eq!(error.field(), "settings.colour");
        assert!(
            error.to_string().contains("`sender_email`, `sms_from`"),
            "{error}"
        );
        let error = instantiate(win_back, None, &settings(json!({ "sms_from": 5 }))).unwrap_err();
        assert_eq!(
            error,
            InstantiateError::NotText {
                key: "sms_from".into()
            }
        );
        assert_eq!(
            instantiate(win_back, Some("  "), &Map::new()).unwrap_err(),
            InstantiateError::BlankName
        );
    }
}
