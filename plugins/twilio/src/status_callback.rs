//! The delivery-status webhook a message names when its input gives none:
//! the install setting `twilio_status_callback_url` (the host's
//! `/api/v2/hooks/twilio/status` route) followed by the org, execution and
//! step ids, so each status Twilio reports is recorded against the step that
//! sent the message.

use atlas_sdk::{ActionError, Context};

/// The optional install setting naming the host's status route.
pub const STATUS_CALLBACK_SETTING: &str = "twilio_status_callback_url";

/// `{setting}/{org}/{execution}/{step}`, each id percent-encoded as a path
/// segment; a setting that is not an absolute http(s) URL is a fatal error.
pub fn for_step(setting: &str, ctx: &Context) -> Result<String, ActionError> {
    let base = setting.trim().trim_end_matches('/');
    if !(base.starts_with("https://") || base.starts_with("http://")) {
        return Err(ActionError::fatal(format!(
            "install setting `{STATUS_CALLBACK_SETTING}` must be an absolute http or https URL, got `{base}`"
        )));
    }
    Ok(format!(
        "{base}/{}/{}/{}",
        segment(&ctx.org_id),
        segment(&ctx.execution_id),
        segment(&ctx.step_id)
    ))
}

/// Percent-encodes everything but RFC 3986 unreserved characters.
fn segment(text: &str) -> String {
    let mut encoded = String::with_capacity(text.len());
    for byte in text.bytes() {
        match byte {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                encoded.push(char::from(byte));
            }
            other => encoded.push_str(&format!("%{other:02X}")),
        }
    }
    encoded
}

#[cfg(test)]
mod tests {
    use super::*;

    fn context() -> Context {
        Context {
            org_id: "org-iron".into(),
            execution_id: "0197a1b2-c3d4".into(),
            step_id: "send sms".into(),
            ..Context::default()
        }
    }

    #[test]
    fn appends_org_execution_and_step() {
        assert_eq!(
            for_step(
                "https://atlas.gym.example/api/v2/hooks/twilio/status/",
                &context()
            )
            .unwrap(),
            "https://atlas.gym.example/api/v2/hooks/twilio/status/org-iron/0197a1b2-c3d4/send%20sms"
        );
    }

    #[test]
    fn refuses_a_relative_setting() {
        assert_eq!(
            for_step("/hooks/twilio", &context()),
            Err(ActionError::fatal(
                "install setting `twilio_status_callback_url` must be an absolute http or https URL, got `/hooks/twilio`"
            ))
        );
    }
}
