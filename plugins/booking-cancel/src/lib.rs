//! `atlas.booking.cancel`: cancels a class booking, freeing its seat, with an
//! optional reason the CRM keeps. The CRM fires `booking_cancelled` (late
//! when close to the class). A booking already cancelled or attended is an
//! error that names it.

use atlas_sdk::crm;
use atlas_sdk::{Action, ActionError, Capability, Category, Context, Manifest, Outcome};
use crm_common::{Access, crm_failure, required};
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// The outcome of every successful run.
const CANCELLED: &str = "cancelled";

/// The booking to cancel.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct CancelBookingInput {
    /// The booking: `{{trigger.booking_id}}`.
    pub booking_id: String,
    /// Why, kept on the booking: "membership lapsed".
    #[serde(default)]
    pub reason: Option<String>,
}

/// The cancelled booking.
#[derive(Debug, PartialEq, Serialize, JsonSchema)]
pub struct CancelBookingOutput {
    /// The booking.
    pub booking_id: String,
}

/// The cancel-booking action.
pub struct CancelBooking;

impl Action for CancelBooking {
    type Input = CancelBookingInput;
    type Output = CancelBookingOutput;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.booking.cancel",
            "Cancel booking",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Cancels a class booking and frees its seat.")
        .category(Category::Scheduling)
        .icon("calendar-x")
        .outcome(CANCELLED, "Cancelled")
        .capability(Capability::CrmWrite)
    }

    fn execute(
        _ctx: &Context,
        input: CancelBookingInput,
    ) -> Result<Outcome<CancelBookingOutput>, ActionError> {
        let booking_id = required("booking_id", &input.booking_id)?.to_owned();
        let reason = input
            .reason
            .as_deref()
            .map(str::trim)
            .filter(|reason| !reason.is_empty());
        crm::cancel_booking(&booking_id, reason)
            .map_err(|error| crm_failure(Access::Write, error))?;
        Ok(Outcome::new(CANCELLED, CancelBookingOutput { booking_id }))
    }
}

atlas_sdk::export_action!(CancelBooking);

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn manifest_requests_crm_write() {
        let manifest = atlas_sdk::export::manifest::<CancelBooking>();
        assert_eq!(manifest.id, "atlas.booking.cancel");
        assert_eq!(manifest.outcomes[0].name, "cancelled");
        assert!(matches!(&manifest.capabilities[..], [Capability::CrmWrite]));
    }

    #[test]
    fn a_blank_booking_is_invalid_input() {
        let input = serde_json::from_value(json!({ "booking_id": " " })).unwrap();
        assert_eq!(
            CancelBooking::execute(&Context::default(), input).unwrap_err(),
            ActionError::invalid_input("booking_id must not be empty")
        );
    }
}
