//! `sandbench bench`: benchmarks, reported as medians from one run. Suites live in their own
//! files: `exec` (the peer workloads of `../shared/bench/peers/workloads.json`), `scan`
//! (scanner throughput). The TUI's benchmark drives the binary from outside (tmux), so it is
//! not shipped in it: `cargo bench --bench tui`.

pub mod exec;
pub mod scan;

use clap::{Args, ValueEnum};
use std::path::PathBuf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Suite {
    Exec,
    Scan,
}

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Suites to run (default: all).
    #[arg(long = "suite", value_enum)]
    pub suites: Vec<Suite>,
    /// Print one JSON object per suite instead of tables.
    #[arg(long)]
    pub json: bool,
    /// The peer benchmark's workloads (default: ../shared/bench/peers/workloads.json).
    #[arg(long)]
    pub workloads: Option<PathBuf>,
    /// Code to scan for the scan suite (files or directories of .js).
    #[arg(long)]
    pub corpus: Vec<PathBuf>,
    /// Exec suite: timing rounds, each in its own process, reported as medians (default 1:
    /// in process).
    #[arg(long, value_name = "N", default_value_t = 1,
          value_parser = clap::value_parser!(u64).range(1..=20))]
    pub rounds: u64,
    /// Executor for the exec suite's peer-named full-path numbers (default: quickjs, in-process
    /// like every peer; the out-of-process executor always has its own fields).
    #[arg(long, value_name = "NAME")]
    pub executor: Option<String>,
    /// Internal: run one measurement of the exec suite as a peer-benchmark child
    /// (`timing`, `mem` or `memlimit`) and print its JSON lines, as `peers.mjs` expects.
    #[arg(long, value_name = "KIND", hide = true)]
    pub peer_child: Option<String>,
}

pub fn main(args: BenchArgs) -> u8 {
    if let Some(kind) = &args.peer_child {
        return exec::peer_child(kind, &args);
    }
    let suites = if args.suites.is_empty() {
        vec![Suite::Exec, Suite::Scan]
    } else {
        args.suites.clone()
    };
    let mut code = super::EXIT_OK;
    for s in suites {
        let r = match s {
            Suite::Exec => exec::run(&args),
            Suite::Scan => scan::run(&args),
        };
        code = code.max(r);
    }
    code
}
