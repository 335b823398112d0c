//! The marketplace's tables: publishers and keys, published versions,
//! installs, and resellers' sub-accounts, branding and preinstalls.
//! Catalog rows are shared by every org; installs and sub-accounts are
//! always read for one org.

mod installs;
mod publishers;
mod resellers;
mod versions;

pub use installs::{InstallRecord, InstallStatus};
pub use publishers::{PublisherKeyRecord, PublisherKind, PublisherRecord};
pub use resellers::{PreinstallRecord, ResellerBrand};
pub use versions::{NewPluginVersion, PluginVersionRecord, ReviewStatus};
