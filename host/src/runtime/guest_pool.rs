//! The threads guest code runs on, apart from the API's and the engine's.
//!
//! Guests yield every epoch tick ([`super::time_slice`]), but a tokio thread
//! runs its queue in order: with dozens of spinning guests on it, a request
//! handler woken on the same thread waits behind all of them. Running guests
//! on a runtime of their own leaves the process's main runtime (HTTP, lease
//! renewal, timers) to the operating system's scheduler, which preempts.

use std::future::Future;

use tokio::runtime::{Builder, Runtime};
use tokio::task::JoinError;

/// A multi-threaded tokio runtime that only runs guest calls.
pub struct GuestPool {
    runtime: Option<Runtime>,
}

impl GuestPool {
    /// A pool with one thread per core.
    pub fn new() -> std::io::Result<Self> {
        let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
        let runtime = Builder::new_multi_thread()
            .worker_threads(threads)
            .thread_name("atlas-guest")
            .enable_all()
            .build()?;
        Ok(Self {
            runtime: Some(runtime),
        })
    }

    /// Runs `call` on the pool and waits for it from the caller's runtime.
    pub async fn run<F>(&self, call: F) -> Result<F::Output, JoinError>
    where
        F: Future + Send + 'static,
        F::Output: Send + 'static,
    {
        let runtime = self.runtime.as_ref().expect("the pool lives until dropped");
        runtime.spawn(call).await
    }
}

impl Drop for GuestPool {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which is not allowed inside another
        // runtime; guests still running are abandoned with it.
        if let Some(runtime) = self.runtime.take() {
            runtime.shutdown_background();
        }
    }
}
