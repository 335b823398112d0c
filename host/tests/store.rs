//! The store on a real SQLite file and a real PostgreSQL database: the same
//! behaviour from both, secrets encrypted at rest, everything scoped to an org.

mod common;

use atlas::store::{AuditEntry, Org, Store};
use common::{postgres_store, sqlite_store};
use serde_json::json;

async fn kv_round_trip_and_scoping(store: &Store) {
    assert_eq!(store.kv_get("o1", "p1", "k").await.unwrap(), None);
    store.kv_set("o1", "p1", "k", b"one").await.unwrap();
    store.kv_set("o1", "p1", "k", b"two").await.unwrap();
    store.kv_set("o1", "p1", "k2", b"x").await.unwrap();
    store.kv_set("o1", "p1", "other", b"y").await.unwrap();
    assert_eq!(
        store.kv_get("o1", "p1", "k").await.unwrap().as_deref(),
        Some(&b"two"[..])
    );
    assert_eq!(store.kv_get("o1", "p2", "k").await.unwrap(), None);
    assert_eq!(store.kv_get("o2", "p1", "k").await.unwrap(), None);
    assert_eq!(
        store.kv_list("o1", "p1", "k", 10).await.unwrap(),
        ["k", "k2"]
    );
    assert_eq!(store.kv_count("o1", "p1").await.unwrap(), 3);
    store.kv_delete("o1", "p1", "k").await.unwrap();
    assert_eq!(store.kv_get("o1", "p1", "k").await.unwrap(), None);
}

async fn secrets_are_scoped(store: &Store) {
    store.secret_put("o1", "p1", "token", "abc").await.unwrap();
    store.secret_put("o1", "p1", "token", "def").await.unwrap();
    assert_eq!(
        store
            .secret_get("o1", "p1", "token")
            .await
            .unwrap()
            .as_deref(),
        Some("def")
    );
    assert_eq!(store.secret_get("o1", "p2", "token").await.unwrap(), None);
    assert_eq!(store.secret_get("o2", "p1", "token").await.unwrap(), None);
    assert_eq!(store.secret_names("o1", "p1").await.unwrap(), ["token"]);
}

async fn audit_and_orgs(store: &Store) {
    let entry = |org: &str, n: u32| AuditEntry {
        org_id: org.into(),
        actor: "user:1".into(),
        action: "workflow.saved".into(),
        target: format!("workflow:{n}"),
        detail: json!({ "n": n }),
    };
    store
        .audit_append(&[entry("o1", 1), entry("o1", 2), entry("o2", 3)])
        .await
        .unwrap();
    let o1 = store.audit_list("o1", 10).await.unwrap();
    assert_eq!(o1.len(), 2);
    assert_eq!(o1[0].entry.target, "workflow:2", "newest first");
    assert_eq!(o1[0].entry.detail, json!({ "n": 2 }));

    let org = Org {
        id: "gym".into(),
        name: "Gym".into(),
        time_zone: "Europe/Paris".into(),
    };
    assert_eq!(store.ensure_org(&org).await.unwrap(), org);
    let renamed = Org {
        name: "Other".into(),
        ..org.clone()
    };
    assert_eq!(
        store.ensure_org(&renamed).await.unwrap(),
        org,
        "existing org is kept"
    );
}

#[tokio::test]
async fn sqlite_store_behaves() {
    let (store, _dir) = sqlite_store().await;
    assert_eq!(store.dialect(), "sqlite");
    kv_round_trip_and_scoping(&store).await;
    secrets_are_scoped(&store).await;
    audit_and_orgs(&store).await;
}

#[tokio::test]
async fn postgres_store_behaves() {
    let (store, _db) = postgres_store().await;
    assert_eq!(store.dialect(), "postgres");
    kv_round_trip_and_scoping(&store).await;
    secrets_are_scoped(&store).await;
    audit_and_orgs(&store).await;
}

#[tokio::test]
async fn secrets_are_encrypted_at_rest_and_bound_to_their_row() {
    let (store, dir) = sqlite_store().await;
    store
        .secret_put("o1", "p1", "api_key", "sk-live-VERY-SECRET")
        .await
        .unwrap();
    store.secret_put("o1", "p1", "other", "x").await.unwrap();
    let atlas::store::Pool::Sqlite(pool) = store.pool() else {
        unreachable!()
    };
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(pool)
        .await
        .unwrap();
    let raw = std::fs::read(dir.path().join("atlas.db")).unwrap();
    assert!(
        !raw.windows(b"VERY-SECRET".len())
            .any(|w| w == b"VERY-SECRET"),
        "plaintext found in the database file"
    );
    // A ciphertext moved to another row does not decrypt.
    sqlx::query(
        "UPDATE plugin_secrets SET nonce = (SELECT nonce FROM plugin_secrets WHERE name = 'api_key'),
         ciphertext = (SELECT ciphertext FROM plugin_secrets WHERE name = 'api_key') WHERE name = 'other'",
    )
    .execute(pool)
    .await
    .unwrap();
    let err = store.secret_get("o1", "p1", "other").await.unwrap_err();
    assert!(err.to_string().contains("cannot be decrypted"), "{err}");
}

#[tokio::test]
async fn a_bad_database_url_is_a_clear_error() {
    let err = Store::open("mysql://x", atlas::store::SecretCipher::ephemeral())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("unsupported database URL"),
        "{err}"
    );
    let err = Store::open(
        "postgres://nobody:pw@127.0.0.1:1/none",
        atlas::store::SecretCipher::ephemeral(),
    )
    .await
    .unwrap_err();
    assert!(
        format!("{err:#}").contains("****"),
        "password is redacted: {err:#}"
    );
}
