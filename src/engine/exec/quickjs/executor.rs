//! [`QuickJsExecutor`]: every request in a fresh [`Sandbox`] on a thread of this process,
//! watched from the caller's thread (events, samples, cancellation, the wall deadline, the run
//! thread's CPU clock), and the accounting of runaway threads.
//!
//! The watcher stops a run from outside when it sees the CPU budget spent (plus
//! [`CPU_STOP_MARGIN`]), the wall deadline pass or a cancel: the interrupt handler then stops
//! the script at its next poll, and every allocation of the run is refused, which ends most
//! builtins that never poll (they allocate as they go) and a compile. A native call that
//! neither polls nor allocates (a typed-array sort or fill, `indexOf` on a long string) cannot
//! be stopped in-process: once it has burnt [`ABANDON_GRACE`] of CPU after the stop, its thread
//! is abandoned (the report says so and charges the CPU it had used) and moved to the idle
//! scheduling class, so it only uses a core nothing else wants until the builtin returns.

use super::super::host::EventSink;
use super::super::limits::{self, Control, MemStats, StopReason};
use super::super::process::BlockedSeen;
use super::super::{
    CancelToken, EvalResult, ExecEvent, ExecOutcome, ExecRequest, ExecRun, Executor, ExecutorInfo,
    JsError, MemoryKind, Outcome, Sample,
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
/// How often the monitor reads the run thread's CPU clock and the wall clock.
const TICK: Duration = Duration::from_millis(2);
/// CPU time past the budget at which the monitor stops a run from outside (the interrupt
/// handler stops a script that polls it at the budget itself, with the same outcome).
pub(super) const CPU_STOP_MARGIN: Duration = Duration::from_millis(2);
/// CPU time a stopped run's thread may still burn before it is abandoned as a runaway: a
/// script that polls stops within microseconds, one that allocates at its next allocation, and
/// a short native call (tens of ms) returns and is reported normally instead of leaving a
/// thread behind. Counted in CPU, not wall time: a thread that is merely waiting for a core is
/// not ignoring anything.
pub(super) const ABANDON_GRACE: Duration = Duration::from_millis(50);
/// Wall time after the stop at which a thread that never got the CPU to stop is abandoned too
/// (long: on a busy machine a thread may wait a while for a core, and is not ignoring anything).
const ABANDON_WALL: Duration = Duration::from_millis(1000);

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
    /// The thread's kernel id (to lower its scheduling class if it is abandoned).
    tid: Option<libc::pid_t>,
    _handle: std::thread::JoinHandle<()>,
}

impl Worker {
    fn spawn() -> std::io::Result<Worker> {
        let (jobs, rx) = mpsc::channel::<Job>();
        let (tid_tx, tid_rx) = mpsc::channel::<libc::pid_t>();
        let stack = THREAD_STACK_BASE.saturating_add(
            usize::try_from(crate::engine::policy::MAX_STACK_KB * 1024).unwrap_or(0),
        );
        let handle = std::thread::Builder::new()
            .name("sandbench-quickjs".into())
            .stack_size(stack)
            .spawn(move || {
                // SAFETY: gettid has no preconditions.
                let _ = tid_tx.send(unsafe { libc::gettid() });
                while let Ok(job) = rx.recv() {
                    run_job(job);
                }
            })?;
        use std::os::unix::thread::JoinHandleExt;
        let clock = limits::cpu_clock_of(handle.as_pthread_t());
        Ok(Worker {
            jobs,
            clock,
            tid: tid_rx.recv().ok(),
            _handle: handle,
        })
    }

    /// The thread's CPU time, in nanoseconds (0 if unknown).
    fn cpu_ns(&self) -> u64 {
        self.clock.map_or(0, limits::clock_ns)
    }
}

/// Moves an abandoned thread to the idle scheduling class (it runs only on a core nothing else
/// wants), or at least to the lowest priority. Best effort: a thread that already ended is
/// gone.
fn demote(tid: Option<libc::pid_t>) {
    let Some(tid) = tid else { return };
    let param = libc::sched_param { sched_priority: 0 };
    // SAFETY: plain system calls on a thread id of this process; `param` outlives the call.
    unsafe {
        if libc::sched_setscheduler(tid, libc::SCHED_IDLE, &param) != 0 {
            let who = libc::id_t::try_from(tid).unwrap_or(0);
            libc::setpriority(libc::PRIO_PROCESS, who, 19);
        }
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

/// How the supervision loop ended (one per run, moved once: its size does not matter).
#[allow(clippy::large_enum_variant)]
enum End {
    Done(EvalResult),
    Failed(String),
    /// Stopped for `reason` and did not stop: abandoned after ignoring the stop for `ignored`
    /// of CPU time.
    Abandoned {
        reason: StopReason,
        ignored: Duration,
    },
}

/// A stop the supervisor requested: why, when, and the run thread's CPU clock then.
#[derive(Clone, Copy)]
struct Stop {
    reason: StopReason,
    at: Instant,
    cpu_ns: u64,
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
    /// Each attempt once, its count raised by the host's streamed updates.
    blocked: BlockedSeen,
    last_cpu_ms: f64,
}

impl Executor for QuickJsExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn execute(&self, run: ExecRun<'_>) -> ExecOutcome {
        let req = run.req;
        let sha = crate::engine::hash::sha256_hex(req.code.as_bytes());
        if let Some(refused) = refuse_while_stuck(req, run.cancel) {
            return refused;
        }
        let worker = match self.take_worker() {
            Ok(w) => w,
            Err(e) => return crashed(req, format!("could not start a thread: {e}")),
        };
        (run.on_event)(ExecEvent::started(NAME, req, &sha));
        let started = Instant::now();
        let cpu_base = worker.cpu_ns();
        let (tx, rx) = mpsc::channel::<Msg>();
        // Made here and handed to the run, so this thread can sample and stop it from the
        // start without being woken to receive them (one thread hand-off less per run).
        let mem = MemStats::new(req.limits.memory_bytes());
        let control = Control::new(run.cancel.flag(), Arc::clone(&mem));
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
            blocked: BlockedSeen::default(),
            last_cpu_ms: 0.0,
        };
        let end = watch.supervise(&worker, &rx, req, run.cancel, run.on_event);
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
            End::Abandoned { reason, ignored } => {
                // The JS thread ignored the stop (a builtin that neither polls the interrupt
                // handler nor allocates): abandon it. It is counted, demoted, and dropped from
                // the pool so it is never reused.
                let out = watch.abandon(req, &worker, reason, ignored);
                drop(worker);
                out
            }
        };
        (run.on_event)(ExecEvent::Sample(Sample {
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
    /// Forwards the run's events and samples it until it reports. Stops it from outside at
    /// the CPU budget (plus [`CPU_STOP_MARGIN`]), the wall deadline or a cancel; abandons it if
    /// it then burns [`ABANDON_GRACE`] of CPU without stopping.
    fn supervise(
        &mut self,
        worker: &Worker,
        rx: &mpsc::Receiver<Msg>,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> End {
        let wall = Duration::from_millis(req.limits.wall_timeout_ms);
        let cpu_stop_ns = (Duration::from_millis(req.limits.timeout_ms) + CPU_STOP_MARGIN)
            .as_nanos()
            .try_into()
            .unwrap_or(u64::MAX);
        let mut next_sample = Instant::now();
        let mut stop: Option<Stop> = None;
        loop {
            let now = Instant::now();
            let cpu_ns = worker.cpu_ns();
            let used_ns = cpu_ns.saturating_sub(self.cpu_base);
            if now >= next_sample {
                let cpu_ms = used_ns as f64 / 1e6;
                self.last_cpu_ms = cpu_ms;
                on_event(ExecEvent::Sample(Sample {
                    elapsed_ms: self.started.elapsed().as_secs_f64() * 1000.0,
                    memory_bytes: self.mem.live(),
                    cpu_ms,
                    memory_kind: MemoryKind::Heap,
                }));
                next_sample = now + SAMPLE_EVERY;
            }
            if stop.is_none() {
                let reason = if cancel.is_cancelled() {
                    Some(StopReason::Cancelled)
                } else if self.started.elapsed() >= wall {
                    Some(StopReason::WallTimeout)
                } else if worker.clock.is_some() && used_ns >= cpu_stop_ns {
                    Some(StopReason::CpuTimeout)
                } else {
                    None
                };
                if let Some(reason) = reason {
                    self.control.stop_now(reason);
                    stop = Some(Stop {
                        // The run's own reason if it stopped itself meanwhile.
                        reason: match self.control.reason() {
                            StopReason::None => reason,
                            own => own,
                        },
                        at: now,
                        cpu_ns,
                    });
                }
            }
            if let Some(s) = stop {
                let ignored = Duration::from_nanos(cpu_ns.saturating_sub(s.cpu_ns));
                if ignored >= ABANDON_GRACE || s.at.elapsed() >= ABANDON_WALL {
                    // A run that ended meanwhile (its report is waiting: the thread may have
                    // spent the time on its own teardown) was not ignoring the stop.
                    while let Ok(msg) = rx.try_recv() {
                        match msg {
                            Msg::Event(ev) => self.forward(ev, on_event),
                            Msg::Done(r) => return End::Done(*r),
                            Msg::Failed(e) => return End::Failed(e),
                        }
                    }
                    return End::Abandoned {
                        reason: s.reason,
                        ignored,
                    };
                }
            }
            let wait = next_sample
                .saturating_duration_since(Instant::now())
                .min(TICK);
            match rx.recv_timeout(wait) {
                Ok(Msg::Event(ev)) => self.forward(ev, on_event),
                Ok(Msg::Done(r)) => return End::Done(*r),
                Ok(Msg::Failed(e)) => return End::Failed(e),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    return End::Failed("the executor thread ended without a result".into())
                }
            }
        }
    }

    /// Keeps and forwards one event of the run.
    fn forward(&mut self, ev: ExecEvent, on_event: &mut dyn FnMut(ExecEvent)) {
        match ev {
            ExecEvent::Console(c) => {
                self.console.push(c.clone());
                on_event(ExecEvent::Console(c));
            }
            // A repeat only updates the count: it is not a new event.
            ExecEvent::Blocked(b) => {
                if let Some(b) = self.blocked.record(b) {
                    on_event(ExecEvent::Blocked(b));
                }
            }
            ev => on_event(ev),
        }
    }

    /// Counts the abandoned run as a runaway, moves its thread to the idle scheduling class,
    /// and reports what it did until then: the CPU it had used is charged to the run.
    fn abandon(
        &mut self,
        req: &ExecRequest,
        worker: &Worker,
        reason: StopReason,
        ignored: Duration,
    ) -> ExecOutcome {
        RUNAWAYS.fetch_add(1, Ordering::SeqCst);
        LIVE_RUNAWAYS.fetch_add(1, Ordering::SeqCst);
        leave_running(&self.state, JOB_ABANDONED);
        // It keeps what it holds but can allocate nothing more.
        self.mem.refuse_further();
        demote(worker.tid);
        let mut out = ExecOutcome::not_run(NAME, req, Outcome::Timeout, None);
        out.console = std::mem::take(&mut self.console);
        out.blocked = std::mem::take(&mut self.blocked.list);
        out.cpu_ms = match worker.cpu_ns() {
            0 => self.last_cpu_ms,
            now => now.saturating_sub(self.cpu_base) as f64 / 1e6,
        };
        out.duration_ms = self.started.elapsed().as_secs_f64() * 1000.0;
        out.peak_memory_bytes = self.mem.peak();
        let what = match reason {
            StopReason::Cancelled => {
                out.outcome = Outcome::Cancelled;
                "the run was cancelled".to_string()
            }
            StopReason::CpuTimeout => {
                format!("CPU time limit of {} ms exceeded", req.limits.timeout_ms)
            }
            StopReason::MemoryLimit => {
                out.outcome = Outcome::MemoryLimit;
                format!("memory limit of {} MB exceeded", req.limits.memory_mb)
            }
            StopReason::WallTimeout | StopReason::None => format!(
                "wall-clock limit of {} ms exceeded",
                req.limits.wall_timeout_ms
            ),
        };
        out.error = Some(JsError::new(
            "InternalError",
            format!(
                "{what}; a builtin (or the compiler) ignored the interrupt for {} ms of CPU, so the \
                 script thread was abandoned: it runs on at idle priority until the builtin \
                 returns (use --executor quickjs-process, which kills it)",
                ignored.as_millis()
            ),
        ));
        out.runaway_threads = RUNAWAYS.load(Ordering::SeqCst);
        out
    }
}
