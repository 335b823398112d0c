//! The data a `Store` carries through one action run: who is running, what was
//! granted, the limiter, and what the run produced besides its output (logs,
//! denied calls). A fresh one is made for every run.

use std::sync::Arc;

use serde::Serialize;
use wasmtime::component::ResourceTable;
use wasmtime_wasi::p2::pipe::MemoryOutputPipe;
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

use super::bindings::atlas::workflow::types::HostError;
use super::call_budget::{CallBudget, CallKind};
use super::denials::DenialLedger;
use super::limits::{MemoryLimiter, RunLimits};
use super::manifest::Capability;
use crate::capabilities::kv_overlay::KvOverlay;
use crate::capabilities::{Grants, HostServices};

/// One log line written by a plugin (or its WASI stdout/stderr).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LogLine {
    /// `trace`, `debug`, `info`, `warn`, `error`, or `stdout`/`stderr` for WASI output.
    pub level: &'static str,
    /// The message.
    pub message: String,
}

/// Log lines kept within the run's byte cap.
#[derive(Debug, Default)]
pub struct RunLog {
    lines: Vec<LogLine>,
    bytes: usize,
    dropped: u32,
}

impl RunLog {
    /// Keeps the line if it fits in `cap` bytes overall, else counts it as dropped.
    pub fn push(&mut self, level: &'static str, message: String, cap: usize) {
        if self.bytes + message.len() > cap {
            self.dropped += 1;
            return;
        }
        self.bytes += message.len();
        self.lines.push(LogLine { level, message });
    }

    /// The kept lines and the number dropped.
    pub fn into_parts(self) -> (Vec<LogLine>, u32) {
        (self.lines, self.dropped)
    }
}

/// WASI state for components built by standard toolchains: nothing preopened,
/// no sockets, no environment; stdout and stderr captured into the run log.
pub struct WasiState {
    ctx: WasiCtx,
    table: ResourceTable,
    stdout: MemoryOutputPipe,
    stderr: MemoryOutputPipe,
}

impl WasiState {
    fn new(capture_bytes: usize) -> Self {
        let stdout = MemoryOutputPipe::new(capture_bytes);
        let stderr = MemoryOutputPipe::new(capture_bytes);
        let ctx = WasiCtx::builder()
            .stdout(stdout.clone())
            .stderr(stderr.clone())
            .build();
        Self {
            ctx,
            table: ResourceTable::new(),
            stdout,
            stderr,
        }
    }
}

/// Store data for one run.
pub struct RunState {
    pub(crate) org_id: String,
    pub(crate) plugin_id: Arc<str>,
    pub(crate) requested: Arc<[Capability]>,
    pub(crate) grants: Arc<Grants>,
    pub(crate) limits: RunLimits,
    pub(crate) limiter: MemoryLimiter,
    pub(crate) services: Arc<HostServices>,
    pub(crate) log: RunLog,
    pub(crate) denials: DenialLedger,
    pub(crate) calls: CallBudget,
    /// `crm.consent_refused` rows written by this run, and refusals past the cap.
    pub(crate) consent_audits: u32,
    pub(crate) consent_audits_dropped: u32,
    pub(crate) http_requests: u32,
    /// A test run: capabilities must not change real data.
    pub(crate) test_mode: bool,
    /// kv changes of a test run, never written.
    pub(crate) kv_overlay: KvOverlay,
    /// The engine clock at the start of the attempt (ms).
    pub(crate) now_ms: i64,
    wasi: Option<Box<WasiState>>,
}

impl RunState {
    /// State for a run of `plugin_id` in `org_id`.
    pub(crate) fn new(
        org_id: String,
        plugin_id: Arc<str>,
        requested: Arc<[Capability]>,
        grants: Arc<Grants>,
        limits: RunLimits,
        services: Arc<HostServices>,
    ) -> Self {
        Self {
            org_id,
            plugin_id,
            requested,
            grants,
            limiter: MemoryLimiter::new(limits),
            limits,
            services,
            log: RunLog::default(),
            denials: DenialLedger::default(),
            calls: CallBudget::default(),
            consent_audits: 0,
            consent_audits_dropped: 0,
            http_requests: 0,
            test_mode: false,
            kv_overlay: KvOverlay::default(),
            now_ms: crate::store::now_ms(),
            wasi: None,
        }
    }

    /// Records a denied host call (within the run's denial cap, target
    /// truncated) and returns the error the guest receives.
    pub(crate) fn deny(&mut self, capability: &str, target: &str, reason: String) -> HostError {
        let cap = self.limits.denials_kept;
        HostError::Denied(self.denials.record(capability, target, reason, cap))
    }

    /// Counts one host call of `kind` against the run's budget.
    pub(crate) fn spend(&mut self, kind: CallKind) -> Result<(), HostError> {
        self.calls.spend(kind, &self.limits)
    }

    /// Moves what WASI stdout/stderr captured into the log.
    pub(crate) fn drain_wasi_output(&mut self) {
        if let Some(wasi) = self.wasi.take() {
            for (level, pipe) in [("stdout", &wasi.stdout), ("stderr", &wasi.stderr)] {
                let bytes = pipe.contents();
                let text = String::from_utf8_lossy(&bytes);
                for line in text.lines().filter(|l| !l.trim().is_empty()) {
                    self.log
                        .push(level, line.to_string(), self.limits.log_bytes);
                }
            }
        }
    }
}

impl WasiView for RunState {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        let capture = self.limits.log_bytes;
        let wasi = self
            .wasi
            .get_or_insert_with(|| Box::new(WasiState::new(capture)));
        WasiCtxView {
            ctx: &mut wasi.ctx,
            table: &mut wasi.table,
        }
    }
}
