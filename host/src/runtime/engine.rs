//! The process-wide `wasmtime::Engine`: pooling allocator, copy-on-write memory
//! images, fuel metering, epoch interruption and the thread that ticks epochs.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

use anyhow::Context as _;
use serde::{Deserialize, Serialize};
use wasmtime::{Config, Engine, InstanceAllocationStrategy, PoolingAllocationConfig};

/// How long one epoch lasts. Deadlines are counted in epochs, so a guest stuck in
/// a loop is interrupted at most one tick after its wall-clock budget.
pub const EPOCH_TICK: Duration = Duration::from_millis(1);

/// Process-wide sizing of the engine. Per-run limits live in
/// [`crate::runtime::RunLimits`]; this only bounds what any plugin may be given.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(default)]
pub struct EngineConfig {
    /// Component instances alive at once (concurrent runs). Default 1,000.
    pub max_concurrent_instances: u32,
    /// Largest linear memory any plugin may be allowed. Default 1 GiB.
    pub max_memory_bytes: usize,
    /// Pooled linear memory kept resident between runs to avoid page faults. Default 192 KiB.
    pub keep_resident_bytes: usize,
    /// Use the pooling allocator (fast instantiation). Default true.
    pub pooling: bool,
}

impl Default for EngineConfig {
    fn default() -> Self {
        Self {
            max_concurrent_instances: 1_000,
            max_memory_bytes: 1 << 30,
            keep_resident_bytes: 192 << 10,
            pooling: true,
        }
    }
}

/// Builds the engine every component of this process is compiled and run with.
pub fn build_engine(config: &EngineConfig) -> anyhow::Result<Engine> {
    let mut wasm = Config::new();
    wasm.wasm_component_model(true)
        .consume_fuel(true)
        .epoch_interruption(true)
        .memory_init_cow(true)
        .max_wasm_stack(1 << 20)
        .async_stack_size(2 << 20)
        .cranelift_opt_level(wasmtime::OptLevel::Speed);
    if config.pooling {
        let mut pool = PoolingAllocationConfig::new();
        let instances = config.max_concurrent_instances;
        pool.total_component_instances(instances)
            .total_core_instances(instances.saturating_mul(8))
            .total_memories(instances.saturating_mul(2))
            .total_tables(instances.saturating_mul(4))
            .total_stacks(instances)
            .max_core_instances_per_component(64)
            .max_memories_per_component(16)
            .max_tables_per_component(64)
            .max_memories_per_module(2)
            .max_tables_per_module(8)
            .max_component_instance_size(1 << 20)
            .max_core_instance_size(4 << 20)
            .max_memory_size(config.max_memory_bytes)
            .linear_memory_keep_resident(config.keep_resident_bytes)
            .table_keep_resident(16 << 10)
            .async_stack_keep_resident(64 << 10);
        wasm.allocation_strategy(InstanceAllocationStrategy::Pooling(pool));
    }
    Engine::new(&wasm)
        .map_err(anyhow::Error::from)
        .context("configuring the WebAssembly engine")
}

/// Advances the engine's epoch every [`EPOCH_TICK`] until dropped.
pub struct EpochTicker {
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl EpochTicker {
    /// Starts the ticking thread for `engine`.
    pub fn start(engine: Engine) -> std::io::Result<Self> {
        let stop = Arc::new(AtomicBool::new(false));
        let flag = stop.clone();
        let thread = std::thread::Builder::new()
            .name("atlas-epoch".into())
            .spawn(move || {
                while !flag.load(Ordering::Relaxed) {
                    std::thread::sleep(EPOCH_TICK);
                    engine.increment_epoch();
                }
            })?;
        Ok(Self {
            stop,
            thread: Some(thread),
        })
    }
}

impl Drop for EpochTicker {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::Relaxed);
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}
