//! The headless front door. One file per subcommand; `main` parses and dispatches.
//!
//! Exit codes: 0 success, 1 a run failed / a file reached the fail-on verdict, 2 usage and
//! file errors.

pub mod bench;
pub mod executors;
pub mod run;
pub mod scan;
pub mod style;
pub mod worker;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

/// Exit code for success.
pub const EXIT_OK: u8 = 0;
/// Exit code when a run failed or a file reached the fail-on verdict.
pub const EXIT_FAIL: u8 = 1;
/// Exit code for usage and file errors.
pub const EXIT_USAGE: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "sandbench",
    version,
    about = "A terminal workbench for running untrusted JavaScript safely and seeing why it is dangerous",
    long_about = "Run with no arguments to open the workbench on a built-in sample, or with FILE to open a file.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A JavaScript file to open in the workbench.
    pub file: Option<PathBuf>,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scripts in the sandbox and report value, console, errors and blocked attempts.
    Run(run::RunArgs),
    /// Scan scripts for escape attempts and dangerous capabilities.
    Scan(scan::ScanArgs),
    /// Measure cold start, warm runs, limits and memory (same workloads as the peer benchmark).
    Bench(bench::BenchArgs),
    /// List the executors, whether they work here, and which one `auto` picks.
    Executors(executors::ExecutorsArgs),
    /// Internal: the out-of-process executor's worker (reads a request on stdin).
    #[command(hide = true)]
    Worker(worker::WorkerArgs),
}

/// Parses the command line and runs it.
pub fn main() -> ExitCode {
    // `worker` is served below: this program may be re-executed as the worker.
    crate::engine::exec::process::declare_worker_program();
    // The out-of-process executor starts a worker per run: skip clap's set-up for it.
    if let Some(code) = worker::fast_path() {
        return ExitCode::from(code);
    }
    let cli = Cli::parse();
    let code = match cli.command {
        Some(Command::Run(args)) => run::main(args),
        Some(Command::Scan(args)) => scan::main(args),
        Some(Command::Bench(args)) => bench::main(args),
        Some(Command::Executors(args)) => executors::main(args),
        Some(Command::Worker(args)) => worker::main(args),
        None => crate::tui::main(cli.file).map_or_else(usage_error, |()| EXIT_OK),
    };
    ExitCode::from(code)
}

/// Prints one clear error line for a usage or file problem and returns the usage exit code.
pub fn usage_error(msg: impl std::fmt::Display) -> u8 {
    eprintln!(
        "sandbench: {}",
        crate::engine::text::escape(&msg.to_string(), false)
    );
    EXIT_USAGE
}
