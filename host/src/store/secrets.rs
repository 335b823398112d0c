//! Plugin secrets, encrypted at rest with XChaCha20-Poly1305 under the
//! deployment's master key, and bound to their (org, plugin, name) so a
//! ciphertext copied to another row does not decrypt.

use anyhow::{Context as _, anyhow};
use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use rand::RngCore;
use sqlx::Row;

use super::{Store, now_ms, with_pool};

/// Encrypts and decrypts secret values.
#[derive(Clone)]
pub struct SecretCipher {
    aead: XChaCha20Poly1305,
    /// A second key derived from the master key, for deterministic keys
    /// (the built-in publisher's signing key); never used for encryption.
    derivation_root: [u8; 32],
}

impl SecretCipher {
    /// A cipher for a 32-byte master key.
    pub fn new(key: &[u8; 32]) -> Self {
        use sha2::Digest as _;
        let mut root = sha2::Sha256::new();
        root.update(b"atlas-flow key derivation v1\0");
        root.update(key);
        Self {
            aead: XChaCha20Poly1305::new(key.into()),
            derivation_root: root.finalize().into(),
        }
    }

    /// A cipher with a random key: for throwaway stores (local runs, tests).
    pub fn ephemeral() -> Self {
        let mut key = [0u8; 32];
        rand::rng().fill_bytes(&mut key);
        Self::new(&key)
    }

    pub(super) fn seal(&self, aad: &[u8], plaintext: &[u8]) -> anyhow::Result<(Vec<u8>, Vec<u8>)> {
        let mut nonce = [0u8; 24];
        rand::rng().fill_bytes(&mut nonce);
        let ciphertext = self
            .aead
            .encrypt(
                XNonce::from_slice(&nonce),
                Payload {
                    msg: plaintext,
                    aad,
                },
            )
            .map_err(|_| anyhow!("encrypting a secret failed"))?;
        Ok((nonce.to_vec(), ciphertext))
    }

    pub(super) fn open(
        &self,
        aad: &[u8],
        nonce: &[u8],
        ciphertext: &[u8],
    ) -> anyhow::Result<Vec<u8>> {
        if nonce.len() != 24 {
            anyhow::bail!("stored secret has a malformed nonce");
        }
        self.aead
            .decrypt(
                XNonce::from_slice(nonce),
                Payload {
                    msg: ciphertext,
                    aad,
                },
            )
            .map_err(|_| anyhow!("stored secret cannot be decrypted with this master key"))
    }
}

fn associated_data(org: &str, plugin: &str, name: &str) -> Vec<u8> {
    format!("{org}\u{0}{plugin}\u{0}{name}").into_bytes()
}

impl Store {
    /// A 32-byte seed derived from the master key for `label`: the same for
    /// every process sharing the master key, and unrelated for other labels.
    pub fn derived_seed(&self, label: &[u8]) -> [u8; 32] {
        use hmac::Mac as _;
        let mut mac =
            <hmac::Hmac<sha2::Sha256> as hmac::Mac>::new_from_slice(&self.cipher.derivation_root)
                .expect("HMAC takes any key length");
        mac.update(label);
        mac.finalize().into_bytes().into()
    }

    /// Stores (or replaces) a secret for a plugin's install in an org.
    pub async fn secret_put(
        &self,
        org: &str,
        plugin: &str,
        name: &str,
        value: &str,
    ) -> anyhow::Result<()> {
        let (nonce, ciphertext) = self
            .cipher
            .seal(&associated_data(org, plugin, name), value.as_bytes())?;
        with_pool!(&self.pool, p => sqlx::query(
            "INSERT INTO plugin_secrets (org_id, plugin_id, name, nonce, ciphertext, updated_at) VALUES ($1, $2, $3, $4, $5, $6)
             ON CONFLICT (org_id, plugin_id, name) DO UPDATE SET nonce = excluded.nonce, ciphertext = excluded.ciphertext, updated_at = excluded.updated_at",
        )
        .bind(org)
        .bind(plugin)
        .bind(name)
        .bind(nonce)
        .bind(ciphertext)
        .bind(now_ms())
        .execute(p)
        .await
        .map(|_| ()))?;
        Ok(())
    }

    /// The decrypted secret, or `None` when none was entered.
    pub async fn secret_get(
        &self,
        org: &str,
        plugin: &str,
        name: &str,
    ) -> anyhow::Result<Option<String>> {
        let row = with_pool!(&self.pool, p => sqlx::query(
            "SELECT nonce, ciphertext FROM plugin_secrets WHERE org_id = $1 AND plugin_id = $2 AND name = $3",
        )
        .bind(org)
        .bind(plugin)
        .bind(name)
        .fetch_optional(p)
        .await
        .and_then(|r| r.map(|r| Ok::<_, sqlx::Error>((r.try_get::<Vec<u8>, _>("nonce")?, r.try_get::<Vec<u8>, _>("ciphertext")?))).transpose()))?;
        let Some((nonce, ciphertext)) = row else {
            return Ok(None);
        };
        let plain = self
            .cipher
            .open(&associated_data(org, plugin, name), &nonce, &ciphertext)?;
        Ok(Some(
            String::from_utf8(plain).context("stored secret is not UTF-8")?,
        ))
    }

    /// The names of the secrets entered for a plugin in an org (never the values).
    pub async fn secret_names(&self, org: &str, plugin: &str) -> anyhow::Result<Vec<String>> {
        let names = with_pool!(&self.pool, p => sqlx::query(
            "SELECT name FROM plugin_secrets WHERE org_id = $1 AND plugin_id = $2 ORDER BY name",
        )
        .bind(org)
        .bind(plugin)
        .fetch_all(p)
        .await
        .and_then(|rows| rows.iter().map(|r| r.try_get::<String, _>("name")).collect::<Result<Vec<_>, _>>()))?;
        Ok(names)
    }
}
