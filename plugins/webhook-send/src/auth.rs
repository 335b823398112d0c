//! Authentication headers, built from the plugin's secrets.

use atlas_sdk::ActionError;
use provider_common::basic_auth::basic_auth;

use crate::input::Auth;
use crate::signature;

/// The headers that authenticate a request carrying `body`, sent at `now_unix_ms`.
///
/// `secret` reads one named secret; it is called only for the secrets the
/// chosen scheme needs.
pub fn auth_headers(
    auth: &Auth,
    body: &[u8],
    now_unix_ms: u64,
    mut secret: impl FnMut(&str) -> Result<String, ActionError>,
) -> Result<Vec<(String, String)>, ActionError> {
    Ok(match auth {
        Auth::None => Vec::new(),
        Auth::Bearer { token_secret } => {
            let token = secret(token_secret)?;
            vec![("Authorization".to_owned(), format!("Bearer {token}"))]
        }
        Auth::Basic {
            username,
            password_secret,
        } => {
            let password = secret(password_secret)?;
            vec![("Authorization".to_owned(), basic_auth(username, &password))]
        }
        Auth::Hmac {
            signing_secret,
            header,
            timestamp_header,
        } => {
            let key = secret(signing_secret)?;
            let unix_seconds = now_unix_ms / 1000;
            vec![
                (
                    header.clone(),
                    signature::sign(key.as_bytes(), unix_seconds, body),
                ),
                (timestamp_header.clone(), unix_seconds.to_string()),
            ]
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secrets(name: &str) -> Result<String, ActionError> {
        match name {
            "token" => Ok("t0k3n".into()),
            "password" => Ok("p4ss".into()),
            "key" => Ok("secret".into()),
            other => Err(ActionError::fatal(format!("secret `{other}` is not set"))),
        }
    }

    #[test]
    fn none_needs_no_secret() {
        let headers = auth_headers(&Auth::None, b"", 0, |_| unreachable!()).unwrap();
        assert!(headers.is_empty());
    }

    #[test]
    fn bearer_and_basic_read_their_secret() {
        let bearer = Auth::Bearer {
            token_secret: "token".into(),
        };
        assert_eq!(
            auth_headers(&bearer, b"", 0, secrets).unwrap(),
            [("Authorization".to_owned(), "Bearer t0k3n".to_owned())]
        );
        let basic = Auth::Basic {
            username: "ada".into(),
            password_secret: "password".into(),
        };
        assert_eq!(
            auth_headers(&basic, b"", 0, secrets).unwrap(),
            [("Authorization".to_owned(), "Basic YWRhOnA0c3M=".to_owned())]
        );
    }

    #[test]
    fn hmac_signs_body_with_seconds() {
        let hmac = Auth::Hmac {
            signing_secret: "key".into(),
            header: "X-Sig".into(),
            timestamp_header: "X-Ts".into(),
        };
        let headers = auth_headers(&hmac, br#"{"a":1}"#, 1_700_000_000_999, secrets).unwrap();
        assert_eq!(
            headers,
            [
                (
                    "X-Sig".to_owned(),
                    "sha256=49f24e537407743fa4a0242bb63b94b9a47ee99cbbe071ccd8a22550ae411686"
                        .to_owned()
                ),
                ("X-Ts".to_owned(), "1700000000".to_owned()),
            ]
        );
    }

    #[test]
    fn missing_secret_fails() {
        let bearer = Auth::Bearer {
            token_secret: "absent".into(),
        };
        let error = auth_headers(&bearer, b"", 0, secrets).unwrap_err();
        assert_eq!(error, ActionError::fatal("secret `absent` is not set"));
    }
}
