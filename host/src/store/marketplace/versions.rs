//! Published action versions: immutable, content-addressed (the bytes live in
//! the blob directory under `sha256`), each with its review state, and
//! possibly yanked (no new installs) or killed (disabled everywhere).

use serde::Serialize;
use serde_json::Value;
use sqlx::Row;
use utoipa::ToSchema;

use super::PublisherKind;
use crate::store::{Store, now_ms, with_pool};

/// Where a version is in review.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReviewStatus {
    /// Waiting for a platform admin.
    Pending,
    /// Visible to orgs (that may see its plugin).
    Approved,
    /// Refused, with a reason.
    Rejected,
}

impl ReviewStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Approved => "approved",
            Self::Rejected => "rejected",
        }
    }

    fn parse(s: &str) -> Self {
        match s {
            "approved" => Self::Approved,
            "rejected" => Self::Rejected,
            _ => Self::Pending,
        }
    }
}

/// A version to record.
#[derive(Debug, Clone)]
pub struct NewPluginVersion<'a> {
    /// Action id.
    pub plugin_id: &'a str,
    /// Semantic version.
    pub version: &'a semver::Version,
    /// Address of the component in the blob directory.
    pub sha256: &'a str,
    /// Component size.
    pub size_bytes: usize,
    /// The WIT version it targets.
    pub wit_version: &'a str,
    /// The manifest as the component returned it.
    pub manifest: &'a Value,
    /// What changed, from the publisher.
    pub changelog: &'a str,
    /// The key that signed it.
    pub key_id: &'a str,
    /// The review state it starts in.
    pub status: ReviewStatus,
    /// The publisher.
    pub publisher_id: &'a str,
    /// The reseller whose sub-accounts alone may see it, for a private plugin.
    pub private_to: Option<&'a str>,
    /// The user who uploaded it.
    pub published_by: &'a str,
}

/// A published version with its plugin's owner and visibility.
#[derive(Debug, Clone, PartialEq, Serialize, ToSchema)]
pub struct PluginVersionRecord {
    /// Action id.
    pub plugin_id: String,
    /// Semantic version.
    pub version: String,
    /// Content address of the component.
    pub sha256: String,
    /// Component size in bytes.
    pub size_bytes: i64,
    /// WIT version it targets.
    pub wit_version: String,
    /// The manifest.
    #[schema(value_type = Object)]
    pub manifest: Value,
    /// What changed.
    pub changelog: String,
    /// Signing key id.
    pub key_id: String,
    /// Review state.
    pub status: ReviewStatus,
    /// Why it was rejected.
    pub review_reason: Option<String>,
    /// Who reviewed it.
    pub reviewed_by: Option<String>,
    /// When it was reviewed.
    pub reviewed_at: Option<i64>,
    /// When it was yanked (no new installs).
    pub yanked_at: Option<i64>,
    /// When the kill switch disabled it everywhere.
    pub killed_at: Option<i64>,
    /// Why it was killed.
    pub kill_reason: Option<String>,
    /// Uploader.
    pub published_by: String,
    /// Upload time.
    pub published_at: i64,
    /// The owning publisher.
    pub publisher_id: String,
    /// The publisher's display name.
    pub publisher_name: String,
    /// Built-in or partner.
    pub publisher_kind: PublisherKind,
    /// Set for a reseller's private plugin: only that reseller and its
    /// sub-accounts see it.
    pub private_to: Option<String>,
}

const VERSION_COLUMNS: &str = "v.plugin_id, v.version, v.sha256, v.size_bytes, v.wit_version, v.manifest, v.changelog, v.key_id, v.status, v.review_reason, v.reviewed_by, v.reviewed_at, v.yanked_at, v.killed_at, v.kill_reason, v.published_by, v.published_at, m.publisher_id, m.private_to, p.name AS publisher_name, p.kind AS publisher_kind";

const VERSION_FROM: &str = "plugin_versions v JOIN marketplace_plugins m ON m.plugin_id = v.plugin_id JOIN publishers p ON p.id = m.publisher_id";

macro_rules! version_from_row {
    ($r:expr) => {{
        let r = $r;
        let manifest: String = r.try_get("manifest")?;
        let status: String = r.try_get("status")?;
        let kind: String = r.try_get("publisher_kind")?;
        PluginVersionRecord {
            plugin_id: r.try_get("plugin_id")?,
            version: r.try_get("version")?,
            sha256: r.try_get("sha256")?,
            size_bytes: r.try_get("size_bytes")?,
            wit_version: r.try_get("wit_version")?,
            manifest: serde_json::from_str(&manifest).unwrap_or(Value::Null),
            changelog: r.try_get("changelog")?,
            key_id: r.try_get("key_id")?,
            status: ReviewStatus::parse(&status),
            review_reason: r.try_get("review_reason")?,
            reviewed_by: r.try_get("reviewed_by")?,
            reviewed_at: r.try_get("reviewed_at")?,
            yanked_at: r.try_get("yanked_at")?,
            killed_at: r.try_get("killed_at")?,
            kill_reason: r.try_get("kill_reason")?,
            published_by: r.try_get("published_by")?,
            published_at: r.try_get("published_at")?,
            publisher_id: r.try_get("publisher_id")?,
            publisher_name: r.try_get("publisher_name")?,
            publisher_kind: if kind == "builtin" {
                PublisherKind::Builtin
            } else {
                PublisherKind::Partner
            },
            private_to: r.try_get("private_to")?,
        }
    }};
}

impl PluginVersionRecord {
    /// The capabilities its manifest requests.
    pub fn requested(&self) -> Vec<crate::runtime::Capability> {
        self.manifest
            .get("capabilities")
            .cloned()
            .and_then(|c| serde_json::from_value(c).ok())
            .unwrap_or_default()
    }
}

impl Store {
    /// Who owns an action id, and whom it is private to: `(publisher, private_to)`.
    pub async fn plugin_owner(
        &self,
        plugin_id: &str,
    ) -> anyhow::Result<Option<(String, Option<String>)>> {
        let owner = with_pool!(&self.pool, p => sqlx::query(
            "SELECT publisher_id, private_to FROM marketplace_plugins WHERE plugin_id = $1",
        )
        .bind(plugin_id)
        .fetch_optional(p)
        .await?
        .map(|r| Ok::<_, sqlx::Error>((r.try_get("publisher_id")?, r.try_get("private_to")?)))
        .transpose()?);
        Ok(owner)
    }

    /// Records a version (and claims its action id for the publisher on first
    /// publish). False when this exact version already exists.
    pub async fn plugin_version_insert(&self, v: &NewPluginVersion<'_>) -> anyhow::Result<bool> {
        let now = now_ms();
        let inserted = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            sqlx::query(
                "INSERT INTO marketplace_plugins (plugin_id, publisher_id, private_to, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (plugin_id) DO NOTHING",
            )
            .bind(v.plugin_id)
            .bind(v.publisher_id)
            .bind(v.private_to)
            .bind(now)
            .execute(&mut *tx)
            .await?;
            let n = sqlx::query(
                "INSERT INTO plugin_versions (plugin_id, version, major, minor, patch, sha256, size_bytes, wit_version, manifest, changelog, key_id, status, reviewed_by, reviewed_at, published_by, published_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16) ON CONFLICT (plugin_id, version) DO NOTHING",
            )
            .bind(v.plugin_id)
            .bind(v.version.to_string())
            .bind(v.version.major as i64)
            .bind(v.version.minor as i64)
            .bind(v.version.patch as i64)
            .bind(v.sha256)
            .bind(v.size_bytes as i64)
            .bind(v.wit_version)
            .bind(v.manifest.to_string())
            .bind(v.changelog)
            .bind(v.key_id)
            .bind(v.status.as_str())
            .bind((v.status == ReviewStatus::Approved).then_some("system"))
            .bind((v.status == ReviewStatus::Approved).then_some(now))
            .bind(v.published_by)
            .bind(now)
            .execute(&mut *tx)
            .await?
            .rows_affected();
            tx.commit().await?;
            n == 1
        });
        Ok(inserted)
    }

    /// Points a built-in version at new bytes (the built-in actions ship with
    /// the server, so a rebuilt binary may carry a rebuilt component).
    pub async fn plugin_version_refresh_builtin(
        &self,
        plugin_id: &str,
        version: &str,
        sha256: &str,
        size_bytes: usize,
        manifest: &Value,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query(
            "UPDATE plugin_versions SET sha256 = $3, size_bytes = $4, manifest = $5 WHERE plugin_id = $1 AND version = $2",
        )
        .bind(plugin_id)
        .bind(version)
        .bind(sha256)
        .bind(size_bytes as i64)
        .bind(manifest.to_string())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Gives a version at a built-in id and number to the host: the host's
    /// component, key and approval replace whatever was there (a version the
    /// host did not publish, which the startup check killed).
    pub async fn plugin_version_reclaim_builtin(
        &self,
        plugin_id: &str,
        version: &str,
        sha256: &str,
        size_bytes: usize,
        manifest: &Value,
        key_id: &str,
    ) -> anyhow::Result<()> {
        let now = now_ms();
        with_pool!(&self.pool, p => sqlx::query(
            "UPDATE plugin_versions SET sha256 = $3, size_bytes = $4, manifest = $5, key_id = $6, status = 'approved', \
             review_reason = NULL, reviewed_by = 'system', reviewed_at = $7, killed_at = NULL, kill_reason = NULL, \
             published_by = 'system', published_at = $7 WHERE plugin_id = $1 AND version = $2",
        )
        .bind(plugin_id)
        .bind(version)
        .bind(sha256)
        .bind(size_bytes as i64)
        .bind(manifest.to_string())
        .bind(key_id)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// Rejects and kills every version the host did not publish that claims
    /// to be built-in: under `builtin_publisher` but not signed with
    /// `host_key` by `system`, or under a built-in (`atlas.`) id but another
    /// publisher. Returns how many changed.
    pub async fn plugin_versions_reject_foreign_builtin(
        &self,
        builtin_publisher: &str,
        host_key: &str,
        reason: &str,
    ) -> anyhow::Result<u64> {
        let done = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE plugin_versions SET status = 'rejected', review_reason = $3, reviewed_by = 'system', \
             killed_at = COALESCE(killed_at, $4), kill_reason = COALESCE(kill_reason, $3) \
             WHERE (status <> 'rejected' OR killed_at IS NULL) AND ( \
               (plugin_id IN (SELECT plugin_id FROM marketplace_plugins WHERE publisher_id = $1) \
                AND (key_id <> $2 OR published_by <> 'system')) \
               OR (lower(plugin_id) LIKE 'atlas.%' \
                AND plugin_id IN (SELECT plugin_id FROM marketplace_plugins WHERE publisher_id <> $1)))",
        )
        .bind(builtin_publisher)
        .bind(host_key)
        .bind(reason)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done)
    }

    /// One version.
    pub async fn plugin_version(
        &self,
        plugin_id: &str,
        version: &str,
    ) -> anyhow::Result<Option<PluginVersionRecord>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE v.plugin_id = $1 AND v.version = $2"
        );
        let record = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(plugin_id)
            .bind(version)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(version_from_row!(&r)))
            .transpose()?);
        Ok(record)
    }

    /// Versions matching a SQL condition on `v`/`m`/`p` with up to two text
    /// parameters, newest first within each plugin.
    async fn plugin_versions_where(
        &self,
        condition: &str,
        a: Option<&str>,
        b: Option<&str>,
    ) -> anyhow::Result<Vec<PluginVersionRecord>> {
        let sql = format!(
            "SELECT {VERSION_COLUMNS} FROM {VERSION_FROM} WHERE {condition} ORDER BY v.plugin_id, v.major DESC, v.minor DESC, v.patch DESC, v.version DESC"
        );
        let records = with_pool!(&self.pool, p => {
            let mut q = sqlx::query(&sql);
            if let Some(a) = a {
                q = q.bind(a);
            }
            if let Some(b) = b {
                q = q.bind(b);
            }
            q.fetch_all(p)
                .await?
                .iter()
                .map(|r| Ok::<_, sqlx::Error>(version_from_row!(r)))
                .collect::<Result<Vec<_>, _>>()?
        });
        Ok(records)
    }

    /// Every version of an action, newest first.
    pub async fn plugin_versions(
        &self,
        plugin_id: &str,
    ) -> anyhow::Result<Vec<PluginVersionRecord>> {
        self.plugin_versions_where("v.plugin_id = $1", Some(plugin_id), None)
            .await
    }

    /// Versions in one review state.
    pub async fn plugin_versions_in(
        &self,
        status: ReviewStatus,
    ) -> anyhow::Result<Vec<PluginVersionRecord>> {
        self.plugin_versions_where("v.status = $1", Some(status.as_str()), None)
            .await
    }

    /// A publisher's versions.
    pub async fn publisher_versions(
        &self,
        publisher_id: &str,
    ) -> anyhow::Result<Vec<PluginVersionRecord>> {
        self.plugin_versions_where("m.publisher_id = $1", Some(publisher_id), None)
            .await
    }

    /// Approved versions an org may see: public plugins, plus private ones of
    /// the org itself or of its reseller.
    pub async fn plugin_versions_visible(
        &self,
        org: &str,
        reseller: Option<&str>,
    ) -> anyhow::Result<Vec<PluginVersionRecord>> {
        self.plugin_versions_where(
            "v.status = 'approved' AND (m.private_to IS NULL OR m.private_to = $1 OR m.private_to = $2)",
            Some(org),
            Some(reseller.unwrap_or(org)),
        )
        .await
    }

    /// Moves a pending version to approved or rejected; false when it is not pending.
    pub async fn plugin_version_review(
        &self,
        plugin_id: &str,
        version: &str,
        status: ReviewStatus,
        reason: Option<&str>,
        by: &str,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE plugin_versions SET status = $3, review_reason = $4, reviewed_by = $5, reviewed_at = $6 WHERE plugin_id = $1 AND version = $2 AND status = 'pending'",
        )
        .bind(plugin_id)
        .bind(version)
        .bind(status.as_str())
        .bind(reason)
        .bind(by)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Yanks a version: it stays runnable where installed, but cannot be newly installed.
    pub async fn plugin_version_yank(
        &self,
        plugin_id: &str,
        version: &str,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE plugin_versions SET yanked_at = $3 WHERE plugin_id = $1 AND version = $2 AND yanked_at IS NULL",
        )
        .bind(plugin_id)
        .bind(version)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// The kill switch: disables a version everywhere (`Some(reason)`), or
    /// lifts it (`None`).
    pub async fn plugin_version_kill(
        &self,
        plugin_id: &str,
        version: &str,
        reason: Option<&str>,
    ) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE plugin_versions SET killed_at = $3, kill_reason = $4 WHERE plugin_id = $1 AND version = $2",
        )
        .bind(plugin_id)
        .bind(version)
        .bind(reason.map(|_| now_ms()))
        .bind(reason)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }
}
