//! `atlas.ai.sentiment`: tells whether a text (a reply, a review, a survey
//! answer) is positive, neutral or negative with the org's language model.
//! The label is also the outcome, so the workflow branches on it: each of
//! `positive`, `neutral` and `negative` is an outgoing edge in the builder.

use atlas_sdk::ai::{self, ClassificationRequest};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The labels, which are also the outcomes.
const LABELS: [&str; 3] = ["positive", "neutral", "negative"];

/// The text to judge.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct SentimentInput {
    /// The text: `{{trigger.message}}`, a review, a survey answer.
    pub text: String,
    /// Extra guidance for the model: "A complaint about prices is negative".
    #[serde(default)]
    pub instructions: Option<String>,
    /// Model; the org's default when absent.
    #[serde(default)]
    pub model: Option<String>,
}

/// The sentiment of the text.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct SentimentOutput {
    /// `positive`, `neutral` or `negative` (also the outcome).
    pub sentiment: String,
    /// How sure the model is, 0 to 1.
    pub confidence: f32,
    /// -1 (surely negative) to 1 (surely positive); 0 for neutral.
    pub score: f32,
}

/// The sentiment action.
pub struct Sentiment;

impl Action for Sentiment {
    type Input = SentimentInput;
    type Output = SentimentOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.ai.sentiment",
            "Detect sentiment with AI",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Tells whether a text such as a reply or a review is positive, neutral or negative, \
             and follows the matching edge.",
        )
        .category(Category::Ai)
        .icon("smile")
        .outcome("positive", "Positive")
        .outcome("neutral", "Neutral")
        .outcome("negative", "Negative")
        .capability(Capability::Ai)
    }

    fn execute(
        _ctx: &Context,
        input: SentimentInput,
    ) -> Result<Outcome<SentimentOutput>, ActionError> {
        if input.text.trim().is_empty() {
            return Err(ActionError::invalid_input("text must not be empty"));
        }
        let classification = ai::classify(&ClassificationRequest {
            text: input.text,
            labels: LABELS.iter().map(|label| label.to_string()).collect(),
            instructions: Some(guidance(input.instructions.as_deref())),
            model: input.model,
        })?;
        let output = output(&classification.label, classification.confidence)?;
        Ok(Outcome::new(output.sentiment.clone(), output))
    }
}

fn guidance(extra: Option<&str>) -> String {
    let mut guidance = "Judge how the writer feels about the fitness studio or the topic. \
                        Mixed or purely factual texts are neutral."
        .to_owned();
    if let Some(extra) = extra.map(str::trim).filter(|extra| !extra.is_empty()) {
        guidance.push(' ');
        guidance.push_str(extra);
    }
    guidance
}

/// The output for the host's answer; a label outside [`LABELS`] is fatal
/// (the host only returns requested labels).
fn output(label: &str, confidence: f32) -> Result<SentimentOutput, ActionError> {
    let confidence = confidence.clamp(0.0, 1.0);
    let score = match label {
        "positive" => confidence,
        "neutral" => 0.0,
        "negative" => -confidence,
        other => {
            return Err(ActionError::fatal(format!(
                "the host answered the label `{other}`, which was not requested"
            )));
        }
    };
    Ok(SentimentOutput {
        sentiment: label.to_owned(),
        confidence,
        score,
    })
}

atlas_sdk::export_action!(Sentiment);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_declares_one_outcome_per_label() {
        let manifest = atlas_sdk::export::manifest::<Sentiment>();
        assert_eq!(manifest.id, "atlas.ai.sentiment");
        let outcomes: Vec<&str> = manifest.outcomes.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(outcomes, LABELS);
        assert!(matches!(&manifest.capabilities[..], [Capability::Ai]));
    }

    #[test]
    fn the_score_is_signed_by_the_label() {
        assert_eq!(
            output("negative", 0.8).unwrap(),
            SentimentOutput {
                sentiment: "negative".into(),
                confidence: 0.8,
                score: -0.8
            }
        );
        assert_eq!(output("positive", 1.5).unwrap().score, 1.0);
        assert_eq!(output("neutral", 0.9).unwrap().score, 0.0);
        assert!(matches!(output("angry", 0.9), Err(ActionError::Fatal(_))));
    }

    #[test]
    fn guidance_appends_the_users_instructions() {
        assert!(guidance(None).ends_with("are neutral."));
        assert!(
            guidance(Some(" Price complaints are negative. "))
                .ends_with("are neutral. Price complaints are negative.")
        );
    }
}
