//! `sandbench scan`: scan scripts for threats.

use clap::Args;
use std::path::PathBuf;

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Files and directories to scan (`-` reads standard input).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

pub fn main(_args: ScanArgs) -> u8 {
    super::usage_error("scan: not implemented yet")
}
