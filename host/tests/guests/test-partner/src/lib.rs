//! A partner action for the marketplace tests. Its manifest comes from
//! [`SLOT`], a JSON document padded with spaces to a fixed size behind a
//! marker, so a test can rewrite it in the built component (then sign the
//! result) to publish any id, version, input schema or capability list.
//! `execute` echoes its input with outcome `done`.

use atlas_sdk::bindings::atlas::workflow::types::{
    ActionError, Capability, Category, Context, Manifest, OutcomeSpec, Output,
};
use serde::Deserialize;

/// The marker, the manifest JSON, and space padding up to 1024 bytes after the marker.
static SLOT: &str = concat!(
    "ATLAS-TEST-MANIFEST-SLOT:",
    r#"{"id":"acme.partner.echo","version":"1.0.0","capabilities":["kv"],"input_schema":"{\"type\":\"object\"}"}"#,
    "                                                                                                                                ",
    "                                                                                                                                ",
    "                                                                                                                                ",
    "                                                                                                                                ",
    "                                                                                                                                ",
    "                                                                                                                                ",
    "                                                                                                                                ",
    "                                                                                                  "
);

#[derive(Deserialize)]
struct Slot {
    id: String,
    version: String,
    #[serde(default)]
    capabilities: Vec<String>,
    #[serde(default = "object_schema")]
    input_schema: String,
}

fn object_schema() -> String {
    r#"{"type":"object"}"#.into()
}

fn slot() -> Slot {
    let text = core::hint::black_box(SLOT);
    let json = text.split_once(':').map(|(_, j)| j).unwrap_or("{}");
    serde_json::from_str(json.trim_end()).unwrap_or(Slot {
        id: "acme.partner.broken-slot".into(),
        version: "0.0.0".into(),
        capabilities: Vec::new(),
        input_schema: object_schema(),
    })
}

fn capability(text: &str) -> Capability {
    match text.split_once(':') {
        Some(("http", host)) => Capability::Http(host.into()),
        Some(("secret", name)) => Capability::Secret(name.into()),
        Some(("crm", "write")) => Capability::CrmWrite,
        Some(("crm", _)) => Capability::CrmRead,
        _ if text == "ai" => Capability::Ai,
        _ => Capability::Kv,
    }
}

struct Partner;

impl atlas_sdk::bindings::Guest for Partner {
    fn manifest() -> Manifest {
        let slot = slot();
        Manifest {
            id: slot.id,
            name: "Partner echo".into(),
            description: "Echoes its input.".into(),
            version: slot.version,
            category: Category::Utility,
            icon: "puzzle".into(),
            input_schema: slot.input_schema,
            output_schema: r#"{"type":"object"}"#.into(),
            outcomes: vec![OutcomeSpec {
                name: "done".into(),
                label: "Done".into(),
            }],
            capabilities: slot.capabilities.iter().map(|c| capability(c)).collect(),
        }
    }

    fn execute(_ctx: Context, input_json: String) -> Result<Output, ActionError> {
        Ok(Output {
            outcome: "done".into(),
            data_json: format!(r#"{{"echo":{input_json}}}"#),
        })
    }
}

atlas_sdk::bindings::export!(Partner with_types_in atlas_sdk::bindings);
