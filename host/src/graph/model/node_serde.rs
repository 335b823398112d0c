//! JSON form of a node: `kind` selects the type of `config`. When `kind` comes
//! before `config` (as the builder writes it) the config is read in one pass,
//! so errors inside it keep their exact line and column.

use std::fmt;

use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::config::ExitConfig;
use super::node::{Node, NodeKind, Position};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
enum KindName {
    Trigger,
    Action,
    IfElse,
    Switch,
    Delay,
    WaitUntil,
    WaitForEvent,
    AbSplit,
    Goal,
    Goto,
    Exit,
}

#[derive(serde::Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Field {
    Id,
    Kind,
    Position,
    Config,
}

/// Reads a config of the type `KindName` selects.
struct ConfigSeed(KindName);

impl<'de> DeserializeSeed<'de> for ConfigSeed {
    type Value = NodeKind;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<NodeKind, D::Error> {
        Ok(match self.0 {
            KindName::Trigger => NodeKind::Trigger(Deserialize::deserialize(deserializer)?),
            KindName::Action => NodeKind::Action(Deserialize::deserialize(deserializer)?),
            KindName::IfElse => NodeKind::IfElse(Deserialize::deserialize(deserializer)?),
            KindName::Switch => NodeKind::Switch(Deserialize::deserialize(deserializer)?),
            KindName::Delay => NodeKind::Delay(Deserialize::deserialize(deserializer)?),
            KindName::WaitUntil => NodeKind::WaitUntil(Deserialize::deserialize(deserializer)?),
            KindName::WaitForEvent => {
                NodeKind::WaitForEvent(Deserialize::deserialize(deserializer)?)
            }
            KindName::AbSplit => NodeKind::AbSplit(Deserialize::deserialize(deserializer)?),
            KindName::Goal => NodeKind::Goal(Deserialize::deserialize(deserializer)?),
            KindName::Goto => NodeKind::Goto(Deserialize::deserialize(deserializer)?),
            KindName::Exit => NodeKind::Exit(Deserialize::deserialize(deserializer)?),
        })
    }
}

/// A config seen before its `kind`: typed once the kind is known.
enum PendingConfig {
    Typed(NodeKind),
    Raw(Value),
}

impl<'de> Deserialize<'de> for Node {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_struct("Node", &["id", "kind", "position", "config"], NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a node object with `id`, `kind`, `position` and `config`")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node, A::Error> {
        let mut id: Option<String> = None;
        let mut kind: Option<KindName> = None;
        let mut position: Option<Position> = None;
        let mut config: Option<PendingConfig> = None;
        while let Some(field) = map.next_key::<Field>()? {
            match field {
                Field::Id if id.is_some() => return Err(de::Error::duplicate_field("id")),
                Field::Id => id = Some(map.next_value()?),
                Field::Kind if kind.is_some() => return Err(de::Error::duplicate_field("kind")),
                Field::Kind => kind = Some(map.next_value()?),
                Field::Position if position.is_some() => {
                    return Err(de::Error::duplicate_field("position"));
                }
                Field::Position => position = Some(map.next_value()?),
                Field::Config if config.is_some() => {
                    return Err(de::Error::duplicate_field("config"));
                }
                Field::Config => {
                    config = Some(match kind {
                        Some(kind) => PendingConfig::Typed(map.next_value_seed(ConfigSeed(kind))?),
                        None => PendingConfig::Raw(map.next_value()?),
                    });
                }
            }
        }
        let id = id.ok_or_else(|| de::Error::missing_field("id"))?;
        let kind_name = kind.ok_or_else(|| de::Error::missing_field("kind"))?;
        let kind = match config {
            Some(PendingConfig::Typed(kind)) => kind,
            Some(PendingConfig::Raw(raw)) => {
                typed_config(kind_name, raw).map_err(de::Error::custom)?
            }
            None if kind_name == KindName::Exit => NodeKind::Exit(ExitConfig {}),
            None => return Err(de::Error::missing_field("config")),
        };
        Ok(Node {
            id,
            position: position.unwrap_or_default(),
            kind,
        })
    }
}

/// Prefix of errors found in a config read before its `kind`; the path
/// inside the config follows, then `: ` and the message.
const LATE_CONFIG_ERROR_PREFIX: &str = "config";

/// Types a config that was buffered because `kind` came after it, keeping the
/// path of any error inside it (`config.retry.max_attempts: invalid type …`).
fn typed_config(kind: KindName, raw: Value) -> Result<NodeKind, String> {
    let mut track = serde_path_to_error::Track::new();
    ConfigSeed(kind)
        .deserialize(serde_path_to_error::Deserializer::new(raw, &mut track))
        .map_err(|error| {
            let path = track.path().to_string();
            let inside = if path == "." {
                String::new()
            } else {
                format!(".{path}")
            };
            format!("{LATE_CONFIG_ERROR_PREFIX}{inside}: {error}")
        })
}

/// Splits an error made by [`typed_config`] into the field inside the node and
/// the message.
pub(crate) fn split_late_config_error(message: &str) -> Option<(&str, &str)> {
    let (field, reason) = message.split_once(": ")?;
    let is_config_path = (field == LATE_CONFIG_ERROR_PREFIX
        || field.starts_with(&format!("{LATE_CONFIG_ERROR_PREFIX}.")))
        && !field.contains(' ');
    is_config_path.then_some((field, reason))
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(4))?;
        map.serialize_entry("id", &self.id)?;
        map.serialize_entry("kind", self.kind.name())?;
        map.serialize_entry("position", &self.position)?;
        match &self.kind {
            NodeKind::Trigger(config) => map.serialize_entry("config", config)?,
            NodeKind::Action(config) => map.serialize_entry("config", config)?,
            NodeKind::IfElse(config) => map.serialize_entry("config", config)?,
            NodeKind::Switch(config) => map.serialize_entry("config", config)?,
            NodeKind::Delay(config) => map.serialize_entry("config", config)?,
            NodeKind::WaitUntil(config) => map.serialize_entry("config", config)?,
            NodeKind::WaitForEvent(config) => map.serialize_entry("config", config)?,
            NodeKind::AbSplit(config) => map.serialize_entry("config", config)?,
            NodeKind::Goal(config) => map.serialize_entry("config", config)?,
            NodeKind::Goto(config) => map.serialize_entry("config", config)?,
            NodeKind::Exit(config) => map.serialize_entry("config", config)?,
        }
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{DelayConfig, TriggerConfig};
    use serde_json::json;

    fn parse(value: Value) -> Result<Node, String> {
        serde_json::from_value(value).map_err(|error| error.to_string())
    }

    #[test]
    fn reads_kind_then_config_and_config_then_kind() {
        let expected = Node {
            id: "d1".into(),
            position: Position { x: 1.0, y: 2.0 },
            kind: NodeKind::Delay(DelayConfig {
                duration: "10m".into(),
            }),
        };
        let text =
            r#"{"id":"d1","kind":"delay","position":{"x":1,"y":2},"config":{"duration":"10m"}}"#;
        assert_eq!(serde_json::from_str::<Node>(text).unwrap(), expected);
        let reordered = json!({"config": {"duration": "10m"}, "position": {"x": 1, "y": 2}, "kind": "delay", "id": "d1"});
        assert_eq!(parse(reordered).unwrap(), expected);
    }

    #[test]
    fn round_trips_through_json() {
        let node = Node {
            id: "t".into(),
            position: Position::default(),
            kind: NodeKind::Trigger(TriggerConfig::TagAdded { tag: "vip".into() }),
        };
        let value = serde_json::to_value(&node).unwrap();
        assert_eq!(
            value,
            json!({"id": "t", "kind": "trigger", "position": {"x": 0.0, "y": 0.0}, "config": {"event": "tag_added", "tag": "vip"}})
        );
        assert_eq!(parse(value).unwrap(), node);
    }

    #[test]
    fn config_before_kind_keeps_error_paths() {
        let error = parse(
            json!({"id": "a", "kind": "action", "config": {"plugin": "p", "version": "1", "retry": {"jitter": "x"}}}),
        );
        let late = parse(
            json!({"config": {"plugin": "p", "version": "1", "retry": {"jitter": "x"}}, "kind": "action", "id": "a"}),
        );
        assert!(error.unwrap_err().contains("invalid type"));
        let late = late.unwrap_err();
        let (field, reason) = split_late_config_error(&late).unwrap();
        assert_eq!(field, "config.retry.jitter");
        assert!(reason.starts_with("invalid type"), "{reason}");
        assert_eq!(split_late_config_error("unknown field `x`: y"), None);
    }

    #[test]
    fn exit_needs_no_config() {
        let node = parse(json!({"id": "x", "kind": "exit"})).unwrap();
        assert_eq!(node.kind, NodeKind::Exit(ExitConfig {}));
    }

    #[test]
    fn rejects_unknown_kinds_fields_and_configs() {
        assert!(
            parse(json!({"id": "x", "kind": "teleport", "config": {}}))
                .unwrap_err()
                .contains("unknown variant `teleport`")
        );
        assert!(
            parse(json!({"id": "x", "kind": "exit", "colour": "red"}))
                .unwrap_err()
                .contains("unknown field `colour`")
        );
        assert!(
            parse(json!({"id": "x", "kind": "delay"}))
                .unwrap_err()
                .contains("missing field `config`")
        );
        assert!(
            parse(json!({"kind": "exit"}))
                .unwrap_err()
                .contains("missing field `id`")
        );
        assert!(
            parse(json!({"id": "x", "kind": "delay", "config": {"duraton": "1m"}}))
                .unwrap_err()
                .contains("unknown field `duraton`")
        );
        assert!(
            parse(json!({"id": "x", "config": {"duraton": "1m"}, "kind": "delay"}))
                .unwrap_err()
                .contains("unknown field `duraton`")
        );
        assert!(parse(json!({"id": "x", "kind": "trigger", "config": {"event": "lead_created", "tag": "x"}})).unwrap_err().contains("unknown field `tag`"));
        assert!(parse(json!({"id": "x", "kind": "exit", "config": {"a": 1}})).is_err());
    }
}
