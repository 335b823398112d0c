//! Who is calling: a JWT bearer token or an API key becomes a [`Principal`]
//! (subject, org, role) before any handler runs; handlers ask it for the
//! [`Permission`] they need.

pub mod api_key;
pub mod jwt;
pub mod role;

use axum::extract::{FromRequestParts, Request, State};
use axum::http::header;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

pub use api_key::ApiKeyCache;
pub use jwt::{Claims, JwtVerifier};
pub use role::{Permission, Role};

use super::AppState;
use super::problem::Problem;

/// How the caller proved who it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Credential {
    /// A JWT bearer token.
    Token,
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
            Credential::Token => format!("user:{}:{}", self.org, self.subject),
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

/// Middleware: resolves the `Authorization` header to a [`Principal`], or answers 401.
pub async fn authenticate(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Result<Response, Problem> {
    let principal = resolve(&state, request.headers().get(header::AUTHORIZATION)).await?;
    request.extensions_mut().insert(principal);
    Ok(next.run(request).await)
}

async fn resolve(
    state: &AppState,
    header: Option<&axum::http::HeaderValue>,
) -> Result<Principal, Problem> {
    let value = header
        .ok_or_else(|| Problem::unauthorized("send `Authorization: Bearer <token or API key>`"))?;
    let value = value
        .to_str()
        .map_err(|_| Problem::unauthorized("the Authorization header is not valid text"))?;
    let credential = value
        .strip_prefix("Bearer ")
        .or_else(|| value.strip_prefix("bearer "))
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| {
            Problem::unauthorized("the Authorization header must be `Bearer <token or API key>`")
        })?;
    if credential.starts_with(api_key::KEY_PREFIX) {
        let key = state
            .auth
            .keys
            .verify(&state.store, credential)
            .await?
            .ok_or_else(|| Problem::unauthorized("the API key is unknown or revoked"))?;
        let role = Role::parse(&key.role)
            .ok_or_else(|| Problem::unauthorized("the API key has an unknown role"))?;
        return Ok(Principal {
            subject: format!("key:{}", key.id),
            org: key.org_id,
            role,
            credential: Credential::ApiKey(key.id),
        });
    }
    let claims = state
        .auth
        .jwt
        .verify(credential)
        .map_err(Problem::unauthorized)?;
    Ok(Principal {
        subject: claims.sub,
        org: claims.org,
        role: claims.role,
        credential: Credential::Token,
    })
}

/// Token verification and the API key cache.
#[derive(Debug)]
pub struct Authenticator {
    /// Verifies bearer tokens.
    pub jwt: JwtVerifier,
    /// Verified API keys.
    pub keys: ApiKeyCache,
}

impl Authenticator {
    /// Tokens verified by `jwt`.
    pub fn new(jwt: JwtVerifier) -> Self {
        Self {
            jwt,
            keys: ApiKeyCache::default(),
        }
    }
}
