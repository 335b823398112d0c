//! `atlas.test.hog`: allocates and writes 1 MiB chunks, keeping every one,
//! until the allocator fails. The failure aborts the guest (a trap), as with
//! any Rust program out of memory: the host's memory cap is what stops it.

use std::hint::black_box;

use atlas_sdk::{Action, ActionError, Context, Manifest, Outcome};
use schemars::JsonSchema;
use serde::Serialize;
use serde_json::{Map, Value};

/// Size of one allocation.
const CHUNK_BYTES: usize = 1024 * 1024;

/// The output it never produces.
#[derive(Serialize, JsonSchema)]
pub struct Never {}

/// Grows memory without bound.
pub struct Hog;

impl Action for Hog {
    type Input = Map<String, Value>;
    type Output = Never;

    fn manifest() -> Manifest {
        Manifest::new(
            "atlas.test.hog",
            "Test: memory hog",
            env!("CARGO_PKG_VERSION"),
        )
        .description("Allocates memory until the allocator fails.")
        .outcome("done", "Done")
    }

    fn execute(_ctx: &Context, _input: Map<String, Value>) -> Result<Outcome<Never>, ActionError> {
        let mut chunks: Vec<Vec<u8>> = Vec::new();
        loop {
            let fill = (chunks.len() as u8) | 1;
            chunks.push(black_box(vec![fill; CHUNK_BYTES]));
            black_box(&mut chunks);
        }
    }
}

atlas_sdk::export_action!(Hog);
