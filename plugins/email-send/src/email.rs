//! The email to send, checked and normalised from the input.

use atlas_sdk::ActionError;

use crate::input::EmailInput;

/// A sender or reply-to address with an optional display name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Address {
    /// `someone@example.com`.
    pub email: String,
    /// Display name.
    pub name: Option<String>,
}

impl Address {
    /// `Name <email>`, or the bare address without a name.
    pub fn to_header(&self) -> String {
        match &self.name {
            Some(name) => format!("\"{}\" <{}>", name.replace('"', "'"), self.email),
            None => self.email.clone(),
        }
    }
}

/// A checked email: at least one recipient, a subject, at least one body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email {
    /// Sender.
    pub from: Address,
    /// Recipients (never empty).
    pub to: Vec<String>,
    /// Carbon copies.
    pub cc: Vec<String>,
    /// Blind carbon copies.
    pub bcc: Vec<String>,
    /// Where replies go.
    pub reply_to: Option<String>,
    /// Subject line.
    pub subject: String,
    /// HTML body.
    pub html: Option<String>,
    /// Plain-text body.
    pub text: Option<String>,
}

impl Email {
    /// Checks the input: trims addresses, drops empty entries (a template
    /// that rendered nothing), and refuses malformed addresses, an empty
    /// subject, or a message with neither body.
    pub fn from_input(input: &EmailInput) -> Result<Self, ActionError> {
        let from = address("from", &input.from)?;
        let to = addresses("to", &input.to)?;
        if to.is_empty() {
            return Err(ActionError::invalid_input(
                "to: at least one recipient is required",
            ));
        }
        let subject = input.subject.trim();
        if subject.is_empty() {
            return Err(ActionError::invalid_input("subject must not be empty"));
        }
        let html = non_empty(input.html.as_deref());
        let text = non_empty(input.text.as_deref());
        if html.is_none() && text.is_none() {
            return Err(ActionError::invalid_input(
                "an email needs an `html` or a `text` body",
            ));
        }
        let reply_to = match non_empty(input.reply_to.as_deref()) {
            Some(reply_to) => Some(address("reply_to", &reply_to)?),
            None => None,
        };
        Ok(Self {
            from: Address {
                email: from,
                name: non_empty(input.from_name.as_deref()),
            },
            to,
            cc: addresses("cc", &input.cc)?,
            bcc: addresses("bcc", &input.bcc)?,
            reply_to,
            subject: subject.to_owned(),
            html,
            text,
        })
    }
}

fn non_empty(text: Option<&str>) -> Option<String> {
    text.map(str::trim)
        .filter(|text| !text.is_empty())
        .map(str::to_owned)
}

fn addresses(field: &str, values: &[String]) -> Result<Vec<String>, ActionError> {
    values
        .iter()
        .filter(|value| !value.trim().is_empty())
        .map(|value| address(field, value))
        .collect()
}

/// A plausible address: one `@` with text on both sides, a dot in the
/// domain, no spaces or angle brackets. The provider does the real check.
fn address(field: &str, value: &str) -> Result<String, ActionError> {
    let value = value.trim();
    let plausible = value.split_once('@').is_some_and(|(local, domain)| {
        !local.is_empty() && domain.contains('.') && !domain.contains('@')
    }) && !value
        .contains(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | ',' | ';'));
    if !plausible {
        return Err(ActionError::invalid_input(format!(
            "{field}: `{value}` is not an email address"
        )));
    }
    Ok(value.to_owned())
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn email(value: Value) -> Result<Email, ActionError> {
        Email::from_input(&serde_json::from_value(value).unwrap())
    }

    #[test]
    fn normalises_addresses_and_bodies() {
        let email = email(json!({
            "from": " studio@gym.example ",
            "from_name": "Iron Gym",
            "to": ["ada@example.com", " "],
            "cc": "",
            "bcc": ["coach@gym.example"],
            "reply_to": "desk@gym.example",
            "subject": " Welcome ",
            "text": "Hi Ada",
            "html": "  "
        }))
        .unwrap();
        assert_eq!(email.from.email, "studio@gym.example");
        assert_eq!(email.from.to_header(), "\"Iron Gym\" <studio@gym.example>");
        assert_eq!(email.to, ["ada@example.com"]);
        assert!(email.cc.is_empty());
        assert_eq!(email.bcc, ["coach@gym.example"]);
        assert_eq!(email.reply_to.as_deref(), Some("desk@gym.example"));
        assert_eq!(email.subject, "Welcome");
        assert_eq!(email.text.as_deref(), Some("Hi Ada"));
        assert_eq!(email.html, None);
    }

    #[test]
    fn refuses_what_cannot_be_sent() {
        let cases = [
            (
                json!({"from": "s@gym.example", "to": "", "subject": "x", "text": "y"}),
                "to: at least one recipient is required",
            ),
            (
                json!({"from": "s@gym.example", "to": "ada", "subject": "x", "text": "y"}),
                "to: `ada` is not an email address",
            ),
            (
                json!({"from": "Gym <s@gym.example>", "to": "a@example.com", "subject": "x", "text": "y"}),
                "from: `Gym <s@gym.example>` is not an email address",
            ),
            (
                json!({"from": "s@gym.example", "to": "a@example.com", "subject": " ", "text": "y"}),
                "subject must not be empty",
            ),
            (
                json!({"from": "s@gym.example", "to": "a@example.com", "subject": "x"}),
                "an email needs an `html` or a `text` body",
            ),
        ];
        for (input, message) in cases {
            assert_eq!(email(input), Err(ActionError::invalid_input(message)));
        }
    }
}
