//! What plugin HTTP answers in a test run: nothing is sent. Every check a real
//! request gets (grant, address guard, sizes, the per-run request count) runs
//! first; then, instead of the network, the host answers `200` with the
//! header `x-atlas-dry-run: true` and the body `{"dry_run":true}`, and writes
//! a log line naming what would have been sent, so the step log shows it.
//!
//! `atlas plugin test` scripts are the exception: a scripted transport never
//! reaches the network, so it answers as the script says.

use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::http::Response;
use crate::runtime::denials::truncate;

/// The header every dry-run response carries.
pub const DRY_RUN_HEADER: &str = "x-atlas-dry-run";

/// The body of every dry-run response.
pub const DRY_RUN_BODY: &[u8] = br#"{"dry_run":true}"#;

impl RunState {
    /// Records the request that a test run did not send and answers it.
    pub(crate) fn dry_run_response(
        &mut self,
        method: &str,
        url: &str,
        body_bytes: usize,
    ) -> Response {
        self.log.push(
            "info",
            format!(
                "test run: {method} {} not sent ({body_bytes} byte body); answered 200 dry run",
                truncate(url, 512)
            ),
            self.limits.log_bytes,
        );
        Response {
            status: 200,
            headers: vec![
                (DRY_RUN_HEADER.to_string(), "true".to_string()),
                ("content-type".to_string(), "application/json".to_string()),
            ],
            body: DRY_RUN_BODY.to_vec(),
        }
    }
}
