//! In-process runaways (builtins that never poll the interrupt handler) cannot pile up: past
//! a small number of stuck threads still running, the in-process executor refuses new runs
//! with a clear error, while the out-of-process executor kills every runaway and keeps going.
//! Its own test binary: the count of stuck threads is process-wide.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{executors, limited, run_with_on, slack};
use sandbench::engine::exec::quickjs::{QuickJsExecutor, MAX_LIVE_RUNAWAYS, STUCK_WAIT};
use sandbench::engine::exec::Outcome;
use std::time::{Duration, Instant};

/// Holds 64 MB (in-process: kept by the stuck thread) and never polls the interrupt.
const FOREVER: &str = "const k = new Uint8Array(64 << 20).fill(1);\n\
    Array.prototype.copyWithin.call({ length: 2 ** 53 - 1 }, 0, 1)";
/// Ignores the interrupt for ~0.2 s of CPU (past the abandon grace), then ends by itself: short,
/// because an abandoned thread runs at idle priority and a busy machine leaves it little CPU.
const A_WHILE: &str = "Array.prototype.reverse.call({ length: 2 ** 23 }); 1";

#[test]
fn stuck_threads_are_capped_and_the_process_executor_kills_them() {
    for ex in executors() {
        let ex = ex.as_ref();
        let in_process = ex.name() == "quickjs";
        let req = limited(FOREVER, 100);

        if in_process {
            // A runaway that finally finishes stops counting as stuck.
            let out = run_with_on(ex, &limited(A_WHILE, 50));
            assert_eq!(out.outcome, Outcome::Timeout, "{:?}", out.error);
            let t0 = Instant::now();
            while QuickJsExecutor::live_runaway_threads() > 0 {
                assert!(
                    t0.elapsed() < slack(Duration::from_secs(120)),
                    "a finished runaway must leave the live count"
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }

        for i in 0..MAX_LIVE_RUNAWAYS + 2 {
            let started = Instant::now();
            let out = run_with_on(ex, &req);
            if in_process && i >= MAX_LIVE_RUNAWAYS {
                assert_eq!(out.outcome, Outcome::Crashed, "run {i}: {:?}", out.error);
                let msg = out.error.as_ref().map_or("", |e| e.message.as_str());
                assert!(
                    msg.contains(&format!("{MAX_LIVE_RUNAWAYS} stuck threads"))
                        && msg.contains("quickjs-process"),
                    "{msg}"
                );
                assert!(
                    started.elapsed() < STUCK_WAIT + slack(Duration::from_millis(500)),
                    "refused after a bounded wait: {:?}",
                    started.elapsed()
                );
            } else {
                assert_eq!(
                    out.outcome,
                    Outcome::Timeout,
                    "{} run {i}: {:?}",
                    ex.name(),
                    out.error
                );
            }
        }
        if in_process {
            assert_eq!(QuickJsExecutor::live_runaway_threads(), MAX_LIVE_RUNAWAYS);
        }
    }
}
