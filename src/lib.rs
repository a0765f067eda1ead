//! sandbench: a terminal workbench for running untrusted JavaScript safely and seeing why it is
//! dangerous. The library holds everything; `main.rs` only dispatches.
//!
//! - [`engine`]: scanning, execution and policy. Knows nothing of terminals.
//! - [`cli`]: the headless front door (`scan`, `run`, `bench`, `executors`).
//! - [`files`]: reading source files (bounded, UTF-8), for the CLI and the workbench.
//! - [`tui`]: the workbench (ratatui).
//! - [`samples`]: the annotated sample scripts, embedded in the binary.
//! - [`dirs`]: where config and data files live.

pub mod cli;
pub mod dirs;
pub mod engine;
pub mod files;
pub mod samples;
pub mod tui;
