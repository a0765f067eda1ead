//! `sandbench bench`: benchmarks, reported as medians from one run. Suites live in their own
//! files: `exec` (the peer benchmark's workloads, built in), `scan` (scanner throughput over
//! a corpus of real code); `stats` holds the one definition of medians and quantiles they share.
//! The TUI's benchmark drives the binary from outside (tmux), so it is not shipped in it:
//! `cargo bench --bench tui`.
//!
//! With no `--suite`, every suite runs that can run here; one that cannot (the scan suite
//! without a corpus) is skipped with the reason and how to fix it. A suite asked for by name
//! that cannot run is an error.

pub mod exec;
pub(crate) mod scan;
pub mod stats;

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
    /// A workloads file for the exec suite (default: the built-in copy of the peer
    /// benchmark's `workloads.json`).
    #[arg(long)]
    pub workloads: Option<PathBuf>,
    /// Code to scan for the scan suite (files or directories of .js; default:
    /// tests/corpus/npm, fetched by tests/corpus/fetch.sh).
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
    let named = !args.suites.is_empty();
    let suites = if named {
        args.suites.clone()
    } else {
        vec![Suite::Exec, Suite::Scan]
    };
    let mut code = super::EXIT_OK;
    for s in suites {
        let r = match s {
            Suite::Exec => exec::run(&args),
            Suite::Scan => match scan::corpus(&args) {
                Ok(corpus) => scan::run(&args, &corpus),
                Err(why) if named => super::usage_error(format!("bench --suite scan: {why}")),
                Err(why) => skipped("scan", &why, args.json),
            },
        };
        code = code.max(r);
    }
    code
}

/// Says that a suite was skipped and why (a JSON object with `--json`); not an error.
fn skipped(suite: &str, why: &str, json: bool) -> u8 {
    if json {
        println!("{}", serde_json::json!({ "suite": suite, "skipped": why }));
    } else {
        println!(
            "{suite} suite skipped: {}",
            crate::engine::text::escape(why, false)
        );
    }
    super::EXIT_OK
}
