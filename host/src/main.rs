//! The `atlas` binary: server, plugin tools and benchmarks.

fn main() -> std::process::ExitCode {
    atlas::cli::main()
}
