//! The parent's side of the wasm executor: start `sandbench-wasm-worker` (a program of its
//! own, so the JS worker links no wasmtime and starts as fast as before), hand it the module,
//! relay its events, kill it at the wall deadline.
//!
//! Everything the worker sends is untrusted, as for the JS worker: each line is bounded and
//! must parse as an [`ExecEvent`] or be a capability call, which a [`BrokerLink`] (the JS
//! worker's, same framing) checks and answers on the worker's stdin for the granted
//! directories — and for nothing else, whatever the call asks; console lines and blocked attempts are capped by the run's
//! limits; the identity fields of the outcome (executor, hash, limits) are the parent's own.

use super::{check_request, module_bytes, WasmRequest};
use crate::engine::exec::process::{
    describe_status, wait_probe, worker_command, BrokerLink, BUILD_ID, PROBE_HANDSHAKE,
};
use crate::engine::exec::{
    BlockedAttempt, CancelToken, ConsoleLevel, ConsoleLine, EvalResult, ExecEvent, ExecOutcome,
    ExecRun, Executor, ExecutorInfo, JsError, Outcome, Sample,
};
use crate::engine::hash::sha256_hex;
use crate::engine::policy::Permissions;
use crate::engine::procfs::Process;
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Child, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const NAME: &str = "wasm";

/// Environment variable naming the wasm worker program.
pub const WASM_WORKER_ENV: &str = "SANDBENCH_WASM_WORKER";

/// The wasm worker program, looked for next to this executable (and next to the program
/// `SANDBENCH_WORKER` names, which is how tests and benches point at cargo's builds).
pub const WASM_WORKER_PROGRAM: &str = "sandbench-wasm-worker";

/// Waited past the wall deadline for the worker's own report before it is killed.
const KILL_GRACE: Duration = Duration::from_millis(100);

/// Interval between `/proc` samples.
const SAMPLE_INTERVAL: Duration = Duration::from_millis(25);

/// Largest line accepted from a worker (a `Finished` line carries the whole console).
fn max_line(console_max_bytes: usize) -> usize {
    crate::engine::exec::process::max_frame_bytes(console_max_bytes)
}

/// Why the wasm worker cannot be used.
#[derive(Debug, Clone, thiserror::Error)]
pub enum WasmUnavailable {
    #[error("no {WASM_WORKER_PROGRAM} next to {0} (cargo build builds it); set {WASM_WORKER_ENV}")]
    NoProgram(String),
    #[error("the wasm worker {program} failed its probe: {reason}")]
    Probe { program: String, reason: String },
}

/// The worker program: `SANDBENCH_WASM_WORKER`, else next to this executable, else next to
/// `SANDBENCH_WORKER`.
fn candidate() -> Result<PathBuf, WasmUnavailable> {
    if let Some(p) = std::env::var_os(WASM_WORKER_ENV).filter(|p| !p.is_empty()) {
        return Ok(PathBuf::from(p));
    }
    let exe = std::env::current_exe().unwrap_or_default();
    let mut dirs: Vec<PathBuf> = exe.parent().map(PathBuf::from).into_iter().collect();
    if let Some(w) = std::env::var_os(crate::engine::exec::process::WORKER_ENV) {
        if let Some(d) = PathBuf::from(w).parent() {
            dirs.push(d.to_path_buf());
        }
    }
    dirs.iter()
        .map(|d| d.join(WASM_WORKER_PROGRAM))
        .find(|p| p.is_file())
        .ok_or_else(|| WasmUnavailable::NoProgram(exe.display().to_string()))
}

/// Starts the worker with `--probe`: it must lock down fully and report this build.
fn probe(program: &std::path::Path) -> Result<String, WasmUnavailable> {
    let fail = |reason: String| WasmUnavailable::Probe {
        program: program.display().to_string(),
        reason,
    };
    crate::engine::exec::lockdown::seccomp_available().map_err(|e| fail(e.to_string()))?;
    let mut child = worker_command(program, Stdio::null())
        .arg("--probe")
        .process_group(0)
        .spawn()
        .map_err(|e| fail(e.to_string()))?;
    let (status, out) = match wait_probe(&mut child) {
        Ok(Some(done)) => done,
        Ok(None) => return Err(fail("no answer".into())),
        Err(e) => {
            end(&mut child);
            return Err(fail(e.to_string()));
        }
    };
    let want = format!("{PROBE_HANDSHAKE} build {BUILD_ID} Landlock ");
    match out.lines().next() {
        Some(l) if status.success() && l.starts_with(&want) => {
            Ok(l[want.len()..].trim().to_string())
        }
        Some(l) if l.starts_with(PROBE_HANDSHAKE) => {
            Err(fail("a worker from another build: rebuild it".into()))
        }
        _ => {
            let mut err = String::new();
            if let Some(s) = child.stderr.take() {
                let _ = s.take(512).read_to_string(&mut err);
            }
            let detail =
                crate::engine::text::escape(err.lines().next().unwrap_or(""), false).into_owned();
            Err(fail(format!("{} {detail}", describe_status(status))))
        }
    }
}

/// The probe's verdict for this process (probed once): the program and its Landlock state.
fn cached() -> &'static Result<(PathBuf, String), WasmUnavailable> {
    static P: OnceLock<Result<(PathBuf, String), WasmUnavailable>> = OnceLock::new();
    P.get_or_init(|| {
        let program = candidate()?;
        let landlock = probe(&program)?;
        Ok((program, landlock))
    })
}

/// wasmtime in a locked-down worker process.
#[derive(Debug)]
pub struct WasmExecutor {
    program: PathBuf,
}

impl WasmExecutor {
    /// The executor with the probed worker program.
    pub fn new() -> Result<Self, WasmUnavailable> {
        cached()
            .as_ref()
            .map(|(p, _)| WasmExecutor { program: p.clone() })
            .map_err(Clone::clone)
    }

    pub fn info() -> ExecutorInfo {
        let (available, reason) = match cached() {
            Ok((p, landlock)) => (
                true,
                format!(
                    "locked-down wasm worker verified (rlimits, no_new_privs, seccomp allowlist, Landlock {landlock}); worker program {}",
                    p.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())
                ),
            ),
            Err(e) => (false, e.to_string()),
        };
        ExecutorInfo {
            name: NAME.to_string(),
            description: "WebAssembly (wasmtime, WASI preview 1: granted directories read-only through the broker, no sockets) in a locked-down child process; .wasm/.wat only".to_string(),
            available,
            reason,
            // Not a JavaScript executor: `auto` never picks it for a script.
            strength: 0,
            warning: None,
        }
    }

    /// Runs one module to completion (or limit, or cancellation), streaming its events and
    /// `Finished` last.
    pub fn run_module(
        &self,
        req: &WasmRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        let sha = sha256_hex(&req.module);
        let out = match check_request(req) {
            Ok(()) => self.supervise(req, &sha, cancel, on_event),
            Err(e) => outcome(
                req,
                &sha,
                EvalResult::empty(Outcome::Error, Some(JsError::new("PolicyError", e))),
            ),
        };
        on_event(ExecEvent::Finished(Box::new(out.clone())));
        out
    }

    fn spawn(&self, req: &WasmRequest) -> std::io::Result<Child> {
        worker_command(&self.program, Stdio::piped())
            .arg("--memory-mb")
            .arg(req.limits.memory_mb.to_string())
            .arg("--wall-timeout-ms")
            .arg(req.limits.wall_timeout_ms.to_string())
            .process_group(0)
            .spawn()
    }

    fn supervise(
        &self,
        req: &WasmRequest,
        sha: &str,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        let started = Instant::now();
        on_event(ExecEvent::Started {
            executor: NAME.to_string(),
            code_sha256: sha.to_string(),
            limits: (&req.limits).into(),
        });
        let crashed = |m: String| {
            outcome(
                req,
                sha,
                EvalResult::empty(Outcome::Crashed, Some(JsError::new("WorkerError", m))),
            )
        };
        let mut child = match self.spawn(req) {
            Ok(c) => c,
            Err(e) => return crashed(format!("cannot start the wasm worker: {e}")),
        };
        let (Some(mut stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            end(&mut child);
            return crashed("worker pipes missing".into());
        };
        let mut header = match serde_json::to_value(req) {
            Ok(v) => v,
            Err(e) => {
                end(&mut child);
                return crashed(format!("cannot encode the request: {e}"));
            }
        };
        header["module_len"] = serde_json::json!(req.module.len());
        let mut input = header.to_string().into_bytes();
        input.push(b'\n');
        input.extend_from_slice(&req.module);
        // The broker of the run's granted directories (none without a grant). It serves only
        // `filesystem.read` whatever the request says: a worker taken over by its module gets
        // nothing more by sending other calls.
        let wall = Instant::now() + Duration::from_millis(req.limits.wall_timeout_ms);
        let mut link =
            BrokerLink::for_permissions(&read_only(&req.permissions), MAX_CALL_BYTES, wall);
        // A writer thread: the module may be larger than a pipe holds, and a worker that
        // stops reading must not block the parent (the write fails once it is killed). With
        // a broker it then writes the answers; without one, stdin closes after the module.
        let (answers, to_write) = mpsc::channel::<Vec<u8>>();
        let answers = link.as_ref().map(|_| answers);
        let writer = std::thread::spawn(move || {
            if stdin.write_all(&input).is_err() {
                return;
            }
            for chunk in to_write {
                if stdin
                    .write_all(&chunk)
                    .and_then(|()| stdin.flush())
                    .is_err()
                {
                    return;
                }
            }
        });
        let (tx, rx) = mpsc::sync_channel::<Result<Frame, String>>(256);
        let limit = max_line(req.limits.console_max_bytes);
        let reader = std::thread::spawn(move || {
            let mut r = BufReader::new(stdout);
            let mut total = 0usize;
            loop {
                let mut line = Vec::new();
                match r
                    .by_ref()
                    .take(limit as u64 + 1)
                    .read_until(b'\n', &mut line)
                {
                    Ok(0) | Err(_) => return,
                    Ok(_) => {}
                }
                // Calls are bounded one by one (their number by the broker's cap), events
                // together.
                let call = BrokerLink::is_call(&line);
                if !call {
                    total += line.len();
                }
                let frame = if line.len() > limit || total > limit.saturating_mul(2) {
                    Err("the worker sent too much output".to_string())
                } else if call {
                    Ok(Frame::Call(line))
                } else {
                    serde_json::from_slice::<ExecEvent>(&line)
                        .map(Frame::Event)
                        .map_err(|e| format!("the worker sent a malformed frame: {e}"))
                };
                let stop = frame.is_err();
                if tx.send(frame).is_err() || stop {
                    return;
                }
            }
        });
        let err_reader = std::thread::spawn(move || {
            let mut keep = Vec::new();
            let mut s = stderr;
            let _ = s.by_ref().take(4096).read_to_end(&mut keep);
            let _ = std::io::copy(&mut s, &mut std::io::sink());
            String::from_utf8_lossy(&keep).into_owned()
        });

        let pid = child.id();
        // The worker's CPU clock, read through the kernel (it cannot change it), from now.
        let clock = crate::engine::exec::process::WorkerCpuClock::of(pid);
        let deadline =
            Instant::now() + Duration::from_millis(req.limits.wall_timeout_ms) + KILL_GRACE;
        let mut next_sample = Instant::now() + SAMPLE_INTERVAL;
        let mut seen = Seen::default();
        let cpu_kill_ms =
            req.limits
                .timeout_ms
                .saturating_add(super::CPU_KILL_MARGIN.as_millis() as u64) as f64;
        let mut cpu_ms = 0.0f64;
        let ended: Result<EvalResult, EvalResult> = loop {
            if cancel.is_cancelled() {
                break Err(EvalResult::empty(Outcome::Cancelled, None));
            }
            let now = Instant::now();
            if now >= deadline {
                break Err(EvalResult::empty(
                    Outcome::Timeout,
                    Some(JsError::new(
                        "InternalError",
                        format!(
                            "killed at the wall deadline of {} ms",
                            req.limits.wall_timeout_ms
                        ),
                    )),
                ));
            }
            if let Some(ms) = clock.and_then(|c| c.used_ms()) {
                cpu_ms = ms;
            }
            // The CPU budget held from outside too (the worker's own kernel timer usually
            // comes first): its CPU clock, every thread, compilation included.
            if cpu_ms >= cpu_kill_ms {
                break Err(cpu_timeout(req));
            }
            if now >= next_sample {
                next_sample = now + SAMPLE_INTERVAL;
                if let Some(u) = Process::Id(pid).usage() {
                    on_event(ExecEvent::Sample(Sample {
                        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
                        memory_bytes: u.rss_bytes,
                        cpu_ms: u.cpu_ms,
                        memory_kind: crate::engine::exec::MemoryKind::Rss,
                    }));
                }
            }
            let wait = deadline
                .min(next_sample)
                .saturating_duration_since(now)
                .min(Duration::from_millis(5));
            match rx.recv_timeout(wait) {
                Ok(Ok(Frame::Event(ExecEvent::Console(c)))) => seen.console(c, req, on_event),
                Ok(Ok(Frame::Event(ExecEvent::Blocked(b)))) => seen.blocked(b, on_event),
                Ok(Ok(Frame::Event(ExecEvent::Finished(o)))) => break Ok(sanitise(o.result)),
                Ok(Ok(Frame::Event(_))) => {}
                Ok(Ok(Frame::Call(line))) => {
                    let answered = match (link.as_mut(), answers.as_ref()) {
                        (Some(l), Some(a)) => {
                            let mut out = Vec::new();
                            l.on_call(line.trim_ascii_end(), &mut out).map(|()| {
                                if !out.is_empty() {
                                    // The writer is gone only when the worker is.
                                    let _ = a.send(out);
                                }
                            })
                        }
                        _ => {
                            Err("the worker made a capability call, but nothing is granted".into())
                        }
                    };
                    if let Err(m) = answered {
                        break Err(EvalResult::empty(
                            Outcome::Crashed,
                            Some(JsError::new("WorkerError", m)),
                        ));
                    }
                }
                Ok(Err(m)) => {
                    break Err(EvalResult::empty(
                        Outcome::Crashed,
                        Some(JsError::new("WorkerError", m)),
                    ))
                }
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => {
                    // Output ended without a report: the worker died. Its CPU clock (readable
                    // until it is reaped) tells its kernel CPU timer's kill from a crash.
                    if let Some(ms) = clock.and_then(|c| c.used_ms()) {
                        cpu_ms = cpu_ms.max(ms);
                    }
                    if cpu_ms >= cpu_kill_ms {
                        break Err(cpu_timeout(req));
                    }
                    let status = child.wait();
                    let why = match status {
                        Ok(s) => describe_status(s),
                        Err(e) => e.to_string(),
                    };
                    break Err(EvalResult::empty(
                        Outcome::Crashed,
                        Some(JsError::new(
                            "WorkerError",
                            format!("the wasm worker ended without a report ({why})"),
                        )),
                    ));
                }
            }
        };
        // The reader may be waiting to hand over a frame (its queue full, as when the
        // consumer was slow): dropping the queue's end frees it, else joining it would wait
        // forever.
        drop(rx);
        end(&mut child);
        drop(answers);
        let _ = writer.join();
        let _ = reader.join();
        let stderr = err_reader.join().unwrap_or_default();
        let mut result = match ended {
            Ok(mut r) => {
                // The console is the one accepted from the stream (the report carries none);
                // blocked attempts are the worker's list (with counts), bounded by sanitise.
                r.console = std::mem::take(&mut seen.console);
                r.console_truncated |= seen.console_truncated;
                r
            }
            Err(mut r) => {
                // The worker did not report: what it streamed before is the run's console and
                // blocked list, and the CPU time is the parent's own reading.
                r.console = std::mem::take(&mut seen.console);
                r.console_truncated = seen.console_truncated;
                r.blocked = std::mem::take(&mut seen.blocked);
                r.cpu_ms = cpu_ms;
                r.usage.cpu_ms = cpu_ms;
                if r.outcome == Outcome::Crashed && !stderr.trim().is_empty() {
                    if let Some(e) = r.error.as_mut() {
                        e.message = format!(
                            "{}: {}",
                            e.message,
                            crate::engine::text::truncate(stderr.trim(), 500)
                        );
                    }
                }
                r
            }
        };
        result.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        let mut o = outcome(req, sha, result);
        // The parent's own counts and refusals, whatever the worker reported.
        if let Some(l) = link {
            l.finish(&mut o);
        }
        o
    }
}

/// The result of a worker killed at the CPU budget (by the parent or its own kernel timer).
fn cpu_timeout(req: &WasmRequest) -> EvalResult {
    EvalResult::empty(
        Outcome::Timeout,
        Some(JsError::new(
            "InternalError",
            format!("killed at the CPU budget of {} ms", req.limits.timeout_ms),
        )),
    )
}

/// A line from the worker: an event, or a capability call for the broker.
enum Frame {
    Event(ExecEvent),
    Call(Vec<u8>),
}

/// Largest call frame accepted from the wasm worker: a path at its longest, JSON-escaped,
/// with room for the frame around it (it sends no request bodies).
const MAX_CALL_BYTES: usize = 64 * 1024;

/// What a module may use of `perms`: the directories to read and the capability limits.
pub fn read_only(perms: &Permissions) -> Permissions {
    Permissions {
        filesystem: crate::engine::policy::FsPermissions {
            read: perms.filesystem.read.clone(),
            write: Vec::new(),
        },
        limits: perms.limits,
        ..Permissions::none()
    }
}

/// Kills the worker's process group and reaps it.
fn end(child: &mut Child) {
    if let Ok(pid) = libc::pid_t::try_from(child.id()) {
        if pid > 0 {
            // SAFETY: kill(2) with plain integers; the child is not reaped yet, so its group id
            // cannot have been reused.
            unsafe { libc::kill(-pid, libc::SIGKILL) };
        }
    }
    let _ = child.kill();
    let _ = child.wait();
}

/// What the parent accepted from the worker's stream: the console under the run's caps (the
/// engine's truncation marker is one line past them), and the blocked attempts.
#[derive(Default)]
struct Seen {
    console: Vec<ConsoleLine>,
    console_bytes: usize,
    console_truncated: bool,
    blocked: Vec<BlockedAttempt>,
}

impl Seen {
    fn console(
        &mut self,
        line: ConsoleLine,
        req: &WasmRequest,
        on_event: &mut dyn FnMut(ExecEvent),
    ) {
        let limits = &req.limits;
        if self.console_truncated
            || self.console.len() > limits.console_max_lines
            || self.console_bytes.saturating_add(line.text.len()) > limits.console_max_bytes
        {
            self.console_truncated = true;
            return;
        }
        self.console_bytes += line.text.len();
        // The engine's marker (a warning past a cap) is the last line it sends.
        if line.level == ConsoleLevel::Warn || self.console.len() == limits.console_max_lines {
            self.console_truncated = true;
        }
        self.console.push(line.clone());
        on_event(ExecEvent::Console(line));
    }

    fn blocked(&mut self, b: BlockedAttempt, on_event: &mut dyn FnMut(ExecEvent)) {
        if self.blocked.len() < crate::engine::exec::process::MAX_BLOCKED {
            self.blocked.push(b.clone());
            on_event(ExecEvent::Blocked(b));
        }
    }
}

/// A worker's result, made to fit the run's caps (the worker is not trusted to have).
fn sanitise(mut r: EvalResult) -> EvalResult {
    r.console.clear();
    r.blocked
        .truncate(crate::engine::exec::process::MAX_BLOCKED);
    let finite = |x: f64| if x.is_finite() && x >= 0.0 { x } else { 0.0 };
    r.duration_ms = finite(r.duration_ms);
    r.cpu_ms = finite(r.cpu_ms);
    r
}

fn outcome(req: &WasmRequest, sha: &str, result: EvalResult) -> ExecOutcome {
    ExecOutcome {
        executor: NAME.to_string(),
        code_sha256: sha.to_string(),
        result,
        limits: (&req.limits).into(),
        runaway_threads: 0,
    }
}

impl Executor for WasmExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    /// A request's code is WebAssembly text (the workbench's `.wat` buffers); its `_start` is
    /// called. Binaries and `--invoke` go through [`WasmExecutor::run_module`].
    fn execute(&self, run: ExecRun<'_>) -> ExecOutcome {
        let req = run.req;
        let module = match module_bytes(req.code.as_bytes()) {
            Ok(m) => m,
            Err(e) => {
                return ExecOutcome::not_run(
                    NAME,
                    req,
                    Outcome::Error,
                    Some(JsError::new("CompileError", e.to_string())),
                )
            }
        };
        let mut w = WasmRequest::new(module, req.filename.clone(), req.limits);
        // A module gets the request's directories to read, nothing else (it has no sockets).
        w.permissions = read_only(&req.permissions);
        let sha = sha256_hex(&w.module);
        match check_request(&w) {
            Ok(()) => self.supervise(&w, &sha, run.cancel, run.on_event),
            Err(e) => outcome(
                &w,
                &sha,
                EvalResult::empty(Outcome::Error, Some(JsError::new("PolicyError", e))),
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::policy::NetGrant;

    #[test]
    fn a_modules_broker_serves_its_read_directories_only() {
        let mut p = Permissions::default();
        p.add_read(std::env::temp_dir());
        p.add_net(NetGrant::parse_flag("example.com").expect("grant")[0].clone());
        p.limits.fs_max_ops = 7;
        let r = read_only(&p);
        assert_eq!(r.filesystem.read, vec![std::env::temp_dir()]);
        assert!(!r.grants_network(), "no host, whatever the request carried");
        assert!(r.modules.is_empty());
        assert_eq!(r.limits.fs_max_ops, 7);
    }
}
