//! Publisher accounts (one per partner org, plus the built-in publisher) and
//! their registered ed25519 public keys, which can be rotated and revoked.

use serde::Serialize;
use sqlx::Row;
use utoipa::ToSchema;

use crate::store::{Store, now_ms, with_pool};

/// Who a publisher is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum PublisherKind {
    /// The platform's own actions, published at startup and approved as published.
    Builtin,
    /// A partner's (or a reseller's) account; its versions are reviewed.
    Partner,
}

impl PublisherKind {
    fn as_str(self) -> &'static str {
        match self {
            Self::Builtin => "builtin",
            Self::Partner => "partner",
        }
    }

    fn parse(s: &str) -> Self {
        if s == "builtin" {
            Self::Builtin
        } else {
            Self::Partner
        }
    }
}

/// A publisher account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublisherRecord {
    /// The publisher's id: its org's id (`atlas` for the built-in publisher).
    pub id: String,
    /// Name shown in the catalog.
    pub name: String,
    /// Built-in or partner.
    pub kind: PublisherKind,
    /// Creation time, ms since the Unix epoch.
    pub created_at: i64,
}

/// A registered public key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct PublisherKeyRecord {
    /// Hex id of the key (first 8 bytes of the sha256 of the public key).
    pub key_id: String,
    /// The publisher it belongs to.
    pub publisher_id: String,
    /// The ed25519 public key, base64.
    pub public_key: String,
    /// When it was registered.
    pub created_at: i64,
    /// When it was revoked; signatures by a revoked key are refused.
    pub revoked_at: Option<i64>,
}

macro_rules! key_from_row {
    ($r:expr) => {{
        let r = $r;
        PublisherKeyRecord {
            key_id: r.try_get("key_id")?,
            publisher_id: r.try_get("publisher_id")?,
            public_key: r.try_get("public_key")?,
            created_at: r.try_get("created_at")?,
            revoked_at: r.try_get("revoked_at")?,
        }
    }};
}

const KEY_COLUMNS: &str = "key_id, publisher_id, public_key, created_at, revoked_at";

impl Store {
    /// Creates the publisher unless it exists; returns it as stored.
    pub async fn ensure_publisher(
        &self,
        id: &str,
        name: &str,
        kind: PublisherKind,
    ) -> anyhow::Result<PublisherRecord> {
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO publishers (id, name, kind, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (id) DO NOTHING",
        )
        .bind(id)
        .bind(name)
        .bind(kind.as_str())
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        self.publisher(id)
            .await?
            .ok_or_else(|| anyhow::anyhow!("publisher {id} vanished after insert"))
    }

    /// The publisher with this id.
    pub async fn publisher(&self, id: &str) -> anyhow::Result<Option<PublisherRecord>> {
        let record = with_pool!(&self.pool, p => sqlx::query(
            "SELECT id, name, kind, created_at FROM publishers WHERE id = $1",
        )
        .bind(id)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| Ok::<_, sqlx::Error>(PublisherRecord {
            id: r.try_get("id")?,
            name: r.try_get("name")?,
            kind: PublisherKind::parse(&r.try_get::<String, _>("kind")?),
            created_at: r.try_get("created_at")?,
        })).transpose()))?;
        Ok(record)
    }

    /// Registers a key; false when this key id is already registered (to anyone).
    pub async fn publisher_key_add(
        &self,
        publisher_id: &str,
        key_id: &str,
        public_key: &str,
    ) -> anyhow::Result<bool> {
        let done = with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO publisher_keys (key_id, publisher_id, public_key, created_at) VALUES ($1, $2, $3, $4) ON CONFLICT (key_id) DO NOTHING",
        )
        .bind(key_id)
        .bind(publisher_id)
        .bind(public_key)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// The key with this id, whoever owns it.
    pub async fn publisher_key(&self, key_id: &str) -> anyhow::Result<Option<PublisherKeyRecord>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM publisher_keys WHERE key_id = $1");
        let key = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(key_id)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(key_from_row!(&r)))
            .transpose()?);
        Ok(key)
    }

    /// A publisher's keys, oldest first, revoked ones included.
    pub async fn publisher_keys(
        &self,
        publisher_id: &str,
    ) -> anyhow::Result<Vec<PublisherKeyRecord>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM publisher_keys WHERE publisher_id = $1 ORDER BY created_at, key_id"
        );
        let keys = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(publisher_id)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, sqlx::Error>(key_from_row!(r)))
            .collect::<Result<Vec<_>, _>>()?);
        Ok(keys)
    }

    /// Revokes one of a publisher's keys; false when it has no such unrevoked key.
    pub async fn publisher_key_revoke(
        &self,
        publisher_id: &str,
        key_id: &str,
    ) -> anyhow::Result<bool> {
        let done = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE publisher_keys SET revoked_at = $3 WHERE publisher_id = $1 AND key_id = $2 AND revoked_at IS NULL",
        )
        .bind(publisher_id)
        .bind(key_id)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done == 1)
    }

    /// Makes `builtin_id` the one built-in publisher: its kind is built-in,
    /// every other account's is partner (an org's account is never built-in).
    pub async fn publishers_fix_builtin_kind(&self, builtin_id: &str) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => {
            sqlx::query("UPDATE publishers SET kind = 'builtin' WHERE id = $1 AND kind <> 'builtin'")
                .bind(builtin_id)
                .execute(p)
                .await?;
            sqlx::query("UPDATE publishers SET kind = 'partner' WHERE id <> $1 AND kind = 'builtin'")
                .bind(builtin_id)
                .execute(p)
                .await
                .map(|_| ())
        })?;
        Ok(())
    }

    /// Revokes every unrevoked key of `publisher_id` except `keep`; returns how many.
    pub async fn publisher_keys_revoke_others(
        &self,
        publisher_id: &str,
        keep: &str,
    ) -> anyhow::Result<u64> {
        let done = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE publisher_keys SET revoked_at = $3 WHERE publisher_id = $1 AND key_id <> $2 AND revoked_at IS NULL",
        )
        .bind(publisher_id)
        .bind(keep)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(done)
    }
}
