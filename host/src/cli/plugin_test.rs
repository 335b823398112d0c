//! `atlas plugin test`: build the project, then run its `atlas-tests.json`
//! cases against a scripted host and print a verdict per case.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context as _;

use crate::plugin_test::{CaseResult, TEST_FILE, TestFile, run_file};
use crate::toolchain::{BuildOptions, build};

/// Arguments of `atlas plugin test`.
#[derive(Debug, clap::Args)]
pub struct TestArgs {
    /// The action project (a Rust crate or a Python app).
    #[arg(long, default_value = ".")]
    pub dir: PathBuf,
    /// The test file; `<dir>/atlas-tests.json` when absent.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Cargo target directory for the guest build; `<dir>/target` when absent.
    #[arg(long)]
    pub target_dir: Option<PathBuf>,
}

/// Builds, runs every case and exits non-zero when one fails.
pub async fn run(args: TestArgs) -> anyhow::Result<ExitCode> {
    let file_path = args
        .file
        .clone()
        .unwrap_or_else(|| args.dir.join(TEST_FILE));
    let file = TestFile::read(&file_path)?;

    let work_dir = args.dir.join("target");
    let options = BuildOptions {
        out_dir: work_dir.join("components"),
        target_dir: args.target_dir.clone(),
    };
    let dir = args.dir.clone();
    let built = tokio::task::spawn_blocking(move || build(&dir, &options)).await??;
    let component = match (&file.component, built.as_slice()) {
        (Some(name), _) => built
            .iter()
            .find(|component| &component.name == name)
            .with_context(|| {
                format!(
                    "{}: `component` is `{name}`, but the build wrote no such component",
                    file_path.display()
                )
            })?,
        (None, [only]) => only,
        (None, _) => anyhow::bail!(
            "{} builds {} components; name the one to test with `component` in {}",
            args.dir.display(),
            built.len(),
            file_path.display()
        ),
    };
    println!(
        "built {} -> {} ({} KiB)",
        component.name,
        component.path.display(),
        component.size_bytes.div_ceil(1024)
    );

    let (plugin, results) =
        run_file(&component.path, &file, Some(work_dir.join("compiled"))).await?;
    println!(
        "running {} case{} of {}@{} (scripted host: no network)",
        results.len(),
        if results.len() == 1 { "" } else { "s" },
        plugin.manifest.id,
        plugin.manifest.version
    );
    for result in &results {
        print_case(result);
    }
    let failed = results.iter().filter(|result| !result.passed()).count();
    println!("{} passed, {failed} failed", results.len() - failed);
    Ok(if failed == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn print_case(result: &CaseResult) {
    println!(
        "{} {}  (fuel {}, {:.3} ms)",
        if result.passed() { "PASS" } else { "FAIL" },
        result.name,
        result.fuel,
        result.duration.as_secs_f64() * 1000.0
    );
    for failure in &result.failures {
        println!("     - {failure}");
    }
}
