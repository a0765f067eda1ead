//! Shared helpers for the executor suites: every suite loops over [`executors`] (with
//! [`each`]), builds requests with [`limited`] and checks timing with [`slack`].
#![allow(dead_code)]

pub(crate) mod cli;
pub(crate) mod home;
pub(crate) mod http;
pub(crate) mod otlp;
pub(crate) mod scan;

use sandbench::engine::exec::quickjs::QuickJsExecutor;
use sandbench::engine::exec::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, Executor, Outcome, Sample,
};
use sandbench::engine::policy::Limits;
use sandbench::engine::Category;
use std::time::{Duration, Instant};

/// Every executor the attack, resource and benign suites must cover.
pub(crate) fn executors() -> Vec<Box<dyn Executor>> {
    vec![
        Box::new(QuickJsExecutor::new()),
        // The same engine in a locked-down worker: this test binary is not `sandbench`, so
        // name the worker program `sandbench` uses, the dedicated `sandbench-worker` (its
        // fallback, `sandbench worker`, runs the same code: see tests/exec_process.rs).
        Box::new(
            sandbench::engine::exec::process::ProcessExecutor::with_program(env!(
                "CARGO_BIN_EXE_sandbench-worker"
            ))
            .with_pool(1),
        ),
    ]
}

/// Runs `f` on every executor.
pub(crate) fn each(f: impl Fn(&dyn Executor)) {
    for ex in executors() {
        f(ex.as_ref());
    }
}

/// Runs `code` with default limits on `ex`.
pub(crate) fn run_on(ex: &dyn Executor, code: &str) -> ExecOutcome {
    run_with_on(ex, &ExecRequest::new(code))
}

/// Runs `code` on `ex` with a CPU budget of `timeout_ms` (see [`limited`]).
pub(crate) fn run_limited(ex: &dyn Executor, code: &str, timeout_ms: u64) -> ExecOutcome {
    run_with_on(ex, &limited(code, timeout_ms))
}

/// Runs a request on `ex`, checking the event-stream contract on the way.
pub(crate) fn run_with_on(ex: &dyn Executor, req: &ExecRequest) -> ExecOutcome {
    let (out, events) = run_events_on(ex, req, &CancelToken::new());
    match events.last() {
        Some(ExecEvent::Finished(f)) => assert_eq!(**f, out, "Finished must equal the outcome"),
        other => panic!("last event must be Finished, got {other:?}"),
    }
    out
}

/// Runs a request and returns the outcome with every event.
pub(crate) fn run_events_on(
    ex: &dyn Executor,
    req: &ExecRequest,
    cancel: &CancelToken,
) -> (ExecOutcome, Vec<ExecEvent>) {
    let mut events = Vec::new();
    let out = ex.run(req, cancel, &mut |e| events.push(e));
    (out, events)
}

/// Runs `code` on the first executor (quickjs).
pub(crate) fn run(code: &str) -> ExecOutcome {
    run_on(executors()[0].as_ref(), code)
}

pub(crate) fn run_with(req: &ExecRequest) -> ExecOutcome {
    run_with_on(executors()[0].as_ref(), req)
}

/// A request with a CPU budget of `timeout_ms` and a wall deadline of twice that.
pub(crate) fn limited(code: &str, timeout_ms: u64) -> ExecRequest {
    let mut req = ExecRequest::new(code);
    req.limits = Limits::with_timeout(timeout_ms);
    req
}

/// A request with a CPU budget of `timeout_ms`, a wall deadline of `wall_timeout_ms` and a
/// 256 MB heap (the runaway workloads of the budget suites).
pub(crate) fn budgeted(code: &str, timeout_ms: u64, wall_timeout_ms: u64) -> ExecRequest {
    let mut req = ExecRequest::new(code);
    req.limits = Limits {
        timeout_ms,
        wall_timeout_ms,
        memory_mb: 256,
        ..Limits::default()
    };
    req
}

/// Asserts how a run on `ex` ended, naming the executor and the run's error otherwise.
#[track_caller]
pub(crate) fn assert_outcome(ex: &dyn Executor, out: &ExecOutcome, want: Outcome) {
    assert_eq!(out.outcome, want, "{}: {:?}", ex.name(), out.error);
}

/// Asserts that a run on `ex` ended `ok` with `value`.
#[track_caller]
pub(crate) fn assert_ok_value(ex: &dyn Executor, out: &ExecOutcome, value: serde_json::Value) {
    assert_outcome(ex, out, Outcome::Ok);
    assert_eq!(out.value, Some(value), "{}", ex.name());
}

/// Asserts how a run on `ex` ended and that its error message contains `needle`.
#[track_caller]
pub(crate) fn assert_error(ex: &dyn Executor, out: &ExecOutcome, want: Outcome, needle: &str) {
    assert_outcome(ex, out, want);
    assert!(
        message(out).contains(needle),
        "{}: {}",
        ex.name(),
        message(out)
    );
}

/// Asserts that a run on `ex` ended `error` with the sandbox's refusal of `module`.
#[track_caller]
pub(crate) fn assert_module_refused(ex: &dyn Executor, out: &ExecOutcome, module: &str) {
    assert_outcome(ex, out, Outcome::Error);
    let want = format!("Module '{module}' is not allowed in sandbox");
    assert_eq!(message(out), want, "{}", ex.name());
}

/// The message of a run's error ("" without one).
pub(crate) fn message(out: &ExecOutcome) -> &str {
    out.error.as_ref().map_or("", |e| e.message.as_str())
}

/// The `Sample` events of a run.
pub(crate) fn samples(events: &[ExecEvent]) -> Vec<Sample> {
    events
        .iter()
        .filter_map(|e| match e {
            ExecEvent::Sample(s) => Some(*s),
            _ => None,
        })
        .collect()
}

/// The executor still works and a run starts from a clean slate: intrinsics pristine, no
/// global left over, no console or blocked attempt carried over.
pub(crate) fn assert_clean_next_run(ex: &dyn Executor) {
    let out = run_on(
        ex,
        "[typeof globalThis.leak, ' a '.trim(), [3, 1, 2].sort().join(), \
          Object.keys(Object.prototype).length, new Map([[1, 2]]).get(1), \
          [1, 2, 3].map(x => x * 2).join(',')]",
    );
    assert_outcome(ex, &out, Outcome::Ok);
    let pristine = serde_json::json!(["undefined", "a", "1,2,3", 0, 2, "2,4,6"]);
    let what = "the next run must see pristine intrinsics";
    assert_eq!(out.value, Some(pristine), "{}: {what}", ex.name());
    assert!(out.console.is_empty(), "{}: {:?}", ex.name(), out.console);
    assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
}

/// Runs [`finally_bomb`] on `ex` under a 50 ms CPU budget (5 s wall deadline) and checks
/// that its compile is charged to the budget: the run ends `timeout` with the CPU budget's
/// message, within 1.5 s (with [`slack`]) of the budget. Returns the outcome.
#[track_caller]
pub(crate) fn assert_compile_charged_to_the_cpu_budget(ex: &dyn Executor) -> ExecOutcome {
    let req = big_stack(budgeted(&finally_bomb(), 50, 5_000));
    let t0 = Instant::now();
    let out = run_with_on(ex, &req);
    assert_error(
        ex,
        &out,
        Outcome::Timeout,
        "CPU time limit of 50 ms exceeded",
    );
    assert!(
        t0.elapsed() < Duration::from_millis(50) + slack(Duration::from_millis(1500)),
        "{:?}",
        t0.elapsed()
    );
    out
}

/// Asserts that a run on `ex` recorded a `Blocked` attempt at `capability`, of `category`,
/// on `line`.
#[track_caller]
pub(crate) fn assert_blocked_at(
    ex: &dyn Executor,
    out: &ExecOutcome,
    capability: &str,
    category: Category,
    line: u32,
) {
    assert!(
        out.blocked
            .iter()
            .any(|b| b.capability == capability && b.category == category && b.line == Some(line)),
        "{}: no {capability} ({category:?}) on line {line}: {:?}",
        ex.name(),
        out.blocked
    );
}

/// Asserts that for each of `needles` some sample's name contains it.
#[track_caller]
pub(crate) fn assert_a_sample_for_each(samples: &[sandbench::samples::Sample], needles: &[&str]) {
    let names: Vec<&str> = samples.iter().map(|s| s.name).collect();
    for needle in needles {
        assert!(
            names.iter().any(|n| n.contains(needle)),
            "no sample for {needle}: {names:?}"
        );
    }
}

/// The one slack factor of every timing bound in the executor suites.
///
/// A timing assertion reads `limit + slack(allowance)`: the limit is what the executor
/// enforces (never scaled), the allowance what an idle two-core machine needs on top of it
/// (start-up, scheduling, a worker's report), as measured when the test was written. `slack`
/// multiplies every allowance by one factor: 1, or `SANDBENCH_TEST_SLACK` (a whole number,
/// e.g. 3) on a machine known to be slower or busier. Lower bounds are never scaled.
pub(crate) fn slack(allowance: Duration) -> Duration {
    allowance * slack_factor()
}

/// [`slack`] in milliseconds, for bounds on reported durations.
pub(crate) fn slack_ms(allowance_ms: f64) -> f64 {
    allowance_ms * f64::from(slack_factor())
}

fn slack_factor() -> u32 {
    std::env::var("SANDBENCH_TEST_SLACK")
        .ok()
        .and_then(|v| v.parse::<u32>().ok())
        .filter(|&f| (1..=100).contains(&f))
        .unwrap_or(1)
}

/// 1500 nested `try { … } finally { return 2 }`: a 33 KB script whose compile grows to ~50 MB
/// and takes ~0.5 s of CPU. Before, the compiler ran outside the run's limits (its own 256 MB
/// runtime, uninterruptible) and the run reported `error` with `duration_ms` 0.
pub(crate) fn finally_bomb() -> String {
    let n = 1500;
    format!(
        "function f() {{ {}return 1;{} }}\nf()",
        "try { ".repeat(n),
        " } finally { return 2 }".repeat(n)
    )
}

pub(crate) fn big_stack(mut req: ExecRequest) -> ExecRequest {
    req.limits.stack_kb = 8192;
    req
}
