//! Plugin kv writes under the org's quota: keys and bytes (key plus value)
//! across every plugin of the org, kept in `kv_usage` and checked in the same
//! transaction as the write. The usage row is locked first (an `UPDATE`, which
//! takes a row lock on PostgreSQL and the write lock on SQLite), so concurrent
//! writers of one org queue behind each other and the quota cannot be
//! overshot.

use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// Creates the org's usage row when missing, locks it and reads it.
macro_rules! lock_usage {
    ($tx:expr, $org:expr) => {{
        sqlx::query("INSERT INTO kv_usage (org_id, keys, bytes) VALUES ($1, 0, 0) ON CONFLICT (org_id) DO NOTHING")
            .bind($org)
            .execute($tx)
            .await?;
        sqlx::query("UPDATE kv_usage SET keys = keys WHERE org_id = $1")
            .bind($org)
            .execute($tx)
            .await?;
        let row = sqlx::query("SELECT keys, bytes FROM kv_usage WHERE org_id = $1")
            .bind($org)
            .fetch_one($tx)
            .await?;
        KvUsage {
            keys: row.try_get("keys")?,
            bytes: row.try_get("bytes")?,
        }
    }};
}

/// How much kv one org may keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KvQuota {
    /// Keys across all plugins of the org.
    pub keys: i64,
    /// Bytes of keys and values across all plugins of the org.
    pub bytes: i64,
}

/// An org's kv usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct KvUsage {
    /// Keys held.
    pub keys: i64,
    /// Bytes of keys and values held.
    pub bytes: i64,
}

/// A write that would take the org past its quota; nothing was written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the org's kv quota is {limit} {what}; this write would make it {would_be}")]
pub struct KvQuotaExceeded {
    /// `keys` or `bytes`.
    pub what: &'static str,
    /// The quota.
    pub limit: i64,
    /// What the write would have made it.
    pub would_be: i64,
}

impl Store {
    /// Stores `value` under `key` unless the org's usage would pass `quota`.
    pub async fn kv_set_within(
        &self,
        org: &str,
        plugin: &str,
        key: &str,
        value: &[u8],
        quota: KvQuota,
    ) -> anyhow::Result<Result<(), KvQuotaExceeded>> {
        let entry_bytes = (key.len() + value.len()) as i64;
        let outcome = with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let usage = lock_usage!(&mut *tx, org);
            let old: Option<i64> = sqlx::query(
                "SELECT CAST(length(value) AS BIGINT) AS n FROM plugin_kv WHERE org_id = $1 AND plugin_id = $2 AND key = $3",
            )
            .bind(org)
            .bind(plugin)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>("n"))
            .transpose()?;
            let keys = usage.keys + i64::from(old.is_none());
            let bytes = usage.bytes - old.map_or(0, |n| n + key.len() as i64) + entry_bytes;
            let over = if keys > quota.keys && old.is_none() {
                Some(KvQuotaExceeded { what: "keys", limit: quota.keys, would_be: keys })
            } else if bytes > quota.bytes && bytes > usage.bytes {
                Some(KvQuotaExceeded { what: "bytes", limit: quota.bytes, would_be: bytes })
            } else {
                None
            };
            if let Some(over) = over {
                tx.rollback().await?;
                Err(over)
            } else {
                sqlx::query("UPDATE kv_usage SET keys = $2, bytes = $3 WHERE org_id = $1")
                    .bind(org)
                    .bind(keys)
                    .bind(bytes)
                    .execute(&mut *tx)
                    .await?;
                sqlx::query(
                    "INSERT INTO plugin_kv (org_id, plugin_id, key, value, updated_at) VALUES ($1, $2, $3, $4, $5)
                     ON CONFLICT (org_id, plugin_id, key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                )
                .bind(org)
                .bind(plugin)
                .bind(key)
                .bind(value)
                .bind(now_ms())
                .execute(&mut *tx)
                .await?;
                tx.commit().await?;
                Ok(())
            }
        });
        Ok(outcome)
    }

    /// Removes `key` and gives its keys and bytes back to the org's quota.
    pub async fn kv_delete_counted(
        &self,
        org: &str,
        plugin: &str,
        key: &str,
    ) -> anyhow::Result<()> {
        with_pool!(&self.pool, p => {
            let mut tx = p.begin().await?;
            let usage = lock_usage!(&mut *tx, org);
            let removed: Option<i64> = sqlx::query(
                "DELETE FROM plugin_kv WHERE org_id = $1 AND plugin_id = $2 AND key = $3 RETURNING CAST(length(value) AS BIGINT) AS n",
            )
            .bind(org)
            .bind(plugin)
            .bind(key)
            .fetch_optional(&mut *tx)
            .await?
            .map(|r| r.try_get::<i64, _>("n"))
            .transpose()?;
            if let Some(n) = removed {
                sqlx::query("UPDATE kv_usage SET keys = $2, bytes = $3 WHERE org_id = $1")
                    .bind(org)
                    .bind((usage.keys - 1).max(0))
                    .bind((usage.bytes - n - key.len() as i64).max(0))
                    .execute(&mut *tx)
                    .await?;
            }
            tx.commit().await?;
        });
        Ok(())
    }

    /// What the org keeps in kv now.
    pub async fn kv_usage(&self, org: &str) -> anyhow::Result<KvUsage> {
        let usage = with_pool!(&self.pool, p => sqlx::query("SELECT keys, bytes FROM kv_usage WHERE org_id = $1")
            .bind(org)
            .fetch_optional(p)
            .await?
            .map(|r| Ok::<_, sqlx::Error>(KvUsage { keys: r.try_get("keys")?, bytes: r.try_get("bytes")? }))
            .transpose()?);
        Ok(usage.unwrap_or_default())
    }
}
