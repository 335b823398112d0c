//! On-disk cache of compiled components, keyed by the component's sha256 and the
//! engine's compatibility hash, so a restart deserialises instead of recompiling.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use sha2::{Digest, Sha256};
use wasmtime::Engine;
use wasmtime::component::Component;

/// Where a component came from on this load.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CacheOutcome {
    /// Compiled now (and written to the cache when there is one).
    Compiled,
    /// Deserialised from a cached compilation.
    Cached,
}

/// A directory of precompiled components (`<sha256>-<engine>.cwasm`).
#[derive(Debug, Clone)]
pub struct ComponentCache {
    dir: Option<PathBuf>,
    engine_key: String,
}

impl ComponentCache {
    /// A cache in `dir` (created when missing), or no caching at all with `None`.
    pub fn new(engine: &Engine, dir: Option<PathBuf>) -> anyhow::Result<Self> {
        if let Some(dir) = &dir {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the component cache {}", dir.display()))?;
        }
        let mut hasher = std::collections::hash_map::DefaultHasher::new();
        engine.precompile_compatibility_hash().hash(&mut hasher);
        env!("CARGO_PKG_VERSION").hash(&mut hasher);
        Ok(Self {
            dir,
            engine_key: format!("{:016x}", hasher.finish()),
        })
    }

    /// Compiles `bytes`, or deserialises the cached compilation of identical bytes.
    pub fn load(
        &self,
        engine: &Engine,
        bytes: &[u8],
        digest: &str,
    ) -> anyhow::Result<(Component, CacheOutcome)> {
        let Some(path) = self.path_for(digest) else {
            return Ok((compile(engine, bytes)?, CacheOutcome::Compiled));
        };
        if let Ok(cached) = std::fs::read(&path) {
            // Read into memory rather than mapping the file, so a cache entry
            // replaced or truncated underneath a running process cannot fault it.
            // SAFETY: the file was written by `precompile_component` of an engine
            // with the same compatibility hash, in a directory only this process
            // writes; its name carries the sha256 of the source component, and
            // wasmtime checks the header before trusting the contents.
            match unsafe { Component::deserialize(engine, &cached) } {
                Ok(component) => return Ok((component, CacheOutcome::Cached)),
                Err(err) => {
                    tracing::warn!(path = %path.display(), error = %err, "discarding unusable cache entry");
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        let serialized = engine
            .precompile_component(bytes)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        write_atomically(&path, &serialized)?;
        // SAFETY: produced just above by this engine.
        let component = unsafe { Component::deserialize(engine, &serialized) }
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        Ok((component, CacheOutcome::Compiled))
    }

    fn path_for(&self, digest: &str) -> Option<PathBuf> {
        self.dir
            .as_ref()
            .map(|dir| dir.join(format!("{digest}-{}.cwasm", self.engine_key)))
    }
}

/// The hex sha256 of a component's bytes: its content address.
pub fn content_digest(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

fn compile(engine: &Engine, bytes: &[u8]) -> anyhow::Result<Component> {
    Component::new(engine, bytes).map_err(|e| anyhow::anyhow!("{e:#}"))
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}
