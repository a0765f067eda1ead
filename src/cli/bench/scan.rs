//! The `scan` benchmark suite: single-threaded scanner throughput over a corpus of real code
//! (`--corpus tests/corpus/npm`, fetched by `tests/corpus/fetch.sh`) and the time to scan a
//! 100 KB file. Uncached scans; medians over several passes. Run it in release mode.

use super::BenchArgs;
use crate::cli::scan::{collect, MAX_SCAN_BYTES};
use std::time::{Duration, Instant};

/// Passes over the corpus (median reported).
const PASSES: usize = 5;
/// Runs of the 100 KB file (median reported).
const RUNS_100K: usize = 31;

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort_unstable();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Runs the suite and prints its results; returns an exit code.
pub fn run(args: &BenchArgs) -> u8 {
    let paths = if args.corpus.is_empty() {
        vec![std::path::PathBuf::from("tests/corpus/npm")]
    } else {
        args.corpus.clone()
    };
    let mut sources = Vec::new();
    for p in collect(&paths, true).into_iter().flatten() {
        if let Ok(s) = crate::engine::error::read_source(&p, MAX_SCAN_BYTES) {
            sources.push(s);
        }
    }
    if sources.is_empty() {
        return crate::cli::usage_error(format!(
            "bench --suite scan: no .js files under {} (fetch them with tests/corpus/fetch.sh)",
            paths
                .iter()
                .map(|p| p.display().to_string())
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    let bytes: usize = sources.iter().map(String::len).sum();
    // Warm-up (regex compilation, page faults), then timed passes.
    for s in &sources {
        std::hint::black_box(crate::engine::scan::scan(s));
    }
    let mut passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let t = Instant::now();
        for s in &sources {
            std::hint::black_box(crate::engine::scan::scan(s));
        }
        passes.push(t.elapsed());
    }
    let pass = median(passes);
    // Reference: oxc parse alone over the same corpus.
    let mut parse_passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let t = Instant::now();
        for s in &sources {
            let alloc = oxc_allocator::Allocator::default();
            let r = oxc_parser::Parser::new(&alloc, s, oxc_span::SourceType::cjs()).parse();
            std::hint::black_box(r.program.body.len());
        }
        parse_passes.push(t.elapsed());
    }
    let parse_mbps = bytes as f64 / 1e6 / median(parse_passes).as_secs_f64().max(1e-9);
    let mbps = bytes as f64 / 1e6 / pass.as_secs_f64().max(1e-9);

    // A 100 KB file: whole corpus files joined with `;` until 100 KB.
    let mut big = String::new();
    for s in &sources {
        if big.len() >= 100_000 {
            break;
        }
        if s.len() < 100_000 - big.len().min(100_000) + 20_000 {
            big.push_str(s);
            big.push_str("\n;\n");
        }
    }
    let mut runs = Vec::with_capacity(RUNS_100K);
    for _ in 0..RUNS_100K {
        let t = Instant::now();
        std::hint::black_box(crate::engine::scan::scan(&big));
        runs.push(t.elapsed());
    }
    let t100 = median(runs);
    let per_100k = t100.as_secs_f64() * 1e3 * 100_000.0 / big.len().max(1) as f64;

    if args.json {
        println!(
            "{}",
            serde_json::json!({
                "suite": "scan",
                "files": sources.len(),
                "bytes": bytes,
                "passes": PASSES,
                "median_pass_ms": pass.as_secs_f64() * 1e3,
                "mb_per_s": mbps,
                "parse_only_mb_per_s": parse_mbps,
                "file_100k_bytes": big.len(),
                "file_100k_median_ms": t100.as_secs_f64() * 1e3,
                "per_100k_ms": per_100k,
            })
        );
    } else {
        println!(
            "scan suite ({} files, {:.1} MB, single thread, uncached)",
            sources.len(),
            bytes as f64 / 1e6
        );
        println!(
            "  throughput          {mbps:>8.1} MB/s   (median of {PASSES} passes: {:.1} ms)",
            pass.as_secs_f64() * 1e3
        );
        println!("  oxc parse alone     {parse_mbps:>8.1} MB/s   (reference)");
        println!(
            "  {:>3} KB file         {:>8.3} ms     (median of {RUNS_100K}; {per_100k:.3} ms per 100 KB)",
            big.len() / 1000,
            t100.as_secs_f64() * 1e3
        );
    }
    crate::cli::EXIT_OK
}
