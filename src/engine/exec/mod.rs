//! Executors: run a script under limits and report what happened as plain data.
//!
//! An [`Executor`] runs one [`ExecRequest`] at a time on the calling thread's behalf: `run`
//! blocks until the script is finished, streaming [`ExecEvent`]s to a callback as it goes, and
//! returns the [`ExecOutcome`] (also sent as the last event, `Finished`). Cancel from another
//! thread with the [`CancelToken`].

pub mod host;
pub mod limits;
pub mod lockdown;
pub mod process;
pub mod quickjs;
pub mod value;

use crate::engine::policy::{Limits, Permissions, Profile};
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
        }
    }
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

/// A live resource reading, emitted at least 20 times a second while a run is going.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Sample {
    pub elapsed_ms: f64,
    pub memory_bytes: u64,
    pub cpu_ms: f64,
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

/// Everything a finished run reports.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExecOutcome {
    pub executor: String,
    pub code_sha256: String,
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
    pub duration_ms: f64,
    pub cpu_ms: f64,
    pub peak_memory_bytes: u64,
    pub limits: LimitsReport,
    /// Executor threads abandoned so far because a builtin ignored the interrupt handler
    /// (in-process executor only; they are killed, not abandoned, out of process).
    #[serde(default)]
    pub runaway_threads: u32,
}

impl ExecOutcome {
    /// An outcome for a run that never started (refused by policy, executor failure).
    pub fn not_run(
        executor: &str,
        req: &ExecRequest,
        outcome: Outcome,
        error: Option<JsError>,
    ) -> Self {
        ExecOutcome {
            executor: executor.to_string(),
            code_sha256: crate::engine::hash::sha256_hex(req.code.as_bytes()),
            outcome,
            value: None,
            value_display: String::new(),
            error,
            console: Vec::new(),
            console_truncated: false,
            blocked: Vec::new(),
            blocked_dropped: 0,
            duration_ms: 0.0,
            cpu_ms: 0.0,
            peak_memory_bytes: 0,
            limits: LimitsReport::from(&req.limits),
            runaway_threads: 0,
        }
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

/// Something that runs scripts.
pub trait Executor: Send + Sync {
    /// Stable name: `quickjs`, `quickjs-process`.
    fn name(&self) -> &'static str;
    /// Runs one script to completion (or limit, or cancellation). Never panics on any script.
    fn run(
        &self,
        req: &ExecRequest,
        cancel: &CancelToken,
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ExecOutcome;
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

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ExecError {
    #[error("unknown executor '{0}' (try `sandbench executors`)")]
    Unknown(String),
    #[error("executor '{name}' is not available here: {reason}")]
    Unavailable { name: String, reason: String },
}

/// Every executor this build knows, with availability on this machine.
pub fn detect() -> Vec<ExecutorInfo> {
    vec![
        process::ProcessExecutor::info(),
        quickjs::QuickJsExecutor::info(),
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
        other => Err(ExecError::Unknown(other.to_string())),
    }
}
