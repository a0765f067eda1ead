//! The headless front door. One file per subcommand; `main` parses and dispatches.
//!
//! Exit codes: 0 success, 1 a run failed / a file reached the fail-on verdict, 2 usage and
//! file errors.

pub(crate) mod audit;
pub mod bench;
pub(crate) mod executors;
pub(crate) mod hash;
pub(crate) mod key;
pub mod run;
pub mod run_permissions;
pub(crate) mod run_trust;
pub mod run_wasm;
pub(crate) mod scan;
pub(crate) mod sign;
pub(crate) mod stats;
pub(crate) mod style;
pub(crate) mod verify;
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
    // `sandbench run --version` works too.
    propagate_version = true,
    about = "A terminal workbench for running untrusted JavaScript safely and seeing why it is dangerous",
    long_about = "Run with no arguments to open the workbench on a built-in sample, or with FILE to open a file.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    /// A JavaScript file to open in the workbench.
    pub file: Option<PathBuf>,
    /// The workbench's trust policy and span export (as for `run`).
    #[command(flatten)]
    pub trust: run_trust::TrustArgs,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Run scripts in the sandbox and report value, console, errors and blocked attempts.
    Run(Box<run::RunArgs>),
    /// Scan scripts for escape attempts and dangerous capabilities.
    Scan(scan::ScanArgs),
    /// Measure cold start, warm runs, limits and memory (same workloads as the peer benchmark).
    Bench(bench::BenchArgs),
    /// List the executors, whether they work here, and which one `auto` picks.
    Executors(executors::ExecutorsArgs),
    /// Print the SHA-256 of a file or the Merkle root of a directory (a plugin's identity).
    Hash(hash::HashArgs),
    /// Create signing keys, list them, and choose whose signatures to trust.
    Key(key::KeyArgs),
    /// Sign a file or directory with your key (writes FILE.sig or DIR/.sandbench.sig).
    Sign(sign::SignArgs),
    /// Check a file's or directory's signature against its content and the trusted signers.
    Verify(verify::VerifyArgs),
    /// Check the audit log's hash chain.
    Audit(audit::AuditArgs),
    /// Summarise the audit log: runs, outcomes, durations, blocked attempts, cache hits.
    Stats(stats::StatsArgs),
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
        Some(Command::Run(args)) => run::main(*args),
        Some(Command::Scan(args)) => scan::main(args),
        Some(Command::Bench(args)) => bench::main(args),
        Some(Command::Executors(args)) => executors::main(args),
        Some(Command::Hash(args)) => hash::main(args),
        Some(Command::Key(args)) => key::main(args),
        Some(Command::Sign(args)) => sign::main(args),
        Some(Command::Verify(args)) => verify::main(args),
        Some(Command::Audit(args)) => audit::main(args),
        Some(Command::Stats(args)) => stats::main(args),
        Some(Command::Worker(args)) => worker::main(args),
        None => crate::tui::main(cli.file, &cli.trust).map_or_else(usage_error, |()| EXIT_OK),
    };
    ExitCode::from(code)
}

/// Escapes a path or name for a terminal (file names may hold control characters).
pub fn shown(text: impl std::fmt::Display) -> String {
    crate::engine::text::escape(&text.to_string(), false).into_owned()
}

/// Prints one clear error line for a usage or file problem and returns the usage exit code.
pub fn usage_error(msg: impl std::fmt::Display) -> u8 {
    eprintln!(
        "sandbench: {}",
        crate::engine::text::escape(&msg.to_string(), false)
    );
    EXIT_USAGE
}
