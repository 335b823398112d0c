//! kv quotas per org: keys and bytes across all of an org's plugins, checked
//! in the write's own transaction, so runs racing each other cannot overshoot
//! them, on SQLite and PostgreSQL. Deleting gives the room back.

#[macro_use]
mod common;

use std::sync::Arc;

use atlas::runtime::{LoadOptions, RunLimits, Runtime};
use common::engine::Db;
use common::{component_bytes, grants, postgres_store, request, runtime_over, sqlite_store};
use serde_json::{Value, json};

const ORG: &str = "org-quota";

async fn runtime_on(
    db: Db,
) -> (
    Arc<Runtime>,
    atlas::store::Store,
    Box<dyn std::any::Any + Send>,
) {
    match db {
        Db::Sqlite => {
            let (store, dir) = sqlite_store().await;
            (
                Arc::new(runtime_over(store.clone(), Default::default())),
                store,
                Box::new(dir),
            )
        }
        Db::Postgres => {
            let (store, pg) = postgres_store().await;
            (
                Arc::new(runtime_over(store.clone(), Default::default())),
                store,
                Box::new(pg),
            )
        }
    }
}

fn answers(report: &atlas::runtime::RunReport) -> Value {
    report.result.as_ref().expect("the flood reports").data["answers"].clone()
}

on_both_stores!(
    racing_runs_of_one_org_stop_exactly_at_its_key_quota,
    |db| async move {
        let (rt, store, _guard) = runtime_on(db).await;
        let limits = RunLimits {
            kv_org_keys: 100,
            ..RunLimits::default()
        };
        let flood = Arc::new(
            rt.load(
                &component_bytes("test-flood"),
                LoadOptions {
                    limits: Some(limits),
                },
            )
            .await
            .unwrap(),
        );
        // Four runs at once, 40 distinct keys each (prefixes of different
        // lengths): 160 attempts against a quota of 100.
        let mut runs = tokio::task::JoinSet::new();
        for prefix in 8..12u32 {
            let rt = rt.clone();
            let flood = flood.clone();
            runs.spawn(async move {
                let input = json!({ "op": "kv_set", "count": 40, "arg_bytes": prefix });
                rt.run(&flood, request(ORG, input, grants(&["kv"]))).await
            });
        }
        let mut stored = 0;
        let mut refused = 0;
        while let Some(report) = runs.join_next().await {
            let a = answers(&report.unwrap());
            stored += a["ok"].as_u64().unwrap_or(0);
            refused += a["limit"].as_u64().unwrap_or(0);
        }
        assert_eq!((stored, refused), (100, 60));
        let usage = store.kv_usage(ORG).await.unwrap();
        assert_eq!(usage.keys, 100);
        let listed = store
            .kv_list(ORG, "atlas.test.flood", "", 1_000)
            .await
            .unwrap();
        assert_eq!(listed.len(), 100, "exactly the quota was written");

        // Deleting gives room back.
        store
            .kv_delete(ORG, "atlas.test.flood", &listed[0])
            .await
            .unwrap();
        assert_eq!(store.kv_usage(ORG).await.unwrap().keys, 99);
        let report = rt
            .run(
                &flood,
                request(
                    ORG,
                    json!({ "op": "kv_set", "count": 2, "arg_bytes": 3 }),
                    grants(&["kv"]),
                ),
            )
            .await;
        assert_eq!(answers(&report), json!({ "ok": 1, "limit": 1 }));
    }
);

on_both_stores!(
    the_byte_quota_counts_keys_and_values_of_every_plugin,
    |db| async move {
        let (rt, store, _guard) = runtime_on(db).await;
        let limits = RunLimits {
            kv_org_bytes: 1_000,
            ..RunLimits::default()
        };
        let flood = rt
            .load(
                &component_bytes("test-flood"),
                LoadOptions {
                    limits: Some(limits),
                },
            )
            .await
            .unwrap();
        // Another plugin of the org already holds 900 bytes.
        store
            .kv_set(ORG, "acme.other", "big", &[0u8; 897])
            .await
            .unwrap();
        assert_eq!(store.kv_usage(ORG).await.unwrap().bytes, 900);
        // Each flood key is 50 + n bytes plus a 1-byte value: the first fits
        // (51 + 1), the second would pass 1,000.
        let report = rt
            .run(
                &flood,
                request(
                    ORG,
                    json!({ "op": "kv_set", "count": 3, "arg_bytes": 50 }),
                    grants(&["kv"]),
                ),
            )
            .await;
        assert_eq!(answers(&report), json!({ "ok": 1, "limit": 2 }));
        let message = report.result.as_ref().unwrap().data["last_message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(message.contains("kv quota is 1000 bytes"), "{message}");
        assert_eq!(store.kv_usage(ORG).await.unwrap().bytes, 952);
    }
);
