//! Publisher keys and detached signatures.
//!
//! A publisher signs the component's exact bytes with ed25519. The key id is
//! the first 8 bytes of the sha256 of the public key, in hex, so a signature
//! names the key that made it without carrying the key itself.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as B64;
use ed25519_dalek::{Signature, Signer as _, SigningKey, Verifier as _, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest as _, Sha256};

/// Why a key or signature could not be used.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SigningError {
    /// The public key is not 32 bytes of base64 or not a valid curve point.
    #[error("the public key is not a base64 ed25519 public key: {0}")]
    BadPublicKey(String),
    /// The secret key is not 32 bytes of base64.
    #[error("the secret key is not a base64 ed25519 seed: {0}")]
    BadSecretKey(String),
    /// The signature is not 64 bytes of base64.
    #[error("the signature is not a base64 ed25519 signature: {0}")]
    BadSignature(String),
    /// The signature does not verify for these bytes and this key.
    #[error("the signature does not match the component and key {0}")]
    Mismatch(String),
}

/// The id of a public key: hex of the first 8 bytes of its sha256.
pub fn key_id(public_key: &[u8; 32]) -> String {
    hex::encode(&Sha256::digest(public_key)[..8])
}

/// Decodes a base64 public key.
pub fn parse_public_key(b64: &str) -> Result<VerifyingKey, SigningError> {
    let bytes = B64
        .decode(b64.trim())
        .map_err(|e| SigningError::BadPublicKey(e.to_string()))?;
    let bytes: [u8; 32] = bytes
        .try_into()
        .map_err(|b: Vec<u8>| SigningError::BadPublicKey(format!("{} bytes, not 32", b.len())))?;
    VerifyingKey::from_bytes(&bytes).map_err(|e| SigningError::BadPublicKey(e.to_string()))
}

/// Checks `signature_b64` over `bytes` with the base64 `public_key_b64`.
pub fn verify_signature(
    public_key_b64: &str,
    bytes: &[u8],
    signature_b64: &str,
) -> Result<(), SigningError> {
    let key = parse_public_key(public_key_b64)?;
    let raw = B64
        .decode(signature_b64.trim())
        .map_err(|e| SigningError::BadSignature(e.to_string()))?;
    let raw: [u8; 64] = raw
        .try_into()
        .map_err(|b: Vec<u8>| SigningError::BadSignature(format!("{} bytes, not 64", b.len())))?;
    key.verify(bytes, &Signature::from_bytes(&raw))
        .map_err(|_| SigningError::Mismatch(key_id(key.as_bytes())))
}

/// A publisher's key pair as `atlas plugin keygen` writes it (JSON, mode 0600).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct KeyFile {
    /// [`key_id`] of the public key.
    pub key_id: String,
    /// The public key, base64; this is what a publisher registers.
    pub public_key: String,
    /// The 32-byte secret seed, base64.
    pub secret_key: String,
}

impl KeyFile {
    /// A new random key pair.
    pub fn generate() -> Self {
        Self::from_seed(rand::random::<[u8; 32]>())
    }

    /// The key pair of a 32-byte seed (deterministic; for the built-in publisher
    /// key derived from the server's master key).
    pub fn from_seed(seed: [u8; 32]) -> Self {
        let signing = SigningKey::from_bytes(&seed);
        let public = signing.verifying_key();
        Self {
            key_id: key_id(public.as_bytes()),
            public_key: B64.encode(public.as_bytes()),
            secret_key: B64.encode(seed),
        }
    }

    fn signing_key(&self) -> Result<SigningKey, SigningError> {
        let seed = B64
            .decode(self.secret_key.trim())
            .map_err(|e| SigningError::BadSecretKey(e.to_string()))?;
        let seed: [u8; 32] = seed.try_into().map_err(|b: Vec<u8>| {
            SigningError::BadSecretKey(format!("{} bytes, not 32", b.len()))
        })?;
        Ok(SigningKey::from_bytes(&seed))
    }

    /// Signs `bytes`, naming this key.
    pub fn sign(&self, bytes: &[u8]) -> Result<SignatureFile, SigningError> {
        let key = self.signing_key()?;
        if key_id(key.verifying_key().as_bytes()) != self.key_id {
            return Err(SigningError::BadSecretKey(
                "the key id does not belong to this secret key".into(),
            ));
        }
        Ok(SignatureFile {
            key_id: self.key_id.clone(),
            signature: B64.encode(key.sign(bytes).to_bytes()),
        })
    }
}

/// A detached signature as `atlas plugin sign` writes it beside the component
/// (`<component>.sig`, JSON).
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct SignatureFile {
    /// The signing key's id.
    pub key_id: String,
    /// The ed25519 signature of the component's bytes, base64.
    pub signature: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signature_verifies_only_for_its_bytes_and_key() {
        let key = KeyFile::generate();
        let sig = key.sign(b"component").unwrap();
        assert_eq!(sig.key_id, key.key_id);
        verify_signature(&key.public_key, b"component", &sig.signature).unwrap();
        assert!(matches!(
            verify_signature(&key.public_key, b"componenT", &sig.signature),
            Err(SigningError::Mismatch(_))
        ));
        let other = KeyFile::generate();
        assert!(verify_signature(&other.public_key, b"component", &sig.signature).is_err());
    }

    #[test]
    fn malformed_keys_and_signatures_are_named() {
        assert!(matches!(
            parse_public_key("not base64!"),
            Err(SigningError::BadPublicKey(_))
        ));
        assert!(matches!(
            parse_public_key("AAAA"),
            Err(SigningError::BadPublicKey(_))
        ));
        let key = KeyFile::generate();
        assert!(matches!(
            verify_signature(&key.public_key, b"x", "AAAA"),
            Err(SigningError::BadSignature(_))
        ));
    }

    #[test]
    fn a_seed_gives_the_same_key_every_time() {
        assert_eq!(KeyFile::from_seed([7; 32]), KeyFile::from_seed([7; 32]));
        assert_ne!(
            KeyFile::from_seed([7; 32]).key_id,
            KeyFile::from_seed([8; 32]).key_id
        );
    }
}
