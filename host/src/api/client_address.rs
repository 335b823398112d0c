//! Who is on the other end of the connection, for per-address limits: the
//! socket's peer address, or, behind a proxy, the address the proxy put in
//! the header named by `--client-address-header`. In a list such as
//! `X-Forwarded-For: client, proxy1` the last entry is used: it is the one
//! the nearest proxy (the one the operator trusts) wrote; earlier entries
//! are whatever the client claimed. IPv6 addresses are counted per /64,
//! the block one subscriber usually holds.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderName};
use axum::middleware::Next;
use axum::response::Response;

use super::AppState;

/// The client's address as this server counts it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ClientAddress(pub IpAddr);

impl ClientAddress {
    /// The address with nothing known about the peer (no socket address,
    /// no usable header): all such requests share one budget.
    pub const UNKNOWN: Self = Self(IpAddr::V4(Ipv4Addr::UNSPECIFIED));

    /// The address the client-address layer recorded on `request`, or
    /// [`ClientAddress::UNKNOWN`].
    pub fn recorded_on<B>(request: &axum::http::Request<B>) -> Self {
        request
            .extensions()
            .get::<ClientAddress>()
            .copied()
            .unwrap_or(ClientAddress::UNKNOWN)
    }

    /// The key limits count this address under: IPv4 as is (IPv4-mapped
    /// IPv6 as IPv4), IPv6 by its /64 network.
    pub fn limit_key(self) -> IpAddr {
        match self.0 {
            IpAddr::V4(v4) => IpAddr::V4(v4),
            IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
                Some(v4) => IpAddr::V4(v4),
                None => {
                    let s = v6.segments();
                    IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
                }
            },
        }
    }

    /// The address of a request: from `header` when configured and it holds
    /// an address, else the socket's peer.
    pub fn of(headers: &HeaderMap, peer: Option<SocketAddr>, header: Option<&HeaderName>) -> Self {
        header
            .and_then(|name| from_header(headers, name))
            .or_else(|| peer.map(|p| p.ip()))
            .map(Self)
            .unwrap_or(Self::UNKNOWN)
    }
}

/// The last address in the last occurrence of `name`.
fn from_header(headers: &HeaderMap, name: &HeaderName) -> Option<IpAddr> {
    let value = headers.get_all(name).iter().next_back()?.to_str().ok()?;
    let last = value.rsplit(',').next()?.trim();
    last.parse::<IpAddr>()
        .ok()
        .or_else(|| last.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| {
            last.strip_prefix('[')
                .and_then(|rest| rest.strip_suffix(']'))
                .and_then(|ip| ip.parse().ok())
        })
}

/// Middleware: records the [`ClientAddress`] of every request before
/// anything else looks at it.
pub async fn identify(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0);
    let address = ClientAddress::of(
        request.headers(),
        peer,
        state.settings.client_address_header.as_ref(),
    );
    request.extensions_mut().insert(address);
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.append(
                HeaderName::from_bytes(name.as_bytes()).unwrap(),
                value.parse().unwrap(),
            );
        }
        map
    }

    #[test]
    fn the_peer_unless_a_configured_header_names_an_address() {
        let peer: SocketAddr = "198.51.100.7:5000".parse().unwrap();
        let xff = HeaderName::from_static("x-forwarded-for");
        let spoofed = headers(&[("x-forwarded-for", "10.0.0.1, 203.0.113.9")]);
        assert_eq!(
            ClientAddress::of(&spoofed, Some(peer), None).0,
            peer.ip(),
            "the header counts only when configured"
        );
        assert_eq!(
            ClientAddress::of(&spoofed, Some(peer), Some(&xff)).0,
            "203.0.113.9".parse::<IpAddr>().unwrap()
        );
        let garbage = headers(&[("x-forwarded-for", "not an address")]);
        assert_eq!(
            ClientAddress::of(&garbage, Some(peer), Some(&xff)).0,
            peer.ip()
        );
        let bracketed = headers(&[("x-forwarded-for", "[2001:db8::1]:443")]);
        assert_eq!(
            ClientAddress::of(&bracketed, None, Some(&xff)).0,
            "2001:db8::1".parse::<IpAddr>().unwrap()
        );
        assert_eq!(
            ClientAddress::of(&HeaderMap::new(), None, Some(&xff)),
            ClientAddress::UNKNOWN
        );
    }

    #[test]
    fn ipv6_counts_per_64_and_mapped_ipv4_as_ipv4() {
        let a = ClientAddress("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = ClientAddress("2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a.limit_key(), b.limit_key());
        assert_eq!(
            ClientAddress("::ffff:192.0.2.1".parse().unwrap()).limit_key(),
            "192.0.2.1".parse::<IpAddr>().unwrap()
        );
    }
}
