//! `atlas.email.send`: sends an email through SendGrid or Postmark.
//!
//! Install settings (secrets entered by an org admin): `sendgrid_api_key`
//! and/or `postmark_server_token`; optionally `sendgrid_base_url` or
//! `postmark_base_url` to reach a regional endpoint or a proxy. The input may
//! name the provider; otherwise SendGrid is used when its key is set, else
//! Postmark. The optional `sendgrid_webhook_verification_key` is read by the
//! host, not the action: it verifies SendGrid's signed event webhook, whose
//! events are recorded against the step that sent the message. Before
//! sending, the contact's consent to email is checked with the CRM (see
//! `provider_common::consent`). Test mode checks the input and sends nothing.

mod email;
mod input;
mod output;
mod postmark;
mod sendgrid;

use atlas_sdk::crm::Channel;
use atlas_sdk::http::Request;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use provider_common::consent::require_consent;
use provider_common::host_failure::request_failure;
use provider_common::install::{base_url, optional_secret, required_secret};

use crate::email::Email;
use crate::input::{EmailInput, Provider};
use crate::output::EmailOutput;

/// The outcome of every successful run.
const SENT: &str = "sent";

/// The email action.
pub struct SendEmail;

impl Action for SendEmail {
    type Input = EmailInput;
    type Output = EmailOutput;

    fn manifest() -> Manifest {
        Manifest::new("atlas.email.send", "Send email", env!("CARGO_PKG_VERSION"))
            .description(
                "Sends an email through SendGrid or Postmark to a contact who consented to email.",
            )
            .category(Category::Communication)
            .icon("mail")
            .outcome(SENT, "Sent")
            .capability(Capability::Http("*".into()))
            .capability(Capability::Secret(sendgrid::API_KEY_SECRET.into()))
            .capability(Capability::Secret(sendgrid::BASE_URL_SETTING.into()))
            .capability(Capability::Secret(
                sendgrid::WEBHOOK_VERIFICATION_KEY_SETTING.into(),
            ))
            .capability(Capability::Secret(postmark::TOKEN_SECRET.into()))
            .capability(Capability::Secret(postmark::BASE_URL_SETTING.into()))
            .capability(Capability::CrmRead)
    }

    fn execute(ctx: &Context, input: EmailInput) -> Result<Outcome<EmailOutput>, ActionError> {
        let email = Email::from_input(&input)?;
        if ctx.test_mode {
            atlas_sdk::info!(
                "test mode: not sending \"{}\" to {}",
                email.subject,
                email.to.join(", ")
            );
            return Ok(Outcome::new(
                SENT,
                EmailOutput {
                    provider: input.provider.map(|p| p.as_str().to_owned()),
                    message_id: None,
                    skipped: true,
                },
            ));
        }
        require_consent(ctx, Channel::Email)?;

        let (provider, credential) = provider_and_credential(input.provider)?;
        let (mut request, url) = match provider {
            Provider::Sendgrid => {
                let base = base_url(sendgrid::BASE_URL_SETTING, sendgrid::DEFAULT_BASE_URL)?;
                let request = sendgrid::request(&email, &base, &credential, ctx);
                (request, base)
            }
            Provider::Postmark => {
                let base = base_url(postmark::BASE_URL_SETTING, postmark::DEFAULT_BASE_URL)?;
                let request = postmark::request(&email, &base, &credential, &ctx.idempotency_key);
                (request, base)
            }
        };
        if let Some(timeout_ms) = input.timeout_ms {
            request = request.timeout_ms(timeout_ms);
        }
        let response = send(request, &url)?;
        let message_id = match provider {
            Provider::Sendgrid => sendgrid::message_id(&response, ctx.now_unix_ms),
            Provider::Postmark => postmark::message_id(&response, ctx.now_unix_ms),
        }?;
        atlas_sdk::info!("{} accepted message {message_id}", provider.as_str());
        Ok(Outcome::new(
            SENT,
            EmailOutput {
                provider: Some(provider.as_str().to_owned()),
                message_id: Some(message_id),
                skipped: false,
            },
        ))
    }
}

/// The provider to use and its credential: the named one, or the first whose
/// credential was entered at install.
fn provider_and_credential(named: Option<Provider>) -> Result<(Provider, String), ActionError> {
    match named {
        Some(Provider::Sendgrid) => Ok((
            Provider::Sendgrid,
            required_secret(sendgrid::API_KEY_SECRET)?,
        )),
        Some(Provider::Postmark) => {
            Ok((Provider::Postmark, required_secret(postmark::TOKEN_SECRET)?))
        }
        None => {
            if let Some(key) = optional_secret(sendgrid::API_KEY_SECRET)? {
                return Ok((Provider::Sendgrid, key));
            }
            if let Some(token) = optional_secret(postmark::TOKEN_SECRET)? {
                return Ok((Provider::Postmark, token));
            }
            Err(ActionError::fatal(format!(
                "no email provider is set up: enter `{}` or `{}` when installing the action",
                sendgrid::API_KEY_SECRET,
                postmark::TOKEN_SECRET
            )))
        }
    }
}

fn send(request: Request, base_url: &str) -> Result<atlas_sdk::http::Response, ActionError> {
    request
        .send()
        .map_err(|error| request_failure(base_url, error))
}

atlas_sdk::export_action!(SendEmail);

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::*;

    fn test_mode_context() -> Context {
        Context {
            test_mode: true,
            contact_json: Some(r#"{"id":"c_1"}"#.into()),
            ..Context::default()
        }
    }

    fn input(value: Value) -> EmailInput {
        serde_json::from_value(value).unwrap()
    }

    #[test]
    fn manifest_requests_http_secrets_and_crm_read() {
        let manifest = atlas_sdk::export::manifest::<SendEmail>();
        assert_eq!(manifest.id, "atlas.email.send");
        assert_eq!(manifest.category, Category::Communication);
        assert_eq!(manifest.outcomes[0].name, "sent");
        assert!(
            manifest
                .capabilities
                .iter()
                .any(|c| matches!(c, Capability::CrmRead))
        );
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["required"], json!(["from", "to", "subject"]));
    }

    #[test]
    fn test_mode_checks_the_input_and_sends_nothing() {
        let outcome = SendEmail::execute(
            &test_mode_context(),
            input(json!({"provider": "postmark", "from": "s@gym.example", "to": "a@example.com", "subject": "Hi", "text": "x"})),
        )
        .unwrap();
        assert_eq!(outcome.name, "sent");
        assert_eq!(
            outcome.output,
            EmailOutput {
                provider: Some("postmark".into()),
                message_id: None,
                skipped: true
            }
        );

        let error = SendEmail::execute(
            &test_mode_context(),
            input(json!({"from": "s@gym.example", "to": "a@example.com", "subject": "Hi"})),
        )
        .unwrap_err();
        assert!(matches!(error, ActionError::InvalidInput(_)), "{error}");
    }
}
