//! The Twilio Messages API, shared by `atlas.sms.send` and
//! `atlas.whatsapp.send`: one input document, one request, one error mapping.
//!
//! Install settings (secrets entered by an org admin): `twilio_account_sid`
//! and `twilio_auth_token`; optionally `twilio_base_url` for a regional
//! endpoint or a proxy, and `twilio_status_callback_url` for delivery
//! receipts recorded against the step (see [`status_callback`]). Before
//! sending, the contact's consent to the channel is checked with the CRM
//! (see `provider_common::consent`). Test mode checks the input and sends
//! nothing. Twilio's Messages API takes no idempotency key, so none is sent.

mod api;
mod form;
mod input;
mod message;
mod output;
pub mod status_callback;

use atlas_sdk::crm;
use atlas_sdk::{ActionError, Capability, Context, Manifest, Outcome};
use provider_common::consent::require_consent;
use provider_common::host_failure::request_failure;
use provider_common::install::{base_url, optional_secret, required_secret};

pub use input::MessageInput;
pub use message::Channel;
pub use output::MessageOutput;

/// The outcome of every successful run.
pub const SENT: &str = "sent";
/// The API's base URL.
pub const DEFAULT_BASE_URL: &str = "https://api.twilio.com";
/// The secret holding the account SID (`AC...`).
pub const ACCOUNT_SID_SECRET: &str = "twilio_account_sid";
/// The secret holding the auth token.
pub const AUTH_TOKEN_SECRET: &str = "twilio_auth_token";
/// The optional install setting that replaces [`DEFAULT_BASE_URL`].
pub const BASE_URL_SETTING: &str = "twilio_base_url";

/// Adds what a Twilio action needs to `manifest`: its outcome, HTTP, its
/// secrets and CRM reads for the consent check.
pub fn with_requirements(manifest: Manifest) -> Manifest {
    manifest
        .outcome(SENT, "Sent")
        .capability(Capability::Http("*".into()))
        .capability(Capability::Secret(ACCOUNT_SID_SECRET.into()))
        .capability(Capability::Secret(AUTH_TOKEN_SECRET.into()))
        .capability(Capability::Secret(BASE_URL_SETTING.into()))
        .capability(Capability::Secret(
            status_callback::STATUS_CALLBACK_SETTING.into(),
        ))
        .capability(Capability::CrmRead)
}

/// Sends the message of `input` on `channel`.
pub fn send(
    ctx: &Context,
    input: MessageInput,
    channel: Channel,
) -> Result<Outcome<MessageOutput>, ActionError> {
    let mut message = message::Message::from_input(&input, channel)?;
    if ctx.test_mode {
        atlas_sdk::info!("test mode: not sending to {}", message.to);
        return Ok(Outcome::new(
            SENT,
            MessageOutput {
                sid: None,
                status: None,
                to: message.to,
                skipped: true,
            },
        ));
    }
    require_consent(
        ctx,
        match channel {
            Channel::Sms => crm::Channel::Sms,
            Channel::Whatsapp => crm::Channel::Whatsapp,
        },
    )?;
    let account_sid = required_secret(ACCOUNT_SID_SECRET)?;
    let auth_token = required_secret(AUTH_TOKEN_SECRET)?;
    let base = base_url(BASE_URL_SETTING, DEFAULT_BASE_URL)?;
    if message.status_callback.is_none()
        && let Some(setting) = optional_secret(status_callback::STATUS_CALLBACK_SETTING)?
    {
        message.status_callback = Some(status_callback::for_step(&setting, ctx)?);
    }
    let mut request = api::request(&message, &base, &account_sid, &auth_token);
    if let Some(timeout_ms) = input.timeout_ms {
        request = request.timeout_ms(timeout_ms);
    }
    let response = request
        .send()
        .map_err(|error| request_failure(&base, error))?;
    let created = api::created(&response, ctx.now_unix_ms)?;
    atlas_sdk::info!(
        "Twilio created message {} ({})",
        created.sid,
        created.status
    );
    Ok(Outcome::new(
        SENT,
        MessageOutput {
            sid: Some(created.sid),
            status: Some(created.status),
            to: message.to,
            skipped: false,
        },
    ))
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn test_mode_checks_the_input_and_sends_nothing() {
        let ctx = Context {
            test_mode: true,
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        };
        let input: MessageInput = serde_json::from_value(
            json!({"to": "+447700900123", "from": "+15005550006", "body": "Hi"}),
        )
        .unwrap();
        let outcome = send(&ctx, input, Channel::Whatsapp).unwrap();
        assert_eq!(outcome.name, "sent");
        assert_eq!(
            outcome.output,
            MessageOutput {
                sid: None,
                status: None,
                to: "whatsapp:+447700900123".into(),
                skipped: true
            }
        );
    }
}
