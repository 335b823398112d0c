//! Tenant-scoped reads. On PostgreSQL the statement runs in a transaction as
//! the `atlas_app` role with `atlas.org_id` set, so row-level security limits
//! it to that org whatever the SQL says; on SQLite the SQL's own `org_id`
//! filter is the scope.

/// Runs `$body` with `$c` bound to an executor scoped to `$org`. `$c` may be
/// used once (it is a `&mut` transaction on PostgreSQL).
macro_rules! with_tenant {
    ($pool:expr, $org:expr, $c:ident => $body:expr) => {
        match $pool {
            $crate::store::Pool::Sqlite(pool) => {
                let $c = pool;
                $body
            }
            $crate::store::Pool::Postgres(pool) => {
                let mut tx = pool.begin().await?;
                sqlx::query(
                    "SELECT set_config('role', 'atlas_app', true), set_config('atlas.org_id', $1, true)",
                )
                .bind($org)
                .execute(&mut *tx)
                .await?;
                let result = {
                    let $c = &mut *tx;
                    $body
                };
                tx.commit().await?;
                result
            }
        }
    };
}
pub(crate) use with_tenant;
