//! `logging`: plugin log lines, kept with the run within its byte cap.

use crate::runtime::RunState;
use crate::runtime::bindings::atlas::workflow::logging::{Host, Level};

impl Host for RunState {
    async fn log(&mut self, level: Level, message: String) {
        let level = match level {
            Level::Trace => "trace",
            Level::Debug => "debug",
            Level::Info => "info",
            Level::Warn => "warn",
            Level::Error => "error",
        };
        self.log.push(level, message, self.limits.log_bytes);
    }
}
