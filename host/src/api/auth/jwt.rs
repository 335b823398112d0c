//! JWT bearer tokens: HS256 with a shared secret or RS256 with a public key.
//! Claims: `sub` (the user), `org`, `role`, `exp`; optionally `iss` and `aud`.

use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use serde::{Deserialize, Serialize};

use super::role::Role;

/// The claims Atlas reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claims {
    /// User id.
    pub sub: String,
    /// Org id.
    pub org: String,
    /// Role in that org.
    pub role: Role,
    /// Expiry (seconds since the Unix epoch).
    pub exp: u64,
    /// Issued at.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub iat: Option<u64>,
}

/// How tokens are verified (and, with a shared secret, issued).
#[derive(Clone)]
pub struct JwtVerifier {
    decoding: DecodingKey,
    encoding: Option<EncodingKey>,
    validation: Validation,
}

impl std::fmt::Debug for JwtVerifier {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JwtVerifier")
            .field("algorithms", &self.validation.algorithms)
            .finish_non_exhaustive()
    }
}

impl JwtVerifier {
    /// HS256 with a shared secret (at least 32 bytes).
    pub fn hs256(secret: &[u8]) -> anyhow::Result<Self> {
        anyhow::ensure!(
            secret.len() >= 32,
            "the JWT secret must be at least 32 bytes"
        );
        Ok(Self {
            decoding: DecodingKey::from_secret(secret),
            encoding: Some(EncodingKey::from_secret(secret)),
            validation: Self::validation(Algorithm::HS256),
        })
    }

    /// RS256 with a PEM public key; such a server cannot issue tokens.
    pub fn rs256(public_key_pem: &[u8]) -> anyhow::Result<Self> {
        Ok(Self {
            decoding: DecodingKey::from_rsa_pem(public_key_pem)
                .map_err(|e| anyhow::anyhow!("reading the RS256 public key: {e}"))?,
            encoding: None,
            validation: Self::validation(Algorithm::RS256),
        })
    }

    /// Also require this issuer.
    pub fn with_issuer(mut self, issuer: &str) -> Self {
        self.validation.set_issuer(&[issuer]);
        self
    }

    /// Also require this audience.
    pub fn with_audience(mut self, audience: &str) -> Self {
        self.validation.set_audience(&[audience]);
        self.validation.validate_aud = true;
        self
    }

    fn validation(algorithm: Algorithm) -> Validation {
        let mut v = Validation::new(algorithm);
        v.set_required_spec_claims(&["exp", "sub"]);
        v.validate_aud = false;
        v.leeway = 30;
        v
    }

    /// Verifies a token; the error says why it was refused.
    pub fn verify(&self, token: &str) -> Result<Claims, String> {
        jsonwebtoken::decode::<Claims>(token, &self.decoding, &self.validation)
            .map(|data| data.claims)
            .map_err(|e| match e.kind() {
                jsonwebtoken::errors::ErrorKind::ExpiredSignature => "the token has expired".into(),
                jsonwebtoken::errors::ErrorKind::InvalidSignature => {
                    "the token's signature does not verify".into()
                }
                jsonwebtoken::errors::ErrorKind::Json(_) => {
                    "the token's claims are not valid (sub, org, role and exp are required; role must be one of owner, admin, staff, viewer, partner, reseller-admin, platform-admin)".into()
                }
                _ => format!("the token is not valid: {e}"),
            })
    }

    /// Issues a token (HS256 only), valid for `ttl_secs`.
    pub fn issue(&self, sub: &str, org: &str, role: Role, ttl_secs: u64) -> anyhow::Result<String> {
        let key = self.encoding.as_ref().ok_or_else(|| {
            anyhow::anyhow!("an RS256 server verifies tokens but cannot issue them")
        })?;
        let now = crate::store::now_ms() as u64 / 1000;
        let claims = Claims {
            sub: sub.into(),
            org: org.into(),
            role,
            exp: now + ttl_secs,
            iat: Some(now),
        };
        Ok(jsonwebtoken::encode(
            &Header::new(Algorithm::HS256),
            &claims,
            key,
        )?)
    }
}
