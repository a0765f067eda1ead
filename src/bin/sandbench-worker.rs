//! `sandbench-worker`: the out-of-process executor's worker as a program of its own.
//!
//! It is exactly `sandbench worker` (same library code, same command line, same protocol),
//! linked without the workbench, the scanner and the CLI: a third of the code to map and
//! relocate, so a fresh worker starts about 0.2 ms sooner. `sandbench` uses it when it sits
//! next to it and reports the same build (see `engine::exec::process`), and re-executes
//! itself in worker mode otherwise.

use std::process::ExitCode;

fn main() -> ExitCode {
    match sandbench::cli::worker::fast_path() {
        Some(code) => ExitCode::from(code),
        None => {
            eprintln!(
                "sandbench-worker: the worker program of sandbench's quickjs-process executor, \
                 not meant to be run by hand\n\
                 usage: sandbench-worker worker [--memory-mb N] [--wall-timeout-ms MS] \
                 [--probe] [--warm] [--expect JSON]"
            );
            ExitCode::from(2)
        }
    }
}
