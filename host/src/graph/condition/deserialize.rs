//! Reading conditions from JSON with clear errors: a condition object has
//! exactly one of `all`, `any`, `not`, or the rule keys `left`, `op`, `right`.

use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde_json::Value;

use super::{Condition, Operator, Rule};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Key {
    All,
    Any,
    Not,
    Left,
    Op,
    Right,
}

const KEYS: &[&str] = &["all", "any", "not", "left", "op", "right"];

impl Key {
    fn name(self) -> &'static str {
        match self {
            Self::All => "all",
            Self::Any => "any",
            Self::Not => "not",
            Self::Left => "left",
            Self::Op => "op",
            Self::Right => "right",
        }
    }
}

impl<'de> Deserialize<'de> for Key {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl Visitor<'_> for KeyVisitor {
            type Value = Key;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a condition key")
            }
            fn visit_str<E: de::Error>(self, key: &str) -> Result<Key, E> {
                Ok(match key {
                    "all" => Key::All,
                    "any" => Key::Any,
                    "not" => Key::Not,
                    "left" => Key::Left,
                    "op" => Key::Op,
                    "right" => Key::Right,
                    other => return Err(E::unknown_field(other, KEYS)),
                })
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

impl<'de> Deserialize<'de> for Condition {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(ConditionVisitor)
    }
}

struct ConditionVisitor;

impl<'de> Visitor<'de> for ConditionVisitor {
    type Value = Condition;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a condition: {\"all\": [...]}, {\"any\": [...]}, {\"not\": {...}} or {\"left\", \"op\", \"right\"}")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Condition, A::Error> {
        let Some(first) = map.next_key::<Key>()? else {
            return Err(de::Error::custom(
                "empty condition: use `all`, `any`, `not`, or a rule with `left` and `op`",
            ));
        };
        let group = match first {
            Key::All => Some(Condition::All(map.next_value()?)),
            Key::Any => Some(Condition::Any(map.next_value()?)),
            Key::Not => Some(Condition::Not(Box::new(map.next_value()?))),
            Key::Left | Key::Op | Key::Right => None,
        };
        if let Some(group) = group {
            if let Some(extra) = map.next_key::<Key>()? {
                return Err(de::Error::custom(format!(
                    "`{}` must be the only key of its condition, but `{}` is also present",
                    first.name(),
                    extra.name()
                )));
            }
            return Ok(group);
        }
        let mut rule = RuleFields::default();
        rule.read(first, &mut map)?;
        while let Some(key) = map.next_key::<Key>()? {
            rule.read(key, &mut map)?;
        }
        rule.finish()
    }
}

#[derive(Default)]
struct RuleFields {
    left: Option<String>,
    op: Option<Operator>,
    right: Option<Value>,
}

impl RuleFields {
    fn read<'de, A: MapAccess<'de>>(&mut self, key: Key, map: &mut A) -> Result<(), A::Error> {
        let duplicate = match key {
            Key::Left => self.left.replace(map.next_value()?).is_some(),
            Key::Op => self.op.replace(map.next_value()?).is_some(),
            Key::Right => self.right.replace(map.next_value()?).is_some(),
            Key::All | Key::Any | Key::Not => {
                return Err(de::Error::custom(format!(
                    "a rule (`left`, `op`, `right`) cannot also have `{}`; put both inside an `all` or `any`",
                    key.name()
                )));
            }
        };
        if duplicate {
            return Err(de::Error::duplicate_field(key.name()));
        }
        Ok(())
    }

    fn finish<E: de::Error>(self) -> Result<Condition, E> {
        Ok(Condition::Rule(Rule {
            left: self.left.ok_or_else(|| E::missing_field("left"))?,
            op: self.op.ok_or_else(|| E::missing_field("op"))?,
            right: self.right,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn parse(json: &str) -> Result<Condition, String> {
        serde_json::from_str(json).map_err(|error| error.to_string())
    }

    #[test]
    fn reads_groups_and_rules() {
        let condition = parse(
            r#"{"all": [
                {"op": "equals", "left": "{{contact.status}}", "right": "member"},
                {"not": {"left": "{{contact.email}}", "op": "is_empty"}},
                {"any": []}
            ]}"#,
        )
        .unwrap();
        let Condition::All(items) = &condition else {
            panic!("expected all")
        };
        assert_eq!(items.len(), 3);
        assert_eq!(
            items[0],
            Condition::Rule(Rule {
                left: "{{contact.status}}".into(),
                op: Operator::Equals,
                right: Some(json!("member")),
            })
        );
        // Serialising gives back the same shape.
        let round_trip: Condition =
            serde_json::from_value(serde_json::to_value(&condition).unwrap()).unwrap();
        assert_eq!(round_trip, condition);
    }

    #[test]
    fn explains_mistakes() {
        assert!(parse(r#"{}"#).unwrap_err().contains("empty condition"));
        assert!(
            parse(r#"{"al": []}"#)
                .unwrap_err()
                .contains("unknown field `al`")
        );
        assert!(
            parse(r#"{"all": [], "any": []}"#)
                .unwrap_err()
                .contains("only key")
        );
        assert!(
            parse(r#"{"left": "x", "op": "equals", "all": []}"#)
                .unwrap_err()
                .contains("cannot also have `all`")
        );
        assert!(
            parse(r#"{"left": "x"}"#)
                .unwrap_err()
                .contains("missing field `op`")
        );
        assert!(
            parse(r#"{"left": "x", "op": "equalz"}"#)
                .unwrap_err()
                .contains("unknown variant `equalz`")
        );
        assert!(
            parse(r#"{"left": "x", "left": "y", "op": "equals"}"#)
                .unwrap_err()
                .contains("duplicate field `left`")
        );
        assert!(parse(r#"[1]"#).is_err());
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let depth = 10_000;
        let json = format!(
            "{}{}{}",
            r#"{"not":"#.repeat(depth),
            r#"{"left":"x","op":"is_empty"}"#,
            "}".repeat(depth)
        );
        assert!(parse(&json).unwrap_err().contains("recursion limit"));
    }
}
