//! The plugins this process has loaded, by id and exact version.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, RwLock};

use super::{LoadError, LoadOptions, Plugin, Runtime};

/// The result of loading one file of a directory.
#[derive(Debug)]
pub struct DirEntryLoad {
    /// The file.
    pub path: PathBuf,
    /// The plugin, or why it was rejected.
    pub result: Result<Arc<Plugin>, LoadError>,
}

/// Loaded plugins keyed by `(id, version)`; workflows pin exact versions.
#[derive(Debug, Default)]
pub struct PluginRegistry {
    plugins: RwLock<BTreeMap<(String, String), Arc<Plugin>>>,
}

impl PluginRegistry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds (or replaces) a plugin.
    pub fn insert(&self, plugin: Arc<Plugin>) {
        let key = (plugin.manifest.id.clone(), plugin.manifest.version.clone());
        self.plugins
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, plugin);
    }

    /// The plugin with this id and exact version.
    pub fn get(&self, id: &str, version: &str) -> Option<Arc<Plugin>> {
        self.plugins
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&(id.to_string(), version.to_string()))
            .cloned()
    }

    /// The newest loaded version of a plugin id (semantic-version order).
    pub fn latest(&self, id: &str) -> Option<Arc<Plugin>> {
        self.all()
            .into_iter()
            .filter(|p| p.manifest.id == id)
            .max_by(|a, b| version_of(a).cmp(&version_of(b)))
    }

    /// Every loaded plugin, ordered by id then version.
    pub fn all(&self) -> Vec<Arc<Plugin>> {
        self.plugins
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Loads every `*.wasm` file in `dir` (sorted by name) and registers those
    /// that pass; each file's result is returned.
    pub async fn load_dir(
        &self,
        runtime: &Runtime,
        dir: &Path,
    ) -> std::io::Result<Vec<DirEntryLoad>> {
        let paths = wasm_files(dir)?;
        let mut loads = Vec::with_capacity(paths.len());
        for path in paths {
            let result = runtime
                .load_file(&path, LoadOptions::default())
                .await
                .map(Arc::new);
            if let Ok(plugin) = &result {
                self.insert(plugin.clone());
            }
            loads.push(DirEntryLoad { path, result });
        }
        Ok(loads)
    }
}

/// The `*.wasm` files directly in `dir`, sorted by name.
pub fn wasm_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "wasm"))
        .collect();
    paths.sort();
    Ok(paths)
}

fn version_of(p: &Plugin) -> semver::Version {
    semver::Version::parse(&p.manifest.version).unwrap_or(semver::Version::new(0, 0, 0))
}

impl crate::graph::PluginLookup for PluginRegistry {
    fn manifest(&self, id: &str, version: &str) -> Option<crate::graph::PluginInfo> {
        self.get(id, version).map(|p| crate::graph::PluginInfo {
            input_schema: p.manifest.input_schema.clone(),
            output_schema: p.manifest.output_schema.clone(),
            outcomes: p.manifest.outcomes.iter().map(|o| o.name.clone()).collect(),
        })
    }
}
