//! The OpenAPI 3.1 document, generated from the handlers' annotations
//! (utoipa), served at `/api/v2/openapi.json`, and a self-contained API
//! reference page rendered from it at `/api/v2/docs`.

use std::fmt::Write as _;

use axum::Json;
use axum::extract::State;
use axum::response::Html;
use serde_json::Value;
use utoipa::openapi::security::{Http, HttpAuthScheme, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::AppState;

/// The document's fixed parts; paths come from the routes.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "Atlas Flow API",
        version = "2.0.0",
        description = "Workflows, executions, CRM events, live streams and the action catalog of Atlas Flow. Authenticate with `Authorization: Bearer <JWT or API key>`. Errors are RFC 9457 problem documents."
    ),
    modifiers(&BearerAuth),
    components(schemas(super::workflows::WorkflowStatus, crate::store::ExecutionStatus)),
    tags(
        (name = "workflows", description = "Build, version, validate, activate, export and import workflows"),
        (name = "executions", description = "Start, inspect, cancel and retry runs"),
        (name = "analytics", description = "Outcomes, durations, errors, A/B splits and goals of a workflow's executions"),
        (name = "events", description = "CRM events and inbound webhooks that fire triggers"),
        (name = "live", description = "Server-Sent Events streams"),
        (name = "receipts", description = "Delivery receipts from Twilio and SendGrid, recorded against the step that sent the message"),
        (name = "contacts", description = "The CRM's contacts"),
        (name = "catalog", description = "Installed actions and their schemas"),
        (name = "templates", description = "Ready-made fitness workflows to start from"),
        (name = "api-keys", description = "Keys for server-to-server use"),
        (name = "audit", description = "Who did what, when"),
        (name = "platform", description = "The platform operator's orgs (tenants)"),
        (name = "system", description = "Health"),
    )
)]
pub struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        let mut http = Http::new(HttpAuthScheme::Bearer);
        http.bearer_format = Some("JWT or API key (atk_...)".into());
        http.description = Some(
            "A JWT with `sub`, `org`, `role` and `exp` claims, or an API key created at /api/v2/api-keys".into(),
        );
        components.add_security_scheme("bearer", SecurityScheme::Http(http));
    }
}

/// `GET /api/v2/openapi.json`.
pub async fn document(State(state): State<AppState>) -> Json<Value> {
    Json((*state.openapi).clone())
}

/// `GET /api/v2/docs`: the reference page.
pub async fn reference(State(state): State<AppState>) -> Html<String> {
    Html(render(&state.openapi))
}

fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_string();
    }
    if let Some(items) = schema.get("items") {
        return format!("{}[]", schema_name(items));
    }
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .collect::<Vec<_>>()
            .join(" | "),
        _ => "any".into(),
    }
}

/// Renders the reference page: every operation with its roles, parameters,
/// body and responses, then every schema with its fields.
pub fn render(doc: &Value) -> String {
    let mut html = String::from(
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Atlas Flow API reference</title>\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
         <style>body{font-family:system-ui,sans-serif;max-width:960px;margin:2rem auto;padding:0 1rem;color:#1c2430}\
         code{background:#f1f3f6;padding:0 .25rem;border-radius:3px}.op{border:1px solid #dde2ea;border-radius:6px;padding:.75rem 1rem;margin:1rem 0}\
         .m{font-weight:700;text-transform:uppercase;margin-right:.5rem}table{border-collapse:collapse;width:100%}td,th{text-align:left;border-bottom:1px solid #eef0f4;padding:.25rem .5rem;vertical-align:top}</style></head><body>",
    );
    let info = &doc["info"];
    let _ = write!(
        html,
        "<h1>{}</h1><p>{}</p><p>Machine-readable: <a href=\"/api/v2/openapi.json\">/api/v2/openapi.json</a> (OpenAPI {})</p>",
        escape(info["title"].as_str().unwrap_or("API")),
        escape(info["description"].as_str().unwrap_or("")),
        escape(doc["openapi"].as_str().unwrap_or("3.1"))
    );
    html.push_str("<h2>Operations</h2>");
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            let Some(ops) = item.as_object() else {
                continue;
            };
            for (method, op) in ops {
                let _ = write!(
                    html,
                    "<section class=\"op\" id=\"{}\"><h3><span class=\"m\">{}</span><code>{}</code></h3><p>{}</p>",
                    escape(op["operationId"].as_str().unwrap_or("")),
                    escape(method),
                    escape(path),
                    escape(op["summary"].as_str().unwrap_or("")),
                );
                if let Some(d) = op["description"].as_str() {
                    let _ = write!(html, "<p>{}</p>", escape(d));
                }
                if let Some(params) = op["parameters"].as_array().filter(|p| !p.is_empty()) {
                    html.push_str("<table><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr>");
                    for p in params {
                        let _ = write!(
                            html,
                            "<tr><td><code>{}</code>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                            escape(p["name"].as_str().unwrap_or("")),
                            if p["required"].as_bool() == Some(true) {
                                " (required)"
                            } else {
                                ""
                            },
                            escape(p["in"].as_str().unwrap_or("")),
                            escape(&schema_name(&p["schema"])),
                            escape(p["description"].as_str().unwrap_or("")),
                        );
                    }
                    html.push_str("</table>");
                }
                if let Some(content) = op["requestBody"]["content"].as_object() {
                    for (mime, body) in content {
                        let _ = write!(
                            html,
                            "<p>Body (<code>{}</code>): <code>{}</code></p>",
                            escape(mime),
                            escape(&schema_name(&body["schema"]))
                        );
                    }
                }
                if let Some(responses) = op["responses"].as_object() {
                    html.push_str(
                        "<table><tr><th>Status</th><th>Body</th><th>Description</th></tr>",
                    );
                    for (status, r) in responses {
                        let body = r["content"]
                            .as_object()
                            .and_then(|c| c.values().next())
                            .map(|c| schema_name(&c["schema"]))
                            .unwrap_or_default();
                        let _ = write!(
                            html,
                            "<tr><td>{}</td><td><code>{}</code></td><td>{}</td></tr>",
                            escape(status),
                            escape(&body),
                            escape(r["description"].as_str().unwrap_or(""))
                        );
                    }
                    html.push_str("</table>");
                }
                html.push_str("</section>");
            }
        }
    }
    html.push_str("<h2>Schemas</h2>");
    if let Some(schemas) = doc["components"]["schemas"].as_object() {
        for (name, schema) in schemas {
            let _ = write!(
                html,
                "<section class=\"op\" id=\"schema-{0}\"><h3>{0}</h3>",
                escape(name)
            );
            if let Some(d) = schema["description"].as_str() {
                let _ = write!(html, "<p>{}</p>", escape(d));
            }
            if let Some(props) = schema["properties"].as_object() {
                html.push_str("<table><tr><th>Field</th><th>Type</th><th>Description</th></tr>");
                for (field, p) in props {
                    let _ = write!(
                        html,
                        "<tr><td><code>{}</code></td><td>{}</td><td>{}</td></tr>",
                        escape(field),
                        escape(&schema_name(p)),
                        escape(p["description"].as_str().unwrap_or(""))
                    );
                }
                html.push_str("</table>");
            }
            if let Some(values) = schema["enum"].as_array() {
                let names: Vec<String> = values.iter().map(|v| v.to_string()).collect();
                let _ = write!(
                    html,
                    "<p>One of: <code>{}</code></p>",
                    escape(&names.join(", "))
                );
            }
            html.push_str("</section>");
        }
    }
    html.push_str("</body></html>");
    html
}
