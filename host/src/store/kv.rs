//! Plugin key-value data, scoped to (org, plugin): a plugin never sees another
//! plugin's keys, nor another org's.

use sqlx::Row;

use super::{Store, with_pool};

impl Store {
    /// The value stored under `key`, if any.
    pub async fn kv_get(
        &self,
        org: &str,
        plugin: &str,
        key: &str,
    ) -> anyhow::Result<Option<Vec<u8>>> {
        let row = with_pool!(&self.pool, p => sqlx::query(
            "SELECT value FROM plugin_kv WHERE org_id = $1 AND plugin_id = $2 AND key = $3",
        )
        .bind(org)
        .bind(plugin)
        .bind(key)
        .fetch_optional(p)
        .await
        .map(|r| r.map(|r| r.try_get::<Vec<u8>, _>("value"))))?;
        Ok(row.transpose()?)
    }

    /// Stores `value` under `key`, replacing any previous value, with no
    /// quota (operator seeding and tests); usage is still counted.
    pub async fn kv_set(
        &self,
        org: &str,
        plugin: &str,
        key: &str,
        value: &[u8],
    ) -> anyhow::Result<()> {
        let unlimited = super::KvQuota {
            keys: i64::MAX,
            bytes: i64::MAX,
        };
        self.kv_set_within(org, plugin, key, value, unlimited)
            .await?
            .map_err(anyhow::Error::from)
    }

    /// Removes `key`; removing a missing key is not an error.
    pub async fn kv_delete(&self, org: &str, plugin: &str, key: &str) -> anyhow::Result<()> {
        self.kv_delete_counted(org, plugin, key).await
    }

    /// Keys starting with `prefix`, sorted, at most `limit`.
    pub async fn kv_list(
        &self,
        org: &str,
        plugin: &str,
        prefix: &str,
        limit: i64,
    ) -> anyhow::Result<Vec<String>> {
        let rows = with_pool!(&self.pool, p => sqlx::query(
            "SELECT key FROM plugin_kv WHERE org_id = $1 AND plugin_id = $2 AND substr(key, 1, length($3)) = $3
             ORDER BY key LIMIT $4",
        )
        .bind(org)
        .bind(plugin)
        .bind(prefix)
        .bind(limit)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("key")).collect::<Result<Vec<_>, _>>()))?;
        Ok(rows)
    }

    /// Number of keys the plugin holds in the org.
    pub async fn kv_count(&self, org: &str, plugin: &str) -> anyhow::Result<i64> {
        let n = with_pool!(&self.pool, p => sqlx::query(
            "SELECT COUNT(*) AS n FROM plugin_kv WHERE org_id = $1 AND plugin_id = $2",
        )
        .bind(org)
        .bind(plugin)
        .fetch_one(p)
        .await
        .and_then(|r| r.try_get::<i64, _>("n")))?;
        Ok(n)
    }
}
