//! `sandbench-worker`: the out-of-process executor's worker as a program of its own.
//!
//! It is exactly `sandbench worker` (same library code, same command line, same protocol),
//! linked without the workbench, the scanner and the CLI: a third of the code to map and
//! relocate, so a fresh worker starts sooner. `sandbench` uses it when it sits next to it and
//! reports the same build (see `engine::exec::process`), and re-executes itself in worker mode
//! otherwise.
//!
//! It also skips the Rust runtime's start-up (`no_main`): that reads `/proc/self/maps` and
//! installs a stack-overflow handler with an alternate signal stack, none of which a worker
//! needs (QuickJS checks its own stack limit; a crash is reported by the parent with its
//! signal). What the runtime would have done that matters is done here: SIGPIPE ignored (a
//! vanished parent is a write error, not a signal), and a panic is caught and reported.
#![no_main]

use std::os::raw::{c_char, c_int};

/// The C entry point (see the module header).
#[no_mangle]
pub extern "C" fn main(_argc: c_int, _argv: *const *const c_char) -> c_int {
    // SAFETY: setting a signal disposition before any thread exists.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_IGN) };
    // Arguments come from std, which reads them on its own on glibc even without its runtime.
    match std::panic::catch_unwind(sandbench::cli::worker::fast_path) {
        Ok(Some(code)) => c_int::from(code),
        Ok(None) => {
            eprintln!(
                "sandbench-worker: the worker program of sandbench's quickjs-process executor, \
                 not meant to be run by hand\n\
                 usage: sandbench-worker worker [--memory-mb N] [--wall-timeout-ms MS] \
                 [--probe] [--warm] [--expect JSON]"
            );
            2
        }
        Err(_) => 101,
    }
}
