//! `atlas.test.flood`: repeats one host call `count` times with an argument of
//! `arg_bytes` bytes, and reports how each kind of answer was counted. It
//! requests kv, crm-write, one secret and ai, so a run without grants is
//! refused at the grant check and a run with them reaches the per-run budgets.

use std::collections::BTreeMap;

use atlas_sdk::{
    Action, ActionError, Capability, Context, HostError, Manifest, Outcome, ai, crm, kv, log,
    secrets,
};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The call to repeat.
#[derive(Debug, Clone, Copy, Deserialize, JsonSchema)]
#[serde(rename_all = "snake_case")]
pub enum Op {
    /// `kv::get(key)`.
    KvGet,
    /// `kv::set(key + n, "v")`: a new key on every call.
    KvSet,
    /// `secrets::get(name)`.
    Secret,
    /// `crm::add-tag(contact, tag)`; the argument is the tag.
    AddTag,
    /// `crm::has-consent(contact, sms)`; the argument is not used.
    HasConsent,
    /// `logging::log(info, message)`.
    Log,
    /// `ai::complete` with the argument as the prompt.
    AiComplete,
}

/// What to repeat.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct Input {
    /// The call.
    pub op: Op,
    /// How many times.
    pub count: u32,
    /// Size of the call's argument in bytes (a key, tag, name or message).
    pub arg_bytes: u32,
    /// The contact the CRM calls name.
    #[serde(default)]
    pub contact: String,
}

/// How many calls ended in each way, by host-error kind (`ok` for success).
#[derive(Debug, Serialize, JsonSchema)]
pub struct Tally {
    /// Counts by kind.
    pub answers: BTreeMap<String, u32>,
    /// The last error message the host returned, if any.
    pub last_message: Option<String>,
}

/// The flood.
pub struct Flood;

fn kind(error: &HostError) -> (&'static str, String) {
    match error {
        HostError::Denied(m) => ("denied", m.clone()),
        HostError::Unavailable(m) => ("unavailable", m.clone()),
        HostError::Invalid(m) => ("invalid", m.clone()),
        HostError::NotFound(m) => ("not_found", m.clone()),
        HostError::Limit(m) => ("limit", m.clone()),
        HostError::Timeout(m) => ("timeout", m.clone()),
        HostError::Failed(m) => ("failed", m.clone()),
    }
}

impl Action for Flood {
    type Input = Input;
    type Output = Tally;

    fn manifest() -> Manifest {
        Manifest::new("atlas.test.flood", "Test: flood", env!("CARGO_PKG_VERSION"))
            .description("Repeats one host call with an argument of a chosen size.")
            .outcome("done", "Done")
            .capability(Capability::Kv)
            .capability(Capability::CrmWrite)
            .capability(Capability::Secret("token".into()))
            .capability(Capability::Ai)
    }

    fn execute(_ctx: &Context, input: Input) -> Result<Outcome<Tally>, ActionError> {
        let arg = "k".repeat(input.arg_bytes as usize);
        let mut answers = BTreeMap::new();
        let mut last_message = None;
        for n in 0..input.count {
            let result = match input.op {
                Op::KvGet => kv::get(&arg).map(|_| ()),
                Op::KvSet => kv::set(&format!("{arg}{n}"), b"v"),
                Op::Secret => secrets::get(&arg).map(|_| ()),
                Op::AddTag => crm::add_tag(&input.contact, &arg),
                Op::HasConsent => crm::has_consent(&input.contact, crm::Channel::Sms).map(|_| ()),
                Op::Log => {
                    log::info(&arg);
                    Ok(())
                }
                Op::AiComplete => ai::complete_prompt(&arg).map(|_| ()),
            };
            let key = match result {
                Ok(()) => "ok",
                Err(error) => {
                    let (kind, message) = kind(&error);
                    last_message = Some(message);
                    kind
                }
            };
            *answers.entry(key.to_string()).or_insert(0) += 1;
        }
        Ok(Outcome::new(
            "done",
            Tally {
                answers,
                last_message,
            },
        ))
    }
}

atlas_sdk::export_action!(Flood);
