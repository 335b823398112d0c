//! Host-side bindings for the `action` world of `atlas:workflow@0.1.0`.
//!
//! Every import is async: capabilities do network and database I/O on tokio.
//! Released versions of the contract are frozen; a new version gets its own
//! module beside this one.

wasmtime::component::bindgen!({
    path: "../wit/v0.1.0",
    world: "action",
    imports: { default: async },
    exports: { default: async },
});

/// The WIT package version these bindings were generated from.
pub const WIT_VERSION: &str = "0.1.0";

/// The WIT package name, as it appears in import names (`atlas:workflow/http@0.1.0`).
pub const WIT_PACKAGE: &str = "atlas:workflow";
