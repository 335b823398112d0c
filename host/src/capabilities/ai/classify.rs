//! Classification as a chat completion: the prompt that asks the model for
//! one of the labels as JSON, and the reading of its answer.

use serde::Deserialize;

use crate::runtime::bindings::atlas::workflow::ai::{ChatMessage, ClassificationRequest, Role};
use crate::runtime::bindings::atlas::workflow::types::HostError;

/// Most labels one request may offer.
pub const MAX_LABELS: usize = 32;
/// Tokens the answer may take: one small JSON object.
pub const ANSWER_MAX_TOKENS: u32 = 60;

/// The labels, checked: at least two, distinct, none empty.
pub fn checked_labels(request: &ClassificationRequest) -> Result<Vec<String>, HostError> {
    let labels: Vec<String> = request
        .labels
        .iter()
        .map(|label| label.trim().to_owned())
        .collect();
    if labels.len() < 2 || labels.len() > MAX_LABELS {
        return Err(HostError::Invalid(format!(
            "ai.classify needs 2 to {MAX_LABELS} labels, got {}",
            labels.len()
        )));
    }
    if labels.iter().any(String::is_empty) {
        return Err(HostError::Invalid(
            "ai.classify labels must not be empty".into(),
        ));
    }
    for (i, label) in labels.iter().enumerate() {
        if labels[..i].iter().any(|l| l.eq_ignore_ascii_case(label)) {
            return Err(HostError::Invalid(format!(
                "ai.classify label `{label}` is listed twice"
            )));
        }
    }
    if request.text.trim().is_empty() {
        return Err(HostError::Invalid("ai.classify needs a text".into()));
    }
    Ok(labels)
}

/// The conversation that asks the model to classify the request's text.
pub fn prompt(request: &ClassificationRequest, labels: &[String]) -> Vec<ChatMessage> {
    let label_list = serde_json::to_string(labels).expect("strings are JSON");
    let mut system = format!(
        "You are a text classifier. Choose exactly one label from {label_list} for the text \
         the user sends. Answer with one JSON object and nothing else: \
         {{\"label\": \"<one of the labels>\", \"confidence\": <number from 0 to 1>}}."
    );
    if let Some(instructions) = request
        .instructions
        .as_deref()
        .map(str::trim)
        .filter(|i| !i.is_empty())
    {
        system.push_str("\nGuidance: ");
        system.push_str(instructions);
    }
    vec![
        ChatMessage {
            role: Role::System,
            content: system,
        },
        ChatMessage {
            role: Role::User,
            content: request.text.clone(),
        },
    ]
}

#[derive(Deserialize)]
struct Answer {
    label: String,
    #[serde(default)]
    confidence: Option<f64>,
}

/// The label and confidence in the model's answer: a JSON object (possibly
/// inside a code fence), or a bare label. Labels match case-insensitively;
/// a bare label has confidence 1; an answer that names no label is `failed`
/// (models vary, so the engine may retry).
pub fn parse_answer(answer: &str, labels: &[String]) -> Result<(String, f32), HostError> {
    let trimmed = answer.trim();
    let json = match (trimmed.find('{'), trimmed.rfind('}')) {
        (Some(start), Some(end)) if start < end => Some(&trimmed[start..=end]),
        _ => None,
    };
    let (label, confidence) = match json.and_then(|j| serde_json::from_str::<Answer>(j).ok()) {
        Some(answer) => (answer.label, answer.confidence.unwrap_or(1.0)),
        None => (trimmed.trim_matches(['"', '.', '`']).to_owned(), 1.0),
    };
    let Some(chosen) = labels.iter().find(|l| l.eq_ignore_ascii_case(label.trim())) else {
        return Err(HostError::Failed(format!(
            "ai.classify: the model answered `{}`, which is none of the labels",
            trimmed.chars().take(200).collect::<String>()
        )));
    };
    Ok((chosen.clone(), confidence.clamp(0.0, 1.0) as f32))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(labels: &[&str], text: &str) -> ClassificationRequest {
        ClassificationRequest {
            text: text.into(),
            labels: labels.iter().map(|l| l.to_string()).collect(),
            instructions: Some("Sarcasm is negative.".into()),
            model: None,
        }
    }

    fn labels() -> Vec<String> {
        vec!["positive".into(), "neutral".into(), "negative".into()]
    }

    #[test]
    fn labels_are_checked() {
        assert!(checked_labels(&request(&["a"], "t")).is_err());
        assert!(checked_labels(&request(&["a", " "], "t")).is_err());
        assert!(checked_labels(&request(&["a", "A"], "t")).is_err());
        assert!(checked_labels(&request(&["a", "b"], " ")).is_err());
        assert_eq!(
            checked_labels(&request(&[" a", "b "], "t")).unwrap(),
            ["a", "b"]
        );
    }

    #[test]
    fn the_prompt_lists_the_labels_and_the_guidance() {
        let messages = prompt(
            &request(&["yes", "no"], "Loved it"),
            &["yes".into(), "no".into()],
        );
        assert_eq!(messages.len(), 2);
        assert!(matches!(messages[0].role, Role::System));
        assert!(messages[0].content.contains(r#"["yes","no"]"#));
        assert!(
            messages[0]
                .content
                .ends_with("Guidance: Sarcasm is negative.")
        );
        assert!(matches!(messages[1].role, Role::User));
        assert_eq!(messages[1].content, "Loved it");
    }

    #[test]
    fn answers_are_json_fenced_json_or_a_bare_label() {
        assert_eq!(
            parse_answer(r#"{"label":"Negative","confidence":0.82}"#, &labels()).unwrap(),
            ("negative".into(), 0.82)
        );
        assert_eq!(
            parse_answer(
                "```json\n{\"label\": \"neutral\", \"confidence\": 7}\n```",
                &labels()
            )
            .unwrap(),
            ("neutral".into(), 1.0)
        );
        assert_eq!(
            parse_answer(" Positive.", &labels()).unwrap(),
            ("positive".into(), 1.0)
        );
        assert!(matches!(
            parse_answer("I think it is mixed", &labels()),
            Err(HostError::Failed(_))
        ));
    }
}
