//! The out-of-process executor: the in-process QuickJS engine in a locked-down child process.
//!
//! [`ProcessExecutor`] starts `<worker program> worker --memory-mb M --wall-timeout-ms W
//! [--expect SETTINGS]` with an empty environment (`launch.rs`: the worker program is
//! `sandbench-worker` next to this executable when it is the same build, else this
//! executable if it is `sandbench` (never a harness or bench that links the library: that would
//! probe itself again, a fork bomb); or the one named by `SANDBENCH_WORKER` /
//! [`ProcessExecutor::with_program`]),
//! writes the setup preamble and the [`ExecRequest`] on its stdin and reads events back as
//! newline-delimited JSON on its stdout (`protocol.rs`). Everything the child sends is
//! untrusted: frames and the whole stream are size-bounded, every frame must parse as an
//! [`ExecEvent`], numbers are sanitised, identity fields (executor, hash, limits) are the
//! parent's own. The parent samples the child's RSS and CPU from `/proc` for `Sample` events,
//! kills it at the wall deadline (`timeout`) or on cancel (`cancelled`), and reports a child
//! that dies or misbehaves as `crashed` with the signal or the reason (`supervise.rs`).
//!
//! The worker side is [`super::worker`]: it locks itself down before it reads anything, runs
//! one request per process in a fresh engine, and forwards its events. An optional pool
//! (`pool.rs`) of pre-started, pre-locked workers (engine warmed up, the likely sandbox already built)
//! hides the spawn.

mod capability;
mod launch;
mod pool;
mod protocol;
mod supervise;

pub use launch::{
    declare_worker_program, default_program, describe_status, probe, signal_name, wait_probe,
    worker_command, LaunchError, ProbeError, StartFailure, WORKER_ENV, WORKER_PROGRAM,
};
pub use protocol::{
    max_frame_bytes, max_total_bytes, BUILD_ID, CPU_KILL_MARGIN, FLUSH_EVERY, HOST_CODE_MAGIC,
    MAX_BLOCKED, MAX_REQUEST_BYTES, MAX_SETUP_BYTES, PROBE_HANDSHAKE, READY_LINE, SETUP_MAGIC,
};
pub(crate) use supervise::CpuClock as WorkerCpuClock;
pub use supervise::SAMPLE_INTERVAL;

pub(crate) use capability::BrokerLink;
pub use capability::{install_worker_port, WorkerPort, CALL_PREFIX, MAX_ANSWER_BYTES};

// The wire format's helpers the wasm worker program (another crate) shares.
pub use protocol::{encode_event, probe_line, worker_error};
pub(crate) use protocol::{
    read_host_code, read_setup_preamble, BlockedSeen, Preamble, FETCH_ENTRY,
};

use super::lockdown::LandlockState;
use super::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, ExecRun, Executor, ExecutorInfo, Outcome,
};
use crate::engine::hash::sha256_hex;
use launch::{cached_probe, start_worker, wait_ready, STARTUP_TIMEOUT};
use pool::{end_all, LockKey, WorkerPool};
use protocol::{setup_preamble, Received};
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::Mutex;
use std::time::Instant;
use supervise::{supervise, Handover};

pub const NAME: &str = "quickjs-process";

/// QuickJS in a locked-down child process.
pub struct ProcessExecutor {
    program: PathBuf,
    pool: WorkerPool,
    /// Finished workers, killed and waiting to be reaped.
    reap: Mutex<Vec<Child>>,
}

impl std::fmt::Debug for ProcessExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessExecutor")
            .field("program", &self.program)
            .finish_non_exhaustive()
    }
}

impl ProcessExecutor {
    /// The executor with the default worker program, if it passes the probe.
    pub fn new() -> Result<Self, ProbeError> {
        Ok(Self::with_program(default_program()?))
    }

    /// An executor using `program` as the worker (no probe; failures show up as `crashed`).
    pub fn with_program(program: impl Into<PathBuf>) -> Self {
        let program = program.into();
        ProcessExecutor {
            pool: WorkerPool::new(program.clone()),
            program,
            reap: Mutex::new(Vec::new()),
        }
    }

    /// Keeps up to `size` pre-started, pre-locked workers waiting (refilled after each run).
    pub fn with_pool(self, size: usize) -> Self {
        self.pool.set_target(size);
        self
    }

    /// Starts pool workers for requests with these limits now, and waits until they are up.
    pub fn prewarm(&self, limits: &crate::engine::policy::Limits) {
        self.pool.prewarm(limits);
    }

    /// Idle workers currently waiting in the pool.
    pub fn idle_workers(&self) -> usize {
        self.pool.idle()
    }

    pub fn program(&self) -> &Path {
        &self.program
    }

    pub fn info() -> ExecutorInfo {
        let (available, reason) = match cached_probe() {
            Ok(w) => {
                let landlock = match w.landlock {
                    LandlockState::Full => "Landlock enforced",
                    LandlockState::Partial => "Landlock partly enforced (older kernel ABI)",
                    LandlockState::Unsupported => {
                        "Landlock not enabled in this kernel (optional layer)"
                    }
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
            Err(e) => (false, e.to_string()),
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

    fn reap_finished(&self) {
        if let Ok(mut r) = self.reap.lock() {
            r.retain_mut(|c| !matches!(c.try_wait(), Ok(Some(_)) | Err(_)));
        }
    }

    /// A worker for `req` with what it must read on stdin: a pooled one (which already has
    /// the setup preamble), else a fresh one, started now with the preamble in front of the
    /// request. Starting does not count against the script's wall budget, but it is bounded.
    fn worker_for(
        &self,
        req: &ExecRequest,
        payload: Vec<u8>,
        cancel: &CancelToken,
    ) -> Result<Handover, launch::LaunchError> {
        if let Some(child) = self.pool.take(LockKey::of(&req.limits)) {
            return Ok(Handover {
                child,
                input: payload,
                written: 0,
            });
        }
        let preamble = setup_preamble();
        let mut input = Vec::with_capacity(preamble.len() + payload.len());
        input.extend_from_slice(preamble);
        input.extend_from_slice(&payload);
        let deadline = Instant::now() + STARTUP_TIMEOUT;
        let child = start_worker(&self.program, LockKey::of(&req.limits), false, Some(req))?;
        let (child, written) = wait_ready(child, deadline, Some(cancel), &input)?;
        Ok(Handover {
            child,
            input,
            written,
        })
    }
}

impl Drop for ProcessExecutor {
    fn drop(&mut self) {
        self.pool.close();
        if let Ok(mut r) = self.reap.lock() {
            end_all(&mut r);
        }
    }
}

impl Executor for ProcessExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn execute(&self, run: ExecRun<'_>) -> ExecOutcome {
        let req = run.req;
        let started = Instant::now();
        self.reap_finished();
        let sha = sha256_hex(req.code.as_bytes());
        let early = Received::new(req, sha.clone(), started);
        // The request is one line (JSON has no raw newline), ended by the supervisor once the
        // run's clocks are started: that newline (or the end of stdin) is the worker's signal
        // to start. Stdin then carries capability answers.
        // The host code it may load goes first (compiled once in this process, not in every
        // worker, and not on the run's budget), the request written straight after it.
        let mut payload = protocol::host_code_section(req);
        let section_len = payload.len();
        match serde_json::to_writer(&mut payload, req) {
            Ok(()) if payload.len() - section_len <= MAX_REQUEST_BYTES => {}
            Ok(()) => {
                return early.outcome(
                    Outcome::Crashed,
                    worker_error(format!(
                        "request of {} bytes is over the worker's {} byte limit",
                        payload.len() - section_len,
                        MAX_REQUEST_BYTES
                    )),
                )
            }
            Err(e) => {
                return early.outcome(
                    Outcome::Crashed,
                    worker_error(format!("cannot encode the request: {e}")),
                )
            }
        }
        (run.on_event)(ExecEvent::started(NAME, req, &sha));
        let handover = match self.worker_for(req, payload, run.cancel) {
            Ok(h) => h,
            Err(e) if e.is_cancelled() || run.cancel.is_cancelled() => {
                return early.outcome(Outcome::Cancelled, None)
            }
            Err(e) => return early.outcome(Outcome::Crashed, worker_error(e.to_string())),
        };
        let (out, child) = supervise(req, sha, started, handover, run.cancel, run.on_event);
        if let Ok(mut r) = self.reap.lock() {
            r.push(child);
        }
        self.pool.remember(req);
        // Replace the used worker after the run, so starting it never competes with the run.
        self.pool.refill(LockKey::of(&req.limits));
        out
    }
}
