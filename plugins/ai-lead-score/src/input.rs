//! What the workflow author fills in, and the score bands it sets.

use atlas_sdk::ActionError;
use schemars::JsonSchema;
use serde::Deserialize;

/// Longest custom-field name the action writes, in bytes.
const MAX_FIELD_BYTES: usize = 100;

/// Whom to score, from what, and where to keep the score.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LeadScoreInput {
    /// What the contact did lately, for the model: "Booked 2 trial classes
    /// ({{trigger.class_name}}), attended 1, opened the pricing email".
    #[serde(default)]
    pub activity: Option<String>,
    /// Extra guidance for the model: "Referrals from members are worth more".
    #[serde(default)]
    pub instructions: Option<String>,
    /// Scores from this value up are `hot`.
    #[serde(default = "default_hot")]
    #[schemars(range(max = 100))]
    pub hot_threshold: u8,
    /// Scores from this value up (below the hot threshold) are `warm`; lower ones `cold`.
    #[serde(default = "default_warm")]
    #[schemars(range(max = 100))]
    pub warm_threshold: u8,
    /// Write the score into this custom field of the contact, such as `lead_score`.
    #[serde(default)]
    pub write_to_field: Option<String>,
    /// The contact to score; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
    /// Model; the org's default when absent.
    #[serde(default)]
    pub model: Option<String>,
}

fn default_hot() -> u8 {
    70
}

fn default_warm() -> u8 {
    40
}

/// Where the bands start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Thresholds {
    hot: u8,
    warm: u8,
}

impl Thresholds {
    /// The band of `score`: `hot`, `warm` or `cold`.
    pub fn band(self, score: u8) -> &'static str {
        if score >= self.hot {
            "hot"
        } else if score >= self.warm {
            "warm"
        } else {
            "cold"
        }
    }
}

impl LeadScoreInput {
    /// The checked thresholds: at most 100, warm not above hot.
    pub fn thresholds(&self) -> Result<Thresholds, ActionError> {
        for (name, value) in [
            ("hot_threshold", self.hot_threshold),
            ("warm_threshold", self.warm_threshold),
        ] {
            if value > 100 {
                return Err(ActionError::invalid_input(format!(
                    "{name} is {value}; scores go from 0 to 100"
                )));
            }
        }
        if self.warm_threshold > self.hot_threshold {
            return Err(ActionError::invalid_input(format!(
                "warm_threshold ({}) is above hot_threshold ({})",
                self.warm_threshold, self.hot_threshold
            )));
        }
        Ok(Thresholds {
            hot: self.hot_threshold,
            warm: self.warm_threshold,
        })
    }

    /// The custom field to write, trimmed; blank or too long is invalid.
    pub fn field(&self) -> Result<Option<String>, ActionError> {
        let Some(field) = &self.write_to_field else {
            return Ok(None);
        };
        let field = field.trim();
        if field.is_empty() {
            return Err(ActionError::invalid_input(
                "write_to_field is empty; leave it out to only score",
            ));
        }
        if field.len() > MAX_FIELD_BYTES {
            return Err(ActionError::invalid_input(format!(
                "write_to_field is at most {MAX_FIELD_BYTES} bytes"
            )));
        }
        Ok(Some(field.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn input(value: serde_json::Value) -> LeadScoreInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn bands_follow_the_thresholds() {
        let thresholds = input(json!({})).thresholds().unwrap();
        assert_eq!(thresholds.band(100), "hot");
        assert_eq!(thresholds.band(70), "hot");
        assert_eq!(thresholds.band(69), "warm");
        assert_eq!(thresholds.band(40), "warm");
        assert_eq!(thresholds.band(39), "cold");
        assert_eq!(thresholds.band(0), "cold");
        let strict = input(json!({ "hot_threshold": 90, "warm_threshold": 90 }))
            .thresholds()
            .unwrap();
        assert_eq!(strict.band(89), "cold");
        assert_eq!(strict.band(90), "hot");
    }

    #[test]
    fn bad_thresholds_are_invalid() {
        assert_eq!(
            input(json!({ "hot_threshold": 101 }))
                .thresholds()
                .unwrap_err(),
            ActionError::invalid_input("hot_threshold is 101; scores go from 0 to 100")
        );
        assert_eq!(
            input(json!({ "warm_threshold": 75 }))
                .thresholds()
                .unwrap_err(),
            ActionError::invalid_input("warm_threshold (75) is above hot_threshold (70)")
        );
        assert!(serde_json::from_value::<LeadScoreInput>(json!({ "hot_threshold": -1 })).is_err());
        assert!(serde_json::from_value::<LeadScoreInput>(json!({ "threshold": 5 })).is_err());
    }

    #[test]
    fn the_field_is_trimmed_and_required_when_given() {
        assert_eq!(input(json!({})).field().unwrap(), None);
        assert_eq!(
            input(json!({ "write_to_field": " lead_score " }))
                .field()
                .unwrap(),
            Some("lead_score".into())
        );
        assert!(input(json!({ "write_to_field": "" })).field().is_err());
        assert!(
            input(json!({ "write_to_field": "x".repeat(101) }))
                .field()
                .is_err()
        );
    }
}
