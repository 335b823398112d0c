//! `atlas.sms.send`: sends a text message through Twilio to a contact who
//! consented to SMS. The request, install settings and errors are the
//! `twilio` crate's.

use atlas_sdk::{Action, ActionError, Category, Context, Manifest, Outcome};
use twilio::{Channel, MessageInput, MessageOutput};

/// The SMS action.
pub struct SendSms;

impl Action for SendSms {
    type Input = MessageInput;
    type Output = MessageOutput;

    fn manifest() -> Manifest {
        twilio::with_requirements(
            Manifest::new("atlas.sms.send", "Send SMS", env!("CARGO_PKG_VERSION"))
                .description(
                    "Sends a text message through Twilio to a contact who consented to SMS.",
                )
                .category(Category::Communication)
                .icon("message-square"),
        )
    }

    fn execute(ctx: &Context, input: MessageInput) -> Result<Outcome<MessageOutput>, ActionError> {
        twilio::send(ctx, input, Channel::Sms)
    }
}

atlas_sdk::export_action!(SendSms);

#[cfg(test)]
mod tests {
    use atlas_sdk::Capability;
    use serde_json::{Value, json};

    use super::*;

    #[test]
    fn manifest_declares_id_outcome_and_capabilities() {
        let manifest = atlas_sdk::export::manifest::<SendSms>();
        assert_eq!(manifest.id, "atlas.sms.send");
        assert_eq!(manifest.outcomes[0].name, "sent");
        assert!(
            manifest
                .capabilities
                .iter()
                .any(|c| matches!(c, Capability::Secret(s) if s == "twilio_auth_token"))
        );
        let input: Value = serde_json::from_str(&manifest.input_schema).unwrap();
        assert_eq!(input["required"], json!(["to"]));
    }
}
