//! `sandbench run`: run scripts in the sandbox.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files to run, one after another (`-` reads standard input).
    #[arg(required = true)]
    pub files: Vec<PathBuf>,
}

pub fn main(_args: RunArgs) -> u8 {
    super::usage_error("run: not implemented yet")
}
