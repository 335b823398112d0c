//! Who is calling: a JWT bearer token or an API key becomes a [`Principal`]
//! (subject, org, role) before any handler runs; handlers ask it for the
//! [`Permission`] they need. The org must exist and must not be reserved
//! (`orgs.rs`). Every refused credential spends the client address's
//! failure budget, and an address that has spent it is refused before its
//! credential is read (`address_limits.rs`).

pub mod api_key;
pub mod jwt;
pub mod orgs;
pub mod role;
mod ttl_cache;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

pub use api_key::ApiKeyCache;
pub use jwt::{Claims, JwtVerifier};
pub use orgs::OrgDirectory;
pub use role::{Permission, Role};

use super::AppState;
use super::address_limits::retry_secs;
use super::client_address::ClientAddress;
use super::problem::Problem;
use orgs::OrgRefusal;

/// How the caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A JWT bearer token, valid until `expires_at` (seconds since the Unix epoch).
    Token {
        /// The token's `exp` claim.
        expires_at: u64,
    },
    /// An API key, by id.
    ApiKey(String),
}

/// An authenticated caller.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    /// User id, or `key:<id>` for an API key.
    pub subject: String,
    /// The org every request is scoped to.
    pub org: String,
    /// The caller's role there.
    pub role: Role,
    /// Token or key.
    pub credential: Credential,
}

impl Principal {
    /// `Ok` when the role has `permission`; otherwise a 403 naming the roles that do.
    pub fn require(&self, permission: Permission) -> Result<(), Problem> {
        if self.role.allows(permission) {
            Ok(())
        } else {
            Err(Problem::forbidden(format!(
                "the role `{}` cannot {}; roles that can: {}",
                self.role.as_str(),
                permission.describe(),
                Role::holders(permission).join(", ")
            )))
        }
    }

    /// The key rate limits count this caller under.
    pub fn rate_key(&self) -> String {
        match &self.credential {
            Credential::Token { .. } => format!("user:{}:{}", self.org, self.subject),
            Credential::ApiKey(id) => format!("key:{id}"),
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Principal {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        parts
            .extensions
            .get::<Principal>()
            .cloned()
            .ok_or_else(|| Problem::unauthorized("this endpoint needs a bearer token or API key"))
    }
}

/// Why a request was not authenticated.
enum Failure {
    /// The credential is missing, bad, or may not act: spends the address's budget.
    Refused(Problem),
    /// The server failed while checking it.
    Internal(Problem),
}

impl From<OrgRefusal> for Failure {
    fn from(refusal: OrgRefusal) -> Self {
        match refusal {
            OrgRefusal::Refused(problem) => Self::Refused(problem),
            OrgRefusal::Store(e) => Self::Internal(Problem::internal(&e)),
        }
    }
}

fn refused(detail: &str) -> Failure {
    Failure::Refused(Problem::unauthorized(detail))
}

/// Middleware: resolves the `Authorization` header to a [`Principal`], or
/// answers 401/403; 429 first when the client address has used up its
/// budget of failed attempts.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, Problem> {
    let address = ClientAddress::recorded_on(&request).limit_key();
    if let Err(wait) = state.address_limits.failures.peek(address) {
        let secs = retry_secs(wait);
        return Err(Problem::rate_limited(
            secs,
            format!("too many failed authentication attempts from this address; retry in {secs} s"),
        ));
    }
    match resolve(&state, request.headers().get(header::AUTHORIZATION)).await {
        Ok(principal) => {
            request.extensions_mut().insert(principal);
            Ok(next.run(request).await)
        }
        Err(Failure::Refused(problem)) => {
            let _ = state.address_limits.failures.take(address);
            Err(problem)
        }
        Err(Failure::Internal(problem)) => Err(problem),
    }
}

async fn resolve(
    state: &AppState,
    header: Option<&axum::http::HeaderValue>,
) -> Result<Principal, Failure> {
    let value = header.ok_or_else(|| refused("send `Authorization: Bearer <token or API key>`"))?;
    let value = value
        .to_str()
        .map_err(|_| refused("the Authorization header is not valid text"))?;
    let credential = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| refused("the Authorization header must be `Bearer <token or API key>`"))?;
    let principal = if credential.starts_with(api_key::KEY_PREFIX) {
        let key = state
            .auth
            .keys
            .verify(&state.store, credential)
            .await
            .map_err(|e| Failure::Internal(Problem::internal(&e)))?
            .ok_or_else(|| refused("the API key is unknown or revoked"))?;
        let role =
            Role::parse(&key.role).ok_or_else(|| refused("the API key has an unknown role"))?;
        Principal {
            subject: format!("key:{}", key.id),
            org: key.org_id,
            role,
            credential: Credential::ApiKey(key.id),
        }
    } else {
        let claims = state
            .auth
            .jwt
            .verify(credential)
            .map_err(|reason| Failure::Refused(Problem::unauthorized(reason)))?;
        Principal {
            subject: claims.sub,
            org: claims.org,
            role: claims.role,
            credential: Credential::Token {
                expires_at: claims.exp,
            },
        }
    };
    state
        .auth
        .orgs
        .admit(&state.store, &principal.org, principal.role)
        .await?;
    Ok(principal)
}

/// Whether an authenticated caller may still act: its token has not
/// expired, its API key is still unrevoked (asked of the database, so a
/// revocation made by another server counts), its org may still act.
/// Long-lived requests (live streams) ask this periodically.
pub async fn still_valid(state: &AppState, principal: &Principal) -> anyhow::Result<bool> {
    let credential_valid = match &principal.credential {
        Credential::Token { expires_at } => {
            (crate::store::now_ms() / 1000) < i64::try_from(*expires_at).unwrap_or(i64::MAX)
        }
        Credential::ApiKey(id) => state.auth.keys.still_active(&state.store, id).await?,
    };
    if !credential_valid {
        return Ok(false);
    }
    match state
        .auth
        .orgs
        .admit(&state.store, &principal.org, principal.role)
        .await
    {
        Ok(()) => Ok(true),
        Err(OrgRefusal::Refused(_)) => Ok(false),
        Err(OrgRefusal::Store(e)) => Err(e),
    }
}

/// Token verification, the API key cache and the orgs credentials may act in.
#[derive(Debug)]
pub struct Authenticator {
    /// Verifies bearer tokens.
    pub jwt: JwtVerifier,
    /// Verified (and unknown) API keys.
    pub keys: ApiKeyCache,
    /// Orgs known to exist.
    pub orgs: OrgDirectory,
}

impl Authenticator {
    /// Tokens verified by `jwt`.
    pub fn new(jwt: JwtVerifier) -> Self {
        Self {
            jwt,
            keys: ApiKeyCache::default(),
            orgs: OrgDirectory::default(),
        }
    }
}
