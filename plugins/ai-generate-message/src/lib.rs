//! `atlas.ai.generate-message`: writes a message for the run's contact with
//! the org's language model, from a prompt (template variables already
//! filled in), a tone and a length. Its output `text` is ready for a
//! following email, SMS or WhatsApp step (`{{steps.<id>.output.text}}`).
//! Nothing is sent to the contact, so test runs call the model too and
//! show the text a real run would write.

mod input;
mod prompt;

use atlas_sdk::ai::{self, CompletionRequest};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use schemars::JsonSchema;
use serde::Serialize;

use crate::input::GenerateInput;

/// The outcome of every successful run.
const GENERATED: &str = "generated";
/// Temperature when the input gives none.
const DEFAULT_TEMPERATURE: f32 = 0.7;

/// The written message.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct GenerateOutput {
    /// The message text.
    pub text: String,
    /// The model that wrote it.
    pub model: String,
    /// Tokens in the prompt.
    pub prompt_tokens: u32,
    /// Tokens written.
    pub completion_tokens: u32,
}

/// The message-writing action.
pub struct GenerateMessage;

impl Action for GenerateMessage {
    type Input = GenerateInput;
    type Output = GenerateOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.ai.generate-message",
            "Write message with AI",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Writes a personal message for the contact from a prompt, in the tone and length \
             you choose, ready for a following email or SMS step.",
        )
        .category(Category::Ai)
        .icon("sparkles")
        .outcome(GENERATED, "Written")
        .capability(Capability::Ai)
    }

    fn execute(
        ctx: &Context,
        input: GenerateInput,
    ) -> Result<Outcome<GenerateOutput>, ActionError> {
        if input.prompt.trim().is_empty() {
            return Err(ActionError::invalid_input("prompt must not be empty"));
        }
        let contact = ctx.contact();
        let request = CompletionRequest {
            messages: prompt::messages(&input, contact.as_ref()),
            model: input.model.clone(),
            temperature: Some(input.temperature.unwrap_or(DEFAULT_TEMPERATURE)),
            max_tokens: Some(prompt::max_tokens(input.length)),
        };
        let completion = ai::complete(&request)?;
        let text = completion.text.trim().trim_matches('"').trim().to_owned();
        if text.is_empty() {
            return Err(ActionError::retryable("the model wrote an empty message"));
        }
        atlas_sdk::debug!(
            "{} wrote {} characters ({} + {} tokens)",
            completion.model,
            text.chars().count(),
            completion.prompt_tokens,
            completion.completion_tokens
        );
        Ok(Outcome::new(
            GENERATED,
            GenerateOutput {
                text,
                model: completion.model,
                prompt_tokens: completion.prompt_tokens,
                completion_tokens: completion.completion_tokens,
            },
        ))
    }
}

atlas_sdk::export_action!(GenerateMessage);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_requests_ai_only() {
        let manifest = atlas_sdk::export::manifest::<GenerateMessage>();
        assert_eq!(manifest.id, "atlas.ai.generate-message");
        assert_eq!(manifest.category, Category::Ai);
        assert_eq!(manifest.outcomes[0].name, "generated");
        assert!(matches!(&manifest.capabilities[..], [Capability::Ai]));
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["required"], json!(["prompt"]));
        let output: Value = serde_json::from_str(&manifest.output_schema).unwrap();
        assert_eq!(output["properties"]["text"]["type"], "string");
    }

    #[test]
    fn an_empty_prompt_is_invalid_input() {
        let error = GenerateMessage::execute(
            &Context::default(),
            serde_json::from_value(json!({"prompt": "  "})).unwrap(),
        )
        .unwrap_err();
        assert_eq!(
            error,
            ActionError::invalid_input("prompt must not be empty")
        );
    }
}
