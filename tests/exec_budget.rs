//! Limits that hold from outside the interpreter (issue 10, points 1 and 2): native builtins
//! that never poll QuickJS's interrupt handler are stopped at the CPU budget and at the wall
//! deadline by the process executor, an in-process runaway is reported, charged and demoted,
//! and the compiler runs under the run's memory limit, CPU budget and stack limit on both
//! executors. Each attack has a benign twin that must still complete.
//! Its own test binary: in-process runaways are counted process-wide.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    assert_compile_charged_to_the_cpu_budget, assert_error, assert_outcome, big_stack, budgeted,
    each, finally_bomb, message, run_with_on, slack, slack_ms,
};
use sandbench::cli::bench::exec::builtins::{BENIGN, HUGE_JOIN, RUNAWAYS};
use sandbench::engine::exec::process::ProcessExecutor;
use sandbench::engine::exec::Outcome;
use std::time::{Duration, Instant};

fn process() -> ProcessExecutor {
    ProcessExecutor::with_program(env!("CARGO_BIN_EXE_sandbench-worker"))
}

/// Every runaway builtin is killed at the CPU budget: today's engine only checks between
/// calls, so each of these overran a 50 ms budget by a whole call (150–400 ms of CPU) and ran
/// until the wall deadline (here 5 s).
#[test]
fn builtins_that_never_poll_are_stopped_at_the_cpu_budget_out_of_process() {
    let ex = process();
    for (name, code) in RUNAWAYS.iter().copied().chain([("huge join", HUGE_JOIN)]) {
        let req = budgeted(code, 50, 5_000);
        let t0 = Instant::now();
        let out = run_with_on(&ex, &req);
        let took = t0.elapsed();
        assert_eq!(out.outcome, Outcome::Timeout, "{name}: {:?}", out.error);
        assert!(
            message(&out).contains("CPU time limit of 50 ms exceeded"),
            "{name}: {}",
            message(&out)
        );
        // The CPU the worker used, read by the parent from the kernel: budget + 10 ms.
        assert!(out.cpu_ms >= 50.0, "{name}: {} ms", out.cpu_ms);
        assert!(
            out.cpu_ms <= 60.0 + slack_ms(5.0),
            "{name}: {} ms of CPU for a 50 ms budget",
            out.cpu_ms
        );
        // Returned long before the wall deadline (a fresh worker starts in a few ms; the
        // allowance is for a busy machine).
        assert!(
            took < Duration::from_millis(50) + slack(Duration::from_millis(1500)),
            "{name}: {took:?}"
        );
    }
}

/// The wall deadline kills at once (it used to wait 100 ms for the worker's own report).
#[test]
fn the_wall_deadline_kills_a_builtin_at_once_out_of_process() {
    // A pre-started worker: the reported duration then counts (almost) from the handover,
    // as the deadline does, not from a worker's start-up.
    let ex = process().with_pool(1);
    for (name, code) in RUNAWAYS
        .iter()
        .copied()
        .filter(|(n, _)| ["String indexOf", "TypedArray sort", "BigInt toString"].contains(n))
    {
        let req = budgeted(code, 50, 50);
        ex.prewarm(&req.limits);
        let wait = Instant::now();
        while ex.idle_workers() == 0 && wait.elapsed() < Duration::from_secs(5) {
            std::thread::sleep(Duration::from_millis(1));
        }
        let out = run_with_on(&ex, &req);
        assert_eq!(out.outcome, Outcome::Timeout, "{name}: {:?}", out.error);
        // duration_ms counts from the handover to the worker, as the deadline does.
        assert!(
            out.duration_ms <= 60.0 + slack_ms(25.0),
            "{name}: returned after {} ms for a 50 ms wall deadline",
            out.duration_ms
        );
    }
}

/// A kill leaves a truthful report: what was streamed before (console, blocked attempts and
/// how often they repeated) and the parent's own measurements.
#[test]
fn a_killed_worker_still_reports_what_it_streamed() {
    let ex = process();
    let code = "console.log('before');\n\
                for (let i = 0; i < 3000; i++) { try { process } catch (e) { } }\n\
                const s = 'a'.repeat(1 << 16), n = 'a'.repeat(1 << 11) + 'b';\n\
                for (;;) s.indexOf(n);";
    let out = run_with_on(&ex, &budgeted(code, 200, 5_000));
    assert_eq!(out.outcome, Outcome::Timeout, "{:?}", out.error);
    assert_eq!(out.console.len(), 1, "{:?}", out.console);
    assert_eq!(out.console[0].text, "before");
    assert_eq!(out.blocked.len(), 1, "{:?}", out.blocked);
    assert_eq!(out.blocked[0].capability, "process");
    assert_eq!(out.blocked[0].line, Some(2));
    // Streamed counts are a lower bound, sent at powers of two and every 1024 repeats.
    assert!(
        (2048..=3000).contains(&out.blocked[0].count),
        "{:?}",
        out.blocked[0]
    );
    assert!(out.cpu_ms >= 200.0 && out.duration_ms > 0.0, "{out:?}");
    // One definition of peak memory (the sandbox heap): a worker killed before it reported
    // its heap leaves it unknown (0, shown as "unknown"); its RSS is in the samples.
    assert_eq!(out.peak_memory_bytes, 0, "{out:?}");
}

/// The benign twins: the same builtins on ordinary inputs complete, on both executors.
#[test]
fn the_same_builtins_on_ordinary_inputs_complete() {
    each(|ex| {
        for (name, code, want) in BENIGN {
            let out = run_with_on(ex, &budgeted(code, 5_000, 10_000));
            assert_eq!(
                out.outcome,
                Outcome::Ok,
                "{} {name}: {:?}",
                ex.name(),
                out.error
            );
            assert_eq!(
                out.value,
                Some(serde_json::json!(want)),
                "{} {name}",
                ex.name()
            );
        }
    });
}

#[test]
fn a_compile_is_charged_to_the_run_memory_limit() {
    each(|ex| {
        let mut req = big_stack(budgeted(&finally_bomb(), 5_000, 10_000));
        req.limits.memory_mb = 16;
        let out = run_with_on(ex, &req);
        assert_error(
            ex,
            &out,
            Outcome::MemoryLimit,
            "16 MB memory limit was reached while compiling",
        );
        assert!(
            out.duration_ms > 0.0 && out.cpu_ms > 0.0,
            "{}: {out:?}",
            ex.name()
        );
        if ex.name() == "quickjs" {
            // The counted peak (the process executor reports the worker's RSS instead).
            assert!(
                out.peak_memory_bytes > 8 << 20 && out.peak_memory_bytes <= 16 << 20,
                "{}",
                out.peak_memory_bytes
            );
        }
    });
}

/// The compile counts against the CPU budget and is killed with it (the in-process half, whose
/// thread is abandoned, is in `exec_runaway_report.rs`).
#[test]
fn a_compile_is_charged_to_the_run_cpu_budget_out_of_process() {
    let out = assert_compile_charged_to_the_cpu_budget(&process());
    assert!(
        out.cpu_ms >= 50.0 && out.cpu_ms <= 60.0 + slack_ms(5.0),
        "{out:?}"
    );
}

#[test]
fn deep_nesting_in_the_parser_is_a_stack_overflow() {
    each(|ex| {
        let code = format!("{}1{}", "[".repeat(45_000), "]".repeat(45_000));
        let out = run_with_on(ex, &budgeted(&code, 5_000, 10_000));
        assert_outcome(ex, &out, Outcome::StackOverflow);
        assert!(
            message(&out).contains("Maximum call stack size exceeded"),
            "{}",
            message(&out)
        );
        // Benign twin: ordinary nesting compiles and runs.
        let code = format!("{}1{}.flat(Infinity)[0]", "[".repeat(200), "]".repeat(200));
        let out = run_with_on(ex, &budgeted(&code, 5_000, 10_000));
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(serde_json::json!(1)));
    });
}

/// Benign twin of the compile bombs: a large ordinary script compiles within the defaults.
#[test]
fn a_large_ordinary_script_compiles_under_the_limits() {
    each(|ex| {
        let body: String = (0..1_000)
            .map(|i| format!("function f{i}(x) {{ try {{ return x + {i} }} finally {{ }} }}\n"))
            .collect();
        let code = format!("{body}f999(1)");
        let mut req = budgeted(&code, 5_000, 10_000);
        req.limits.memory_mb = 32;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(serde_json::json!(1000)));
    });
}
