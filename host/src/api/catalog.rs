//! `GET /api/v2/catalog`: the actions this server has loaded, with their
//! manifests (schemas, outcomes, requested capabilities in plain words).

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal};
use super::json::ApiPath;
use super::problem::Problem;
use crate::runtime::{Plugin, PluginManifest};

/// One catalog entry: the manifest's fields (id, version, name, description,
/// category, input and output schemas, outcomes, capabilities) plus these.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntry {
    /// The manifest as the component declares it.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub manifest: PluginManifest,
    /// Requested capabilities in plain words.
    pub capability_descriptions: Vec<String>,
    /// Content address of the component.
    pub sha256: String,
    /// Component size in bytes.
    pub size_bytes: usize,
    /// WIT version the component targets.
    pub wit_version: String,
}

impl From<&Plugin> for CatalogEntry {
    fn from(p: &Plugin) -> Self {
        Self {
            capability_descriptions: p
                .manifest
                .capabilities
                .iter()
                .map(|c| c.describe())
                .collect(),
            manifest: p.manifest.clone(),
            sha256: p.digest.clone(),
            size_bytes: p.size_bytes,
            wit_version: p.wit_version.clone(),
        }
    }
}

/// The catalog page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Catalog {
    /// Entries ordered by id, then version.
    pub items: Vec<CatalogEntry>,
}

/// List every installed action version, with its manifest and schemas.
///
/// Roles: every role.
#[utoipa::path(get, path = "/api/v2/catalog", tag = "catalog",
    responses(
        (status = 200, body = Catalog),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
) -> Result<Json<Catalog>, Problem> {
    principal.require(Permission::ReadCatalog)?;
    let items = state
        .registry
        .all()
        .iter()
        .map(|p| CatalogEntry::from(p.as_ref()))
        .collect();
    Ok(Json(Catalog { items }))
}

/// The installed versions of one action.
///
/// Roles: every role.
#[utoipa::path(get, path = "/api/v2/catalog/{id}", tag = "catalog",
    params(("id" = String, Path, description = "Action id, such as `atlas.webhook.send`")),
    responses(
        (status = 200, body = Catalog),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn versions(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<Catalog>, Problem> {
    principal.require(Permission::ReadCatalog)?;
    let items: Vec<CatalogEntry> = state
        .registry
        .all()
        .iter()
        .filter(|p| p.manifest.id == id)
        .map(|p| CatalogEntry::from(p.as_ref()))
        .collect();
    if items.is_empty() {
        return Err(Problem::not_found(format!(
            "no action with id `{id}` is loaded"
        )));
    }
    Ok(Json(Catalog { items }))
}
