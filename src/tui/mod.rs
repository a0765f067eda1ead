//! The workbench TUI (ratatui + crossterm + tokio).

pub mod theme;

use std::path::PathBuf;

/// Opens the workbench on `file`, or on the built-in welcome sample.
pub fn main(_file: Option<PathBuf>) -> u8 {
    crate::cli::usage_error(
        "the workbench is not built yet; try `sandbench run samples/welcome.js`",
    )
}
