//! The parent's side of one run: a worker has its request (or is being fed it) and the parent
//! watches it until it reports, dies, overruns or is cancelled.
//!
//! One pass of the loop ([`Supervisor::step`]) feeds stdin, checks the clock (cancel, wall
//! deadline, `/proc` samples), looks at a worker whose output ended, waits for the pipes or the
//! next tick, drains stderr (bounded) and pumps stdout into frames. Each stage either lets the
//! pass go on or ends the run with its outcome. Every read is non-blocking and each pass reads
//! a bounded amount, so a worker that floods its pipes cannot keep the parent from its clock.

use super::super::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, JsError, MemoryKind, Outcome, Sample,
};
use super::launch::{
    describe_status, feed, poll, pollfd, readable_now, set_nonblocking, CANCEL_POLL, STDERR_KEEP,
};
use super::protocol::{
    max_frame_bytes, max_total_bytes, worker_error, FrameReader, Received, FLUSH_EVERY,
};
use crate::engine::procfs;
use std::io::Read;
use std::ops::ControlFlow;
use std::process::{Child, ChildStderr, ChildStdin, ChildStdout};
use std::time::{Duration, Instant};

/// How long after the wall deadline the parent waits for the worker's own `timeout` report
/// before killing it.
pub const KILL_GRACE: Duration = Duration::from_millis(100);

/// Longest extension past the deadline for a worker that is still sending its report.
pub const REPORT_GRACE: Duration = Duration::from_millis(400);

/// A worker counts as still sending if data arrived within this long: longer than a worker
/// waits between two batches of output, so one that is streaming its events is never taken
/// for a silent one between batches.
const REPORT_IDLE: Duration = Duration::from_millis(2 * FLUSH_EVERY.as_millis() as u64);

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

/// Supervises one run to its end and returns its outcome with the (killed, unreaped) worker.
/// `started`: when the run began (its reported duration counts from there); the wall deadline
/// counts from now, when the request is handed over.
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
    let mut run = Supervisor {
        wall_timeout_ms: req.limits.wall_timeout_ms,
        deadline: now + Duration::from_millis(req.limits.wall_timeout_ms) + KILL_GRACE,
        pid: child.id(),
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
        last_data: None,
        started,
    };
    let out = loop {
        if let ControlFlow::Break(out) = run.step(cancel, on_event) {
            break out;
        }
    };
    // One run per worker: whatever it would say next, it is done.
    let _ = run.child.kill();
    (out, run.child)
}

/// What the parent holds of a running worker.
struct Supervisor<'a> {
    wall_timeout_ms: u64,
    /// The wall deadline plus [`KILL_GRACE`].
    deadline: Instant,
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
    /// When the worker last sent anything on stdout.
    last_data: Option<Instant>,
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

    /// Writes what the pipe takes of the request.
    fn feed_stdin(&mut self) {
        if let Some(w) = self.stdin.as_mut() {
            feed(w, &self.input, &mut self.written);
            if self.written >= self.input.len() {
                self.stdin = None;
            }
        }
    }

    /// Cancel, the wall deadline, and a `/proc` sample when one is due.
    fn check_clock(
        &mut self,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ControlFlow<ExecOutcome> {
        let now = Instant::now();
        if cancel.is_cancelled() {
            return ControlFlow::Break(self.received.outcome(Outcome::Cancelled, None));
        }
        // A worker still delivering its report (data arrived just now, or is waiting to be
        // read: this thread may not have run for a while on a busy machine) gets a short,
        // bounded extension; a silent one is killed on time.
        if now >= self.deadline && !(now < self.deadline + REPORT_GRACE && self.delivering(now)) {
            let message = format!(
                "wall-clock deadline of {} ms reached: the worker was killed",
                self.wall_timeout_ms
            );
            return ControlFlow::Break(self.received.outcome(
                Outcome::Timeout,
                Some(JsError::new("TimeoutError", message)),
            ));
        }
        if now >= self.next_sample {
            if let Some(usage) = procfs::Process::Id(self.pid).usage() {
                self.received.cpu_ms = usage.cpu_ms;
                on_event(ExecEvent::Sample(Sample {
                    elapsed_ms: self.started.elapsed().as_secs_f64() * 1000.0,
                    memory_bytes: usage.rss_bytes,
                    cpu_ms: usage.cpu_ms,
                    memory_kind: MemoryKind::Rss,
                }));
            }
            self.next_sample = now + SAMPLE_INTERVAL;
        }
        ControlFlow::Continue(())
    }

    /// Whether the worker is still sending: output arrived within [`REPORT_IDLE`], or some is
    /// waiting in the pipe.
    fn delivering(&self, now: Instant) -> bool {
        let recent = self
            .last_data
            .is_some_and(|t| now.duration_since(t) < REPORT_IDLE);
        recent || (!self.out_eof && readable_now(&self.stdout))
    }

    /// A worker that closed its output without a final report: once it has exited, why.
    fn check_exit(&mut self) -> ControlFlow<ExecOutcome> {
        if !self.out_eof {
            return ControlFlow::Continue(());
        }
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

    /// Waits until a pipe is ready or the next tick (sample, deadline, cancel check) is due.
    fn wait_for_io(&mut self) -> Ready {
        let now = Instant::now();
        let wake = self.next_sample.min(self.deadline).min(now + CANCEL_POLL);
        let mut fds = [
            pollfd((!self.out_eof).then_some(&self.stdout), libc::POLLIN),
            pollfd((!self.err_eof).then_some(&self.stderr), libc::POLLIN),
            pollfd(self.stdin.as_ref(), libc::POLLOUT),
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
            self.last_data = Some(Instant::now());
            let received = &mut self.received;
            match self
                .frames
                .push(&self.chunk[..n], |f| received.frame(f, on_event))
            {
                Ok(ControlFlow::Continue(())) => {}
                Ok(ControlFlow::Break(out)) => return ControlFlow::Break(out),
                Err(e) => {
                    return ControlFlow::Break(
                        received.outcome(Outcome::Crashed, worker_error(e.to_string())),
                    )
                }
            }
        }
        ControlFlow::Continue(())
    }
}
