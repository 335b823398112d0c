//! The model's answer, read defensively.
//!
//! The JSON object may come wrapped in a code fence or a sentence; it is
//! taken from the first `{` to the last `}`. Anything that is not an object
//! with a numeric `score` from 0 to 100 and at least one text reason is
//! refused with a retryable error quoting the answer: a retry may well get a
//! proper answer, and a score the model did not give is never made up.

use atlas_sdk::ActionError;
use serde_json::Value;

/// Most reasons kept.
const MAX_REASONS: usize = 5;
/// Longest reason kept, in characters.
const MAX_REASON_CHARS: usize = 300;
/// How much of a refused answer the error quotes, in characters.
const QUOTED_CHARS: usize = 200;

/// A well-formed answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Answer {
    /// 0 to 100.
    pub score: u8,
    /// At least one, at most [`MAX_REASONS`].
    pub reasons: Vec<String>,
}

/// The answer in `text`, or a retryable error saying what is wrong with it.
pub fn parse(text: &str) -> Result<Answer, ActionError> {
    read(text).map_err(|problem| {
        let quoted: String = text.trim().chars().take(QUOTED_CHARS).collect();
        ActionError::retryable(format!(
            "the model did not answer with a score ({problem}); it wrote: {quoted:?}"
        ))
    })
}

fn read(text: &str) -> Result<Answer, String> {
    let (Some(start), Some(end)) = (text.find('{'), text.rfind('}')) else {
        return Err("no JSON object".into());
    };
    if end < start {
        return Err("no JSON object".into());
    }
    let value: Value = serde_json::from_str(&text[start..=end])
        .map_err(|error| format!("invalid JSON: {error}"))?;
    let score = match value.get("score") {
        Some(Value::Number(number)) => number.as_f64().unwrap_or(f64::NAN),
        Some(_) => return Err("`score` is not a number".into()),
        None => return Err("no `score`".into()),
    };
    if !(0.0..=100.0).contains(&score) {
        return Err(format!("score {score} is outside 0 to 100"));
    }
    let reasons = match value.get("reasons") {
        Some(Value::Array(items)) => items
            .iter()
            .filter_map(Value::as_str)
            .map(str::trim)
            .filter(|reason| !reason.is_empty())
            .take(MAX_REASONS)
            .map(|reason| reason.chars().take(MAX_REASON_CHARS).collect())
            .collect::<Vec<String>>(),
        Some(_) => return Err("`reasons` is not a list".into()),
        None => return Err("no `reasons`".into()),
    };
    if reasons.is_empty() {
        return Err("no reasons given".into());
    }
    Ok(Answer {
        score: score.round() as u8,
        reasons,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_plain_answer() {
        assert_eq!(
            parse(r#"{"score": 82, "reasons": ["Booked a trial", " Referred by a member "]}"#),
            Ok(Answer {
                score: 82,
                reasons: vec!["Booked a trial".into(), "Referred by a member".into()]
            })
        );
    }

    #[test]
    fn fences_and_chatter_around_the_object_are_ignored() {
        let fenced =
            "Here you go:\n```json\n{\"score\": 45.4, \"reasons\": [\"Opened emails\"]}\n```";
        assert_eq!(parse(fenced).unwrap().score, 45);
        assert_eq!(parse(r#"{"score":0,"reasons":["x"]}"#).unwrap().score, 0);
        assert_eq!(
            parse(r#"{"score":100,"reasons":["x"]}"#).unwrap().score,
            100
        );
    }

    #[test]
    fn garbage_is_a_retryable_error_never_a_score() {
        for (text, problem) in [
            ("I think this lead is quite hot!", "no JSON object"),
            ("} {", "no JSON object"),
            ("{score: 80}", "invalid JSON"),
            (r#"{"reasons":["x"]}"#, "no `score`"),
            (
                r#"{"score":"80","reasons":["x"]}"#,
                "`score` is not a number",
            ),
            (
                r#"{"score":101,"reasons":["x"]}"#,
                "score 101 is outside 0 to 100",
            ),
            (
                r#"{"score":-3,"reasons":["x"]}"#,
                "score -3 is outside 0 to 100",
            ),
            (r#"{"score":50}"#, "no `reasons`"),
            (
                r#"{"score":50,"reasons":"good"}"#,
                "`reasons` is not a list",
            ),
            (r#"{"score":50,"reasons":["", 7]}"#, "no reasons given"),
        ] {
            let error = parse(text).unwrap_err();
            let ActionError::Retryable { message, .. } = &error else {
                panic!("{text}: expected a retryable error, got {error:?}");
            };
            assert!(message.contains(problem), "{text}: {message}");
            assert!(
                message.starts_with("the model did not answer with a score"),
                "{message}"
            );
        }
    }

    #[test]
    fn many_long_reasons_are_cut() {
        let reasons: Vec<String> = (0..8).map(|i| format!("{i}{}", "x".repeat(400))).collect();
        let text = serde_json::json!({ "score": 10, "reasons": reasons }).to_string();
        let answer = parse(&text).unwrap();
        assert_eq!(answer.reasons.len(), MAX_REASONS);
        assert_eq!(answer.reasons[0].chars().count(), MAX_REASON_CHARS);
    }
}
