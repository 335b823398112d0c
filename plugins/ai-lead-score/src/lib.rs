//! `atlas.ai.lead-score`: scores the contact 0-100 (how likely they are to
//! join soon) with the org's language model, from what the CRM knows
//! (status, source, lifecycle stage, tags, custom fields) and an optional
//! `activity` text the workflow author fills from templates ("booked 2
//! trial classes, attended 1").
//!
//! The model is asked for a strict JSON answer; one that is not (prose, a
//! score out of range, no reasons) is a retryable error, never a guessed
//! score. The score's band is the outcome: `hot`, `warm` or `cold` by the
//! input's thresholds. With `write_to_field` the score is also stored in
//! that custom field of the contact.

mod answer;
mod input;
mod prompt;

use atlas_sdk::ai::{self, CompletionRequest};
use atlas_sdk::crm::{self, ContactPatch};
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, resolve_contact_id};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::input::LeadScoreInput;

/// The outcomes, hottest first.
const BANDS: [&str; 3] = ["hot", "warm", "cold"];
/// The longest answer the model may write, in tokens.
const MAX_ANSWER_TOKENS: u32 = 300;

/// The score and why.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct LeadScoreOutput {
    /// The scored contact.
    pub contact_id: String,
    /// 0 (no chance) to 100 (ready to join now).
    pub score: u8,
    /// `hot`, `warm` or `cold` (also the outcome).
    pub band: String,
    /// The model's reasons, in its order.
    pub reasons: Vec<String>,
    /// The model that scored.
    pub model: String,
    /// The custom field the score was written to, if any.
    pub written_to: Option<String>,
}

/// The lead-scoring action.
pub struct LeadScore;

impl Action for LeadScore {
    type Input = LeadScoreInput;
    type Output = LeadScoreOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.ai.lead-score",
            "Score lead with AI",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Scores the contact from 0 to 100 with AI, from their CRM record and recent \
             activity, follows the hot, warm or cold edge and can save the score on the contact.",
        )
        .category(Category::Ai)
        .icon("gauge")
        .outcome(BANDS[0], "Hot")
        .outcome(BANDS[1], "Warm")
        .outcome(BANDS[2], "Cold")
        .capability(Capability::Ai)
        .capability(Capability::CrmRead)
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: LeadScoreInput,
    ) -> Result<Outcome<LeadScoreOutput>, ActionError> {
        let thresholds = input.thresholds()?;
        let field = input.field()?;
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        let contact =
            crm::get_contact(&contact_id).map_err(|error| crm_failure(Access::Read, error))?;
        let request = CompletionRequest {
            messages: prompt::messages(&contact, &input, field.as_deref()),
            model: input.model.clone(),
            temperature: Some(0.0),
            max_tokens: Some(MAX_ANSWER_TOKENS),
        };
        let completion = ai::complete(&request)?;
        let answer = answer::parse(&completion.text)?;
        let band = thresholds.band(answer.score);
        if let Some(field) = &field {
            let mut fields = Map::new();
            fields.insert(field.clone(), Value::from(answer.score));
            let patch = ContactPatch {
                custom_fields_json: Some(Value::Object(fields).to_string()),
                ..empty_patch()
            };
            crm::update_contact(&contact_id, &patch)
                .map_err(|error| crm_failure(Access::Write, error))?;
        }
        atlas_sdk::debug!(
            "{} scored {contact_id} {} ({band})",
            completion.model,
            answer.score
        );
        Ok(Outcome::new(
            band,
            LeadScoreOutput {
                contact_id,
                score: answer.score,
                band: band.to_owned(),
                reasons: answer.reasons,
                model: completion.model,
                written_to: field,
            },
        ))
    }
}

/// A patch that changes nothing.
fn empty_patch() -> ContactPatch {
    ContactPatch {
        first_name: None,
        last_name: None,
        email: None,
        phone: None,
        status: None,
        lifecycle_stage: None,
        owner_id: None,
        custom_fields_json: None,
        consent: None,
    }
}

atlas_sdk::export_action!(LeadScore);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_declares_the_bands_and_needs_ai_and_the_crm() {
        let manifest = atlas_sdk::export::manifest::<LeadScore>();
        assert_eq!(manifest.id, "atlas.ai.lead-score");
        let outcomes: Vec<&str> = manifest.outcomes.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(outcomes, BANDS);
        assert!(matches!(
            &manifest.capabilities[..],
            [Capability::Ai, Capability::CrmRead, Capability::CrmWrite]
        ));
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["properties"]["hot_threshold"]["default"], 70);
    }

    #[test]
    fn bad_settings_are_refused_before_any_host_call() {
        let ctx = Context {
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        };
        let input =
            serde_json::from_value(json!({ "warm_threshold": 80, "hot_threshold": 60 })).unwrap();
        assert!(matches!(
            LeadScore::execute(&ctx, input),
            Err(ActionError::InvalidInput(_))
        ));
        let input = serde_json::from_value(json!({ "write_to_field": " " })).unwrap();
        assert!(matches!(
            LeadScore::execute(&ctx, input),
            Err(ActionError::InvalidInput(_))
        ));
        let input = serde_json::from_value(json!({})).unwrap();
        assert!(matches!(
            LeadScore::execute(&Context::default(), input),
            Err(ActionError::InvalidInput(m)) if m.starts_with("no contact")
        ));
    }
}
