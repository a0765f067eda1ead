//! The parent's side of one run: a worker has its request (or is being fed it) and the parent
//! watches it until it reports, dies, overruns or is cancelled.
//!
//! One pass of the loop ([`Supervisor::step`]) feeds stdin, checks the clocks (cancel, the wall
//! deadline, the worker's CPU time, `/proc` samples), looks at a worker whose output ended,
//! waits for the pipes or the next tick, drains stderr (bounded) and pumps stdout into frames.
//! Each stage either lets the pass go on or ends the run with its outcome. Every read is
//! non-blocking and each pass reads a bounded amount, so a worker that floods its pipes cannot
//! keep the parent from its clock.
//!
//! The limits hold from here, outside the worker: the parent reads the worker's CPU clock (all
//! its threads, kept by the kernel) at every pass and kills it at the CPU budget plus
//! [`CPU_KILL_MARGIN`]; it kills it at the wall deadline at once. Either way the run's report
//! is assembled from what the worker streamed before (console, blocked attempts) and what the
//! parent measured itself (duration, CPU time): the worker's own report is not needed. The
//! heap peak is the one figure only the worker knows; without its report it is 0 (unknown),
//! and the worker's RSS the parent watched is in the run's samples, named as RSS. The worker's kernel CPU timer usually comes first (it fires within a scheduler tick
//! of the same deadline, however busy the machine); a worker that died by it is told apart by
//! its CPU time.

use super::super::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, JsError, MemoryKind, Outcome, Sample,
};
use super::capability::BrokerLink;
use super::launch::{
    describe_status, feed, poll, pollfd, set_nonblocking, CANCEL_POLL, STDERR_KEEP,
};
use super::protocol::{
    max_frame_bytes, max_total_bytes, worker_error, FrameReader, Received, CPU_KILL_MARGIN,
};
use crate::engine::exec::limits::clock_ns;
use crate::engine::procfs;
use std::io::Read;
use std::ops::ControlFlow;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout};
use std::time::{Duration, Instant};

/// Interval between `/proc` samples (40 per second).
pub const SAMPLE_INTERVAL: Duration = Duration::from_millis(25);

/// Most reads from one worker pipe between two checks of cancel and the deadline: a worker
/// that writes as fast as the parent reads must not keep it away from its clock.
const READS_PER_PASS: usize = 16;

/// Bytes asked for per read.
const CHUNK_BYTES: usize = 64 * 1024;

/// A started worker with its request (partly) handed over.
pub(super) struct Handover {
    pub(super) child: Child,
    /// Everything the worker reads on stdin from now on.
    pub(super) input: Vec<u8>,
    /// Bytes of `input` already written.
    pub(super) written: usize,
}

/// The CPU clock of another process (all its threads), read through the kernel: the worker
/// cannot change it. Readable until the process is reaped (a dead, unreaped worker keeps its
/// final reading).
#[derive(Debug, Clone, Copy)]
pub(crate) struct CpuClock {
    id: libc::clockid_t,
    /// The reading when the run was handed over.
    base_ns: u64,
}

impl CpuClock {
    pub(crate) fn of(pid: u32) -> Option<CpuClock> {
        let pid = libc::pid_t::try_from(pid).ok()?;
        let mut id: libc::clockid_t = 0;
        // SAFETY: `id` is a valid out-parameter; the pid is our own unreaped child.
        if unsafe { libc::clock_getcpuclockid(pid, &mut id) } != 0 {
            return None;
        }
        let base_ns = read_clock(id)?;
        Some(CpuClock { id, base_ns })
    }

    /// CPU time spent since the handover, in milliseconds.
    pub(crate) fn used_ms(&self) -> Option<f64> {
        Some(read_clock(self.id)?.saturating_sub(self.base_ns) as f64 / 1e6)
    }
}

/// A clock in nanoseconds; `None` if it cannot be read (0 is what [`clock_ns`] gives then: a
/// live process's CPU clock is never exactly 0 once it has started).
fn read_clock(id: libc::clockid_t) -> Option<u64> {
    let ns = clock_ns(id);
    (ns > 0).then_some(ns)
}

/// Supervises one run to its end and returns its outcome with the (killed, unreaped) worker.
/// `started`: when the run began (its reported duration counts from there); the wall deadline
/// and the CPU budget count from now, when the request is handed over.
pub(super) fn supervise(
    req: &ExecRequest,
    sha: String,
    started: Instant,
    handover: Handover,
    cancel: &CancelToken,
    on_event: &mut dyn FnMut(ExecEvent),
) -> (ExecOutcome, Child) {
    let Handover {
        mut child,
        input,
        written,
    } = handover;
    let received = Received::new(req, sha, started);
    let (Some(stdin), Some(stdout), Some(stderr)) =
        (child.stdin.take(), child.stdout.take(), child.stderr.take())
    else {
        let _ = child.kill();
        let _ = child.wait();
        let out = received.outcome(Outcome::Crashed, worker_error("worker pipes missing"));
        return (out, child);
    };
    set_nonblocking(&stdin);
    set_nonblocking(&stdout);
    set_nonblocking(&stderr);
    let now = Instant::now();
    let pid = child.id();
    let cpu_budget_ms = req.limits.timeout_ms as f64;
    // The run's capabilities, answered on the worker's stdin (kept open for them). A call in
    // flight keeps nothing alive: at the wall deadline the worker is killed like any other,
    // and what the broker still has out is cancelled.
    let broker =
        BrokerLink::for_request(req, now + Duration::from_millis(req.limits.wall_timeout_ms));
    let mut run = Supervisor {
        broker,
        wall_timeout_ms: req.limits.wall_timeout_ms,
        deadline: now + Duration::from_millis(req.limits.wall_timeout_ms),
        cpu_budget_ms,
        cpu_kill_ms: cpu_budget_ms + CPU_KILL_MARGIN.as_secs_f64() * 1000.0,
        cpu: CpuClock::of(pid),
        pid,
        child,
        stdin: Some(stdin),
        input,
        written,
        stdout,
        stderr,
        out_eof: false,
        err_eof: false,
        frames: FrameReader::new(
            max_frame_bytes(req.limits.console_max_bytes),
            max_total_bytes(req.limits.console_max_bytes),
        ),
        received,
        err_tail: Vec::new(),
        chunk: vec![0u8; CHUNK_BYTES],
        next_sample: now + SAMPLE_INTERVAL,
        started,
    };
    // The end of the request line: the worker starts once it reads it, so the CPU clock's
    // base and the wall deadline above come first (as the end of stdin did before stdin was
    // kept open for capability answers).
    run.input.push(b'\n');
    let mut out = loop {
        if let ControlFlow::Break(out) = run.step(cancel, on_event) {
            break out;
        }
    };
    // One run per worker: whatever it would say next, it is done.
    let _ = run.child.kill();
    // Requests in flight are cancelled; the parent's own counts and refusals are reported.
    if let Some(link) = run.broker.take() {
        link.finish(&mut out);
    }
    (out, run.child)
}

/// What the parent holds of a running worker.
struct Supervisor<'a> {
    /// Answers the worker's capability calls, when the request grants any.
    broker: Option<BrokerLink>,
    wall_timeout_ms: u64,
    /// The wall deadline: the worker is killed when it passes.
    deadline: Instant,
    cpu_budget_ms: f64,
    /// CPU time at which the worker is killed: the budget plus [`CPU_KILL_MARGIN`].
    cpu_kill_ms: f64,
    /// The worker's CPU clock (`None` where it cannot be read: then its own timer and the
    /// wall deadline are what stop it).
    cpu: Option<CpuClock>,
    pid: u32,
    child: Child,
    /// Dropped (closing the pipe, so the worker sees the end of the request) once written.
    stdin: Option<ChildStdin>,
    input: Vec<u8>,
    written: usize,
    stdout: ChildStdout,
    stderr: ChildStderr,
    out_eof: bool,
    err_eof: bool,
    frames: FrameReader,
    received: Received<'a>,
    /// The start of the worker's stderr, for a crash report.
    err_tail: Vec<u8>,
    chunk: Vec<u8>,
    next_sample: Instant,
    started: Instant,
}

/// Which pipes poll found ready.
struct Ready {
    stdout: bool,
    stderr: bool,
}

impl Supervisor<'_> {
    /// One pass: continues, or breaks with the run's outcome.
    fn step(
        &mut self,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ControlFlow<ExecOutcome> {
        if let Some(link) = self.broker.as_mut() {
            link.pump(&mut self.input);
        }
        self.feed_stdin();
        self.check_clock(cancel, on_event)?;
        self.check_exit()?;
        let ready = self.wait_for_io();
        if ready.stderr {
            self.drain_stderr();
        }
        if ready.stdout {
            self.pump_stdout(on_event)?;
        }
        ControlFlow::Continue(())
    }

    /// Writes what the pipe takes of the request (and of capability answers).
    fn feed_stdin(&mut self) {
        if let Some(w) = self.stdin.as_mut() {
            feed(w, &self.input, &mut self.written);
            if self.written >= self.input.len() {
                if self.broker.is_some() {
                    // Kept open for the answers to come; what was written is let go.
                    self.input.clear();
                    self.written = 0;
                } else {
                    self.stdin = None;
                }
            }
        }
    }

    /// Reads the worker's CPU clock into the report; the reading (None if unreadable).
    fn read_cpu(&mut self) -> Option<f64> {
        let used = self.cpu.as_ref()?.used_ms()?;
        self.received.cpu_ms = used;
        self.received.cpu_measured = true;
        Some(used)
    }

    /// Cancel, the wall deadline, the CPU budget, and a `/proc` sample when one is due.
    fn check_clock(
        &mut self,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ControlFlow<ExecOutcome> {
        let now = Instant::now();
        if cancel.is_cancelled() {
            self.read_cpu();
            return ControlFlow::Break(self.received.outcome(Outcome::Cancelled, None));
        }
        if now >= self.deadline {
            // A report already written is taken (one bounded, non-blocking read); nothing is
            // waited for.
            if !self.out_eof {
                self.pump_stdout(on_event)?;
            }
            self.read_cpu();
            let message = format!(
                "wall-clock deadline of {} ms reached: the worker was killed",
                self.wall_timeout_ms
            );
            return ControlFlow::Break(self.received.outcome(
                Outcome::Timeout,
                Some(JsError::new("TimeoutError", message)),
            ));
        }
        if let Some(used) = self.read_cpu() {
            if used >= self.cpu_kill_ms {
                return ControlFlow::Break(self.cpu_timeout(used, "the worker was killed"));
            }
        }
        if now >= self.next_sample {
            if let Some(usage) = procfs::Process::Id(self.pid).usage() {
                if !self.received.cpu_measured {
                    self.received.cpu_ms = usage.cpu_ms;
                }
                on_event(ExecEvent::Sample(Sample {
                    elapsed_ms: self.started.elapsed().as_secs_f64() * 1000.0,
                    memory_bytes: usage.rss_bytes,
                    cpu_ms: self.received.cpu_ms,
                    memory_kind: MemoryKind::Rss,
                }));
            }
            self.next_sample = now + SAMPLE_INTERVAL;
        }
        ControlFlow::Continue(())
    }

    /// The run's outcome when the worker used up its CPU budget and was stopped from outside
    /// (`how`: by whom).
    fn cpu_timeout(&self, used_ms: f64, how: &str) -> ExecOutcome {
        let message = format!(
            "CPU time limit of {} ms exceeded ({used_ms:.0} ms used; the engine did not stop by \
             itself: a builtin or the compiler does not check the limit): {how}",
            self.cpu_budget_ms
        );
        self.received.outcome(
            Outcome::Timeout,
            Some(JsError::new("TimeoutError", message)),
        )
    }

    /// A worker that closed its output without a final report: once it has exited, why.
    fn check_exit(&mut self) -> ControlFlow<ExecOutcome> {
        if !self.out_eof {
            return ControlFlow::Continue(());
        }
        // Read before it is reaped: a dead worker's clock keeps its final value until then.
        let cpu = self.read_cpu();
        let status = match self.child.try_wait() {
            Ok(Some(status)) => status,
            Ok(None) => return ControlFlow::Continue(()),
            Err(e) => {
                return ControlFlow::Break(self.received.outcome(
                    Outcome::Crashed,
                    worker_error(format!("waiting for the worker: {e}")),
                ))
            }
        };
        // Killed by its own CPU timer (SIGKILL) or the CPU rlimit (SIGXCPU) once the budget
        // was spent: a timeout. The same signal with CPU left came from someone else.
        #[cfg(unix)]
        {
            use std::os::unix::process::ExitStatusExt;
            let by_cpu = matches!(status.signal(), Some(libc::SIGKILL | libc::SIGXCPU));
            if let Some(used) = cpu.filter(|&u| by_cpu && u >= self.cpu_budget_ms) {
                return ControlFlow::Break(
                    self.cpu_timeout(used, "the worker's CPU timer killed it"),
                );
            }
        }
        let tail = String::from_utf8_lossy(&self.err_tail);
        let tail = tail.trim();
        let mut msg = format!(
            "worker {} before finishing the run",
            describe_status(status)
        );
        if !tail.is_empty() {
            msg.push_str(": ");
            msg.push_str(&crate::engine::text::truncate(tail, 1000));
        }
        // The address-space rlimit caught an allocation the engine's own accounting did not:
        // Rust reports it and aborts.
        if tail.contains("memory allocation of") && tail.contains("failed") {
            let error = JsError::new("InternalError", format!("out of memory: {msg}"));
            return ControlFlow::Break(self.received.outcome(Outcome::MemoryLimit, Some(error)));
        }
        ControlFlow::Break(self.received.outcome(Outcome::Crashed, worker_error(msg)))
    }

    /// Waits until a pipe is ready or the next tick (sample, deadline, cancel and CPU check)
    /// is due.
    fn wait_for_io(&mut self) -> Ready {
        let now = Instant::now();
        let wake = self.next_sample.min(self.deadline).min(now + CANCEL_POLL);
        let pending_input = self.written < self.input.len();
        let mut fds = [
            pollfd((!self.out_eof).then_some(&self.stdout), libc::POLLIN),
            pollfd((!self.err_eof).then_some(&self.stderr), libc::POLLIN),
            pollfd(self.stdin.as_ref().filter(|_| pending_input), libc::POLLOUT),
            pollfd(self.broker.as_ref().map(BrokerLink::wake_fd), libc::POLLIN),
        ];
        if self.out_eof && self.err_eof && self.stdin.is_none() {
            // Nothing left to watch but the worker's exit.
            std::thread::sleep(Duration::from_millis(1));
        } else {
            poll(&mut fds, wake.saturating_duration_since(Instant::now()));
        }
        Ready {
            stdout: !self.out_eof && fds[0].revents != 0,
            stderr: !self.err_eof && fds[1].revents != 0,
        }
    }

    /// Keeps the start of stderr for a crash report and discards the rest.
    fn drain_stderr(&mut self) {
        for _ in 0..READS_PER_PASS {
            match self.stderr.read(&mut self.chunk) {
                Ok(0) => {
                    self.err_eof = true;
                    return;
                }
                Ok(n) => {
                    let room = STDERR_KEEP.saturating_sub(self.err_tail.len());
                    self.err_tail.extend_from_slice(&self.chunk[..n.min(room)]);
                }
                // WouldBlock: drained for now.
                Err(_) => return,
            }
        }
    }

    /// Reads stdout into frames and accepts each; breaks on the worker's report or on a
    /// broken bound.
    fn pump_stdout(&mut self, on_event: &mut dyn FnMut(ExecEvent)) -> ControlFlow<ExecOutcome> {
        // The report's CPU time is the parent's reading, taken as it arrives.
        self.read_cpu();
        for _ in 0..READS_PER_PASS {
            let n = match self.stdout.read(&mut self.chunk) {
                Ok(0) => {
                    self.out_eof = true;
                    break;
                }
                Ok(n) => n,
                // WouldBlock: drained for now.
                Err(_) => break,
            };
            let received = &mut self.received;
            let (broker, input) = (&mut self.broker, &mut self.input);
            match self
                .frames
                .push(&self.chunk[..n], |f| match broker.as_mut() {
                    Some(link) if BrokerLink::is_call(f) => match link.on_call(f, input) {
                        Ok(()) => ControlFlow::Continue(()),
                        Err(e) => {
                            ControlFlow::Break(received.outcome(Outcome::Crashed, worker_error(e)))
                        }
                    },
                    _ => received.frame(f, on_event),
                }) {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(out)) => return ControlFlow::Break(out),
                Err(e) => {
                    return ControlFlow::Break(
                        received.outcome(Outcome::Crashed, worker_error(e.to_string())),
                    )
                }
            }
            // Parsing a flood takes time too: past the deadline, the clock comes first (at
            // most one chunk late).
            if Instant::now() >= self.deadline {
                break;
            }
        }
        ControlFlow::Continue(())
    }
}
