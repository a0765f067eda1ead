//! The worker program's side of the out-of-process executor (`sandbench worker`, or the
//! dedicated `sandbench-worker`): lock down, read the setup preamble and one request from
//! stdin, run it in a fresh engine [`Sandbox`] on its own thread, and stream its events to
//! stdout (see [`super::process`] for the parent and the protocol).
//!
//! A fresh worker is told its run's settings (`--expect`) and builds the sandbox on the engine
//! thread while the main thread reads and compiles the request. A pooled worker (`--warm`)
//! warms the engine up and prepares the sandbox for the settings of the last run before it
//! reports ready. Either way the script runs in a runtime nothing else ran in.
//!
//! The run's limits hold for all of it: its CPU budget counts every thread of the process from
//! the moment the request is read (the compile included), enforced by the engine's interrupt
//! handler where the engine polls it and by a kernel CPU timer that kills the process
//! ([`CpuKillTimer`], armed at the budget plus [`CPU_KILL_MARGIN`]) where it does not; the
//! compile is charged to the run's memory accounting, shared with the sandbox.

use super::limits::{process_cpu_ns, Control, CpuClock, MemStats};
use super::lockdown::{self, CpuKillTimer, LockdownConfig};
use super::process::{
    encode_event, probe_line, read_host_code, read_setup_preamble, worker_error, Preamble,
    CPU_KILL_MARGIN, FETCH_ENTRY, FLUSH_EVERY, MAX_REQUEST_BYTES, NAME, READY_LINE,
};
use super::quickjs::{self, CompileLimits, Precompiled, Sandbox};
use super::{ExecEvent, ExecOutcome, ExecRequest, JsError, Outcome};
use crate::engine::policy::{Limits, Profile, MAX_STACK_KB};
use std::io::{Read, Write};
use std::sync::atomic::AtomicBool;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::Instant;

/// Arguments of the hidden `sandbench worker` mode.
#[derive(Debug, Clone, Default)]
pub(crate) struct WorkerOptions {
    pub memory_mb: Option<u64>,
    pub wall_timeout_ms: Option<u64>,
    /// Lock down, check that the lockdown holds, print the handshake and exit.
    pub probe: bool,
    /// Before reporting ready, run a trivial script of our own once (after lockdown) and build
    /// the sandbox for default settings, so the request does not pay for the engine's first
    /// run in a new process (thread, compiler, setup bytecode, page faults).
    pub warm: bool,
    /// With `warm`: the settings (JSON [`ExecRequest`] without code) to prepare the sandbox
    /// for; ignored unless valid and within this worker's lockdown.
    pub expect: Option<String>,
}

/// Exit codes of the worker program.
mod exit {
    /// The run was reported (whatever its outcome), or there was no request.
    pub(super) const OK: i32 = 0;
    /// A failure reported as a `crashed` outcome on stdout.
    pub(super) const REPORTED: i32 = 1;
    /// The lockdown could not be applied (said on stderr).
    pub(super) const LOCKDOWN: i32 = 3;
    /// `--probe`: the lockdown was applied but did not hold.
    pub(super) const PROBE_FAILED: i32 = 4;
    /// Stdout is gone: nothing can be reported.
    pub(super) const OUTPUT: i32 = 5;
}

/// Pending frames written as soon as they reach this size.
const FLUSH_BYTES: usize = 64 * 1024;

/// Native stack of the worker's engine thread: as the in-process executor's (16 MB on top of
/// the largest JS stack limit).
const ENGINE_STACK: usize = 16 * 1024 * 1024 + MAX_STACK_KB as usize * 1024;

/// From the worker's engine thread to its main thread.
enum EngineMsg {
    /// Warm-up done (pooled workers only).
    Ready,
    Event(ExecEvent),
    /// A capability call for the parent (written and flushed at once).
    Call(Vec<u8>),
    Done(Box<ExecOutcome>),
}

/// The accounting and control of one run, made on the main thread (which starts the run's
/// budgets and compiles under its memory accounting) and used by the engine thread's sandbox.
#[derive(Clone)]
struct RunParts {
    mem: Arc<MemStats>,
    control: Arc<Control>,
}

impl RunParts {
    fn new(req: &ExecRequest) -> RunParts {
        let mem = MemStats::new(req.limits.memory_bytes());
        // Nothing cancels a worker from inside: the parent kills it.
        let control = Control::with_clock(
            Arc::new(AtomicBool::new(false)),
            Arc::clone(&mem),
            CpuClock::Process,
        );
        RunParts { mem, control }
    }
}

/// What the main thread hands the engine thread.
struct Job {
    req: ExecRequest,
    /// The bytecode, when the main thread compiled it.
    compiled: Option<Precompiled>,
    parts: RunParts,
    /// Whether the sandbox prepared ahead (with these parts) is the one the request needs.
    use_prepared: bool,
}

/// Reports a failure as the run's `crashed` outcome on stdout.
fn worker_fail(req: Option<&ExecRequest>, message: impl Into<String>) -> i32 {
    let req = req.cloned().unwrap_or_else(|| ExecRequest::new(""));
    let o = ExecOutcome::not_run(NAME, &req, Outcome::Crashed, worker_error(message));
    let mut line = Vec::new();
    if encode_event(&mut line, &ExecEvent::Finished(Box::new(o))).is_ok() {
        let mut out = std::io::stdout().lock();
        let _ = out.write_all(&line).and_then(|()| out.flush());
    }
    exit::REPORTED
}

/// The worker: lock down, read one request from stdin, run it, stream its events to stdout.
/// Returns the process exit code.
pub(crate) fn worker_main(opts: WorkerOptions) -> i32 {
    let limits = Limits::default();
    let memory_mb = opts.memory_mb.unwrap_or(limits.memory_mb);
    let wall_ms = opts.wall_timeout_ms.unwrap_or(limits.wall_timeout_ms);
    // The request is compiled on this (the main) thread, whose stack can only grow as far as
    // RLIMIT_STACK allows, and whose size cannot be asked once locked down: when it cannot hold
    // the run's stack limit the engine thread (with its own large stack) compiles instead.
    let main_stack = main_stack_bytes();
    // Capabilities of this process go to the parent or nowhere.
    crate::engine::broker::set_worker();
    // Made before the lockdown, which refuses timer_create; without one (it cannot fail on
    // Linux short of a resource limit) the parent alone enforces the CPU budget.
    let timer = CpuKillTimer::create().ok();
    let mut lock = LockdownConfig::for_limits(memory_mb, wall_ms);
    lock.cpu_timer = timer.as_ref().map(CpuKillTimer::id);
    let status = match lockdown::apply(&lock) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbench worker: {e}");
            return exit::LOCKDOWN;
        }
    };
    if opts.probe {
        return probe(status.landlock);
    }

    // The parent's setup bytecode comes first (read before the engine starts, which uses it).
    // Whether the parent is this build (its host code is then ours to load).
    let mut same_build = false;
    match read_setup_preamble(&mut std::io::stdin().lock()) {
        Ok(Preamble::Setup(bytecode)) => {
            if let Some(bytes) = bytecode {
                same_build = true;
                quickjs::provide_setup_bytecode(bytes);
            }
        }
        // The parent discarded this worker before using it.
        Ok(Preamble::Discarded) => return exit::OK,
        Err(e) => return worker_fail(None, e.to_string()),
    }

    // Two allocator arenas: the engine thread builds the sandbox while this thread reads and
    // compiles the request, each in its own arena (one shared arena made them wait for each
    // other: measured 10 % slower cold runs; more arenas are never used).
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only adjusts allocator parameters; still single-threaded here.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
    // The engine thread: built now, so that a pooled worker can warm it up (and prepare the
    // sandbox the request will most likely need) before it reports ready.
    let (req_tx, req_rx) = mpsc::channel::<Job>();
    let (msg_tx, msg_rx) = mpsc::channel::<EngineMsg>();
    let msg_tx_for_calls = msg_tx.clone();
    let warm = opts.warm;
    let guess = (warm || opts.expect.is_some())
        .then(|| expected_settings(opts.expect.as_deref(), memory_mb, wall_ms));
    // The prepared sandbox's accounting, made here: if the request needs that sandbox, this
    // thread compiles under the same accounting.
    let prepared = guess.map(|g| {
        let parts = RunParts::new(&g);
        (g, parts)
    });
    let ahead = prepared.clone();
    let engine = std::thread::Builder::new()
        .name("sandbench-quickjs".into())
        .stack_size(ENGINE_STACK)
        .spawn(move || engine_thread(ahead, warm, req_rx, msg_tx));
    if engine.is_err() {
        return worker_fail(None, "could not start the engine thread");
    }
    if warm {
        if compile_here(main_stack, Limits::default().stack_kb) {
            // This thread will likely compile the request: warm its compiler up too.
            let scratch = MemStats::new(Limits::default().memory_bytes());
            let limits = CompileLimits {
                mem: &scratch,
                stack_bytes: quickjs::COMPILER_STACK,
            };
            let _ = quickjs::precompile("0", "sandbench:warm-up", Profile::Strict, &limits);
        }
        // Wait for the engine's warm-up (bounded by the parent's start-up timeout).
        match msg_rx.recv() {
            Ok(EngineMsg::Ready) => {}
            _ => return worker_fail(None, "the engine thread failed to start"),
        }
    }
    {
        let mut out = std::io::stdout().lock();
        if out
            .write_all(READY_LINE)
            .and_then(|()| out.flush())
            .is_err()
        {
            return exit::OUTPUT;
        }
    }
    // The host code the request may load, compiled by the parent (see `host_code_section`).
    match read_host_code(&mut std::io::stdin().lock()) {
        Ok(Some(entries)) if same_build => {
            for (name, bytes) in entries {
                if name == FETCH_ENTRY {
                    super::host::provide_fetch_bytecode(bytes);
                } else {
                    super::modules::provide_bytecode(&name, bytes);
                }
            }
        }
        Ok(Some(_)) => {}
        // No request: the parent discarded this pooled worker.
        Ok(None) => return exit::OK,
        Err(e) => return worker_fail(None, e.to_string()),
    }
    let req = match read_request() {
        Ok(Some(req)) => req,
        // No request: the parent discarded this pooled worker.
        Ok(None) => return exit::OK,
        Err(e) => return worker_fail(None, e.to_string()),
    };
    // The run starts now: its CPU budget counts every thread of this process from here.
    if let Some(t) = &timer {
        let budget = req
            .limits
            .timeout_ms
            .saturating_add(CPU_KILL_MARGIN.as_millis() as u64);
        let at = process_cpu_ns().saturating_add(budget.saturating_mul(1_000_000));
        // Cannot fail for a valid timer; if it did, the parent's watch still holds.
        let _ = t.arm_at(at);
    }
    if req.limits.memory_mb > memory_mb || req.limits.wall_timeout_ms > wall_ms {
        let message = format!(
            "request limits ({} MB, {} ms) exceed this worker's lockdown ({memory_mb} MB, {wall_ms} ms)",
            req.limits.memory_mb, req.limits.wall_timeout_ms
        );
        return worker_fail(Some(&req), message);
    }
    // A request granting a capability: its calls go to the parent as frames (through the
    // thread that owns stdout), answers come back on stdin. Waiting for an answer blocks
    // without using CPU: it counts against the wall deadline only.
    let calls = msg_tx_for_calls.clone();
    super::process::install_worker_port(
        &req,
        Box::new(move |frame| calls.send(EngineMsg::Call(frame)).is_ok()),
    );
    drop(msg_tx_for_calls);
    let use_prepared = prepared
        .as_ref()
        .is_some_and(|(g, _)| same_sandbox(g, &req));
    let parts = match prepared {
        Some((_, parts)) if use_prepared => parts,
        _ => RunParts::new(&req),
    };
    parts.control.set_start();
    // Compiled here, under the run's limits, while the engine thread builds the sandbox.
    let compiled = compile_here(main_stack, req.limits.stack_kb).then(|| {
        let limits = CompileLimits {
            mem: &parts.mem,
            stack_bytes: usize::try_from(req.limits.stack_kb * 1024).unwrap_or(usize::MAX),
        };
        quickjs::precompile(&req.code, &req.filename, req.profile, &limits)
    });
    let job = Job {
        req,
        compiled,
        parts,
        use_prepared,
    };
    if req_tx.send(job).is_err() {
        return worker_fail(None, "the engine thread is gone");
    }
    forward_events(&msg_rx)
}

/// Proves the lockdown holds, then prints the handshake.
fn probe(landlock: lockdown::LandlockState) -> i32 {
    // SAFETY: plain system calls with constant arguments; their results are only compared.
    let (open, sock) = unsafe {
        (
            libc::open(c"/etc/passwd".as_ptr(), libc::O_RDONLY),
            libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0),
        )
    };
    if open >= 0 || sock >= 0 {
        eprintln!("sandbench worker: lockdown did not hold (open={open}, socket={sock})");
        return exit::PROBE_FAILED;
    }
    println!("{}", probe_line(landlock));
    exit::OK
}

/// The settings to build the sandbox for before the request arrives: `--expect` when it is a
/// valid request within this worker's lockdown, else the defaults under that lockdown.
fn expected_settings(expect: Option<&str>, memory_mb: u64, wall_ms: u64) -> ExecRequest {
    let mut fallback = ExecRequest::new("");
    fallback.limits.memory_mb = memory_mb;
    fallback.limits.wall_timeout_ms = wall_ms;
    expect
        .and_then(|e| serde_json::from_str::<ExecRequest>(e).ok())
        .map(|t| ExecRequest {
            code: String::new(),
            input: None,
            ..t
        })
        .filter(|t| {
            t.validate().is_ok()
                && t.limits.memory_mb <= memory_mb
                && t.limits.wall_timeout_ms <= wall_ms
        })
        .unwrap_or(fallback)
}

/// Why the worker could not take its request.
#[derive(Debug, thiserror::Error)]
enum RequestReadError {
    #[error("reading the request: {0}")]
    Read(#[source] std::io::Error),
    #[error("request too large")]
    TooLarge,
    #[error("malformed request: {0}")]
    Malformed(#[source] serde_json::Error),
}

/// Reads the request (one line; stdin stays open for capability answers after it); `None`
/// if stdin ended without one.
fn read_request() -> Result<Option<ExecRequest>, RequestReadError> {
    use std::io::BufRead;
    let mut raw = Vec::new();
    let limit = MAX_REQUEST_BYTES as u64 + 1;
    std::io::stdin()
        .lock()
        .take(limit)
        .read_until(b'\n', &mut raw)
        .map_err(RequestReadError::Read)?;
    if raw.last() == Some(&b'\n') {
        raw.pop();
    }
    if raw.is_empty() {
        return Ok(None);
    }
    if raw.len() > MAX_REQUEST_BYTES {
        return Err(RequestReadError::TooLarge);
    }
    serde_json::from_slice(&raw)
        .map(Some)
        .map_err(RequestReadError::Malformed)
}

/// Forwards the engine thread's events to stdout until its final report; the exit code.
///
/// Frames are batched: written every [`FLUSH_EVERY`] (also while a builtin is stuck: this
/// thread keeps time, not the engine), when [`FLUSH_BYTES`] are pending, and with the final
/// report. A console flood then costs one write per batch instead of one per line.
fn forward_events(msg_rx: &Receiver<EngineMsg>) -> i32 {
    let mut out = std::io::stdout().lock();
    let mut pending: Vec<u8> = Vec::new();
    let mut next_flush = Instant::now() + FLUSH_EVERY;
    loop {
        let wait = next_flush.saturating_duration_since(Instant::now());
        match msg_rx.recv_timeout(wait) {
            // The parent reports its own Started and /proc samples: send only what it uses.
            Ok(EngineMsg::Event(ev @ (ExecEvent::Console(_) | ExecEvent::Blocked(_)))) => {
                if encode_event(&mut pending, &ev).is_err() {
                    return exit::OUTPUT;
                }
                if pending.len() >= FLUSH_BYTES {
                    if out.write_all(&pending).is_err() {
                        return exit::OUTPUT;
                    }
                    pending.clear();
                }
            }
            Ok(EngineMsg::Call(frame)) => {
                // The engine waits for the answer: everything pending goes now, in order.
                pending.extend_from_slice(&frame);
                if out.write_all(&pending).and_then(|()| out.flush()).is_err() {
                    return exit::OUTPUT;
                }
                pending.clear();
            }
            Ok(EngineMsg::Event(_) | EngineMsg::Ready) => {}
            Ok(EngineMsg::Done(outcome)) => {
                if encode_event(&mut pending, &ExecEvent::Finished(outcome)).is_err() {
                    return exit::OUTPUT;
                }
                if out.write_all(&pending).and_then(|()| out.flush()).is_err() {
                    return exit::OUTPUT;
                }
                return exit::OK;
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => {
                drop(out);
                return worker_fail(None, "the engine thread ended without a result");
            }
        }
        if Instant::now() >= next_flush {
            if !pending.is_empty() {
                if out.write_all(&pending).and_then(|()| out.flush()).is_err() {
                    return exit::OUTPUT;
                }
                pending.clear();
            }
            next_flush = Instant::now() + FLUSH_EVERY;
        }
    }
}

/// How far this (main) thread's stack may grow (RLIMIT_STACK; unknown counts as 0). Asked
/// before the lockdown, which refuses the question.
fn main_stack_bytes() -> u64 {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid out-parameter.
    if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut lim) } != 0 {
        return 0;
    }
    if lim.rlim_cur == libc::RLIM_INFINITY {
        u64::MAX
    } else {
        lim.rlim_cur
    }
}

/// Whether the main thread's stack holds a compile under a `stack_kb` stack limit, with room
/// for the host's frames around it.
fn compile_here(main_stack: u64, stack_kb: u64) -> bool {
    main_stack
        >= stack_kb
            .saturating_mul(1024)
            .saturating_add(2 * 1024 * 1024)
}

/// Whether a sandbox built for `a` is exactly the one `b` needs (everything
/// [`Sandbox::with_control`] reads from the request except the code).
fn same_sandbox(a: &ExecRequest, b: &ExecRequest) -> bool {
    a.limits == b.limits
        && a.profile == b.profile
        && a.permissions == b.permissions
        && a.filename == b.filename
        && a.seed == b.seed
        && a.input.is_none()
        && b.input.is_none()
}

/// The worker's engine thread: one fresh sandbox for the one request. A pooled worker
/// (`guess` set) first warms the engine up in a throwaway sandbox (thread, compiler, host
/// setup bytecode, allocator), then builds the sandbox for `guess` and reports ready; the
/// request uses it only if it needs exactly that sandbox, else it gets its own. Either way
/// the script runs in a runtime nothing else ran in.
fn engine_thread(
    guess: Option<(ExecRequest, RunParts)>,
    warm: bool,
    requests: Receiver<Job>,
    out: Sender<EngineMsg>,
) {
    let sink = |tx: &Sender<EngineMsg>| -> super::host::EventSink {
        let tx = tx.clone();
        Box::new(move |ev| {
            let _ = tx.send(EngineMsg::Event(ev));
        })
    };
    let mut prepared = None;
    if let Some((guess, parts)) = guess {
        if warm {
            if let Ok(mut sb) = Sandbox::new(&guess) {
                let _ = sb.eval("0");
            }
        }
        if let Ok(sb) = Sandbox::with_parts(&guess, parts.control, parts.mem, Some(sink(&out))) {
            prepared = Some(sb);
        }
        if warm && out.send(EngineMsg::Ready).is_err() {
            return;
        }
    }
    let Ok(job) = requests.recv() else {
        return;
    };
    let Job {
        req,
        compiled,
        parts,
        use_prepared,
    } = job;
    let sandbox = match prepared {
        Some(sb) if use_prepared => Ok(sb),
        other => {
            // Freed first: the new sandbox then reuses its already-touched memory instead of
            // faulting in fresh pages (measured: cheaper than keeping it until after the run).
            drop(other);
            Sandbox::with_parts(&req, parts.control, parts.mem, Some(sink(&out)))
        }
    };
    // The used sandbox is not torn down: the worker process ends right after its report, and
    // freeing the runtime first would only delay the report.
    let mut spent = None;
    let outcome = match sandbox {
        Ok(mut sb) => {
            let r = match compiled {
                Some(c) => sb.eval_compiled(&req.code, c),
                None => sb.eval(&req.code),
            };
            spent = Some(sb);
            let mut r = r;
            // Every line was streamed as it was printed; the parent keeps what it received
            // (a console flood would otherwise travel twice, the second time in one frame).
            r.console = Vec::new();
            // The parent fills in its own hash of the code.
            ExecOutcome::new(NAME, &req, String::new(), r, 0)
        }
        Err(e) => ExecOutcome::not_run(
            NAME,
            &req,
            Outcome::Crashed,
            Some(JsError::new("InternalError", e.to_string())),
        ),
    };
    let _ = out.send(EngineMsg::Done(Box::new(outcome)));
    std::mem::forget(spent);
}
