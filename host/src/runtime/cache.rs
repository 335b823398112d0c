//! On-disk cache of compiled components, keyed by the component's sha256 and the
//! engine's compatibility hash, so a restart deserialises instead of recompiling.
//!
//! Deserialising compiled code trusts it completely, so every entry starts
//! with an HMAC-SHA256 tag over its contents under a key the host derives from
//! the deployment's master key; an entry whose tag does not verify (written by
//! anyone else, or altered) is deleted and the component compiled again. The
//! directory is bounded: after each write, the least recently used entries are
//! removed until the total is under the limit.

use std::hash::{Hash, Hasher};
use std::path::{Path, PathBuf};

use anyhow::Context as _;
use hmac::{Hmac, Mac};
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

/// Bytes of the tag in front of every cache entry.
const TAG_BYTES: usize = 32;

/// A directory of precompiled components (`<sha256>-<engine>.cwasm`).
#[derive(Clone)]
pub struct ComponentCache {
    dir: Option<PathBuf>,
    engine_key: String,
    mac_key: [u8; 32],
    max_bytes: u64,
}

impl std::fmt::Debug for ComponentCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ComponentCache")
            .field("dir", &self.dir)
            .field("max_bytes", &self.max_bytes)
            .finish_non_exhaustive()
    }
}

impl ComponentCache {
    /// A cache in `dir` (created when missing), or no caching at all with
    /// `None`. Entries are tagged with `mac_key`; the directory is kept under
    /// `max_bytes`.
    pub fn new(
        engine: &Engine,
        dir: Option<PathBuf>,
        mac_key: [u8; 32],
        max_bytes: u64,
    ) -> anyhow::Result<Self> {
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
            mac_key,
            max_bytes,
        })
    }

    fn tag(&self, serialized: &[u8]) -> [u8; TAG_BYTES] {
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .expect("HMAC takes any key length");
        mac.update(self.engine_key.as_bytes());
        mac.update(serialized);
        mac.finalize().into_bytes().into()
    }

    /// The compiled bytes of an entry whose tag verifies.
    fn verified<'a>(&self, entry: &'a [u8]) -> Option<&'a [u8]> {
        if entry.len() < TAG_BYTES {
            return None;
        }
        let (tag, serialized) = entry.split_at(TAG_BYTES);
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.mac_key)
            .expect("HMAC takes any key length");
        mac.update(self.engine_key.as_bytes());
        mac.update(serialized);
        mac.verify_slice(tag).ok().map(|()| serialized)
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
            match self.verified(&cached) {
                Some(serialized) => {
                    // Read into memory rather than mapping the file, so an entry
                    // replaced or truncated underneath a running process cannot
                    // fault it.
                    // SAFETY: the tag verified under the host's key, so these are
                    // the bytes `precompile_component` produced for an engine
                    // with the same compatibility hash; wasmtime also checks
                    // the header.
                    match unsafe { Component::deserialize(engine, serialized) } {
                        Ok(component) => {
                            touch(&path);
                            return Ok((component, CacheOutcome::Cached));
                        }
                        Err(err) => {
                            tracing::warn!(path = %path.display(), error = %err, "discarding unusable cache entry");
                            let _ = std::fs::remove_file(&path);
                        }
                    }
                }
                None => {
                    tracing::warn!(path = %path.display(), "discarding a cache entry whose tag does not verify");
                    let _ = std::fs::remove_file(&path);
                }
            }
        }
        let serialized = engine
            .precompile_component(bytes)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let mut entry = Vec::with_capacity(TAG_BYTES + serialized.len());
        entry.extend_from_slice(&self.tag(&serialized));
        entry.extend_from_slice(&serialized);
        write_atomically(&path, &entry)?;
        if let Some(dir) = &self.dir {
            evict(dir, self.max_bytes, &path);
        }
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

/// Marks an entry as just used (its modification time orders eviction).
fn touch(path: &Path) {
    if let Ok(file) = std::fs::File::options().append(true).open(path) {
        let _ = file.set_modified(std::time::SystemTime::now());
    }
}

/// Removes the least recently used `.cwasm` entries of `dir` until the total
/// is at most `max_bytes`; `keep` (the entry just written) is never removed.
fn evict(dir: &Path, max_bytes: u64, keep: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let mut entries: Vec<(std::time::SystemTime, u64, PathBuf)> = read
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "cwasm"))
        .filter_map(|e| {
            let meta = e.metadata().ok()?;
            Some((meta.modified().ok()?, meta.len(), e.path()))
        })
        .collect();
    let mut total: u64 = entries.iter().map(|(_, len, _)| len).sum();
    entries.sort();
    for (_, len, path) in entries {
        if total <= max_bytes {
            break;
        }
        if path == keep {
            continue;
        }
        if std::fs::remove_file(&path).is_ok() {
            total = total.saturating_sub(len);
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("renaming to {}", path.display()))?;
    Ok(())
}
