//! The in-process executor's runaway report (issue 10, point 2): a builtin (or the compiler)
//! that ignores the stop cannot be stopped in-process; the report says so, charges the CPU the
//! thread used, and the thread is demoted to the idle scheduling class while it runs on.
//! Its own test binary: runaways are counted process-wide (at most two live at once).
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{assert_compile_charged_to_the_cpu_budget, budgeted, message, run_with_on, slack};
use sandbench::engine::exec::quickjs::QuickJsExecutor;
use sandbench::engine::exec::Outcome;
use std::time::{Duration, Instant};

/// `SCHED_IDLE` in `/proc/<pid>/task/<tid>/stat`.
const SCHED_IDLE: u32 = 5;

/// The policy number of the thread named `sandbench-quickjs` with this kernel id.
fn sched_policy(tid: &str) -> Option<u32> {
    let stat = std::fs::read_to_string(format!("/proc/self/task/{tid}/stat")).ok()?;
    // Fields after the command name (in parentheses): policy is field 41 of the whole line.
    let rest = &stat[stat.rfind(')')? + 2..];
    rest.split(' ').nth(41 - 3)?.parse().ok()
}

/// In-process a builtin cannot be stopped: the report says so, charges the CPU the thread
/// used, and the thread is moved to the idle scheduling class while it runs on.
#[test]
fn an_in_process_runaway_is_reported_charged_and_demoted() {
    let ex = QuickJsExecutor::new();
    // indexOf neither polls nor allocates: one call runs ~0.4 s of CPU.
    let code =
        "const s = 'a'.repeat(1 << 16), n = 'a'.repeat(1 << 10) + 'b';\nfor (;;) s.indexOf(n);";
    let t0 = Instant::now();
    let out = run_with_on(&ex, &budgeted(code, 50, 5_000));
    let took = t0.elapsed();
    assert_eq!(out.outcome, Outcome::Timeout, "{:?}", out.error);
    let msg = message(&out);
    assert!(
        msg.contains("CPU time limit of 50 ms exceeded")
            && msg.contains("ignored the interrupt")
            && msg.contains("abandoned")
            && msg.contains("quickjs-process"),
        "{msg}"
    );
    assert!(out.runaway_threads >= 1, "{out:?}");
    // Charged: at least the budget and the CPU it burnt ignoring the stop.
    assert!(out.cpu_ms >= 50.0 + 50.0, "{} ms", out.cpu_ms);
    // Reported once it ignored the stop for 50 ms of CPU, not at the wall deadline.
    assert!(
        took < Duration::from_millis(110) + slack(Duration::from_millis(600)),
        "{took:?}"
    );
    // The abandoned thread runs at idle priority (SCHED_IDLE = 5) until its call returns.
    let idle = std::fs::read_dir("/proc/self/task")
        .unwrap()
        .filter_map(Result::ok)
        .filter(|t| {
            std::fs::read_to_string(t.path().join("comm"))
                .is_ok_and(|c| c.trim() == "sandbench-quick")
        })
        .filter_map(|t| sched_policy(&t.file_name().to_string_lossy()))
        .any(|p| p == SCHED_IDLE);
    let still_running = QuickJsExecutor::live_runaway_threads() > 0;
    assert!(
        idle || !still_running,
        "the abandoned thread must be demoted while it runs"
    );
    // The executor goes on working, or (other tests of this binary left runaways too)
    // refuses with the documented reason.
    let out = run_with_on(&ex, &budgeted("2 + 2", 1_000, 2_000));
    assert!(
        out.outcome == Outcome::Ok
            || (out.outcome == Outcome::Crashed && message(&out).contains("stuck threads")),
        "{:?}",
        out.error
    );
}

/// The compile counts against the CPU budget in-process too: stopped from outside, it ends at
/// its next allocation, or its thread is abandoned; either way the run reports `timeout`.
#[test]
fn an_in_process_compile_is_charged_to_the_cpu_budget() {
    let out = assert_compile_charged_to_the_cpu_budget(&QuickJsExecutor::new());
    assert!(out.cpu_ms >= 50.0, "{out:?}");
}
