//! The out-of-process executor: the in-process QuickJS engine in a locked-down child process.
//!
//! Parent side ([`ProcessExecutor`]): starts `<worker program> worker --memory-mb M
//! --wall-timeout-ms W [--expect SETTINGS]` (the worker program: `sandbench-worker` next to this
//! executable when it is the same build, else this executable; or the one named by
//! `SANDBENCH_WORKER` / [`ProcessExecutor::with_program`]) with an empty environment in `/`,
//! writes the setup preamble (the host setup bytecode, see [`SETUP_MAGIC`]) and the
//! [`ExecRequest`] as one JSON document on its stdin and reads events back as
//! newline-delimited JSON on its stdout. Everything the child
//! sends is untrusted: frames and the whole stream are size-bounded, every frame must parse as
//! an [`ExecEvent`], numbers are sanitised, identity fields (executor, hash, limits) are the
//! parent's own. The parent samples the child's RSS and CPU from `/proc` for `Sample` events,
//! kills it at the wall deadline (`timeout`) or on cancel (`cancelled`), and reports a child
//! that dies or misbehaves as `crashed` with the signal or the reason.
//!
//! Worker side ([`worker_main`]): applies [`super::lockdown`] first, then reads the preamble
//! and the request, runs it in a fresh engine [`super::quickjs::Sandbox`] on its own thread
//! (built from `--expect` while the request is read and compiled) and forwards its events. One run per worker process; an optional pool of pre-started, pre-locked workers
//! (waiting on stdin, engine warmed up and the likely sandbox already built) hides the spawn.

use super::lockdown::{self, LockdownConfig};
use super::quickjs;
use super::{
    CancelToken, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, Executor, ExecutorInfo, JsError,
    LimitsReport, Outcome, Sample,
};
use crate::engine::hash::sha256_hex;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

pub const NAME: &str = "quickjs-process";

/// Environment variable naming the worker program (default: this executable).
pub const WORKER_ENV: &str = "SANDBENCH_WORKER";

/// The first line a worker prints in `--probe` mode, followed by `build <BUILD_ID> Landlock
/// <state>`.
pub const PROBE_HANDSHAKE: &str = "sandbench-worker-probe v2";

/// The dedicated worker program, looked for next to this executable: the same worker as
/// `sandbench worker`, in a binary without the workbench, the scanner and the CLI, so it starts
/// faster (it is started for every run without a pooled worker).
pub const WORKER_PROGRAM: &str = "sandbench-worker";

/// This build's identity (a hash of its sources, from `build.rs`). A worker program must report
/// the same one: a `sandbench-worker` left over from an older build is not used.
pub const BUILD_ID: &str = env!("SANDBENCH_BUILD_ID");

/// Largest request the parent sends and the worker accepts (code ≤ 100 KB plus input).
pub const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

/// How long after the wall deadline the parent waits for the worker's own `timeout` report
/// before killing it.
pub const KILL_GRACE: Duration = Duration::from_millis(100);

/// Longest extension past the deadline for a worker that is still sending its report.
pub const REPORT_GRACE: Duration = Duration::from_millis(400);

/// A worker counts as still sending if data arrived within this long.
const REPORT_IDLE: Duration = Duration::from_millis(30);

/// Interval between `/proc` samples (40 per second).
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(25);

/// The start of every worker's stdin: [`SETUP_MAGIC`], the parent's [`BUILD_ID`], the length of
/// the host setup bytecode (little-endian u32; 0 when the parent has none) and the bytecode.
/// The request follows. A worker of the same build loads the parent's bytecode instead of
/// compiling the setup script itself (about half of a fresh worker's engine start-up).
pub const SETUP_MAGIC: &[u8; 8] = b"sbsetup1";

const _: () = assert!(
    BUILD_ID.len() == 16,
    "build.rs names builds with 16 hex digits"
);

/// Length of the setup preamble before the bytecode.
const SETUP_HEADER_BYTES: usize = SETUP_MAGIC.len() + BUILD_ID.len() + 4;

/// Largest host setup bytecode a worker accepts from its parent.
pub const MAX_SETUP_BYTES: usize = 4 * 1024 * 1024;

/// The setup preamble this process sends every worker (built once).
fn setup_preamble() -> &'static [u8] {
    static PREAMBLE: OnceLock<Vec<u8>> = OnceLock::new();
    PREAMBLE.get_or_init(|| {
        let bytes = quickjs::setup_bytecode()
            .ok()
            .filter(|b| b.len() <= MAX_SETUP_BYTES)
            .unwrap_or(&[]);
        let mut v = Vec::with_capacity(SETUP_HEADER_BYTES + bytes.len());
        v.extend_from_slice(SETUP_MAGIC);
        v.extend_from_slice(BUILD_ID.as_bytes());
        v.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        v.extend_from_slice(bytes);
        v
    })
}

/// Reads the setup preamble from a worker's stdin and adopts the parent's bytecode when the
/// parent is the same build. `Ok(false)`: stdin ended before the preamble began (the parent
/// discarded this worker).
fn read_setup_preamble(input: &mut impl Read) -> Result<bool, String> {
    let mut head = [0u8; SETUP_HEADER_BYTES];
    let mut have = 0;
    while have < head.len() {
        match input.read(&mut head[have..]) {
            Ok(0) if have == 0 => return Ok(false),
            Ok(0) => return Err("the setup preamble ended early".to_string()),
            Ok(n) => have += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(format!("reading the setup preamble: {e}")),
        }
    }
    let (magic, rest) = head.split_at(SETUP_MAGIC.len());
    let (build, len) = rest.split_at(BUILD_ID.len());
    if magic != SETUP_MAGIC {
        return Err("the request does not start with the setup preamble".to_string());
    }
    let mut len_bytes = [0u8; 4];
    len_bytes.copy_from_slice(len);
    let len = u32::from_le_bytes(len_bytes) as usize;
    if len > MAX_SETUP_BYTES {
        return Err(format!("setup bytecode of {len} bytes is over the limit"));
    }
    let mut bytes = vec![0u8; len];
    input
        .read_exact(&mut bytes)
        .map_err(|e| format!("reading the setup bytecode: {e}"))?;
    if len > 0 && build == BUILD_ID.as_bytes() {
        quickjs::provide_setup_bytecode(bytes);
    }
    Ok(true)
}

/// Longest a worker may take to start and lock itself down.
const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest the parent sleeps without checking the cancel flag (a wake-up costs a few µs: 2 ms
/// keeps cancel prompt for a fraction of a percent of one core).
const CANCEL_POLL: Duration = Duration::from_millis(2);

/// Most blocked attempts accepted from one worker.
pub const MAX_BLOCKED: usize = 10_000;

/// Bytes of the worker's stderr kept for a crash report.
const STDERR_KEEP: usize = 4096;

/// Largest single frame (one JSON line) accepted for these console limits.
pub fn max_frame_bytes(console_max_bytes: usize) -> usize {
    // A Finished frame carries the whole console, JSON-escaped (up to 6 bytes per byte for
    // control characters), plus the bounded value and error.
    (16 * 1024 * 1024usize).saturating_add(console_max_bytes.saturating_mul(6))
}

/// Largest total output accepted from one worker run.
pub fn max_total_bytes(console_max_bytes: usize) -> usize {
    max_frame_bytes(console_max_bytes).saturating_mul(2)
}

/// What a worker is locked down for. Pooled workers are only used for requests with the
/// same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct LockKey {
    memory_mb: u64,
    wall_timeout_ms: u64,
}

impl LockKey {
    fn of(req: &ExecRequest) -> Self {
        LockKey {
            memory_mb: req.limits.memory_mb,
            wall_timeout_ms: req.limits.wall_timeout_ms,
        }
    }
}

struct Pool {
    key: Option<LockKey>,
    /// The settings of the last request (no code, no input): new pool workers prepare their
    /// sandbox for these.
    template: Option<ExecRequest>,
    idle: Vec<Child>,
    target: usize,
    /// Workers being started for the pool right now.
    refilling: usize,
    closed: bool,
}

impl Drop for Pool {
    fn drop(&mut self) {
        for mut c in self.idle.drain(..) {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}

/// QuickJS in a locked-down child process.
pub struct ProcessExecutor {
    program: PathBuf,
    pool: Arc<Mutex<Pool>>,
    /// Finished workers, killed and waiting to be reaped.
    reap: Mutex<Vec<Child>>,
    /// Feeds the background thread that starts replacement pool workers (started lazily).
    refiller: Mutex<Option<std::sync::mpsc::Sender<LockKey>>>,
}

impl std::fmt::Debug for ProcessExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessExecutor")
            .field("program", &self.program)
            .finish_non_exhaustive()
    }
}

/// The worker programs to try, best first: `SANDBENCH_WORKER` alone if set; else the dedicated
/// [`WORKER_PROGRAM`] next to this executable (when there is one), then this executable.
fn candidate_programs() -> Result<Vec<PathBuf>, String> {
    if let Some(p) = std::env::var_os(WORKER_ENV) {
        if !p.is_empty() {
            return Ok(vec![PathBuf::from(p)]);
        }
    }
    let exe = std::env::current_exe().map_err(|e| format!("cannot find this executable: {e}"))?;
    let mut out = Vec::with_capacity(2);
    if let Some(dir) = exe.parent() {
        let dedicated = dir.join(WORKER_PROGRAM);
        if dedicated.is_file() && dedicated != exe {
            out.push(dedicated);
        }
    }
    out.push(exe);
    Ok(out)
}

/// The worker program this process uses: the first candidate (`SANDBENCH_WORKER`, else
/// `sandbench-worker` next to this executable, then this executable) that
/// passes the [`probe`]; or why none does.
pub fn default_program() -> Result<PathBuf, String> {
    cached_probe()
        .as_ref()
        .map(|w| w.program.clone())
        .map_err(Clone::clone)
}

/// The worker program chosen by the probe.
struct ChosenWorker {
    program: PathBuf,
    /// The Landlock state the worker reported.
    landlock: String,
    /// Why a better candidate was passed over (a stale `sandbench-worker`, say).
    skipped: Option<String>,
}

/// Result of probing a worker program: the Landlock state it reported, or why it cannot work.
pub fn probe(program: &Path) -> Result<String, String> {
    lockdown::seccomp_available()?;
    let mut child = Command::new(program)
        .args(["worker", "--probe"])
        .env_clear()
        .current_dir("/")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start worker {}: {e}", program.display()))?;
    let deadline = Instant::now() + Duration::from_secs(5);
    let status = loop {
        match child.try_wait() {
            Ok(Some(s)) => break s,
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            Ok(None) => {
                let _ = child.kill();
                let _ = child.wait();
                return Err(format!(
                    "worker {} did not answer the probe within 5 s",
                    program.display()
                ));
            }
            Err(e) => return Err(format!("waiting for the worker probe: {e}")),
        }
    };
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.by_ref().take(4096).read_to_string(&mut out);
    }
    let first = out.lines().next().unwrap_or("");
    let answer = first
        .strip_prefix(PROBE_HANDSHAKE)
        .and_then(|rest| rest.trim().strip_prefix("build "))
        .and_then(|rest| rest.split_once(' '));
    match answer {
        Some((build, landlock)) if status.success() && build == BUILD_ID => {
            Ok(landlock.trim().to_string())
        }
        Some((build, _)) if status.success() => Err(format!(
            "{} is a worker from another build ({}; this is {BUILD_ID}): rebuild it (cargo build --release)",
            program.display(),
            crate::engine::text::escape(&crate::engine::text::truncate(build, 40), false)
        )),
        _ => {
            let mut err = String::new();
            if let Some(mut s) = child.stderr.take() {
                let _ = s.by_ref().take(512).read_to_string(&mut err);
            }
            let detail = err.lines().next().unwrap_or("").trim().to_string();
            Err(format!(
                "{} is not runnable as a sandbench worker ({}{}{})",
                program.display(),
                describe_status(status),
                if detail.is_empty() { "" } else { ": " },
                crate::engine::text::escape(&crate::engine::text::truncate(&detail, 200), false)
            ))
        }
    }
}

/// The first worker program that passes the probe (probed once per process); else the last
/// candidate's failure.
fn cached_probe() -> &'static Result<ChosenWorker, String> {
    static PROBE: OnceLock<Result<ChosenWorker, String>> = OnceLock::new();
    PROBE.get_or_init(|| {
        let mut failure: Option<String> = None;
        for program in candidate_programs()? {
            match probe(&program) {
                Ok(landlock) => {
                    return Ok(ChosenWorker {
                        program,
                        landlock,
                        skipped: failure,
                    })
                }
                Err(e) => failure = Some(e),
            }
        }
        Err(failure.unwrap_or_else(|| "no worker program".to_string()))
    })
}

impl ProcessExecutor {
    /// The executor with the default worker program, if it passes the probe.
    pub fn new() -> Result<Self, String> {
        Ok(Self::with_program(default_program()?))
    }

    /// An executor using `program` as the worker (no probe; failures show up as `crashed`).
    pub fn with_program(program: impl Into<PathBuf>) -> Self {
        ProcessExecutor {
            program: program.into(),
            pool: Arc::new(Mutex::new(Pool {
                key: None,
                template: None,
                idle: Vec::new(),
                target: 0,
                refilling: 0,
                closed: false,
            })),
            reap: Mutex::new(Vec::new()),
            refiller: Mutex::new(None),
        }
    }

    /// Keeps up to `size` pre-started, pre-locked workers waiting (refilled after each run).
    pub fn with_pool(self, size: usize) -> Self {
        if let Ok(mut p) = self.pool.lock() {
            p.target = size;
        }
        self
    }

    /// Starts pool workers for requests with these limits now, and waits until they are up.
    pub fn prewarm(&self, limits: &crate::engine::policy::Limits) {
        let key = LockKey {
            memory_mb: limits.memory_mb,
            wall_timeout_ms: limits.wall_timeout_ms,
        };
        let Ok(mut p) = self.pool.lock() else { return };
        if p.key != Some(key) {
            for mut c in p.idle.drain(..) {
                let _ = c.kill();
                let _ = c.wait();
            }
            p.key = Some(key);
        }
        let mut template = ExecRequest::new("");
        template.limits = *limits;
        let template = p
            .template
            .clone()
            .filter(|t| t.limits == *limits)
            .unwrap_or(template);
        p.template = Some(template.clone());
        while p.idle.len() < p.target {
            let deadline = Instant::now() + STARTUP_TIMEOUT;
            match spawn_worker(&self.program, key, deadline, None, Some(&template)) {
                Ok(c) => p.idle.push(c),
                Err(_) => break,
            }
        }
    }

    /// Idle workers currently waiting in the pool.
    pub fn idle_workers(&self) -> usize {
        self.pool.lock().map_or(0, |p| p.idle.len())
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    pub fn info() -> ExecutorInfo {
        let (available, reason) = match cached_probe() {
            Ok(w) => {
                let landlock = match w.landlock.as_str() {
                    "Landlock full" => "Landlock enforced",
                    "Landlock partial" => "Landlock partly enforced (older kernel ABI)",
                    _ => "Landlock not enabled in this kernel (optional layer)",
                };
                (
                    true,
                    format!(
                        "locked-down worker verified: rlimits, no_new_privs, seccomp allowlist; {landlock}; worker program {}{}",
                        w.program.file_name().map_or_else(
                            || w.program.display().to_string(),
                            |n| n.to_string_lossy().into_owned()
                        ),
                        w.skipped
                            .as_ref()
                            .map(|s| format!(" (skipped: {s})"))
                            .unwrap_or_default()
                    ),
                )
            }
            Err(e) => (false, e.clone()),
        };
        ExecutorInfo {
            name: NAME.to_string(),
            description: "QuickJS in a locked-down child process, killed at the wall deadline"
                .to_string(),
            available,
            reason,
            strength: 2,
            warning: None,
        }
    }

    fn take_worker(&self, key: LockKey) -> Option<Child> {
        let mut p = self.pool.lock().ok()?;
        if p.key != Some(key) {
            for mut c in p.idle.drain(..) {
                let _ = c.kill();
                let _ = c.wait();
            }
            p.key = Some(key);
        }
        while let Some(mut c) = p.idle.pop() {
            if matches!(c.try_wait(), Ok(None)) {
                return Some(c);
            }
            let _ = c.wait();
        }
        None
    }

    /// Asks the background refiller for a replacement worker (a channel send: the run that
    /// used a worker does not pay for starting the next one).
    fn refill(&self, key: LockKey) {
        match self.pool.lock() {
            Ok(mut p) if !p.closed && p.idle.len() + p.refilling < p.target => p.refilling += 1,
            _ => return,
        }
        let Ok(mut tx) = self.refiller.lock() else {
            return;
        };
        if tx.is_none() {
            let (send, recv) = std::sync::mpsc::channel::<LockKey>();
            let pool = Arc::clone(&self.pool);
            let program = self.program.clone();
            let spawned = std::thread::Builder::new()
                .name("sandbench-pool".into())
                .spawn(move || {
                    // Ends when the executor (the only sender) is dropped.
                    for key in recv {
                        refill_one(&pool, &program, key);
                    }
                });
            if spawned.is_err() {
                if let Ok(mut p) = self.pool.lock() {
                    p.refilling = p.refilling.saturating_sub(1);
                }
                return;
            }
            *tx = Some(send);
        }
        if tx.as_ref().is_some_and(|t| t.send(key).is_err()) {
            *tx = None;
            if let Ok(mut p) = self.pool.lock() {
                p.refilling = p.refilling.saturating_sub(1);
            }
        }
    }

    fn reap_finished(&self) {
        if let Ok(mut r) = self.reap.lock() {
            r.retain_mut(|c| !matches!(c.try_wait(), Ok(Some(_)) | Err(_)));
        }
    }
}

impl Drop for ProcessExecutor {
    fn drop(&mut self) {
        if let Ok(mut p) = self.pool.lock() {
            p.closed = true;
            for mut c in p.idle.drain(..) {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
        if let Ok(mut r) = self.reap.lock() {
            for mut c in r.drain(..) {
                let _ = c.kill();
                let _ = c.wait();
            }
        }
    }
}

/// The line a worker prints once it is locked down and waiting for its request.
pub const READY_LINE: &[u8] = b"ready\n";

/// Starts one pool worker for `key` and parks it, unless the pool moved on meanwhile.
fn refill_one(pool: &Mutex<Pool>, program: &Path, key: LockKey) {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let template = pool.lock().ok().and_then(|p| p.template.clone());
    let started = spawn_worker(program, key, deadline, None, template.as_ref());
    let Ok(mut p) = pool.lock() else { return };
    p.refilling = p.refilling.saturating_sub(1);
    let Ok(mut c) = started else { return };
    if !p.closed && p.key == Some(key) && p.idle.len() < p.target {
        p.idle.push(c);
        return;
    }
    drop(p);
    let _ = c.kill();
    let _ = c.wait();
}

/// Starts a worker and waits until it reports that it is locked down and ready.
fn spawn_worker(
    program: &Path,
    key: LockKey,
    deadline: Instant,
    cancel: Option<&CancelToken>,
    template: Option<&ExecRequest>,
) -> Result<Child, String> {
    // A pooled worker has time to spare: it warms the engine up before saying it is ready.
    let child = start_worker(program, key, cancel.is_none(), template)?;
    wait_ready(child, deadline, cancel, setup_preamble()).map(|(c, _)| c)
}

/// Largest request template passed to a pooled worker on its command line.
const MAX_TEMPLATE_BYTES: usize = 8 * 1024;

/// Starts a worker process (without waiting for it). `warm`: a pooled worker, which warms the
/// engine up before it reports ready. `template`: the settings of the run it will most likely
/// serve (code and input are not sent), for which it builds the sandbox ahead.
fn start_worker(
    program: &Path,
    key: LockKey,
    warm: bool,
    template: Option<&ExecRequest>,
) -> Result<Child, String> {
    let mut cmd = Command::new(program);
    cmd.arg("worker")
        .arg("--memory-mb")
        .arg(key.memory_mb.to_string())
        .arg("--wall-timeout-ms")
        .arg(key.wall_timeout_ms.to_string());
    if warm {
        cmd.arg("--warm");
    }
    let json = template.and_then(|t| serde_json::to_string(&settings_of(t)).ok());
    if let Some(json) = json.filter(|j| j.len() <= MAX_TEMPLATE_BYTES) {
        cmd.arg("--expect").arg(json);
    }
    cmd.env_clear()
        .current_dir("/")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start worker {}: {e}", program.display()))
}

/// Writes what a non-blocking pipe to the worker takes of `input` past `written`, advancing
/// it; a failed write (the worker is gone: its output's end tells why) counts as all written.
fn feed(stdin: &mut std::process::ChildStdin, input: &[u8], written: &mut usize) {
    if *written >= input.len() {
        return;
    }
    match stdin.write(&input[*written..]) {
        Ok(n) => *written += n,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Err(_) => *written = input.len(),
    }
}

/// A request's settings without its code and input: what a worker may be told on its command
/// line ahead of the request.
fn settings_of(req: &ExecRequest) -> ExecRequest {
    ExecRequest {
        code: String::new(),
        filename: req.filename.clone(),
        limits: req.limits,
        profile: req.profile,
        permissions: req.permissions.clone(),
        input: None,
    }
}

/// Waits until a started worker reports that it is locked down and ready, meanwhile writing
/// `input` to its stdin (as much as the worker takes; the count is returned). Kills it and
/// says why if it is not ready by `deadline` (or `cancel`).
fn wait_ready(
    mut child: Child,
    deadline: Instant,
    cancel: Option<&CancelToken>,
    input: &[u8],
) -> Result<(Child, usize), String> {
    use std::os::unix::io::AsRawFd;
    let fd = child.stdout.as_ref().map_or(-1, |s| s.as_raw_fd());
    let in_fd = child.stdin.as_ref().map_or(-1, |s| s.as_raw_fd());
    if in_fd >= 0 {
        set_nonblocking(in_fd);
    }
    let mut written = 0usize;
    let mut got = [0u8; READY_LINE.len()];
    let mut have = 0usize;
    let failure = loop {
        // Hand the input over as soon as the pipe takes it: the worker reads it once it has
        // locked itself down, and finds it waiting instead of sleeping until this thread is
        // scheduled again.
        if let Some(w) = child.stdin.as_mut() {
            feed(w, input, &mut written);
        }
        if cancel.is_some_and(CancelToken::is_cancelled) {
            break "cancelled while starting".to_string();
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break "worker did not become ready in time".to_string();
        }
        let mut pfds = [
            libc::pollfd {
                fd,
                events: libc::POLLIN,
                revents: 0,
            },
            libc::pollfd {
                fd: if written < input.len() { in_fd } else { -1 },
                events: libc::POLLOUT,
                revents: 0,
            },
        ];
        let wait_ms = left.min(CANCEL_POLL).as_millis().max(1) as i32;
        // SAFETY: a valid pollfd array for the duration of the call.
        let r = unsafe { libc::poll(pfds.as_mut_ptr(), pfds.len() as libc::nfds_t, wait_ms) };
        if r <= 0 || pfds[0].revents == 0 {
            continue;
        }
        // SAFETY: reading into the remainder of a buffer we own.
        let n = unsafe { libc::read(fd, got[have..].as_mut_ptr().cast(), got.len() - have) };
        if n <= 0 {
            break String::new(); // EOF: the worker died; its status says why
        }
        have += n as usize;
        if have == got.len() {
            if got == READY_LINE {
                return Ok((child, written));
            }
            break "worker sent a malformed ready line".to_string();
        }
    };
    let _ = child.kill();
    let status = child.wait();
    let mut err = String::new();
    if let Some(mut s) = child.stderr.take() {
        let _ = s.by_ref().take(STDERR_KEEP as u64).read_to_string(&mut err);
    }
    let mut msg = if failure.is_empty() {
        match status {
            Ok(st) => format!("worker {} while starting", describe_status(st)),
            Err(e) => format!("worker failed while starting: {e}"),
        }
    } else {
        failure
    };
    let err = err.trim();
    if !err.is_empty() {
        msg.push_str(": ");
        msg.push_str(&crate::engine::text::truncate(err, 1000));
    }
    Err(msg)
}

/// How a process ended, for messages: `killed by signal SIGSEGV (11)`, `exit status 3`.
pub fn describe_status(status: std::process::ExitStatus) -> String {
    #[cfg(unix)]
    {
        use std::os::unix::process::ExitStatusExt;
        if let Some(sig) = status.signal() {
            return format!("killed by signal {} ({sig})", signal_name(sig));
        }
    }
    match status.code() {
        Some(c) => format!("exit status {c}"),
        None => "unknown exit".to_string(),
    }
}

/// The conventional name of a signal number.
pub fn signal_name(sig: i32) -> &'static str {
    match sig {
        libc::SIGHUP => "SIGHUP",
        libc::SIGINT => "SIGINT",
        libc::SIGQUIT => "SIGQUIT",
        libc::SIGILL => "SIGILL",
        libc::SIGTRAP => "SIGTRAP",
        libc::SIGABRT => "SIGABRT",
        libc::SIGBUS => "SIGBUS",
        libc::SIGFPE => "SIGFPE",
        libc::SIGKILL => "SIGKILL",
        libc::SIGSEGV => "SIGSEGV",
        libc::SIGPIPE => "SIGPIPE",
        libc::SIGALRM => "SIGALRM",
        libc::SIGTERM => "SIGTERM",
        libc::SIGXCPU => "SIGXCPU",
        libc::SIGXFSZ => "SIGXFSZ",
        libc::SIGSYS => "SIGSYS",
        _ => "signal",
    }
}

fn worker_error(message: impl Into<String>) -> Option<JsError> {
    Some(JsError {
        name: "WorkerError".to_string(),
        message: message.into(),
        stack: String::new(),
    })
}

fn finite(x: f64) -> f64 {
    if x.is_finite() && x >= 0.0 {
        x
    } else {
        0.0
    }
}

/// The child's RSS (bytes) and CPU time (ms).
fn proc_sample(pid: u32) -> Option<(u64, f64)> {
    let usage = crate::engine::procfs::Process::Id(pid).usage()?;
    Some((usage.rss_bytes, usage.cpu_ms))
}

/// The parent's view of one run: what it has accepted from the child so far.
struct RunState<'a> {
    req: &'a ExecRequest,
    sha: String,
    console: Vec<ConsoleLine>,
    console_bytes: usize,
    console_truncated: bool,
    blocked: Vec<super::BlockedAttempt>,
    peak_rss: u64,
    cpu_ms: f64,
    total_bytes: usize,
    max_frame: usize,
    max_total: usize,
}

enum Step {
    Continue,
    Done(Box<ExecOutcome>),
}

impl RunState<'_> {
    fn outcome(&self, outcome: Outcome, error: Option<JsError>, started: Instant) -> ExecOutcome {
        let mut o = ExecOutcome::not_run(NAME, self.req, outcome, error);
        o.code_sha256 = self.sha.clone();
        o.console = self.console.clone();
        o.console_truncated = self.console_truncated;
        o.blocked = self.blocked.clone();
        o.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        o.cpu_ms = self.cpu_ms;
        o.peak_memory_bytes = self.peak_rss;
        o
    }

    fn accept_console(&mut self, line: ConsoleLine, on_event: &mut dyn FnMut(ExecEvent)) {
        let limits = &self.req.limits;
        if self.console_truncated
            || self.console.len() >= limits.console_max_lines.saturating_add(1)
            || self.console_bytes.saturating_add(line.text.len())
                > limits.console_max_bytes.saturating_add(4096)
        {
            self.console_truncated = true;
            return;
        }
        self.console_bytes += line.text.len();
        self.console.push(line.clone());
        // The engine adds one marker line after its last allowed line.
        if self.console.len() > limits.console_max_lines {
            self.console_truncated = true;
        }
        on_event(ExecEvent::Console(line));
    }

    /// Validates one frame from the child.
    fn frame(
        &mut self,
        line: &[u8],
        started: Instant,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> Step {
        let ev: ExecEvent = match serde_json::from_slice(line) {
            Ok(ev) => ev,
            Err(e) => {
                return Step::Done(Box::new(self.outcome(
                    Outcome::Crashed,
                    worker_error(format!("worker sent a malformed frame: {e}")),
                    started,
                )))
            }
        };
        match ev {
            // The parent reports its own start and its own /proc samples.
            ExecEvent::Started { .. } | ExecEvent::Sample(_) => Step::Continue,
            ExecEvent::Console(line) => {
                self.accept_console(line, on_event);
                Step::Continue
            }
            ExecEvent::Blocked(b) => {
                if self.blocked.len() < MAX_BLOCKED {
                    self.blocked.push(b.clone());
                    on_event(ExecEvent::Blocked(b));
                }
                Step::Continue
            }
            ExecEvent::Finished(o) => Step::Done(Box::new(self.finish(*o, started))),
        }
    }

    /// The child's final report, with identity fields replaced and everything bounded.
    fn finish(&self, mut o: ExecOutcome, started: Instant) -> ExecOutcome {
        let limits = &self.req.limits;
        o.executor = NAME.to_string();
        o.code_sha256 = self.sha.clone();
        o.limits = LimitsReport::from(limits);
        o.runaway_threads = 0;
        let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
        o.duration_ms = finite(o.duration_ms).min(wall_ms);
        o.cpu_ms = finite(o.cpu_ms);
        if o.cpu_ms == 0.0 {
            o.cpu_ms = self.cpu_ms;
        }
        let max_lines = limits.console_max_lines.saturating_add(1);
        if o.console.len() > max_lines {
            o.console.truncate(max_lines);
            o.console_truncated = true;
        }
        let mut bytes = 0usize;
        let cap = limits.console_max_bytes.saturating_add(4096);
        if let Some(cut) = o.console.iter().position(|l| {
            bytes = bytes.saturating_add(l.text.len());
            bytes > cap
        }) {
            o.console.truncate(cut);
            o.console_truncated = true;
        }
        o.console_truncated |= self.console_truncated;
        if o.blocked.len() > MAX_BLOCKED {
            let over = (o.blocked.len() - MAX_BLOCKED) as u64;
            o.blocked_dropped = o.blocked_dropped.saturating_add(over);
        }
        o.blocked.truncate(MAX_BLOCKED);
        o
    }
}

#[cfg(unix)]
fn set_nonblocking(fd: i32) {
    // SAFETY: fcntl on a file descriptor we own; no pointers.
    unsafe {
        let flags = libc::fcntl(fd, libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

impl Executor for ProcessExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn run(
        &self,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        let out = self.run_inner(req, cancel, on_event);
        on_event(ExecEvent::Finished(Box::new(out.clone())));
        out
    }
}

impl ProcessExecutor {
    fn run_inner(
        &self,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        use std::os::unix::io::AsRawFd;

        let started = Instant::now();
        self.reap_finished();
        let sha = sha256_hex(req.code.as_bytes());
        let mut state = RunState {
            req,
            sha: sha.clone(),
            console: Vec::new(),
            console_bytes: 0,
            console_truncated: false,
            blocked: Vec::new(),
            peak_rss: 0,
            cpu_ms: 0.0,
            total_bytes: 0,
            max_frame: max_frame_bytes(req.limits.console_max_bytes),
            max_total: max_total_bytes(req.limits.console_max_bytes),
        };
        if let Err(e) = req.limits.validate() {
            return state.outcome(
                Outcome::Error,
                // The same report as the in-process executor's.
                Some(JsError {
                    name: "PolicyError".to_string(),
                    message: e.to_string(),
                    stack: String::new(),
                }),
                started,
            );
        }
        let payload = match serde_json::to_vec(req) {
            Ok(p) if p.len() <= MAX_REQUEST_BYTES => p,
            Ok(p) => {
                return state.outcome(
                    Outcome::Crashed,
                    worker_error(format!(
                        "request of {} bytes is over the worker's {} byte limit",
                        p.len(),
                        MAX_REQUEST_BYTES
                    )),
                    started,
                )
            }
            Err(e) => {
                return state.outcome(
                    Outcome::Crashed,
                    worker_error(format!("cannot encode the request: {e}")),
                    started,
                )
            }
        };
        on_event(ExecEvent::Started {
            executor: NAME.to_string(),
            code_sha256: sha,
            limits: LimitsReport::from(&req.limits),
        });

        let key = LockKey::of(req);
        // What the worker reads: a pooled worker already has the setup preamble.
        let mut input = payload;
        // Bytes of `input` already written to a freshly started worker.
        let mut prewritten = 0usize;
        let mut child = match self.take_worker(key) {
            Some(c) => c,
            None => {
                let preamble = setup_preamble();
                let mut all = Vec::with_capacity(preamble.len() + input.len());
                all.extend_from_slice(preamble);
                all.extend_from_slice(&input);
                input = all;
                // Starting the worker does not count against the script's wall budget (that
                // starts when the request is handed over), but it is bounded too.
                let deadline = Instant::now() + STARTUP_TIMEOUT;
                let started_worker = start_worker(&self.program, key, false, Some(req))
                    .and_then(|c| wait_ready(c, deadline, Some(cancel), &input));
                match started_worker {
                    Ok((c, n)) => {
                        prewritten = n;
                        c
                    }
                    Err(_) if cancel.is_cancelled() => {
                        return state.outcome(Outcome::Cancelled, None, started)
                    }
                    Err(e) => return state.outcome(Outcome::Crashed, worker_error(e), started),
                }
            }
        };
        // The deadline counts from the moment the request is handed over.
        let deadline =
            Instant::now() + Duration::from_millis(req.limits.wall_timeout_ms) + KILL_GRACE;

        let (Some(stdin), Some(stdout), Some(stderr)) =
            (child.stdin.take(), child.stdout.take(), child.stderr.take())
        else {
            let _ = child.kill();
            let _ = child.wait();
            return state.outcome(
                Outcome::Crashed,
                worker_error("worker pipes missing"),
                started,
            );
        };
        let (out_fd, err_fd) = (stdout.as_raw_fd(), stderr.as_raw_fd());
        set_nonblocking(stdin.as_raw_fd());
        set_nonblocking(out_fd);
        set_nonblocking(err_fd);

        let mut written = prewritten;
        // Dropped (closing the pipe, so the worker sees the end of the request) once written.
        let mut stdin = Some(stdin);
        let mut buf: Vec<u8> = Vec::new();
        let mut err_tail: Vec<u8> = Vec::new();
        let mut out_eof = false;
        let mut err_eof = false;
        let mut next_sample = Instant::now() + SAMPLE_INTERVAL;
        let mut chunk = vec![0u8; 64 * 1024];
        let pid = child.id();
        let mut last_data: Option<Instant> = None;

        let result: ExecOutcome = 'run: loop {
            // 1. Feed the request.
            if let Some(w) = stdin.as_mut() {
                feed(w, input.as_slice(), &mut written);
                if written >= input.len() {
                    stdin = None;
                }
            }
            // 2. Cancel, deadline, samples.
            let now = Instant::now();
            if cancel.is_cancelled() {
                let _ = child.kill();
                break state.outcome(Outcome::Cancelled, None, started);
            }
            // A worker still delivering its report (data arrived just now) gets a short,
            // bounded extension; a silent one is killed on time.
            let delivering = last_data.is_some_and(|t| now.duration_since(t) < REPORT_IDLE)
                && now < deadline + REPORT_GRACE;
            if now >= deadline && !delivering {
                let _ = child.kill();
                break state.outcome(
                    Outcome::Timeout,
                    Some(JsError {
                        name: "TimeoutError".to_string(),
                        message: format!(
                            "wall-clock deadline of {} ms reached: the worker was killed",
                            req.limits.wall_timeout_ms
                        ),
                        stack: String::new(),
                    }),
                    started,
                );
            }
            if now >= next_sample {
                if let Some((rss, cpu)) = proc_sample(pid) {
                    state.peak_rss = state.peak_rss.max(rss);
                    state.cpu_ms = cpu;
                    on_event(ExecEvent::Sample(Sample {
                        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
                        memory_bytes: rss,
                        cpu_ms: cpu,
                    }));
                }
                next_sample = now + SAMPLE_INTERVAL;
            }
            if out_eof {
                // The worker closed its output without a final report: find out why.
                match child.try_wait() {
                    Ok(Some(status)) => {
                        let tail = String::from_utf8_lossy(&err_tail);
                        let tail = tail.trim();
                        let msg = if tail.is_empty() {
                            format!(
                                "worker {} before finishing the run",
                                describe_status(status)
                            )
                        } else {
                            format!(
                                "worker {} before finishing the run: {}",
                                describe_status(status),
                                crate::engine::text::truncate(tail, 1000)
                            )
                        };
                        // The address-space rlimit caught an allocation the engine's own
                        // accounting did not: Rust reports it and aborts.
                        let oom = tail.contains("memory allocation of") && tail.contains("failed");
                        if oom {
                            break state.outcome(
                                Outcome::MemoryLimit,
                                Some(JsError {
                                    name: "InternalError".to_string(),
                                    message: format!("out of memory: {msg}"),
                                    stack: String::new(),
                                }),
                                started,
                            );
                        }
                        break state.outcome(Outcome::Crashed, worker_error(msg), started);
                    }
                    Ok(None) => {}
                    Err(e) => {
                        let _ = child.kill();
                        break state.outcome(
                            Outcome::Crashed,
                            worker_error(format!("waiting for the worker: {e}")),
                            started,
                        );
                    }
                }
            }
            // 3. Wait for output (or the next tick).
            let wake = next_sample.min(deadline).min(now + CANCEL_POLL);
            let wait_ms = wake
                .saturating_duration_since(Instant::now())
                .as_millis()
                .clamp(1, 1000) as i32;
            let mut fds = [
                libc::pollfd {
                    fd: if out_eof { -1 } else { out_fd },
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: if err_eof { -1 } else { err_fd },
                    events: libc::POLLIN,
                    revents: 0,
                },
                libc::pollfd {
                    fd: stdin.as_ref().map_or(-1, |w| w.as_raw_fd()),
                    events: libc::POLLOUT,
                    revents: 0,
                },
            ];
            if out_eof && err_eof && stdin.is_none() {
                std::thread::sleep(Duration::from_millis(1));
            } else {
                // SAFETY: `fds` is a valid array of pollfd for the duration of the call.
                unsafe { libc::poll(fds.as_mut_ptr(), fds.len() as libc::nfds_t, wait_ms) };
            }
            // 4. Drain stderr (kept bounded, the rest discarded).
            if !err_eof && fds[1].revents != 0 {
                for _ in 0..READS_PER_PASS {
                    // SAFETY: reading into a buffer we own, within its length.
                    let n = unsafe { libc::read(err_fd, chunk.as_mut_ptr().cast(), chunk.len()) };
                    if n == 0 {
                        err_eof = true;
                        break;
                    }
                    if n < 0 {
                        break;
                    }
                    let n = n as usize;
                    let room = STDERR_KEEP.saturating_sub(err_tail.len());
                    err_tail.extend_from_slice(&chunk[..n.min(room)]);
                }
            }
            // 5. Read frames.
            if !out_eof && fds[0].revents != 0 {
                for _ in 0..READS_PER_PASS {
                    // SAFETY: reading into a buffer we own, within its length.
                    let n = unsafe { libc::read(out_fd, chunk.as_mut_ptr().cast(), chunk.len()) };
                    if n == 0 {
                        out_eof = true;
                        break;
                    }
                    if n < 0 {
                        break;
                    }
                    let n = n as usize;
                    state.total_bytes = state.total_bytes.saturating_add(n);
                    last_data = Some(Instant::now());
                    if state.total_bytes > state.max_total {
                        let _ = child.kill();
                        break 'run state.outcome(
                            Outcome::Crashed,
                            worker_error(format!(
                                "worker output exceeded {} bytes",
                                state.max_total
                            )),
                            started,
                        );
                    }
                    let mut data = &chunk[..n];
                    while let Some(pos) = data.iter().position(|&b| b == b'\n') {
                        let (head, tail) = data.split_at(pos);
                        data = &tail[1..];
                        let step = if buf.is_empty() {
                            state.frame(head, started, on_event)
                        } else {
                            if buf.len() + head.len() > state.max_frame {
                                let _ = child.kill();
                                break 'run state.outcome(
                                    Outcome::Crashed,
                                    worker_error(format!(
                                        "worker sent a frame over {} bytes",
                                        state.max_frame
                                    )),
                                    started,
                                );
                            }
                            buf.extend_from_slice(head);
                            let frame = std::mem::take(&mut buf);
                            state.frame(&frame, started, on_event)
                        };
                        if let Step::Done(o) = step {
                            // One run per worker: it is done, whatever it says next.
                            let _ = child.kill();
                            break 'run *o;
                        }
                    }
                    if buf.len() + data.len() > state.max_frame {
                        let _ = child.kill();
                        break 'run state.outcome(
                            Outcome::Crashed,
                            worker_error(format!(
                                "worker sent a frame over {} bytes",
                                state.max_frame
                            )),
                            started,
                        );
                    }
                    buf.extend_from_slice(data);
                }
            }
        };
        drop(stdin);
        drop(stdout);
        drop(stderr);
        if let Ok(mut r) = self.reap.lock() {
            r.push(child);
        }
        if let Ok(mut p) = self.pool.lock() {
            p.template = Some(settings_of(req));
        }
        // Replace the used worker after the run, so starting it never competes with the run.
        self.refill(key);
        result
    }
}

/// Arguments of the hidden `sandbench worker` mode.
#[derive(Debug, Clone, Default)]
pub struct WorkerOptions {
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

fn write_event(out: &mut impl Write, ev: &ExecEvent) -> bool {
    let mut line = Vec::new();
    encode_event(&mut line, ev) && out.write_all(&line).and_then(|()| out.flush()).is_ok()
}

/// Appends one frame (a JSON line) to `buf`.
fn encode_event(buf: &mut Vec<u8>, ev: &ExecEvent) -> bool {
    if serde_json::to_writer(&mut *buf, ev).is_err() {
        return false;
    }
    buf.push(b'\n');
    true
}

fn worker_fail(req: Option<&ExecRequest>, message: String) -> i32 {
    let req = req.cloned().unwrap_or_else(|| ExecRequest::new(""));
    let o = ExecOutcome::not_run(NAME, &req, Outcome::Crashed, worker_error(message));
    let mut out = std::io::stdout().lock();
    let _ = write_event(&mut out, &ExecEvent::Finished(Box::new(o)));
    1
}

/// The worker: lock down, read one request from stdin, run it, stream its events to stdout.
/// Returns the process exit code.
pub fn worker_main(opts: WorkerOptions) -> i32 {
    let limits = crate::engine::policy::Limits::default();
    let memory_mb = opts.memory_mb.unwrap_or(limits.memory_mb);
    let wall_ms = opts.wall_timeout_ms.unwrap_or(limits.wall_timeout_ms);
    // The request is compiled on this (the main) thread, whose stack can only grow as far as
    // RLIMIT_STACK allows, and whose size cannot be asked once locked down: with a small limit
    // the engine thread (with its own large stack) compiles instead.
    let compile_here = main_stack_allows(quickjs::COMPILER_STACK + 2 * 1024 * 1024);
    let status = match lockdown::apply(&LockdownConfig::for_limits(memory_mb, wall_ms)) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("sandbench worker: {e}");
            return 3;
        }
    };
    if opts.probe {
        // Prove the lockdown holds before claiming it does.
        // SAFETY: plain system calls with constant arguments.
        let (open, sock) = unsafe {
            (
                libc::open(c"/etc/passwd".as_ptr(), libc::O_RDONLY),
                libc::socket(libc::AF_INET, libc::SOCK_STREAM, 0),
            )
        };
        if open >= 0 || sock >= 0 {
            eprintln!("sandbench worker: lockdown did not hold (open={open}, socket={sock})");
            return 4;
        }
        println!(
            "{PROBE_HANDSHAKE} build {BUILD_ID} Landlock {}",
            status.landlock.as_str()
        );
        return 0;
    }

    // The parent's setup bytecode comes first (read before the engine starts, which uses it).
    match read_setup_preamble(&mut std::io::stdin().lock()) {
        Ok(true) => {}
        Ok(false) => return 0, // the parent discarded this worker before using it
        Err(e) => return worker_fail(None, e),
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
    let (req_tx, req_rx) =
        std::sync::mpsc::channel::<(ExecRequest, Option<quickjs::Precompiled>)>();
    let (msg_tx, msg_rx) = std::sync::mpsc::channel::<EngineMsg>();
    // The sandbox to build before the request arrives: a fresh worker is told its run's
    // settings (`--expect`) and builds the sandbox while this thread reads and compiles the
    // request; a pooled one prepares the settings of the last run, or the defaults.
    let warm = opts.warm;
    let guess = (warm || opts.expect.is_some()).then(|| {
        let mut g = ExecRequest::new("");
        g.limits.memory_mb = memory_mb;
        g.limits.wall_timeout_ms = wall_ms;
        opts.expect
            .as_deref()
            .and_then(|e| serde_json::from_str::<ExecRequest>(e).ok())
            .filter(|t| {
                t.limits.validate().is_ok()
                    && t.limits.memory_mb <= memory_mb
                    && t.limits.wall_timeout_ms <= wall_ms
            })
            .map(|t| ExecRequest {
                code: String::new(),
                input: None,
                ..t
            })
            .unwrap_or(g)
    });
    let engine = std::thread::Builder::new()
        .name("sandbench-quickjs".into())
        .stack_size(ENGINE_STACK)
        .spawn(move || engine_thread(guess, warm, req_rx, msg_tx));
    if engine.is_err() {
        return worker_fail(None, "could not start the engine thread".to_string());
    }
    if warm && compile_here {
        // This thread compiles the request: warm its compiler up too.
        let _ = quickjs::precompile(
            "0",
            "sandbench:warm-up",
            crate::engine::policy::Profile::Strict,
        );
        // Wait for the engine's warm-up (bounded by the parent's start-up timeout).
        match msg_rx.recv() {
            Ok(EngineMsg::Ready) => {}
            _ => return worker_fail(None, "the engine thread failed to start".to_string()),
        }
    }
    {
        let mut out = std::io::stdout().lock();
        if out
            .write_all(READY_LINE)
            .and_then(|()| out.flush())
            .is_err()
        {
            return 5;
        }
    }
    let mut raw = Vec::new();
    let limit = MAX_REQUEST_BYTES as u64 + 1;
    if let Err(e) = std::io::stdin().lock().take(limit).read_to_end(&mut raw) {
        return worker_fail(None, format!("reading the request: {e}"));
    }
    if raw.is_empty() {
        // No request: the parent discarded this pooled worker.
        return 0;
    }
    if raw.len() > MAX_REQUEST_BYTES {
        return worker_fail(None, "request too large".to_string());
    }
    let req: ExecRequest = match serde_json::from_slice(&raw) {
        Ok(r) => r,
        Err(e) => return worker_fail(None, format!("malformed request: {e}")),
    };
    drop(raw);
    if req.limits.memory_mb > memory_mb || req.limits.wall_timeout_ms > wall_ms {
        return worker_fail(
            Some(&req),
            format!(
                "request limits ({} MB, {} ms) exceed this worker's lockdown ({memory_mb} MB, {wall_ms} ms)",
                req.limits.memory_mb, req.limits.wall_timeout_ms
            ),
        );
    }
    // Compiled here while the engine thread builds the sandbox.
    let compiled = compile_here.then(|| quickjs::precompile(&req.code, &req.filename, req.profile));
    if req_tx.send((req, compiled)).is_err() {
        return worker_fail(None, "the engine thread is gone".to_string());
    }
    let mut out = std::io::stdout().lock();
    // Frames are batched: written every FLUSH_EVERY (also while a builtin is stuck: this
    // thread keeps time, not the engine), when 64 KB are pending, and with the final report. A
    // console flood then costs one write per batch instead of one per line.
    let mut pending: Vec<u8> = Vec::new();
    let mut next_flush = Instant::now() + FLUSH_EVERY;
    loop {
        let wait = next_flush.saturating_duration_since(Instant::now());
        match msg_rx.recv_timeout(wait) {
            // The parent reports its own Started and /proc samples: send only what it uses.
            Ok(EngineMsg::Event(ev @ (ExecEvent::Console(_) | ExecEvent::Blocked(_)))) => {
                if !encode_event(&mut pending, &ev) {
                    return 5;
                }
                if pending.len() >= 64 * 1024 {
                    if out.write_all(&pending).is_err() {
                        return 5;
                    }
                    pending.clear();
                }
            }
            Ok(EngineMsg::Event(_) | EngineMsg::Ready) => {}
            Ok(EngineMsg::Done(outcome)) => {
                if !encode_event(&mut pending, &ExecEvent::Finished(outcome)) {
                    return 5;
                }
                if out.write_all(&pending).and_then(|()| out.flush()).is_err() {
                    return 5;
                }
                return 0;
            }
            Err(std::sync::mpsc::RecvTimeoutError::Timeout) => {}
            Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                drop(out);
                return worker_fail(None, "the engine thread ended without a result".to_string());
            }
        }
        if Instant::now() >= next_flush {
            if !pending.is_empty() {
                if out.write_all(&pending).and_then(|()| out.flush()).is_err() {
                    return 5;
                }
                pending.clear();
            }
            next_flush = Instant::now() + FLUSH_EVERY;
        }
    }
}

/// Whether this (main) thread's stack may grow to `bytes` (RLIMIT_STACK; unknown counts as no).
fn main_stack_allows(bytes: usize) -> bool {
    let mut lim = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `lim` is a valid out-parameter.
    if unsafe { libc::getrlimit(libc::RLIMIT_STACK, &mut lim) } != 0 {
        return false;
    }
    lim.rlim_cur == libc::RLIM_INFINITY || lim.rlim_cur >= bytes as libc::rlim_t
}

/// Most reads from one worker pipe between two checks of cancel and the deadline: a worker
/// that writes as fast as the parent reads must not keep it away from its clock.
const READS_PER_PASS: usize = 16;

/// How often a worker sends the console and blocked events gathered so far.
const FLUSH_EVERY: Duration = Duration::from_millis(40);

/// Native stack of the worker's engine thread: as the in-process executor's (16 MB on top of
/// the largest JS stack limit).
const ENGINE_STACK: usize = 16 * 1024 * 1024 + crate::engine::policy::MAX_STACK_KB as usize * 1024;

/// From the worker's engine thread to its main thread.
enum EngineMsg {
    /// Warm-up done (pooled workers only).
    Ready,
    Event(ExecEvent),
    Done(Box<ExecOutcome>),
}

/// Whether a sandbox built for `a` is exactly the one `b` needs (everything
/// [`Sandbox::with_control`] reads from the request except the code).
fn same_sandbox(a: &ExecRequest, b: &ExecRequest) -> bool {
    a.limits == b.limits
        && a.profile == b.profile
        && a.permissions == b.permissions
        && a.filename == b.filename
        && a.input.is_none()
        && b.input.is_none()
}

/// The worker's engine thread: one fresh sandbox for the one request. A pooled worker
/// (`guess` set) first warms the engine up in a throwaway sandbox (thread, compiler, host
/// setup bytecode, allocator), then builds the sandbox for `guess` and reports ready; the
/// request uses it only if it needs exactly that sandbox, else it gets its own. Either way
/// the script runs in a runtime nothing else ran in.
fn engine_thread(
    guess: Option<ExecRequest>,
    warm: bool,
    requests: std::sync::mpsc::Receiver<(ExecRequest, Option<quickjs::Precompiled>)>,
    out: std::sync::mpsc::Sender<EngineMsg>,
) {
    use super::quickjs::Sandbox;
    use std::sync::atomic::AtomicBool;
    let sink = |tx: &std::sync::mpsc::Sender<EngineMsg>| -> super::host::EventSink {
        let tx = tx.clone();
        Box::new(move |ev| {
            let _ = tx.send(EngineMsg::Event(ev));
        })
    };
    let mut prepared = None;
    if let Some(guess) = guess {
        if warm {
            if let Ok(mut sb) = Sandbox::new(&guess) {
                let _ = sb.eval("0");
            }
        }
        let stop = Arc::new(AtomicBool::new(false));
        if let Ok(sb) = Sandbox::with_control(&guess, stop, Some(sink(&out))) {
            prepared = Some((guess, sb));
        }
        if warm && out.send(EngineMsg::Ready).is_err() {
            return;
        }
    }
    let Ok((req, compiled)) = requests.recv() else {
        return;
    };
    let sandbox = match prepared {
        Some((g, sb)) if same_sandbox(&g, &req) => Ok(sb),
        other => {
            // Freed first: the new sandbox then reuses its already-touched memory instead of
            // faulting in fresh pages (measured: cheaper than keeping it until after the run).
            drop(other);
            Sandbox::with_control(&req, Arc::new(AtomicBool::new(false)), Some(sink(&out)))
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
            // The parent fills in its own hash of the code.
            r.into_outcome(NAME, &req, String::new(), 0)
        }
        Err(e) => ExecOutcome::not_run(
            NAME,
            &req,
            Outcome::Crashed,
            Some(JsError {
                name: "InternalError".to_string(),
                message: e.to_string(),
                stack: String::new(),
            }),
        ),
    };
    let _ = out.send(EngineMsg::Done(Box::new(outcome)));
    std::mem::forget(spent);
}
