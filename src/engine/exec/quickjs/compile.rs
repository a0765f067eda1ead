//! The compiler context: the only producer of the bytecode sandboxes run (scripts are compiled
//! here, in a context that has the Eval intrinsic, then loaded as bytecode into sandbox
//! contexts that have none), with a small per-thread cache, and the host setup bytecode.
//!
//! A script is compiled under its run's limits ([`CompileLimits`]): what the compiler grows by
//! counts against the run's memory limit and peak, the parser gets the run's stack limit, and
//! a run stopped from outside (budget, deadline, cancel) refuses the compiler's allocations, so
//! a compile that would not finish in the budget ends at its next allocation. (The parser never
//! polls the interrupt handler.)

use super::super::host;
use super::super::limits::{self, ChargeGuard, CountingAllocator, MemStats};
use super::super::modules;
use super::super::value;
use super::super::{check_code_size, JsError};
use super::sandbox::SandboxError;
use crate::engine::policy::Profile;
use rquickjs::context::intrinsic;
use rquickjs::{qjs, Context, Ctx, Runtime, Value};
use std::cell::RefCell;
use std::rc::Rc;
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Most memory the per-thread compiler runtime may hold, whatever a run allows (it also holds
/// what earlier compiles left: atoms, shapes).
const COMPILER_MEMORY: u64 = 256 * 1024 * 1024;
/// Native stack the compiler may use for the host's own setup script (a run's script gets the
/// run's stack limit).
pub const COMPILER_STACK: usize = 1024 * 1024;

struct Compiler {
    ctx: Context,
    rt: Runtime,
    /// The compiler runtime's own accounting (its growth during a compile is the run's).
    mem: Arc<MemStats>,
}

/// The limits a script is compiled under: its run's.
#[derive(Debug, Clone, Copy)]
pub struct CompileLimits<'a> {
    /// The run's memory: the compiler's growth is charged here (limit and peak), and nothing
    /// more is allocated once the run is stopped.
    pub mem: &'a Arc<MemStats>,
    /// The run's JS stack limit in bytes, which bounds the parser's recursion too.
    pub stack_bytes: usize,
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
/// A cached compile was done under some run's limits; a new one runs under `limits`.
pub fn compile(
    code: &str,
    filename: &str,
    strict: bool,
    limits: &CompileLimits<'_>,
) -> Result<Rc<[u8]>, JsError> {
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
    let module = modules::is_es_module(code, filename);
    let bytes: Rc<[u8]> = compile_with(code, filename, strict, module, 0, Some(limits))?.into();
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

/// A script compiled ahead of [`super::Sandbox::eval_compiled`] (`Send`: compiled on one thread, run
/// on another), with what the compile cost: the run reports it as its own.
pub struct Precompiled {
    pub(super) filename: String,
    pub(super) strict: bool,
    pub(super) code_len: usize,
    pub(super) bytecode: Result<Vec<u8>, JsError>,
    /// Wall time and CPU time (of the compiling thread) the compile took.
    pub(super) elapsed: Duration,
    pub(super) cpu_ns: u64,
    /// The run's memory peak while it compiled (its runtime's and the compiler's growth).
    pub(super) peak_bytes: u64,
}

/// Compiles `code` for a sandbox of `profile` whose script is named `filename`, in this
/// thread's compiler context, under the run's `limits` (not kept in the compile cache: for a
/// single use).
pub fn precompile(
    code: &str,
    filename: &str,
    profile: Profile,
    limits: &CompileLimits<'_>,
) -> Precompiled {
    let strict = profile == Profile::Strict;
    let started = Instant::now();
    let cpu0 = limits::thread_cpu_ns();
    // Over-long code is not compiled: the sandbox refuses it with its own message.
    let bytecode = match check_code_size(code.len()) {
        Err(e) => Err(e.to_js_error()),
        Ok(()) => compile_with(
            code,
            filename,
            strict,
            modules::is_es_module(code, filename),
            0,
            Some(limits),
        ),
    };
    Precompiled {
        filename: filename.to_string(),
        strict,
        code_len: code.len(),
        bytecode,
        elapsed: started.elapsed(),
        cpu_ns: limits::thread_cpu_ns().saturating_sub(cpu0),
        peak_bytes: limits.mem.peak(),
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

/// Compiles in this thread's compiler context; under a run's `limits` when given (else the
/// host's own script: [`COMPILER_STACK`], nothing charged).
fn compile_with(
    code: &str,
    filename: &str,
    strict: bool,
    module: bool,
    write_flags: u32,
    limits: Option<&CompileLimits<'_>>,
) -> Result<Vec<u8>, JsError> {
    if module {
        return compile_module(code, filename, strict, write_flags, limits);
    }
    COMPILER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mem = MemStats::new(COMPILER_MEMORY);
            let rt = Runtime::new_with_alloc(CountingAllocator::for_compiler(Arc::clone(&mem)))
                .map_err(|e| JsError::new("InternalError", e.to_string()))?;
            rt.set_max_stack_size(COMPILER_STACK);
            let ctx = Context::custom::<(intrinsic::Eval, intrinsic::RegExpCompiler)>(&rt)
                .map_err(|e| JsError::new("InternalError", e.to_string()))?;
            // Syntax errors are described through the captured Error stack accessor.
            ctx.with(|c| value::capture_intrinsics(&c))
                .map_err(|e| JsError::new("InternalError", e.to_string()))?;
            *slot = Some(Compiler { ctx, rt, mem });
        }
        let Some(c) = slot.as_ref() else {
            return Err(JsError::new("InternalError", "compiler unavailable"));
        };
        // SAFETY: the compiler runtime belongs to this thread.
        unsafe { qjs::JS_UpdateStackTop(c.rt_ptr()) };
        let stack = limits.map_or(COMPILER_STACK, |l| l.stack_bytes);
        c.rt.set_max_stack_size(limits::js_stack_limit(stack));
        let charge = limits.map(|l| (l.mem, &*c.mem));
        c.ctx
            .with(|ctx| compile_in(&ctx, code, filename, strict, module, write_flags, charge))
    })
}

/// Compiles an ES module in a runtime of its own, dropped afterwards: QuickJS resolves a
/// module's imports as it compiles it and keeps every module it saw in its context, so the
/// shared compiler would grow with each module and each name a script imports. Its imports
/// resolve to empty stand-ins: compiling runs nothing and binds nothing (the sandbox links
/// the real ones). Under a run's `limits`, that runtime allocates from the run's own memory
/// accounting: all of it counts against the run's limit and peak, and it can allocate nothing
/// once the run is stopped.
fn compile_module(
    code: &str,
    filename: &str,
    strict: bool,
    write_flags: u32,
    limits: Option<&CompileLimits<'_>>,
) -> Result<Vec<u8>, JsError> {
    let internal = |e: rquickjs::Error| JsError::new("InternalError", e.to_string());
    let mem = limits.map_or_else(|| MemStats::new(COMPILER_MEMORY), |l| Arc::clone(l.mem));
    let rt = Runtime::new_with_alloc(CountingAllocator::new(mem)).map_err(internal)?;
    let ctx =
        Context::custom::<(intrinsic::Eval, intrinsic::RegExpCompiler)>(&rt).map_err(internal)?;
    ctx.with(|c| value::capture_intrinsics(&c))
        .map_err(internal)?;
    // SAFETY: this runtime is this thread's own; the callbacks take no opaque.
    unsafe {
        qjs::JS_UpdateStackTop(ctx.get_runtime_ptr());
        qjs::JS_SetModuleLoaderFunc(
            ctx.get_runtime_ptr(),
            Some(stand_in_normalize),
            Some(stand_in_loader),
            std::ptr::null_mut(),
        );
    }
    let stack = limits.map_or(COMPILER_STACK, |l| l.stack_bytes);
    rt.set_max_stack_size(limits::js_stack_limit(stack));
    ctx.with(|c| compile_in(&c, code, filename, strict, true, write_flags, None))
}

/// Keeps a specifier as it is (the sandbox's normaliser decides what it means).
///
/// # Safety
/// Called by QuickJS with a live context and a NUL-terminated name.
unsafe extern "C" fn stand_in_normalize(
    ctx: *mut qjs::JSContext,
    _base: *const std::ffi::c_char,
    name: *const std::ffi::c_char,
    _opaque: *mut std::ffi::c_void,
) -> *mut std::ffi::c_char {
    // SAFETY: per the contract; js_strdup copies into QuickJS memory, which QuickJS frees.
    unsafe { qjs::js_strdup(ctx, name) }
}

/// An empty module for each import of a module being compiled.
///
/// # Safety
/// Called by QuickJS with a live context and a NUL-terminated name.
unsafe extern "C" fn stand_in_loader(
    ctx: *mut qjs::JSContext,
    name: *const std::ffi::c_char,
    _opaque: *mut std::ffi::c_void,
) -> *mut qjs::JSModuleDef {
    // SAFETY: per the contract; the name is copied by QuickJS.
    unsafe { qjs::JS_NewCModule(ctx, name, Some(stand_in_init)) }
}

/// Never evaluated (compiling evaluates nothing).
///
/// # Safety
/// Any arguments.
unsafe extern "C" fn stand_in_init(
    _ctx: *mut qjs::JSContext,
    _m: *mut qjs::JSModuleDef,
) -> std::ffi::c_int {
    0
}

impl Compiler {
    fn rt_ptr(&self) -> *mut qjs::JSRuntime {
        self.ctx.get_runtime_ptr()
    }
}

/// `charge`: the run to charge the compiler's growth to, with the compiler's own accounting.
/// The charge covers compiling and serialising; describing a failure is the host's own work.
fn compile_in(
    ctx: &Ctx<'_>,
    code: &str,
    filename: &str,
    strict: bool,
    module: bool,
    write_flags: u32,
    charge: Option<(&Arc<MemStats>, &MemStats)>,
) -> Result<Vec<u8>, JsError> {
    let guard = charge.map(|(run, compiler)| ChargeGuard::new(run, compiler));
    let raw = ctx.as_raw().as_ptr();
    let mut src = Vec::with_capacity(code.len() + 1);
    src.extend_from_slice(code.as_bytes());
    src.push(0);
    let fname = std::ffi::CString::new(filename.replace('\0', "?")).unwrap_or_default();
    // An ES module is compiled as one (always strict); see `modules::is_es_module`.
    let kind = if module {
        qjs::JS_EVAL_TYPE_MODULE
    } else {
        qjs::JS_EVAL_TYPE_GLOBAL
    };
    let mut flags = kind | qjs::JS_EVAL_FLAG_COMPILE_ONLY;
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
        drop(guard);
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
        drop(guard);
        let e = ctx.catch();
        // Out of memory (or stopped) while serialising: say so, as for the compile itself.
        let mut err = value::error_of(&e);
        if err.message.is_empty() || err.name == "Uncaught" {
            err = JsError::new("InternalError", "could not serialise the compiled script");
        }
        return Err(err);
    }
    // SAFETY: buf holds size bytes until freed.
    let bytes = unsafe { std::slice::from_raw_parts(buf, size as usize) }.to_vec();
    // SAFETY: buf was allocated by QuickJS on this context.
    unsafe { qjs::js_free(raw, buf.cast()) };
    drop(obj);
    drop(guard);
    Ok(bytes)
}

/// Compiles one of this crate's own host module sources (see `exec::modules`) as a strict
/// classic script, in this thread's compiler context. Line tables are kept (their frames
/// name `node:<module>` and a line, as Node's do); the source text is not.
pub fn compile_host_source(source: &str, filename: &str) -> Result<Vec<u8>, JsError> {
    // The host's own code: not charged to the run that first needs it (it is compiled once
    // per process and shared by every later run).
    compile_with(
        source,
        filename,
        true,
        false,
        qjs::JS_WRITE_OBJ_STRIP_SOURCE,
        None,
    )
}

/// Reads compiled bytecode into `ctx`: the owned function or module value, or an exception.
///
/// # Safety
/// `bytes` must have been produced by this process's compiler (never by a user).
pub(crate) unsafe fn read_bytecode(ctx: &Ctx<'_>, bytes: &[u8]) -> qjs::JSValue {
    // SAFETY: the caller vouches for the bytes; the context is live.
    unsafe {
        qjs::JS_ReadObject(
            ctx.as_raw().as_ptr(),
            bytes.as_ptr(),
            bytes.len() as _,
            qjs::JS_READ_OBJ_BYTECODE as i32,
        )
    }
}

/// Loads compiled bytecode into `ctx` and runs it; the script's completion value.
pub fn run_bytecode<'js>(ctx: &Ctx<'js>, bytes: &[u8]) -> rquickjs::Result<Value<'js>> {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: bytes were produced by `compile` in this process (never by a user).
    let f = unsafe { read_bytecode(ctx, bytes) };
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
static SETUP: OnceLock<Result<Vec<u8>, SandboxError>> = OnceLock::new();

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
                false,
                qjs::JS_WRITE_OBJ_STRIP_SOURCE | qjs::JS_WRITE_OBJ_STRIP_DEBUG,
                None,
            )
            .map_err(|e| {
                SandboxError::Init(format!(
                    "host setup does not compile: {}: {}",
                    e.name, e.message
                ))
            })
        })
        .as_ref()
        .map(|v| v.as_slice())
        .map_err(Clone::clone)
}

/// Uses `bytes` as this process's host setup bytecode instead of compiling the script (a
/// worker process receives it from its parent when both are the same build). False if the
/// bytecode was already settled.
///
/// Only for bytecode from a trusted producer: QuickJS does not validate bytecode it loads.
pub fn provide_setup_bytecode(bytes: Vec<u8>) -> bool {
    SETUP.set(Ok(bytes)).is_ok()
}

#[cfg(test)]
mod compile_cache_tests {
    use super::super::{EvalResult, Sandbox};
    use super::*;
    use crate::engine::exec::ExecRequest;

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
        let mem = MemStats::new(64 << 20);
        let limits = CompileLimits {
            mem: &mem,
            stack_bytes: COMPILER_STACK,
        };
        for i in 0..3 * COMPILE_CACHE_ENTRIES {
            let code = format!("{i} + 1; // {}", "x".repeat(600 * 1024));
            assert!(compile(&code, "big.js", true, &limits).is_ok());
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
