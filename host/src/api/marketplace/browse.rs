//! Browsing the marketplace: approved actions the caller's org may see
//! (public ones, and its reseller's private ones), searchable, with every
//! version's changelog, requested capabilities in plain words, install
//! counts, and the org's reseller branding.

use std::collections::BTreeMap;

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::api::AppState;
use crate::api::auth::{Permission, Principal};
use crate::api::json::{ApiPath, ApiQuery};
use crate::api::problem::Problem;
use crate::marketplace::UpgradeReport;
use crate::runtime::Capability;
use crate::store::marketplace::PluginVersionRecord;

/// Filters of the marketplace list.
#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BrowseQuery {
    /// Case-insensitive part of the id, name or description.
    pub q: Option<String>,
    /// Only this category (`communication`, `crm`, `ai`, ...).
    pub category: Option<String>,
    /// Only this publisher's actions (publisher id).
    pub publisher: Option<String>,
}

/// One requested capability.
#[derive(Debug, Serialize, ToSchema)]
pub struct RequestedCapability {
    /// As granted at install (`http:api.example.com`, `crm:write`, ...).
    pub capability: String,
    /// In plain words.
    pub description: String,
}

/// One version of a marketplace action.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketVersion {
    /// Semantic version.
    pub version: String,
    /// What changed.
    pub changelog: String,
    /// Upload time (ms).
    pub published_at: i64,
    /// Yanked: no new installs.
    pub yanked: bool,
    /// Disabled everywhere by the platform.
    pub killed: bool,
    /// What it asks for.
    pub capabilities: Vec<RequestedCapability>,
    /// Component size.
    pub size_bytes: i64,
    /// Content address.
    pub sha256: String,
}

/// One marketplace action.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketPlugin {
    /// Action id.
    pub id: String,
    /// Name (branded for the org when its reseller branded it).
    pub name: String,
    /// Description (branded likewise).
    pub description: String,
    /// Icon (branded likewise).
    pub icon: String,
    /// Category.
    pub category: String,
    /// Publisher id.
    pub publisher_id: String,
    /// Publisher name.
    pub publisher: String,
    /// True for built-in actions (every org has them).
    pub builtin: bool,
    /// True for a reseller's private action.
    pub private: bool,
    /// Orgs that installed it.
    pub install_count: i64,
    /// The newest version.
    pub latest_version: String,
    /// Versions of it this org installed.
    pub installed_versions: Vec<String>,
    /// Every approved version, newest first.
    pub versions: Vec<MarketVersion>,
}

/// The marketplace list.
#[derive(Debug, Serialize, ToSchema)]
pub struct MarketList {
    /// Ordered by id.
    pub items: Vec<MarketPlugin>,
}

fn capabilities(version: &PluginVersionRecord) -> Vec<RequestedCapability> {
    version
        .requested()
        .iter()
        .map(|c| RequestedCapability {
            capability: c.to_string(),
            description: c.describe(),
        })
        .collect()
}

fn text(manifest: &serde_json::Value, field: &str) -> String {
    manifest
        .get(field)
        .and_then(|v| v.as_str())
        .unwrap_or_default()
        .to_string()
}

async fn plugins(state: &AppState, org: &str) -> Result<Vec<MarketPlugin>, Problem> {
    let store = &state.store;
    let reseller = store.org_reseller(org).await?;
    let versions = store
        .plugin_versions_visible(org, reseller.as_deref())
        .await?;
    let counts = store.install_counts().await?;
    let brandings = match &reseller {
        Some(r) => store.action_brandings(r).await?,
        None => Default::default(),
    };
    let mut installed: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for i in store.installs(org).await? {
        installed.entry(i.plugin_id).or_default().push(i.version);
    }
    let mut grouped: BTreeMap<String, Vec<PluginVersionRecord>> = BTreeMap::new();
    for v in versions {
        grouped.entry(v.plugin_id.clone()).or_default().push(v);
    }
    Ok(grouped
        .into_iter()
        .map(|(id, versions)| {
            let latest = &versions[0];
            let (mut name, mut icon, mut description) = (
                text(&latest.manifest, "name"),
                text(&latest.manifest, "icon"),
                text(&latest.manifest, "description"),
            );
            if let Some(b) = brandings.get(&id) {
                (name, icon, description) = b.apply(&name, &icon, &description);
            }
            MarketPlugin {
                name,
                description,
                icon,
                category: text(&latest.manifest, "category"),
                publisher_id: latest.publisher_id.clone(),
                publisher: latest.publisher_name.clone(),
                builtin: latest.publisher_kind == crate::store::marketplace::PublisherKind::Builtin,
                private: latest.private_to.is_some(),
                install_count: counts.get(&id).copied().unwrap_or(0),
                latest_version: latest.version.clone(),
                installed_versions: installed.remove(&id).unwrap_or_default(),
                versions: versions
                    .iter()
                    .map(|v| MarketVersion {
                        version: v.version.clone(),
                        changelog: v.changelog.clone(),
                        published_at: v.published_at,
                        yanked: v.yanked_at.is_some(),
                        killed: v.killed_at.is_some(),
                        capabilities: capabilities(v),
                        size_bytes: v.size_bytes,
                        sha256: v.sha256.clone(),
                    })
                    .collect(),
                id,
            }
        })
        .collect())
}

/// Browse and search the marketplace.
///
/// Roles: every role.
#[utoipa::path(get, path = "/api/v2/marketplace/plugins", tag = "marketplace",
    params(BrowseQuery),
    responses(
        (status = 200, body = MarketList),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list(
    State(state): State<AppState>,
    principal: Principal,
    ApiQuery(query): ApiQuery<BrowseQuery>,
) -> Result<Json<MarketList>, Problem> {
    principal.require(Permission::ReadCatalog)?;
    let needle = query.q.as_deref().map(str::to_lowercase);
    let items = plugins(&state, &principal.org)
        .await?
        .into_iter()
        .filter(|p| {
            needle.as_deref().is_none_or(|q| {
                p.id.to_lowercase().contains(q)
                    || p.name.to_lowercase().contains(q)
                    || p.description.to_lowercase().contains(q)
            })
        })
        .filter(|p| query.category.as_deref().is_none_or(|c| p.category == c))
        .filter(|p| {
            query
                .publisher
                .as_deref()
                .is_none_or(|x| p.publisher_id == x)
        })
        .collect();
    Ok(Json(MarketList { items }))
}

/// One marketplace action with all its versions.
///
/// Roles: every role.
#[utoipa::path(get, path = "/api/v2/marketplace/plugins/{id}", tag = "marketplace",
    params(("id" = String, Path, description = "Action id")),
    responses(
        (status = 200, body = MarketPlugin),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath(id): ApiPath<String>,
) -> Result<Json<MarketPlugin>, Problem> {
    principal.require(Permission::ReadCatalog)?;
    plugins(&state, &principal.org)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .map(Json)
        .ok_or_else(|| Problem::not_found(format!("no action `{id}` in the marketplace")))
}

/// What installing this version means next to the versions installed now:
/// capabilities it adds, and workflow nodes its input schema would break.
///
/// Roles: owner, admin, reseller-admin.
#[utoipa::path(get, path = "/api/v2/marketplace/plugins/{id}/versions/{version}/upgrade-report", tag = "marketplace",
    params(("id" = String, Path, description = "Action id"), ("version" = String, Path, description = "Version")),
    responses(
        (status = 200, body = UpgradeReport),
        (status = "4XX", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn upgrade_report(
    State(state): State<AppState>,
    principal: Principal,
    ApiPath((id, version)): ApiPath<(String, String)>,
) -> Result<Json<UpgradeReport>, Problem> {
    principal.require(Permission::ManageInstalls)?;
    let plugin = plugins(&state, &principal.org)
        .await?
        .into_iter()
        .find(|p| p.id == id && p.versions.iter().any(|v| v.version == version));
    if plugin.is_none() {
        return Err(Problem::not_found(format!(
            "no version {id}@{version} in the marketplace"
        )));
    }
    let record = state
        .store
        .plugin_version(&id, &version)
        .await?
        .ok_or_else(|| Problem::not_found(format!("no version {id}@{version}")))?;
    let requested = record.requested();
    let report = state
        .marketplace
        .upgrade_report(&principal.org, &record, &requested)
        .await?
        .unwrap_or(UpgradeReport {
            from_versions: Vec::new(),
            added_capabilities: requested.iter().map(Capability::to_string).collect(),
            breaking_nodes: Vec::new(),
        });
    Ok(Json(report))
}
