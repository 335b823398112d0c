//! `atlas plugin new`: scaffold an action project with test cases.

use std::path::PathBuf;
use std::process::ExitCode;

use crate::toolchain::scaffold::{Language, ScaffoldOptions, default_id, scaffold};

/// Arguments of `atlas plugin new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// Project name: lowercase letters, digits and `-` (also the crate name).
    pub name: String,
    /// The language of the action.
    #[arg(long, value_enum, default_value = "rust")]
    pub lang: Language,
    /// Where to create it; `./<name>` when absent. Must not exist or be empty.
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// The action id; `partner.<name>` when absent.
    #[arg(long)]
    pub id: Option<String>,
    /// The atlas-sdk crate a Rust project depends on; the source tree this
    /// binary was built from when absent.
    #[arg(long)]
    pub sdk_path: Option<PathBuf>,
}

/// Writes the project and prints its files and the next command.
pub fn run(args: NewArgs) -> anyhow::Result<ExitCode> {
    let dir = args.dir.unwrap_or_else(|| PathBuf::from(&args.name));
    let options = ScaffoldOptions {
        id: args.id.unwrap_or_else(|| default_id(&args.name)),
        name: args.name,
        language: args.lang,
        dir,
        sdk_path: args.sdk_path,
    };
    let files = scaffold(&options)?;
    println!("created action {} in {}", options.id, options.dir.display());
    for file in &files {
        println!("  {}", file.display());
    }
    println!(
        "next: atlas plugin test --dir {}   (then see its README.md)",
        options.dir.display()
    );
    Ok(ExitCode::SUCCESS)
}
