//! HTTP basic authentication.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;

/// The `Authorization` header value for `username` and `password`.
pub fn basic_auth(username: &str, password: &str) -> String {
    let credentials = STANDARD.encode(format!("{username}:{password}"));
    format!("Basic {credentials}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_username_colon_password() {
        assert_eq!(basic_auth("ada", "p4ss"), "Basic YWRhOnA0c3M=");
        assert_eq!(basic_auth("AC123", "tok:en"), "Basic QUMxMjM6dG9rOmVu");
    }
}
