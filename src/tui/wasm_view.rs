//! The read-only view of a `.wasm` binary in the workbench: not its bytes but what it asks
//! for and offers — imports (module, field, kind, WASI or refused, capability category),
//! exports, memory limits, start function, and the data-segment strings the scanner flags.
//! Built off the UI thread (it parses and scans the module), bounded in every list, and
//! escaped like everything else a file supplies.

use crate::engine::exec::wasm::{import_category, is_wasi_function, module_bytes, WASI_MODULE};
use crate::engine::scan::RuleId;
use crate::engine::text;
use std::fmt::Write as _;
use std::sync::Arc;
use wasmparser::{Parser, Payload, TypeRef};

/// A `.wasm` file as opened.
#[derive(Debug, Clone, PartialEq)]
pub struct ModuleView {
    /// The file's bytes: what is scanned, hashed and checked against a signature.
    pub file: Arc<[u8]>,
    /// The validated module binary (the file itself, or what its text compiles to): what
    /// runs.
    pub binary: Arc<[u8]>,
    /// The description shown in the editor pane.
    pub text: String,
    /// The SHA-256 of `file` (hex), taken when the file was opened, off the UI thread.
    pub sha256: String,
}

/// Most imports, exports, memories and strings listed (the rest are counted).
const MAX_LISTED: usize = 200;
/// Longest name shown (escaped, then cut).
const MAX_NAME: usize = 60;

/// Reads a module file's bytes into its view; a module that does not parse or validate (or
/// is over the size limit) is an error naming why.
pub fn open(title: &str, file: Vec<u8>) -> Result<ModuleView, String> {
    let binary = module_bytes(&file).map_err(|e| e.to_string())?;
    let file: Arc<[u8]> = Arc::from(file);
    let binary: Arc<[u8]> = if binary.as_slice() == &*file {
        Arc::clone(&file)
    } else {
        Arc::from(binary)
    };
    let sha256 = crate::engine::hash::sha256_hex(&file);
    let text = describe(title, &file, &binary, &sha256);
    Ok(ModuleView {
        file,
        binary,
        text,
        sha256,
    })
}

fn name(s: &str) -> String {
    text::truncate(&text::escape(s, false), MAX_NAME).into_owned()
}

/// What a WASI function needs, if it is one of those that ask for a capability (what the
/// wasm worker answers with an error and records as a blocked attempt).
fn wasi_capability(field: &str) -> Option<&'static str> {
    if field.starts_with("path_") {
        Some("filesystem")
    } else if field.starts_with("sock_") {
        Some("network")
    } else if field == "proc_raise" {
        Some("process-access")
    } else {
        None
    }
}

fn pages(n: u64) -> String {
    let bytes = n.saturating_mul(64 * 1024);
    if bytes >= 1024 * 1024 {
        format!("{} MiB", bytes / (1024 * 1024))
    } else {
        format!("{} KiB", bytes / 1024)
    }
}

fn describe(title: &str, file: &[u8], binary: &[u8], sha: &str) -> String {
    let mut imports: Vec<[String; 4]> = Vec::new();
    let mut n_imports = 0usize;
    let mut exports: Vec<(String, &'static str)> = Vec::new();
    let mut n_exports = 0usize;
    let mut memories: Vec<String> = Vec::new();
    let mut imported_memories: Vec<String> = Vec::new();
    let mut start = None;
    let mut segments = 0usize;
    let mut data_bytes = 0usize;
    for payload in Parser::new(0).parse_all(binary) {
        // The module validated: every payload parses. Stop quietly if one does not.
        let Ok(payload) = payload else { break };
        match payload {
            Payload::ImportSection(reader) => {
                for imp in reader.into_imports().flatten() {
                    n_imports += 1;
                    if let TypeRef::Memory(m) = imp.ty {
                        if imported_memories.len() < MAX_LISTED {
                            imported_memories.push(memory(m.initial, m.maximum));
                        }
                    }
                    if imports.len() >= MAX_LISTED {
                        continue;
                    }
                    let func = matches!(imp.ty, TypeRef::Func(_) | TypeRef::FuncExact(_));
                    let wasi = imp.module == WASI_MODULE && func && is_wasi_function(imp.name);
                    let (status, category) = if wasi {
                        let cap = wasi_capability(imp.name).unwrap_or("—");
                        ("WASI", cap.to_string())
                    } else {
                        (
                            "refused",
                            import_category(imp.module, imp.name).as_str().to_string(),
                        )
                    };
                    imports.push([
                        format!("{}.{}", name(imp.module), name(imp.name)),
                        crate::engine::scan::wasm::import_kind(&imp.ty).to_string(),
                        status.to_string(),
                        category,
                    ]);
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader.into_iter().flatten() {
                    n_exports += 1;
                    if exports.len() < MAX_LISTED {
                        exports
                            .push((name(e.name), crate::engine::scan::wasm::export_kind(e.kind)));
                    }
                }
            }
            Payload::MemorySection(reader) => {
                for m in reader.into_iter().flatten() {
                    if memories.len() < MAX_LISTED {
                        memories.push(memory(m.initial, m.maximum));
                    }
                }
            }
            Payload::StartSection { func, .. } => start = Some(func),
            Payload::DataSection(reader) => {
                for d in reader.into_iter().flatten() {
                    segments += 1;
                    data_bytes += d.data.len();
                }
            }
            _ => {}
        }
    }
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{} — WebAssembly binary, {} bytes, sha256 {}",
        name(title),
        file.len(),
        crate::engine::hash::short(sha)
    );
    out.push_str("read-only: this is what the module declares, not its bytes\n");
    out.push_str("F5 runs its _start on the wasm executor; the Threats pane is its scan\n\n");
    let _ = writeln!(out, "imports ({n_imports})");
    if n_imports == 0 {
        out.push_str("  none: the module asks the host for nothing\n");
    }
    let w = imports
        .iter()
        .map(|i| i[0].chars().count())
        .max()
        .unwrap_or(0);
    for [label, kind, status, category] in &imports {
        let _ = writeln!(out, "  {label:<w$}  {kind:<6}  {status:<7}  {category}");
    }
    if n_imports > imports.len() {
        let _ = writeln!(out, "  … and {} more", n_imports - imports.len());
    }
    if imports.iter().any(|i| i[2] == "refused") {
        out.push_str(
            "  refused: not WASI preview 1; the run stops before the module starts (blocked)\n",
        );
    }
    if imports.iter().any(|i| i[2] == "WASI" && i[3] != "—") {
        out.push_str(
            "  a WASI call in a category answers an error when the run has no grant for it, and is listed as blocked\n",
        );
    }
    let _ = writeln!(out, "\nexports ({n_exports})");
    if n_exports == 0 {
        out.push_str("  none\n");
    }
    let w = exports
        .iter()
        .map(|e| e.0.chars().count())
        .max()
        .unwrap_or(0);
    for (n, k) in &exports {
        let _ = writeln!(out, "  {n:<w$}  {k}");
    }
    if n_exports > exports.len() {
        let _ = writeln!(out, "  … and {} more", n_exports - exports.len());
    }
    if !exports.iter().any(|(n, k)| n == "_start" && *k == "func") {
        out.push_str("  no _start function: F5 has nothing to call\n");
    }
    out.push_str("\nmemory\n");
    if memories.is_empty() && imported_memories.is_empty() {
        out.push_str("  none\n");
    }
    for (i, m) in memories.iter().enumerate() {
        let _ = writeln!(out, "  memory {i}: {m}");
    }
    for m in &imported_memories {
        let _ = writeln!(out, "  imported: {m}");
    }
    out.push_str("\nstart function\n");
    match start {
        Some(f) => {
            let _ = writeln!(out, "  func {f}: runs when the module is instantiated");
        }
        None => out.push_str("  none\n"),
    }
    let _ = writeln!(out, "\ndata segments: {segments}, {data_bytes} bytes");
    // The scanner's own reading of the data strings (the same rules `sandbench scan` applies).
    let (report, _) = crate::engine::scan::wasm::scan_module(file);
    let mut flagged: Vec<(String, Vec<&'static str>)> = Vec::new();
    for f in &report.findings {
        if is_import_rule(f.rule) || f.rule == RuleId::WasmUnboundedMemory {
            continue;
        }
        let room = flagged.len() < MAX_LISTED;
        match flagged.iter_mut().find(|(s, _)| *s == f.snippet) {
            Some((_, rules)) => rules.push(f.rule.as_str()),
            None if room => flagged.push((f.snippet.clone(), vec![f.rule.as_str()])),
            None => {}
        }
    }
    if flagged.is_empty() {
        out.push_str("  no string the scanner flags\n");
    } else {
        out.push_str("  strings the scanner flags:\n");
        for (s, rules) in &flagged {
            let _ = writeln!(out, "  \"{s}\"  {}", rules.join(", "));
        }
    }
    out
}

fn memory(initial: u64, maximum: Option<u64>) -> String {
    match maximum {
        Some(max) => format!(
            "{initial}..{max} pages ({}..{})",
            pages(initial),
            pages(max)
        ),
        None => format!(
            "{initial} pages ({}), no maximum: grows until the run's memory limit",
            pages(initial)
        ),
    }
}

/// The scanner's rules that name an import (their snippet is `module.field`).
pub fn is_import_rule(rule: RuleId) -> bool {
    matches!(
        rule,
        RuleId::WasmHostImport
            | RuleId::WasmCommandImport
            | RuleId::WasmWasiFilesystem
            | RuleId::WasmWasiNetwork
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wasm(wat: &str) -> Vec<u8> {
        module_bytes(wat.as_bytes()).expect("valid text")
    }

    #[test]
    fn lists_imports_exports_memory_start_and_flagged_strings() {
        let bin = wasm(
            r#"(module
              (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (import "env" "system" (func (param i32) (result i32)))
              (memory (export "memory") 1 2)
              (data (i32.const 0) "/etc/passwd")
              (func $s) (start $s)
              (func (export "_start")))"#,
        );
        let v = open("m.wasm", bin).expect("opens");
        let t = &v.text;
        for want in [
            "imports (3)",
            "memory 0: 1..2 pages (64 KiB..128 KiB)",
            "func 3: runs when the module is instantiated",
        ] {
            assert!(t.contains(want), "{want} in {t}");
        }
        // Lines the view must hold, one test a line.
        let lines: [fn(&str) -> bool; 5] = [
            |l| {
                l.contains("wasi_snapshot_preview1.fd_write")
                    && l.contains("WASI")
                    && l.trim_end().ends_with('—')
            },
            |l| l.contains(".path_open") && l.contains("filesystem"),
            |l| l.contains("env.system") && l.contains("refused") && l.contains("child-process"),
            |l| l.contains("\"/etc/passwd\"") && l.contains("sensitive-path"),
            |l| l.trim_start().starts_with("_start") && l.contains("func"),
        ];
        for (i, line) in lines.into_iter().enumerate() {
            assert!(t.lines().any(line), "line {i} missing: {t}");
        }
    }

    #[test]
    fn invalid_and_oversized_modules_are_errors() {
        let e = open("x.wasm", b"\0asm\x01\0\0\0\x05\xff".to_vec()).expect_err("invalid");
        assert!(
            e.contains("invalid module") || e.contains("not a WebAssembly"),
            "{e}"
        );
        let big = vec![0u8; crate::engine::exec::wasm::MAX_MODULE_BYTES + 1];
        let e = open("x.wasm", big).expect_err("too large");
        assert!(e.contains("limit"), "{e}");
    }

    #[test]
    fn names_with_control_characters_are_escaped() {
        let bin = wasm("(module (func (export \"a\\1b[2Jb\")))");
        let v = open("x.wasm", bin).expect("opens");
        assert!(!v.text.contains('\u{1b}'), "{:?}", v.text);
        assert!(v.text.contains("no _start function"), "{}", v.text);
    }
}
