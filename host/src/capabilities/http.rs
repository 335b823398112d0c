//! `http`: outbound requests made by the host on a plugin's behalf.
//!
//! Every hop (the first request and each redirect) is checked against the
//! plugin's requested and granted hosts, and against the operator's
//! [`NetworkPolicy`] after DNS resolution: the resolver reqwest connects with
//! drops non-public addresses, and IP-literal URLs are checked before sending.
//! Requests have a timeout, a body cap and a response-size cap.
//!
//! The client never reads `HTTP_PROXY`, `HTTPS_PROXY` or `ALL_PROXY`: a proxy
//! is used only when the operator names one (`--outbound-proxy`), and then the
//! host resolves each target itself and applies the same address guard before
//! the request leaves for the proxy.
//!
//! Arguments are checked before anything else: URL length, header count and
//! size, body size. A `Host` header must name the URL's own host. A redirect to
//! another origin keeps only the headers in [`CROSS_ORIGIN_HEADERS`]: anything
//! that could carry a credential (`Authorization`, `Cookie`, `X-Api-Key`,
//! `Proxy-Authorization`, a vendor's token header) stays behind.
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

use super::arguments::{MAX_HEADER_BYTES, MAX_HEADERS, MAX_URL_BYTES, check_bytes};
use super::grants::requested_http_host;
use super::http_script::HttpScript;
use super::network_policy::NetworkPolicy;
use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::http::{Host, Request, Response};
use crate::runtime::bindings::atlas::workflow::types::HostError;

/// Redirects followed for one request.
pub const MAX_REDIRECTS: u32 = 5;

/// Headers a redirect to another origin keeps; every other header is dropped.
pub const CROSS_ORIGIN_HEADERS: &[&str] = &[
    "accept",
    "accept-encoding",
    "accept-language",
    "cache-control",
    "content-language",
    "content-type",
    "if-match",
    "if-modified-since",
    "if-none-match",
    "if-unmodified-since",
    "pragma",
    "user-agent",
];

/// The process's outbound HTTP client.
#[derive(Clone)]
pub struct OutboundHttp {
    client: reqwest::Client,
    policy: Arc<NetworkPolicy>,
    script: Option<Arc<HttpScript>>,
    /// The operator's proxy; when set, targets are resolved and checked here.
    proxied: bool,
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

    /// A client that enforces `policy` on every connection and ignores the
    /// proxy environment variables.
    pub fn new(policy: NetworkPolicy) -> anyhow::Result<Self> {
        Self::with_proxy(policy, None)
    }

    /// [`OutboundHttp::new`] sending through the operator's `proxy` when given.
    /// The proxy's own address is not subject to the policy (the operator
    /// chose it); every target still is, checked by the host before sending.
    pub fn with_proxy(policy: NetworkPolicy, proxy: Option<&Url>) -> anyhow::Result<Self> {
        let policy = Arc::new(policy);
        let mut builder = reqwest::Client::builder()
            .no_proxy()
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(GuardedResolver {
                policy: policy.clone(),
                proxy_host: proxy
                    .and_then(|p| p.host_str())
                    .map(str::to_ascii_lowercase),
            }))
            .connect_timeout(Duration::from_secs(5))
            .pool_idle_timeout(Duration::from_secs(30))
            .user_agent(concat!("AtlasFlow/", env!("CARGO_PKG_VERSION")));
        if let Some(proxy) = proxy {
            builder = builder.proxy(reqwest::Proxy::all(proxy.as_str())?);
        }
        Ok(Self {
            client: builder.build()?,
            policy,
            script: None,
            proxied: proxy.is_some(),
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

/// Resolves with the system resolver, then keeps only addresses the policy
/// allows (the operator's proxy host excepted).
struct GuardedResolver {
    policy: Arc<NetworkPolicy>,
    proxy_host: Option<String>,
}

impl Resolve for GuardedResolver {
    fn resolve(&self, name: Name) -> Resolving {
        let policy = self.policy.clone();
        let is_proxy = self
            .proxy_host
            .as_deref()
            .is_some_and(|p| p.eq_ignore_ascii_case(name.as_str()));
        Box::pin(async move {
            let host = name.as_str().to_string();
            let resolved: Vec<SocketAddr> =
                tokio::net::lookup_host((host.as_str(), 0)).await?.collect();
            if is_proxy {
                return Ok(Box::new(resolved.into_iter()) as Addrs);
            }
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

    /// Through the operator's proxy the host does not connect to the target
    /// itself, so it resolves the name here and refuses it when any address
    /// it resolves to is one the policy blocks.
    async fn check_proxied_target(&mut self, url: &Url) -> Result<(), HostError> {
        if !self.services.http.proxied || self.services.http.script.is_some() {
            return Ok(());
        }
        let Some(host) = url.host_str() else {
            return Ok(());
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        if host.parse::<IpAddr>().is_ok() {
            return Ok(());
        }
        let port = url.port_or_known_default().unwrap_or(80);
        let resolved: Vec<SocketAddr> = match tokio::net::lookup_host((host, port)).await {
            Ok(addrs) => addrs.collect(),
            Err(_) => {
                return Err(HostError::Failed(format!("could not resolve {host}")));
            }
        };
        for addr in resolved {
            if let Some(reason) = self.services.http.policy.check(addr.ip()) {
                return Err(self.deny(
                    "http",
                    url.as_str(),
                    format!("{host} resolves to {} ({reason})", addr.ip()),
                ));
            }
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

/// Size checks on the request's URL, headers and body, before anything else.
fn check_request_size(
    request: &Request,
    limits: &crate::runtime::RunLimits,
) -> Result<(), HostError> {
    check_bytes("url", &request.url, MAX_URL_BYTES)?;
    check_bytes("method", &request.method, 16)?;
    if request.headers.len() > MAX_HEADERS {
        return Err(HostError::Invalid(format!(
            "a request may carry at most {MAX_HEADERS} headers; this one has {}",
            request.headers.len()
        )));
    }
    for (name, value) in &request.headers {
        if name.len() + value.len() > MAX_HEADER_BYTES {
            return Err(HostError::Invalid(format!(
                "header `{}` is larger than {MAX_HEADER_BYTES} bytes",
                crate::runtime::denials::truncate(name, 64)
            )));
        }
    }
    if request
        .body
        .as_ref()
        .is_some_and(|b| b.len() > limits.http_request_bytes)
    {
        return Err(HostError::Limit(format!(
            "request bodies are at most {} bytes",
            limits.http_request_bytes
        )));
    }
    Ok(())
}

/// A `Host` header, when the guest sends one, must name the URL's host (and
/// its port, when the URL has a non-default one).
fn check_host_header(url: &Url, headers: &reqwest::header::HeaderMap) -> Result<(), HostError> {
    let Some(value) = headers.get(reqwest::header::HOST) else {
        return Ok(());
    };
    let value = value
        .to_str()
        .map_err(|_| HostError::Invalid("the Host header is not text".into()))?;
    let host = url.host_str().unwrap_or("");
    let expected = match url.port() {
        Some(port) => format!("{host}:{port}"),
        None => host.to_string(),
    };
    let default_port = url
        .port_or_known_default()
        .map(|p| format!("{host}:{p}"))
        .unwrap_or_default();
    if value.eq_ignore_ascii_case(&expected) || value.eq_ignore_ascii_case(&default_port) {
        return Ok(());
    }
    Err(HostError::Invalid(format!(
        "the Host header `{}` does not match the URL's host `{expected}`",
        crate::runtime::denials::truncate(value, 256)
    )))
}

/// The headers a redirect to another origin may carry on.
fn keep_cross_origin(headers: &mut reqwest::header::HeaderMap) {
    let names: Vec<_> = headers.keys().cloned().collect();
    for name in names {
        if !CROSS_ORIGIN_HEADERS.contains(&name.as_str()) {
            headers.remove(&name);
        }
    }
}

impl Host for RunState {
    async fn fetch(&mut self, request: Request) -> Result<Response, HostError> {
        check_request_size(&request, &self.limits)?;
        let mut method = parse_method(&request.method)?;
        let mut url = parse_url(&request.url)?;
        let mut body = request.body;
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
        check_host_header(&url, &headers)?;

        let mut redirects = 0;
        loop {
            self.check_http_target(&url)?;
            self.check_proxied_target(&url).await?;
            self.count_http_request()?;
            if self.test_mode && self.services.http.script.is_none() {
                let sent = body.as_ref().map_or(0, Vec::len);
                return Ok(self.dry_run_response(method.as_str(), url.as_str(), sent));
            }
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
                    keep_cross_origin(&mut headers);
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
