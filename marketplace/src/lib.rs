//! The marketplace's pure parts, shared by the server and the partner CLI.
//!
//! - [`signing`]: publisher keys (ed25519), key ids and detached signatures.
//! - [`blobs`]: components stored by their sha256, in a directory opened with cap-std.
//! - [`checks`]: the named publish checks and the rejection each failure gives.
//! - [`versions`]: a new version must be semver and greater than the last.
//! - [`schema_diff`]: which workflow nodes a new input schema would break.
//! - [`branding`]: a reseller's branded view of an action.

pub mod blobs;
pub mod branding;
pub mod checks;
pub mod schema_diff;
pub mod signing;
pub mod versions;

pub use blobs::BlobStore;
pub use branding::Branding;
pub use checks::{PublishCheck, Rejection};
pub use schema_diff::{SchemaBreak, input_breaks};
pub use signing::{KeyFile, SignatureFile, key_id, verify_signature};
pub use versions::check_newer;
