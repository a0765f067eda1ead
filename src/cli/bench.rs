//! `sandbench bench`: the benchmark.

use clap::Args;

#[derive(Debug, Args)]
pub struct BenchArgs {
    /// Print one JSON object instead of a table.
    #[arg(long)]
    pub json: bool,
}

pub fn main(_args: BenchArgs) -> u8 {
    super::usage_error("bench: not implemented yet")
}
