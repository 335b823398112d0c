//! Which IP addresses outbound HTTP may reach: globally reachable unicast only
//! (the IANA special-purpose registries, [`special_purpose`]), unless the
//! operator allowlists a range (for example a loopback test server).

use std::net::IpAddr;

use ipnet::IpNet;
use serde::{Deserialize, Serialize};

use super::special_addresses::special_purpose;

/// The operator's network policy for plugin HTTP.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct NetworkPolicy {
    /// Ranges reachable even though they are not public (`127.0.0.0/8`, `10.1.2.0/24`).
    pub allow: Vec<IpNet>,
}

impl NetworkPolicy {
    /// A policy that also allows loopback addresses (local testing).
    pub fn allowing_loopback() -> Self {
        Self {
            allow: vec![
                "127.0.0.0/8".parse().expect("valid literal"),
                "::1/128".parse().expect("valid literal"),
            ],
        }
    }

    /// `None` when `ip` may be reached, else why not.
    pub fn check(&self, ip: IpAddr) -> Option<&'static str> {
        if self.allow.iter().any(|net| net.contains(&ip)) {
            return None;
        }
        blocked_reason(ip)
    }
}

/// Why an address is not public, or `None` for a globally reachable unicast
/// address (see [`special_purpose`]).
pub fn blocked_reason(ip: IpAddr) -> Option<&'static str> {
    special_purpose(ip)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn blocked(s: &str) -> bool {
        NetworkPolicy::default().check(s.parse().unwrap()).is_some()
    }

    #[test]
    fn non_public_addresses_are_blocked() {
        for ip in [
            "127.0.0.1",
            "10.0.0.1",
            "172.16.5.4",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "::1",
            "::",
            "fe80::1",
            "fd00:ec2::254",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "64:ff9b::a00:1",
            "224.0.0.1",
        ] {
            assert!(blocked(ip), "{ip} should be blocked");
        }
    }

    #[test]
    fn public_addresses_pass() {
        for ip in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111"] {
            assert!(!blocked(ip), "{ip} should pass");
        }
    }

    #[test]
    fn the_allowlist_opens_a_range() {
        let policy = NetworkPolicy::allowing_loopback();
        assert_eq!(policy.check("127.0.0.1".parse().unwrap()), None);
        assert_eq!(policy.check("::1".parse().unwrap()), None);
        assert!(policy.check("10.0.0.1".parse().unwrap()).is_some());
    }
}
