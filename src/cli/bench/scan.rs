//! The `scan` benchmark suite: single-threaded scanner throughput over a corpus of real code
//! (`--corpus tests/corpus/npm`, fetched by `tests/corpus/fetch.sh`) and the time to scan a
//! 100 KB file. Uncached scans; medians over several passes. Run it in release mode.

use super::stats::median_duration;
use super::BenchArgs;
use crate::cli::scan::{collect, MAX_SCAN_BYTES};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where the corpus is looked for without `--corpus`.
pub const DEFAULT_CORPUS: &str = "tests/corpus/npm";

/// Passes over the corpus (median reported).
const PASSES: usize = 5;
/// Runs of the 100 KB file (median reported).
const RUNS_100K: usize = 31;

/// CPU time used by this process so far: unlike wall time it does not count time the machine
/// gave to other processes, so it stays meaningful on a shared, busy machine.
#[cfg(unix)]
fn cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes one timespec through a valid pointer.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    if rc != 0 {
        return Duration::ZERO;
    }
    Duration::new(
        ts.tv_sec.max(0) as u64,
        ts.tv_nsec.clamp(0, 999_999_999) as u32,
    )
}

#[cfg(not(unix))]
fn cpu_time() -> Duration {
    Duration::ZERO
}

/// The sources of the corpus (`--corpus`, else [`DEFAULT_CORPUS`]), or why there are none.
pub fn corpus(args: &BenchArgs) -> Result<Vec<String>, String> {
    let paths = if args.corpus.is_empty() {
        vec![PathBuf::from(DEFAULT_CORPUS)]
    } else {
        args.corpus.clone()
    };
    let sources: Vec<String> = collect(&paths, true)
        .into_iter()
        .flatten()
        .filter_map(|p| crate::files::read_source(&p, MAX_SCAN_BYTES).ok())
        .collect();
    if sources.is_empty() {
        let shown: Vec<String> = paths.iter().map(|p| p.display().to_string()).collect();
        return Err(format!(
            "no .js files under {}: fetch real npm packages into {DEFAULT_CORPUS} with tests/corpus/fetch.sh (needs npm and the network), or pass --corpus DIR",
            shown.join(", ")
        ));
    }
    Ok(sources)
}

/// Runs the suite over `sources` and prints its results; returns an exit code.
pub fn run(args: &BenchArgs, sources: &[String]) -> u8 {
    let bytes: usize = sources.iter().map(String::len).sum();
    // Warm-up (regex compilation, page faults), then timed passes.
    for s in sources {
        std::hint::black_box(crate::engine::scan::scan(s));
    }
    let mut passes = Vec::with_capacity(PASSES);
    let mut cpu_passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let t = Instant::now();
        let c = cpu_time();
        for s in sources {
            std::hint::black_box(crate::engine::scan::scan(s));
        }
        passes.push(t.elapsed());
        cpu_passes.push(cpu_time().saturating_sub(c));
    }
    let pass = median_duration(&passes);
    let cpu_pass = median_duration(&cpu_passes);
    let cpu_mbps = bytes as f64 / 1e6 / cpu_pass.as_secs_f64().max(1e-9);
    // Reference: oxc parse alone over the same corpus.
    let mut parse_passes = Vec::with_capacity(PASSES);
    for _ in 0..PASSES {
        let t = Instant::now();
        for s in sources {
            let alloc = oxc_allocator::Allocator::default();
            let r = oxc_parser::Parser::new(&alloc, s, oxc_span::SourceType::cjs()).parse();
            std::hint::black_box(r.program.body.len());
        }
        parse_passes.push(t.elapsed());
    }
    let parse_mbps = bytes as f64 / 1e6 / median_duration(&parse_passes).as_secs_f64().max(1e-9);
    let mbps = bytes as f64 / 1e6 / pass.as_secs_f64().max(1e-9);

    // A 100 KB file: whole corpus files joined with `;` until 100 KB.
    let mut big = String::new();
    for s in sources {
        if big.len() >= 100_000 {
            break;
        }
        if s.len() < 100_000 - big.len().min(100_000) + 20_000 {
            big.push_str(s);
            big.push_str("\n;\n");
        }
    }
    let mut runs = Vec::with_capacity(RUNS_100K);
    let mut cpu_runs = Vec::with_capacity(RUNS_100K);
    for _ in 0..RUNS_100K {
        let t = Instant::now();
        let c = cpu_time();
        std::hint::black_box(crate::engine::scan::scan(&big));
        runs.push(t.elapsed());
        cpu_runs.push(cpu_time().saturating_sub(c));
    }
    let t100 = median_duration(&runs);
    let cpu100 = median_duration(&cpu_runs);
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
                "cpu_mb_per_s": cpu_mbps,
                "file_100k_cpu_median_ms": cpu100.as_secs_f64() * 1e3,
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
        println!(
            "  throughput (CPU)    {cpu_mbps:>8.1} MB/s   (process CPU time, immune to other load)"
        );
        println!("  oxc parse alone     {parse_mbps:>8.1} MB/s   (reference)");
        println!(
            "  {:>3} KB file         {:>8.3} ms     (median of {RUNS_100K}; {per_100k:.3} ms per 100 KB)",
            big.len() / 1000,
            t100.as_secs_f64() * 1e3
        );
        println!(
            "  {:>3} KB file (CPU)   {:>8.3} ms",
            big.len() / 1000,
            cpu100.as_secs_f64() * 1e3
        );
    }
    crate::cli::EXIT_OK
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::Parser;

    fn args(argv: &[&str]) -> BenchArgs {
        let mut full = vec!["sandbench", "bench"];
        full.extend(argv);
        match crate::cli::Cli::try_parse_from(full) {
            Ok(crate::cli::Cli {
                command: Some(crate::cli::Command::Bench(a)),
                ..
            }) => a,
            other => panic!("not bench args: {other:?}"),
        }
    }

    #[test]
    fn without_a_corpus_the_reason_says_how_to_get_one() {
        let dir = tempfile::tempdir().expect("tempdir");
        let empty = dir.path().to_str().expect("utf-8 path");
        let why = corpus(&args(&["--corpus", empty])).expect_err("no corpus");
        assert!(why.contains(empty), "{why}");
        assert!(why.contains("tests/corpus/fetch.sh"), "{why}");
        assert!(why.contains("--corpus DIR"), "{why}");

        std::fs::write(dir.path().join("a.js"), "eval(x)").expect("write");
        let got = corpus(&args(&["--corpus", empty])).expect("one file");
        assert_eq!(got, ["eval(x)"]);
    }
}
