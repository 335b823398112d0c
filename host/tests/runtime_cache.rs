//! The compiled-component cache: a restart deserialises instead of compiling,
//! and a damaged cache entry is recompiled rather than trusted.

mod common;

use std::sync::Arc;

use atlas::capabilities::{AiConfig, HostServices, NetworkPolicy, OutboundHttp};
use atlas::runtime::{CacheOutcome, LoadOptions, Runtime, RuntimeConfig};
use common::{component_bytes, sqlite_store};

async fn runtime_with_cache(dir: &std::path::Path) -> (Runtime, tempfile::TempDir) {
    let (store, db_dir) = sqlite_store().await;
    let services = Arc::new(HostServices {
        store,
        http: OutboundHttp::new(NetworkPolicy::default()).unwrap(),
        ai: AiConfig::default(),
    });
    let rt = Runtime::new(
        RuntimeConfig {
            cache_dir: Some(dir.to_path_buf()),
            ..RuntimeConfig::default()
        },
        services,
    )
    .unwrap();
    (rt, db_dir)
}

#[tokio::test]
async fn a_second_load_uses_the_compiled_cache_and_a_damaged_entry_is_recompiled() {
    let cache = tempfile::tempdir().unwrap();
    let bytes = component_bytes("webhook-send");

    let (first, _a) = runtime_with_cache(cache.path()).await;
    let plugin = first.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Compiled);
    drop(first);

    let (second, _b) = runtime_with_cache(cache.path()).await;
    let plugin = second.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Cached);
    assert_eq!(plugin.manifest.id, "atlas.webhook.send");

    let entries: Vec<_> = std::fs::read_dir(cache.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    assert_eq!(entries.len(), 1);
    assert!(
        entries[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with(&plugin.digest)
    );
    std::fs::write(&entries[0], b"garbage").unwrap();

    let (third, _c) = runtime_with_cache(cache.path()).await;
    let plugin = third.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Compiled);
}
