//! The hidden worker mode of the out-of-process executor.

use clap::Args;

#[derive(Debug, Args)]
pub struct WorkerArgs {}

pub fn main(_args: WorkerArgs) -> u8 {
    super::usage_error("worker: not implemented yet")
}
