//! Structured logs, attached to the step's run record.
//!
//! The macros take `format!` arguments: `atlas_sdk::info!("sent {} bytes", n)`.
//! Outside WebAssembly (a plugin's native unit tests) logs go to standard error.

use crate::bindings::atlas::workflow::logging;

pub use logging::Level;

/// Logs `message` at `level`.
pub fn log(level: Level, message: &str) {
    #[cfg(target_family = "wasm")]
    logging::log(level, message);
    #[cfg(not(target_family = "wasm"))]
    eprintln!("{level:?}: {message}");
}

/// Logs at trace level.
pub fn trace(message: &str) {
    log(Level::Trace, message);
}

/// Logs at debug level.
pub fn debug(message: &str) {
    log(Level::Debug, message);
}

/// Logs at info level.
pub fn info(message: &str) {
    log(Level::Info, message);
}

/// Logs at warn level.
pub fn warn(message: &str) {
    log(Level::Warn, message);
}

/// Logs at error level.
pub fn error(message: &str) {
    log(Level::Error, message);
}

/// Logs a formatted message at trace level.
#[macro_export]
macro_rules! trace {
    ($($arg:tt)+) => {
        $crate::log::trace(&::std::format!($($arg)+))
    };
}

/// Logs a formatted message at debug level.
#[macro_export]
macro_rules! debug {
    ($($arg:tt)+) => {
        $crate::log::debug(&::std::format!($($arg)+))
    };
}

/// Logs a formatted message at info level.
#[macro_export]
macro_rules! info {
    ($($arg:tt)+) => {
        $crate::log::info(&::std::format!($($arg)+))
    };
}

/// Logs a formatted message at warn level.
#[macro_export]
macro_rules! warn {
    ($($arg:tt)+) => {
        $crate::log::warn(&::std::format!($($arg)+))
    };
}

/// Logs a formatted message at error level.
#[macro_export]
macro_rules! error {
    ($($arg:tt)+) => {
        $crate::log::error(&::std::format!($($arg)+))
    };
}
