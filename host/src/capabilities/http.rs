//! `http`: outbound requests made by the host on a plugin's behalf.
//!
//! Every hop (the first request and each redirect) is checked against the
//! plugin's requested and granted hosts, and against the operator's
//! [`NetworkPolicy`] after DNS resolution: the resolver reqwest connects with
//! drops non-public addresses, and IP-literal URLs are checked before sending.
//! Requests have a timeout, a body cap and a response-size cap.
//!
//! The last step, sending, goes either to the network or to an
//! [`HttpScript`] (`atlas plugin test`); every check before it is the same.

use std::error::Error as StdError;
use std::fmt;
use std::net::{IpAddr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use futures::StreamExt as _;
use reqwest::dns::{Addrs, Name, Resolve, Resolving};
use reqwest::{Method, StatusCode, Url};

use super::grants::requested_http_host;
use super::http_script::HttpScript;
use super::network_policy::NetworkPolicy;
use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::http::{Host, Request, Response};
use crate::runtime::bindings::atlas::workflow::types::HostError;

/// Redirects followed for one request.
pub const MAX_REDIRECTS: u32 = 5;

/// The process's outbound HTTP client.
#[derive(Clone)]
pub struct OutboundHttp {
    client: reqwest::Client,
    policy: Arc<NetworkPolicy>,
    script: Option<Arc<HttpScript>>,
}

/// Why a request got no response.
#[derive(Debug)]
pub(crate) enum SendError {
    /// The network request failed.
    Transport(reqwest::Error),
    /// The script has no exchange for this method and URL.
    Unscripted {
        /// The request's method.
        method: String,
        /// The request's URL.
        url: String,
    },
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::Transport(error) => write!(f, "{error}"),
            SendError::Unscripted { method, url } => {
                write!(f, "no scripted response for {method} {url}")
            }
        }
    }
}

impl OutboundHttp {
    /// A client whose requests are answered by `script`, never the network.
    /// Grant and policy checks run exactly as with [`OutboundHttp::new`].
    pub fn scripted(policy: NetworkPolicy, script: Arc<HttpScript>) -> anyhow::Result<Self> {
        let mut http = Self::new(policy)?;
        http.script = Some(script);
        Ok(http)
    }

    /// A client that enforces `policy` on every connection.
    pub fn new(policy: NetworkPolicy) -> anyhow::Result<Self> {
        let policy = Arc::new(policy);
        let client = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
            }))
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("AtlasFlow/", env!("CARGO_PKG_VERSION")))
            .build()?;
        Ok(Self {
            client,
            policy,
            script: None,
        })
    }

    /// The operator policy in force.
    pub fn policy(&self) -> &NetworkPolicy {
        &self.policy
    }

    /// The guarded client, to build requests for [`OutboundHttp::send`].
    pub(crate) fn client(&self) -> &reqwest::Client {
        &self.client
    }

    /// Sends a request built with [`OutboundHttp::client`]: over the network,
    /// or to the script when this client is scripted.
    pub(crate) async fn send(
        &self,
        request: reqwest::Request,
    ) -> Result<reqwest::Response, SendError> {
        match &self.script {
            Some(script) => script
                .answer(&request)
                .ok_or_else(|| SendError::Unscripted {
                    method: request.method().as_str().to_owned(),
                    url: request.url().as_str().to_owned(),
                }),
            None => self
                .client
                .execute(request)
                .await
                .map_err(SendError::Transport),
        }
    }
}

/// A DNS answer in which every address was refused by the network policy.
#[derive(Debug)]
struct BlockedAddress {
    host: String,
    ip: IpAddr,
    reason: &'static str,
}

impl fmt::Display for BlockedAddress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} resolves to {} ({})", self.host, self.ip, self.reason)
    }
}

impl StdError for BlockedAddress {}

/// Resolves with the system resolver, then keeps only addresses the policy allows.
struct GuardedResolver {
    policy: Arc<NetworkPolicy>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            let mut first_blocked = None;
            let allowed: Vec<SocketAddr> = resolved
                .into_iter()
                .filter(|addr| match policy.check(addr.ip()) {
                    None => true,
                    Some(reason) => {
                        first_blocked.get_or_insert((addr.ip(), reason));
                        false
                    }
                })
                .collect();
            if allowed.is_empty() {
                let (ip, reason) = first_blocked.ok_or_else(|| {
                    Box::<dyn StdError + Send + Sync>::from(format!("{host} has no addresses"))
                })?;
                return Err(Box::new(BlockedAddress { host, ip, reason })
                    as Box<dyn StdError + Send + Sync>);
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

impl RunState {
    /// Grant and policy checks for one hop to `url`.
    fn check_http_target(&mut self, url: &Url) -> Result<(), HostError> {
        let target = url.as_str().to_string();
        let Some(host) = url.host_str() else {
            return Err(HostError::Invalid(format!("URL `{target}` has no host")));
        };
        let host = host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .to_string();
        if !requested_http_host(&self.requested, &host) {
            return Err(self.deny(
                "http",
                &target,
                format!("the plugin's manifest does not request access to {host}"),
            ));
        }
        if !self.grants.allows_http_host(&host) {
            return Err(self.deny("http", &target, format!("access to {host} is not granted")));
        }
        if let Ok(ip) = host.parse::<IpAddr>()
            && let Some(reason) = self.services.http.policy.check(ip)
        {
            return Err(self.deny("http", &target, format!("{ip} is a {reason} address")));
        }
        Ok(())
    }

    fn count_http_request(&mut self) -> Result<(), HostError> {
        if self.http_requests >= self.limits.http_requests {
            return Err(HostError::Limit(format!(
                "a run may make at most {} HTTP requests",
                self.limits.http_requests
            )));
        }
        self.http_requests += 1;
        Ok(())
    }
}

fn parse_method(method: &str) -> Result<Method, HostError> {
    match method.to_ascii_uppercase().as_str() {
        "GET" => Ok(Method::GET),
        "POST" => Ok(Method::POST),
        "PUT" => Ok(Method::PUT),
        "PATCH" => Ok(Method::PATCH),
        "DELETE" => Ok(Method::DELETE),
        "HEAD" => Ok(Method::HEAD),
        "OPTIONS" => Ok(Method::OPTIONS),
        other => Err(HostError::Invalid(format!(
            "unsupported HTTP method `{other}`"
        ))),
    }
}

fn parse_url(text: &str) -> Result<Url, HostError> {
    let url =
        Url::parse(text).map_err(|e| HostError::Invalid(format!("invalid URL `{text}`: {e}")))?;
    match url.scheme() {
        "http" | "https" => Ok(url),
        other => Err(HostError::Invalid(format!(
            "URL scheme `{other}` is not allowed: use http or https"
        ))),
    }
}

/// Maps a transport error to what the guest sees, recognising policy refusals.
fn transport_error(state: &mut RunState, url: &Url, err: reqwest::Error) -> HostError {
    let mut source: Option<&(dyn StdError + 'static)> = Some(&err);
    while let Some(e) = source {
        if let Some(blocked) = e.downcast_ref::<BlockedAddress>() {
            let reason = blocked.to_string();
            return state.deny("http", url.as_str(), reason);
        }
        source = e.source();
    }
    if err.is_timeout() {
        HostError::Timeout(format!("request to {url} timed out"))
    } else if err.is_connect() {
        HostError::Failed(format!(
            "could not connect to {}",
            url.host_str().unwrap_or("")
        ))
    } else {
        HostError::Failed(format!("request to {url} failed: {err}"))
    }
}

fn is_redirect(status: StatusCode) -> bool {
    matches!(status.as_u16(), 301 | 302 | 303 | 307 | 308)
}

impl Host for RunState {
    async fn fetch(&mut self, request: Request) -> Result<Response, HostError> {
        let mut method = parse_method(&request.method)?;
        let mut url = parse_url(&request.url)?;
        let mut body = request.body;
        if body
            .as_ref()
            .is_some_and(|b| b.len() > self.limits.http_request_bytes)
        {
            return Err(HostError::Limit(format!(
                "request bodies are at most {} bytes",
                self.limits.http_request_bytes
            )));
        }
        let timeout = request
            .timeout_ms
            .map(|ms| Duration::from_millis(ms.into()))
            .unwrap_or(self.limits.http_timeout)
            .min(self.limits.http_timeout);
        let mut headers = reqwest::header::HeaderMap::new();
        for (name, value) in &request.headers {
            let name = reqwest::header::HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| HostError::Invalid(format!("invalid header name `{name}`")))?;
            let value = reqwest::header::HeaderValue::from_str(value)
                .map_err(|_| HostError::Invalid(format!("invalid value for header `{name}`")))?;
            headers.append(name, value);
        }

        let mut redirects = 0;
        loop {
            self.check_http_target(&url)?;
            self.count_http_request()?;
            let mut builder = self
                .services
                .http
                .client
                .request(method.clone(), url.clone())
                .headers(headers.clone())
                .timeout(timeout);
            if let Some(bytes) = &body {
                builder = builder.body(bytes.clone());
            }
            let request = builder
                .build()
                .map_err(|e| HostError::Invalid(format!("cannot build the request: {e}")))?;
            let response = match self.services.http.send(request).await {
                Ok(r) => r,
                Err(SendError::Transport(e)) => return Err(transport_error(self, &url, e)),
                Err(unscripted @ SendError::Unscripted { .. }) => {
                    return Err(HostError::Failed(unscripted.to_string()));
                }
            };
            let status = response.status();
            if is_redirect(status)
                && let Some(location) = response.headers().get(reqwest::header::LOCATION)
            {
                redirects += 1;
                if redirects > MAX_REDIRECTS {
                    return Err(HostError::Failed(format!(
                        "more than {MAX_REDIRECTS} redirects"
                    )));
                }
                let location = location.to_str().map_err(|_| {
                    HostError::Failed("redirect with an unreadable Location".into())
                })?;
                let next = url
                    .join(location)
                    .map_err(|e| HostError::Failed(format!("redirect to an invalid URL: {e}")))?;
                let next = parse_url(next.as_str())?;
                if next.origin() != url.origin() {
                    headers.remove(reqwest::header::AUTHORIZATION);
                    headers.remove(reqwest::header::COOKIE);
                }
                if status == StatusCode::SEE_OTHER
                    || (matches!(status.as_u16(), 301 | 302) && method == Method::POST)
                {
                    method = Method::GET;
                    body = None;
                    headers.remove(reqwest::header::CONTENT_TYPE);
                    headers.remove(reqwest::header::CONTENT_LENGTH);
                }
                url = next;
                continue;
            }
            return read_response(self, &url, response).await;
        }
    }
}

async fn read_response(
    state: &mut RunState,
    url: &Url,
    response: reqwest::Response,
) -> Result<Response, HostError> {
    let cap = state.limits.http_response_bytes;
    if response
        .content_length()
        .is_some_and(|len| len > cap as u64)
    {
        return Err(HostError::Limit(format!(
            "response from {url} is larger than {cap} bytes"
        )));
    }
    let status = response.status().as_u16();
    let headers = response
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_string(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut body = Vec::new();
    let mut stream = response.bytes_stream();
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.map_err(|e| transport_error(state, url, e))?;
        if body.len() + chunk.len() > cap {
            return Err(HostError::Limit(format!(
                "response from {url} is larger than {cap} bytes"
            )));
        }
        body.extend_from_slice(&chunk);
    }
    Ok(Response {
        status,
        headers,
        body,
    })
}
