//! The trait every Rust action implements.

use schemars::JsonSchema;
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::{ActionError, Context, Manifest, Outcome};

/// A workflow action: a manifest and one typed `execute` function.
///
/// Export the implementing type with [`crate::export_action!`]. The SDK derives
/// the manifest's input and output JSON Schemas from [`Action::Input`] and
/// [`Action::Output`], parses the input document before calling
/// [`Action::execute`] and serialises the output after it.
pub trait Action {
    /// The input document, parsed from the JSON the engine passes in.
    type Input: DeserializeOwned + JsonSchema;
    /// The output document, serialised to JSON for the engine.
    type Output: Serialize + JsonSchema;

    /// Describes the action: id, name, version, outcomes, capabilities.
    fn manifest() -> Manifest;

    /// Runs the action once for one step attempt.
    fn execute(ctx: &Context, input: Self::Input) -> Result<Outcome<Self::Output>, ActionError>;
}
