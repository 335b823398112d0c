//! Guest code shares the async runtime: every [`SLICE_TICKS`] epoch ticks a
//! running guest yields to tokio, so a component that spins cannot hold a
//! worker thread and stall the API, lease renewal or other runs. Once the
//! run's wall-clock budget has passed, the next tick interrupts it instead
//! (reported as a timeout).

use std::time::{Duration, Instant};

use wasmtime::{Store, UpdateDeadline};

use super::state::RunState;

/// Epoch ticks (see [`super::engine::EPOCH_TICK`]) a guest runs before it yields.
pub const SLICE_TICKS: u64 = 1;

/// Makes `store` yield every slice and trap once `budget` has passed.
pub fn install(store: &mut Store<RunState>, budget: Duration) {
    let deadline = Instant::now() + budget;
    store.set_epoch_deadline(SLICE_TICKS);
    store.epoch_deadline_callback(move |_| {
        if Instant::now() >= deadline {
            return Ok(UpdateDeadline::Interrupt);
        }
        Ok(UpdateDeadline::YieldCustom(
            SLICE_TICKS,
            Box::pin(tokio::task::yield_now()),
        ))
    });
}
