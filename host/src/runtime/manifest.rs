//! The host's view of an action's manifest, converted from the component's
//! `manifest()` export and checked before the plugin is accepted.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::bindings::atlas::workflow::types as wit;

/// A capability an action requests.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "value", rename_all = "snake_case")]
pub enum Capability {
    /// Outbound HTTP to hosts matching the pattern.
    Http(String),
    /// Key-value storage.
    Kv,
    /// One named secret (`*` for any of the install's secrets).
    Secret(String),
    /// Read the CRM.
    CrmRead,
    /// Change the CRM.
    CrmWrite,
    /// Language-model calls.
    Ai,
}

impl Capability {
    /// The capability in plain words, as shown to an admin at install.
    pub fn describe(&self) -> String {
        match self {
            Capability::Http(h) if h == "*" => "Send HTTP requests to any public host".into(),
            Capability::Http(h) => format!("Send HTTP requests to {h}"),
            Capability::Kv => "Store its own data for your organisation".into(),
            Capability::Secret(s) if s == "*" => "Read the secrets you enter for it".into(),
            Capability::Secret(s) => format!("Read the secret \"{s}\" you enter for it"),
            Capability::CrmRead => "Read your contacts, tasks, bookings and campaigns".into(),
            Capability::CrmWrite => "Change your contacts, tasks, bookings and campaigns".into(),
            Capability::Ai => "Use your organisation's AI provider".into(),
        }
    }
}

impl fmt::Display for Capability {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Capability::Http(h) => write!(f, "http:{h}"),
            Capability::Kv => f.write_str("kv"),
            Capability::Secret(s) => write!(f, "secret:{s}"),
            Capability::CrmRead => f.write_str("crm:read"),
            Capability::CrmWrite => f.write_str("crm:write"),
            Capability::Ai => f.write_str("ai"),
        }
    }
}

impl std::str::FromStr for Capability {
    type Err = String;

    /// Parses `http:HOST`, `kv`, `secret:NAME`, `crm:read`, `crm:write`, `ai`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.split_once(':') {
            Some(("http", host)) if !host.is_empty() => Ok(Capability::Http(host.into())),
            Some(("secret", name)) if !name.is_empty() => Ok(Capability::Secret(name.into())),
            Some(("crm", "read")) => Ok(Capability::CrmRead),
            Some(("crm", "write")) => Ok(Capability::CrmWrite),
            None if s == "kv" => Ok(Capability::Kv),
            None if s == "ai" => Ok(Capability::Ai),
            _ => Err(format!(
                "unknown capability `{s}`: expected http:HOST, kv, secret:NAME, crm:read, crm:write or ai"
            )),
        }
    }
}

/// A named outcome; each becomes an outgoing edge in the builder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutcomeSpec {
    /// Stable identifier.
    pub name: String,
    /// Edge label.
    pub label: String,
}

/// Everything the host, the catalog and the builder know about an action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PluginManifest {
    /// Globally unique dotted id, such as `atlas.webhook.send`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Short description.
    pub description: String,
    /// Semantic version.
    pub version: String,
    /// Palette group.
    pub category: String,
    /// Icon name or SVG data URI.
    pub icon: String,
    /// JSON Schema of the input.
    pub input_schema: Value,
    /// JSON Schema of the output.
    pub output_schema: Value,
    /// Possible outcomes.
    pub outcomes: Vec<OutcomeSpec>,
    /// Requested capabilities.
    pub capabilities: Vec<Capability>,
}

impl PluginManifest {
    /// Converts and checks a manifest returned by a component. Every problem is
    /// reported, one per line.
    pub fn from_wit(m: wit::Manifest) -> Result<Self, String> {
        let mut problems = Vec::new();
        if !valid_id(&m.id) {
            problems.push(format!(
                "id `{}` must be 2 to 128 characters of lowercase letters, digits, `-` and `_` in dot-separated parts, like `acme.sms.send`",
                m.id
            ));
        }
        if m.name.trim().is_empty() || m.name.len() > 80 {
            problems.push("name must be 1 to 80 characters".into());
        }
        if m.description.len() > 1000 {
            problems.push("description must be at most 1000 characters".into());
        }
        if semver::Version::parse(&m.version).is_err() {
            problems.push(format!("version `{}` is not a semantic version", m.version));
        }
        if m.icon.len() > 16 * 1024 {
            problems.push("icon must be at most 16 KiB".into());
        }
        let input_schema = parse_schema("input-schema", &m.input_schema, &mut problems);
        let output_schema = parse_schema("output-schema", &m.output_schema, &mut problems);
        if m.outcomes.is_empty() {
            problems.push("at least one outcome is required".into());
        }
        let mut seen = HashSet::new();
        for outcome in &m.outcomes {
            if !valid_outcome(&outcome.name) {
                problems.push(format!(
                    "outcome `{}` must be lowercase letters, digits, `-` or `_`",
                    outcome.name
                ));
            }
            if !seen.insert(outcome.name.as_str()) {
                problems.push(format!("outcome `{}` is listed twice", outcome.name));
            }
        }
        let capabilities: Vec<Capability> = m.capabilities.into_iter().map(Into::into).collect();
        for capability in &capabilities {
            match capability {
                Capability::Http(h) if !valid_host_pattern(h) => problems.push(format!(
                    "http capability `{h}` must be a host name, `*.domain` or `*`"
                )),
                Capability::Secret(s) if s.is_empty() || s.len() > 128 => {
                    problems.push("secret names must be 1 to 128 characters".into())
                }
                _ => {}
            }
        }
        if !problems.is_empty() {
            return Err(problems.join("\n"));
        }
        Ok(Self {
            id: m.id,
            name: m.name,
            description: m.description,
            version: m.version,
            category: category_name(m.category).into(),
            icon: m.icon,
            input_schema: input_schema.unwrap_or(Value::Null),
            output_schema: output_schema.unwrap_or(Value::Null),
            outcomes: m
                .outcomes
                .into_iter()
                .map(|o| OutcomeSpec {
                    name: o.name,
                    label: o.label,
                })
                .collect(),
            capabilities,
        })
    }

    /// True when `name` is one of the declared outcomes.
    pub fn has_outcome(&self, name: &str) -> bool {
        self.outcomes.iter().any(|o| o.name == name)
    }
}

impl From<wit::Capability> for Capability {
    fn from(c: wit::Capability) -> Self {
        match c {
            wit::Capability::Http(h) => Capability::Http(h),
            wit::Capability::Kv => Capability::Kv,
            wit::Capability::Secret(s) => Capability::Secret(s),
            wit::Capability::CrmRead => Capability::CrmRead,
            wit::Capability::CrmWrite => Capability::CrmWrite,
            wit::Capability::Ai => Capability::Ai,
        }
    }
}

fn category_name(c: wit::Category) -> &'static str {
    match c {
        wit::Category::Communication => "communication",
        wit::Category::Crm => "crm",
        wit::Category::Scheduling => "scheduling",
        wit::Category::Marketing => "marketing",
        wit::Category::Integration => "integration",
        wit::Category::Ai => "ai",
        wit::Category::Data => "data",
        wit::Category::Utility => "utility",
    }
}

fn parse_schema(field: &str, text: &str, problems: &mut Vec<String>) -> Option<Value> {
    let value: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(e) => {
            problems.push(format!("{field} is not JSON: {e}"));
            return None;
        }
    };
    if !value.is_object() && !value.is_boolean() {
        problems.push(format!("{field} must be a JSON Schema object"));
        return None;
    }
    if let Err(e) = jsonschema::meta::validate(&value) {
        problems.push(format!("{field} is not a valid JSON Schema: {e}"));
        return None;
    }
    if let Err(e) = jsonschema::validator_for(&value) {
        problems.push(format!("{field} cannot be compiled: {e}"));
        return None;
    }
    Some(value)
}

fn valid_id(id: &str) -> bool {
    (2..=128).contains(&id.len())
        && id.split('.').all(|part| {
            !part.is_empty()
                && part
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
        })
}

fn valid_outcome(name: &str) -> bool {
    (1..=64).contains(&name.len())
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_')
}

fn valid_host_pattern(p: &str) -> bool {
    if p == "*" {
        return true;
    }
    let host = p.strip_prefix("*.").unwrap_or(p);
    !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|label| {
            !label.is_empty()
                && label.len() <= 63
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> wit::Manifest {
        wit::Manifest {
            id: "acme.sms.send".into(),
            name: "Send SMS".into(),
            description: "Sends a text".into(),
            version: "1.2.3".into(),
            category: wit::Category::Communication,
            icon: "sms".into(),
            input_schema: r#"{"type":"object"}"#.into(),
            output_schema: r#"{"type":"object"}"#.into(),
            outcomes: vec![wit::OutcomeSpec {
                name: "sent".into(),
                label: "Sent".into(),
            }],
            capabilities: vec![wit::Capability::Http("api.twilio.com".into())],
        }
    }

    #[test]
    fn a_good_manifest_converts() {
        let m = PluginManifest::from_wit(sample()).unwrap();
        assert_eq!(m.category, "communication");
        assert_eq!(
            m.capabilities,
            vec![Capability::Http("api.twilio.com".into())]
        );
        assert!(m.has_outcome("sent"));
    }

    #[test]
    fn every_problem_is_reported() {
        let mut bad = sample();
        bad.id = "Not An Id".into();
        bad.version = "one".into();
        bad.input_schema = "{".into();
        bad.output_schema = r#"{"type": 12}"#.into();
        bad.outcomes.clear();
        let err = PluginManifest::from_wit(bad).unwrap_err();
        assert!(err.contains("id `Not An Id`"), "{err}");
        assert!(err.contains("version `one`"), "{err}");
        assert!(err.contains("input-schema is not JSON"), "{err}");
        assert!(
            err.contains("output-schema is not a valid JSON Schema"),
            "{err}"
        );
        assert!(err.contains("at least one outcome"), "{err}");
    }

    #[test]
    fn capabilities_parse_from_cli_words() {
        assert_eq!(
            "http:api.example.com".parse(),
            Ok(Capability::Http("api.example.com".into()))
        );
        assert_eq!(
            "secret:TOKEN".parse(),
            Ok(Capability::Secret("TOKEN".into()))
        );
        assert_eq!("crm:write".parse(), Ok(Capability::CrmWrite));
        assert_eq!("kv".parse(), Ok(Capability::Kv));
        assert!("disk".parse::<Capability>().is_err());
    }
}
