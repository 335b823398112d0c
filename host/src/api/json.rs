//! Request bodies and query strings that fail with a useful problem document:
//! malformed JSON is a 400 with line and column, a wrong type or an unknown
//! field a 422 naming the field, an oversized body a 413, a wrong content type a 415.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::problem::{FieldError, Problem};

/// A JSON body of type `T`.
#[derive(Debug, Clone)]
pub struct ApiJson<T>(pub T);

/// Parses `bytes` as `T`, with errors as problems.
pub fn parse_body<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Problem> {
    let malformed = |e: &serde_json::Error| {
        Problem::bad_request(
            "malformed-json",
            format!("the request body is not valid JSON: {e}"),
        )
    };
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(value) => {
            de.end().map_err(|e| malformed(&e))?;
            Ok(value)
        }
        Err(error) => {
            let path = error.path().to_string();
            let inner = error.into_inner();
            match inner.classify() {
                serde_json::error::Category::Data => {
                    let field = if path == "." { String::new() } else { path };
                    Err(Problem::validation(
                        format!("the request body does not have the expected shape: {inner}"),
                        vec![FieldError {
                            node_id: None,
                            field,
                            reason: strip_position(&inner.to_string()),
                        }],
                    ))
                }
                _ => Err(malformed(&inner)),
            }
        }
    }
}

/// serde_json appends "at line 1 column 9" to data errors; the field path says more.
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Reads a whole body, mapping the body limit to 413.
pub async fn read_body<S: Send + Sync>(request: Request, state: &S) -> Result<Bytes, Problem> {
    Bytes::from_request(request, state)
        .await
        .map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                Problem::new(
                    StatusCode::PAYLOAD_TOO_LARGE,
                    "body-too-large",
                    "Request body too large",
                    "the request body exceeds the server's size limit",
                )
            } else {
                Problem::bad_request("unreadable-body", rejection.body_text())
            }
        })
}

/// A raw JSON body: the content type checked, the size limit applied.
#[derive(Debug, Clone)]
pub struct JsonBytes(pub Bytes);

impl<S: Send + Sync> FromRequest<S> for JsonBytes {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let json = request
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .map(|v| {
                let mime = v
                    .split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase();
                mime == "application/json" || mime.ends_with("+json")
            })
            .unwrap_or(false);
        if !json {
            return Err(Problem::new(
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "Unsupported media type",
                "send the body as JSON with `Content-Type: application/json`",
            ));
        }
        read_body(request, state).await.map(JsonBytes)
    }
}

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Problem;

    async fn from_request(request: Request, state: &S) -> Result<Self, Problem> {
        let bytes = JsonBytes::from_request(request, state).await?;
        parse_body(&bytes.0).map(ApiJson)
    }
}

/// A query string of type `T`.
#[derive(Debug, Clone)]
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Problem> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize(de)
            .map(ApiQuery)
            .map_err(|e| {
                let field = e.path().to_string();
                Problem::bad_request(
                    "invalid-query",
                    format!("invalid query string: {}", e.inner()),
                )
                .with_errors(vec![FieldError {
                    node_id: None,
                    field,
                    reason: e.inner().to_string(),
                }])
            })
    }
}

/// A path parameter of type `T`; a value that does not decode is a 400 problem.
#[derive(Debug, Clone)]
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Problem;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Problem> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|rejection| {
                Problem::bad_request(
                    "invalid-path",
                    format!("a path parameter is not valid: {}", rejection.body_text()),
                )
            })
    }
}
