//! The in-process QuickJS executor (rquickjs): a fresh Runtime and Context per run on a
//! dedicated thread, supervised by the calling thread.
//!
//! [`Sandbox`] is the lower level: one fresh runtime + context with the host bridge, the
//! profile and `input` installed, evaluating code under the request's limits. It is `!Send`;
//! build it on the thread that uses it. [`QuickJsExecutor`] runs every request in a new
//! `Sandbox` on its own thread and watches it from the caller's thread (events, samples,
//! cancellation, the wall deadline).

use super::host::{self, EventSink, HostState, SharedHost};
use super::limits::{self, Control, CountingAllocator, MemStats, StopReason};
use super::value;
use super::{
    BlockedAttempt, CancelToken, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, Executor,
    ExecutorInfo, JsError, LimitsReport, Outcome, Sample,
};
use crate::engine::policy::{Limits, PolicyError, Profile, MAX_CODE_BYTES};
use rquickjs::context::intrinsic;
use rquickjs::{qjs, Context, Ctx, Runtime, Value};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU8, Ordering};
use std::sync::{mpsc, Arc, OnceLock};
use std::time::{Duration, Instant};

pub const NAME: &str = "quickjs";

/// Native stack of a run's thread on top of the JS stack limit.
const THREAD_STACK_BASE: usize = 16 * 1024 * 1024;
/// How often the monitor samples memory and CPU (25 per second).
const SAMPLE_EVERY: Duration = Duration::from_millis(40);
/// After the wall deadline (or a cancel) the JS thread gets this long to stop by itself before
/// it is abandoned as a runaway.
const ABANDON_GRACE: Duration = Duration::from_millis(100);
/// Memory and stack of the per-thread compiler runtime.
const COMPILER_MEMORY: usize = 256 * 1024 * 1024;
/// Native stack the compiler may use (QuickJS's parser recurses).
pub const COMPILER_STACK: usize = 1024 * 1024;

/// Why a sandbox could not be created.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SandboxError {
    #[error("invalid limits: {0}")]
    Policy(#[from] PolicyError),
    #[error("could not create the QuickJS sandbox: {0}")]
    Init(String),
}

/// What one evaluation produced.
#[derive(Debug, Clone, PartialEq)]
pub struct EvalResult {
    pub outcome: Outcome,
    pub value: Option<serde_json::Value>,
    pub value_display: String,
    pub error: Option<JsError>,
    pub console: Vec<ConsoleLine>,
    pub console_truncated: bool,
    pub blocked: Vec<BlockedAttempt>,
    /// Blocked attempts past the per-run cap, counted but not recorded.
    pub blocked_dropped: u64,
    pub cpu_ms: f64,
    pub duration_ms: f64,
    pub peak_memory_bytes: u64,
}

fn js_error(name: &str, message: impl Into<String>) -> JsError {
    JsError {
        name: name.to_string(),
        message: message.into(),
        stack: String::new(),
    }
}

struct Compiler {
    ctx: Context,
    rt: Runtime,
}

thread_local! {
    static COMPILER: RefCell<Option<Compiler>> = const { RefCell::new(None) };
}

/// Compiles `code` as a classic script to QuickJS bytecode in this thread's compiler context
/// (the only place with the Eval intrinsic). Bytecode is never accepted from users: this is the
/// only producer.
///
/// The last few successful compiles of this thread are kept (same code, file name and mode give
/// the same bytecode; compiling has no side effect), so running one script in many fresh
/// sandboxes compiles it once. Bounded by [`COMPILE_CACHE_ENTRIES`] and [`COMPILE_CACHE_BYTES`].
pub fn compile(code: &str, filename: &str, strict: bool) -> Result<Rc<[u8]>, JsError> {
    let hit = COMPILE_CACHE.with(|cell| {
        let mut cache = cell.borrow_mut();
        let i = cache
            .iter()
            .position(|e| e.strict == strict && e.code == code && e.filename == filename)?;
        let e = cache.remove(i);
        let bytes = Rc::clone(&e.bytecode);
        cache.push(e);
        Some(bytes)
    });
    if let Some(bytes) = hit {
        return Ok(bytes);
    }
    let bytes: Rc<[u8]> = compile_with(code, filename, strict, 0)?.into();
    COMPILE_CACHE.with(|cell| {
        let mut cache = cell.borrow_mut();
        let size = |e: &Compiled| e.code.len() + e.filename.len() + e.bytecode.len();
        let entry = Compiled {
            code: code.to_string(),
            filename: filename.to_string(),
            strict,
            bytecode: Rc::clone(&bytes),
        };
        if size(&entry) > COMPILE_CACHE_BYTES {
            return;
        }
        cache.push(entry);
        while cache.len() > COMPILE_CACHE_ENTRIES
            || cache.iter().map(size).sum::<usize>() > COMPILE_CACHE_BYTES
        {
            cache.remove(0);
        }
    });
    Ok(bytes)
}

/// A script compiled ahead of [`Sandbox::eval_compiled`] (`Send`: compiled on one thread, run
/// on another).
pub struct Precompiled {
    filename: String,
    strict: bool,
    code_len: usize,
    bytecode: Result<Vec<u8>, JsError>,
}

/// Compiles `code` for a sandbox of `profile` whose script is named `filename`, in this
/// thread's compiler context (not kept in the compile cache: for a single use).
pub fn precompile(code: &str, filename: &str, profile: Profile) -> Precompiled {
    let strict = profile == Profile::Strict;
    // Over-long code is not compiled: the sandbox refuses it with its own message.
    let bytecode = if code.len() > MAX_CODE_BYTES {
        Err(js_error("RangeError", "code over the size limit"))
    } else {
        compile_with(code, filename, strict, 0)
    };
    Precompiled {
        filename: filename.to_string(),
        strict,
        code_len: code.len(),
        bytecode,
    }
}

/// Most scripts kept compiled per thread.
pub const COMPILE_CACHE_ENTRIES: usize = 8;
/// Most bytes (code + bytecode) kept compiled per thread.
pub const COMPILE_CACHE_BYTES: usize = 4 * 1024 * 1024;

/// One cached compile: the exact inputs and what they compiled to.
struct Compiled {
    code: String,
    filename: String,
    strict: bool,
    bytecode: Rc<[u8]>,
}

thread_local! {
    /// Recent compiles of this thread, least recently used first.
    static COMPILE_CACHE: RefCell<Vec<Compiled>> = const { RefCell::new(Vec::new()) };
}

#[cfg(test)]
mod compile_cache_tests {
    use super::*;

    fn run(code: &str, filename: &str, profile: Profile) -> EvalResult {
        let mut req = ExecRequest::new(code);
        req.filename = filename.to_string();
        req.profile = profile;
        let mut sb = Sandbox::new(&req).expect("sandbox");
        sb.eval(code)
    }

    #[test]
    fn a_cached_script_keeps_its_own_file_name_and_mode() {
        let code = "(function () { return this === undefined; })() ? null.x : undefined.y";
        let a = run(code, "a.js", Profile::Strict);
        let b = run(code, "b.js", Profile::Strict);
        let a_stack = a.error.expect("a throws").stack;
        let b_stack = b.error.expect("b throws").stack;
        assert!(a_stack.contains("a.js:1"), "{a_stack}");
        assert!(b_stack.contains("b.js:1"), "{b_stack}");
        let mode = "(function () { return this === undefined; })()";
        assert_eq!(run(mode, "m.js", Profile::Strict).value, Some(true.into()));
        assert_eq!(run(mode, "m.js", Profile::Lab).value, Some(false.into()));
        assert_eq!(run(mode, "m.js", Profile::Strict).value, Some(true.into()));
    }

    #[test]
    fn the_cache_stays_bounded() {
        for i in 0..3 * COMPILE_CACHE_ENTRIES {
            let code = format!("{i} + 1; // {}", "x".repeat(600 * 1024));
            assert!(compile(&code, "big.js", true).is_ok());
        }
        COMPILE_CACHE.with(|c| {
            let c = c.borrow();
            let bytes: usize = c
                .iter()
                .map(|e| e.code.len() + e.filename.len() + e.bytecode.len())
                .sum();
            assert!(c.len() <= COMPILE_CACHE_ENTRIES, "{} entries", c.len());
            assert!(bytes <= COMPILE_CACHE_BYTES, "{bytes} bytes");
            assert!(!c.is_empty());
        });
    }
}

fn compile_with(
    code: &str,
    filename: &str,
    strict: bool,
    write_flags: u32,
) -> Result<Vec<u8>, JsError> {
    COMPILER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let rt = Runtime::new().map_err(|e| js_error("InternalError", e.to_string()))?;
            rt.set_memory_limit(COMPILER_MEMORY);
            rt.set_max_stack_size(COMPILER_STACK);
            let ctx = Context::custom::<(intrinsic::Eval, intrinsic::RegExpCompiler)>(&rt)
                .map_err(|e| js_error("InternalError", e.to_string()))?;
            // Syntax errors are described through the captured Error stack accessor.
            ctx.with(|c| value::capture_intrinsics(&c))
                .map_err(|e| js_error("InternalError", e.to_string()))?;
            *slot = Some(Compiler { ctx, rt });
        }
        let Some(c) = slot.as_ref() else {
            return Err(js_error("InternalError", "compiler unavailable"));
        };
        // SAFETY: the compiler runtime belongs to this thread.
        unsafe { qjs::JS_UpdateStackTop(c.rt_ptr()) };
        c.rt.set_max_stack_size(limits::js_stack_limit(COMPILER_STACK));
        c.ctx
            .with(|ctx| compile_in(&ctx, code, filename, strict, write_flags))
    })
}

impl Compiler {
    fn rt_ptr(&self) -> *mut qjs::JSRuntime {
        self.ctx.get_runtime_ptr()
    }
}

fn compile_in(
    ctx: &Ctx<'_>,
    code: &str,
    filename: &str,
    strict: bool,
    write_flags: u32,
) -> Result<Vec<u8>, JsError> {
    let raw = ctx.as_raw().as_ptr();
    let mut src = Vec::with_capacity(code.len() + 1);
    src.extend_from_slice(code.as_bytes());
    src.push(0);
    let fname = std::ffi::CString::new(filename.replace('\0', "?")).unwrap_or_default();
    let mut flags = qjs::JS_EVAL_TYPE_GLOBAL | qjs::JS_EVAL_FLAG_COMPILE_ONLY;
    if strict {
        flags |= qjs::JS_EVAL_FLAG_STRICT;
    }
    // SAFETY: src is NUL-terminated with code.len() bytes before the NUL.
    let obj = unsafe {
        qjs::JS_Eval(
            raw,
            src.as_ptr().cast(),
            code.len() as _,
            fname.as_ptr(),
            flags as i32,
        )
    };
    // SAFETY: ownership of the result moves into the Value.
    let obj = unsafe { Value::from_raw(ctx.clone(), obj) };
    if obj.is_exception() {
        let e = ctx.catch();
        return Err(value::error_of(&e));
    }
    let mut size: qjs::size_t = 0;
    // SAFETY: obj is a compiled function; the buffer is freed below with js_free.
    let buf = unsafe {
        qjs::JS_WriteObject(
            raw,
            &mut size,
            obj.as_raw(),
            (qjs::JS_WRITE_OBJ_BYTECODE | write_flags) as i32,
        )
    };
    if buf.is_null() {
        let _ = ctx.catch();
        return Err(js_error(
            "InternalError",
            "could not serialise the compiled script",
        ));
    }
    // SAFETY: buf holds size bytes until freed.
    let bytes = unsafe { std::slice::from_raw_parts(buf, size as usize) }.to_vec();
    // SAFETY: buf was allocated by QuickJS on this context.
    unsafe { qjs::js_free(raw, buf.cast()) };
    Ok(bytes)
}

/// Loads compiled bytecode into `ctx` and runs it; the script's completion value.
pub fn run_bytecode<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: bytes were produced by `compile` in this process (never by a user).
    let f = unsafe {
        qjs::JS_ReadObject(
            raw,
            bytes.as_ptr(),
            bytes.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        )
    };
    // SAFETY: check the tag of an owned value.
    if unsafe { qjs::JS_VALUE_GET_TAG(f) } == qjs::JS_TAG_EXCEPTION {
        return Err(rquickjs::Error::Exception);
    }
    // SAFETY: JS_EvalFunction takes ownership of f; the result is owned.
    let r = unsafe { qjs::JS_EvalFunction(raw, f) };
    // SAFETY: ownership moves into the Value.
    let v = unsafe { Value::from_raw(ctx.clone(), r) };
    if v.is_exception() {
        return Err(rquickjs::Error::Exception);
    }
    Ok(v)
}

/// The host bridge's setup script, compiled once per process (or handed over by the parent
/// process through [`provide_setup_bytecode`]).
static SETUP: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// The host setup script as bytecode: compiled on first use in this process unless a parent
/// already provided it.
pub fn setup_bytecode() -> Result<&'static [u8], SandboxError> {
    SETUP
        .get_or_init(|| {
            // The host's frames are never shown: no source text or line tables needed.
            compile_with(
                host::SETUP_SOURCE,
                host::HOST_FILENAME,
                true,
                qjs::JS_WRITE_OBJ_STRIP_SOURCE | qjs::JS_WRITE_OBJ_STRIP_DEBUG,
            )
            .map_err(|e| format!("host setup does not compile: {}: {}", e.name, e.message))
        })
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(|e| SandboxError::Init(e.clone()))
}

/// Uses `bytes` as this process's host setup bytecode instead of compiling the script (a
/// worker process receives it from its parent when both are the same build). False if the
/// bytecode was already settled.
///
/// Only for bytecode from a trusted producer: QuickJS does not validate bytecode it loads.
pub fn provide_setup_bytecode(bytes: Vec<u8>) -> bool {
    SETUP.set(Ok(bytes)).is_ok()
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
    ctx: Context,
    rt: Runtime,
    host: SharedHost,
    /// The reference handed to the module loader (reclaimed on drop).
    host_raw: *const RefCell<HostState>,
    control: Arc<Control>,
    mem: Arc<MemStats>,
    limits: Limits,
    profile: Profile,
    /// Set once a limit or a cancel interrupted an evaluation: the runtime may hold half-run
    /// jobs, so it refuses further evaluations.
    spent: bool,
}

impl Drop for Sandbox {
    fn drop(&mut self) {
        // SAFETY: host_raw came from Rc::into_raw in `new`; the `host` field keeps the state
        // alive until the runtime (which holds the loader pointer) is gone.
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
        req.limits.validate()?;
        let mem = MemStats::new(req.limits.memory_bytes());
        let control = Control::new(cancel, Arc::clone(&mem));
        Sandbox::with_parts(req, control, mem, sink)
    }

    /// A sandbox accounting its memory in `mem` and interrupted through `control` (made by the
    /// caller, so a supervisor can watch them without waiting to be handed them).
    fn with_parts(
        req: &ExecRequest,
        control: Arc<Control>,
        mem: Arc<MemStats>,
        sink: Option<EventSink>,
    ) -> Result<Sandbox, SandboxError> {
        req.limits.validate()?;
        let limits = req.limits;
        let rt = Runtime::new_with_alloc(CountingAllocator::new(Arc::clone(&mem)))
            .map_err(|e| SandboxError::Init(e.to_string()))?;
        rt.set_max_stack_size(usize::try_from(limits.stack_kb * 1024).unwrap_or(usize::MAX));
        let c = Arc::clone(&control);
        rt.set_interrupt_handler(Some(Box::new(move || c.should_interrupt())));
        let strict = req.profile == Profile::Strict;
        let ctx = if strict {
            Context::custom::<SandboxIntrinsics>(&rt)
        } else {
            Context::custom::<(SandboxIntrinsics, intrinsic::Eval)>(&rt)
        }
        .map_err(|e| SandboxError::Init(e.to_string()))?;

        let mut state = HostState::new(limits, req.permissions.clone(), req.filename.clone());
        state.sink = sink;
        let host: SharedHost = Rc::new(RefCell::new(state));
        let host_raw = Rc::into_raw(Rc::clone(&host));
        let rt_ptr = ctx.get_runtime_ptr();
        // SAFETY: rt_ptr is this sandbox's runtime; host_raw outlives it (see Drop).
        unsafe {
            qjs::JS_SetCanBlock(rt_ptr, false);
            qjs::JS_SetModuleLoaderFunc(
                rt_ptr,
                None,
                Some(host::module_loader),
                host_raw as *mut std::ffi::c_void,
            );
        }
        let sandbox = Sandbox {
            ctx,
            rt,
            host,
            host_raw,
            control,
            mem,
            limits,
            profile: req.profile,
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
        Ok(sandbox)
    }

    /// Bytes currently allocated by this sandbox's runtime.
    pub fn memory_bytes(&self) -> u64 {
        self.mem.live()
    }

    pub fn profile(&self) -> Profile {
        self.profile
    }

    /// Evaluates `code` as a classic script under the sandbox's limits (a fresh CPU budget and
    /// wall deadline per call). A Promise completion value is settled by draining the job
    /// queue under the same limits.
    pub fn eval(&mut self, code: &str) -> EvalResult {
        self.eval_with(code, None)
    }

    /// As [`Sandbox::eval`], with `code` already compiled by [`precompile`] (on any thread:
    /// the out-of-process worker compiles while this sandbox is being built). Bytecode compiled
    /// for another file name or profile is not used: the code is compiled again.
    pub fn eval_compiled(&mut self, code: &str, compiled: Precompiled) -> EvalResult {
        self.eval_with(code, Some(compiled))
    }

    fn eval_with(&mut self, code: &str, compiled: Option<Precompiled>) -> EvalResult {
        let started = Instant::now();
        let cpu0 = limits::thread_cpu_ns();
        self.host.borrow_mut().reset(code);
        self.mem.reset_peak();
        let mut r = self.eval_inner(code, compiled);
        r.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
        r.cpu_ms = limits::thread_cpu_ns().saturating_sub(cpu0) as f64 / 1e6;
        r.peak_memory_bytes = self.mem.peak();
        let mut st = self.host.borrow_mut();
        r.console = std::mem::take(&mut st.console);
        r.console_truncated = st.console_truncated;
        r.blocked = std::mem::take(&mut st.blocked);
        r.blocked_dropped = st.blocked_dropped;
        r
    }

    fn empty(outcome: Outcome, error: Option<JsError>) -> EvalResult {
        EvalResult {
            outcome,
            value: None,
            value_display: String::new(),
            error,
            console: Vec::new(),
            console_truncated: false,
            blocked: Vec::new(),
            blocked_dropped: 0,
            cpu_ms: 0.0,
            duration_ms: 0.0,
            peak_memory_bytes: 0,
        }
    }

    fn eval_inner(&mut self, code: &str, compiled: Option<Precompiled>) -> EvalResult {
        if self.spent {
            return Self::empty(
                Outcome::Crashed,
                Some(js_error(
                    "SandboxError",
                    "this sandbox was stopped by a limit or a cancel; create a new one",
                )),
            );
        }
        if code.len() > MAX_CODE_BYTES {
            return Self::empty(
                Outcome::Error,
                Some(js_error(
                    "RangeError",
                    format!(
                        "code is {} bytes; the limit is {MAX_CODE_BYTES} bytes",
                        code.len()
                    ),
                )),
            );
        }
        let filename = self.host.borrow().filename.clone();
        let strict = self.profile == Profile::Strict;
        let bytes = match compiled {
            Some(c) if c.filename == filename && c.strict == strict && c.code_len == code.len() => {
                c.bytecode.map(Rc::from)
            }
            _ => compile(code, &filename, strict),
        };
        let bytes = match bytes {
            Ok(b) => b,
            Err(e) => return Self::empty(Outcome::Error, Some(e)),
        };
        self.control
            .arm(self.limits.timeout_ms, self.limits.wall_timeout_ms);
        let control = Arc::clone(&self.control);
        let mem = Arc::clone(&self.mem);
        let host = Rc::clone(&self.host);
        let rt_ptr = self.ctx.get_runtime_ptr();
        let stack_limit = limits::js_stack_limit(
            usize::try_from(self.limits.stack_kb * 1024).unwrap_or(usize::MAX),
        );
        let _ = &self.rt;
        let mut result = self.ctx.with(|ctx| {
            // SAFETY: the runtime belongs to this thread.
            unsafe {
                qjs::JS_UpdateStackTop(rt_ptr);
                qjs::JS_SetMaxStackSize(rt_ptr, stack_limit as _);
            }
            let mut error: Option<Value> = None;
            let mut completion: Option<Value> = None;
            match run_bytecode(&ctx, &bytes) {
                Ok(v) => completion = Some(v),
                Err(_) => error = Some(ctx.catch()),
            }
            // Drain the job queue, never past the limits.
            if error.is_none() {
                drain_jobs(rt_ptr, &control);
            }
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
                            value_node = Some(value::to_node(&settled()));
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
            (value_node, err, pending)
        });
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
        if reason != StopReason::None {
            let msg = match reason {
                StopReason::Cancelled => "the run was cancelled".to_string(),
                StopReason::CpuTimeout => {
                    format!("CPU time limit of {} ms exceeded", self.limits.timeout_ms)
                }
                StopReason::WallTimeout => format!(
                    "wall-clock limit of {} ms exceeded",
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
                    "out of memory: the {} MB memory limit was reached",
                    self.limits.memory_mb
                ),
                stack,
            });
        } else if pending {
            error = Some(js_error(
                "PendingError",
                "the completion value is a promise that can no longer settle",
            ));
        }
        let (value, value_display) = match (&node, outcome) {
            (Some(n), Outcome::Ok) => (n.to_json(), n.display()),
            _ => (None, String::new()),
        };
        EvalResult {
            outcome,
            value,
            value_display,
            error,
            ..Self::empty(outcome, None)
        }
    }
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
    let finished = job.state.compare_exchange(
        JOB_RUNNING,
        JOB_FINISHED,
        Ordering::SeqCst,
        Ordering::SeqCst,
    );
    if finished.is_err() {
        // Abandoned earlier and only now done: it no longer counts as a live runaway.
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

enum Msg {
    Event(ExecEvent),
    Done(Box<EvalResult>),
    Failed(String),
}

fn outcome_from(req: &ExecRequest, r: EvalResult, sha: String) -> ExecOutcome {
    r.into_outcome(NAME, req, sha, RUNAWAYS.load(Ordering::SeqCst))
}

impl EvalResult {
    /// The report of a run of `req` by `executor` (`sha`: the code's SHA-256).
    pub fn into_outcome(
        self,
        executor: &str,
        req: &ExecRequest,
        sha: String,
        runaway_threads: u32,
    ) -> ExecOutcome {
        ExecOutcome {
            executor: executor.to_string(),
            code_sha256: sha,
            outcome: self.outcome,
            value: self.value,
            value_display: self.value_display,
            error: self.error,
            console: self.console,
            console_truncated: self.console_truncated,
            blocked: self.blocked,
            blocked_dropped: self.blocked_dropped,
            duration_ms: self.duration_ms,
            cpu_ms: self.cpu_ms,
            peak_memory_bytes: self.peak_memory_bytes,
            limits: LimitsReport::from(&req.limits),
            runaway_threads,
        }
    }
}

/// How the supervision loop ended.
enum End {
    Done(EvalResult),
    Failed(String),
    Abandoned { cancelled: bool },
}

impl Executor for QuickJsExecutor {
    fn name(&self) -> &'static str {
        NAME
    }

    fn run(
        &self,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        let sha = crate::engine::hash::sha256_hex(req.code.as_bytes());
        let finish = |out: ExecOutcome, on_event: &mut dyn FnMut(ExecEvent)| {
            on_event(ExecEvent::Finished(Box::new(out.clone())));
            out
        };
        if let Err(e) = req.limits.validate() {
            let out = ExecOutcome::not_run(
                NAME,
                req,
                Outcome::Error,
                Some(js_error("PolicyError", e.to_string())),
            );
            return finish(out, on_event);
        }
        if req.code.len() > MAX_CODE_BYTES {
            let out = ExecOutcome::not_run(
                NAME,
                req,
                Outcome::Error,
                Some(js_error(
                    "RangeError",
                    format!(
                        "code is {} bytes; the limit is {MAX_CODE_BYTES} bytes",
                        req.code.len()
                    ),
                )),
            );
            return finish(out, on_event);
        }
        let mut stuck = LIVE_RUNAWAYS.load(Ordering::SeqCst);
        let wait_from = Instant::now();
        while stuck >= MAX_LIVE_RUNAWAYS
            && wait_from.elapsed() < STUCK_WAIT
            && !cancel.is_cancelled()
        {
            std::thread::sleep(Duration::from_millis(10));
            stuck = LIVE_RUNAWAYS.load(Ordering::SeqCst);
        }
        if stuck >= MAX_LIVE_RUNAWAYS {
            let mut out = ExecOutcome::not_run(
                NAME,
                req,
                Outcome::Crashed,
                Some(js_error(
                    "InternalError",
                    format!(
                        "the in-process executor has {stuck} stuck threads (builtins that ignored the deadline) still running; \
                         not starting another run here: use --executor quickjs-process, which kills runaways"
                    ),
                )),
            );
            out.runaway_threads = RUNAWAYS.load(Ordering::SeqCst);
            return finish(out, on_event);
        }
        let worker = match self.take_worker() {
            Ok(w) => w,
            Err(e) => {
                let out = ExecOutcome::not_run(
                    NAME,
                    req,
                    Outcome::Crashed,
                    Some(js_error(
                        "InternalError",
                        format!("could not start a thread: {e}"),
                    )),
                );
                return finish(out, on_event);
            }
        };
        on_event(ExecEvent::Started {
            executor: NAME.to_string(),
            code_sha256: sha.clone(),
            limits: LimitsReport::from(&req.limits),
        });
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
            let out = ExecOutcome::not_run(
                NAME,
                req,
                Outcome::Crashed,
                Some(js_error("InternalError", "the executor thread is gone")),
            );
            return finish(out, on_event);
        }

        let wall = Duration::from_millis(req.limits.wall_timeout_ms);
        let mut console = Vec::new();
        let mut blocked = Vec::new();
        let mut last_cpu_ms = 0.0;
        let mut next_sample = Instant::now();
        let mut stop_seen: Option<Instant> = None;
        let end = loop {
            let now = Instant::now();
            if now >= next_sample {
                let cpu_ms = worker.clock.map_or(0.0, |c| {
                    limits::clock_ns(c).saturating_sub(cpu_base) as f64 / 1e6
                });
                last_cpu_ms = cpu_ms;
                on_event(ExecEvent::Sample(Sample {
                    elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
                    memory_bytes: mem.live(),
                    cpu_ms,
                }));
                next_sample = now + SAMPLE_EVERY;
            }
            if stop_seen.is_none() && (cancel.is_cancelled() || started.elapsed() >= wall) {
                control.force_wall_timeout();
                stop_seen = Some(Instant::now());
            }
            if let Some(t) = stop_seen {
                if t.elapsed() >= ABANDON_GRACE {
                    break End::Abandoned {
                        cancelled: cancel.is_cancelled(),
                    };
                }
            }
            let wait = next_sample
                .saturating_duration_since(Instant::now())
                .min(Duration::from_millis(5));
            match rx.recv_timeout(wait) {
                Ok(Msg::Event(ev)) => {
                    match &ev {
                        ExecEvent::Console(c) => console.push(c.clone()),
                        ExecEvent::Blocked(b) => blocked.push(b.clone()),
                        _ => {}
                    }
                    on_event(ev);
                }
                Ok(Msg::Done(r)) => break End::Done(*r),
                Ok(Msg::Failed(e)) => break End::Failed(e),
                Err(mpsc::RecvTimeoutError::Timeout) => {}
                Err(mpsc::RecvTimeoutError::Disconnected) => {
                    break End::Failed("the executor thread ended without a result".into())
                }
            }
        };
        let out = match end {
            End::Done(r) => {
                self.give_back(worker);
                outcome_from(req, r, sha)
            }
            End::Failed(msg) => {
                self.give_back(worker);
                let mut out = ExecOutcome::not_run(
                    NAME,
                    req,
                    Outcome::Crashed,
                    Some(js_error("InternalError", msg)),
                );
                out.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
                out
            }
            End::Abandoned { cancelled } => {
                // The JS thread ignored the interrupt (a builtin that never polls it): abandon
                // it. It is counted, and dropped from the pool so it is never reused.
                drop(worker);
                RUNAWAYS.fetch_add(1, Ordering::SeqCst);
                LIVE_RUNAWAYS.fetch_add(1, Ordering::SeqCst);
                let abandoned = state.compare_exchange(
                    JOB_RUNNING,
                    JOB_ABANDONED,
                    Ordering::SeqCst,
                    Ordering::SeqCst,
                );
                if abandoned.is_err() {
                    // It finished just now after all.
                    LIVE_RUNAWAYS.fetch_sub(1, Ordering::SeqCst);
                }
                // It keeps what it holds but can allocate nothing more.
                mem.refuse_further();
                let mut out = ExecOutcome::not_run(NAME, req, Outcome::Timeout, None);
                out.console = console;
                out.blocked = blocked;
                out.cpu_ms = last_cpu_ms;
                out.duration_ms = started.elapsed().as_secs_f64() * 1000.0;
                out.peak_memory_bytes = mem.peak();
                out.error = Some(if cancelled {
                    out.outcome = Outcome::Cancelled;
                    js_error(
                        "InternalError",
                        "the run was cancelled (the script thread did not stop and was abandoned)",
                    )
                } else {
                    js_error(
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
        };
        on_event(ExecEvent::Sample(Sample {
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
            memory_bytes: mem.live(),
            cpu_ms: out.cpu_ms,
        }));
        finish(out, on_event)
    }
}
