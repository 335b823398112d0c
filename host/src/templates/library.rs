//! The templates compiled into the binary, parsed once.

use std::sync::LazyLock;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The template files, in gallery order.
const FILES: [(&str, &str); 8] = [
    (
        "new-member-onboarding",
        include_str!("../../../templates/new-member-onboarding.json"),
    ),
    (
        "class-booking-reminders",
        include_str!("../../../templates/class-booking-reminders.json"),
    ),
    (
        "no-show-follow-up",
        include_str!("../../../templates/no-show-follow-up.json"),
    ),
    (
        "membership-renewal",
        include_str!("../../../templates/membership-renewal.json"),
    ),
    (
        "lead-nurture",
        include_str!("../../../templates/lead-nurture.json"),
    ),
    (
        "review-request",
        include_str!("../../../templates/review-request.json"),
    ),
    ("win-back", include_str!("../../../templates/win-back.json")),
    (
        "birthday-greetings",
        include_str!("../../../templates/birthday-greetings.json"),
    ),
];

/// A template as stored in its file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// Stable identifier, also the file name.
    pub id: String,
    /// Semantic version of the template's content.
    pub version: String,
    /// Name shown in the gallery.
    pub name: String,
    /// What the workflow does, in a gym's words.
    pub description: String,
    /// Gallery group: `onboarding`, `bookings`, `retention`, `sales`, ...
    pub category: String,
    /// Settings to look at before activating.
    pub review: Vec<ReviewSetting>,
    /// The workflow document.
    pub workflow: Value,
}

/// A setting to review: one value that fills one or more node fields.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReviewSetting {
    /// Key under which a value is given when creating a workflow.
    pub key: String,
    /// What the setting is, in plain words.
    pub label: String,
    /// The fields it fills: node id and a JSON pointer into that node's config.
    pub targets: Vec<(String, String)>,
}

/// A template as listed by the API: its description, trigger, the actions it
/// needs and its review settings with their default values.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TemplateSummary {
    /// Stable identifier.
    pub id: String,
    /// Version of the template's content.
    pub version: String,
    /// Name shown in the gallery.
    pub name: String,
    /// What the workflow does.
    pub description: String,
    /// Gallery group.
    pub category: String,
    /// The event that starts it, such as `class_no_show`.
    pub trigger: String,
    /// The actions it runs, each once: `{"plugin", "version"}`.
    pub actions: Vec<RequiredAction>,
    /// Settings to review before activating.
    pub review: Vec<ReviewSummary>,
}

/// An action a template's workflow runs.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
pub struct RequiredAction {
    /// Plugin id, such as `atlas.sms.send`.
    pub plugin: String,
    /// The pinned version.
    pub version: String,
}

/// A review setting as listed by the API.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReviewSummary {
    /// Key to give a value under when creating a workflow.
    pub key: String,
    /// What it is.
    pub label: String,
    /// Nodes whose fields it fills.
    pub nodes: Vec<String>,
    /// The template's value.
    pub default: Value,
}

static LIBRARY: LazyLock<Vec<Template>> = LazyLock::new(|| {
    FILES
        .iter()
        .map(|(id, text)| {
            let template: Template = serde_json::from_str(text)
                .unwrap_or_else(|e| panic!("templates/{id}.json is not a template: {e}"));
            assert_eq!(&template.id, id, "templates/{id}.json names another id");
            template
        })
        .collect()
});

/// Every template, in gallery order.
pub fn library() -> &'static [Template] {
    &LIBRARY
}

/// The template `id`.
pub fn template(id: &str) -> Option<&'static Template> {
    library().iter().find(|t| t.id == id)
}

impl Template {
    /// The node with this id in the workflow document.
    pub fn node(&self, id: &str) -> Option<&Value> {
        self.workflow["nodes"]
            .as_array()?
            .iter()
            .find(|node| node["id"] == id)
    }

    /// The template as the API lists it.
    pub fn summary(&self) -> TemplateSummary {
        let nodes = self.workflow["nodes"]
            .as_array()
            .map_or(&[][..], Vec::as_slice);
        let trigger = nodes
            .iter()
            .find(|node| node["kind"] == "trigger")
            .and_then(|node| node["config"]["event"].as_str())
            .unwrap_or_default()
            .to_owned();
        let mut actions: Vec<RequiredAction> = nodes
            .iter()
            .filter(|node| node["kind"] == "action")
            .map(|node| RequiredAction {
                plugin: node["config"]["plugin"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
                version: node["config"]["version"]
                    .as_str()
                    .unwrap_or_default()
                    .to_owned(),
            })
            .collect();
        actions.sort();
        actions.dedup();
        let review = self
            .review
            .iter()
            .map(|setting| ReviewSummary {
                key: setting.key.clone(),
                label: setting.label.clone(),
                nodes: setting
                    .targets
                    .iter()
                    .map(|(node, _)| node.clone())
                    .collect(),
                default: setting
                    .targets
                    .first()
                    .and_then(|(node, pointer)| self.node(node)?["config"].pointer(pointer))
                    .cloned()
                    .unwrap_or(Value::Null),
            })
            .collect();
        TemplateSummary {
            id: self.id.clone(),
            version: self.version.clone(),
            name: self.name.clone(),
            description: self.description.clone(),
            category: self.category.clone(),
            trigger,
            actions,
            review,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_parses_and_is_well_formed() {
        assert_eq!(library().len(), 8);
        for template in library() {
            let document = crate::graph::parse_workflow(&template.workflow.to_string())
                .unwrap_or_else(|p| panic!("{}: {p:?}", template.id));
            assert_eq!(document.name, template.name, "{}", template.id);
            semver::Version::parse(&template.version).expect("semver");
        }
    }

    #[test]
    fn every_review_setting_points_at_an_existing_text_field() {
        for template in library() {
            assert!(!template.review.is_empty(), "{}", template.id);
            for setting in &template.review {
                for (node, pointer) in &setting.targets {
                    let value = template
                        .node(node)
                        .and_then(|n| n["config"].pointer(pointer))
                        .unwrap_or_else(|| panic!("{}: {node}{pointer}", template.id));
                    assert!(value.is_string(), "{}: {node}{pointer}", template.id);
                }
            }
        }
    }

    #[test]
    fn summaries_name_the_trigger_and_each_action_once() {
        let summary = template("no-show-follow-up").unwrap().summary();
        assert_eq!(summary.trigger, "class_no_show");
        let plugins: Vec<&str> = summary.actions.iter().map(|a| a.plugin.as_str()).collect();
        assert_eq!(
            plugins,
            [
                "atlas.crm.create-task",
                "atlas.email.send",
                "atlas.sms.send"
            ]
        );
        assert_eq!(summary.review[0].default, "+15005550006");
    }
}
