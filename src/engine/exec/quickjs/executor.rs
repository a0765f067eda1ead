//! [`QuickJsExecutor`]: every request in a fresh [`Sandbox`] on a thread of this process,
//! watched from the caller's thread (events, samples, cancellation, the wall deadline), and the
//! accounting of runaway threads (builtins that ignore the interrupt handler are abandoned).

use super::super::host::EventSink;
use super::super::limits::{self, Control, MemStats};
use super::super::{
    CancelToken, EvalResult, ExecEvent, ExecOutcome, ExecRequest, Executor, ExecutorInfo, JsError,
    MemoryKind, Outcome, Sample,
};
use super::sandbox::Sandbox;
use super::NAME;
use std::sync::atomic::{AtomicU32, AtomicU8, Ordering};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant};

/// Native stack of a run's thread on top of the JS stack limit.
const THREAD_STACK_BASE: usize = 16 * 1024 * 1024;
/// How often the monitor samples memory and CPU (25 per second).
const SAMPLE_EVERY: Duration = Duration::from_millis(40);
/// After the wall deadline (or a cancel) the JS thread gets this long to stop by itself before
/// it is abandoned as a runaway.
const ABANDON_GRACE: Duration = Duration::from_millis(100);

/// Executor threads abandoned in this process (runaways that ignored the interrupt handler).
static RUNAWAYS: AtomicU32 = AtomicU32::new(0);
/// Abandoned threads still running (a stuck thread that finally finishes leaves this count).
static LIVE_RUNAWAYS: AtomicU32 = AtomicU32::new(0);
/// With this many abandoned threads still running, the in-process executor refuses new runs:
/// each may hold up to its memory limit and a CPU core.
pub const MAX_LIVE_RUNAWAYS: u32 = 2;
/// At the cap, a new run first waits this long for a stuck thread to finish (most runaways are
/// one slow builtin call, or end on their first allocation once their memory is clamped).
pub const STUCK_WAIT: Duration = Duration::from_secs(2);
/// States of a job, shared by the worker thread and the supervisor.
const JOB_RUNNING: u8 = 0;
const JOB_FINISHED: u8 = 1;
const JOB_ABANDONED: u8 = 2;
/// Idle worker threads kept for reuse by one executor.
const MAX_IDLE_WORKERS: usize = 2;

/// One run handed to a worker thread.
struct Job {
    req: ExecRequest,
    control: Arc<Control>,
    mem: Arc<MemStats>,
    out: mpsc::Sender<Msg>,
    /// JOB_RUNNING until the worker finishes it or the supervisor abandons it.
    state: Arc<AtomicU8>,
}

/// A thread that runs one job at a time, each in a fresh [`Sandbox`]. Reused only after a run
/// that ended by itself; a thread that overran its deadline is abandoned, never reused.
struct Worker {
    jobs: mpsc::Sender<Job>,
    clock: Option<libc::clockid_t>,
    _handle: std::thread::JoinHandle<()>,
}

impl Worker {
    fn spawn() -> std::io::Result<Worker> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let stack = THREAD_STACK_BASE.saturating_add(
            usize::try_from(crate::engine::policy::MAX_STACK_KB * 1024).unwrap_or(0),
        );
        let handle = std::thread::Builder::new()
            .name("sandbench-quickjs".into())
            .stack_size(stack)
            .spawn(move || {
                while let Ok(job) = rx.recv() {
                    run_job(job);
                }
            })?;
        use std::os::unix::thread::JoinHandleExt;
        let clock = limits::cpu_clock_of(handle.as_pthread_t());
        Ok(Worker {
            jobs,
            clock,
            _handle: handle,
        })
    }
}

fn run_job(job: Job) {
    let etx = job.out.clone();
    let sink: EventSink = Box::new(move |ev| {
        let _ = etx.send(Msg::Event(ev));
    });
    match Sandbox::with_parts(&job.req, job.control, job.mem, Some(sink)) {
        Ok(mut sb) => {
            let r = sb.eval(&job.req.code);
            // Events were streamed as they happened; the result carries the totals.
            let _ = job.out.send(Msg::Done(Box::new(r)));
        }
        Err(e) => {
            let _ = job.out.send(Msg::Failed(e.to_string()));
        }
    }
    leave_running(&job.state, JOB_FINISHED);
}

/// Moves a job from running to `to` (finished, by its thread; abandoned, by its supervisor).
/// Whichever side comes second finds it moved already: the job was abandoned and has ended
/// after all, so it no longer counts as a live runaway.
fn leave_running(state: &AtomicU8, to: u8) {
    let moved = state.compare_exchange(JOB_RUNNING, to, Ordering::SeqCst, Ordering::SeqCst);
    if moved.is_err() {
        LIVE_RUNAWAYS.fetch_sub(1, Ordering::SeqCst);
    }
}

/// Runs each request in a fresh QuickJS runtime on a worker thread, supervised by the caller.
#[derive(Default)]
pub struct QuickJsExecutor {
    idle: std::sync::Mutex<Vec<Worker>>,
}

impl std::fmt::Debug for QuickJsExecutor {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("QuickJsExecutor").finish_non_exhaustive()
    }
}

impl QuickJsExecutor {
    pub fn new() -> Self {
        QuickJsExecutor::default()
    }

    pub fn info() -> ExecutorInfo {
        ExecutorInfo {
            name: NAME.to_string(),
            description: "QuickJS in this process, on a dedicated thread".to_string(),
            available: true,
            reason: "always available".to_string(),
            strength: 1,
            warning: Some(
                "in-process: a QuickJS memory bug or an uninterruptible builtin affects the workbench itself"
                    .to_string(),
            ),
        }
    }

    /// Runaway threads abandoned so far in this process.
    pub fn runaway_threads() -> u32 {
        RUNAWAYS.load(Ordering::SeqCst)
    }

    /// Abandoned threads still running now.
    pub fn live_runaway_threads() -> u32 {
        LIVE_RUNAWAYS.load(Ordering::SeqCst)
    }

    fn take_worker(&self) -> std::io::Result<Worker> {
        let idle = self.idle.lock().ok().and_then(|mut v| v.pop());
        match idle {
            Some(w) => Ok(w),
            None => Worker::spawn(),
        }
    }

    fn give_back(&self, w: Worker) {
        if let Ok(mut v) = self.idle.lock() {
            if v.len() < MAX_IDLE_WORKERS {
                v.push(w);
            }
        }
    }
}

/// From a run's thread to its supervisor.
enum Msg {
    Event(ExecEvent),
    Done(Box<EvalResult>),
    Failed(String),
}

/// How the supervision loop ended.
enum End {
    Done(EvalResult),
    Failed(String),
    Abandoned { cancelled: bool },
}

/// What the supervisor keeps of a run while it watches it.
struct Watch {
    started: Instant,
    /// The run thread's CPU clock when the run was handed over.
    cpu_base: u64,
    mem: Arc<MemStats>,
    control: Arc<Control>,
    state: Arc<AtomicU8>,
    /// Events seen so far: what an abandoned run still reports.
    console: Vec<super::super::ConsoleLine>,
    blocked: Vec<super::super::BlockedAttempt>,
    last_cpu_ms: f64,
}

impl Executor for QuickJsExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn execute(
        &self,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        let sha = crate::engine::hash::sha256_hex(req.code.as_bytes());
        if let Some(refused) = refuse_while_stuck(req, cancel) {
            return refused;
        }
        let worker = match self.take_worker() {
            Ok(w) => w,
            Err(e) => return crashed(req, format!("could not start a thread: {e}")),
        };
        on_event(ExecEvent::started(NAME, req, &sha));
        let started = Instant::now();
        let cpu_base = worker.clock.map_or(0, limits::clock_ns);
        let (tx, rx) = mpsc::channel::<Msg>();
        // Made here and handed to the run, so this thread can sample and stop it from the
        // start without being woken to receive them (one thread hand-off less per run).
        let mem = MemStats::new(req.limits.memory_bytes());
        let control = Control::new(cancel.flag(), Arc::clone(&mem));
        let state = Arc::new(AtomicU8::new(JOB_RUNNING));
        let job = Job {
            req: req.clone(),
            control: Arc::clone(&control),
            mem: Arc::clone(&mem),
            out: tx,
            state: Arc::clone(&state),
        };
        if worker.jobs.send(job).is_err() {
            return crashed(req, "the executor thread is gone");
        }
        let mut watch = Watch {
            started,
            cpu_base,
            mem,
            control,
            state,
            console: Vec::new(),
            blocked: Vec::new(),
            last_cpu_ms: 0.0,
        };
        let end = watch.supervise(&worker, &rx, req, cancel, on_event);
        let out = match end {
            End::Done(r) => {
                self.give_back(worker);
                ExecOutcome::new(NAME, req, sha, r, RUNAWAYS.load(Ordering::SeqCst))
            }
            End::Failed(msg) => {
                self.give_back(worker);
                let mut out = crashed(req, msg);
                out.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
                out
            }
            End::Abandoned { cancelled } => {
                // The JS thread ignored the interrupt (a builtin that never polls it): abandon
                // it. It is counted, and dropped from the pool so it is never reused.
                drop(worker);
                watch.abandon(req, cancelled)
            }
        };
        on_event(ExecEvent::Sample(Sample {
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            memory_bytes: watch.mem.live(),
            cpu_ms: out.cpu_ms,
            memory_kind: MemoryKind::Heap,
        }));
        out
    }
}

/// A `crashed` outcome for a run that could not be carried out.
fn crashed(req: &ExecRequest, message: impl Into<String>) -> ExecOutcome {
    let error = JsError::new("InternalError", message);
    ExecOutcome::not_run(NAME, req, Outcome::Crashed, Some(error))
}

/// With [`MAX_LIVE_RUNAWAYS`] abandoned threads still running, waits up to [`STUCK_WAIT`] for
/// one to end; the refusal if none does.
fn refuse_while_stuck(req: &ExecRequest, cancel: &CancelToken) -> Option<ExecOutcome> {
    let mut stuck = LIVE_RUNAWAYS.load(Ordering::SeqCst);
    let wait_from = Instant::now();
    while stuck >= MAX_LIVE_RUNAWAYS && wait_from.elapsed() < STUCK_WAIT && !cancel.is_cancelled() {
        std::thread::sleep(Duration::from_millis(10));
        stuck = LIVE_RUNAWAYS.load(Ordering::SeqCst);
    }
    if stuck < MAX_LIVE_RUNAWAYS {
        return None;
    }
    let mut out = crashed(
        req,
        format!(
            "the in-process executor has {stuck} stuck threads (builtins that ignored the deadline) still running; \
             not starting another run here: use --executor quickjs-process, which kills runaways"
        ),
    );
    out.runaway_threads = RUNAWAYS.load(Ordering::SeqCst);
    Some(out)
}

impl Watch {
    /// Forwards the run's events and samples it until it reports, or until it overran the
    /// wall deadline (or was cancelled) and did not stop within [`ABANDON_GRACE`].
    fn supervise(
        &mut self,
        worker: &Worker,
        rx: &mpsc::Receiver<Msg>,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> End {
        let wall = Duration::from_millis(req.limits.wall_timeout_ms);
        let mut next_sample = Instant::now();
        let mut stop_seen: Option<Instant> = None;
        loop {
            let now = Instant::now();
            if now >= next_sample {
                let cpu_ms = worker.clock.map_or(0.0, |c| {
                    limits::clock_ns(c).saturating_sub(self.cpu_base) as f64 / 1e6
                });
                self.last_cpu_ms = cpu_ms;
                on_event(ExecEvent::Sample(Sample {
                    elapsed_ms: self.started.elapsed().as_secs_f64() * 1000.0,
                    memory_bytes: self.mem.live(),
                    cpu_ms,
                    memory_kind: MemoryKind::Heap,
                }));
                next_sample = now + SAMPLE_EVERY;
            }
            if stop_seen.is_none() && (cancel.is_cancelled() || self.started.elapsed() >= wall) {
                self.control.force_wall_timeout();
                stop_seen = Some(Instant::now());
            }
            if stop_seen.is_some_and(|t| t.elapsed() >= ABANDON_GRACE) {
                return End::Abandoned {
                    cancelled: cancel.is_cancelled(),
                };
            }
            let wait = next_sample
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(5));
            match rx.recv_timeout(wait) {
                Ok(Msg::Event(ev)) => {
                    match &ev {
                        ExecEvent::Console(c) => self.console.push(c.clone()),
                        ExecEvent::Blocked(b) => self.blocked.push(b.clone()),
                        _ => {}
                    }
                    on_event(ev);
                }
                Ok(Msg::Done(r)) => return End::Done(*r),
                Ok(Msg::Failed(e)) => return End::Failed(e),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return End::Failed("the executor thread ended without a result".into())
                }
            }
        }
    }

    /// Counts the abandoned run as a runaway and reports what it did until then.
    fn abandon(&mut self, req: &ExecRequest, cancelled: bool) -> ExecOutcome {
        RUNAWAYS.fetch_add(1, Ordering::SeqCst);
        LIVE_RUNAWAYS.fetch_add(1, Ordering::SeqCst);
        leave_running(&self.state, JOB_ABANDONED);
        // It keeps what it holds but can allocate nothing more.
        self.mem.refuse_further();
        let mut out = ExecOutcome::not_run(NAME, req, Outcome::Timeout, None);
        out.console = std::mem::take(&mut self.console);
        out.blocked = std::mem::take(&mut self.blocked);
        out.cpu_ms = self.last_cpu_ms;
        out.duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        out.peak_memory_bytes = self.mem.peak();
        out.error = Some(if cancelled {
            out.outcome = Outcome::Cancelled;
            JsError::new(
                "InternalError",
                "the run was cancelled (the script thread did not stop and was abandoned)",
            )
        } else {
            JsError::new(
                "InternalError",
                format!(
                    "wall-clock limit of {} ms exceeded (the script thread did not stop and was abandoned)",
                    req.limits.wall_timeout_ms
                ),
            )
        });
        out.runaway_threads = RUNAWAYS.load(Ordering::SeqCst);
        out
    }
}
