//! `GET /api/v2/catalog`: the actions this server has loaded, with their
//! manifests (schemas, outcomes, requested capabilities in plain words).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;

use super::AppState;
use super::problem::Problem;
use crate::runtime::{Plugin, PluginManifest};

/// One catalog entry.
#[derive(Debug, Serialize)]
pub struct CatalogEntry {
    /// The manifest as the component declares it.
    #[serde(flatten)]
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
#[derive(Debug, Serialize)]
pub struct Catalog {
    /// Entries ordered by id, then version.
    pub items: Vec<CatalogEntry>,
}

/// Lists every loaded action version.
pub async fn list(State(state): State<AppState>) -> Json<Catalog> {
    let items = state
        .registry
        .all()
        .iter()
        .map(|p| CatalogEntry::from(p.as_ref()))
        .collect();
    Json(Catalog { items })
}

/// The loaded versions of one action id.
pub async fn versions(
    State(state): State<AppState>,
    Path(id): Path<String>,
) -> Result<Json<Catalog>, Problem> {
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
