//! The consent check every messaging action makes before it sends.
//!
//! When the run is about a contact (the context carries a contact snapshot
//! with an `id`), the action asks the CRM whether that contact consented to
//! the channel: no consent is the fatal `no_consent` error; a CRM that cannot
//! answer stops the send too (`consent_unchecked`, retried when the CRM is
//! unavailable or slow). A run without a contact (a message to staff, a
//! manual test) has nobody whose consent applies and skips the check.

use atlas_sdk::crm::{self, Channel};
use atlas_sdk::{Context, HostError};

use crate::SendError;

/// Checks the run's contact's consent to `channel` with the CRM.
pub fn require_consent(ctx: &Context, channel: Channel) -> Result<(), SendError> {
    let contact_id = contact_id(ctx);
    check_consent(contact_id.as_deref(), channel, crm::has_consent)
}

/// The id of the contact the run is about, from the context's snapshot.
pub fn contact_id(ctx: &Context) -> Option<String> {
    let contact = ctx.contact()?;
    let id = contact.get("id")?.as_str()?.trim();
    (!id.is_empty()).then(|| id.to_owned())
}

/// The consent rule, with the CRM call passed in.
pub fn check_consent(
    contact_id: Option<&str>,
    channel: Channel,
    has_consent: impl FnOnce(&str, Channel) -> Result<bool, HostError>,
) -> Result<(), SendError> {
    let Some(contact_id) = contact_id else {
        atlas_sdk::debug!("no contact in this run: no consent to check");
        return Ok(());
    };
    let channel_name = channel_name(channel);
    match has_consent(contact_id, channel) {
        Ok(true) => Ok(()),
        Ok(false) => Err(SendError::NoConsent {
            contact_id: contact_id.to_owned(),
            channel: channel_name,
        }),
        Err(cause) => Err(SendError::ConsentUnchecked {
            contact_id: contact_id.to_owned(),
            channel: channel_name,
            cause,
        }),
    }
}

/// The channel's name in messages.
pub fn channel_name(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "email",
        Channel::Sms => "sms",
        Channel::Whatsapp => "whatsapp",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context(contact_json: Option<&str>) -> Context {
        Context {
            contact_json: contact_json.map(str::to_owned),
            ..Context::default()
        }
    }

    #[test]
    fn the_contact_id_comes_from_the_snapshot() {
        assert_eq!(
            contact_id(&context(Some(r#"{"id":"c_1","first_name":"Ada"}"#))),
            Some("c_1".into())
        );
        assert_eq!(contact_id(&context(None)), None);
        assert_eq!(contact_id(&context(Some(r#"{"first_name":"Ada"}"#))), None);
        assert_eq!(contact_id(&context(Some(r#"{"id":"  "}"#))), None);
        assert_eq!(contact_id(&context(Some(r#"{"id":7}"#))), None);
    }

    #[test]
    fn without_a_contact_the_crm_is_not_asked() {
        let result = check_consent(None, Channel::Sms, |_, _| unreachable!());
        assert_eq!(result, Ok(()));
    }

    #[test]
    fn the_crm_answer_decides() {
        let mut asked = None;
        let result = check_consent(Some("c_1"), Channel::Whatsapp, |id, channel| {
            asked = Some((id.to_owned(), channel));
            Ok(true)
        });
        assert_eq!(result, Ok(()));
        assert_eq!(asked, Some(("c_1".to_owned(), Channel::Whatsapp)));

        let result = check_consent(Some("c_1"), Channel::Email, |_, _| Ok(false));
        assert_eq!(
            result,
            Err(SendError::NoConsent {
                contact_id: "c_1".into(),
                channel: "email"
            })
        );

        let result = check_consent(Some("c_1"), Channel::Sms, |_, _| {
            Err(HostError::Unavailable("crm".into()))
        });
        assert_eq!(result.unwrap_err().code(), "consent_unchecked");
    }
}
