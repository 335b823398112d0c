//! A version signed by a key its publisher revoked is no longer trusted: it
//! cannot be approved, and no org can newly install it (installs made before
//! the revocation stay until an admin removes them or the platform kills the
//! version).

use super::Marketplace;
use crate::store::marketplace::PluginVersionRecord;

impl Marketplace {
    /// When the key that signed `record` was revoked (ms), or `None` while it
    /// is in force.
    pub async fn signing_key_revoked_at(
        &self,
        record: &PluginVersionRecord,
    ) -> anyhow::Result<Option<i64>> {
        Ok(self
            .store
            .publisher_key(&record.key_id)
            .await?
            .and_then(|key| key.revoked_at))
    }
}
