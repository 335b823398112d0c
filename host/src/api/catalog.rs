//! `GET /api/v2/catalog`: the actions the caller's org can use (built-in
//! ones and its installs), with their manifests (schemas, outcomes, requested
//! capabilities in plain words) and its reseller's branding laid over them.
//! The builder's palette and forms are built from it.

use axum::Json;
use axum::extract::State;
use serde::Serialize;
use serde_json::{Map, Value};
use utoipa::ToSchema;

use super::AppState;
use super::auth::{Permission, Principal};
use super::json::ApiPath;
use super::problem::Problem;
use crate::marketplace::OrgAction;
use crate::runtime::{Capability, PluginManifest};
use crate::store::marketplace::InstallStatus;

/// One catalog entry: the manifest's fields (id, version, name, description,
/// category, icon, input and output schemas, outcomes, capabilities) plus these.
/// When the org's reseller branded the action, `name`, `description` and
/// `icon` are the branded ones.
#[derive(Debug, Serialize, ToSchema)]
pub struct CatalogEntry {
    /// The manifest, branded.
    #[serde(flatten)]
    #[schema(value_type = Object)]
    pub manifest: PluginManifest,
    /// Requested capabilities in plain words.
    pub capability_descriptions: Vec<String>,
    /// Content address of the component.
    pub sha256: String,
    /// Component size in bytes.
    pub size_bytes: i64,
    /// WIT version the component targets.
    pub wit_version: String,
    /// The publisher's name.
    pub publisher: String,
    /// True when the org's reseller branded this action.
    pub branded: bool,
    /// Input values a new node of this action starts with.
    #[schema(value_type = Object)]
    pub default_input: Map<String, Value>,
    /// `builtin` for built-in actions, else the install's status
    /// (`active`, or `awaiting_grant`: it will not run until granted).
    pub install_status: String,
}

impl CatalogEntry {
    /// The entry of an org's action, or `None` when its stored manifest is unreadable.
    pub fn of(action: OrgAction) -> Option<Self> {
        let OrgAction {
            version,
            install,
            branding,
        } = action;
        let mut manifest: PluginManifest = serde_json::from_value(version.manifest).ok()?;
        let mut default_input = Map::new();
        if let Some(b) = &branding {
            let (name, icon, description) =
                b.apply(&manifest.name, &manifest.icon, &manifest.description);
            manifest.name = name;
            manifest.icon = icon;
            manifest.description = description;
            default_input = b.defaults.clone();
        }
        Some(Self {
            capability_descriptions: manifest
                .capabilities
                .iter()
                .map(Capability::describe)
                .collect(),
            manifest,
            sha256: version.sha256,
            size_bytes: version.size_bytes,
            wit_version: version.wit_version,
            publisher: version.publisher_name,
            branded: branding.is_some(),
            default_input,
            install_status: match install.map(|i| i.status) {
                None => "builtin".into(),
                Some(InstallStatus::Active) => "active".into(),
                Some(InstallStatus::AwaitingGrant) => "awaiting_grant".into(),
            },
        })
    }
}

/// The catalog page.
#[derive(Debug, Serialize, ToSchema)]
pub struct Catalog {
    /// Entries ordered by id, newest version first.
    pub items: Vec<CatalogEntry>,
}

async fn entries(state: &AppState, org: &str) -> Result<Vec<CatalogEntry>, Problem> {
    Ok(state
        .marketplace
        .org_actions(org)
        .await?
        .into_iter()
        .filter_map(CatalogEntry::of)
        .collect())
}

/// List every action version the org can use, with its manifest and schemas.
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
    Ok(Json(Catalog {
        items: entries(&state, &principal.org).await?,
    }))
}

/// The usable versions of one action.
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
    let items: Vec<CatalogEntry> = entries(&state, &principal.org)
        .await?
        .into_iter()
        .filter(|e| e.manifest.id == id)
        .collect();
    if items.is_empty() {
        return Err(Problem::not_found(format!(
            "no action with id `{id}` is available to this organisation"
        )));
    }
    Ok(Json(Catalog { items }))
}
