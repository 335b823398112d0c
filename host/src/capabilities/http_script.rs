//! A scripted HTTP transport: answers requests from a list of prepared
//! exchanges instead of the network, and records every request it is asked.
//!
//! [`OutboundHttp::scripted`](super::OutboundHttp::scripted) puts it behind
//! the same client the capabilities use, so a plugin's HTTP still passes the
//! manifest and grant checks and the language-model provider's calls are
//! answered too; only the last step, sending, is replaced. `atlas plugin test`
//! runs actions against it with no network at all.

use std::sync::{Mutex, MutexGuard};

use reqwest::{Method, Url};

/// One prepared answer: a request it matches and the response it gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedExchange {
    /// The method it answers (`GET`, `POST`, ...), compared case-insensitively.
    pub method: String,
    /// The exact URL it answers, query string included (compared after parsing).
    pub url: String,
    /// What it answers.
    pub response: ScriptedResponse,
}

/// A response the script gives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScriptedResponse {
    /// The status code.
    pub status: u16,
    /// Response headers.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

/// A request the transport was asked to send.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedRequest {
    /// The method.
    pub method: String,
    /// The URL as sent.
    pub url: String,
    /// The headers, names lower-case.
    pub headers: Vec<(String, String)>,
    /// The body (empty when there was none).
    pub body: Vec<u8>,
    /// Index of the exchange that answered it; `None` when nothing matched.
    pub answered_by: Option<usize>,
}

#[derive(Debug, Default)]
struct ScriptState {
    exchanges: Vec<ScriptedExchange>,
    used: Vec<bool>,
    requests: Vec<RecordedRequest>,
}

/// The exchanges of one scripted run and the requests made so far.
///
/// Exchanges that match the same method and URL answer in order, each once;
/// the last of them keeps answering once the others are used up.
#[derive(Debug, Default)]
pub struct HttpScript {
    state: Mutex<ScriptState>,
}

impl HttpScript {
    /// An empty script: every request goes unanswered.
    pub fn new() -> Self {
        Self::default()
    }

    /// Replaces the exchanges and forgets the recorded requests.
    pub fn reset(&self, exchanges: Vec<ScriptedExchange>) {
        let mut state = self.lock();
        state.used = vec![false; exchanges.len()];
        state.exchanges = exchanges;
        state.requests.clear();
    }

    /// Every request made since the last [`reset`](Self::reset), in order.
    pub fn requests(&self) -> Vec<RecordedRequest> {
        self.lock().requests.clone()
    }

    /// Indexes of the exchanges no request has used.
    pub fn unused(&self) -> Vec<usize> {
        let state = self.lock();
        (0..state.exchanges.len())
            .filter(|&index| !state.used[index])
            .collect()
    }

    /// Records `request` and answers it, or returns `None` when no exchange
    /// matches its method and URL.
    pub(crate) fn answer(&self, request: &reqwest::Request) -> Option<reqwest::Response> {
        let mut state = self.lock();
        let matching: Vec<usize> = state
            .exchanges
            .iter()
            .enumerate()
            .filter(|(_, exchange)| matches(exchange, request.method(), request.url()))
            .map(|(index, _)| index)
            .collect();
        let chosen = matching
            .iter()
            .copied()
            .find(|&index| !state.used[index])
            .or_else(|| matching.last().copied());
        state.requests.push(RecordedRequest {
            method: request.method().as_str().to_owned(),
            url: request.url().as_str().to_owned(),
            headers: request
                .headers()
                .iter()
                .map(|(name, value)| {
                    (
                        name.as_str().to_owned(),
                        String::from_utf8_lossy(value.as_bytes()).into_owned(),
                    )
                })
                .collect(),
            body: request
                .body()
                .and_then(|body| body.as_bytes())
                .map(<[u8]>::to_vec)
                .unwrap_or_default(),
            answered_by: chosen,
        });
        let index = chosen?;
        state.used[index] = true;
        Some(to_response(&state.exchanges[index].response))
    }

    fn lock(&self) -> MutexGuard<'_, ScriptState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

fn matches(exchange: &ScriptedExchange, method: &Method, url: &Url) -> bool {
    exchange.method.eq_ignore_ascii_case(method.as_str())
        && Url::parse(&exchange.url).is_ok_and(|scripted| &scripted == url)
}

fn to_response(scripted: &ScriptedResponse) -> reqwest::Response {
    let mut builder = axum::http::Response::builder().status(scripted.status);
    for (name, value) in &scripted.headers {
        builder = builder.header(name.as_str(), value.as_str());
    }
    let response = builder.body(scripted.body.clone()).unwrap_or_else(|error| {
        let mut fallback = axum::http::Response::new(error.to_string().into_bytes());
        *fallback.status_mut() = axum::http::StatusCode::INTERNAL_SERVER_ERROR;
        fallback
    });
    reqwest::Response::from(response)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn exchange(url: &str, status: u16) -> ScriptedExchange {
        ScriptedExchange {
            method: "get".into(),
            url: url.into(),
            response: ScriptedResponse {
                status,
                headers: vec![("content-type".into(), "text/plain".into())],
                body: b"ok".to_vec(),
            },
        }
    }

    fn request(url: &str) -> reqwest::Request {
        reqwest::Request::new(Method::GET, Url::parse(url).unwrap())
    }

    #[test]
    fn exchanges_answer_in_order_and_the_last_repeats() {
        let script = HttpScript::new();
        script.reset(vec![
            exchange("https://api.example.com/a", 503),
            exchange("https://api.example.com/a", 200),
        ]);
        let statuses: Vec<u16> = (0..3)
            .map(|_| {
                script
                    .answer(&request("https://api.example.com/a"))
                    .unwrap()
                    .status()
                    .as_u16()
            })
            .collect();
        assert_eq!(statuses, [503, 200, 200]);
        assert!(script.unused().is_empty());
    }

    #[test]
    fn unmatched_requests_are_recorded_without_an_answer() {
        let script = HttpScript::new();
        script.reset(vec![exchange("https://api.example.com/a?x=1", 200)]);
        assert!(
            script
                .answer(&request("https://api.example.com/a?x=2"))
                .is_none()
        );
        let requests = script.requests();
        assert_eq!(requests.len(), 1);
        assert_eq!(requests[0].answered_by, None);
        assert_eq!(script.unused(), [0]);
    }
}
