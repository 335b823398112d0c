//! AI settings and usage in the store, on SQLite and PostgreSQL: the org's
//! key is sealed at rest and bound to its org; usage adds up per month.

mod common;

use atlas::store::{AiOrgSettings, AiUsage, Pool, Store};
use common::{postgres_store, sqlite_store};
use sqlx::Row;

async fn settings_are_sealed_and_replaced(store: &Store) {
    assert_eq!(
        store.ai_settings_get("org-a").await.unwrap(),
        AiOrgSettings::default()
    );
    let settings = AiOrgSettings {
        base_url: Some("https://llm.example/v1".into()),
        model: Some("llama-3.1-70b".into()),
        api_key: Some("sk-org-secret".into()),
        monthly_token_budget: Some(250_000),
    };
    store.ai_settings_put("org-a", &settings).await.unwrap();
    assert_eq!(store.ai_settings_get("org-a").await.unwrap(), settings);
    assert_eq!(
        store.ai_settings_get("org-b").await.unwrap(),
        AiOrgSettings::default()
    );

    let sealed: Vec<u8> = match store.pool() {
        Pool::Sqlite(p) => sqlx::query("SELECT key_ciphertext FROM ai_org_settings")
            .fetch_one(p)
            .await
            .unwrap()
            .get(0),
        Pool::Postgres(p) => sqlx::query("SELECT key_ciphertext FROM ai_org_settings")
            .fetch_one(p)
            .await
            .unwrap()
            .get(0),
    };
    assert!(
        !sealed
            .windows(b"sk-org-secret".len())
            .any(|w| w == b"sk-org-secret")
    );

    // A sealed key copied to another org does not open there.
    let copy = "INSERT INTO ai_org_settings (org_id, key_nonce, key_ciphertext, updated_at)
                SELECT 'org-c', key_nonce, key_ciphertext, updated_at FROM ai_org_settings WHERE org_id = 'org-a'";
    match store.pool() {
        Pool::Sqlite(p) => sqlx::query(copy).execute(p).await.map(|_| ()),
        Pool::Postgres(p) => sqlx::query(copy).execute(p).await.map(|_| ()),
    }
    .unwrap();
    assert!(store.ai_settings_get("org-c").await.is_err());

    store
        .ai_settings_put(
            "org-a",
            &AiOrgSettings {
                model: Some("gpt-4o".into()),
                ..AiOrgSettings::default()
            },
        )
        .await
        .unwrap();
    let replaced = store.ai_settings_get("org-a").await.unwrap();
    assert_eq!(replaced.model.as_deref(), Some("gpt-4o"));
    assert_eq!(replaced.api_key, None);
    assert_eq!(replaced.monthly_token_budget, None);
}

async fn usage_adds_up_per_org_and_month(store: &Store) {
    store
        .ai_usage_record("org-a", "2026-10", 100, 20)
        .await
        .unwrap();
    store
        .ai_usage_record("org-a", "2026-11", 10, 5)
        .await
        .unwrap();
    store
        .ai_usage_record("org-a", "2026-11", 30, 7)
        .await
        .unwrap();
    store
        .ai_usage_record("org-b", "2026-11", 1, 1)
        .await
        .unwrap();

    let november = store.ai_usage("org-a", "2026-11").await.unwrap();
    assert_eq!(
        november,
        AiUsage {
            month: "2026-11".into(),
            requests: 2,
            prompt_tokens: 40,
            completion_tokens: 12,
        }
    );
    assert_eq!(november.total_tokens(), 52);
    assert_eq!(
        store.ai_usage("org-a", "2026-12").await.unwrap(),
        AiUsage {
            month: "2026-12".into(),
            ..AiUsage::default()
        }
    );
    let months = store.ai_usage_months("org-a", None, 12).await.unwrap();
    let names: Vec<&str> = months.iter().map(|m| m.month.as_str()).collect();
    assert_eq!(names, ["2026-11", "2026-10"]);
    assert_eq!(months[1].total_tokens(), 120);
}

#[tokio::test]
async fn sqlite_ai_settings_and_usage() {
    let (store, _dir) = sqlite_store().await;
    settings_are_sealed_and_replaced(&store).await;
    usage_adds_up_per_org_and_month(&store).await;
}

#[tokio::test]
async fn postgres_ai_settings_and_usage() {
    let (store, _db) = postgres_store().await;
    settings_are_sealed_and_replaced(&store).await;
    usage_adds_up_per_org_and_month(&store).await;
}
