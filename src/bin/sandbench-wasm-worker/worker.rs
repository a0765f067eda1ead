//! The wasm worker program's side (`sandbench-wasm-worker`).
//!
//! Order: a kernel CPU kill timer is made, then every lockdown layer but seccomp (rlimits sized
//! from `--memory-mb` / `--wall-timeout-ms`, closed descriptors, an empty removed working
//! directory, Landlock, `no_new_privs`) → read the request from stdin (bounded) and arm the
//! timer at the CPU budget + [`CPU_KILL_MARGIN`] → compile the module → install
//! the seccomp filter → run it on a thread with a stack sized for the wasm stack limit →
//! stream events as JSON lines on stdout, `Finished` last.
//!
//! Compiling before the filter is deliberate: Cranelift maps the module's code executable
//! once, and the filter (the same one as the JS worker's) forbids executable mappings, so an
//! exploit of the running module cannot turn data into code. Nothing of the module runs before
//! the filter is in (instantiation, which runs its start function, comes after).

use crate::engine::{self, CpuClock, Metering};
use sandbench::engine::exec::lockdown::{self, CpuKillTimer, LockdownConfig};
use sandbench::engine::exec::process::{encode_event, probe_line, worker_error, WorkerPort};
use sandbench::engine::exec::process_cpu_ns;
use sandbench::engine::exec::wasm::{
    check_request, WasmRequest, CPU_KILL_MARGIN, MAX_MODULE_BYTES, NAME,
};
use sandbench::engine::exec::{ExecEvent, ExecOutcome, JsError, Outcome};
use sandbench::engine::hash::sha256_hex;
use sandbench::engine::policy::Limits;
use std::io::{BufRead, Read, Write};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// Longest request header line.
pub(crate) const MAX_HEADER_BYTES: usize = 64 * 1024;

/// Native stack on top of the wasm stack limit, for host calls and the engine's own frames.
const HOST_STACK: usize = 4 * 1024 * 1024;

/// Exit codes (as the JS worker's).
mod exit {
    pub(super) const OK: i32 = 0;
    pub(super) const REPORTED: i32 = 1;
    pub(super) const USAGE: i32 = 2;
    pub(super) const LOCKDOWN: i32 = 3;
}

#[derive(Debug, Default)]
struct Args {
    memory_mb: Option<u64>,
    wall_timeout_ms: Option<u64>,
    probe: bool,
}

fn parse_args(args: impl Iterator<Item = String>) -> Option<Args> {
    let mut a = Args::default();
    let mut it = args;
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--memory-mb" if a.memory_mb.is_none() => a.memory_mb = it.next()?.parse().ok(),
            "--wall-timeout-ms" if a.wall_timeout_ms.is_none() => {
                a.wall_timeout_ms = it.next()?.parse().ok();
            }
            "--probe" if !a.probe => a.probe = true,
            _ => return None,
        }
    }
    Some(a)
}

fn emit(ev: &ExecEvent) {
    let mut line = Vec::new();
    if encode_event(&mut line, ev).is_ok() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&line).and_then(|()| out.flush());
    }
}

fn finish(req: &WasmRequest, outcome: Outcome, error: Option<JsError>) -> i32 {
    let r = sandbench::engine::exec::EvalResult::empty(outcome, error);
    emit(&ExecEvent::Finished(Box::new(outcome_of(req, r))));
    exit::REPORTED
}

fn outcome_of(req: &WasmRequest, r: sandbench::engine::exec::EvalResult) -> ExecOutcome {
    ExecOutcome {
        executor: NAME.to_string(),
        code_sha256: sha256_hex(&req.module),
        result: r,
        limits: (&req.limits).into(),
        runaway_threads: 0,
    }
}

/// Reads the header line and the module (both bounded).
fn read_request(input: &mut impl BufRead) -> Result<WasmRequest, String> {
    #[derive(serde::Deserialize)]
    struct Header {
        #[serde(flatten)]
        req: WasmRequest,
        module_len: usize,
    }
    let mut line = Vec::new();
    input
        .by_ref()
        .take(MAX_HEADER_BYTES as u64)
        .read_until(b'\n', &mut line)
        .map_err(|e| format!("reading the request: {e}"))?;
    let h: Header =
        serde_json::from_slice(&line).map_err(|e| format!("malformed request header: {e}"))?;
    if h.module_len > MAX_MODULE_BYTES {
        return Err(format!(
            "module of {} bytes is over the limit",
            h.module_len
        ));
    }
    let mut req = h.req;
    req.module = vec![0u8; h.module_len];
    input
        .read_exact(&mut req.module)
        .map_err(|e| format!("reading the module: {e}"))?;
    Ok(req)
}

/// Says on stderr why the lockdown failed; the exit code for it.
fn lockdown_failed(e: impl std::fmt::Display) -> i32 {
    eprintln!("sandbench-wasm-worker: {e}");
    exit::LOCKDOWN
}

/// The wasm worker's `main` (arguments after the program name). Returns the exit code.
pub(crate) fn worker_main(args: impl Iterator<Item = String>) -> i32 {
    let Some(args) = parse_args(args) else {
        eprintln!(
            "sandbench-wasm-worker: the worker of sandbench's wasm executor, not meant to be run \
             by hand\nusage: sandbench-wasm-worker [--memory-mb N] [--wall-timeout-ms MS] [--probe]"
        );
        return exit::USAGE;
    };
    let d = Limits::default();
    let mut cfg = LockdownConfig::for_limits(
        args.memory_mb.unwrap_or(d.memory_mb),
        args.wall_timeout_ms.unwrap_or(d.wall_timeout_ms),
    );
    // The kernel's CPU kill timer, as the JS worker's: made before the lockdown (which refuses
    // timer_create), armed when the request is read. It stops a run wherever it is stuck (the
    // compiler included), whatever the engine's own epoch check does.
    let timer = CpuKillTimer::create().ok();
    cfg.cpu_timer = timer.as_ref().map(CpuKillTimer::id);
    let status = match lockdown::apply_before_seccomp(&cfg) {
        Ok(s) => s,
        Err(e) => return lockdown_failed(e),
    };
    if args.probe {
        if let Err(e) = lockdown::install_seccomp(&cfg) {
            return lockdown_failed(e);
        }
        // The same probe as the JS worker: a file open must fail now.
        if std::fs::File::open("/etc/hostname").is_ok() {
            eprintln!("sandbench-wasm-worker: lockdown did not hold (a file could be opened)");
            return 4;
        }
        println!("{}", probe_line(status.landlock));
        return exit::OK;
    }
    let req = match read_request(&mut std::io::stdin().lock()) {
        Ok(r) => r,
        Err(e) => {
            let req = WasmRequest::new(Vec::new(), "module.wasm", Limits::default());
            return finish(&req, Outcome::Crashed, worker_error(e));
        }
    };
    // The run starts now: its CPU budget counts every thread of this process from here,
    // compilation included (as for a script); the epoch check counts on the same clock.
    let since_ns = process_cpu_ns();
    if let Some(t) = &timer {
        let budget = req
            .limits
            .timeout_ms
            .saturating_add(CPU_KILL_MARGIN.as_millis() as u64);
        // Cannot fail for a valid timer; if it did, the parent's watch still holds.
        let _ = t.arm_at(since_ns.saturating_add(budget.saturating_mul(1_000_000)));
    }
    if let Err(e) = check_request(&req) {
        return finish(&req, Outcome::Error, Some(JsError::new("PolicyError", e)));
    }
    // A granted directory is served by the parent's broker: calls go out as frames on stdout
    // (whole lines, under the same lock as events), answers come back on stdin, which the
    // parent keeps open after the module for that. The reader thread starts before the filter.
    let port: Option<Box<dyn sandbench::engine::broker::Port + Send>> =
        req.permissions.grants_fs().then(|| {
            let send = Box::new(|frame: Vec<u8>| {
                let mut out = std::io::stdout().lock();
                out.write_all(&frame).and_then(|()| out.flush()).is_ok()
            });
            Box::new(WorkerPort::new(send)) as Box<dyn sandbench::engine::broker::Port + Send>
        });
    let compiled = match engine::compile(&req, Metering::Epoch) {
        Ok(c) => c,
        Err(e) => {
            return finish(
                &req,
                Outcome::Error,
                Some(JsError::new("CompileError", e.to_string())),
            )
        }
    };
    if let Err(e) = lockdown::install_seccomp(&cfg) {
        return lockdown_failed(e);
    }
    let stack = (req.limits.stack_kb as usize)
        .saturating_mul(1024)
        .saturating_add(HOST_STACK);
    let result = std::thread::scope(|s| {
        std::thread::Builder::new()
            .name("wasm".into())
            .stack_size(stack)
            .spawn_scoped(s, || {
                engine::run_on(
                    &compiled,
                    &req,
                    Arc::new(AtomicBool::new(false)),
                    Box::new(|ev: ExecEvent| emit(&ev)),
                    CpuClock::Process { since_ns },
                    port,
                )
            })
            .map(|h| h.join())
    });
    match result {
        Ok(Ok(mut r)) => {
            // The console went out line by line; the parent keeps what it accepted from the
            // stream, so the report does not carry it twice through the pipe.
            r.console.clear();
            emit(&ExecEvent::Finished(Box::new(outcome_of(&req, r))));
            exit::OK
        }
        Ok(Err(_)) => finish(&req, Outcome::Crashed, worker_error("the engine panicked")),
        Err(e) => finish(
            &req,
            Outcome::Crashed,
            worker_error(format!("cannot start the engine thread: {e}")),
        ),
    }
}
