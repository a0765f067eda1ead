//! The hidden worker mode of the out-of-process executor (`sandbench worker`): locks itself
//! down, reads one request on stdin, streams its events as JSON lines on stdout.
//!
//! The parent starts a worker for every run, so its start-up is on the latency path:
//! [`fast_path`] recognises the exact command lines the parent uses and skips building the
//! whole clap command tree (every subcommand's arguments) for them. Anything it does not
//! recognise falls through to clap, which parses it with the same [`WorkerArgs`] and reports
//! usage errors as usual.

use crate::engine::exec::worker::{worker_main, WorkerOptions};
use clap::Args;
use std::ffi::OsString;

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
    /// With --warm: settings (JSON request without code) to prepare the sandbox for.
    #[arg(long)]
    pub expect: Option<String>,
}

pub fn main(args: WorkerArgs) -> u8 {
    run(WorkerOptions {
        memory_mb: args.memory_mb,
        wall_timeout_ms: args.wall_timeout_ms,
        probe: args.probe,
        warm: args.warm,
        expect: args.expect,
    })
}

fn run(opts: WorkerOptions) -> u8 {
    u8::try_from(worker_main(opts)).unwrap_or(1)
}

/// Runs the worker directly when the command line is `sandbench worker [OPTIONS]` with only
/// well-formed worker options; `None` (nothing run) for any other command line.
pub fn fast_path() -> Option<u8> {
    let mut args = std::env::args_os().skip(1);
    if args.next()? != "worker" {
        return None;
    }
    parse_fast(args).map(run)
}

/// The worker options in `args` (after `worker`), or `None` if anything is unusual (unknown,
/// repeated or malformed options, `--help`): clap then handles the whole command line.
fn parse_fast(args: impl Iterator<Item = OsString>) -> Option<WorkerOptions> {
    let mut opts = WorkerOptions::default();
    let mut args = args.peekable();
    let number = |v: Option<OsString>| -> Option<u64> {
        let v = v?.into_string().ok()?;
        if v.is_empty() || !v.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        v.parse().ok()
    };
    while let Some(arg) = args.next() {
        let arg = arg.into_string().ok()?;
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) => (n.to_string(), Some(OsString::from(v))),
            None => (arg, None),
        };
        match name.as_str() {
            "--memory-mb" if opts.memory_mb.is_none() => {
                opts.memory_mb = Some(number(inline.or_else(|| args.next()))?);
            }
            "--wall-timeout-ms" if opts.wall_timeout_ms.is_none() => {
                opts.wall_timeout_ms = Some(number(inline.or_else(|| args.next()))?);
            }
            "--expect" if opts.expect.is_none() => {
                opts.expect = Some(inline.or_else(|| args.next())?.into_string().ok()?);
            }
            "--probe" if inline.is_none() && !opts.probe => opts.probe = true,
            "--warm" if inline.is_none() && !opts.warm => opts.warm = true,
            _ => return None,
        }
    }
    Some(opts)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Option<WorkerOptions> {
        parse_fast(args.iter().map(OsString::from))
    }

    #[test]
    fn the_parents_command_lines_take_the_fast_path() {
        let o = parse(&["--memory-mb", "128", "--wall-timeout-ms", "10000", "--warm"])
            .expect("fast path");
        assert_eq!(
            (o.memory_mb, o.wall_timeout_ms, o.warm, o.probe),
            (Some(128), Some(10000), true, false)
        );
        let o = parse(&["--probe"]).expect("fast path");
        assert!(o.probe && o.memory_mb.is_none());
        let o = parse(&["--memory-mb=64"]).expect("fast path");
        assert_eq!(o.memory_mb, Some(64));
        let o = parse(&["--warm", "--expect", r#"{"filename":"a=b.js"}"#]).expect("fast path");
        assert_eq!(o.expect.as_deref(), Some(r#"{"filename":"a=b.js"}"#));
    }

    #[test]
    fn anything_unusual_is_left_to_clap() {
        for bad in [
            &["--help"][..],
            &["--memory-mb"],
            &["--memory-mb", "-1"],
            &["--memory-mb", "+5"],
            &["--memory-mb", "99999999999999999999999"],
            &["--memory-mb", "1", "--memory-mb", "2"],
            &["--probe=yes"],
            &["--warm", "--warm"],
            &["--expect"],
            &["--expect", "{}", "--expect", "{}"],
            &["--wall-timeout-ms", ""],
            &["extra"],
        ] {
            assert!(parse(bad).is_none(), "{bad:?} should go to clap");
        }
    }
}
