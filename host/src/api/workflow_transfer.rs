//! Export a workflow as one self-contained JSON document, and import one:
//! validated, saved as a new draft, with every pinned action version either
//! found on this server or reported.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal};
use super::documents;
use super::json::{ApiJson, ApiPath};
use super::problem::Problem;
use super::workflows::{WorkflowView, create_from, load};
use crate::graph::NodeKind;

/// The export format's name.
pub const EXPORT_FORMAT: &str = "atlas.workflow";

/// An exported workflow.
#[derive(Debug, Clone, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WorkflowExport {
    /// Always `atlas.workflow`.
    pub format: String,
    /// Format version (1).
    pub format_version: u32,
    /// When it was exported (ms); informational.
    #[serde(default)]
    pub exported_at: Option<i64>,
    /// The version it was exported from; informational.
    #[serde(default)]
    pub source_version: Option<i64>,
    /// The workflow document.
    pub document: Value,
    /// The actions the document pins; informational on import (the document is authoritative).
    #[serde(default)]
    pub plugins: Vec<PluginPin>,
}

/// An action id and exact version a workflow uses.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PluginPin {
    /// Action id.
    pub id: String,
    /// Exact version.
    pub version: String,
    /// Content address of the component on the exporting server.
    #[serde(default)]
    pub sha256: Option<String>,
}

/// How one pinned action resolved on import.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct PluginResolution {
    /// Action id.
    pub id: String,
    /// Version the document pins.
    pub version: String,
    /// `installed`, `other_versions_installed` or `missing`.
    pub status: String,
    /// Versions of this id available here (when the pinned one is not).
    pub available_versions: Vec<String>,
    /// True when the component here differs from the exported one.
    pub content_differs: bool,
}

/// The result of an import.
#[derive(Debug, Serialize, ToSchema)]
pub struct ImportReport {
    /// The new draft workflow (its `problems` list what to fix).
    pub workflow: WorkflowView,
    /// Every pinned action and how it resolved.
    pub plugins: Vec<PluginResolution>,
}

fn pins(
    plugins: &crate::marketplace::OrgPlugins,
    document: &crate::graph::WorkflowDocument,
) -> Vec<PluginPin> {
    let mut pins: Vec<PluginPin> = Vec::new();
    for node in &document.nodes {
        if let NodeKind::Action(action) = &node.kind {
            let pin = PluginPin {
                id: action.plugin.clone(),
                version: action.version.clone(),
                sha256: plugins
                    .digest(&action.plugin, &action.version)
                    .map(String::from),
            };
            if !pins.contains(&pin) {
                pins.push(pin);
            }
        }
    }
    pins
}

/// Export a workflow's current version.
///
/// Roles: owner, admin, staff, viewer, reseller-admin.
#[utoipa::path(get, path = "/api/v2/workflows/{id}/export", tag = "workflows",
    params(("id" = String, Path, description = "Workflow id")),
    responses(
        (status = 200, body = WorkflowExport),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn export(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<WorkflowExport>, Problem> {
    principal.require(Permission::ReadWorkflows)?;
    let record = load(&state, &principal, &id).await?;
    let usable = state.marketplace.org_plugins(&principal.org).await?;
    let plugins = match documents::parse_value(&record.document) {
        Ok(parsed) => pins(&usable, &parsed.document),
        Err(_) => Vec::new(),
    };
    Ok(Json(WorkflowExport {
        format: EXPORT_FORMAT.into(),
        format_version: 1,
        exported_at: Some(crate::store::now_ms()),
        source_version: Some(record.version),
        document: record.document,
        plugins,
    }))
}

/// Import an exported workflow as a new draft. The document is validated
/// (422 when it is not well-formed); its problems and how each pinned action
/// resolved are reported.
///
/// Roles: owner, admin, staff, reseller-admin.
#[utoipa::path(post, path = "/api/v2/workflows/import", tag = "workflows",
    request_body = WorkflowExport,
    responses(
        (status = 201, body = ImportReport),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    principal: Principal,
    ApiJson(export): ApiJson<WorkflowExport>,
) -> Result<(StatusCode, Json<ImportReport>), Problem> {
    principal.require(Permission::EditWorkflows)?;
    if export.format != EXPORT_FORMAT || export.format_version != 1 {
        return Err(Problem::validation(
            "this is not an Atlas workflow export this server reads",
            vec![super::problem::FieldError {
                node_id: None,
                field: "format".into(),
                reason: format!(
                    "expected format `{EXPORT_FORMAT}` version 1, got `{}` version {}",
                    export.format, export.format_version
                ),
            }],
        ));
    }
    let parsed = documents::parse_value(&export.document)?;
    let exported: std::collections::HashMap<(String, String), Option<String>> = export
        .plugins
        .iter()
        .map(|p| ((p.id.clone(), p.version.clone()), p.sha256.clone()))
        .collect();
    let usable = state.marketplace.org_plugins(&principal.org).await?;
    let plugins = pins(&usable, &parsed.document)
        .into_iter()
        .map(|pin| {
            let available = usable.versions(&pin.id);
            let status = if pin.sha256.is_some() {
                "installed"
            } else if available.is_empty() {
                "missing"
            } else {
                "other_versions_installed"
            };
            let content_differs = match (
                &pin.sha256,
                exported.get(&(pin.id.clone(), pin.version.clone())),
            ) {
                (Some(here), Some(Some(there))) => here != there,
                _ => false,
            };
            PluginResolution {
                id: pin.id,
                version: pin.version,
                status: status.into(),
                available_versions: if pin.sha256.is_some() {
                    Vec::new()
                } else {
                    available
                },
                content_differs,
            }
        })
        .collect();
    let workflow = create_from(&state, &principal, &parsed, "workflow.imported").await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportReport { workflow, plugins }),
    ))
}
