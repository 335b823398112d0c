//! A Twilio message status callback: the form Twilio POSTs to a message's
//! `StatusCallback` URL each time its status changes (`MessageSid`,
//! `MessageStatus`, `ErrorCode`, `To`, `AccountSid`, ...).

use serde_json::{Map, Value};

use super::status;

/// Provider name of Twilio receipts.
pub const PROVIDER: &str = "twilio";

/// What one callback reports.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusReport {
    /// `SM...` or `MM...`.
    pub message_sid: String,
    /// The status, in the receipt vocabulary.
    pub status: &'static str,
    /// Twilio's error code (`30003`, ...), for `failed` and `undelivered`.
    pub error_code: Option<String>,
    /// `To`, `AccountSid` and `ChannelStatusMessage` when present.
    pub detail: Map<String, Value>,
}

impl StatusReport {
    /// Names the report: a repeat of the same status of the same message is
    /// the same report.
    pub fn event_key(&self) -> String {
        format!("{}:{}", self.message_sid, self.status)
    }
}

/// The form body's parameters, decoded, in the order sent.
pub fn params(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

/// Reads a callback's parameters; the error says what is missing or wrong.
pub fn parse(params: &[(String, String)]) -> Result<StatusReport, String> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.trim())
            .filter(|v| !v.is_empty())
    };
    let message_sid = get("MessageSid")
        .or_else(|| get("SmsSid"))
        .ok_or("the callback has no MessageSid")?;
    if message_sid.len() > 64 || !message_sid.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(format!("MessageSid `{message_sid}` is not a Twilio SID"));
    }
    let raw = get("MessageStatus")
        .or_else(|| get("SmsStatus"))
        .ok_or("the callback has no MessageStatus")?;
    let status = status::twilio(raw).ok_or_else(|| format!("unknown MessageStatus `{raw}`"))?;
    let error_code = get("ErrorCode").map(|code| code.chars().take(32).collect());
    let mut detail = Map::new();
    for (name, key) in [
        ("To", "to"),
        ("AccountSid", "account_sid"),
        ("ChannelStatusMessage", "channel_status_message"),
    ] {
        if let Some(value) = get(name) {
            detail.insert(key.into(), Value::String(value.chars().take(256).collect()));
        }
    }
    Ok(StatusReport {
        message_sid: message_sid.to_string(),
        status,
        error_code,
        detail,
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn reads_an_undelivered_callback() {
        let body = b"SmsSid=SM5f3d1e0c2b&SmsStatus=undelivered&MessageStatus=undelivered\
&To=%2B447700900123&MessageSid=SM5f3d1e0c2b&AccountSid=AC0123456789abcdef\
&From=%2B15005550006&ApiVersion=2010-04-01&ErrorCode=30003";
        let report = parse(&params(body)).unwrap();
        assert_eq!(report.message_sid, "SM5f3d1e0c2b");
        assert_eq!(report.status, "undelivered");
        assert_eq!(report.error_code.as_deref(), Some("30003"));
        assert_eq!(
            Value::Object(report.detail.clone()),
            json!({ "to": "+447700900123", "account_sid": "AC0123456789abcdef" })
        );
        assert_eq!(report.event_key(), "SM5f3d1e0c2b:undelivered");
    }

    #[test]
    fn refuses_incomplete_or_unknown_reports() {
        assert_eq!(
            parse(&params(b"MessageStatus=sent")),
            Err("the callback has no MessageSid".into())
        );
        assert_eq!(
            parse(&params(b"MessageSid=SM1&MessageStatus=teleported")),
            Err("unknown MessageStatus `teleported`".into())
        );
        assert!(parse(&params(b"MessageSid=SM%2F..&MessageStatus=sent")).is_err());
    }
}
