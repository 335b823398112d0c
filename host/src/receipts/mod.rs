//! Delivery receipts from messaging providers, before they reach the store:
//! verifying that a provider sent them (Twilio's `X-Twilio-Signature`,
//! SendGrid's signed event webhook) and reading them into receipts with one
//! status vocabulary. Pure: no I/O; the API routes and the store do the rest.

pub mod sendgrid_events;
pub mod sendgrid_signature;
pub mod status;
pub mod twilio_callback;
pub mod twilio_signature;
