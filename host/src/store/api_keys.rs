//! API keys for server-to-server use: only a SHA-256 of the secret is stored;
//! keys are scoped to a role, revocable, and record when they were last used.

use serde::{Deserialize, Serialize};
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// A stored key (never the secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ApiKeyRecord {
    /// Id.
    pub id: String,
    /// Tenant.
    pub org_id: String,
    /// Label given at creation.
    pub name: String,
    /// The first characters of the key, to recognise it.
    pub prefix: String,
    /// The role the key acts with.
    pub role: String,
    /// Who created it.
    pub created_by: String,
    /// Created (ms).
    pub created_at: i64,
    /// Last authenticated request (ms), recorded at most once a minute.
    pub last_used_at: Option<i64>,
    /// Revoked (ms).
    pub revoked_at: Option<i64>,
}

/// A key to store.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewApiKey<'a> {
    /// Id.
    pub id: &'a str,
    /// Tenant.
    pub org_id: &'a str,
    /// Label.
    pub name: &'a str,
    /// Recognisable prefix.
    pub prefix: &'a str,
    /// Hex SHA-256 of the whole key.
    pub secret_hash: &'a str,
    /// Role.
    pub role: &'a str,
    /// Creator.
    pub created_by: &'a str,
}

const KEY_COLUMNS: &str =
    "id, org_id, name, prefix, role, created_by, created_at, last_used_at, revoked_at";

macro_rules! key_from_row {
    ($r:expr) => {{
        let r = $r;
        ApiKeyRecord {
            id: r.try_get("id")?,
            org_id: r.try_get("org_id")?,
            name: r.try_get("name")?,
            prefix: r.try_get("prefix")?,
            role: r.try_get("role")?,
            created_by: r.try_get("created_by")?,
            created_at: r.try_get("created_at")?,
            last_used_at: r.try_get("last_used_at")?,
            revoked_at: r.try_get("revoked_at")?,
        }
    }};
}

impl Store {
    /// Stores a new key.
    pub async fn create_api_key(&self, key: &NewApiKey<'_>) -> anyhow::Result<ApiKeyRecord> {
        let now = now_ms();
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO api_keys (id, org_id, name, prefix, secret_hash, role, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(key.id)
        .bind(key.org_id)
        .bind(key.name)
        .bind(key.prefix)
        .bind(key.secret_hash)
        .bind(key.role)
        .bind(key.created_by)
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(ApiKeyRecord {
            id: key.id.into(),
            org_id: key.org_id.into(),
            name: key.name.into(),
            prefix: key.prefix.into(),
            role: key.role.into(),
            created_by: key.created_by.into(),
            created_at: now,
            last_used_at: None,
            revoked_at: None,
        })
    }

    /// The unrevoked key with this secret hash, in any org.
    pub async fn api_key_by_hash(&self, secret_hash: &str) -> anyhow::Result<Option<ApiKeyRecord>> {
        let sql = format!(
            "SELECT {KEY_COLUMNS} FROM api_keys WHERE secret_hash = $1 AND revoked_at IS NULL"
        );
        let key = with_pool!(&self.pool, p => {
            match sqlx::query(&sql).bind(secret_hash).fetch_optional(p).await? {
                Some(r) => Some(Ok::<_, sqlx::Error>(key_from_row!(&r))).transpose()?,
                None => None,
            }
        });
        Ok(key)
    }

    /// Whether the key with this id exists and is unrevoked.
    pub async fn api_key_active(&self, id: &str) -> anyhow::Result<bool> {
        let found = with_pool!(&self.pool, p => sqlx::query(
            "SELECT 1 FROM api_keys WHERE id = $1 AND revoked_at IS NULL",
        )
        .bind(id)
        .fetch_optional(p)
        .await
        .map(|r| r.is_some()))?;
        Ok(found)
    }

    /// The org's keys, newest first (revoked ones included).
    pub async fn api_keys(&self, org: &str) -> anyhow::Result<Vec<ApiKeyRecord>> {
        let sql = format!("SELECT {KEY_COLUMNS} FROM api_keys WHERE org_id = $1 ORDER BY id DESC");
        let keys = with_pool!(&self.pool, p => sqlx::query(&sql)
            .bind(org)
            .fetch_all(p)
            .await?
            .iter()
            .map(|r| Ok::<_, sqlx::Error>(key_from_row!(r)))
            .collect::<Result<Vec<_>, _>>()?);
        Ok(keys)
    }

    /// Revokes a key of the org; false when there was no such unrevoked key.
    pub async fn revoke_api_key(&self, org: &str, id: &str) -> anyhow::Result<bool> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "UPDATE api_keys SET revoked_at = $1 WHERE org_id = $2 AND id = $3 AND revoked_at IS NULL",
        )
        .bind(now_ms())
        .bind(org)
        .bind(id)
        .execute(p)
        .await
        .map(|r| r.rows_affected()))?;
        Ok(n == 1)
    }

    /// Records that a key was used at `at`.
    pub async fn touch_api_key(&self, id: &str, at: i64) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => sqlx::query("UPDATE api_keys SET last_used_at = $1 WHERE id = $2")
            .bind(at)
            .bind(id)
            .execute(p)
            .await
            .map(|_| ()))?;
        Ok(())
    }
}
