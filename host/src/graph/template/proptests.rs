//! Property tests: parsing and rendering never panic, and plain text renders
//! to itself.

use proptest::prelude::*;
use serde_json::{Value, json};

use super::{Template, render_json};

fn scope() -> Value {
    json!({
        "contact": {"first_name": "Zoë", "visits": 3, "tags": ["a", "b"], "birthday": "1990-05-04"},
        "trigger": {"at": 1_782_894_600_000_i64, "when": "2026-07-01T08:30:00Z"},
        "steps": {"s1": {"output": {"n": null}, "outcome": "sent"}},
    })
}

/// Strings built mostly from template syntax, so the parser's error paths get
/// exercised, plus arbitrary Unicode.
fn template_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("{{".to_owned()),
        Just("}}".to_owned()),
        Just("|".to_owned()),
        Just(":".to_owned()),
        Just(",".to_owned()),
        Just("'".to_owned()),
        Just("\"".to_owned()),
        Just("\\".to_owned()),
        Just(".".to_owned()),
        Just("[0]".to_owned()),
        Just(" ".to_owned()),
        Just("-".to_owned()),
        Just("contact.first_name".to_owned()),
        Just("trigger.at".to_owned()),
        Just("default".to_owned()),
        Just("upper".to_owned()),
        Just("truncate: 2".to_owned()),
        Just("date: '%Y %H:%M'".to_owned()),
        Just("json".to_owned()),
        "[0-9]{1,3}",
        "\\PC{0,3}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|pieces| pieces.concat())
}

/// Text that contains no `{{`.
fn plain_text() -> impl Strategy<Value = String> {
    any::<String>().prop_filter("no template opener", |text| !text.contains("{{"))
}

/// Text made to render literally by escaping every `{{`.
fn escape(text: &str) -> String {
    text.replace("{{", "\\{{")
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2_000))]

    #[test]
    fn arbitrary_strings_never_panic(source in any::<String>()) {
        if let Ok(template) = Template::parse(&source) {
            let _ = template.render_string(&scope());
            let _ = template.render_value(&scope());
        }
    }

    #[test]
    fn template_like_strings_never_panic(source in template_like()) {
        match Template::parse(&source) {
            Ok(template) => {
                let _ = template.render_string(&scope());
                let _ = template.render_value(&scope());
                for variable in template.variables() {
                    prop_assert!(variable.offset() < source.len());
                }
            }
            Err(error) => prop_assert!(error.offset <= source.len()),
        }
    }

    #[test]
    fn text_without_openers_renders_to_itself(text in plain_text()) {
        let template = Template::parse(&text).unwrap();
        prop_assert!(!template.has_expressions());
        prop_assert_eq!(template.render_string(&scope()).unwrap(), text.clone());
        prop_assert_eq!(template.render_value(&scope()).unwrap(), Value::String(text));
    }

    #[test]
    fn escaped_text_renders_to_itself(text in "[{}\\\\a ]{0,16}|\\PC{0,12}") {
        let template = Template::parse(&escape(&text)).unwrap();
        prop_assert_eq!(template.render_string(&scope()).unwrap(), text);
    }

    #[test]
    fn text_around_an_expression_is_kept(before in plain_text(), after in plain_text()) {
        // `before` must not end with a backslash, which would escape the `{{`,
        // nor with `{`, which would open the expression one character early.
        prop_assume!(!before.ends_with('\\') && !before.ends_with('{'));
        let source = format!("{before}{{{{ contact.first_name }}}}{after}");
        let rendered = Template::parse(&source).unwrap().render_string(&scope()).unwrap();
        prop_assert_eq!(rendered, format!("{before}Zoë{after}"));
    }

    #[test]
    fn lone_expressions_return_the_scope_value(value in any::<i64>(), text in "\\PC{0,20}") {
        let scope = json!({"contact": {"n": value, "s": text}});
        let number = Template::parse("{{ contact.n }}").unwrap().render_value(&scope).unwrap();
        prop_assert_eq!(number, json!(value));
        let string = Template::parse("{{contact.s}}").unwrap().render_value(&scope).unwrap();
        prop_assert_eq!(string, json!(text));
    }

    #[test]
    fn quoted_literals_round_trip(text in "\\PC{0,20}") {
        let quoted = text.replace('\\', "\\\\").replace('\'', "\\'");
        let template = Template::parse(&format!("{{{{ '{quoted}' }}}}")).unwrap();
        prop_assert_eq!(template.render_value(&scope()).unwrap(), Value::String(text));
    }

    #[test]
    fn render_json_never_panics(source in template_like(), key in "\\PC{0,8}") {
        let input = json!({ key: [source.clone(), {"nested": source}], "n": 1 });
        let _ = render_json(&input, &scope());
    }
}
