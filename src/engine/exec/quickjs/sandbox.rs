//! [`Sandbox`]: one fresh QuickJS runtime + context with the host bridge installed, evaluating
//! code under a request's limits; job draining and the classification of how a run ended.

use super::super::host::{self, EventSink, HostState, SharedHost};
use super::super::limits::{self, Control, CountingAllocator, MemStats, StopReason};
use super::super::value;
use super::super::{check_code_size, EvalResult, ExecRequest, JsError, Outcome, RequestError};
use super::compile::{compile, setup_bytecode, CompileLimits, Precompiled};
use crate::engine::policy::{Limits, Profile};
use rquickjs::context::intrinsic;
use rquickjs::{qjs, Context, Runtime, Value};
use std::cell::{Cell, RefCell};
use std::mem::ManuallyDrop;
use std::rc::Rc;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

/// QuickJS's initial garbage-collection threshold (`JS_NewRuntime`), the least a sandbox
/// gets once setup is done.
const GC_THRESHOLD_FLOOR: usize = 256 * 1024;

/// The JavaScript stack limit while the host sets a sandbox up (its own code, bounded; every
/// thread that builds a sandbox has far more native stack than this).
const SETUP_STACK_BYTES: usize = 256 * 1024;

/// Why a sandbox could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    #[error("invalid request: {0}")]
    Request(#[from] RequestError),
    #[error("could not create the QuickJS sandbox: {0}")]
    Init(String),
}

/// The intrinsics of a sandbox context. `lab` adds Eval; `strict` never has it (its code is
/// compiled in the compiler context and loaded as bytecode).
type SandboxIntrinsics = (
    intrinsic::Date,
    intrinsic::RegExpCompiler,
    intrinsic::RegExp,
    intrinsic::Json,
    intrinsic::Proxy,
    intrinsic::MapSet,
    intrinsic::TypedArrays,
    intrinsic::Promise,
    intrinsic::WeakRef,
);

/// One fresh QuickJS runtime + context with the host bridge installed. `!Send`.
pub struct Sandbox {
    /// The context, and through it the runtime (the context holds the only other reference
    /// to it). Dropped by hand, first: see `Drop`.
    ctx: ManuallyDrop<Context>,
    host: SharedHost,
    /// The reference handed to the module loader (reclaimed on drop, after the runtime).
    host_raw: *const RefCell<HostState>,
    control: Arc<Control>,
    mem: Arc<MemStats>,
    limits: Limits,
    profile: Profile,
    /// `--seed`: every evaluation starts `Math.random` and the clock from it.
    seed: Option<u64>,
    /// Turns an allocation the engine fails without an exception into a proper one.
    oom: Rc<OomPrimer>,
    /// Set once a limit or a cancel interrupted an evaluation: the runtime may hold half-run
    /// jobs, so it refuses further evaluations.
    spent: bool,
}

/// Some QuickJS builtins fail an allocation without creating an exception (the Unicode
/// normaliser behind `String.prototype.normalize` and the atom table behind every new property
/// key use the runtime's raw allocator, whose failures nothing turns into an error), and
/// return the exception marker anyway: the script's `catch` then receives the engine's
/// internal "uninitialized" placeholder (`typeof e` is neither of the language's types). The
/// sandbox allocator closes that class of bugs where it starts: when it refuses an
/// allocation while no exception is pending, it makes a frozen `InternalError: out of memory`
/// (created at setup) the pending exception. A builtin that then throws its own error replaces
/// it; one that throws nothing leaves this one, which is what the script catches.
struct OomPrimer {
    ctx: Cell<*mut qjs::JSContext>,
    error: Cell<qjs::JSValue>,
}

impl OomPrimer {
    fn prime(&self) {
        let ctx = self.ctx.get();
        let error = self.error.get();
        if ctx.is_null() {
            return;
        }
        // SAFETY: ctx is this runtime's live context while armed (disarmed before it is freed);
        // error is an object it owns. Neither call allocates or frees: the pending exception
        // is the "uninitialized" marker (nothing to free) and the duplicate only counts a
        // reference, so this is safe inside the allocator.
        unsafe {
            if qjs::JS_VALUE_GET_TAG(error) == qjs::JS_TAG_OBJECT && !qjs::JS_HasException(ctx) {
                qjs::JS_Throw(ctx, qjs::JS_DupValue(ctx, error));
            }
        }
    }

    /// Stops priming and frees the error (before the context goes).
    fn disarm(&self) {
        let ctx = self.ctx.replace(std::ptr::null_mut());
        let error = self.error.replace(qjs::JS_UNDEFINED);
        if !ctx.is_null() {
            // SAFETY: the error belongs to ctx, which is still alive here.
            unsafe { qjs::JS_FreeValue(ctx, error) };
        }
    }
}

/// The sandbox's allocator: the counting allocator of the memory limit, priming a proper
/// out-of-memory error on every refusal (see [`OomPrimer`]).
struct SandboxAllocator {
    inner: CountingAllocator,
    oom: Rc<OomPrimer>,
}

// SAFETY: every call is delegated to the counting allocator, which upholds the contract.
unsafe impl rquickjs::allocator::Allocator for SandboxAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        let p = self.inner.alloc(size);
        if p.is_null() {
            self.oom.prime();
        }
        p
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let p = self.inner.calloc(count, size);
        if p.is_null() {
            self.oom.prime();
        }
        p
    }

    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        // SAFETY: the caller's contract, passed on.
        unsafe { self.inner.dealloc(ptr) }
    }

    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        // SAFETY: the caller's contract, passed on.
        let p = unsafe { self.inner.realloc(ptr, new_size) };
        if p.is_null() && new_size > 0 {
            self.oom.prime();
        }
        p
    }

    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: the caller's contract, passed on.
        unsafe { CountingAllocator::usable_size(ptr) }
    }
}

/// The drop order is what keeps the module loader's raw pointer sound, so it is spelled out
/// here rather than left to field order: first the context and with it the runtime (which
/// holds that pointer, and JS functions holding clones of `host`), then the loader's
/// reference, then (with the fields) the host state itself. Tested by
/// `the_runtime_goes_before_the_host_state`.
impl Drop for Sandbox {
    fn drop(&mut self) {
        // The primer touches the context from inside the allocator: stop it first.
        self.oom.disarm();
        // SAFETY: `ctx` is dropped exactly once, here, and not used afterwards.
        unsafe { ManuallyDrop::drop(&mut self.ctx) };
        // SAFETY: host_raw came from Rc::into_raw in `with_parts` and is reclaimed once; the
        // runtime, the only user of that pointer, is gone (above).
        unsafe { drop(Rc::from_raw(self.host_raw)) };
    }
}

impl Sandbox {
    /// A sandbox for `req` (its code is not run: call [`Sandbox::eval`]).
    pub fn new(req: &ExecRequest) -> Result<Sandbox, SandboxError> {
        Sandbox::with_control(req, Arc::new(AtomicBool::new(false)), None)
    }

    /// A sandbox whose interrupt handler also watches `cancel`, streaming events to `sink`.
    pub fn with_control(
        req: &ExecRequest,
        cancel: Arc<AtomicBool>,
        sink: Option<EventSink>,
    ) -> Result<Sandbox, SandboxError> {
        let mem = MemStats::new(req.limits.memory_bytes());
        let control = Control::new(cancel, Arc::clone(&mem));
        Sandbox::with_parts(req, control, mem, sink)
    }

    /// A sandbox accounting its memory in `mem` and interrupted through `control` (made by the
    /// caller, so a supervisor can watch them without waiting to be handed them, and a worker
    /// can compile under the same accounting on another thread).
    pub fn with_parts(
        req: &ExecRequest,
        control: Arc<Control>,
        mem: Arc<MemStats>,
        sink: Option<EventSink>,
    ) -> Result<Sandbox, SandboxError> {
        req.validate()?;
        let limits = req.limits;
        let oom = Rc::new(OomPrimer {
            ctx: Cell::new(std::ptr::null_mut()),
            error: Cell::new(qjs::JS_UNDEFINED),
        });
        let alloc = SandboxAllocator {
            inner: CountingAllocator::new(Arc::clone(&mem)),
            oom: Rc::clone(&oom),
        };
        let rt = Runtime::new_with_alloc(alloc).map_err(|e| SandboxError::Init(e.to_string()))?;
        let stack_bytes = usize::try_from(limits.stack_kb * 1024).unwrap_or(usize::MAX);
        // The host's setup (its script, the taming, the freeze walk) runs under a stack limit
        // of its own, so that it does not depend on how small a stack the script was given
        // (16 KB at least; a debug build's native frames alone come near that). The script's
        // limit is set once setup is done (below).
        rt.set_max_stack_size(stack_bytes.max(SETUP_STACK_BYTES));
        // No garbage collection while the realm is built: setup makes next to no garbage, but a
        // strict realm (~480 KB once the freeze has instantiated every lazy builtin) crosses
        // QuickJS's first thresholds (256 KB, then 1.5x) and each crossing marks the whole
        // heap. The threshold QuickJS would have set is restored once setup is done (below).
        // Memory stays bounded by the allocator's limit, which does not depend on the GC.
        rt.set_gc_threshold(usize::MAX);
        // The handler also counts polls: the virtual clock's measure of work.
        let polls: Rc<Cell<u64>> = Rc::new(Cell::new(0));
        let c = Arc::clone(&control);
        let p = Rc::clone(&polls);
        rt.set_interrupt_handler(Some(Box::new(move || {
            p.set(p.get().wrapping_add(1));
            c.should_interrupt()
        })));
        let strict = req.profile == Profile::Strict;
        let ctx = if strict {
            Context::custom::<SandboxIntrinsics>(&rt)
        } else {
            Context::custom::<(SandboxIntrinsics, intrinsic::Eval)>(&rt)
        }
        .map_err(|e| SandboxError::Init(e.to_string()))?;
        // The context keeps the runtime alive from here on.
        drop(rt);

        let mut state = HostState::new(limits, req.permissions.clone(), req.filename.clone());
        state.sink = sink;
        state.set_poll_counter(polls);
        let host: SharedHost = Rc::new(RefCell::new(state));
        let host_raw = Rc::into_raw(Rc::clone(&host));
        let rt_ptr = ctx.get_runtime_ptr();
        // SAFETY: rt_ptr is this sandbox's runtime; host_raw outlives it (see Drop).
        unsafe {
            qjs::JS_SetCanBlock(rt_ptr, false);
            qjs::JS_SetModuleLoaderFunc(
                rt_ptr,
                Some(host::module_normalize),
                Some(host::module_loader),
                host_raw as *mut std::ffi::c_void,
            );
        }
        let sandbox = Sandbox {
            ctx: ManuallyDrop::new(ctx),
            host,
            host_raw,
            control,
            mem,
            limits,
            profile: req.profile,
            seed: req.seed,
            oom,
            spent: false,
        };
        let bytecode = setup_bytecode()?;
        let installed = sandbox.ctx.with(|ctx| {
            host::install(&ctx, &sandbox.host, bytecode, strict, req.input.as_ref()).map_err(|e| {
                let detail = if matches!(e, rquickjs::Error::Exception) {
                    let ex = ctx.catch();
                    let je = value::error_of(&ex);
                    format!("{}: {}", je.name, je.message)
                } else {
                    e.to_string()
                };
                SandboxError::Init(format!("host bridge setup failed: {detail}"))
            })
        });
        installed?;
        // SAFETY: rt_ptr is this sandbox's live runtime, on this thread.
        unsafe { qjs::JS_SetMaxStackSize(rt_ptr, stack_bytes as qjs::size_t) };
        // What QuickJS does after a collection: the next one at 1.5x the live heap, never
        // below its initial 256 KB.
        let live = usize::try_from(sandbox.mem.live()).unwrap_or(usize::MAX);
        let threshold = live.saturating_add(live / 2).max(GC_THRESHOLD_FLOOR);
        // SAFETY: rt_ptr is this sandbox's live runtime, on this thread.
        unsafe { qjs::JS_SetGCThreshold(rt_ptr, threshold as qjs::size_t) };
        sandbox.ctx.with(|ctx| {
            let raw = ctx.as_raw().as_ptr();
            // SAFETY: raw is live; the format string is a constant without directives.
            let error = unsafe { qjs::JS_NewInternalError(raw, c"out of memory".as_ptr()) };
            // SAFETY: a fresh error object owned by us (frozen: every catch gets this one).
            unsafe {
                if qjs::JS_VALUE_GET_TAG(error) == qjs::JS_TAG_OBJECT {
                    qjs::JS_FreezeObject(raw, error);
                }
            }
            sandbox.oom.error.set(error);
            sandbox.oom.ctx.set(raw);
        });
        Ok(sandbox)
    }

    /// The host modules loaded in this sandbox so far, in load order (none until a script's
    /// first `require` or `import` of one).
    pub fn modules_loaded(&self) -> Vec<&'static str> {
        self.host.borrow().modules_loaded.clone()
    }

    /// Bytes currently allocated by this sandbox's runtime.
    pub fn memory_bytes(&self) -> u64 {
        self.mem.live()
    }

    /// Evaluates `code` as a classic script under the sandbox's limits (a fresh CPU budget and
    /// wall deadline per call). A Promise completion value is settled by draining the job
    /// queue under the same limits.
    pub fn eval(&mut self, code: &str) -> EvalResult {
        self.eval_with(code, None)
    }

    /// As [`Sandbox::eval`], with `code` already compiled by [`super::precompile`] (on any thread:
    /// the out-of-process worker compiles while this sandbox is being built). Bytecode compiled
    /// for another file name or profile is not used: the code is compiled again.
    pub fn eval_compiled(&mut self, code: &str, compiled: Precompiled) -> EvalResult {
        self.eval_with(code, Some(compiled))
    }

    fn eval_with(&mut self, code: &str, compiled: Option<Precompiled>) -> EvalResult {
        let started = Instant::now();
        let cpu0 = limits::thread_cpu_ns();
        // Host facts: a fixed seed replays the run (clock from a fixed epoch); otherwise the
        // seed comes from the OS and the clock starts at the real time.
        let (seed, base_ms) = match self.seed {
            Some(s) => (s, host::SEEDED_EPOCH_MS),
            None => (os_seed(), wall_clock_ms()),
        };
        {
            let mut st = self.host.borrow_mut();
            st.reset(code);
            st.start_run(seed, base_ms);
        }
        self.mem.reset_peak();
        // A compile done ahead (on another thread) is part of the run.
        let ahead = compiled.as_ref().map_or((0.0, 0, 0), |c| {
            (c.elapsed.as_secs_f64(), c.cpu_ns, c.peak_bytes)
        });
        let mut r = self.eval_inner(code, compiled);
        r.seed = seed;
        r.duration_ms = (started.elapsed().as_secs_f64() + ahead.0) * 1000.0;
        r.cpu_ms = (limits::thread_cpu_ns().saturating_sub(cpu0) + ahead.1) as f64 / 1e6;
        r.peak_memory_bytes = self.mem.peak().max(ahead.2);
        let mut st = self.host.borrow_mut();
        r.console = std::mem::take(&mut st.console);
        r.console_truncated = st.console_truncated;
        r.blocked = std::mem::take(&mut st.blocked);
        r.blocked_dropped = st.blocked_dropped;
        r.usage.modules_loaded = st.caps.modules_loaded;
        if let Some(u) = st.caps.usage() {
            r.usage.add_broker(&u);
        }
        r.probes = std::mem::take(&mut st.probes);
        r
    }

    fn eval_inner(&mut self, code: &str, compiled: Option<Precompiled>) -> EvalResult {
        if self.spent {
            return EvalResult::empty(
                Outcome::Crashed,
                Some(JsError::new(
                    "SandboxError",
                    "this sandbox was stopped by a limit or a cancel; create a new one",
                )),
            );
        }
        if let Err(e) = check_code_size(code.len()) {
            return EvalResult::empty(Outcome::Error, Some(e.to_js_error()));
        }
        let filename = self.host.borrow().filename.clone();
        let strict = self.profile == Profile::Strict;
        // The budgets start before the compile: compiling the script is the run's work.
        self.control
            .arm(self.limits.timeout_ms, self.limits.wall_timeout_ms);
        let control = Arc::clone(&self.control);
        let mem = Arc::clone(&self.mem);
        let host = Rc::clone(&self.host);
        let rt_ptr = self.ctx.get_runtime_ptr();
        let stack_limit = limits::js_stack_limit(
            usize::try_from(self.limits.stack_kb * 1024).unwrap_or(usize::MAX),
        );
        let bytes = match compiled {
            Some(c) if c.filename == filename && c.strict == strict && c.code_len == code.len() => {
                c.bytecode.map(Rc::from)
            }
            _ => compile(
                code,
                &filename,
                strict,
                &CompileLimits {
                    mem: &self.mem,
                    stack_bytes: stack_limit,
                },
            ),
        };
        let compiling = bytes.is_err();
        let mut result = match bytes {
            // Did not compile: a syntax error, or a limit the compile ran into (classified
            // below like the script's own).
            Err(e) => (None, Some((e, false)), false),
            Ok(bytes) => self.ctx.with(|ctx| {
                // SAFETY: the runtime belongs to this thread.
                unsafe {
                    qjs::JS_UpdateStackTop(rt_ptr);
                    qjs::JS_SetMaxStackSize(rt_ptr, stack_limit as _);
                }
                let mut error: Option<Value> = None;
                let mut completion: Option<Value> = None;
                // An ES module's value is its `default` export, read once it has run.
                let mut namespace: Option<Value> = None;
                match super::super::modules::run_program(&ctx, &bytes, &host) {
                    Ok((v, ns)) => {
                        completion = Some(v);
                        namespace = ns;
                    }
                    Err(_) => error = Some(ctx.catch()),
                }
                // Drain the job queue, never past the limits; when it is empty but a host
                // call (fetch) is still out, wait for its answer and go on. The wait costs no
                // CPU of this thread: it counts against the wall deadline only, and it ends at
                // a stop (await_host polls the control every few ms).
                if error.is_none() {
                    loop {
                        drain_jobs(rt_ptr, &control);
                        if !host::await_host(&ctx, &host, &control) {
                            break;
                        }
                    }
                }
                // What follows is the host's own bounded work on the result.
                control.script_ended();
                let mut pending = false;
                let mut value_node = None;
                if let Some(v) = completion.take() {
                    if v.is_promise() {
                        let raw = ctx.as_raw().as_ptr();
                        // SAFETY: v is a live promise.
                        let st = unsafe { qjs::JS_PromiseState(raw, v.as_raw()) };
                        // SAFETY: the result value is owned by us.
                        let settled = || unsafe {
                            Value::from_raw(ctx.clone(), qjs::JS_PromiseResult(raw, v.as_raw()))
                        };
                        match st {
                            qjs::JSPromiseStateEnum_JS_PROMISE_FULFILLED => {
                                let v = match namespace.as_ref().and_then(|n| n.as_object()) {
                                    Some(ns) => {
                                        ns.get::<_, Value>("default").unwrap_or_else(|_| {
                                            // An uninitialised binding: clear what it threw.
                                            let _ = ctx.catch();
                                            Value::new_undefined(ctx.clone())
                                        })
                                    }
                                    None => settled(),
                                };
                                value_node = Some(value::to_node(&v));
                            }
                            qjs::JSPromiseStateEnum_JS_PROMISE_REJECTED => error = Some(settled()),
                            _ => pending = true,
                        }
                    } else {
                        value_node = Some(value::to_node(&v));
                    }
                }
                let err = error
                    .as_ref()
                    .map(|e| (value::error_of(e), e.is_uncatchable_error()));
                if let (Some(e), Some((je, false)), true) = (&error, &err, strict) {
                    if let Some(msg) = value::refused_write_message(e) {
                        host.borrow_mut().note_refused_write(msg, &je.stack);
                    }
                }
                // Calls still out are cancelled, and their resolving functions dropped while
                // the runtime lives.
                host.borrow_mut().caps.end();
                (value_node, err, pending)
            }),
        };
        self.control.disarm();
        let (node, err, pending) = (result.0.take(), result.1.take(), result.2);
        let reason = self.control.reason();
        let outcome = match reason {
            StopReason::Cancelled => Outcome::Cancelled,
            StopReason::CpuTimeout | StopReason::WallTimeout => Outcome::Timeout,
            StopReason::MemoryLimit => Outcome::MemoryLimit,
            StopReason::None => match &err {
                Some((_, true)) => Outcome::Timeout,
                Some((e, false)) => classify_error(e, mem.refusals()),
                None if pending => Outcome::Pending,
                None => Outcome::Ok,
            },
        };
        if reason != StopReason::None {
            self.spent = true;
        }
        let mut error = err.map(|(e, _)| e);
        let while_compiling = if compiling {
            " while compiling the script"
        } else {
            ""
        };
        if reason != StopReason::None {
            let msg = match reason {
                StopReason::Cancelled => "the run was cancelled".to_string(),
                StopReason::CpuTimeout => format!(
                    "CPU time limit of {} ms exceeded{while_compiling}",
                    self.limits.timeout_ms
                ),
                StopReason::WallTimeout => format!(
                    "wall-clock limit of {} ms exceeded{while_compiling}",
                    self.limits.wall_timeout_ms
                ),
                StopReason::MemoryLimit => format!(
                    "memory limit of {} MB exceeded (the script kept allocating after running out of memory)",
                    self.limits.memory_mb
                ),
                StopReason::None => String::new(),
            };
            let stack = error.as_ref().map(|e| e.stack.clone()).unwrap_or_default();
            error = Some(JsError {
                name: "InternalError".into(),
                message: msg,
                stack,
            });
        } else if outcome == Outcome::MemoryLimit {
            let stack = error.as_ref().map(|e| e.stack.clone()).unwrap_or_default();
            error = Some(JsError {
                name: "InternalError".into(),
                message: format!(
                    "out of memory: the {} MB memory limit was reached{while_compiling}",
                    self.limits.memory_mb
                ),
                stack,
            });
        } else if pending {
            error = Some(JsError::new(
                "PendingError",
                "the completion value is a promise that can no longer settle",
            ));
        }
        // A stopped loop that QuickJS cannot place (no source position in it) is placed here.
        if matches!(outcome, Outcome::Timeout | Outcome::Cancelled) {
            if let Some(e) = error.as_mut() {
                let module = super::super::modules::is_es_module(code, &filename);
                if let Some(s) =
                    super::super::locate::refine_stop_location(code, &filename, module, &e.stack)
                {
                    e.stack = s;
                }
            }
        }
        let (value, value_display) = match (&node, outcome) {
            (Some(n), Outcome::Ok) => (n.to_json(), n.value_display()),
            _ => (None, String::new()),
        };
        EvalResult {
            outcome,
            value,
            value_display,
            error,
            ..EvalResult::empty(outcome, None)
        }
    }
}

/// A seed from the OS's random source (the clock's nanoseconds if it is unavailable: a seed
/// must never fail a run).
fn os_seed() -> u64 {
    getrandom::u64().unwrap_or_else(|_| {
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_nanos() as u64)
    })
}

/// The real time in whole milliseconds since the epoch.
fn wall_clock_ms() -> f64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0.0, |d| d.as_millis() as f64)
}

fn classify_error(e: &JsError, oom_refusals: u64) -> Outcome {
    // Out of memory while building the error object itself leaves `null` as the exception.
    let oom_error = e.message == "out of memory" || (e.name == "Uncaught" && e.message == "null");
    if oom_refusals > 0 && oom_error {
        Outcome::MemoryLimit
    } else if e.name == "RangeError" && e.message == "Maximum call stack size exceeded" {
        Outcome::StackOverflow
    } else {
        Outcome::Error
    }
}

/// Runs queued jobs until the queue is empty or a limit/cancel stops the script.
fn drain_jobs(rt: *mut qjs::JSRuntime, control: &Control) {
    loop {
        if control.should_interrupt() {
            return;
        }
        let mut pctx: *mut qjs::JSContext = std::ptr::null_mut();
        // SAFETY: rt is this thread's live runtime.
        let rc = unsafe { qjs::JS_ExecutePendingJob(rt, &mut pctx) };
        if rc == 0 {
            return;
        }
        if rc < 0 && !pctx.is_null() {
            // An uncaught error inside a job (an unhandled rejection handler that threw, or an
            // interrupt): discard it; an interrupt is seen by `should_interrupt` above.
            // SAFETY: pctx is the live context that ran the job.
            unsafe {
                let e = qjs::JS_GetException(pctx);
                let uncatchable = qjs::JS_IsUncatchableError(e);
                qjs::JS_FreeValue(pctx, e);
                if uncatchable {
                    return;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    /// Records, when the host state is dropped, how many bytes the runtime still held.
    struct OnHostDrop(Arc<MemStats>, Rc<Cell<Option<u64>>>);

    impl Drop for OnHostDrop {
        fn drop(&mut self) {
            self.1.set(Some(self.0.live()));
        }
    }

    /// Setup runs with the collector off; the threshold it restores must let cycles be
    /// collected again: ~40 MB of cyclic garbage in a 4 MB sandbox, in both profiles.
    #[test]
    fn cycles_are_collected_after_setup() {
        for profile in [Profile::Strict, Profile::Lab] {
            let mut req = ExecRequest::new("");
            req.profile = profile;
            req.limits.memory_mb = 4;
            let mut sb = Sandbox::new(&req).expect("sandbox");
            let r = sb.eval(
                "for (let i = 0; i < 200000; i++) { const a = { pad: [1, 2, 3, 4] }; \
                 const b = { a }; a.b = b; } 'done'",
            );
            assert_eq!(r.outcome, Outcome::Ok, "{profile:?}: {r:?}");
            assert!(
                r.peak_memory_bytes < 4 * 1024 * 1024,
                "{profile:?}: {}",
                r.peak_memory_bytes
            );
        }
    }

    #[test]
    fn the_runtime_goes_before_the_host_state() {
        let req = ExecRequest::new("");
        let mem = MemStats::new(req.limits.memory_bytes());
        let control = Control::new(Arc::new(AtomicBool::new(false)), Arc::clone(&mem));
        let seen = Rc::new(Cell::new(None));
        // The sink lives in the host state: its guard sees the host state go.
        let guard = OnHostDrop(Arc::clone(&mem), Rc::clone(&seen));
        let sink: EventSink = Box::new(move |_| {
            let _ = &guard;
        });
        let mut sb =
            Sandbox::with_parts(&req, control, Arc::clone(&mem), Some(sink)).expect("sandbox");
        // The module loader's pointer to the host state is used, and natives hold clones.
        let r = sb.eval("import('fs').catch(() => 0); 1");
        assert!(
            r.blocked.iter().any(|b| b.capability == "import()"),
            "{r:?}"
        );
        let host = Rc::downgrade(&sb.host);
        assert!(mem.live() > 0);
        drop(sb);
        assert!(
            host.upgrade().is_none(),
            "the host state outlived its sandbox"
        );
        assert_eq!(seen.get(), Some(0), "the runtime still held memory");
    }
}
