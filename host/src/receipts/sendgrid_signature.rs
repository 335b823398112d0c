//! SendGrid's Signed Event Webhook: an ECDSA signature (P-256, SHA-256) over
//! the `X-Twilio-Email-Event-Webhook-Timestamp` header's value followed by
//! the raw request body, sent base64 (DER) in
//! `X-Twilio-Email-Event-Webhook-Signature`. The verification key is the
//! public key SendGrid shows when signing is enabled: base64 of its DER
//! SubjectPublicKeyInfo. A signature is accepted only while its timestamp is
//! fresh (within [`MAX_SKEW_SECS`] of the server's clock, either way), so a
//! captured batch cannot be replayed later.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use p256::ecdsa::signature::Verifier as _;
use p256::ecdsa::{Signature, VerifyingKey};
use p256::pkcs8::DecodePublicKey as _;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "x-twilio-email-event-webhook-signature";
/// The header carrying the signed timestamp.
pub const TIMESTAMP_HEADER: &str = "x-twilio-email-event-webhook-timestamp";

/// How far the signed timestamp may be from the server's clock, in seconds.
pub const MAX_SKEW_SECS: i64 = 300;

/// Why a request is not SendGrid's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SignatureError {
    /// The stored verification key is not a base64 P-256 public key.
    #[error("the verification key is not a base64 DER P-256 public key")]
    BadKey,
    /// The signature header is not base64 DER.
    #[error("the signature is not a base64 DER ECDSA signature")]
    Malformed,
    /// The signature does not match the timestamp and body.
    #[error("the signature does not match the timestamp and body")]
    Mismatch,
    /// The timestamp is not a number of seconds.
    #[error("the signed timestamp is not a Unix time in seconds")]
    BadTimestamp,
    /// The timestamp is too far from now.
    #[error("the signed timestamp is {0} s from the server's clock; at most 300 s is accepted")]
    Stale(i64),
}

/// Checks that `timestamp` (Unix seconds) is within [`MAX_SKEW_SECS`] of `now_ms`.
pub fn check_fresh(timestamp: &str, now_ms: i64) -> Result<(), SignatureError> {
    let signed: i64 = timestamp
        .trim()
        .parse()
        .map_err(|_| SignatureError::BadTimestamp)?;
    let skew = (now_ms.div_euclid(1000))
        .saturating_sub(signed)
        .saturating_abs();
    if skew > MAX_SKEW_SECS {
        Err(SignatureError::Stale(skew))
    } else {
        Ok(())
    }
}

/// Reads SendGrid's verification key.
pub fn verifying_key(base64_der: &str) -> Result<VerifyingKey, SignatureError> {
    let der = STANDARD
        .decode(base64_der.trim())
        .map_err(|_| SignatureError::BadKey)?;
    VerifyingKey::from_public_key_der(&der).map_err(|_| SignatureError::BadKey)
}

/// Checks `signature` (the header's base64) over `timestamp` and `body`.
pub fn verify(
    key: &VerifyingKey,
    timestamp: &str,
    body: &[u8],
    signature: &str,
) -> Result<(), SignatureError> {
    let der = STANDARD
        .decode(signature.trim())
        .map_err(|_| SignatureError::Malformed)?;
    let signature = Signature::from_der(&der).map_err(|_| SignatureError::Malformed)?;
    let mut signed = Vec::with_capacity(timestamp.len() + body.len());
    signed.extend_from_slice(timestamp.as_bytes());
    signed.extend_from_slice(body);
    key.verify(&signed, &signature)
        .map_err(|_| SignatureError::Mismatch)
}

#[cfg(test)]
mod tests {
    use p256::ecdsa::SigningKey;
    use p256::ecdsa::signature::Signer as _;
    use p256::pkcs8::EncodePublicKey as _;

    use super::*;

    fn keys() -> (SigningKey, String) {
        let signing = SigningKey::from_slice(&[7u8; 32]).unwrap();
        let public = p256::PublicKey::from(signing.verifying_key())
            .to_public_key_der()
            .unwrap();
        (signing, STANDARD.encode(public.as_bytes()))
    }

    fn sign(key: &SigningKey, timestamp: &str, body: &[u8]) -> String {
        let mut signed = timestamp.as_bytes().to_vec();
        signed.extend_from_slice(body);
        let signature: Signature = key.sign(&signed);
        STANDARD.encode(signature.to_der().as_bytes())
    }

    #[test]
    fn accepts_the_signature_of_timestamp_and_body() {
        let (signing, public) = keys();
        let key = verifying_key(&public).unwrap();
        let body = br#"[{"event":"open","sg_event_id":"e1"}]"#;
        let signature = sign(&signing, "1700000000", body);
        assert_eq!(verify(&key, "1700000000", body, &signature), Ok(()));
        assert_eq!(
            verify(&key, "1700000001", body, &signature),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&key, "1700000000", br#"[{"event":"click"}]"#, &signature),
            Err(SignatureError::Mismatch)
        );
        assert_eq!(
            verify(&key, "1700000000", body, "AAAA"),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn only_a_fresh_timestamp_is_accepted() {
        let now = 1_700_000_000_000;
        assert_eq!(check_fresh("1700000000", now), Ok(()));
        assert_eq!(check_fresh("1699999700", now), Ok(()));
        assert_eq!(check_fresh("1700000300", now), Ok(()));
        assert_eq!(
            check_fresh("1699999699", now),
            Err(SignatureError::Stale(301))
        );
        assert_eq!(
            check_fresh("1700000301", now),
            Err(SignatureError::Stale(301))
        );
        assert_eq!(
            check_fresh("yesterday", now),
            Err(SignatureError::BadTimestamp)
        );
    }

    #[test]
    fn refuses_keys_that_are_not_p256() {
        assert_eq!(
            verifying_key("not a key").unwrap_err(),
            SignatureError::BadKey
        );
        assert_eq!(
            verifying_key(&STANDARD.encode(b"0123456789")).unwrap_err(),
            SignatureError::BadKey
        );
    }
}
