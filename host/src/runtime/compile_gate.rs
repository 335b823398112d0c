//! Cranelift compiles are the most expensive thing an upload can cause, so
//! they run under a limit: at most [`CompileLimits::concurrent`] at once (a
//! caller waits at most [`CompileLimits::queue_wait`] for a turn), and a caller
//! stops waiting for a compile after [`CompileLimits::time_limit`]. A compile
//! that overruns keeps its turn until its thread finishes, so the concurrency
//! limit holds even then.

use std::sync::Arc;
use std::time::Duration;

use tokio::sync::Semaphore;

/// How compiles are limited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CompileLimits {
    /// Compiles running at once. Default 2.
    pub concurrent: usize,
    /// Longest wait for a turn. Default 30 s.
    pub queue_wait: Duration,
    /// Longest a caller waits for one compile. Default 60 s.
    pub time_limit: Duration,
}

impl Default for CompileLimits {
    fn default() -> Self {
        Self {
            concurrent: 2,
            queue_wait: Duration::from_secs(30),
            time_limit: Duration::from_secs(60),
        }
    }
}

/// Why a compile did not produce a result.
#[derive(Debug, PartialEq, Eq)]
pub enum CompileRefusal {
    /// No turn came within the queue wait.
    Busy(Duration),
    /// The compile ran longer than the time limit.
    TooSlow(Duration),
    /// The compiling thread panicked or was cancelled.
    Interrupted(String),
}

impl std::fmt::Display for CompileRefusal {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompileRefusal::Busy(wait) => write!(
                f,
                "the compiler is busy: no turn within {} s; try again shortly",
                wait.as_secs()
            ),
            CompileRefusal::TooSlow(limit) => write!(
                f,
                "compiling took longer than {} s; the component is too large or too complex",
                limit.as_secs()
            ),
            CompileRefusal::Interrupted(e) => write!(f, "compiling was interrupted: {e}"),
        }
    }
}

/// The turns compiles take.
#[derive(Debug, Clone)]
pub struct CompileGate {
    limits: CompileLimits,
    turns: Arc<Semaphore>,
}

impl CompileGate {
    /// A gate with `limits`.
    pub fn new(limits: CompileLimits) -> Self {
        Self {
            limits,
            turns: Arc::new(Semaphore::new(limits.concurrent.max(1))),
        }
    }

    /// Runs `compile` on a blocking thread once a turn is free.
    pub async fn run<T, F>(&self, compile: F) -> Result<T, CompileRefusal>
    where
        F: FnOnce() -> T + Send + 'static,
        T: Send + 'static,
    {
        let turn = tokio::time::timeout(self.limits.queue_wait, self.turns.clone().acquire_owned())
            .await
            .map_err(|_| CompileRefusal::Busy(self.limits.queue_wait))?
            .map_err(|e| CompileRefusal::Interrupted(e.to_string()))?;
        let task = tokio::task::spawn_blocking(move || {
            let result = compile();
            drop(turn);
            result
        });
        match tokio::time::timeout(self.limits.time_limit, task).await {
            Ok(Ok(result)) => Ok(result),
            Ok(Err(e)) => Err(CompileRefusal::Interrupted(e.to_string())),
            Err(_) => Err(CompileRefusal::TooSlow(self.limits.time_limit)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_slow_compile_is_abandoned_but_keeps_its_turn() {
        let gate = CompileGate::new(CompileLimits {
            concurrent: 1,
            queue_wait: Duration::from_millis(100),
            time_limit: Duration::from_millis(100),
        });
        let slow = gate
            .run(|| std::thread::sleep(Duration::from_millis(400)))
            .await;
        assert_eq!(
            slow,
            Err(CompileRefusal::TooSlow(Duration::from_millis(100)))
        );
        // The slow compile still holds the only turn.
        let next = gate.run(|| 1).await;
        assert_eq!(next, Err(CompileRefusal::Busy(Duration::from_millis(100))));
        tokio::time::sleep(Duration::from_millis(400)).await;
        assert_eq!(gate.run(|| 2).await, Ok(2));
    }
}
