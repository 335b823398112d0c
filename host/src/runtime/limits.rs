//! Resource limits applied to every action run, and the memory limiter that
//! enforces the linear-memory cap and records peak usage.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// Limits for one run of an action. Every field has a safe default; a plugin can
/// be loaded with its own values (see [`crate::runtime::LoadOptions`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RunLimits {
    /// Wall-clock budget for `execute`, host calls included. Default 10 s.
    #[serde(with = "duration_ms")]
    pub timeout: Duration,
    /// Deterministic CPU budget in fuel units (about one per wasm instruction). Default 2e9.
    pub fuel: u64,
    /// Total linear memory across the component's memories. Default 128 MiB.
    pub memory_bytes: usize,
    /// Elements per table. Default 100,000.
    pub table_elements: usize,
    /// Core instances the component may create. Default 64.
    pub instances: usize,
    /// Tables the component may create. Default 64.
    pub tables: usize,
    /// Memories the component may create. Default 16.
    pub memories: usize,
    /// Largest accepted input document. Default 1 MiB.
    pub input_bytes: usize,
    /// Largest accepted output document. Default 1 MiB.
    pub output_bytes: usize,
    /// Log bytes kept per run; later lines are dropped and counted. Default 64 KiB.
    pub log_bytes: usize,
    /// Outbound HTTP requests per run (redirect hops included). Default 20.
    pub http_requests: u32,
    /// Largest HTTP response body accepted. Default 5 MiB.
    pub http_response_bytes: usize,
    /// Largest HTTP request body sent. Default 5 MiB.
    pub http_request_bytes: usize,
    /// Per-request HTTP timeout; a guest may ask for less, never more. Default 10 s.
    #[serde(with = "duration_ms")]
    pub http_timeout: Duration,
    /// Refused host calls kept with the run and written to the audit log;
    /// later ones are only counted. Default 32.
    pub denials_kept: u32,
    /// `kv` calls per run. Default 1,000.
    pub kv_calls: u32,
    /// `secrets` calls per run. Default 100.
    pub secret_calls: u32,
    /// CRM reads per run (`get-contact`, `has-consent`). Default 1,000.
    pub crm_reads: u32,
    /// CRM changes per run (tags, notes, tasks, bookings, ...). Default 100.
    pub crm_writes: u32,
    /// `crm.consent_refused` audit rows one run may write; later refusals
    /// are still refused, and counted in one summary row. Default 10.
    pub consent_audits: u32,
    /// kv keys one org may keep across all its plugins. Default 100,000.
    pub kv_org_keys: i64,
    /// kv bytes (keys and values) one org may keep across all its plugins.
    /// Default 256 MiB.
    pub kv_org_bytes: i64,
}

impl Default for RunLimits {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            fuel: 2_000_000_000,
            memory_bytes: 128 << 20,
            table_elements: 100_000,
            instances: 64,
            tables: 64,
            memories: 16,
            input_bytes: 1 << 20,
            output_bytes: 1 << 20,
            log_bytes: 64 << 10,
            http_requests: 20,
            http_response_bytes: 5 << 20,
            http_request_bytes: 5 << 20,
            http_timeout: Duration::from_secs(10),
            denials_kept: 32,
            kv_calls: 1_000,
            secret_calls: 100,
            crm_reads: 1_000,
            crm_writes: 100,
            consent_audits: 10,
            kv_org_keys: 100_000,
            kv_org_bytes: 256 << 20,
        }
    }
}

/// Enforces [`RunLimits`] on a store's memories, tables and instances, and
/// remembers the peak linear memory and whether the memory cap was hit.
#[derive(Debug)]
pub struct MemoryLimiter {
    limits: RunLimits,
    current_bytes: usize,
    peak_bytes: usize,
    memory_cap_hit: bool,
    table_cap_hit: bool,
}

impl MemoryLimiter {
    /// A limiter for one run.
    pub fn new(limits: RunLimits) -> Self {
        Self {
            limits,
            current_bytes: 0,
            peak_bytes: 0,
            memory_cap_hit: false,
            table_cap_hit: false,
        }
    }

    /// Highest total linear memory seen during the run, in bytes.
    pub fn peak_bytes(&self) -> usize {
        self.peak_bytes
    }

    /// True when the guest asked for more memory than its cap.
    pub fn memory_cap_hit(&self) -> bool {
        self.memory_cap_hit
    }

    /// True when the guest asked for more table elements than its cap.
    pub fn table_cap_hit(&self) -> bool {
        self.table_cap_hit
    }
}

impl wasmtime::ResourceLimiter for MemoryLimiter {
    fn memory_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        let total = self.current_bytes - current.min(self.current_bytes) + desired;
        if total > self.limits.memory_bytes {
            self.memory_cap_hit = true;
            return Ok(false);
        }
        self.current_bytes = total;
        self.peak_bytes = self.peak_bytes.max(total);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > self.limits.table_elements {
            self.table_cap_hit = true;
            return Ok(false);
        }
        Ok(true)
    }

    fn instances(&self) -> usize {
        self.limits.instances
    }

    fn tables(&self) -> usize {
        self.limits.tables
    }

    fn memories(&self) -> usize {
        self.limits.memories
    }
}

/// Serialises a [`Duration`] as whole milliseconds.
mod duration_ms {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(d.as_millis() as u64)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        Ok(Duration::from_millis(u64::deserialize(d)?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use wasmtime::ResourceLimiter;

    #[test]
    fn memory_growth_past_the_cap_is_refused_and_remembered() {
        let mut limiter = MemoryLimiter::new(RunLimits {
            memory_bytes: 1 << 20,
            ..RunLimits::default()
        });
        assert!(limiter.memory_growing(0, 512 << 10, None).unwrap());
        assert!(limiter.memory_growing(512 << 10, 1 << 20, None).unwrap());
        assert!(!limiter.memory_growing(1 << 20, 2 << 20, None).unwrap());
        assert!(limiter.memory_cap_hit());
        assert_eq!(limiter.peak_bytes(), 1 << 20);
    }

    #[test]
    fn peak_counts_every_memory_of_the_component() {
        let mut limiter = MemoryLimiter::new(RunLimits::default());
        limiter.memory_growing(0, 64 << 10, None).unwrap();
        limiter.memory_growing(0, 128 << 10, None).unwrap();
        assert_eq!(limiter.peak_bytes(), 192 << 10);
    }

    #[test]
    fn limits_round_trip_through_json_in_milliseconds() {
        let json = serde_json::json!({ "timeout": 250, "fuel": 10 });
        let limits: RunLimits = serde_json::from_value(json).unwrap();
        assert_eq!(limits.timeout, Duration::from_millis(250));
        assert_eq!(limits.fuel, 10);
        assert_eq!(limits.memory_bytes, RunLimits::default().memory_bytes);
    }
}
