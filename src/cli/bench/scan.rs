//! The `scan` benchmark suite: single-threaded scanner throughput over a corpus of real code
//! (`--corpus tests/corpus/npm`, fetched by `tests/corpus/fetch.sh`) and the time to scan a
//! 100 KB file. Uncached scans; medians over several passes. Two arms in the same run: the
//! shipped scanner and a control without scope analysis and the constant evaluator. Run it in
//! release mode.

use super::stats::median_duration;
use super::BenchArgs;
use crate::cli::scan::{collect, MAX_SCAN_BYTES};
use crate::engine::scan::{scan_with, ScanContext, ScanOptions};
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// Where the corpus is looked for without `--corpus`.
pub(crate) const DEFAULT_CORPUS: &str = "tests/corpus/npm";

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
pub(crate) fn corpus(args: &BenchArgs) -> Result<Vec<String>, String> {
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

/// The two arms measured in one run: the scanner as shipped, and a control with scope
/// analysis and the constant evaluator off (names resolve by spelling, no helper folding), so
/// their cost is read from the same run on the same machine load.
const ARMS: [(&str, bool); 2] = [("full", true), ("control", false)];

fn options(full: bool) -> ScanOptions {
    ScanOptions {
        context: ScanContext::Plugin,
        scopes: full,
        evaluate: full,
    }
}

/// One arm's medians.
struct Arm {
    pass: Duration,
    cpu_pass: Duration,
    t100: Duration,
    cpu100: Duration,
}

/// Runs the suite over `sources` and prints its results; returns an exit code. The scans run
/// on a thread with the stack the CLI's scan workers have (`scan::SCAN_THREAD_STACK`), so
/// that the same files fit it as in `sandbench scan`.
pub(crate) fn run(args: &BenchArgs, sources: &[String]) -> u8 {
    std::thread::scope(|s| {
        match std::thread::Builder::new()
            .name("bench-scan".into())
            .stack_size(crate::engine::scan::SCAN_THREAD_STACK)
            .spawn_scoped(s, || run_here(args, sources))
        {
            Ok(h) => h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)),
            Err(_) => run_here(args, sources),
        }
    })
}

/// `rounds` timed calls of `scan` in each arm, the arms alternating so that a change in the
/// machine's load falls on both: each arm's wall times, then its CPU times.
fn time_arms(
    rounds: usize,
    scan: impl Fn(&ScanOptions),
) -> ([Vec<Duration>; 2], [Vec<Duration>; 2]) {
    let mut wall = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
    let mut cpu = [Vec::with_capacity(rounds), Vec::with_capacity(rounds)];
    for _ in 0..rounds {
        for (i, (_, full)) in ARMS.into_iter().enumerate() {
            let opts = options(full);
            let t = Instant::now();
            let c = cpu_time();
            scan(&opts);
            wall[i].push(t.elapsed());
            cpu[i].push(cpu_time().saturating_sub(c));
        }
    }
    (wall, cpu)
}

fn run_here(args: &BenchArgs, sources: &[String]) -> u8 {
    let bytes: usize = sources.iter().map(String::len).sum();
    // Warm-up (regex compilation, page faults), then timed passes, the arms alternating so
    // that a change in the machine's load falls on both.
    for (_, full) in ARMS {
        for s in sources {
            std::hint::black_box(scan_with(s, &options(full)));
        }
    }
    let (passes, cpu_passes) = time_arms(PASSES, |opts| {
        for s in sources {
            std::hint::black_box(scan_with(s, opts));
        }
    });
    // References: oxc's parse alone, and parse plus scope analysis, over the same corpus
    // (one arena reused, as the scanner does): the floor under each arm.
    let mut parse_passes = Vec::with_capacity(PASSES);
    let mut cpu_parse_passes = [Vec::with_capacity(PASSES), Vec::with_capacity(PASSES)];
    let mut alloc = oxc_allocator::Allocator::default();
    for _ in 0..PASSES {
        for (i, scopes) in [false, true].into_iter().enumerate() {
            let t = Instant::now();
            let c = cpu_time();
            for s in sources {
                alloc.reset();
                let r =
                    oxc_parser::Parser::new(&alloc, s, oxc_span::SourceType::unambiguous()).parse();
                if scopes {
                    let sem = oxc_semantic::SemanticBuilder::new()
                        .with_build_nodes(false)
                        .build(&r.program)
                        .semantic;
                    std::hint::black_box(sem.scoping().symbols_len());
                }
                std::hint::black_box(r.program.body.len());
            }
            if !scopes {
                parse_passes.push(t.elapsed());
            }
            cpu_parse_passes[i].push(cpu_time().saturating_sub(c));
        }
    }
    let parse_mbps = bytes as f64 / 1e6 / median_duration(&parse_passes).as_secs_f64().max(1e-9);
    let cpu_parse_mbps = bytes as f64
        / 1e6
        / median_duration(&cpu_parse_passes[0])
            .as_secs_f64()
            .max(1e-9);
    let cpu_semantic_mbps = bytes as f64
        / 1e6
        / median_duration(&cpu_parse_passes[1])
            .as_secs_f64()
            .max(1e-9);

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
    let (runs, cpu_runs) = time_arms(RUNS_100K, |opts| {
        std::hint::black_box(scan_with(&big, opts));
    });
    let arms: Vec<Arm> = (0..ARMS.len())
        .map(|i| Arm {
            pass: median_duration(&passes[i]),
            cpu_pass: median_duration(&cpu_passes[i]),
            t100: median_duration(&runs[i]),
            cpu100: median_duration(&cpu_runs[i]),
        })
        .collect();
    let mbps = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64().max(1e-9);
    let ms = |d: Duration| d.as_secs_f64() * 1e3;

    if args.json {
        let arm_json = |a: &Arm| {
            serde_json::json!({
                "median_pass_ms": ms(a.pass),
                "mb_per_s": mbps(a.pass),
                "cpu_mb_per_s": mbps(a.cpu_pass),
                "file_100k_median_ms": ms(a.t100),
                "file_100k_cpu_median_ms": ms(a.cpu100),
                "per_100k_ms": ms(a.t100) * 100_000.0 / big.len().max(1) as f64,
            })
        };
        let full = &arms[0];
        println!(
            "{}",
            serde_json::json!({
                "suite": "scan",
                "files": sources.len(),
                "bytes": bytes,
                "passes": PASSES,
                // the shipped scanner, at the top level as before
                "median_pass_ms": ms(full.pass),
                "mb_per_s": mbps(full.pass),
                "cpu_mb_per_s": mbps(full.cpu_pass),
                "file_100k_bytes": big.len(),
                "file_100k_median_ms": ms(full.t100),
                "file_100k_cpu_median_ms": ms(full.cpu100),
                "per_100k_ms": ms(full.t100) * 100_000.0 / big.len().max(1) as f64,
                "parse_only_mb_per_s": parse_mbps,
                "parse_only_cpu_mb_per_s": cpu_parse_mbps,
                "parse_and_scopes_cpu_mb_per_s": cpu_semantic_mbps,
                "full": arm_json(full),
                "control": arm_json(&arms[1]),
            })
        );
    } else {
        println!(
            "scan suite ({} files, {:.1} MB, single thread, uncached, plugin context)",
            sources.len(),
            bytes as f64 / 1e6
        );
        println!("                        full (scopes + evaluator)   control (both off)");
        let row = |label: &str, f: String, c: String| println!("  {label:<20}  {f:>18}   {c:>18}");
        row(
            "throughput",
            format!("{:.1} MB/s", mbps(arms[0].pass)),
            format!("{:.1} MB/s", mbps(arms[1].pass)),
        );
        row(
            "throughput (CPU)",
            format!("{:.1} MB/s", mbps(arms[0].cpu_pass)),
            format!("{:.1} MB/s", mbps(arms[1].cpu_pass)),
        );
        row(
            &format!("{} KB file", big.len() / 1000),
            format!("{:.3} ms", ms(arms[0].t100)),
            format!("{:.3} ms", ms(arms[1].t100)),
        );
        row(
            &format!("{} KB file (CPU)", big.len() / 1000),
            format!("{:.3} ms", ms(arms[0].cpu100)),
            format!("{:.3} ms", ms(arms[1].cpu100)),
        );
        println!(
            "  oxc parse alone       {cpu_parse_mbps:>13.1} MB/s CPU, {parse_mbps:.1} MB/s wall (reference: the floor under both arms)"
        );
        println!(
            "  oxc parse + scopes    {cpu_semantic_mbps:>13.1} MB/s CPU (reference: the floor under the full arm)"
        );
        println!(
            "  (medians: {PASSES} passes, {RUNS_100K} runs of the file per arm, arms alternating; CPU is process CPU time, immune to other load)"
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
