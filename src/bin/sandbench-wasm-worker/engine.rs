//! One WebAssembly run in this process: compile, check imports, instantiate under limits, call
//! the entry, and report it as an [`EvalResult`].
//!
//! Limits: the CPU budget by epoch interruption (a ticker thread advances the engine's epoch
//! every [`TICK`]; at each tick the run's callback compares the engine thread's CPU time with
//! the budget),
//! or by fuel ([`Metering::Fuel`], deterministic, for comparison); linear memory and tables by
//! a [`ResourceLimiter`] (growing past the run's memory limit traps: `memory_limit`); the wasm
//! stack by `max_wasm_stack` (the run's stack limit: `stack_overflow`). Linear memories are
//! not reserved ahead (no 4 GB + guard reservations), so they fit under the worker's
//! address-space rlimit; bounds are checked explicitly where there is no guard region.

use crate::wasi;
use sandbench::engine::exec::wasm::{
    import_category, is_wasi_function, ModuleError, WasmRequest, WASI_MODULE,
};
use sandbench::engine::exec::{process_cpu_ns, thread_cpu_ns};
use sandbench::engine::exec::{
    BlockedAttempt, ConsoleLevel, ConsoleLine, EvalResult, ExecEvent, JsError, Outcome,
};
use sandbench::engine::Category;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use wasmtime::{
    Config, Engine, ExternType, Linker, Module, ResourceLimiter, Store, Trap, UpdateDeadline, Val,
    ValType,
};

/// How often the epoch advances while a run is going (the CPU budget's granularity).
pub(crate) const TICK: Duration = Duration::from_millis(2);

/// Most table elements a run may have (a table of funcref is 8 bytes an element, counted in
/// the memory limit too).
const MAX_TABLE_ELEMENTS: usize = 1_000_000;

/// Console bytes kept free for the truncation marker line.
const TRUNCATION_MARKER_ROOM: usize = 128;

/// Most Blocked attempts kept per run (further ones are counted in `blocked_dropped`).
const MAX_BLOCKED: usize = 1000;

/// How the CPU budget is enforced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Metering {
    /// Epoch interruption: cheap checks at loop heads and calls (the default).
    Epoch,
    /// Fuel: every instruction counted (for the benchmark's comparison; the budget is then
    /// instructions, 1 000 000 per millisecond of the timeout).
    Fuel,
    /// No CPU budget inside the engine (benchmark control only; the wall deadline remains).
    #[allow(dead_code)] // benches/wasm.rs
    None,
}

/// Why the wasm code stopped, raised by the host into the engine.
#[derive(Debug, Clone, thiserror::Error)]
pub(crate) enum WasmTrap {
    #[error("proc_exit({0})")]
    Exit(i32),
    #[error("CPU budget of {0} ms exhausted")]
    Timeout(u64),
    #[error("cancelled")]
    Cancelled,
    #[error("memory limit of {limit_mb} MB reached (asked for {asked} bytes)")]
    Memory { limit_mb: u64, asked: usize },
    #[error("table limit of {MAX_TABLE_ELEMENTS} elements reached")]
    Table,
}

/// A run's host state: limits, console, blocked attempts.
pub(crate) struct RunState {
    pub(super) args: Vec<String>,
    pub(super) started: Instant,
    memory_limit: usize,
    memory_mb: u64,
    peak_memory: usize,
    table_bytes: usize,
    memory_refused: bool,
    console_max_bytes: usize,
    console_max_lines: usize,
    console_bytes: usize,
    console: Vec<ConsoleLine>,
    console_truncated: bool,
    /// Unterminated output per stream (stdout, stderr), bounded by the console cap.
    pending: [Vec<u8>; 2],
    blocked: Vec<BlockedAttempt>,
    blocked_dropped: u64,
    on_event: Box<dyn FnMut(ExecEvent) + Send>,
    /// The descriptor table: the read-only preopens and what was opened beneath them.
    pub(crate) files: crate::files::Files,
}

impl RunState {
    pub(super) fn args_sizes(&self) -> (u32, u32) {
        let bytes: usize = self.args.iter().map(|a| a.len() + 1).sum();
        (self.args.len() as u32, bytes as u32)
    }

    /// Records a refused capability (and streams it).
    pub(super) fn block(&mut self, capability: &str, category: Category, message: String) {
        if let Some(b) = self
            .blocked
            .iter_mut()
            .find(|b| b.capability == capability && b.message == message)
        {
            b.count = b.count.saturating_add(1);
            return;
        }
        if self.blocked.len() >= MAX_BLOCKED {
            self.blocked_dropped += 1;
            return;
        }
        let b = BlockedAttempt {
            capability: capability.to_string(),
            category,
            message: sandbench::engine::text::truncate(&message, 400).into_owned(),
            line: None,
            column: None,
            count: 1,
        };
        (self.on_event)(ExecEvent::Blocked(b.clone()));
        self.blocked.push(b);
    }

    /// Output from the module on stdout (`err` false) or stderr: complete lines become console
    /// lines; everything past the console caps is dropped (and the console marked truncated).
    pub(super) fn console_write(&mut self, err: bool, bytes: &[u8]) {
        let i = usize::from(err);
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.console_truncated {
                return;
            }
            match rest.iter().position(|&b| b == b'\n') {
                Some(nl) => {
                    self.append_pending(i, &rest[..nl]);
                    self.emit_line(i);
                    rest = &rest[nl + 1..];
                }
                None => {
                    self.append_pending(i, rest);
                    rest = &[];
                }
            }
        }
    }

    fn append_pending(&mut self, i: usize, bytes: &[u8]) {
        // Room is kept for the truncation marker, so the console with it stays in the cap.
        let room = self
            .console_max_bytes
            .saturating_sub(self.console_bytes + self.pending[i].len() + TRUNCATION_MARKER_ROOM);
        if bytes.len() > room {
            self.pending[i].extend_from_slice(&bytes[..room]);
            self.emit_line(i);
            self.truncate_console();
        } else {
            self.pending[i].extend_from_slice(bytes);
        }
    }

    fn emit_line(&mut self, i: usize) {
        if self.console_truncated {
            return;
        }
        if self.console.len() >= self.console_max_lines {
            self.truncate_console();
            return;
        }
        let bytes = std::mem::take(&mut self.pending[i]);
        self.console_bytes += bytes.len();
        let line = ConsoleLine {
            level: if i == 1 {
                ConsoleLevel::Error
            } else {
                ConsoleLevel::Log
            },
            text: String::from_utf8_lossy(&bytes).into_owned(),
        };
        (self.on_event)(ExecEvent::Console(line.clone()));
        self.console.push(line);
    }

    /// Past a cap: one visible marker line (as a script's console has; it also tells the
    /// parent, which sees only the stream when it has to kill the worker), then nothing.
    fn truncate_console(&mut self) {
        if self.console_truncated {
            return;
        }
        self.console_truncated = true;
        let marker = ConsoleLine {
            level: ConsoleLevel::Warn,
            text: format!(
                "[console output truncated: limit of {} bytes or {} lines reached]",
                self.console_max_bytes, self.console_max_lines
            ),
        };
        (self.on_event)(ExecEvent::Console(marker.clone()));
        self.console.push(marker);
    }

    fn flush_console(&mut self) {
        for i in [0, 1] {
            if !self.pending[i].is_empty() {
                self.emit_line(i);
            }
        }
    }
}

impl ResourceLimiter for RunState {
    fn memory_growing(
        &mut self,
        _current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired.saturating_add(self.table_bytes) > self.memory_limit {
            self.memory_refused = true;
            return Err(wasmtime::Error::new(WasmTrap::Memory {
                limit_mb: self.memory_mb,
                asked: desired,
            }));
        }
        self.peak_memory = self.peak_memory.max(desired + self.table_bytes);
        Ok(true)
    }

    fn table_growing(
        &mut self,
        current: usize,
        desired: usize,
        _maximum: Option<usize>,
    ) -> wasmtime::Result<bool> {
        if desired > MAX_TABLE_ELEMENTS {
            return Err(wasmtime::Error::new(WasmTrap::Table));
        }
        self.table_bytes = self
            .table_bytes
            .saturating_add(desired.saturating_sub(current).saturating_mul(8));
        Ok(true)
    }

    // Most instances, tables and memories per run (a module has one instance).
    fn instances(&self) -> usize {
        1
    }
    fn tables(&self) -> usize {
        16
    }
    fn memories(&self) -> usize {
        1
    }
}

/// The engine configuration for a run with this stack limit and metering.
pub(crate) fn engine(stack_bytes: usize, metering: Metering) -> Result<Engine, ModuleError> {
    let mut c = Config::new();
    c.cranelift_opt_level(wasmtime::OptLevel::Speed)
        .max_wasm_stack(stack_bytes)
        .epoch_interruption(metering == Metering::Epoch)
        .consume_fuel(metering == Metering::Fuel)
        // No reservation ahead: memories fit the address-space rlimit, bounds are checked.
        .memory_reservation(0)
        .memory_guard_size(0)
        .memory_reservation_for_growth(1 << 20)
        .memory_init_cow(false)
        .wasm_backtrace_max_frames(None)
        .wasm_multi_memory(false)
        .wasm_tail_call(true);
    Engine::new(&c).map_err(|e| ModuleError::Engine(e.to_string()))
}

/// An import the sandbox refuses: every import outside WASI preview 1's functions.
fn refused_imports(module: &Module) -> Vec<(String, String)> {
    module
        .imports()
        .filter(|i| {
            !(i.module() == WASI_MODULE
                && matches!(i.ty(), ExternType::Func(_))
                && is_wasi_function(i.name()))
        })
        .map(|i| (i.module().to_string(), i.name().to_string()))
        .collect()
}

/// Parses `--invoke` arguments for the entry's parameter types.
fn params(ty: &wasmtime::FuncType, args: &[String]) -> Result<Vec<Val>, String> {
    let want: Vec<ValType> = ty.params().collect();
    if want.len() != args.len() {
        return Err(format!(
            "the export takes {} argument(s), {} given",
            want.len(),
            args.len()
        ));
    }
    want.iter()
        .zip(args)
        .map(|(t, a)| {
            let bad = || format!("argument {a:?} is not a {t}");
            Ok(match t {
                ValType::I32 => Val::I32(
                    a.parse::<i32>()
                        .or_else(|_| a.parse::<u32>().map(|u| u as i32))
                        .map_err(|_| bad())?,
                ),
                ValType::I64 => Val::I64(
                    a.parse::<i64>()
                        .or_else(|_| a.parse::<u64>().map(|u| u as i64))
                        .map_err(|_| bad())?,
                ),
                ValType::F32 => Val::F32(a.parse::<f32>().map_err(|_| bad())?.to_bits()),
                ValType::F64 => Val::F64(a.parse::<f64>().map_err(|_| bad())?.to_bits()),
                _ => return Err(format!("parameters of type {t} cannot be given")),
            })
        })
        .collect()
}

fn to_json(v: &Val) -> serde_json::Value {
    match v {
        Val::I32(x) => serde_json::json!(x),
        Val::I64(x) => serde_json::json!(x),
        Val::F32(x) => serde_json::json!(f32::from_bits(*x)),
        Val::F64(x) => serde_json::json!(f64::from_bits(*x)),
        _ => serde_json::Value::Null,
    }
}

/// A module compiled for a run (compilation is the step that maps code; see the worker).
pub(crate) struct Compiled {
    engine: Engine,
    module: Module,
    metering: Metering,
}

/// Compiles a validated binary for `req`'s limits.
pub(crate) fn compile(req: &WasmRequest, metering: Metering) -> Result<Compiled, ModuleError> {
    let stack = (req.limits.stack_kb as usize).saturating_mul(1024);
    let engine = engine(stack, metering)?;
    let module =
        Module::new(&engine, &req.module).map_err(|e| ModuleError::Invalid(format!("{e:#}")))?;
    Ok(Compiled {
        engine,
        module,
        metering,
    })
}

/// Which CPU clock the budget is counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CpuClock {
    /// The calling thread's, from the call (in-process callers: the benchmark).
    #[allow(dead_code)] // benches/wasm.rs
    Thread,
    /// Every thread of this process, from `since_ns` on that clock: the worker counts from
    /// the moment it read the request, compilation included, as the JS worker does (and as
    /// the kernel CPU timer and the parent count).
    Process { since_ns: u64 },
}

impl CpuClock {
    fn now(self) -> u64 {
        match self {
            CpuClock::Thread => thread_cpu_ns(),
            CpuClock::Process { .. } => process_cpu_ns(),
        }
    }
}

/// Runs a compiled module: refuse foreign imports, instantiate, call the entry. `cancel` is
/// polled at every tick. Streams console and blocked events through `on_event`. The CPU
/// budget is counted on this thread's clock from the call (see [`run_on`]).
#[allow(dead_code)] // benches/wasm.rs
pub(crate) fn run(
    compiled: &Compiled,
    req: &WasmRequest,
    cancel: Arc<AtomicBool>,
    on_event: Box<dyn FnMut(ExecEvent) + Send>,
) -> EvalResult {
    run_on(compiled, req, cancel, on_event, CpuClock::Thread, None)
}

/// [`run`] with the CPU budget counted on `clock`, and the request's granted directories
/// served through `port` (the parent's broker; without it there is no preopen).
pub(crate) fn run_on(
    compiled: &Compiled,
    req: &WasmRequest,
    cancel: Arc<AtomicBool>,
    on_event: Box<dyn FnMut(ExecEvent) + Send>,
    clock: CpuClock,
    port: Option<Box<dyn sandbench::engine::broker::Port + Send>>,
) -> EvalResult {
    let started = Instant::now();
    let cpu0 = match clock {
        CpuClock::Thread => thread_cpu_ns(),
        CpuClock::Process { since_ns } => since_ns,
    };
    let state = RunState {
        args: vec![req.filename.clone()],
        started,
        memory_limit: (req.limits.memory_mb as usize).saturating_mul(1024 * 1024),
        memory_mb: req.limits.memory_mb,
        peak_memory: 0,
        table_bytes: 0,
        memory_refused: false,
        console_max_bytes: req.limits.console_max_bytes,
        console_max_lines: req.limits.console_max_lines,
        console_bytes: 0,
        console: Vec::new(),
        console_truncated: false,
        pending: [Vec::new(), Vec::new()],
        blocked: Vec::new(),
        blocked_dropped: 0,
        on_event,
        files: crate::files::Files::new(&req.permissions.filesystem.read, port),
    };
    let mut store = Store::new(&compiled.engine, state);
    store.limiter(|s| s as &mut dyn ResourceLimiter);
    // The CPU budget is counted on `clock` (in the worker: the whole process since it read the
    // request). The worker's kernel CPU timer and the parent back it from outside.
    let timeout_ms = req.limits.timeout_ms;
    let cpu_deadline_ns = cpu0.saturating_add(timeout_ms.saturating_mul(1_000_000));
    match compiled.metering {
        Metering::Epoch => {
            store.set_epoch_deadline(1);
            let cancel = Arc::clone(&cancel);
            store.epoch_deadline_callback(move |ctx| {
                if cancel.load(Ordering::Relaxed) {
                    return Err(wasmtime::Error::new(WasmTrap::Cancelled));
                }
                let _ = ctx;
                if clock.now() >= cpu_deadline_ns {
                    return Err(wasmtime::Error::new(WasmTrap::Timeout(timeout_ms)));
                }
                Ok(UpdateDeadline::Continue(1))
            });
        }
        Metering::Fuel => {
            let _ = store.set_fuel(timeout_ms.saturating_mul(1_000_000));
        }
        Metering::None => {}
    }
    // The ticker: advances the epoch until the run ends.
    let done = Arc::new(AtomicBool::new(false));
    let ticker = (compiled.metering == Metering::Epoch).then(|| {
        let engine = compiled.engine.clone();
        let done = Arc::clone(&done);
        std::thread::Builder::new()
            .name("wasm-epoch".into())
            .stack_size(64 * 1024)
            .spawn(move || {
                while !done.load(Ordering::Relaxed) {
                    std::thread::sleep(TICK);
                    engine.increment_epoch();
                }
            })
    });

    let (outcome, value, error) = call(compiled, req, &mut store);
    done.store(true, Ordering::Relaxed);
    if let Some(Ok(t)) = ticker {
        let _ = t.join();
    }
    let cpu = Duration::from_nanos(clock.now().saturating_sub(cpu0));
    let mut state = store.into_data();
    state.flush_console();
    let value_display = match &value {
        Some(v) => sandbench::engine::text::truncate(&v.to_string(), 1000).into_owned(),
        None => String::new(),
    };
    let duration_ms = started.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu.as_secs_f64() * 1000.0;
    let peak_memory_bytes = state.peak_memory as u64;
    EvalResult {
        outcome,
        value,
        value_display,
        error,
        console: std::mem::take(&mut state.console),
        console_truncated: state.console_truncated,
        blocked: std::mem::take(&mut state.blocked),
        blocked_dropped: state.blocked_dropped,
        // A module has no `typeof` probes, and no `Math.random` seed (WASI `random_get` is
        // the OS's randomness).
        probes: Vec::new(),
        seed: 0,
        duration_ms,
        cpu_ms,
        peak_memory_bytes,
        usage: sandbench::engine::exec::Usage {
            cpu_ms,
            peak_memory_bytes,
            ..Default::default()
        },
    }
}

type Ended = (Outcome, Option<serde_json::Value>, Option<JsError>);

fn call(compiled: &Compiled, req: &WasmRequest, store: &mut Store<RunState>) -> Ended {
    let refused = refused_imports(&compiled.module);
    if !refused.is_empty() {
        for (m, f) in &refused {
            store.data_mut().block(
                &format!("{m}.{f}"),
                import_category(m, f),
                format!("import {m}.{f} refused: only WASI preview 1 functions are provided"),
            );
        }
        let names: Vec<String> = refused.iter().map(|(m, f)| format!("{m}.{f}")).collect();
        return (
            Outcome::Blocked,
            None,
            Some(JsError::new(
                "LinkError",
                format!("imports refused: {}", names.join(", ")),
            )),
        );
    }
    let mut linker = Linker::new(&compiled.engine);
    if let Err(e) = wasi::define(&mut linker) {
        return failed(store, e);
    }
    let instance = match linker.instantiate(&mut *store, &compiled.module) {
        Ok(i) => i,
        Err(e) => return failed(store, e),
    };
    let name = req.invoke.as_deref().unwrap_or("_start");
    let Some(func) = instance.get_func(&mut *store, name) else {
        let exports: Vec<String> = compiled
            .module
            .exports()
            .filter(|e| matches!(e.ty(), ExternType::Func(_)))
            .map(|e| e.name().to_string())
            .take(20)
            .collect();
        return (
            Outcome::Error,
            None,
            Some(JsError::new(
                "LinkError",
                format!(
                    "no exported function {name:?} (exports: {})",
                    if exports.is_empty() {
                        "none".to_string()
                    } else {
                        exports.join(", ")
                    }
                ),
            )),
        );
    };
    let ty = func.ty(&*store);
    let args = match params(&ty, &req.args) {
        Ok(a) => a,
        Err(m) => return (Outcome::Error, None, Some(JsError::new("TypeError", m))),
    };
    let mut results = vec![Val::I32(0); ty.results().len()];
    match func.call(&mut *store, &args, &mut results) {
        Ok(()) => {
            let value = match results.as_slice() {
                [] => None,
                [one] => Some(to_json(one)),
                many => Some(serde_json::Value::Array(many.iter().map(to_json).collect())),
            };
            (Outcome::Ok, value, None)
        }
        Err(e) => failed(store, e),
    }
}

/// How a failed instantiation or call ended.
fn failed(store: &mut Store<RunState>, e: wasmtime::Error) -> Ended {
    if let Some(t) = e.downcast_ref::<WasmTrap>() {
        return match t {
            WasmTrap::Exit(0) => (
                Outcome::Ok,
                Some(serde_json::json!({ "exit_code": 0 })),
                None,
            ),
            WasmTrap::Exit(code) => (
                Outcome::Error,
                Some(serde_json::json!({ "exit_code": code })),
                Some(JsError::new("ExitCode", format!("proc_exit({code})"))),
            ),
            WasmTrap::Timeout(_) => (
                Outcome::Timeout,
                None,
                Some(JsError::new("InternalError", t.to_string())),
            ),
            WasmTrap::Cancelled => (Outcome::Cancelled, None, None),
            WasmTrap::Memory { .. } | WasmTrap::Table => (
                Outcome::MemoryLimit,
                None,
                Some(JsError::new("RangeError", t.to_string())),
            ),
        };
    }
    if let Some(trap) = e.downcast_ref::<Trap>() {
        let (outcome, name) = match trap {
            Trap::StackOverflow => (Outcome::StackOverflow, "RangeError"),
            Trap::Interrupt | Trap::OutOfFuel => (Outcome::Timeout, "InternalError"),
            _ => (Outcome::Error, "RuntimeError"),
        };
        return (outcome, None, Some(JsError::new(name, format!("{trap}"))));
    }
    // A memory larger than the limit declared up front fails instantiation in the limiter.
    if store.data().memory_refused {
        return (
            Outcome::MemoryLimit,
            None,
            Some(JsError::new("RangeError", format!("{e}"))),
        );
    }
    (
        Outcome::Error,
        None,
        Some(JsError::new(
            "RuntimeError",
            sandbench::engine::text::truncate(&format!("{e:#}"), 2000).into_owned(),
        )),
    )
}
