//! The `tui` benchmark suite.

use super::BenchArgs;

/// Runs the suite and prints its results; returns an exit code.
pub fn run(_args: &BenchArgs) -> u8 {
    crate::cli::usage_error("bench --suite tui: not implemented yet")
}
