//! `atlas.whatsapp.send`: sends a WhatsApp message through Twilio to a
//! contact who consented to WhatsApp: free text inside the 24-hour session
//! window, an approved Content template (`content_sid`) outside it. The
//! request, install settings and errors are the `twilio` crate's.

use atlas_sdk::{Action, ActionError, Category, Context, Manifest, Outcome};
use twilio::{Channel, MessageInput, MessageOutput};

/// The WhatsApp action.
pub struct SendWhatsapp;

impl Action for SendWhatsapp {
    type Input = MessageInput;
    type Output = MessageOutput;

    fn manifest() -> Manifest {
        twilio::with_requirements(
            Manifest::new(
                "atlas.whatsapp.send",
                "Send WhatsApp message",
                env!("CARGO_PKG_VERSION"),
            )
            .description(
                "Sends a WhatsApp message or approved template through Twilio to a contact \
                 who consented to WhatsApp.",
            )
            .category(Category::Communication)
            .icon("message-circle"),
        )
    }

    fn execute(ctx: &Context, input: MessageInput) -> Result<Outcome<MessageOutput>, ActionError> {
        twilio::send(ctx, input, Channel::Whatsapp)
    }
}

atlas_sdk::export_action!(SendWhatsapp);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_declares_id_and_outcome() {
        let manifest = atlas_sdk::export::manifest::<SendWhatsapp>();
        assert_eq!(manifest.id, "atlas.whatsapp.send");
        assert_eq!(manifest.name, "Send WhatsApp message");
        assert_eq!(manifest.outcomes[0].name, "sent");
    }
}
