//! The test file of an action project, `atlas-tests.json`: a list of cases,
//! each with its input, context, scripted host and expectation.

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::Context as _;
use serde::Deserialize;
use serde_json::Value;

use crate::crm::NewContact;

/// The whole file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestFile {
    /// Which built component the cases run (its file name without `.wasm`);
    /// needed only when the project builds more than one.
    #[serde(default)]
    pub component: Option<String>,
    /// The cases, run in order.
    pub cases: Vec<TestCase>,
}

/// One run of the action and what it must produce.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TestCase {
    /// Printed with the result.
    pub name: String,
    /// The input document.
    #[serde(default = "empty_object")]
    pub input: Value,
    /// Context fields (`trigger`, `contact`, `test_mode`, `attempt`, ...). A
    /// string `contact` names a contact of [`TestCase::crm`]: the run gets
    /// that contact as stored, id included. The org is set per case.
    #[serde(default = "empty_object")]
    pub context: Value,
    /// Secrets of the install, by name.
    #[serde(default)]
    pub secrets: BTreeMap<String, String>,
    /// Initial kv entries: a string is stored as its text, anything else as JSON.
    #[serde(default)]
    pub kv: BTreeMap<String, Value>,
    /// CRM records that exist before the run.
    #[serde(default)]
    pub crm: CrmSeed,
    /// The HTTP exchanges the action must make, answered in order.
    #[serde(default)]
    pub http: Vec<HttpExchange>,
    /// The language-model replies, answered in order.
    #[serde(default)]
    pub ai: Vec<AiReply>,
    /// What the run must produce.
    pub expect: Expectation,
}

/// CRM records created before the run.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrmSeed {
    /// Contacts by a name the case's `context.contact` can use.
    #[serde(default)]
    pub contacts: BTreeMap<String, NewContact>,
}

/// One request the action must make and its scripted answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HttpExchange {
    /// The request, matched by method and exact URL, then checked.
    pub request: ExpectedRequest,
    /// The answer.
    #[serde(default)]
    pub response: ScriptedReply,
}

/// A request the action must make.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExpectedRequest {
    /// `GET`, `POST`, ...
    #[serde(default = "get")]
    pub method: String,
    /// The exact URL, query string included.
    pub url: String,
    /// Headers the request must carry (names case-insensitive, values exact).
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// The body must be JSON containing this document (subset match).
    #[serde(default)]
    pub json: Option<Value>,
    /// The body must be exactly this text.
    #[serde(default)]
    pub body: Option<String>,
}

/// A scripted HTTP response.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScriptedReply {
    /// The status code; 200 when absent.
    #[serde(default = "ok")]
    pub status: u16,
    /// Response headers.
    #[serde(default)]
    pub headers: BTreeMap<String, String>,
    /// A JSON body (sent with `content-type: application/json`).
    #[serde(default)]
    pub json: Option<Value>,
    /// A text body.
    #[serde(default)]
    pub body: Option<String>,
}

impl Default for ScriptedReply {
    fn default() -> Self {
        Self {
            status: ok(),
            headers: BTreeMap::new(),
            json: None,
            body: None,
        }
    }
}

/// One language-model answer.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AiReply {
    /// The text the model answers (for `classify`, the label, or
    /// `{"label": "...", "confidence": 0.9}`).
    #[serde(default)]
    pub reply: String,
    /// A provider status other than 200 (429, 500, ...) to test failures.
    #[serde(default = "ok")]
    pub status: u16,
    /// The prompt the action sent must contain this text.
    #[serde(default)]
    pub prompt_contains: Option<String>,
}

/// What a case must produce: an outcome and output, or an error.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Expectation {
    /// The outcome the action must choose.
    #[serde(default)]
    pub outcome: Option<String>,
    /// The output must contain this document (subset match).
    #[serde(default)]
    pub output: Option<Value>,
    /// The run must fail with this error kind (`invalid_input`, `retryable`,
    /// `fatal`, `timeout`, `fuel_exhausted`, ...).
    #[serde(default)]
    pub error: Option<String>,
    /// The error message must contain this text.
    #[serde(default)]
    pub message: Option<String>,
    /// Host calls that must be refused, as `capability target` prefixes
    /// (`http https://other.example/`, `secret token`); when absent, any
    /// refusal fails the case.
    #[serde(default)]
    pub denied: Option<Vec<String>>,
    /// kv entries the run must leave (strings compare as text, anything else as JSON).
    #[serde(default)]
    pub kv: BTreeMap<String, Value>,
}

impl TestFile {
    /// Reads and parses `path`, naming the line and column of a mistake.
    pub fn read(path: &Path) -> anyhow::Result<Self> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the test file {}", path.display()))?;
        let file: TestFile = serde_json::from_str(&text)
            .with_context(|| format!("{} is not a valid test file", path.display()))?;
        for case in &file.cases {
            let wants_output = case.expect.outcome.is_some() || case.expect.output.is_some();
            let wants_error = case.expect.error.is_some();
            if wants_output == wants_error {
                anyhow::bail!(
                    "{}: case `{}` must expect either an outcome/output or an error",
                    path.display(),
                    case.name
                );
            }
        }
        Ok(file)
    }
}

fn empty_object() -> Value {
    Value::Object(Default::default())
}

fn get() -> String {
    "GET".into()
}

fn ok() -> u16 {
    200
}
