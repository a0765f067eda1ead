//! The WebAssembly executor (`wasm`), the parent's side: wasmtime runs in a locked-down worker
//! program of its own, `sandbench-wasm-worker` (`src/bin/sandbench-wasm-worker/`, the only
//! crate that names wasmtime), so that nothing here, in `sandbench` or in `sandbench-worker`
//! (the JS worker) links a WebAssembly engine.
//!
//! - [`module`]: reading `.wasm` / `.wat` input (size, text to binary, validation), the names
//!   of WASI preview 1, the category of an import (pure Rust: `wat`, `wasmparser`).
//! - [`executor`]: start the worker, hand it the module, relay its events (bounded,
//!   checked), watch its CPU clock and `/proc`, kill it at the CPU budget or wall deadline.
//! - [`WasmRequest`]: one run's input, on the wire to the worker.
//!
//! A module's imports are its requested capabilities: anything outside WASI preview 1 is
//! refused before instantiation (a Blocked event per import, outcome `blocked`); WASI calls
//! that need a capability (paths, sockets, signals) answer a WASI error and are recorded.
//! A directory of `Permissions.filesystem.read` is a read-only preopen (fd 3, 4, … named by
//! its granted path) whose lookups and reads the parent's broker performs.

pub mod executor;
pub mod module;

pub use executor::{read_only, WasmExecutor, NAME, WASM_WORKER_ENV, WASM_WORKER_PROGRAM};
pub use module::{
    import_category, is_wasi_function, module_bytes, validate, ModuleError, MAX_MODULE_BYTES,
    WASI_FUNCTIONS, WASI_MODULE,
};

use crate::engine::policy::{Limits, Permissions};
use serde::{Deserialize, Serialize};

/// One wasm run's input. On the wire (parent → worker) the header is one JSON line (this
/// struct without `module`, with its length) followed by the module's bytes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WasmRequest {
    /// A validated module binary (see [`module_bytes`]).
    #[serde(skip)]
    pub module: Vec<u8>,
    /// Name shown as the module's `argv[0]` and in reports.
    pub filename: String,
    pub limits: Limits,
    /// The export to call (`_start` when `None`).
    pub invoke: Option<String>,
    /// Numeric arguments for `invoke`, parsed for its parameter types.
    pub args: Vec<String>,
    /// What the module is granted: only `filesystem.read` (each directory a read-only WASI
    /// preopen served by the parent's broker) and the capability limits; a network grant is
    /// refused by [`check_request`] (a module has no sockets).
    #[serde(default)]
    pub permissions: Permissions,
}

impl WasmRequest {
    pub fn new(module: Vec<u8>, filename: impl Into<String>, limits: Limits) -> Self {
        WasmRequest {
            module,
            filename: filename.into(),
            limits,
            invoke: None,
            args: Vec::new(),
            permissions: Permissions::none(),
        }
    }
}

/// CPU time past the budget at which the worker is killed (by its kernel CPU timer, and by
/// the parent's reading of its clock). Wider than the JS worker's: the epoch is checked every
/// [`engine::TICK`] of wall time, and the trap's report needs its CPU too; a run still ends
/// within the budget + 50 ms.
pub const CPU_KILL_MARGIN: std::time::Duration = std::time::Duration::from_millis(20);

/// Most `--invoke` arguments, and the longest export name / file name accepted.
pub const MAX_ARGS: usize = 64;
pub const MAX_NAME_BYTES: usize = 1024;

/// Why a request cannot be run (checked by the parent before a worker starts).
pub fn check_request(req: &WasmRequest) -> Result<(), String> {
    req.limits.validate().map_err(|e| e.to_string())?;
    req.permissions.validate().map_err(|e| e.to_string())?;
    if req.permissions.grants_network() {
        return Err(
            "a WebAssembly module gets no network (WASI preview 1 has no way to \
                    connect): grant hosts to scripts only"
                .to_string(),
        );
    }
    if req.module.len() > MAX_MODULE_BYTES {
        return Err(format!(
            "module is {} bytes; the limit is {MAX_MODULE_BYTES} bytes",
            req.module.len()
        ));
    }
    if req.args.len() > MAX_ARGS || req.args.iter().any(|a| a.len() > 64) {
        return Err(format!(
            "at most {MAX_ARGS} arguments of up to 64 bytes each"
        ));
    }
    let name_ok = |s: &str| !s.is_empty() && s.len() <= MAX_NAME_BYTES && !s.contains('\0');
    if !name_ok(&req.filename) || req.invoke.as_deref().is_some_and(|s| !name_ok(s)) {
        return Err(format!(
            "file and export names must be 1 to {MAX_NAME_BYTES} bytes without NUL"
        ));
    }
    Ok(())
}
