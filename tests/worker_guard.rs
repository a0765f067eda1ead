//! The fork-bomb guard: a program that links the library but is not `sandbench` (this test
//! harness, a bench, an example) is never re-executed as the worker. Re-executed with
//! `worker --probe`, such a program runs its own `main` again, which probes again.
//!
//! Its own test binary with one test: the probe is cached per process, and it must run here
//! with `SANDBENCH_WORKER` unset.
#![cfg(target_os = "linux")]
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sandbench::engine::exec::{self, process};

#[test]
fn a_program_that_is_not_sandbench_never_probes_itself() {
    // One test in this binary, so no other thread reads the environment meanwhile.
    std::env::remove_var(process::WORKER_ENV);
    let exe = std::env::current_exe().expect("this test's executable");
    let dir = exe.parent().expect("a directory");
    assert!(
        !dir.join(process::WORKER_PROGRAM).exists(),
        "cargo puts test harnesses in target/*/deps, where no worker program is"
    );
    let infos = exec::detect();
    let proc = infos
        .iter()
        .find(|i| i.name == process::NAME)
        .expect("the process executor is listed");
    assert!(!proc.available, "{proc:?}");
    // This reason is decided before any process is started: had the harness re-executed
    // itself, the reason would be its failed probe ("not runnable as a sandbench worker").
    assert!(
        proc.reason.starts_with("no worker program: ")
            && proc.reason.contains(&exe.display().to_string())
            && proc.reason.ends_with("set SANDBENCH_WORKER"),
        "{}",
        proc.reason
    );
    assert!(matches!(
        process::default_program(),
        Err(process::ProbeError::NoWorkerProgram { .. })
    ));
    // `auto` falls back to the in-process executor.
    assert_eq!(exec::auto_name(), "quickjs");
}
