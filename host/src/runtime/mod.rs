//! The sandboxed plugin runtime: one `wasmtime::Engine` for the process, a
//! linker with every host import, a compiled-component cache, and a fresh
//! `Store` and instance for every run so nothing leaks between runs, tenants or
//! retries. Every run is bounded by an epoch deadline, fuel, a memory limiter,
//! table/instance caps and input/output/log byte caps.

pub mod bindings;
pub mod cache;
pub mod call_budget;
pub mod compile_gate;
pub mod context;
pub mod denials;
pub mod engine;
pub mod guest_pool;
pub mod limits;
pub mod manifest;
pub mod outcome;
pub mod plugin;
pub mod registry;
mod state;
pub mod time_slice;
pub mod world_check;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use serde_json::Value;
use wasmtime::component::{HasSelf, Linker};
use wasmtime::{Engine, Store, Trap};

pub use cache::{CacheOutcome, ComponentCache, content_digest};
pub use context::{ActionContext, RunRequest};
pub use engine::EngineConfig;
pub use limits::RunLimits;
pub use manifest::{Capability, PluginManifest};
pub use outcome::{ActionOutput, RunError, RunReport};
pub use plugin::{LoadError, LoadOptions, Plugin};
pub use registry::PluginRegistry;
pub use state::{LogLine, RunState};

use bindings::atlas::workflow::types as wit;
use bindings::{Action, ActionPre};

use crate::capabilities::{Grants, HostServices};

/// Extra wall time granted beyond the epoch deadline before the host abandons a
/// run that is blocked in a host call.
const HOST_CALL_GRACE: Duration = Duration::from_millis(250);

/// Longest the audit write at the end of a run may take.
const AUDIT_WRITE_BUDGET: Duration = Duration::from_secs(2);

/// Limits for calling `manifest()` at load: it should only build a record.
fn manifest_limits(plugin: &RunLimits) -> RunLimits {
    RunLimits {
        timeout: Duration::from_secs(5).min(plugin.timeout.max(Duration::from_secs(1))),
        fuel: 500_000_000,
        http_requests: 0,
        ..*plugin
    }
}

/// Configuration of the runtime.
#[derive(Debug, Clone)]
pub struct RuntimeConfig {
    /// Engine sizing.
    pub engine: EngineConfig,
    /// Directory of compiled components; no disk cache when `None`.
    pub cache_dir: Option<PathBuf>,
    /// Limits for plugins loaded without their own.
    pub default_limits: RunLimits,
    /// How Cranelift compiles are limited.
    pub compile: compile_gate::CompileLimits,
    /// Largest total size of the compiled-component cache; oldest entries are
    /// evicted past it. Default 1 GiB.
    pub cache_max_bytes: u64,
    /// The key compiled-cache entries are tagged with; `None` derives it from
    /// the store's master key (every process of a deployment agrees on it).
    pub cache_key: Option<[u8; 32]>,
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self {
            engine: EngineConfig::default(),
            cache_dir: None,
            default_limits: RunLimits::default(),
            compile: compile_gate::CompileLimits::default(),
            cache_max_bytes: 1 << 30,
            cache_key: None,
        }
    }
}

/// Loads and runs action components.
pub struct Runtime {
    engine: Engine,
    linker: Linker<RunState>,
    cache: ComponentCache,
    services: Arc<HostServices>,
    default_limits: RunLimits,
    guests: guest_pool::GuestPool,
    compiles: compile_gate::CompileGate,
    _ticker: engine::EpochTicker,
}

impl Runtime {
    /// Builds the engine, the linker (all `atlas:workflow` imports plus WASI with
    /// nothing preopened and no network) and the cache.
    pub fn new(config: RuntimeConfig, services: Arc<HostServices>) -> anyhow::Result<Self> {
        let engine = engine::build_engine(&config.engine)?;
        let mut linker = Linker::new(&engine);
        Action::add_to_linker::<RunState, HasSelf<RunState>>(&mut linker, |s| s)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        wasmtime_wasi::p2::add_to_linker_async(&mut linker)
            .map_err(|e| anyhow::anyhow!("{e:#}"))?;
        let cache = ComponentCache::new(
            &engine,
            config.cache_dir,
            config
                .cache_key
                .unwrap_or_else(|| services.store.derived_seed(b"compiled-component-cache")),
            config.cache_max_bytes,
        )?;
        let ticker = engine::EpochTicker::start(engine.clone())?;
        Ok(Self {
            engine,
            linker,
            cache,
            services,
            default_limits: config.default_limits,
            guests: guest_pool::GuestPool::new()?,
            compiles: compile_gate::CompileGate::new(config.compile),
            _ticker: ticker,
        })
    }

    /// The shared services the capabilities use.
    pub fn services(&self) -> &Arc<HostServices> {
        &self.services
    }

    /// The limits plugins get unless loaded with their own.
    pub fn default_limits(&self) -> RunLimits {
        self.default_limits
    }

    /// Reads and loads a component file.
    pub async fn load_file(&self, path: &Path, options: LoadOptions) -> Result<Plugin, LoadError> {
        let bytes = tokio::fs::read(path)
            .await
            .map_err(|e| LoadError::Io(format!("reading {}: {e}", path.display())))?;
        self.load(&bytes, options).await
    }

    /// Validates, compiles (or takes from the cache), links and describes a component.
    pub async fn load(&self, bytes: &[u8], options: LoadOptions) -> Result<Plugin, LoadError> {
        check_header(bytes)?;
        let digest = content_digest(bytes);
        let (component, cache_outcome) = {
            let engine = self.engine.clone();
            let cache = self.cache.clone();
            let owned = bytes.to_vec();
            let digest = digest.clone();
            self.compiles
                .run(move || cache.load(&engine, &owned, &digest))
                .await
                .map_err(|refusal| LoadError::CompileLimit(refusal.to_string()))?
                .map_err(|e| LoadError::Invalid(e.to_string()))?
        };
        let world =
            world_check::check_world(&self.engine, &component).map_err(LoadError::WrongWorld)?;
        let pre = self
            .linker
            .instantiate_pre(&component)
            .map_err(|e| LoadError::Link(format!("{e:#}")))?;
        let pre = ActionPre::new(pre).map_err(|e| LoadError::Link(format!("{e:#}")))?;
        let limits = options.limits.unwrap_or(self.default_limits);
        let wit_manifest = self.call_manifest(&pre, manifest_limits(&limits)).await?;
        let manifest = PluginManifest::from_wit(wit_manifest).map_err(LoadError::Manifest)?;
        let input_validator = jsonschema::validator_for(&manifest.input_schema)
            .map_err(|e| LoadError::Manifest(format!("input-schema: {e}")))?;
        let output_validator = jsonschema::validator_for(&manifest.output_schema)
            .map_err(|e| LoadError::Manifest(format!("output-schema: {e}")))?;
        Ok(Plugin {
            id: manifest.id.as_str().into(),
            requested: manifest.capabilities.clone().into(),
            requested_grants: Arc::new(Grants::from_requested(&manifest.capabilities)),
            manifest,
            digest,
            size_bytes: bytes.len(),
            wit_version: world.wit_version,
            uses_wasi: world.uses_wasi,
            limits,
            cache_outcome,
            pre,
            input_validator,
            output_validator,
        })
    }

    async fn call_manifest(
        &self,
        pre: &ActionPre<RunState>,
        limits: RunLimits,
    ) -> Result<wit::Manifest, LoadError> {
        let mut store = self.new_store(
            "system".into(),
            Arc::from("loading"),
            Arc::from(Vec::new()),
            Arc::new(Grants::default()),
            limits,
        );
        let pre = pre.clone();
        let describe = async move {
            let returned = {
                let call = async {
                    let instance = pre.instantiate_async(&mut store).await?;
                    instance.call_manifest(&mut store).await
                };
                tokio::time::timeout(limits.timeout + HOST_CALL_GRACE, call).await
            };
            (returned, store)
        };
        let (returned, store) =
            self.guests.run(describe).await.map_err(|e| {
                LoadError::Manifest(format!("calling manifest() was abandoned: {e}"))
            })?;
        match returned {
            Ok(Ok(manifest)) => Ok(manifest),
            Ok(Err(e)) => Err(LoadError::Manifest(format!(
                "calling manifest() failed: {}",
                classify_trap(&e, store.data(), &limits)
            ))),
            Err(_) => Err(LoadError::Manifest(format!(
                "manifest() did not return within {} ms",
                limits.timeout.as_millis()
            ))),
        }
    }

    fn new_store(
        &self,
        org_id: String,
        plugin_id: Arc<str>,
        requested: Arc<[Capability]>,
        grants: Arc<Grants>,
        limits: RunLimits,
    ) -> Store<RunState> {
        let state = RunState::new(
            org_id,
            plugin_id,
            requested,
            grants,
            limits,
            self.services.clone(),
        );
        let mut store = Store::new(&self.engine, state);
        store.limiter(|s| &mut s.limiter);
        // Fuel is enabled on the engine, so setting it cannot fail.
        let _ = store.set_fuel(limits.fuel);
        time_slice::install(&mut store, limits.timeout);
        store
    }

    /// Runs the action once in a fresh instance and reports what happened.
    /// Never panics on guest behaviour: every failure is a [`RunError`].
    pub async fn run(&self, plugin: &Plugin, request: RunRequest) -> RunReport {
        let limits = plugin.limits;
        let early = |error: RunError| RunReport {
            plugin_id: plugin.manifest.id.clone(),
            plugin_version: plugin.manifest.version.clone(),
            result: Err(error),
            fuel_consumed: 0,
            peak_memory_bytes: 0,
            wall_time: Duration::ZERO,
            logs: Vec::new(),
            logs_dropped: 0,
            denials: Vec::new(),
            denials_dropped: 0,
            http_requests: 0,
        };
        let input = request.input.to_string();
        if input.len() > limits.input_bytes {
            return early(RunError::InputTooLarge {
                size: input.len() as u64,
                limit: limits.input_bytes as u64,
            });
        }
        if let Some(message) = schema_errors(&plugin.input_validator, &request.input) {
            return early(RunError::InvalidInput { message });
        }

        let org_id = request.context.org_id.clone();
        let mut store = self.new_store(
            org_id.clone(),
            plugin.id.clone(),
            plugin.requested.clone(),
            request.grants,
            limits,
        );
        store.data_mut().test_mode = request.context.test_mode;
        store.data_mut().now_ms = i64::try_from(request.context.now_unix_ms).unwrap_or(i64::MAX);
        let context = request.context.to_wit();
        let pre = plugin.pre.clone();
        let run = async move {
            let started = Instant::now();
            let returned = {
                let call = async {
                    let instance = pre.instantiate_async(&mut store).await?;
                    instance.call_execute(&mut store, &context, &input).await
                };
                tokio::time::timeout(limits.timeout + HOST_CALL_GRACE, call).await
            };
            (returned, store, started.elapsed())
        };
        let (returned, store, wall_time) = match self.guests.run(run).await {
            Ok(done) => done,
            Err(e) => {
                return early(RunError::Trap {
                    message: format!("the run was abandoned: {e}"),
                });
            }
        };

        let result = match returned {
            Err(_) => Err(RunError::Timeout {
                budget_ms: limits.timeout.as_millis() as u64,
            }),
            Ok(Err(trap)) => Err(classify_trap(&trap, store.data(), &limits)),
            Ok(Ok(Err(action_error))) => Err(action_error_to_run_error(action_error)),
            Ok(Ok(Ok(output))) => check_output(plugin, output, &limits),
        };
        let fuel_consumed = limits.fuel.saturating_sub(store.get_fuel().unwrap_or(0));
        let mut state = store.into_data();
        state.drain_wasi_output();
        let peak_memory_bytes = state.limiter.peak_bytes() as u64;
        let (logs, logs_dropped) = std::mem::take(&mut state.log).into_parts();
        let (denials, denials_dropped) = std::mem::take(&mut state.denials).into_parts();
        self.audit_run(
            &org_id,
            &plugin.manifest.id,
            &denials,
            denials_dropped,
            state.consent_audits_dropped,
        )
        .await;
        RunReport {
            plugin_id: plugin.manifest.id.clone(),
            plugin_version: plugin.manifest.version.clone(),
            result,
            fuel_consumed,
            peak_memory_bytes,
            wall_time,
            logs,
            logs_dropped,
            denials,
            denials_dropped,
            http_requests: state.http_requests,
        }
    }

    /// Writes the run's kept denials, one row counting the denials dropped
    /// and one counting consent refusals past the run's cap, in one
    /// statement. The write is given [`AUDIT_WRITE_BUDGET`]: a slow audit log
    /// must not hold the job (and its lease) open.
    async fn audit_run(
        &self,
        org_id: &str,
        plugin_id: &str,
        denials: &[crate::capabilities::Denial],
        dropped: u32,
        consent_dropped: u32,
    ) {
        if denials.is_empty() && dropped == 0 && consent_dropped == 0 {
            return;
        }
        let actor = format!("plugin:{plugin_id}");
        let mut entries: Vec<_> = denials
            .iter()
            .map(|d| crate::store::AuditEntry {
                org_id: org_id.to_string(),
                actor: actor.clone(),
                action: "capability.denied".into(),
                target: format!("{}:{}", d.capability, d.target),
                detail: serde_json::json!({ "reason": d.reason }),
            })
            .collect();
        if dropped > 0 {
            entries.push(crate::store::AuditEntry {
                org_id: org_id.to_string(),
                actor: actor.clone(),
                action: "capability.denied_dropped".into(),
                target: format!("plugin:{plugin_id}"),
                detail: serde_json::json!({ "dropped": dropped, "kept": denials.len() }),
            });
        }
        if consent_dropped > 0 {
            entries.push(crate::store::AuditEntry {
                org_id: org_id.to_string(),
                actor,
                action: "crm.consent_refused_dropped".into(),
                target: format!("plugin:{plugin_id}"),
                detail: serde_json::json!({ "dropped": consent_dropped }),
            });
        }
        let write = self.services.store.audit_append(&entries);
        match tokio::time::timeout(AUDIT_WRITE_BUDGET, write).await {
            Ok(Ok(())) => {}
            Ok(Err(e)) => tracing::error!(error = %e, "recording denied capability calls failed"),
            Err(_) => tracing::error!(
                rows = entries.len(),
                "recording denied capability calls took longer than {} ms; skipped",
                AUDIT_WRITE_BUDGET.as_millis()
            ),
        }
    }
}

/// Rejects bytes that are not a WebAssembly component before compiling them.
fn check_header(bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.is_empty() {
        return Err(LoadError::NotWasm("the file is empty".into()));
    }
    if bytes.len() < 8 || &bytes[..4] != b"\0asm" {
        return Err(LoadError::NotWasm(
            "the file does not start with the WebAssembly magic number".into(),
        ));
    }
    if wasmparser::Parser::is_core_wasm(bytes) {
        return Err(LoadError::CoreModule);
    }
    if !wasmparser::Parser::is_component(bytes) {
        return Err(LoadError::NotWasm(
            "unsupported WebAssembly encoding version".into(),
        ));
    }
    Ok(())
}

/// Turns a trap or host failure into the error the caller sees.
fn classify_trap(error: &wasmtime::Error, state: &RunState, limits: &RunLimits) -> RunError {
    match error.downcast_ref::<Trap>() {
        Some(Trap::Interrupt) => {
            return RunError::Timeout {
                budget_ms: limits.timeout.as_millis() as u64,
            };
        }
        Some(Trap::OutOfFuel) => return RunError::FuelExhausted { fuel: limits.fuel },
        _ => {}
    }
    if state.limiter.memory_cap_hit() {
        return RunError::MemoryLimit {
            limit_bytes: limits.memory_bytes as u64,
        };
    }
    let message = format!("{error:#}");
    if message.contains("resource limit exceeded") || message.contains("memory minimum size") {
        return RunError::MemoryLimit {
            limit_bytes: limits.memory_bytes as u64,
        };
    }
    RunError::Trap { message }
}

fn action_error_to_run_error(error: wit::ActionError) -> RunError {
    match error {
        wit::ActionError::InvalidInput(message) => RunError::InvalidInput { message },
        wit::ActionError::Retryable(r) => RunError::Retryable {
            message: r.message,
            retry_after_ms: r.retry_after_ms,
        },
        wit::ActionError::Fatal(message) => RunError::Fatal { message },
    }
}

/// Checks the output's size, outcome, JSON and schema.
fn check_output(
    plugin: &Plugin,
    output: wit::Output,
    limits: &RunLimits,
) -> Result<ActionOutput, RunError> {
    if output.data_json.len() > limits.output_bytes {
        return Err(RunError::OutputTooLarge {
            size: output.data_json.len() as u64,
            limit: limits.output_bytes as u64,
        });
    }
    if !plugin.manifest.has_outcome(&output.outcome) {
        let known: Vec<&str> = plugin
            .manifest
            .outcomes
            .iter()
            .map(|o| o.name.as_str())
            .collect();
        return Err(RunError::InvalidOutput {
            message: format!(
                "outcome `{}` is not declared in the manifest (declared: {})",
                output.outcome,
                known.join(", ")
            ),
        });
    }
    let data: Value =
        serde_json::from_str(&output.data_json).map_err(|e| RunError::InvalidOutput {
            message: format!("output is not JSON: {e}"),
        })?;
    if let Some(message) = schema_errors(&plugin.output_validator, &data) {
        return Err(RunError::InvalidOutput {
            message: format!("output does not match the output schema: {message}"),
        });
    }
    Ok(ActionOutput {
        outcome: output.outcome,
        data,
    })
}

/// Every schema violation as `path: message`, or `None` when valid.
fn schema_errors(validator: &jsonschema::Validator, value: &Value) -> Option<String> {
    if validator.is_valid(value) {
        return None;
    }
    let errors: Vec<String> = validator
        .iter_errors(value)
        .take(10)
        .map(|e| {
            let path = e.instance_path.to_string();
            if path.is_empty() {
                e.to_string()
            } else {
                format!("{path}: {e}")
            }
        })
        .collect();
    Some(errors.join("; "))
}
