//! The contact an action acts on.
//!
//! An explicit `contact_id` input wins; without one the action acts on the
//! contact the run is about (the `id` of the context's contact snapshot).
//! A run with neither has nobody to act on: an invalid-input error.

use atlas_sdk::{ActionError, Context};

/// The contact id from `explicit` (the action's `contact_id` input) or else
/// from the run's contact.
///
/// An explicit id that is blank (a template that rendered empty) is an
/// error rather than a silent fall-back to the run's contact.
pub fn resolve_contact_id(ctx: &Context, explicit: Option<&str>) -> Result<String, ActionError> {
    if let Some(explicit) = explicit {
        let id = explicit.trim();
        if id.is_empty() {
            return Err(ActionError::invalid_input(
                "contact_id is empty; leave it out to use the run's contact",
            ));
        }
        return Ok(id.to_owned());
    }
    run_contact_id(ctx).ok_or_else(|| {
        ActionError::invalid_input(
            "no contact: this run is not about a contact and the input names none (contact_id)",
        )
    })
}

/// The `id` of the run's contact snapshot, when there is one.
pub fn run_contact_id(ctx: &Context) -> Option<String> {
    let contact = ctx.contact()?;
    let id = contact.get("id")?.as_str()?.trim();
    (!id.is_empty()).then(|| id.to_owned())
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
    fn the_run_contact_is_the_default() {
        let ctx = context(Some(r#"{"id":"c_1","first_name":"Ada"}"#));
        assert_eq!(resolve_contact_id(&ctx, None), Ok("c_1".into()));
    }

    #[test]
    fn an_explicit_id_wins_and_is_trimmed() {
        let ctx = context(Some(r#"{"id":"c_1"}"#));
        assert_eq!(resolve_contact_id(&ctx, Some(" c_2 ")), Ok("c_2".into()));
        assert_eq!(
            resolve_contact_id(&context(None), Some("c_2")),
            Ok("c_2".into())
        );
    }

    #[test]
    fn a_blank_explicit_id_does_not_fall_back() {
        let ctx = context(Some(r#"{"id":"c_1"}"#));
        assert!(matches!(
            resolve_contact_id(&ctx, Some("  ")),
            Err(ActionError::InvalidInput(message)) if message.starts_with("contact_id is empty")
        ));
    }

    #[test]
    fn no_contact_at_all_is_invalid_input() {
        for snapshot in [
            None,
            Some(r#"{"first_name":"Ada"}"#),
            Some(r#"{"id":" "}"#),
            Some(r#"{"id":7}"#),
            Some("not json"),
        ] {
            let error = resolve_contact_id(&context(snapshot), None).unwrap_err();
            assert!(
                matches!(&error, ActionError::InvalidInput(message) if message.starts_with("no contact")),
                "{snapshot:?}: {error:?}"
            );
        }
    }
}
