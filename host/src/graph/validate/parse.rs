//! Reading a workflow document from JSON, turning serde errors into problems
//! with the path, line and column of the mistake.

use std::fmt;

use serde::de::{self, DeserializeSeed, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde_path_to_error::Segment;

use crate::graph::model::{WorkflowDocument, split_late_config_error};
use crate::graph::problem::Problem;

/// Longest field path reported (deeply nested errors are cut short).
const MAX_FIELD_LEN: usize = 256;

/// Parses a workflow document. Malformed JSON, unknown node kinds or fields,
/// wrong types and oversized node or edge lists become a [`Problem`] naming
/// the path (relative to the node when the mistake is inside one), the line
/// and the column. Run [`crate::graph::validate()`] on the result for the
/// semantic checks.
pub fn parse_workflow(json: &str) -> Result<WorkflowDocument, Vec<Problem>> {
    let mut deserializer = serde_json::Deserializer::from_str(json);
    let document: WorkflowDocument =
        serde_path_to_error::deserialize(&mut deserializer).map_err(|error| {
            vec![problem_from(
                json,
                error.path().iter().collect(),
                error.inner(),
            )]
        })?;
    deserializer
        .end()
        .map_err(|error| vec![Problem::document("", describe(&error))])?;
    Ok(document)
}

fn problem_from(json: &str, segments: Vec<&Segment>, error: &serde_json::Error) -> Problem {
    let reason = describe(error);
    if let [Segment::Map { key }, Segment::Seq { index }, inside @ ..] = segments.as_slice()
        && key == "nodes"
        && let Some(node_id) = node_id_at(json, *index)
    {
        if inside.is_empty()
            && let Some((field, message)) = split_late_config_error(&reason)
        {
            return Problem::node(&node_id, field, message);
        }
        return Problem {
            node_id: Some(node_id),
            field: field_path(inside),
            reason,
        };
    }
    Problem::document(field_path(&segments), reason)
}

/// Renders path segments as `nodes[3].config.duration`.
fn field_path(segments: &[&Segment]) -> String {
    let mut field = String::new();
    for segment in segments {
        match segment {
            Segment::Seq { index } => field.push_str(&format!("[{index}]")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                if !field.is_empty() {
                    field.push('.');
                }
                field.push_str(key);
            }
            Segment::Unknown => {}
        }
        if field.len() > MAX_FIELD_LEN {
            field.push('…');
            break;
        }
    }
    field
}

/// The error message with its position, phrased for workflow authors.
fn describe(error: &serde_json::Error) -> String {
    let full = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = full.strip_suffix(&suffix).unwrap_or(&full);
    let message = if message.contains("recursion limit exceeded") {
        "nested too deeply: JSON may nest at most 128 levels, and conditions at most 16"
    } else {
        message
    };
    if error.line() == 0 {
        message.to_owned()
    } else {
        format!(
            "{message} (line {}, column {})",
            error.line(),
            error.column()
        )
    }
}

/// Reads `nodes[index].id` from a document whose full parse failed, when that
/// much of it is readable, so the problem can name the node.
fn node_id_at(json: &str, index: usize) -> Option<String> {
    let mut found = None;
    let mut deserializer = serde_json::Deserializer::from_str(json);
    // The search stops with an error as soon as it has the id (or cannot have it).
    let _ = deserializer.deserialize_map(DocumentSearch {
        index,
        found: &mut found,
    });
    found
}

/// Why a search stopped early; never shown to anyone.
fn stop<E: de::Error>() -> E {
    E::custom("search finished")
}

struct DocumentSearch<'f> {
    index: usize,
    found: &'f mut Option<String>,
}

impl<'de> Visitor<'de> for DocumentSearch<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a workflow document")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "nodes" {
                return map.next_value_seed(NodeListSearch {
                    index: self.index,
                    found: self.found,
                });
            }
            map.next_value::<IgnoredAny>()?;
        }
        Ok(())
    }
}

struct NodeListSearch<'f> {
    index: usize,
    found: &'f mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for NodeListSearch<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_seq(self)
    }
}

impl<'de> Visitor<'de> for NodeListSearch<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a list of nodes")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<(), A::Error> {
        for _ in 0..self.index {
            if seq.next_element::<IgnoredAny>()?.is_none() {
                return Err(stop());
            }
        }
        seq.next_element_seed(NodeIdSearch { found: self.found })?;
        Err(stop())
    }
}

struct NodeIdSearch<'f> {
    found: &'f mut Option<String>,
}

impl<'de> DeserializeSeed<'de> for NodeIdSearch<'_> {
    type Value = ();

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<(), D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for NodeIdSearch<'_> {
    type Value = ();

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a node")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<(), A::Error> {
        while let Some(key) = map.next_key::<String>()? {
            if key == "id" {
                *self.found = map.next_value::<String>().ok();
                return Err(stop());
            }
            map.next_value::<IgnoredAny>()?;
        }
        Err(stop())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn only_problem(json: &str) -> Problem {
        let mut problems = parse_workflow(json).unwrap_err();
        assert_eq!(problems.len(), 1, "{problems:?}");
        problems.remove(0)
    }

    #[test]
    fn malformed_json_has_a_position() {
        let problem = only_problem("{\n  \"name\": \"x\",\n  \"nodes\": [\n");
        assert_eq!(problem.node_id, None);
        assert!(problem.reason.contains("line 4"), "{problem:?}");
    }

    #[test]
    fn unknown_kind_names_the_node() {
        let json = r#"{"name": "x", "nodes": [
            {"id": "t1", "kind": "trigger", "config": {"event": "manual"}},
            {"id": "n2", "kind": "teleport", "config": {}}
        ]}"#;
        let problem = only_problem(json);
        assert_eq!(problem.node_id.as_deref(), Some("n2"));
        assert_eq!(problem.field, "kind");
        assert!(
            problem.reason.contains("unknown variant `teleport`"),
            "{problem:?}"
        );
        assert!(problem.reason.contains("line 3"), "{problem:?}");
    }

    #[test]
    fn wrong_type_inside_config() {
        let json = r#"{"name": "x", "nodes": [
            {"id": "a1", "kind": "action", "config": {"plugin": "p", "version": "1.0.0", "retry": {"max_attempts": "3"}}}
        ]}"#;
        let problem = only_problem(json);
        assert_eq!(problem.node_id.as_deref(), Some("a1"));
        assert_eq!(problem.field, "config.retry.max_attempts");
        assert!(problem.reason.contains("invalid type"), "{problem:?}");
    }

    #[test]
    fn document_level_mistakes() {
        let problem = only_problem(r#"{"name": "x", "nodes": [], "edgez": []}"#);
        assert_eq!(problem.field, "edgez");
        assert!(problem.reason.contains("unknown field `edgez`"));
        let problem = only_problem(r#"{"name": "x", "nodes": []} trailing"#);
        assert!(problem.reason.contains("trailing characters"));
        let problem = only_problem(
            r#"{"name": "x", "nodes": [], "edges": [{"id": "e1", "source": "a", "target": "b"}]}"#,
        );
        assert_eq!(problem.field, "edges[0]");
        assert!(problem.reason.contains("missing field `outcome`"));
    }

    #[test]
    fn node_id_search_handles_any_position() {
        let json = r#"{"edges": [], "nodes": [{"kind": "exit", "id": "x0"}, {"id": "x1", "kind": 5}], "name": "n"}"#;
        assert_eq!(node_id_at(json, 1).as_deref(), Some("x1"));
        assert_eq!(node_id_at(json, 0).as_deref(), Some("x0"));
        assert_eq!(node_id_at(json, 7), None);
        assert_eq!(node_id_at("{", 0), None);
    }
}
