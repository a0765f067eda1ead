//! What the parent knows of a module without an engine: reading `.wasm` / `.wat` input
//! (size, text to binary, validation), the names of WASI preview 1, and the category of an
//! import. Pure Rust (`wat`, `wasmparser`), used by `run`, `scan` and the executor's parent
//! side; the engine itself (wasmtime) is linked only into `sandbench-wasm-worker`.

use crate::engine::Category;

/// The module name of WASI preview 1.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// Every function of WASI preview 1 (46). The worker's table
/// (`src/bin/sandbench-wasm-worker/wasi.rs`) defines each of them, granted or refused, and its tests check that it covers
/// exactly this list; an import of anything else is refused before instantiation.
pub const WASI_FUNCTIONS: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "environ_get",
    "environ_sizes_get",
    "fd_advise",
    "fd_allocate",
    "fd_close",
    "fd_datasync",
    "fd_fdstat_get",
    "fd_fdstat_set_flags",
    "fd_fdstat_set_rights",
    "fd_filestat_get",
    "fd_filestat_set_size",
    "fd_filestat_set_times",
    "fd_pread",
    "fd_prestat_dir_name",
    "fd_prestat_get",
    "fd_pwrite",
    "fd_read",
    "fd_readdir",
    "fd_renumber",
    "fd_seek",
    "fd_sync",
    "fd_tell",
    "fd_write",
    "path_create_directory",
    "path_filestat_get",
    "path_filestat_set_times",
    "path_link",
    "path_open",
    "path_readlink",
    "path_remove_directory",
    "path_rename",
    "path_symlink",
    "path_unlink_file",
    "poll_oneoff",
    "proc_exit",
    "proc_raise",
    "random_get",
    "sched_yield",
    "sock_accept",
    "sock_recv",
    "sock_send",
    "sock_shutdown",
];

/// Whether `name` is a function of WASI preview 1 (an import of anything else is refused).
pub fn is_wasi_function(name: &str) -> bool {
    WASI_FUNCTIONS.contains(&name)
}

/// Why a module cannot be run at all (before any of its code runs).
#[derive(Debug, thiserror::Error)]
pub enum ModuleError {
    #[error("module is {bytes} bytes; the limit is {max} bytes")]
    TooLarge { bytes: usize, max: usize },
    #[error("not a WebAssembly module: {0}")]
    Parse(String),
    #[error("invalid module: {0}")]
    Invalid(String),
    #[error("engine: {0}")]
    Engine(String),
}

/// Largest module accepted (binary or text), in bytes.
pub const MAX_MODULE_BYTES: usize = 8 * 1024 * 1024;

/// A module's binary from a `.wasm` file's bytes or `.wat` text (decided by the `\0asm` magic),
/// checked for size and validated. Pure Rust (wat, wasmparser): safe to run in the parent.
pub fn module_bytes(input: &[u8]) -> Result<Vec<u8>, ModuleError> {
    if input.len() > MAX_MODULE_BYTES {
        return Err(ModuleError::TooLarge {
            bytes: input.len(),
            max: MAX_MODULE_BYTES,
        });
    }
    let binary = if input.starts_with(b"\0asm") {
        input.to_vec()
    } else {
        // wat's message spans lines (a source excerpt under the error): one line here.
        wat::parse_bytes(input)
            .map_err(|e| {
                let one: Vec<String> = e.to_string().split_whitespace().map(String::from).collect();
                ModuleError::Parse(crate::engine::text::truncate(&one.join(" "), 300).into_owned())
            })?
            .into_owned()
    };
    if binary.len() > MAX_MODULE_BYTES {
        return Err(ModuleError::TooLarge {
            bytes: binary.len(),
            max: MAX_MODULE_BYTES,
        });
    }
    validate(&binary)?;
    Ok(binary)
}

/// Validates a binary with the features the engine enables (no threads, GC or components).
pub fn validate(binary: &[u8]) -> Result<(), ModuleError> {
    use wasmparser::{Validator, WasmFeatures};
    let features = WasmFeatures::WASM2 | WasmFeatures::TAIL_CALL;
    Validator::new_with_features(features)
        .validate_all(binary)
        .map(|_| ())
        .map_err(|e| ModuleError::Invalid(e.to_string()))
}

/// The category of a refused import, from its name (what the scanner would call it).
pub fn import_category(module: &str, field: &str) -> Category {
    let s = format!("{module} {field}").to_ascii_lowercase();
    let has = |words: &[&str]| words.iter().any(|w| s.contains(w));
    if has(&[
        "exec", "spawn", "system", "fork", "popen", "shell", "command",
    ]) {
        Category::ChildProcess
    } else if has(&["sock", "http", "fetch", "net", "connect", "url", "dns"]) {
        Category::Network
    } else if has(&["file", "open", "read", "write", "path", "dir", "fs"]) {
        Category::Filesystem
    } else if has(&["env", "process", "getpid", "signal", "kill"]) {
        Category::ProcessAccess
    } else if has(&["eval", "compile", "instantiate"]) {
        Category::CodeGeneration
    } else {
        Category::ModuleLoading
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_snapshot_has_46_functions_listed_once() {
        let mut names = WASI_FUNCTIONS.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), 46);
        assert!(is_wasi_function("path_open") && !is_wasi_function("system"));
    }

    #[test]
    fn text_and_binary_read_alike_and_bad_input_is_an_error() {
        let bin = module_bytes(b"(module (func (export \"f\")))").expect("valid text");
        assert!(bin.starts_with(b"\0asm"));
        assert_eq!(module_bytes(&bin).expect("valid binary"), bin);
        assert!(matches!(
            module_bytes(b"(module"),
            Err(ModuleError::Parse(_))
        ));
        let big = vec![b' '; MAX_MODULE_BYTES + 1];
        assert!(matches!(
            module_bytes(&big),
            Err(ModuleError::TooLarge { .. })
        ));
    }
}
