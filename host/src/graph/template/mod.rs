//! Templates: `{{ path | filter: arg, arg | filter }}` inside arbitrary text.
//!
//! A path reads the execution's scope (`contact.first_name`,
//! `trigger.class_start`, `steps.send_sms.output.id`, `contact.tags[0]`).
//! Filters transform the value: `default`, `upper`, `lower`, `capitalize`,
//! `truncate`, `date` and `json`. Write `\{{` (or `{{'{{'}}`) for a literal `{{`.
//!
//! A missing variable renders as an empty string inside text and as `null`
//! when it is the whole template; validation rejects variables that cannot
//! exist before a workflow is saved.

mod ast;
mod error;
mod filters;
mod parser;
mod render;

#[cfg(test)]
mod proptests;

use serde_json::Value;

pub use ast::{PathSegment, VariablePath};
pub use error::{RenderError, TemplateError};
pub(crate) use filters::text_of;

use ast::{Operand, Part};

/// A parsed template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    parts: Vec<Part>,
}

impl Template {
    /// Parses template source; errors carry the byte offset of the problem.
    pub fn parse(source: &str) -> Result<Self, TemplateError> {
        parser::parse_parts(source).map(|parts| Self { parts })
    }

    /// Every variable the template reads, in source order.
    pub fn variables(&self) -> impl Iterator<Item = &VariablePath> {
        self.parts.iter().filter_map(|part| match part {
            Part::Expression(expression) => match &expression.operand {
                Operand::Variable(path) => Some(path),
                Operand::Literal(_) => None,
            },
            Part::Text(_) => None,
        })
    }

    /// Whether the template has any `{{ … }}` expression (otherwise it is
    /// plain text, possibly with escapes).
    pub fn has_expressions(&self) -> bool {
        self.parts
            .iter()
            .any(|part| matches!(part, Part::Expression(_)))
    }

    /// Renders the template as text against `scope`, a JSON object with the
    /// roots `contact`, `trigger`, `steps`, `workflow`, `org` and `execution`.
    pub fn render_string(&self, scope: &Value) -> Result<String, RenderError> {
        render::render_text(&self.parts, scope)
    }

    /// Renders the template to a JSON value: a template that is exactly one
    /// expression yields that expression's value (numbers stay numbers,
    /// missing is `null`) unless a filter turns it into text; any other
    /// template yields a string.
    pub fn render_value(&self, scope: &Value) -> Result<Value, RenderError> {
        render::render_value(&self.parts, scope)
    }
}

/// Renders every string in a JSON document as a template (see
/// [`Template::render_value`]); object keys are left untouched.
pub fn render_json(input: &Value, scope: &Value) -> Result<Value, RenderError> {
    render::render_document(input, scope, &|text, scope| {
        Template::parse(text)?.render_value(scope)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn scope() -> Value {
        json!({
            "contact": {
                "first_name": "ana",
                "tags": ["vip", "trial"],
                "visits": 12,
                "custom": {"goal": ""}
            },
            "trigger": {"class_start": "2026-07-01T18:00:00Z"},
            "steps": {"sms": {"output": {"id": "SM1", "segments": 2}, "outcome": "sent"}},
        })
    }

    fn render(source: &str) -> String {
        Template::parse(source)
            .unwrap()
            .render_string(&scope())
            .unwrap()
    }

    fn value(source: &str) -> Value {
        Template::parse(source)
            .unwrap()
            .render_value(&scope())
            .unwrap()
    }

    #[test]
    fn renders_text_with_variables_and_filters() {
        assert_eq!(
            render("Hi {{ contact.first_name | capitalize }}!"),
            "Hi Ana!"
        );
        assert_eq!(render("{{contact.tags[1] | upper}}"), "TRIAL");
        assert_eq!(
            render("{{ contact.last_name | default: 'friend' }}"),
            "friend"
        );
        assert_eq!(
            render("{{ contact.custom.goal | default: 'fitness' }}"),
            "fitness"
        );
        assert_eq!(render("Missing: [{{ contact.nope }}]"), "Missing: []");
        assert_eq!(
            render("Class at {{ trigger.class_start | date: '%H:%M', 'Europe/London' }}"),
            "Class at 19:00"
        );
        assert_eq!(render("{{ steps.sms.output.segments }} parts"), "2 parts");
        assert_eq!(render("{{ contact.tags }}"), r#"["vip","trial"]"#);
        assert_eq!(
            render(r"literal \{{ contact.first_name }}"),
            "literal {{ contact.first_name }}"
        );
        assert_eq!(render("{{'{{'}}x}}"), "{{x}}");
    }

    #[test]
    fn lone_expressions_keep_their_type() {
        assert_eq!(value("{{ contact.visits }}"), json!(12));
        assert_eq!(value("{{contact.tags}}"), json!(["vip", "trial"]));
        assert_eq!(value("{{ contact.nope }}"), Value::Null);
        assert_eq!(value("{{ contact.nope | default: 3 }}"), json!(3));
        assert_eq!(value("{{ contact.visits | json }}"), json!("12"));
        assert_eq!(value(" {{ contact.visits }}"), json!(" 12"));
        assert_eq!(value("plain"), json!("plain"));
        assert_eq!(value(""), json!(""));
    }

    #[test]
    fn lists_variables() {
        let template = Template::parse("{{ a.b }} {{ 'x' }} {{ c[0] | upper }}").unwrap();
        let names: Vec<String> = template.variables().map(ToString::to_string).collect();
        assert_eq!(names, ["a.b", "c[0]"]);
        assert!(template.has_expressions());
        assert!(!Template::parse(r"\{{ a }}").unwrap().has_expressions());
    }

    #[test]
    fn renders_json_documents() {
        let input = json!({
            "to": "{{ contact.first_name }}",
            "count": "{{ contact.visits }}",
            "{{ key }}": ["{{ steps.sms.outcome }}", 5, null, {"deep": "x{{contact.visits}}"}]
        });
        assert_eq!(
            render_json(&input, &scope()).unwrap(),
            json!({
                "to": "ana",
                "count": 12,
                "{{ key }}": ["sent", 5, null, {"deep": "x12"}]
            })
        );
        let broken = json!({"to": "{{ contact."});
        assert!(matches!(
            render_json(&broken, &scope()),
            Err(RenderError::Parse(_))
        ));
    }

    #[test]
    fn render_errors_name_the_filter() {
        let template = Template::parse("{{ contact.first_name | date: '%d' }}").unwrap();
        let error = template.render_string(&scope()).unwrap_err();
        assert!(
            error.to_string().starts_with("filter `date` at byte 24"),
            "{error}"
        );
    }
}
