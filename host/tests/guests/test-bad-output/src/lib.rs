//! `atlas.test.bad-output`: breaks the output contract in the way its input asks.
//!
//! Input `{"mode": "huge" | "invalid-json" | "schema-mismatch" | "unknown-outcome"}`:
//! - `huge`: a valid output of about 4 MiB;
//! - `invalid-json`: a `data-json` that is not JSON;
//! - `schema-mismatch`: JSON whose `count` is a string, although the output
//!   schema requires an integer;
//! - `unknown-outcome`: an outcome the manifest does not declare.
//!
//! The typed SDK would prevent these, so this component implements the raw
//! bindings' `Guest` directly.

use atlas_sdk::bindings::Guest;
use atlas_sdk::bindings::atlas::workflow::types as wit;
use serde_json::Value;

/// Size of the padding in `huge` mode.
const HUGE_BYTES: usize = 4 * 1024 * 1024;

const INPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "mode": { "enum": ["huge", "invalid-json", "schema-mismatch", "unknown-outcome"] }
  },
  "required": ["mode"],
  "additionalProperties": false
}"#;

const OUTPUT_SCHEMA: &str = r#"{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "type": "object",
  "properties": {
    "count": { "type": "integer" },
    "padding": { "type": "string" }
  },
  "required": ["count"]
}"#;

/// Misbehaves on request.
struct BadOutput;

impl Guest for BadOutput {
    fn manifest() -> wit::Manifest {
        wit::Manifest {
            id: "atlas.test.bad-output".into(),
            name: "Test: bad output".into(),
            description: "Returns outputs that break the contract.".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            category: wit::Category::Utility,
            icon: String::new(),
            input_schema: INPUT_SCHEMA.into(),
            output_schema: OUTPUT_SCHEMA.into(),
            outcomes: vec![wit::OutcomeSpec {
                name: "done".into(),
                label: "Done".into(),
            }],
            capabilities: Vec::new(),
        }
    }

    fn execute(_ctx: wit::Context, input_json: String) -> Result<wit::Output, wit::ActionError> {
        let input: Value = serde_json::from_str(&input_json)
            .map_err(|error| wit::ActionError::InvalidInput(error.to_string()))?;
        let output = |outcome: &str, data_json: String| wit::Output {
            outcome: outcome.into(),
            data_json,
        };
        match input["mode"].as_str() {
            Some("huge") => {
                let padding = "x".repeat(HUGE_BYTES);
                Ok(output(
                    "done",
                    format!(r#"{{"count":1,"padding":"{padding}"}}"#),
                ))
            }
            Some("invalid-json") => Ok(output("done", r#"{"count": 1,"#.into())),
            Some("schema-mismatch") => Ok(output("done", r#"{"count":"many"}"#.into())),
            Some("unknown-outcome") => Ok(output("vanished", r#"{"count":1}"#.into())),
            _ => Err(wit::ActionError::InvalidInput(format!(
                "unknown mode in {input_json}"
            ))),
        }
    }
}

atlas_sdk::bindings::export!(BadOutput with_types_in atlas_sdk::bindings);
