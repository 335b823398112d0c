//! `X-Twilio-Signature`: base64 of HMAC-SHA1, keyed with the account's auth
//! token, over the full URL Twilio requested followed by every POST
//! parameter, sorted by name (then value), each name and value concatenated.
//! Twilio's own validators also accept the URL with its port removed, or
//! with the scheme's default port added, since proxies differ on it; so does
//! [`verify`].

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha1::Sha1;

type HmacSha1 = Hmac<Sha1>;

/// The signature Twilio sends for a form POST of `params` to `url`.
pub fn sign(auth_token: &str, url: &str, params: &[(String, String)]) -> String {
    STANDARD.encode(mac(auth_token, url, params).finalize().into_bytes())
}

/// True when `signature` (the header's value) is Twilio's signature of the
/// request; compared in constant time.
pub fn verify(auth_token: &str, url: &str, params: &[(String, String)], signature: &str) -> bool {
    let Ok(expected) = STANDARD.decode(signature.trim()) else {
        return false;
    };
    [Some(url.to_string()), port_variant(url)]
        .into_iter()
        .flatten()
        .any(|candidate| {
            mac(auth_token, &candidate, params)
                .verify_slice(&expected)
                .is_ok()
        })
}

fn mac(auth_token: &str, url: &str, params: &[(String, String)]) -> HmacSha1 {
    let mut sorted: Vec<&(String, String)> = params.iter().collect();
    sorted.sort();
    let mut mac = HmacSha1::new_from_slice(auth_token.as_bytes()).expect("HMAC takes any key");
    mac.update(url.as_bytes());
    for (name, value) in sorted {
        mac.update(name.as_bytes());
        mac.update(value.as_bytes());
    }
    mac
}

/// `url` without its port when it names one, else with its scheme's default port.
fn port_variant(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let default = match scheme.to_ascii_lowercase().as_str() {
        "https" => "443",
        "http" => "80",
        _ => return None,
    };
    let end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let (authority, tail) = rest.split_at(end);
    let host_end = authority.rfind(']').map_or(0, |i| i + 1);
    let variant = match authority[host_end..].rfind(':') {
        Some(colon) => {
            let at = host_end + colon;
            let port = &authority[at + 1..];
            if !port.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            authority[..at].to_string()
        }
        None => format!("{authority}:{default}"),
    };
    Some(format!("{scheme}://{variant}{tail}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    const URL: &str = "https://mycompany.com/myapp.php?foo=1&bar=2";

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect()
    }

    fn call() -> Vec<(String, String)> {
        params(&[
            ("CallSid", "CA1234567890ABCDE"),
            ("Digits", "1234"),
            ("From", "+14158675309"),
            ("To", "+18005551212"),
            ("Caller", "+14158675309"),
        ])
    }

    /// The example Twilio's server-side helper libraries test against.
    #[test]
    fn matches_twilios_published_example() {
        assert_eq!(sign("12345", URL, &call()), "RSOYDt4T1cUTdK1PDd93/VVr8B8=");
        assert!(verify(
            "12345",
            URL,
            &call(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
    }

    #[test]
    fn repeated_names_sort_by_value() {
        let repeated = params(&[
            ("Sid", "CA123"),
            ("SidAccount", "AC123"),
            ("Digits", "5678"),
            ("Digits", "1234"),
        ]);
        assert_eq!(
            sign("12345", URL, &repeated),
            "IK+Dwps556ElfBT0I3Rgjkr1wJU="
        );
    }

    #[test]
    fn accepts_the_url_with_or_without_its_default_port() {
        let with_port = "https://mycompany.com:443/myapp.php?foo=1&bar=2";
        assert!(verify(
            "12345",
            with_port,
            &call(),
            "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        ));
        assert_eq!(
            port_variant("http://127.0.0.1:8080/hooks").as_deref(),
            Some("http://127.0.0.1/hooks")
        );
        assert_eq!(
            port_variant("https://[::1]/x").as_deref(),
            Some("https://[::1]:443/x")
        );
    }

    #[test]
    fn refuses_other_tokens_params_urls_and_garbage() {
        let good = sign("12345", URL, &call());
        assert!(!verify("54321", URL, &call(), &good));
        let mut changed = call();
        changed[1].1 = "9999".into();
        assert!(!verify("12345", URL, &changed, &good));
        assert!(!verify(
            "12345",
            "https://mycompany.com/other",
            &call(),
            &good
        ));
        assert!(!verify("12345", URL, &call(), "not base64!"));
        assert!(!verify("12345", URL, &call(), ""));
    }
}
