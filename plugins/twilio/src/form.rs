//! `application/x-www-form-urlencoded` bodies.

/// The pairs encoded as a form body: `*-._` and ASCII letters and digits
/// stay, a space becomes `+`, every other byte of the UTF-8 text becomes `%XX`.
pub fn encode(pairs: &[(&str, &str)]) -> String {
    pairs
        .iter()
        .map(|(name, value)| format!("{}={}", escape(name), escape(value)))
        .collect::<Vec<_>>()
        .join("&")
}

fn escape(text: &str) -> String {
    let mut escaped = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'*' | b'-' | b'.' | b'_' => {
                escaped.push(char::from(byte));
            }
            b' ' => escaped.push('+'),
            other => escaped.push_str(&format!("%{other:02X}")),
        }
    }
    escaped
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_like_a_browser_form() {
        assert_eq!(
            encode(&[
                ("To", "whatsapp:+447700900123"),
                ("Body", "Hi Ada & co, 10% off!")
            ]),
            "To=whatsapp%3A%2B447700900123&Body=Hi+Ada+%26+co%2C+10%25+off%21"
        );
        assert_eq!(encode(&[("Body", "café ✓")]), "Body=caf%C3%A9+%E2%9C%93");
        assert_eq!(encode(&[]), "");
    }
}
