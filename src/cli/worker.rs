//! The hidden worker mode of the out-of-process executor (`sandbench worker`): locks itself
//! down, reads one request on stdin, streams its events as JSON lines on stdout.

use crate::engine::exec::process::{worker_main, WorkerOptions};
use clap::Args;

#[derive(Debug, Args)]
pub struct WorkerArgs {
    /// Memory limit (MB) the address-space rlimit is sized from.
    #[arg(long)]
    pub memory_mb: Option<u64>,
    /// Wall timeout (ms) the CPU-seconds rlimit is sized from.
    #[arg(long)]
    pub wall_timeout_ms: Option<u64>,
    /// Lock down, verify the lockdown holds, print a handshake and exit.
    #[arg(long)]
    pub probe: bool,
    /// Warm the engine up once (after lockdown) before reporting ready.
    #[arg(long)]
    pub warm: bool,
}

pub fn main(args: WorkerArgs) -> u8 {
    let code = worker_main(WorkerOptions {
        memory_mb: args.memory_mb,
        wall_timeout_ms: args.wall_timeout_ms,
        probe: args.probe,
        warm: args.warm,
    });
    u8::try_from(code).unwrap_or(1)
}
