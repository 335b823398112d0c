//! Flags of the HTTP API: how tokens are verified, the public URL, the
//! size, time and rate limits, the per-address limits (and where the client
//! address comes from behind a proxy), and the live-stream cap.

use std::net::SocketAddr;
use std::path::Path;
use std::time::Duration;

use anyhow::Context as _;
use axum::http::HeaderName;

use crate::api::ApiSettings;
use crate::api::address_limits::AddressLimitSettings;
use crate::api::auth::JwtVerifier;
use crate::api::limits::RateLimitSettings;
use crate::api::live_slots::LiveSettings;

/// Name of the generated HS256 secret in the data directory.
pub const JWT_SECRET_FILE: &str = "jwt.secret";

/// Token verification flags.
#[derive(Debug, Clone, clap::Args)]
pub struct TokenArgs {
    /// HS256 secret (32+ bytes). Without it or a public key, a secret is
    /// generated once in the data directory.
    #[arg(long, env = "ATLAS_JWT_SECRET", hide_env_values = true)]
    pub jwt_secret: Option<String>,
    /// PEM file of an RS256 public key: verify tokens issued elsewhere.
    #[arg(long, env = "ATLAS_JWT_PUBLIC_KEY_FILE", conflicts_with = "jwt_secret")]
    pub jwt_public_key: Option<std::path::PathBuf>,
    /// Require this `iss` claim.
    #[arg(long, env = "ATLAS_JWT_ISSUER")]
    pub jwt_issuer: Option<String>,
    /// Require this `aud` claim.
    #[arg(long, env = "ATLAS_JWT_AUDIENCE")]
    pub jwt_audience: Option<String>,
}

impl TokenArgs {
    /// The verifier these flags describe.
    pub fn verifier(&self, data_dir: &Path) -> anyhow::Result<JwtVerifier> {
        let verifier = match (&self.jwt_secret, &self.jwt_public_key) {
            (_, Some(path)) => {
                let pem =
                    std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
                JwtVerifier::rs256(&pem)?
            }
            (Some(secret), None) => JwtVerifier::hs256(secret.as_bytes())?,
            (None, None) => JwtVerifier::hs256(load_or_create_secret(data_dir)?.as_bytes())?,
        };
        let verifier = match &self.jwt_issuer {
            Some(iss) => verifier.with_issuer(iss),
            None => verifier,
        };
        Ok(match &self.jwt_audience {
            Some(aud) => verifier.with_audience(aud),
            None => verifier,
        })
    }
}

fn load_or_create_secret(data_dir: &Path) -> anyhow::Result<String> {
    let path = data_dir.join(JWT_SECRET_FILE);
    if let Ok(text) = std::fs::read_to_string(&path) {
        let text = text.trim().to_string();
        anyhow::ensure!(text.len() >= 32, "{} is too short", path.display());
        return Ok(text);
    }
    std::fs::create_dir_all(data_dir)
        .with_context(|| format!("creating {}", data_dir.display()))?;
    let secret = crate::api::auth::api_key::random_token("");
    write_private(&path, &secret)?;
    Ok(secret)
}

fn write_private(path: &Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .with_context(|| format!("creating {}", path.display()))?;
    file.write_all(text.as_bytes())?;
    Ok(())
}

/// API flags of `atlas serve`.
#[derive(Debug, Clone, clap::Args)]
pub struct ApiArgs {
    #[command(flatten)]
    pub tokens: TokenArgs,
    /// The URL clients reach this server at (webhook URLs use it); defaults to the listen address.
    #[arg(long, env = "ATLAS_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// Largest request body, in bytes.
    #[arg(long, default_value_t = 1024 * 1024)]
    pub max_body_bytes: usize,
    /// Deadline of a request, in milliseconds (live streams excepted).
    #[arg(long, default_value_t = 30_000)]
    pub request_timeout_ms: u64,
    /// Sustained requests per second of one user or API key.
    #[arg(long, env = "ATLAS_RATE_PER_CALLER", default_value_t = 200)]
    pub rate_per_caller: u32,
    /// Burst of one user or API key.
    #[arg(long, env = "ATLAS_BURST_PER_CALLER", default_value_t = 400)]
    pub burst_per_caller: u32,
    /// Sustained requests per second of one org.
    #[arg(long, env = "ATLAS_RATE_PER_ORG", default_value_t = 1_000)]
    pub rate_per_org: u32,
    /// Burst of one org.
    #[arg(long, env = "ATLAS_BURST_PER_ORG", default_value_t = 2_000)]
    pub burst_per_org: u32,
    /// Behind a proxy: the header it puts the client's address in (such as
    /// `X-Forwarded-For`; the last address in it is used). Per-address
    /// limits use the socket's peer address when absent. Set it only when
    /// every request comes through that proxy, or clients can pick their
    /// own address.
    #[arg(long, env = "ATLAS_CLIENT_ADDRESS_HEADER", value_parser = parse_header_name)]
    pub client_address_header: Option<HeaderName>,
    /// Failed authentications one client address may make in a row before
    /// it gets 429 (without any database work).
    #[arg(long, env = "ATLAS_AUTH_FAILURE_BURST", default_value_t = 30)]
    pub auth_failure_burst: u32,
    /// Failed authentications per second a client address regains.
    #[arg(long, env = "ATLAS_AUTH_FAILURE_RATE", default_value_t = 0.5)]
    pub auth_failure_rate: f64,
    /// Requests to the inbound hooks (webhooks, Twilio, SendGrid) one
    /// client address may make in a row.
    #[arg(long, env = "ATLAS_HOOK_BURST", default_value_t = 500)]
    pub hook_burst: u32,
    /// Hook requests per second a client address regains.
    #[arg(long, env = "ATLAS_HOOK_RATE", default_value_t = 100.0)]
    pub hook_rate: f64,
    /// Live streams (SSE) one user or API key may hold open at once.
    #[arg(long, env = "ATLAS_MAX_LIVE_STREAMS", default_value_t = 8)]
    pub max_live_streams: usize,
}

fn parse_header_name(text: &str) -> Result<HeaderName, String> {
    HeaderName::from_bytes(text.trim().as_bytes())
        .map_err(|_| format!("`{text}` is not an HTTP header name"))
}

impl ApiArgs {
    /// The settings for a server listening on `listen`.
    pub fn settings(&self, listen: SocketAddr) -> ApiSettings {
        ApiSettings {
            public_url: self
                .public_url
                .clone()
                .unwrap_or_else(|| format!("http://{listen}"))
                .trim_end_matches('/')
                .to_string(),
            max_body_bytes: self.max_body_bytes,
            request_timeout: Duration::from_millis(self.request_timeout_ms),
            rate_limits: RateLimitSettings {
                per_caller_per_second: self.rate_per_caller,
                per_caller_burst: self.burst_per_caller,
                per_org_per_second: self.rate_per_org,
                per_org_burst: self.burst_per_org,
            },
            address_limits: AddressLimitSettings {
                failure_burst: self.auth_failure_burst,
                failures_per_second: self.auth_failure_rate,
                hook_burst: self.hook_burst,
                hooks_per_second: self.hook_rate,
            },
            client_address_header: self.client_address_header.clone(),
            live: LiveSettings {
                max_streams_per_caller: self.max_live_streams,
                ..LiveSettings::default()
            },
        }
    }
}
