//! Reading the marketplace server's answers: RFC 9457 problem documents on
//! failure, printed as one line with their detail and failed check.

use serde::Deserialize;

/// An RFC 9457 problem document, with the marketplace's `check` member.
#[derive(Debug, Default, Deserialize)]
pub struct Problem {
    /// The problem type URI.
    #[serde(default, rename = "type")]
    pub kind: Option<String>,
    /// A short summary.
    #[serde(default)]
    pub title: Option<String>,
    /// What went wrong in this request.
    #[serde(default)]
    pub detail: Option<String>,
    /// The publish check that failed (`signature`, `world`, `version`, ...).
    #[serde(default)]
    pub check: Option<String>,
}

/// A one-paragraph message for a failed response: the status, the problem's
/// title and detail, the failed check when the server named one, or the
/// start of the body when it is not a problem document.
pub async fn describe_failure(action: &str, response: reqwest::Response) -> String {
    let status = response.status();
    let body = response.bytes().await.unwrap_or_default();
    let Ok(problem) = serde_json::from_slice::<Problem>(&body) else {
        let text = String::from_utf8_lossy(&body);
        let text: String = text.chars().take(300).collect();
        return format!("{action} failed: HTTP {status}: {text}");
    };
    let mut message = format!("{action} failed: HTTP {status}");
    if let Some(title) = &problem.title {
        message.push_str(&format!(": {title}"));
    }
    if let Some(detail) = &problem.detail {
        message.push_str(&format!(": {detail}"));
    }
    if let Some(check) = &problem.check {
        message.push_str(&format!("\nfailed check: {check}"));
    }
    if let Some(kind) = &problem.kind {
        message.push_str(&format!("\nproblem type: {kind}"));
    }
    message
}

/// `server` without a trailing slash, followed by `path`.
pub fn endpoint(server: &str, path: &str) -> String {
    format!("{}{path}", server.trim_end_matches('/'))
}
