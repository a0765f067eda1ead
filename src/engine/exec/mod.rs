//! Executors: run a script under limits and report what happened as plain data.
//!
//! An [`Executor`] runs one [`ExecRequest`] at a time on the calling thread's behalf: `run`
//! blocks until the script is finished, streaming [`ExecEvent`]s to a callback as it goes, and
//! returns the [`ExecOutcome`] (also sent as the last event, `Finished`). Cancel from another
//! thread with the [`CancelToken`].

pub mod freeze;
pub(crate) mod host;
pub(crate) mod limits;
pub(crate) mod locate;
// CPU clocks the wasm worker program (another crate) counts its budget on.
pub use limits::{process_cpu_ns, thread_cpu_ns};
pub mod lockdown;
pub(crate) mod modules;
pub mod process;
pub mod quickjs;
pub(crate) mod value;
pub mod wasm;
pub(crate) mod worker;

use crate::engine::policy::{Limits, Permissions, PolicyError, Profile, MAX_CODE_BYTES};
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// One run's input.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ExecRequest {
    pub code: String,
    /// Script name used in stack traces and blocked-attempt locations.
    pub filename: String,
    pub limits: Limits,
    pub profile: Profile,
    pub permissions: Permissions,
    /// Exposed to the script as a deeply frozen global `input`.
    pub input: Option<serde_json::Value>,
    /// Seeds `Math.random` and fixes the virtual clock's start, so that the run is replayed
    /// exactly; `None`: a seed from the OS, and the clock starts at the real time.
    #[serde(default)]
    pub seed: Option<u64>,
}

impl ExecRequest {
    pub fn new(code: impl Into<String>) -> Self {
        ExecRequest {
            code: code.into(),
            filename: "sandbox.js".to_string(),
            limits: Limits::default(),
            profile: Profile::default(),
            permissions: Permissions::default(),
            input: None,
            seed: None,
        }
    }

    /// Checks everything about the request that does not need an engine: the limits, the
    /// size of the code, the file name and the shape of `input`. Every executor runs only
    /// requests that pass (see [`Executor::run`]); the CLI and the workbench call it before
    /// they start a run, to say what is wrong without starting one.
    pub fn validate(&self) -> Result<(), RequestError> {
        self.limits.validate()?;
        self.permissions.validate()?;
        check_code_size(self.code.len())?;
        let name = &self.filename;
        if name.is_empty() || name.len() > MAX_FILENAME_BYTES || name.contains('\0') {
            return Err(RequestError::Filename {
                bytes: name.len(),
                max: MAX_FILENAME_BYTES,
            });
        }
        if let Some(input) = &self.input {
            check_input(input)?;
        }
        Ok(())
    }
}

/// Longest script file name, in bytes (it appears in every stack frame of the script).
pub const MAX_FILENAME_BYTES: usize = 1024;

/// Deepest nesting of arrays and objects in `input`: the most a worker can still parse
/// (serde_json refuses documents with more than 127 nested levels, and the request object is
/// one of them), so every executor accepts the same inputs.
pub const MAX_INPUT_DEPTH: usize = 126;

/// Largest `input`, as JSON (with the largest code, JSON-escaped, a valid request stays far
/// below what a worker accepts).
pub const MAX_INPUT_BYTES: usize = 16 * 1024 * 1024;

/// Why a request cannot run. Reported as an `error` outcome by every executor.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RequestError {
    #[error(transparent)]
    Limits(#[from] PolicyError),
    #[error("code is {bytes} bytes; the limit is {max} bytes")]
    CodeTooLarge { bytes: usize, max: usize },
    #[error("the file name must be 1 to {max} bytes without NUL (it is {bytes} bytes)")]
    Filename { bytes: usize, max: usize },
    #[error("input is nested deeper than {max} levels")]
    InputTooDeep { max: usize },
    #[error("input is over {max} bytes as JSON")]
    InputTooLarge { max: usize },
}

impl RequestError {
    /// The error a run refused for this reason reports.
    pub fn to_js_error(&self) -> JsError {
        let name = match self {
            RequestError::CodeTooLarge { .. } => "RangeError",
            _ => "PolicyError",
        };
        JsError::new(name, self.to_string())
    }
}

/// The one check of a script's size (a request's code, or code given to a sandbox directly).
pub fn check_code_size(bytes: usize) -> Result<(), RequestError> {
    if bytes > MAX_CODE_BYTES {
        return Err(RequestError::CodeTooLarge {
            bytes,
            max: MAX_CODE_BYTES,
        });
    }
    Ok(())
}

/// Depth (checked without recursion, so any value is safe to check) and JSON size of `input`.
fn check_input(input: &serde_json::Value) -> Result<(), RequestError> {
    use serde_json::Value as J;
    let mut stack = vec![(input, 1usize)];
    while let Some((v, depth)) = stack.pop() {
        let children: Box<dyn Iterator<Item = &serde_json::Value>> = match v {
            J::Array(items) => Box::new(items.iter()),
            J::Object(map) => Box::new(map.values()),
            _ => continue,
        };
        if depth > MAX_INPUT_DEPTH {
            return Err(RequestError::InputTooDeep {
                max: MAX_INPUT_DEPTH,
            });
        }
        stack.extend(children.map(|c| (c, depth + 1)));
    }
    // Counted as written, stopping at the bound.
    struct Counter(usize);
    impl std::io::Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            if self.0 > MAX_INPUT_BYTES {
                return Err(std::io::ErrorKind::FileTooLarge.into());
            }
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    serde_json::to_writer(&mut Counter(0), input).map_err(|_| RequestError::InputTooLarge {
        max: MAX_INPUT_BYTES,
    })
}

/// How a run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Ok,
    Error,
    Timeout,
    MemoryLimit,
    StackOverflow,
    /// The completion value was a promise that can no longer settle.
    Pending,
    Cancelled,
    /// The executor itself failed (a worker died by a signal, an internal error).
    Crashed,
    /// Refused before running by policy (e.g. a scanner `block` verdict).
    Blocked,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Ok => "ok",
            Outcome::Error => "error",
            Outcome::Timeout => "timeout",
            Outcome::MemoryLimit => "memory_limit",
            Outcome::StackOverflow => "stack_overflow",
            Outcome::Pending => "pending",
            Outcome::Cancelled => "cancelled",
            Outcome::Crashed => "crashed",
            Outcome::Blocked => "blocked",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsoleLevel {
    Log,
    Info,
    Warn,
    Error,
    Debug,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConsoleLine {
    pub level: ConsoleLevel,
    pub text: String,
}

/// A capability the script tried to reach and was refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlockedAttempt {
    /// What was asked for: `process`, `require`, `eval`, `Function`, `fs`, `fetch`, …
    pub capability: String,
    pub category: Category,
    pub message: String,
    /// 1-based line and column in the script, when known.
    pub line: Option<u32>,
    pub column: Option<u32>,
    /// How many times this same attempt (capability, category, line, column) happened.
    #[serde(default = "one")]
    pub count: u32,
}

fn one() -> u32 {
    1
}

/// An uncaught error.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JsError {
    pub name: String,
    pub message: String,
    pub stack: String,
}

impl JsError {
    /// An error without a stack (raised by the host, not by the script).
    pub fn new(name: &str, message: impl Into<String>) -> Self {
        JsError {
            name: name.to_string(),
            message: message.into(),
            stack: String::new(),
        }
    }
}

/// A live resource reading, emitted at least 20 times a second while a run is going.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub elapsed_ms: f64,
    /// What [`Sample::memory_kind`] says: the sandbox heap, or the worker process's RSS.
    pub memory_bytes: u64,
    pub cpu_ms: f64,
    #[serde(default)]
    pub memory_kind: MemoryKind,
}

/// What a [`Sample`]'s memory reading measures. A run's `peak_memory_bytes` is always the
/// sandbox heap; out of process the parent can only watch the worker's resident memory (RSS:
/// the heap plus the engine, its code and its stacks) while the run goes, and the heap peak
/// arrives with the worker's report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryKind {
    /// The JS heap inside the memory limit (in-process executor).
    #[default]
    Heap,
    /// The worker process's resident set size, from `/proc` (out-of-process executor).
    Rss,
}

/// The limits a run used, as reported.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct LimitsReport {
    pub timeout_ms: u64,
    pub wall_timeout_ms: u64,
    pub memory_mb: u64,
    pub stack_kb: u64,
}

impl From<&Limits> for LimitsReport {
    fn from(l: &Limits) -> Self {
        LimitsReport {
            timeout_ms: l.timeout_ms,
            wall_timeout_ms: l.wall_timeout_ms,
            memory_mb: l.memory_mb,
            stack_kb: l.stack_kb,
        }
    }
}

/// What one evaluation produced: how it ended, its value, console, refused attempts and
/// measurements. [`ExecOutcome`] adds who ran it, on what, under which limits.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct EvalResult {
    pub outcome: Outcome,
    /// The completion value as JSON (bounded), or null.
    pub value: Option<serde_json::Value>,
    /// A bounded, escaped display string of the value.
    pub value_display: String,
    pub error: Option<JsError>,
    pub console: Vec<ConsoleLine>,
    pub console_truncated: bool,
    pub blocked: Vec<BlockedAttempt>,
    /// Blocked attempts not listed in `blocked` (over the per-run cap).
    #[serde(default)]
    pub blocked_dropped: u64,
    /// `typeof` probes of absent host globals (`typeof process`), answered `'undefined'`:
    /// recorded with their location, but not refusals (a UMD wrapper or a `NODE_ENV` check
    /// probes without reaching for anything).
    #[serde(default)]
    pub probes: Vec<BlockedAttempt>,
    /// The seed `Math.random` had (`--seed`, or drawn from the OS): give it as `--seed` to
    /// replay the run's random numbers.
    #[serde(default)]
    pub seed: u64,
    pub duration_ms: f64,
    pub cpu_ms: f64,
    pub peak_memory_bytes: u64,
    /// What the run consumed, capabilities included.
    #[serde(default)]
    pub usage: Usage,
}

/// What a run consumed: time and memory (as `cpu_ms` and `peak_memory_bytes`), and what its
/// granted capabilities used, as counted by the host.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Usage {
    pub cpu_ms: f64,
    pub peak_memory_bytes: u64,
    /// HTTP requests sent (each redirect followed counts).
    pub network_requests: u64,
    /// Bytes received: response headers and bodies.
    pub network_bytes_in: u64,
    /// Bytes sent: request headers and bodies.
    pub network_bytes_out: u64,
    /// Files read.
    pub fs_reads: u64,
    /// Bytes of file content read.
    pub fs_bytes_read: u64,
    /// Modules loaded by `require`.
    pub modules_loaded: u64,
}

impl Usage {
    /// Sets the capability counts the broker keeps.
    pub fn add_broker(&mut self, u: &crate::engine::broker::BrokerUsage) {
        self.network_requests = u.network_requests;
        self.network_bytes_in = u.network_bytes_in;
        self.network_bytes_out = u.network_bytes_out;
        self.fs_reads = u.fs_reads;
        self.fs_bytes_read = u.fs_bytes_read;
    }
}

impl EvalResult {
    /// A result with nothing but how it ended (and why).
    pub fn empty(outcome: Outcome, error: Option<JsError>) -> Self {
        EvalResult {
            outcome,
            value: None,
            value_display: String::new(),
            error,
            console: Vec::new(),
            console_truncated: false,
            blocked: Vec::new(),
            blocked_dropped: 0,
            probes: Vec::new(),
            seed: 0,
            duration_ms: 0.0,
            cpu_ms: 0.0,
            peak_memory_bytes: 0,
            usage: Usage::default(),
        }
    }
}

/// Everything a finished run reports: the [`EvalResult`] (flattened: one JSON object, the
/// same fields in the same order as before it was split out) with the run's identity.
///
/// Derefs to its `result`, so `outcome.console` reads the result's console: the TUI, the CLI
/// and the tests name these fields on every outcome, and they are the result's.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecOutcome {
    pub executor: String,
    pub code_sha256: String,
    #[serde(flatten)]
    pub result: EvalResult,
    pub limits: LimitsReport,
    /// Executor threads abandoned so far because a builtin ignored the interrupt handler
    /// (in-process executor only; they are killed, not abandoned, out of process).
    #[serde(default)]
    pub runaway_threads: u32,
}

impl std::ops::Deref for ExecOutcome {
    type Target = EvalResult;
    fn deref(&self) -> &EvalResult {
        &self.result
    }
}

impl std::ops::DerefMut for ExecOutcome {
    fn deref_mut(&mut self) -> &mut EvalResult {
        &mut self.result
    }
}

impl ExecOutcome {
    /// The report of a run of `req` by `executor` (`sha`: the code's SHA-256).
    pub fn new(
        executor: &str,
        req: &ExecRequest,
        sha: String,
        result: EvalResult,
        runaway_threads: u32,
    ) -> Self {
        ExecOutcome {
            executor: executor.to_string(),
            code_sha256: sha,
            result,
            limits: LimitsReport::from(&req.limits),
            runaway_threads,
        }
    }

    /// An outcome for a run that never started (refused by policy, executor failure).
    pub fn not_run(
        executor: &str,
        req: &ExecRequest,
        outcome: Outcome,
        error: Option<JsError>,
    ) -> Self {
        let sha = crate::engine::hash::sha256_hex(req.code.as_bytes());
        ExecOutcome::new(executor, req, sha, EvalResult::empty(outcome, error), 0)
    }
}

/// What a run streams while it goes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum ExecEvent {
    Started {
        executor: String,
        code_sha256: String,
        limits: LimitsReport,
    },
    Console(ConsoleLine),
    Blocked(BlockedAttempt),
    Sample(Sample),
    Finished(Box<ExecOutcome>),
}

impl ExecEvent {
    /// The first event of a run of `req` by `executor` (`sha`: the code's SHA-256).
    pub fn started(executor: &str, req: &ExecRequest, sha: &str) -> Self {
        ExecEvent::Started {
            executor: executor.to_string(),
            code_sha256: sha.to_string(),
            limits: LimitsReport::from(&req.limits),
        }
    }
}

/// Cancels a run from another thread. Cheap to clone; all clones share one flag.
#[derive(Debug, Clone, Default)]
pub struct CancelToken(Arc<AtomicBool>);

impl CancelToken {
    pub fn new() -> Self {
        Self::default()
    }
    pub fn cancel(&self) {
        self.0.store(true, Ordering::SeqCst);
    }
    pub fn is_cancelled(&self) -> bool {
        self.0.load(Ordering::SeqCst)
    }
    /// The shared flag, for interrupt handlers.
    pub fn flag(&self) -> Arc<AtomicBool> {
        Arc::clone(&self.0)
    }
}

/// One run as [`Executor::run`] hands it to [`Executor::execute`]: a request that passed
/// [`ExecRequest::validate`], its cancel flag, and where its events go.
pub struct ExecRun<'a> {
    pub req: &'a ExecRequest,
    pub cancel: &'a CancelToken,
    pub on_event: &'a mut dyn FnMut(ExecEvent),
}

/// Something that runs scripts.
pub trait Executor: Send + Sync {
    /// Stable name: `quickjs`, `quickjs-process`.
    fn name(&self) -> &'static str;

    /// Runs one valid request to completion (or limit, or cancellation), streaming its events
    /// but not `Finished`. Implementors provide this; callers use [`Executor::run`].
    fn execute(&self, run: ExecRun<'_>) -> ExecOutcome;

    /// Runs one script to completion (or limit, or cancellation). Never panics on any script.
    /// A request that fails [`ExecRequest::validate`] is an `error` outcome without a run. The
    /// outcome is also sent as the last event, `Finished`.
    fn run(
        &self,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome {
        let mut out = match req.validate() {
            Ok(()) => self.execute(ExecRun {
                req,
                cancel,
                on_event,
            }),
            Err(e) => ExecOutcome::not_run(self.name(), req, Outcome::Error, Some(e.to_js_error())),
        };
        // Time and memory in `usage` are the outcome's own (one place fills them).
        out.usage.cpu_ms = out.cpu_ms;
        out.usage.peak_memory_bytes = out.peak_memory_bytes;
        on_event(ExecEvent::Finished(Box::new(out.clone())));
        out
    }
}

/// An executor as listed by detection.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExecutorInfo {
    pub name: String,
    pub description: String,
    pub available: bool,
    /// Why it is (not) available.
    pub reason: String,
    /// Higher is a stronger boundary. `auto` picks the strongest available.
    pub strength: u8,
    /// Shown when this executor is chosen over a stronger one, or is weak by nature.
    pub warning: Option<String>,
}

#[derive(Debug, Clone, thiserror::Error)]
pub enum ExecError {
    #[error("unknown executor '{0}' (try `sandbench executors`)")]
    Unknown(String),
    #[error("executor '{name}' is not available here: {reason}")]
    Unavailable {
        name: String,
        #[source]
        reason: process::ProbeError,
    },
    #[error("executor 'wasm' is not available here: {0}")]
    WasmUnavailable(#[from] wasm::executor::WasmUnavailable),
}

/// Every executor this build knows, with availability on this machine.
pub fn detect() -> Vec<ExecutorInfo> {
    vec![
        process::ProcessExecutor::info(),
        quickjs::QuickJsExecutor::info(),
        wasm::WasmExecutor::info(),
    ]
}

/// The name `auto` resolves to: the strongest available executor.
pub fn auto_name() -> String {
    let mut infos = detect();
    infos.retain(|i| i.available);
    infos.sort_by_key(|i| std::cmp::Reverse(i.strength));
    infos
        .first()
        .map_or_else(|| quickjs::NAME.to_string(), |i| i.name.clone())
}

/// Creates an executor by name (`auto` for the strongest available).
pub fn create(name: &str) -> Result<Box<dyn Executor>, ExecError> {
    let name = if name == "auto" {
        auto_name()
    } else {
        name.to_string()
    };
    match name.as_str() {
        quickjs::NAME => Ok(Box::new(quickjs::QuickJsExecutor::new())),
        // A pool of one: the first run starts a worker, later runs find one waiting.
        process::NAME => match process::ProcessExecutor::new() {
            Ok(e) => Ok(Box::new(e.with_pool(1))),
            Err(reason) => Err(ExecError::Unavailable { name, reason }),
        },
        wasm::NAME => match wasm::WasmExecutor::new() {
            Ok(e) => Ok(Box::new(e)),
            Err(e) => Err(ExecError::WasmUnavailable(e)),
        },
        other => Err(ExecError::Unknown(other.to_string())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// `n` arrays nested in each other around a number.
    fn nested(n: usize) -> serde_json::Value {
        (0..n).fold(json!(1), |v, _| json!([v]))
    }

    #[test]
    fn a_request_is_checked_in_one_place() {
        let ok = ExecRequest::new("1 + 1");
        assert_eq!(ok.validate(), Ok(()));

        let mut r = ok.clone();
        r.limits.memory_mb = 100_000;
        let e = r.validate().expect_err("limits");
        assert!(matches!(e, RequestError::Limits(_)));
        assert_eq!(e.to_js_error().name, "PolicyError");
        assert!(e.to_string().contains("memory"), "{e}");

        let r = ExecRequest::new("x".repeat(MAX_CODE_BYTES + 1));
        let e = r.validate().expect_err("code");
        assert_eq!(e.to_js_error().name, "RangeError");
        assert!(e.to_string().contains("limit"), "{e}");
        assert_eq!(
            ExecRequest::new("x".repeat(MAX_CODE_BYTES)).validate(),
            Ok(())
        );

        for bad in [
            String::new(),
            "a\0b.js".to_string(),
            "n".repeat(MAX_FILENAME_BYTES + 1),
        ] {
            let mut r = ok.clone();
            r.filename = bad;
            assert!(matches!(r.validate(), Err(RequestError::Filename { .. })));
        }
        // Odd but harmless names are the script's business.
        let mut r = ok.clone();
        r.filename = "evil\u{1b}[2J (x.js:9:9)\nat y.js".to_string();
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn input_depth_and_size_are_bounded() {
        let mut r = ExecRequest::new("input");
        r.input = Some(nested(MAX_INPUT_DEPTH));
        assert_eq!(r.validate(), Ok(()));
        // A worker parses every valid request.
        let wire = serde_json::to_vec(&r).expect("json");
        assert!(serde_json::from_slice::<ExecRequest>(&wire).is_ok());
        r.input = Some(json!({ "a": nested(MAX_INPUT_DEPTH) }));
        assert!(matches!(
            r.validate(),
            Err(RequestError::InputTooDeep { .. })
        ));
        // Checked without recursion: on a small stack, a far deeper value is refused.
        r.input = Some(nested(10 * MAX_INPUT_DEPTH));
        let checked = std::thread::scope(|s| {
            std::thread::Builder::new()
                .stack_size(64 * 1024)
                .spawn_scoped(s, || r.validate())
                .expect("thread")
                .join()
                .expect("no overflow")
        });
        assert!(matches!(checked, Err(RequestError::InputTooDeep { .. })));
        r.input = Some(json!(["x".repeat(MAX_INPUT_BYTES)]));
        assert!(matches!(
            r.validate(),
            Err(RequestError::InputTooLarge { .. })
        ));
        r.input = Some(json!({ "k": "x".repeat(MAX_INPUT_BYTES / 2) }));
        assert_eq!(r.validate(), Ok(()));
    }

    #[test]
    fn the_outcome_keeps_its_json_shape_with_the_result_flattened() {
        let mut o = ExecOutcome::not_run("quickjs", &ExecRequest::new("1"), Outcome::Ok, None);
        o.value = Some(json!(2));
        let text = serde_json::to_string(&o).expect("json");
        // The fields in the order they always had (one flat object).
        let keys = [
            "executor",
            "code_sha256",
            "outcome",
            "value",
            "value_display",
            "error",
            "console",
            "console_truncated",
            "blocked",
            "blocked_dropped",
            "probes",
            "seed",
            "duration_ms",
            "cpu_ms",
            "peak_memory_bytes",
            "usage",
            "limits",
            "runaway_threads",
        ];
        let at: Vec<usize> = keys
            .iter()
            .map(|k| text.find(&format!("\"{k}\":")).unwrap_or(usize::MAX))
            .collect();
        assert!(at.windows(2).all(|w| w[0] < w[1]), "{text}");
        let v: serde_json::Value = serde_json::from_str(&text).expect("json");
        assert_eq!(v.as_object().map(|m| m.len()), Some(keys.len()), "{text}");
        let back: ExecOutcome = serde_json::from_value(v).expect("parse back");
        assert_eq!(back, o);
        // Through the event stream (internally tagged) too.
        let ev = ExecEvent::Finished(Box::new(o.clone()));
        let line = serde_json::to_string(&ev).expect("json");
        assert!(line.contains(r#""outcome":"ok","value":2"#), "{line}");
        let back: ExecEvent = serde_json::from_str(&line).expect("parse back");
        assert_eq!(back, ev);
    }
}
