//! API keys: `atk_` followed by 32 random bytes (base64url). Only the SHA-256
//! is stored; verified keys are cached briefly so a busy client does not cost
//! a database read per request, unknown (or revoked) keys are remembered as
//! unknown for as long, so repeating one costs no read either, and last use
//! is written at most once a minute.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use base64::Engine as _;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use rand::RngCore as _;
use sha2::{Digest, Sha256};

use super::ttl_cache::TtlCache;
use crate::store::{ApiKeyRecord, Store, now_ms};

/// What every key starts with.
pub const KEY_PREFIX: &str = "atk_";

/// How long a verified key is trusted without asking the database (revocation
/// through this server takes effect at once; through another server, within this).
const CACHE_TTL: Duration = Duration::from_secs(10);

/// Most unknown keys remembered.
const UNKNOWN_CAPACITY: usize = 20_000;

/// How often last use is recorded per key.
const TOUCH_EVERY_MS: i64 = 60_000;

/// A new key: the secret (shown once) and what is stored.
#[derive(Debug, Clone)]
pub struct GeneratedKey {
    /// The whole key, for the client.
    pub secret: String,
    /// Its first characters, stored to recognise it.
    pub prefix: String,
    /// Hex SHA-256 of `secret`.
    pub hash: String,
}

/// `prefix` followed by 32 random bytes, base64url.
pub fn random_token(prefix: &str) -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{prefix}{}", URL_SAFE_NO_PAD.encode(bytes))
}

/// Makes a new random key.
pub fn generate() -> GeneratedKey {
    let secret = random_token(KEY_PREFIX);
    GeneratedKey {
        prefix: secret[..12].to_string(),
        hash: hash(&secret),
        secret,
    }
}

/// Hex SHA-256 of a key or token.
pub fn hash(secret: &str) -> String {
    hex::encode(Sha256::digest(secret.as_bytes()))
}

#[derive(Default)]
struct CacheState {
    verified: HashMap<String, (ApiKeyRecord, Instant)>,
    touched: HashMap<String, i64>,
}

/// Looks keys up by hash, with a short-lived cache of known and of unknown keys.
pub struct ApiKeyCache {
    state: Mutex<CacheState>,
    unknown: TtlCache<String, ()>,
}

impl Default for ApiKeyCache {
    fn default() -> Self {
        Self {
            state: Mutex::default(),
            unknown: TtlCache::new(UNKNOWN_CAPACITY),
        }
    }
}

impl std::fmt::Debug for ApiKeyCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiKeyCache").finish_non_exhaustive()
    }
}

impl ApiKeyCache {
    /// The unrevoked key `secret`, if any; records its use.
    pub async fn verify(
        &self,
        store: &Store,
        secret: &str,
    ) -> anyhow::Result<Option<ApiKeyRecord>> {
        let hash = hash(secret);
        let cached = {
            let state = self.state.lock().expect("api key cache poisoned");
            state
                .verified
                .get(&hash)
                .filter(|(_, at)| at.elapsed() < CACHE_TTL)
                .map(|(k, _)| k.clone())
        };
        let key = match cached {
            Some(key) => key,
            None => {
                if self.unknown.get(&hash).is_some() {
                    return Ok(None);
                }
                let Some(key) = store.api_key_by_hash(&hash).await? else {
                    self.unknown.put(hash, (), CACHE_TTL);
                    return Ok(None);
                };
                let mut state = self.state.lock().expect("api key cache poisoned");
                state.verified.insert(hash, (key.clone(), Instant::now()));
                key
            }
        };
        let now = now_ms();
        let touch = {
            let mut state = self.state.lock().expect("api key cache poisoned");
            let last = state.touched.get(&key.id).copied().unwrap_or(0);
            let due = now - last >= TOUCH_EVERY_MS;
            if due {
                state.touched.insert(key.id.clone(), now);
            }
            due
        };
        if touch {
            store.touch_api_key(&key.id, now).await?;
        }
        Ok(Some(key))
    }

    /// Forgets a revoked key at once (and remembers it as unknown).
    pub fn forget(&self, key_id: &str) {
        let mut state = self.state.lock().expect("api key cache poisoned");
        let revoked: Vec<String> = state
            .verified
            .iter()
            .filter(|(_, (k, _))| k.id == key_id)
            .map(|(hash, _)| hash.clone())
            .collect();
        state.verified.retain(|_, (k, _)| k.id != key_id);
        drop(state);
        for hash in revoked {
            self.unknown.put(hash, (), CACHE_TTL);
        }
    }

    /// Forgets that a key with this hash was unknown (it was just created).
    pub fn created(&self, hash: &str) {
        self.unknown.remove(&hash.to_string());
    }

    /// Whether the key is still unrevoked, asked of the database (for a
    /// long-lived request, which must notice a revocation made elsewhere).
    pub async fn still_active(&self, store: &Store, key_id: &str) -> anyhow::Result<bool> {
        store.api_key_active(key_id).await
    }
}
