//! The `atlas` binary: server, plugin tools and benchmarks.

/// mimalloc serves the many small, short-lived allocations of request
/// handling and step runs faster than the system allocator.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    atlas::cli::main()
}
