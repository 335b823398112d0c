//! The IANA special-purpose address registries as data, with the few blocks
//! outside them (multicast, site-local) that plugin HTTP must not reach.
//!
//! Sources: the IANA IPv4 Special-Purpose Address Registry and the IANA IPv6
//! Special-Purpose Address Registry (iana.org/assignments/iana-ipv4-special-registry,
//! iana.org/assignments/iana-ipv6-special-registry), entries through RFC 9780.
//! To update, add or change rows below; each row is one registry entry. The
//! most specific matching row decides, so an entry marked globally reachable
//! inside a larger reserved block (`192.0.0.9/32` in `192.0.0.0/24`) works as
//! the registry means it.
//!
//! Addresses that embed an IPv4 address (IPv4-mapped, NAT64 `64:ff9b::/96`,
//! 6to4 `2002::/16`, Teredo `2001::/32`) are judged by the IPv4 address they
//! lead to.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};
use std::sync::LazyLock;

use ipnet::IpNet;

/// How the host treats a registry block.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Reach {
    /// Not globally reachable: refused.
    Blocked,
    /// Globally reachable per the registry.
    Global,
    /// Carries an IPv4 address; the IPv4 address decides.
    Embeds(Embedding),
}

/// Where an IPv6 address carries an IPv4 address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Embedding {
    /// The last 32 bits (`::ffff:a.b.c.d`, `64:ff9b::a.b.c.d`).
    Last32,
    /// Bits 16..48 (6to4, `2002:AABB:CCDD::`).
    SixToFour,
    /// The client address: the last 32 bits inverted (Teredo).
    Teredo,
}

use Reach::{Blocked, Embeds, Global};

/// `(prefix, registry name, reach)`, one row per registry entry.
const TABLE: &[(&str, &str, Reach)] = &[
    // IPv4 Special-Purpose Address Registry.
    ("0.0.0.0/8", "\"this network\"", Blocked),
    ("10.0.0.0/8", "private-use", Blocked),
    (
        "100.64.0.0/10",
        "shared address space (carrier-grade NAT)",
        Blocked,
    ),
    ("127.0.0.0/8", "loopback", Blocked),
    ("169.254.0.0/16", "link-local (cloud metadata)", Blocked),
    ("172.16.0.0/12", "private-use", Blocked),
    ("192.0.0.0/24", "IETF protocol assignments", Blocked),
    ("192.0.0.0/29", "IPv4 service continuity prefix", Blocked),
    ("192.0.0.8/32", "IPv4 dummy address", Blocked),
    ("192.0.0.9/32", "port control protocol anycast", Global),
    (
        "192.0.0.10/32",
        "traversal using relays around NAT anycast",
        Global,
    ),
    ("192.0.0.170/31", "NAT64/DNS64 discovery", Blocked),
    ("192.0.2.0/24", "documentation (TEST-NET-1)", Blocked),
    ("192.31.196.0/24", "AS112-v4", Global),
    ("192.52.193.0/24", "AMT", Global),
    ("192.88.99.0/24", "deprecated 6to4 relay anycast", Blocked),
    ("192.168.0.0/16", "private-use", Blocked),
    ("192.175.48.0/24", "direct delegation AS112 service", Global),
    ("198.18.0.0/15", "benchmarking", Blocked),
    ("198.51.100.0/24", "documentation (TEST-NET-2)", Blocked),
    ("203.0.113.0/24", "documentation (TEST-NET-3)", Blocked),
    ("240.0.0.0/4", "reserved", Blocked),
    ("255.255.255.255/32", "limited broadcast", Blocked),
    // Outside the special-purpose registry, never a unicast destination.
    ("224.0.0.0/4", "multicast", Blocked),
    // IPv6 Special-Purpose Address Registry.
    ("::/128", "unspecified", Blocked),
    ("::1/128", "loopback", Blocked),
    ("::/96", "deprecated IPv4-compatible", Blocked),
    ("::ffff:0:0/96", "IPv4-mapped", Embeds(Embedding::Last32)),
    (
        "64:ff9b::/96",
        "IPv4/IPv6 translation (NAT64)",
        Embeds(Embedding::Last32),
    ),
    ("64:ff9b:1::/48", "local-use IPv4/IPv6 translation", Blocked),
    ("100::/64", "discard-only", Blocked),
    ("100:0:0:1::/64", "dummy IPv6 prefix", Blocked),
    ("2001::/23", "IETF protocol assignments", Blocked),
    ("2001::/32", "Teredo", Embeds(Embedding::Teredo)),
    ("2001:1::1/128", "port control protocol anycast", Global),
    (
        "2001:1::2/128",
        "traversal using relays around NAT anycast",
        Global,
    ),
    (
        "2001:1::3/128",
        "DNS-SD service registration protocol anycast",
        Global,
    ),
    ("2001:2::/48", "benchmarking", Blocked),
    ("2001:3::/32", "AMT", Global),
    ("2001:4:112::/48", "AS112-v6", Global),
    ("2001:10::/28", "deprecated ORCHID", Blocked),
    ("2001:20::/28", "ORCHIDv2", Global),
    (
        "2001:30::/28",
        "drone remote ID protocol entity tags",
        Global,
    ),
    ("2001:db8::/32", "documentation", Blocked),
    ("2002::/16", "6to4", Embeds(Embedding::SixToFour)),
    (
        "2620:4f:8000::/48",
        "direct delegation AS112 service",
        Global,
    ),
    ("3fff::/20", "documentation", Blocked),
    ("5f00::/16", "segment routing SIDs", Blocked),
    ("fc00::/7", "unique-local (private)", Blocked),
    ("fe80::/10", "link-local", Blocked),
    // Outside the special-purpose registry, never a unicast destination.
    ("fec0::/10", "deprecated site-local", Blocked),
    ("ff00::/8", "multicast", Blocked),
];

/// The table parsed, most specific prefix first.
static ENTRIES: LazyLock<Vec<(IpNet, &'static str, Reach)>> = LazyLock::new(|| {
    let mut entries: Vec<_> = TABLE
        .iter()
        .map(|(prefix, name, reach)| {
            let net: IpNet = prefix
                .parse()
                .expect("the registry table holds valid prefixes");
            (net, *name, *reach)
        })
        .collect();
    entries.sort_by_key(|(net, ..)| std::cmp::Reverse(net.prefix_len()));
    entries
});

/// Why `ip` is not a globally reachable unicast address, or `None` when it is.
pub fn special_purpose(ip: IpAddr) -> Option<&'static str> {
    let (_, name, reach) = ENTRIES.iter().find(|(net, ..)| net.contains(&ip))?;
    match (reach, ip) {
        (Global, _) => None,
        (Blocked, _) => Some(name),
        (Embeds(embedding), IpAddr::V6(v6)) => {
            let inner = embedded_v4(v6, *embedding);
            special_purpose(IpAddr::V4(inner))
        }
        (Embeds(_), IpAddr::V4(_)) => Some(name),
    }
}

fn embedded_v4(ip: Ipv6Addr, embedding: Embedding) -> Ipv4Addr {
    let bits = u128::from(ip);
    match embedding {
        Embedding::Last32 => Ipv4Addr::from(bits as u32),
        Embedding::SixToFour => Ipv4Addr::from((bits >> 80) as u32),
        Embedding::Teredo => Ipv4Addr::from(!(bits as u32)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reason(s: &str) -> Option<&'static str> {
        special_purpose(s.parse().unwrap())
    }

    #[test]
    fn every_table_row_parses() {
        assert_eq!(ENTRIES.len(), TABLE.len());
    }

    #[test]
    fn special_purpose_blocks_are_refused() {
        for ip in [
            "0.1.2.3",
            "10.0.0.1",
            "100.64.0.1",
            "127.0.0.1",
            "169.254.169.254",
            "172.31.255.255",
            "192.0.0.8",
            "192.0.0.171",
            "192.0.2.1",
            "192.88.99.1",
            "192.168.1.1",
            "198.19.0.1",
            "198.51.100.7",
            "203.0.113.9",
            "240.0.0.1",
            "255.255.255.255",
            "224.0.0.1",
            "::",
            "::1",
            "::a00:1",
            "64:ff9b:1::1",
            "100::1",
            "2001:2::1",
            "2001:db8::1",
            "3fff::1",
            "5f00::1",
            "fd00:ec2::254",
            "fe80::1",
            "fec0::1",
            "ff02::1",
        ] {
            assert!(reason(ip).is_some(), "{ip} must be refused");
        }
    }

    #[test]
    fn embedded_ipv4_addresses_decide() {
        // IPv4-mapped, NAT64, 6to4 and Teredo forms of 127.0.0.1 and 10.0.0.1.
        for ip in [
            "::ffff:127.0.0.1",
            "64:ff9b::7f00:1",
            "64:ff9b::a00:1",
            "2002:7f00:1::1",
            "2002:a00:1::",
            // Teredo client 10.0.0.1 is stored inverted: !0x0a000001 = 0xf5fffffe.
            "2001:0:4136:e378:8000:63bf:f5ff:fffe",
        ] {
            assert!(reason(ip).is_some(), "{ip} embeds a private address");
        }
        for ip in [
            "::ffff:93.184.216.34",
            "64:ff9b::5db8:d822",
            "2002:5db8:d822::1",
        ] {
            assert_eq!(reason(ip), None, "{ip} embeds a public address");
        }
    }

    #[test]
    fn globally_reachable_entries_and_public_addresses_pass() {
        for ip in [
            "192.0.0.9",
            "192.0.0.10",
            "192.31.196.1",
            "2001:1::1",
            "2001:20::1",
            "2620:4f:8000::1",
            "1.1.1.1",
            "93.184.216.34",
            "2606:4700:4700::1111",
        ] {
            assert_eq!(reason(ip), None, "{ip} is globally reachable");
        }
    }
}
