//! RFC 9457 problem details: every error the API returns has a stable `type`,
//! a `title`, the HTTP `status` and a human `detail`; validation problems add
//! field-level `errors`.

use axum::Json;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

/// Base of the stable problem `type` URIs.
pub const TYPE_BASE: &str = "https://atlasflow.dev/problems/";

/// One field-level error of a validation problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The node the error is about, for workflow documents.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_id: Option<String>,
    /// The field, as a dotted path (`config.input.to`) or a JSON path (`nodes[2].id`).
    pub field: String,
    /// What is wrong with it.
    pub reason: String,
}

/// A problem document.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct Problem {
    /// Stable identifier of the kind of problem.
    #[serde(rename = "type")]
    pub kind: String,
    /// Short, fixed summary of the kind.
    pub title: String,
    /// HTTP status.
    pub status: u16,
    /// What went wrong in this case.
    pub detail: String,
    /// Field-level errors (validation problems).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// Members specific to the kind (`current_version` on a conflict, ...).
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub extensions: Box<Map<String, Value>>,
    /// Response headers (`Retry-After`, `WWW-Authenticate`, `ETag`).
    #[serde(skip)]
    #[schema(ignore)]
    pub headers: Box<HeaderMap>,
}

impl Problem {
    /// A problem of kind `slug` (appended to [`TYPE_BASE`]).
    pub fn new(status: StatusCode, slug: &str, title: &str, detail: impl Into<String>) -> Self {
        Self {
            kind: format!("{TYPE_BASE}{slug}"),
            title: title.to_string(),
            status: status.as_u16(),
            detail: detail.into(),
            errors: Vec::new(),
            extensions: Box::default(),
            headers: Box::default(),
        }
    }

    /// Adds field-level errors.
    pub fn with_errors(mut self, errors: Vec<FieldError>) -> Self {
        self.errors = errors;
        self
    }

    /// Adds a kind-specific member.
    pub fn with(mut self, name: &str, value: impl Into<Value>) -> Self {
        self.extensions.insert(name.to_string(), value.into());
        self
    }

    /// Adds a response header.
    pub fn with_header(mut self, name: HeaderName, value: &str) -> Self {
        if let Ok(value) = HeaderValue::from_str(value) {
            self.headers.insert(name, value);
        }
        self
    }

    /// 400: the request is malformed (bad JSON, bad query, bad cursor).
    pub fn bad_request(slug: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, slug, "Bad request", detail)
    }

    /// 401: no or invalid credentials.
    pub fn unauthorized(detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Authentication required",
            detail,
        )
        .with_header(header::WWW_AUTHENTICATE, "Bearer realm=\"atlas\"")
    }

    /// 403: authenticated, but the role may not do this.
    pub fn forbidden(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::FORBIDDEN, "forbidden", "Forbidden", detail)
    }

    /// 404 for a missing resource (or another org's).
    pub fn not_found(detail: impl Into<String>) -> Self {
        Self::new(StatusCode::NOT_FOUND, "not-found", "Not found", detail)
    }

    /// 409: the resource changed, or is in a state that refuses the request.
    pub fn conflict(slug: &str, detail: impl Into<String>) -> Self {
        Self::new(StatusCode::CONFLICT, slug, "Conflict", detail)
    }

    /// 422: well-formed but invalid; `errors` says where.
    pub fn validation(detail: impl Into<String>, errors: Vec<FieldError>) -> Self {
        Self::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation",
            "Validation failed",
            detail,
        )
        .with_errors(errors)
    }

    /// 429 with `Retry-After` in whole seconds.
    pub fn rate_limited(retry_after_secs: u64, detail: impl Into<String>) -> Self {
        Self::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate-limited",
            "Too many requests",
            detail,
        )
        .with("retry_after_seconds", retry_after_secs)
        .with_header(header::RETRY_AFTER, &retry_after_secs.to_string())
    }

    /// 500: a fault of the server, logged; the detail does not leak internals.
    pub fn internal(error: &anyhow::Error) -> Self {
        tracing::error!(error = format!("{error:#}"), "request failed");
        Self::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            "internal",
            "Internal error",
            "the server failed to handle the request; it has been logged",
        )
    }
}

impl From<anyhow::Error> for Problem {
    fn from(error: anyhow::Error) -> Self {
        Self::internal(&error)
    }
}

impl IntoResponse for Problem {
    fn into_response(mut self) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let headers = std::mem::take(&mut self.headers);
        let mut response = (
            status,
            [(header::CONTENT_TYPE, "application/problem+json")],
            Json(self),
        )
            .into_response();
        response.headers_mut().extend(*headers);
        response
    }
}

/// Fallback for unknown routes.
pub async fn not_found(uri: Uri) -> Problem {
    Problem::not_found(format!("no route for {}", uri.path()))
}

/// 405 for a known path with another method.
pub async fn method_not_allowed() -> Problem {
    Problem::new(
        StatusCode::METHOD_NOT_ALLOWED,
        "method-not-allowed",
        "Method not allowed",
        "this path does not accept that method",
    )
}
