//! Shared setup for the host's integration tests: real SQLite files, a real
//! PostgreSQL database per test, real compiled components, loopback servers.
#![allow(dead_code)]

pub mod actions;
pub mod api;
pub mod crm_world;
pub mod engine;
pub mod marketplace;
pub mod openai;
pub mod recorder;
pub mod studio;

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use atlas::capabilities::{AiConfig, Grants, HostServices, NetworkPolicy, OutboundHttp};
use atlas::runtime::{
    ActionContext, Capability, LoadOptions, Plugin, RunLimits, RunRequest, Runtime, RuntimeConfig,
};
use atlas::store::{SecretCipher, Store};
use serde_json::Value;

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host has a parent")
        .to_path_buf()
}

/// A built component: built-ins in target/components, test guests in
/// target/test-components (`make plugins test-guests` builds both).
pub fn component_path(name: &str) -> PathBuf {
    let root = repo_root();
    for dir in ["target/components", "target/test-components"] {
        let path = root.join(dir).join(format!("{name}.wasm"));
        if path.exists() {
            return path;
        }
    }
    panic!("component `{name}` is not built: run `make plugins test-guests` first");
}

/// The bytes of a built component.
pub fn component_bytes(name: &str) -> Vec<u8> {
    std::fs::read(component_path(name)).expect("reading component")
}

/// A store on a fresh SQLite file in a temp dir (kept alive by the returned guard).
pub async fn sqlite_store() -> (Store, tempfile::TempDir) {
    let dir = tempfile::tempdir().expect("tempdir");
    let store = Store::open_in_dir(dir.path(), SecretCipher::ephemeral())
        .await
        .expect("opening sqlite store");
    (store, dir)
}

static DB_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A PostgreSQL database created for one test and dropped with this guard.
pub struct PgDatabase {
    pub url: String,
    name: String,
    admin_url: String,
}

impl PgDatabase {
    /// Creates an empty database on the test server.
    pub async fn create() -> Self {
        let admin_url = std::env::var("ATLAS_TEST_DATABASE_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        let name = format!(
            "atlas_t_{}_{}_{}",
            std::process::id(),
            DB_COUNTER.fetch_add(1, Ordering::SeqCst),
            rand_suffix()
        );
        let admin = sqlx::PgPool::connect(&admin_url)
            .await
            .expect("connecting to the test PostgreSQL server (ATLAS_TEST_DATABASE_URL)");
        sqlx::query(&format!("CREATE DATABASE {name}"))
            .execute(&admin)
            .await
            .expect("creating a test database");
        admin.close().await;
        let mut url = url::Url::parse(&admin_url).expect("admin url");
        url.set_path(&name);
        Self {
            url: url.to_string(),
            name,
            admin_url,
        }
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        let admin_url = self.admin_url.clone();
        let name = self.name.clone();
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("runtime");
            rt.block_on(async {
                if let Ok(admin) = sqlx::PgPool::connect(&admin_url).await {
                    let _ = sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .execute(&admin)
                        .await;
                    admin.close().await;
                }
            });
        })
        .join();
    }
}

fn rand_suffix() -> u32 {
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u32(std::process::id());
    (h.finish() & 0xffff_ffff) as u32
}

/// A store on a fresh PostgreSQL database.
pub async fn postgres_store() -> (Store, PgDatabase) {
    let db = PgDatabase::create().await;
    let store = Store::open(&db.url, SecretCipher::ephemeral())
        .await
        .expect("opening postgres store");
    (store, db)
}

/// A marketplace over `store` with its blobs in a fresh temporary directory.
pub async fn marketplace_over(
    store: &Store,
    runtime: &std::sync::Arc<Runtime>,
    registry: &std::sync::Arc<atlas::runtime::PluginRegistry>,
) -> std::sync::Arc<atlas::marketplace::Marketplace> {
    let blobs = std::env::temp_dir().join(format!("atlas-test-blobs-{}", uuid::Uuid::now_v7()));
    atlas::marketplace::Marketplace::open(store.clone(), runtime.clone(), registry.clone(), &blobs)
        .await
        .expect("opening the marketplace")
}

/// A runtime over `store` with the given network policy and no disk cache.
pub fn runtime_over(store: Store, policy: NetworkPolicy) -> Runtime {
    runtime_with_ai(store, policy, AiConfig::default())
}

/// A runtime over `store` whose `ai` capability uses the provider `ai`.
pub fn runtime_with_ai(store: Store, policy: NetworkPolicy, ai: AiConfig) -> Runtime {
    let services = Arc::new(HostServices {
        store,
        http: OutboundHttp::new(policy).expect("http client"),
        ai,
    });
    Runtime::new(RuntimeConfig::default(), services).expect("runtime")
}

/// A runtime on a temp SQLite store.
pub async fn runtime(policy: NetworkPolicy) -> (Runtime, Store, tempfile::TempDir) {
    let (store, dir) = sqlite_store().await;
    (runtime_over(store.clone(), policy), store, dir)
}

/// Loads a built component with optional limits.
pub async fn load(runtime: &Runtime, name: &str, limits: Option<RunLimits>) -> Plugin {
    runtime
        .load(&component_bytes(name), LoadOptions { limits })
        .await
        .unwrap_or_else(|e| panic!("loading {name}: {e}"))
}

/// Grants parsed from CLI words (`http:*`, `kv`, `secret:NAME`, ...).
pub fn grants(words: &[&str]) -> Arc<Grants> {
    let mut grants = Grants::default();
    for w in words {
        grants.add(w.parse::<Capability>().expect("capability"));
    }
    Arc::new(grants)
}

/// A run request in org `org` with the default context.
pub fn request(org: &str, input: Value, grants: Arc<Grants>) -> RunRequest {
    RunRequest {
        context: ActionContext {
            org_id: org.into(),
            ..ActionContext::default()
        },
        input,
        grants,
    }
}
