//! Shared helpers for the executor suites: every suite loops over [`executors`].
#![allow(dead_code)]

pub mod cli;
pub mod scan;

use sandbench::engine::exec::quickjs::QuickJsExecutor;
use sandbench::engine::exec::{CancelToken, ExecEvent, ExecOutcome, ExecRequest, Executor};
use sandbench::engine::policy::Limits;

/// Every executor the attack, resource and benign suites must cover.
pub fn executors() -> Vec<Box<dyn Executor>> {
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

/// Runs `code` with default limits on `ex`.
pub fn run_on(ex: &dyn Executor, code: &str) -> ExecOutcome {
    run_with_on(ex, &ExecRequest::new(code))
}

/// Runs a request on `ex`, checking the event-stream contract on the way.
pub fn run_with_on(ex: &dyn Executor, req: &ExecRequest) -> ExecOutcome {
    let (out, events) = run_events_on(ex, req, &CancelToken::new());
    match events.last() {
        Some(ExecEvent::Finished(f)) => assert_eq!(**f, out, "Finished must equal the outcome"),
        other => panic!("last event must be Finished, got {other:?}"),
    }
    out
}

/// Runs a request and returns the outcome with every event.
pub fn run_events_on(
    ex: &dyn Executor,
    req: &ExecRequest,
    cancel: &CancelToken,
) -> (ExecOutcome, Vec<ExecEvent>) {
    let mut events = Vec::new();
    let out = ex.run(req, cancel, &mut |e| events.push(e));
    (out, events)
}

/// Runs `code` on the first executor (quickjs).
pub fn run(code: &str) -> ExecOutcome {
    run_on(executors()[0].as_ref(), code)
}

pub fn run_with(req: &ExecRequest) -> ExecOutcome {
    run_with_on(executors()[0].as_ref(), req)
}

/// A request with a short CPU timeout (wall = 2×).
pub fn short(code: &str, timeout_ms: u64) -> ExecRequest {
    let mut req = ExecRequest::new(code);
    req.limits = Limits::with_timeout(timeout_ms);
    req
}
