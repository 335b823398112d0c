//! The compiled-component cache: a restart deserialises instead of compiling,
//! a damaged entry or one not tagged under this deployment's key is compiled
//! again rather than trusted, and the directory stays under its size limit.

mod common;

use std::sync::Arc;

use atlas::capabilities::{AiConfig, HostServices, NetworkPolicy, OutboundHttp};
use atlas::runtime::{CacheOutcome, LoadOptions, Runtime, RuntimeConfig};
use atlas::store::Store;
use common::{component_bytes, sqlite_store};

fn runtime_with_cache(store: &Store, dir: &std::path::Path, max_bytes: u64) -> Runtime {
    let services = Arc::new(HostServices {
        store: store.clone(),
        http: OutboundHttp::new(NetworkPolicy::default()).unwrap(),
        ai: AiConfig::default(),
    });
    Runtime::new(
        RuntimeConfig {
            cache_dir: Some(dir.to_path_buf()),
            cache_max_bytes: max_bytes,
            ..RuntimeConfig::default()
        },
        services,
    )
    .unwrap()
}

fn entries(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect()
}

#[tokio::test]
async fn a_second_load_uses_the_compiled_cache_and_a_damaged_entry_is_recompiled() {
    let cache = tempfile::tempdir().unwrap();
    let (store, _db) = sqlite_store().await;
    let bytes = component_bytes("webhook-send");

    let first = runtime_with_cache(&store, cache.path(), 1 << 30);
    let plugin = first.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Compiled);
    drop(first);

    let second = runtime_with_cache(&store, cache.path(), 1 << 30);
    let plugin = second.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Cached);
    assert_eq!(plugin.manifest.id, "atlas.webhook.send");

    let entries = entries(cache.path());
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

    let third = runtime_with_cache(&store, cache.path(), 1 << 30);
    let plugin = third.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Compiled);
}

#[tokio::test]
async fn an_entry_written_under_another_key_is_not_deserialised() {
    let cache = tempfile::tempdir().unwrap();
    let bytes = component_bytes("webhook-send");
    // Another deployment (another master key) shares the directory, as an
    // attacker who can write there would: its entries are well-formed
    // wasmtime artifacts, but not tagged under this host's key.
    let (theirs, _a) = sqlite_store().await;
    let foreign = runtime_with_cache(&theirs, cache.path(), 1 << 30);
    foreign.load(&bytes, LoadOptions::default()).await.unwrap();
    let planted = std::fs::read(&entries(cache.path())[0]).unwrap();

    let (ours, _b) = sqlite_store().await;
    let host = runtime_with_cache(&ours, cache.path(), 1 << 30);
    let plugin = host.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(
        plugin.cache_outcome,
        CacheOutcome::Compiled,
        "recompiled, not trusted"
    );
    let rewritten = std::fs::read(&entries(cache.path())[0]).unwrap();
    assert_ne!(
        planted[..32],
        rewritten[..32],
        "re-tagged under this host's key"
    );
    let again = runtime_with_cache(&ours, cache.path(), 1 << 30);
    let plugin = again.load(&bytes, LoadOptions::default()).await.unwrap();
    assert_eq!(plugin.cache_outcome, CacheOutcome::Cached);
}

#[tokio::test]
async fn the_cache_directory_is_kept_under_its_size_limit() {
    let cache = tempfile::tempdir().unwrap();
    let (store, _db) = sqlite_store().await;
    let webhook = component_bytes("webhook-send");
    let tag = component_bytes("crm-add-tag");
    // Room for one compiled action, not two.
    let rt = runtime_with_cache(&store, cache.path(), 1);
    rt.load(&webhook, LoadOptions::default()).await.unwrap();
    assert_eq!(entries(cache.path()).len(), 1);
    let plugin = rt.load(&tag, LoadOptions::default()).await.unwrap();
    let left = entries(cache.path());
    assert_eq!(left.len(), 1, "the older entry was evicted: {left:?}");
    assert!(
        left[0]
            .file_name()
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with(&plugin.digest)
    );
}
