//! `atlas.booking.create`: books the contact into a scheduled class.
//!
//! Two outcomes: `booked`, and `full` when the class has no seat left (the
//! CRM answers `limit` for exactly that), so a workflow can branch to a
//! waitlist path instead of failing. An unknown class or contact, a class
//! that is over, or a contact already booked into it are errors.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, HostError, Manifest, Outcome};
use crm_common::{Access, crm_failure, required, resolve_contact_id};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The contact has a seat.
const BOOKED: &str = "booked";
/// The class had no seat left; nothing was booked.
const FULL: &str = "full";

/// The class to book.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CreateBookingInput {
    /// The scheduled class: `{{trigger.class_id}}`.
    pub class_id: String,
    /// The contact to book; the run's contact when left out.
    #[serde(default)]
    pub contact_id: Option<String>,
}

/// The booking, or why there is none.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct CreateBookingOutput {
    /// The new booking's id; `null` when the class was full.
    pub booking_id: Option<String>,
    /// The class.
    pub class_id: String,
    /// The contact.
    pub contact_id: String,
}

/// The booking action.
pub struct CreateBooking;

impl Action for CreateBooking {
    type Input = CreateBookingInput;
    type Output = CreateBookingOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.booking.create",
            "Book class",
            env!("CARGO_PKG_VERSION"),
        )
        .description(
            "Books the contact into a class; follows the Full edge when no seat is left, \
             for a waitlist path.",
        )
        .category(Category::Scheduling)
        .icon("calendar-plus")
        .outcome(BOOKED, "Booked")
        .outcome(FULL, "Class full")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        ctx: &Context,
        input: CreateBookingInput,
    ) -> Result<Outcome<CreateBookingOutput>, ActionError> {
        let class_id = required("class_id", &input.class_id)?.to_owned();
        let contact_id = resolve_contact_id(ctx, input.contact_id.as_deref())?;
        let booked = crm::create_booking(&contact_id, &class_id);
        outcome(booked, class_id, contact_id)
    }
}

/// The outcome for the CRM's answer to the booking.
fn outcome(
    booked: Result<String, HostError>,
    class_id: String,
    contact_id: String,
) -> Result<Outcome<CreateBookingOutput>, ActionError> {
    let (name, booking_id) = match booked {
        Ok(booking_id) => (BOOKED, Some(booking_id)),
        Err(HostError::Limit(message)) => {
            atlas_sdk::info!("not booked: {message}");
            (FULL, None)
        }
        Err(error) => return Err(crm_failure(Access::Write, error)),
    };
    Ok(Outcome::new(
        name,
        CreateBookingOutput {
            booking_id,
            class_id,
            contact_id,
        },
    ))
}

atlas_sdk::export_action!(CreateBooking);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn manifest_declares_booked_and_full() {
        let manifest = atlas_sdk::export::manifest::<CreateBooking>();
        assert_eq!(manifest.id, "atlas.booking.create");
        assert_eq!(manifest.category, Category::Scheduling);
        let outcomes: Vec<&str> = manifest.outcomes.iter().map(|o| o.name.as_str()).collect();
        assert_eq!(outcomes, [BOOKED, FULL]);
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
    }

    #[test]
    fn a_full_class_is_an_outcome_other_failures_are_errors() {
        let booked = outcome(Ok("b_1".into()), "k".into(), "c".into()).unwrap();
        assert_eq!(booked.name, BOOKED);
        assert_eq!(booked.output.booking_id.as_deref(), Some("b_1"));

        let full = outcome(
            Err(HostError::Limit("class `k` is full".into())),
            "k".into(),
            "c".into(),
        )
        .unwrap();
        assert_eq!(full.name, FULL);
        assert_eq!(full.output.booking_id, None);

        let over = outcome(
            Err(HostError::Invalid("class `k` is over".into())),
            "k".into(),
            "c".into(),
        );
        assert_eq!(
            over.unwrap_err(),
            ActionError::invalid_input("class `k` is over")
        );
        let missing = outcome(
            Err(HostError::NotFound("class `k` does not exist".into())),
            "k".into(),
            "c".into(),
        );
        assert_eq!(
            missing.unwrap_err(),
            ActionError::fatal("class `k` does not exist")
        );
    }

    #[test]
    fn a_blank_class_is_invalid_input() {
        let input = serde_json::from_value(json!({ "class_id": "", "contact_id": "c_1" })).unwrap();
        assert_eq!(
            CreateBooking::execute(&Context::default(), input).unwrap_err(),
            ActionError::invalid_input("class_id must not be empty")
        );
    }
}
