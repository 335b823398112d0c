//! Compiled workflow versions, loaded once per (org, workflow, version):
//! versions are immutable, so an entry never goes stale.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use anyhow::Context as _;

use crate::graph::{CompiledWorkflow, WorkflowDocument};
use crate::store::{Org, Store};

/// A workflow version ready to run.
pub struct LoadedWorkflow {
    /// Workflow id.
    pub id: String,
    /// Version.
    pub version: i64,
    /// The compiled graph.
    pub graph: CompiledWorkflow,
}

type Key = (String, String, i64);

/// Cache of compiled versions and of org settings.
pub struct WorkflowCache {
    store: Store,
    versions: Mutex<HashMap<Key, Arc<LoadedWorkflow>>>,
    orgs: Mutex<HashMap<String, Arc<Org>>>,
}

impl WorkflowCache {
    /// An empty cache.
    pub fn new(store: Store) -> Self {
        Self {
            store,
            versions: Mutex::default(),
            orgs: Mutex::default(),
        }
    }

    /// The compiled version, loading it on first use.
    pub async fn get(
        &self,
        org: &str,
        id: &str,
        version: i64,
    ) -> anyhow::Result<Arc<LoadedWorkflow>> {
        let key = (org.to_string(), id.to_string(), version);
        if let Some(found) = self
            .versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(&key)
        {
            return Ok(found.clone());
        }
        let document = self
            .store
            .workflow_version(org, id, version)
            .await?
            .with_context(|| format!("workflow {id} version {version} does not exist"))?;
        let document: WorkflowDocument = serde_json::from_value(document)
            .with_context(|| format!("workflow {id} version {version} is malformed"))?;
        let loaded = Arc::new(LoadedWorkflow {
            id: id.to_string(),
            version,
            graph: CompiledWorkflow::new(document),
        });
        self.versions
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(key, loaded.clone());
        Ok(loaded)
    }

    /// The org (name, time zone), loading it on first use; a default for unknown orgs.
    pub async fn org(&self, id: &str) -> anyhow::Result<Arc<Org>> {
        if let Some(found) = self.orgs.lock().unwrap_or_else(|e| e.into_inner()).get(id) {
            return Ok(found.clone());
        }
        let org = Arc::new(self.store.org(id).await?.unwrap_or_else(|| Org {
            id: id.to_string(),
            name: id.to_string(),
            time_zone: "UTC".into(),
        }));
        self.orgs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id.to_string(), org.clone());
        Ok(org)
    }
}
