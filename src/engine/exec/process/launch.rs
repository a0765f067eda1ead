//! Starting workers: which program (the probe), spawning it with an empty environment, and
//! waiting until it reports that it is locked down and ready.

use super::super::lockdown::{self, LandlockState, SeccompUnavailable};
use super::super::{CancelToken, ExecRequest};
use super::pool::LockKey;
use super::protocol::{
    self, parse_probe_line, settings_of, BUILD_ID, MAX_TEMPLATE_BYTES, READY_LINE,
};
use crate::engine::text;
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Environment variable naming the worker program (default: this executable).
pub const WORKER_ENV: &str = "SANDBENCH_WORKER";

/// The dedicated worker program, looked for next to this executable: the same worker as
/// `sandbench worker`, in a binary without the workbench, the scanner and the CLI, so it starts
/// faster (it is started for every run without a pooled worker).
pub const WORKER_PROGRAM: &str = "sandbench-worker";

/// Whether this program serves `worker` as its first argument (see [`declare_worker_program`]).
static SERVES_WORKER: AtomicBool = AtomicBool::new(false);

/// Declares that this program's `main` serves `<program> worker …` (it runs [`crate::cli::main`]),
/// so that, without a dedicated worker next to it, it may be re-executed as the worker.
///
/// Why a declaration and not the file name: any other program that links this library (a test
/// harness, a bench, an example) would, re-executed with `worker --probe`, run its own `main`
/// again, which probes again: a fork bomb. A name check would still trust a harness named
/// `sandbench-<hash>` by mistake or distrust a renamed copy; the running program knows what its
/// `main` does, at no cost (no reading its file for a marker).
pub fn declare_worker_program() {
    SERVES_WORKER.store(true, Ordering::Relaxed);
}

/// Longest a worker may take to start and lock itself down.
pub(super) const STARTUP_TIMEOUT: Duration = Duration::from_secs(10);

/// Longest a worker may take to answer the probe.
const PROBE_TIMEOUT: Duration = Duration::from_secs(5);

/// Longest the parent sleeps without checking the cancel flag (a wake-up costs a few µs: 2 ms
/// keeps cancel prompt for a fraction of a percent of one core).
pub(super) const CANCEL_POLL: Duration = Duration::from_millis(2);

/// Bytes of the worker's stderr kept for a crash report.
pub(super) const STDERR_KEEP: usize = 4096;

/// Why a program cannot serve as the worker.
#[derive(Debug, Clone, thiserror::Error)]
pub enum ProbeError {
    #[error(transparent)]
    Seccomp(#[from] SeccompUnavailable),
    #[error("cannot find this executable: {0}")]
    NoExecutable(#[source] Arc<std::io::Error>),
    #[error("cannot start worker {}: {source}", .program.display())]
    Spawn {
        program: PathBuf,
        #[source]
        source: Arc<std::io::Error>,
    },
    #[error("worker {} did not answer the probe within {} s", .program.display(), PROBE_TIMEOUT.as_secs())]
    Timeout { program: PathBuf },
    #[error("waiting for the worker probe: {0}")]
    Wait(#[source] Arc<std::io::Error>),
    #[error(
        "{} is a worker from another build ({build}; this is {BUILD_ID}): rebuild it (cargo build --release)",
        .program.display()
    )]
    OtherBuild {
        program: PathBuf,
        /// The build id it reported, escaped and shortened for display.
        build: String,
    },
    #[error(
        "{} is not runnable as a sandbench worker ({}{}{detail})",
        .program.display(),
        status_text(.status),
        separator(.detail)
    )]
    NotAWorker {
        program: PathBuf,
        status: ExitStatus,
        /// The first line of its stderr, escaped and shortened for display.
        detail: String,
    },
    #[error(
        "no worker program: {} does not serve as one and there is no {WORKER_PROGRAM} next to it; set {WORKER_ENV}",
        .exe.display()
    )]
    NoWorkerProgram {
        /// The running executable.
        exe: PathBuf,
    },
}

/// Why a worker could not be started.
#[derive(Debug, thiserror::Error)]
pub enum LaunchError {
    #[error("cannot start worker {}: {source}", .program.display())]
    Spawn {
        program: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// It started but never said it was ready; `stderr` is what it wrote there (trimmed).
    #[error("{failure}{}{stderr}", separator(.stderr))]
    NotReady {
        failure: StartFailure,
        stderr: String,
    },
}

impl LaunchError {
    /// The start was given up because the run was cancelled.
    pub fn is_cancelled(&self) -> bool {
        matches!(
            self,
            LaunchError::NotReady {
                failure: StartFailure::Cancelled,
                ..
            }
        )
    }
}

/// How a started worker failed to become ready.
#[derive(Debug, thiserror::Error)]
pub enum StartFailure {
    #[error("cancelled while starting")]
    Cancelled,
    #[error("worker did not become ready in time")]
    Timeout,
    #[error("worker sent a malformed ready line")]
    MalformedReady,
    #[error("worker {} while starting", status_text(.0))]
    Exited(ExitStatus),
    #[error("worker failed while starting: {0}")]
    Wait(#[source] std::io::Error),
}

/// `": "` before a detail that is there.
fn separator(detail: &str) -> &'static str {
    if detail.is_empty() {
        ""
    } else {
        ": "
    }
}

fn status_text(status: &ExitStatus) -> String {
    describe_status(*status)
}

/// The worker programs to try, best first: `SANDBENCH_WORKER` alone if set; else the dedicated
/// [`WORKER_PROGRAM`] next to this executable (when there is one), then this executable if it
/// serves `worker` ([`declare_worker_program`]). Never empty.
fn candidate_programs() -> Result<Vec<PathBuf>, ProbeError> {
    if let Some(p) = std::env::var_os(WORKER_ENV) {
        if !p.is_empty() {
            return Ok(vec![PathBuf::from(p)]);
        }
    }
    let exe = std::env::current_exe().map_err(|e| ProbeError::NoExecutable(Arc::new(e)))?;
    let mut out = Vec::with_capacity(2);
    if let Some(dir) = exe.parent() {
        let dedicated = dir.join(WORKER_PROGRAM);
        if dedicated.is_file() && dedicated != exe {
            out.push(dedicated);
        }
    }
    if SERVES_WORKER.load(Ordering::Relaxed) {
        out.push(exe);
    } else if out.is_empty() {
        return Err(ProbeError::NoWorkerProgram { exe });
    }
    Ok(out)
}

/// The worker program this process uses: the first candidate (`SANDBENCH_WORKER`, else
/// `sandbench-worker` next to this executable, then this executable) that
/// passes the [`probe`]; or why none does.
pub fn default_program() -> Result<PathBuf, ProbeError> {
    cached_probe()
        .as_ref()
        .map(|w| w.program.clone())
        .map_err(Clone::clone)
}

/// The worker program chosen by the probe.
pub(super) struct ChosenWorker {
    pub(super) program: PathBuf,
    /// The Landlock state the worker reported.
    pub(super) landlock: LandlockState,
    /// Why a better candidate was passed over (a stale `sandbench-worker`, say).
    pub(super) skipped: Option<ProbeError>,
}

/// A worker program's command as every launch of one needs it (the JS and the wasm worker,
/// run or probe): an empty environment, `/` as its working directory until its lockdown
/// enters an empty, removed one of its own, piped stdout and stderr, and `stdin`.
pub fn worker_command(program: &Path, stdin: Stdio) -> Command {
    let mut cmd = Command::new(program);
    cmd.env_clear()
        .current_dir("/")
        .stdin(stdin)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    cmd
}

/// Waits at most [`PROBE_TIMEOUT`] for a probing worker (started in its own process group)
/// and reads the start of its output. On timeout its group is killed and reaped: `Ok(None)`.
/// The JS and wasm workers' probes both wait here.
pub fn wait_probe(child: &mut Child) -> std::io::Result<Option<(ExitStatus, String)>> {
    let deadline = Instant::now() + PROBE_TIMEOUT;
    let status = loop {
        match child.try_wait()? {
            Some(s) => break s,
            None if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(1)),
            None => {
                kill_group(child);
                let _ = child.kill();
                let _ = child.wait();
                return Ok(None);
            }
        }
    };
    let mut out = String::new();
    if let Some(mut s) = child.stdout.take() {
        let _ = s.by_ref().take(4096).read_to_string(&mut out);
    }
    Ok(Some((status, out)))
}

/// Probes a worker program: it must start, lock itself down, prove the lockdown holds and
/// report this build. The Landlock state it reported, or why it cannot work.
pub fn probe(program: &Path) -> Result<LandlockState, ProbeError> {
    use std::os::unix::process::CommandExt;
    lockdown::seccomp_available()?;
    let mut child = worker_command(program, Stdio::null())
        .args(["worker", "--probe"])
        // Its own process group, so that a timeout ends whatever it started too.
        .process_group(0)
        .spawn()
        .map_err(|e| ProbeError::Spawn {
            program: program.to_path_buf(),
            source: Arc::new(e),
        })?;
    let (status, out) = match wait_probe(&mut child) {
        Ok(Some(done)) => done,
        Ok(None) => {
            return Err(ProbeError::Timeout {
                program: program.to_path_buf(),
            })
        }
        Err(e) => return Err(ProbeError::Wait(Arc::new(e))),
    };
    let first = out.lines().next().unwrap_or("");
    match parse_probe_line(first) {
        Some((build, Some(landlock))) if status.success() && build == BUILD_ID => Ok(landlock),
        Some((build, _)) if status.success() && build != BUILD_ID => Err(ProbeError::OtherBuild {
            program: program.to_path_buf(),
            build: text::escape(&text::truncate(build, 40), false).into_owned(),
        }),
        _ => {
            let mut err = String::new();
            if let Some(mut s) = child.stderr.take() {
                let _ = s.by_ref().take(512).read_to_string(&mut err);
            }
            let detail = err.lines().next().unwrap_or("").trim();
            Err(ProbeError::NotAWorker {
                program: program.to_path_buf(),
                status,
                detail: text::escape(&text::truncate(detail, 200), false).into_owned(),
            })
        }
    }
}

/// The first worker program that passes the probe (probed once per process); else the last
/// candidate's failure.
pub(super) fn cached_probe() -> &'static Result<ChosenWorker, ProbeError> {
    static PROBE: OnceLock<Result<ChosenWorker, ProbeError>> = OnceLock::new();
    PROBE.get_or_init(|| {
        let mut failure: Option<ProbeError> = None;
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
        // candidate_programs is never empty, so there is a failure; the fallback is for form.
        Err(failure.unwrap_or_else(|| ProbeError::NoWorkerProgram {
            exe: std::env::current_exe().unwrap_or_default(),
        }))
    })
}

/// SIGKILL to the process group that `child` leads (it was spawned with `process_group(0)`).
fn kill_group(child: &Child) {
    let Ok(pid) = libc::pid_t::try_from(child.id()) else {
        return;
    };
    // The child is not reaped yet (no wait has returned), so its pid, and with it the group
    // id, cannot have been reused: the signal reaches only what the probe started.
    if pid > 0 {
        // SAFETY: kill(2) takes plain integers; a negative pid names the process group.
        unsafe { libc::kill(-pid, libc::SIGKILL) };
    }
}

/// Starts a worker and waits until it reports that it is locked down and ready (a pooled
/// worker: it warms the engine up before saying so, and gets the setup preamble now).
pub(super) fn spawn_pooled(
    program: &Path,
    key: LockKey,
    template: Option<&ExecRequest>,
) -> Result<Child, LaunchError> {
    let deadline = Instant::now() + STARTUP_TIMEOUT;
    let child = start_worker(program, key, true, template)?;
    wait_ready(child, deadline, None, protocol::setup_preamble()).map(|(c, _)| c)
}

/// Starts a worker process (without waiting for it). `warm`: a pooled worker, which warms the
/// engine up before it reports ready. `template`: the settings of the run it will most likely
/// serve (code and input are not sent), for which it builds the sandbox ahead.
pub(super) fn start_worker(
    program: &Path,
    key: LockKey,
    warm: bool,
    template: Option<&ExecRequest>,
) -> Result<Child, LaunchError> {
    let mut cmd = worker_command(program, Stdio::piped());
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
    cmd.spawn().map_err(|source| LaunchError::Spawn {
        program: program.to_path_buf(),
        source,
    })
}

/// Writes what a non-blocking pipe to the worker takes of `input` past `written`, advancing
/// it; a failed write (the worker is gone: its output's end tells why) counts as all written.
pub(super) fn feed(stdin: &mut ChildStdin, input: &[u8], written: &mut usize) {
    if *written >= input.len() {
        return;
    }
    match stdin.write(&input[*written..]) {
        Ok(n) => *written += n,
        Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
        Err(_) => *written = input.len(),
    }
}

/// Waits until a started worker reports that it is locked down and ready, meanwhile writing
/// `input` to its stdin (as much as the worker takes; the count is returned). Kills it and
/// says why if it is not ready by `deadline` (or `cancel`).
pub(super) fn wait_ready(
    mut child: Child,
    deadline: Instant,
    cancel: Option<&CancelToken>,
    input: &[u8],
) -> Result<(Child, usize), LaunchError> {
    if let Some(stdin) = child.stdin.as_ref() {
        set_nonblocking(stdin);
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
            break Some(StartFailure::Cancelled);
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            break Some(StartFailure::Timeout);
        }
        let Some(stdout) = child.stdout.as_mut() else {
            break None;
        };
        let stdin = child.stdin.as_ref().filter(|_| written < input.len());
        let mut fds = [
            pollfd(Some(&*stdout), libc::POLLIN),
            pollfd(stdin, libc::POLLOUT),
        ];
        if poll(&mut fds, left.min(CANCEL_POLL)) == 0 || fds[0].revents == 0 {
            continue;
        }
        // The worker's stdout is blocking here: after POLLIN one read returns what is there.
        match stdout.read(&mut got[have..]) {
            Ok(0) | Err(_) => break None, // the worker died: its status says why
            Ok(n) => have += n,
        }
        if have == got.len() {
            if got == READY_LINE {
                return Ok((child, written));
            }
            break Some(StartFailure::MalformedReady);
        }
    };
    let _ = child.kill();
    let status = child.wait();
    let mut err = String::new();
    if let Some(mut s) = child.stderr.take() {
        let _ = s.by_ref().take(STDERR_KEEP as u64).read_to_string(&mut err);
    }
    // No failure of its own: the worker died, and its status says why.
    let failure = match (failure, status) {
        (Some(f), _) => f,
        (None, Ok(st)) => StartFailure::Exited(st),
        (None, Err(e)) => StartFailure::Wait(e),
    };
    Err(LaunchError::NotReady {
        failure,
        stderr: text::truncate(err.trim(), 1000).into_owned(),
    })
}

/// Puts the parent's end of a pipe to the worker in non-blocking mode, so that a worker that
/// stops reading (or floods its output) can never block the parent past its deadline. std
/// cannot: only its sockets have `set_nonblocking`.
pub(super) fn set_nonblocking(fd: impl AsFd) {
    use rustix::fs::{fcntl_getfl, fcntl_setfl, OFlags};
    if let Ok(flags) = fcntl_getfl(&fd) {
        let _ = fcntl_setfl(&fd, flags | OFlags::NONBLOCK);
    }
}

/// A `pollfd` watching `fd` for `events`; none (ignored by poll) for `None`.
pub(super) fn pollfd(fd: Option<&impl AsRawFd>, events: libc::c_short) -> libc::pollfd {
    libc::pollfd {
        fd: fd.map_or(-1, AsRawFd::as_raw_fd),
        events,
        revents: 0,
    }
}

/// Waits up to `timeout` (at least 1 ms, at most 1 s) until one of `fds` is ready; how many are.
///
/// poll(2) itself: std has no way to wait on several pipes and a clock at once (its pipes
/// only block, or with `O_NONBLOCK` return `WouldBlock`), and the parent must watch the
/// worker's stdout, stderr and stdin together without a thread per pipe.
pub(super) fn poll(fds: &mut [libc::pollfd], timeout: Duration) -> usize {
    let ms = timeout.as_millis().clamp(1, 1000) as libc::c_int;
    poll_ms(fds, ms)
}

fn poll_ms(fds: &mut [libc::pollfd], ms: libc::c_int) -> usize {
    let n = libc::nfds_t::try_from(fds.len()).unwrap_or(0);
    // SAFETY: `fds` is a valid, exclusively borrowed array of `n` pollfd for the whole call.
    let r = unsafe { libc::poll(fds.as_mut_ptr(), n, ms) };
    usize::try_from(r).unwrap_or(0)
}

/// How a process ended, for messages: `killed by signal SIGSEGV (11)`, `exit status 3`.
pub fn describe_status(status: ExitStatus) -> String {
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
