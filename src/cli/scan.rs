//! `sandbench scan`: scan scripts for threats. Text (colour on a terminal), JSON or SARIF
//! 2.1.0; exit 1 when a file reaches the fail-on verdict, 2 for usage and file errors.

use super::run_permissions::FileGrants;
use crate::engine::scan::{self, granted, rules, Finding, Report, ScanContext, Verdict};
use crate::engine::text::escape;
use clap::{Args, ValueEnum};
use serde_json::{json, Value};
use std::io::Write;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// Largest file scanned (bytes).
pub(crate) const MAX_SCAN_BYTES: usize = 10 * 1024 * 1024;
/// Most files one invocation collects from directories.
pub(crate) const MAX_FILES: usize = 200_000;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Text,
    Json,
    Sarif,
}

/// `--context`: what the scanned code is (see `ScanContext`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ContextArg {
    /// Code meant to run inside the sandbox: reaching a host capability is the threat.
    Plugin,
    /// An npm dependency under audit: plain capability use scores at most review.
    Package,
}

impl From<ContextArg> for ScanContext {
    fn from(c: ContextArg) -> ScanContext {
        match c {
            ContextArg::Plugin => ScanContext::Plugin,
            ContextArg::Package => ScanContext::Package,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Block,
    Review,
    Never,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: Format,
    /// Exit 1 when any file reaches this verdict.
    #[arg(long = "fail-on", value_enum, default_value = "block")]
    pub fail_on: FailOn,
    /// What the code is: a sandboxed plugin, or an npm package under audit.
    #[arg(long, value_enum, default_value = "plugin")]
    pub context: ContextArg,
    /// Also scan inside node_modules directories.
    #[arg(long)]
    pub include_node_modules: bool,
    /// Files and directories to scan (`-` reads standard input).
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// The grants a run would have (`sandbench.toml` beside each file, or these flags, as
    /// for `run`): a finding they cover is listed as granted use and not scored.
    #[command(flatten)]
    pub permissions: super::run_permissions::PermissionArgs,
}

/// One scanned file or the error that stopped it.
pub(crate) struct Scanned {
    pub path: String,
    pub result: Result<Arc<Report>, String>,
    /// What a WebAssembly module declares (`.wasm` / `.wat` files only).
    pub wasm: Option<scan::wasm::WasmInfo>,
}

/// A WebAssembly module, scanned by `scan::wasm` (hook for issue 15).
fn is_wasm(p: &Path) -> bool {
    matches!(p.extension().and_then(|e| e.to_str()), Some("wasm" | "wat"))
}

/// Scans a `.wasm` / `.wat` file (bounded read; binary allowed).
fn scan_wasm_file(p: &Path) -> Result<(Arc<Report>, scan::wasm::WasmInfo), String> {
    let bytes = crate::files::read_bytes(p, crate::engine::exec::wasm::MAX_MODULE_BYTES)
        .map_err(|e| e.to_string())?;
    let (r, info) = scan::wasm::scan_module(&bytes);
    Ok((Arc::new(r), info))
}

fn is_js(p: &Path) -> bool {
    matches!(
        p.extension().and_then(|e| e.to_str()),
        Some("js" | "mjs" | "cjs")
    )
}

/// Expands the arguments into files: directories are walked, `node_modules` skipped unless
/// asked; errors for missing paths are kept in order. Symbolic links inside a walked directory
/// are followed when they lead to a file or directory inside that same directory (each
/// directory is walked once, so a link loop ends); a link that leads outside it, or nowhere,
/// is skipped and named in the returned notes, never silently.
pub(crate) fn collect(
    paths: &[PathBuf],
    include_node_modules: bool,
) -> Vec<Result<PathBuf, String>> {
    collect_noting(paths, include_node_modules, &mut Vec::new())
}

/// [`collect`], with what was skipped (and why) added to `notes`.
pub(crate) fn collect_noting(
    paths: &[PathBuf],
    include_node_modules: bool,
    notes: &mut Vec<String>,
) -> Vec<Result<PathBuf, String>> {
    let mut out = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Ok(p.clone()));
            continue;
        }
        match std::fs::metadata(p) {
            Err(e) => out.push(Err(format!("{}: {e}", p.display()))),
            Ok(m) if m.is_dir() => {
                let mut files = Vec::new();
                walk(p, include_node_modules, &mut files, &mut out, notes);
                files.sort();
                out.extend(files.into_iter().map(Ok));
            }
            Ok(_) => out.push(Ok(p.clone())),
        }
        if out.len() > MAX_FILES {
            out.truncate(MAX_FILES);
            out.push(Err(format!(
                "more than {MAX_FILES} files; stopped collecting"
            )));
            break;
        }
    }
    out
}

fn walk(
    dir: &Path,
    include_nm: bool,
    files: &mut Vec<PathBuf>,
    errors: &mut Vec<Result<PathBuf, String>>,
    notes: &mut Vec<String>,
) {
    // Links are followed only to targets under the walked root (compared as canonical paths),
    // and every directory is entered once (by canonical path), so a loop of links ends.
    let root = match std::fs::canonicalize(dir) {
        Ok(r) => r,
        Err(e) => {
            errors.push(Err(format!("{}: {e}", dir.display())));
            return;
        }
    };
    let mut entered = std::collections::HashSet::new();
    entered.insert(root.clone());
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let rd = match std::fs::read_dir(&d) {
            Ok(rd) => rd,
            Err(e) => {
                errors.push(Err(format!("{}: {e}", d.display())));
                continue;
            }
        };
        for entry in rd.flatten() {
            let Ok(mut ft) = entry.file_type() else {
                continue;
            };
            let path = entry.path();
            if ft.is_symlink() {
                let target = std::fs::canonicalize(&path)
                    .and_then(|t| std::fs::metadata(&t).map(|m| (t, m)));
                match target {
                    Err(e) => {
                        if is_js(&path) {
                            notes.push(format!("skipped {}: a broken link ({e})", path.display()));
                        }
                        continue;
                    }
                    Ok((t, _)) if !t.starts_with(&root) => {
                        notes.push(format!(
                            "skipped {}: a link to {}, outside {}",
                            path.display(),
                            t.display(),
                            dir.display()
                        ));
                        continue;
                    }
                    Ok((t, m)) => {
                        if m.is_dir() && !entered.insert(t) {
                            continue; // walked already (through another name, or a loop)
                        }
                        ft = m.file_type();
                    }
                }
            } else if ft.is_dir() {
                if let Ok(c) = std::fs::canonicalize(&path) {
                    if !entered.insert(c) {
                        continue;
                    }
                }
            }
            if ft.is_dir() {
                if !include_nm && entry.file_name() == "node_modules" {
                    continue;
                }
                stack.push(path);
            } else if ft.is_file() && (is_js(&path) || is_wasm(&path)) {
                files.push(path);
            }
            if files.len() > MAX_FILES {
                return;
            }
        }
    }
}

/// Scans the files in parallel (at most one worker per core), keeping the input order.
pub(crate) fn scan_files(files: &[PathBuf], context: ScanContext) -> Vec<Scanned> {
    scan_files_with(files, |src| scan::scan_cached_in(src, context))
}

/// [`scan_files`] with the scan given. The scanner promises never to panic; should it break
/// that promise on some file, that file is reported as an error (and the rest still scanned)
/// rather than silently missing from the report.
fn scan_files_with(files: &[PathBuf], scan: impl Fn(&str) -> Arc<Report> + Sync) -> Vec<Scanned> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(files.len())
        .max(1);
    let next = AtomicUsize::new(0);
    let scan_one = |p: &Path| -> Result<Arc<Report>, String> {
        let src = crate::files::read_source(p, MAX_SCAN_BYTES).map_err(|e| e.to_string())?;
        std::panic::catch_unwind(AssertUnwindSafe(|| scan(&src))).map_err(|payload| {
            format!(
                "{}: the scanner failed on this file ({}); please report it",
                p.display(),
                panic_message(payload.as_ref())
            )
        })
    };
    let mut results: Vec<Option<Scanned>> = Vec::new();
    results.resize_with(files.len(), || None);
    let work = || {
        let mut mine = Vec::new();
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(p) = files.get(i) else { break };
            let (result, wasm) = if is_wasm(p) {
                match scan_wasm_file(p) {
                    Ok((r, info)) => (Ok(r), Some(info)),
                    Err(e) => (Err(e), None),
                }
            } else {
                (scan_one(p), None)
            };
            mine.push((
                i,
                Scanned {
                    path: shown(p),
                    result,
                    wasm,
                },
            ));
        }
        mine
    };
    let mut done: Vec<(usize, Scanned)> = std::thread::scope(|s| {
        // Big stacks, so that nearly every file's syntax pass fits on the worker's own stack
        // instead of a fresh deep-stack thread per file (`scan::SCAN_THREAD_STACK`).
        let handles: Vec<_> = (0..workers)
            .filter_map(|_| {
                std::thread::Builder::new()
                    .name("scan-worker".into())
                    .stack_size(scan::SCAN_THREAD_STACK)
                    .spawn_scoped(s, work)
                    .ok()
            })
            .collect();
        // A worker only panics outside a scan; the files it had done are then filled in
        // below as errors, not dropped.
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    // No worker could start (or all stopped early): what is left is scanned here, where
    // the stack rule sends each file that does not fit to its own deep-stack thread.
    done.extend(work());
    for (i, s) in done {
        if let Some(slot) = results.get_mut(i) {
            *slot = Some(s);
        }
    }
    results
        .into_iter()
        .zip(files)
        .map(|(r, p)| {
            r.unwrap_or_else(|| Scanned {
                path: shown(p),
                result: Err(format!(
                    "{}: not scanned (a scan worker stopped)",
                    p.display()
                )),
                wasm: None,
            })
        })
        .collect()
}

/// The path as reports show it (`-` for standard input).
fn shown(p: &Path) -> String {
    crate::files::shown(p, "-")
}

/// The text of a panic payload (`panic!` with a literal or a formatted message).
fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    if let Some(s) = payload.downcast_ref::<&str>() {
        escape(s, false).into_owned()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        escape(s, false).into_owned()
    } else {
        "panic".to_string()
    }
}

pub(crate) fn main(args: ScanArgs) -> u8 {
    if args.paths.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return super::usage_error("scan: `-` (standard input) may be given only once");
    }
    let mut notes = Vec::new();
    let collected = collect_noting(&args.paths, args.include_node_modules, &mut notes);
    for n in &notes {
        eprintln!("sandbench: {}", escape(n, false));
    }
    let mut errors: Vec<String> = Vec::new();
    let mut files = Vec::new();
    for c in collected {
        match c {
            Ok(p) => files.push(p),
            Err(e) => errors.push(e),
        }
    }
    let context = ScanContext::from(args.context);
    let grants = match super::run_permissions::Grants::from_args(&args.permissions) {
        Ok(g) => g,
        Err(e) => return super::usage_error(e),
    };
    let scanned = scan_files(&files, context);
    // The gate's rule, as `run` applies it: what the file's grants cover is granted use.
    // Manifests are looked up once per directory.
    let mut per_dir: std::collections::HashMap<PathBuf, Result<FileGrants, String>> =
        std::collections::HashMap::new();
    let mut gated: Vec<(&str, Report)> = Vec::new();
    for (s, file) in scanned.iter().zip(&files) {
        let report = match &s.result {
            Ok(r) => r,
            Err(e) => {
                errors.push(e.clone());
                continue;
            }
        };
        let stdin = file.as_os_str() == "-";
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let g = if stdin {
            grants.for_file(None)
        } else {
            per_dir
                .entry(dir)
                .or_insert_with(|| grants.for_file(Some(file)))
                .clone()
        };
        match g {
            Ok(g) => gated.push((
                s.path.as_str(),
                granted::apply_grants(report, &g.permissions, &|x| g.describe(x)),
            )),
            Err(e) => errors.push(format!("{}: {e}", s.path)),
        }
    }
    let ok: Vec<(&str, &Report)> = gated.iter().map(|(p, r)| (*p, r)).collect();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    let modules: Vec<(&str, &scan::wasm::WasmInfo)> = scanned
        .iter()
        .filter_map(|s| Some((s.path.as_str(), s.wasm.as_ref()?)))
        .collect();
    let written = match args.format {
        Format::Json => writeln!(
            out,
            "{}",
            with_wasm_json(to_json(&ok, &errors, context), &modules)
        ),
        Format::Sarif => writeln!(out, "{}", to_sarif(&ok, context)),
        Format::Text => {
            let mut text = to_text(&ok, &errors, super::style::stdout_colour());
            text.push_str(&wasm_text(&modules));
            out.write_all(text.as_bytes())
        }
    };
    drop(out);
    if let Err(e) = written {
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return super::usage_error(format!("scan: writing output: {e}"));
        }
    }
    // Per file: the files that could be read are reported on stdout; each one that could not
    // is a line on stderr (and in the JSON's `errors`), and the exit code is 2.
    for e in &errors {
        eprintln!("sandbench: error: {}", escape(e, false));
    }
    if !errors.is_empty() {
        return super::EXIT_USAGE;
    }
    let threshold = match args.fail_on {
        FailOn::Block => Some(Verdict::Block),
        FailOn::Review => Some(Verdict::Review),
        FailOn::Never => None,
    };
    if threshold.is_some_and(|t| ok.iter().any(|(_, r)| r.verdict >= t)) {
        super::EXIT_FAIL
    } else {
        super::EXIT_OK
    }
}

fn summary(files: &[(&str, &Report)], errors: &[String]) -> Value {
    let count = |v: Verdict| files.iter().filter(|(_, r)| r.verdict == v).count();
    let worst = files
        .iter()
        .map(|(_, r)| r.verdict)
        .max()
        .unwrap_or(Verdict::Allow);
    json!({
        "files": files.len(),
        "errors": errors.len(),
        "allow": count(Verdict::Allow),
        "review": count(Verdict::Review),
        "block": count(Verdict::Block),
        "findings": files.iter().map(|(_, r)| r.findings.len()).sum::<usize>(),
        "max_score": files.iter().map(|(_, r)| r.score).max().unwrap_or(0),
        "verdict": worst.as_str(),
    })
}

/// The JSON document: `{"context":…,"files":[…],"summary":{…},"errors":[…]}`; each finding
/// carries its `evidence`.
pub(crate) fn to_json(files: &[(&str, &Report)], errors: &[String], context: ScanContext) -> Value {
    let list: Vec<Value> = files
        .iter()
        .map(|(path, r)| {
            json!({
                "path": path,
                "sha256": r.sha256,
                "context": r.context,
                "score": r.score,
                "verdict": r.verdict,
                "findings": r.findings,
                "metrics": r.metrics,
                "parse_error": r.parse_error,
            })
        })
        .collect();
    json!({
        "context": context,
        "files": list,
        "summary": summary(files, errors),
        "errors": errors,
    })
}

fn sarif_level(f: &Finding) -> &'static str {
    use crate::engine::scan::Severity;
    if f.granted.is_some() {
        // Granted use: shown, never a problem to fix.
        return "note";
    }
    match f.severity {
        Severity::Critical | Severity::High => "error",
        Severity::Medium => "warning",
        Severity::Low | Severity::Info => "note",
    }
}

/// `constructor-chain` → `ConstructorChain`: SARIF's readable rule name.
fn pascal(id: &str) -> String {
    id.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

/// Percent-encodes a path for a URI (RFC 3986: unreserved characters and `/` stay).
fn uri_escape(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Where a scanned file is, for SARIF: relative to `%SRCROOT%` (the working directory) when
/// it is beneath it, else an absolute `file://` URI with no base. Standard input has no file.
fn artifact_location(path: &str, root: Option<&Path>) -> Value {
    if path == "-" {
        return json!({ "uri": "stdin" });
    }
    let p = Path::new(path);
    let abs = std::fs::canonicalize(p).ok().or_else(|| {
        if p.is_absolute() {
            Some(p.to_path_buf())
        } else {
            root.map(|r| r.join(p))
        }
    });
    let Some(abs) = abs else {
        return json!({ "uri": uri_escape(&path.replace('\\', "/")) });
    };
    if let Some(rel) = root.and_then(|r| abs.strip_prefix(r).ok()) {
        let rel = rel.to_string_lossy().replace('\\', "/");
        return json!({ "uri": uri_escape(&rel), "uriBaseId": "%SRCROOT%" });
    }
    let abs = abs.to_string_lossy().replace('\\', "/");
    let abs = if abs.starts_with('/') {
        abs
    } else {
        format!("/{abs}")
    };
    json!({ "uri": format!("file://{}", uri_escape(&abs)) })
}

/// The working directory as a `file://` URI ending in `/` (SARIF's `%SRCROOT%`).
fn root_uri(root: &Path) -> String {
    let s = root.to_string_lossy().replace('\\', "/");
    let s = if s.starts_with('/') {
        s
    } else {
        format!("/{s}")
    };
    let s = uri_escape(&s);
    if s.ends_with('/') {
        format!("file://{s}")
    } else {
        format!("file://{s}/")
    }
}

/// SARIF 2.1.0 for GitHub code scanning. Rules have opaque stable ids (`SB1001`) and readable
/// names; each result carries the context, its score and the evidence behind it.
pub(crate) fn to_sarif(files: &[(&str, &Report)], context: ScanContext) -> Value {
    let root = std::env::current_dir()
        .ok()
        .and_then(|d| std::fs::canonicalize(d).ok());
    let rules: Vec<Value> = rules::RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.sarif_id,
                "name": pascal(r.id.as_str()),
                "shortDescription": { "text": format!("{}.", r.message.trim_end_matches('.')) },
                "fullDescription": { "text": format!(
                    "{}. Category {}; score {} in the plugin context, {} in the package context without evidence.",
                    r.message.trim_end_matches('.'), r.category, r.score, r.package) },
                "help": { "text": r.remediation, "markdown": r.remediation },
                "defaultConfiguration": { "level": match r.severity {
                    scan::Severity::Critical | scan::Severity::High => "error",
                    scan::Severity::Medium => "warning",
                    _ => "note",
                }},
                "properties": {
                    "sandbench-id": r.id,
                    "category": r.category,
                    "tags": ["security", r.category.as_str()],
                    "security-severity": format!("{:.1}", f64::from(r.score) / 10.0),
                    "precision": "high",
                },
            })
        })
        .collect();
    let results: Vec<Value> = files
        .iter()
        .flat_map(|(path, r)| {
            let loc = artifact_location(path, root.as_deref());
            r.findings.iter().map(move |f| {
                let rule = f.rule.rule();
                let mut message = if f.message.ends_with('.') {
                    f.message.clone()
                } else {
                    format!("{}.", f.message)
                };
                if let Some(by) = &f.granted {
                    message.push_str(&format!(" Granted use (by {by}): not scored."));
                }
                json!({
                    "ruleId": rule.sarif_id,
                    "ruleIndex": f.rule as usize,
                    "level": sarif_level(f),
                    "message": { "text": message },
                    "locations": [{
                        "physicalLocation": {
                            "artifactLocation": loc.clone(),
                            "region": {
                                "startLine": f.line,
                                "startColumn": f.column,
                                "endLine": f.end_line,
                                "endColumn": f.end_column.max(if f.end_line == f.line { f.column + 1 } else { 1 }),
                                "snippet": { "text": f.snippet },
                            }
                        }
                    }],
                    "properties": {
                        "sandbench-id": f.rule,
                        "score": f.score,
                        "category": f.category,
                        "context": r.context,
                        "evidence": f.evidence,
                        "granted": f.granted,
                    },
                })
            })
        })
        .collect();
    let mut run = json!({
        "tool": { "driver": {
            "name": "sandbench",
            "informationUri": "https://github.com/sandbench/sandbench",
            "version": env!("CARGO_PKG_VERSION"),
            "rules": rules,
        }},
        "results": results,
        "columnKind": "unicodeCodePoints",
        "properties": { "context": context },
    });
    if let Some(root) = &root {
        run["originalUriBaseIds"] = json!({ "%SRCROOT%": { "uri": root_uri(root) } });
    }
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [run],
    })
}

/// Human-readable report; ANSI colours only when `colour`.
pub(crate) fn to_text(files: &[(&str, &Report)], errors: &[String], colour: bool) -> String {
    use super::style::{BOLD, BOLD_RED, BOLD_YELLOW, CYAN, DIM, GREEN, RED, YELLOW};
    let paint = |style, s: &str| super::style::paint(colour, style, s);
    let verdict_col = |v: Verdict| match v {
        Verdict::Block => BOLD_RED,
        Verdict::Review => BOLD_YELLOW,
        Verdict::Allow => GREEN,
    };
    let mut s = String::new();
    for (path, r) in files {
        s.push_str(&format!(
            "{}  {} score {}{}\n",
            paint(BOLD, &escape(path, false)),
            paint(verdict_col(r.verdict), &r.verdict.as_str().to_uppercase()),
            r.score,
            r.parse_error
                .as_ref()
                .map(|e| format!("  (parse error: {})", escape(e, false)))
                .unwrap_or_default()
        ));
        for f in &r.findings {
            let sev = match f.score {
                80.. => RED,
                40..80 => YELLOW,
                _ => DIM,
            };
            let (sev, granted) = match &f.granted {
                Some(by) => (DIM, format!("  [granted by {}]", escape(by, false))),
                None => (sev, String::new()),
            };
            s.push_str(&format!(
                "  {}:{}  {} {}  {}{granted}\n",
                f.line,
                f.column,
                paint(sev, &format!("{:>3}", f.score)),
                paint(CYAN, f.rule.as_str()),
                f.message
            ));
            if !f.snippet.is_empty() {
                s.push_str(&format!("      {}\n", paint(DIM, &f.snippet)));
            }
        }
        if !r.findings.is_empty() {
            s.push_str(&format!("  {}\n", paint(DIM, &scan::explain_score(r))));
        }
    }
    // Errors are on stderr (see `main`); the summary counts them.
    let sum = summary(files, errors);
    s.push_str(&format!(
        "{} files: {} allow, {} review, {} block; {} errors\n",
        sum["files"], sum["allow"], sum["review"], sum["block"], sum["errors"]
    ));
    s
}

/// Adds each module's declarations to its entry of the JSON document (`"wasm": {…}`).
fn with_wasm_json(mut doc: Value, modules: &[(&str, &scan::wasm::WasmInfo)]) -> Value {
    if let Some(files) = doc.get_mut("files").and_then(Value::as_array_mut) {
        for f in files {
            let path = f.get("path").and_then(Value::as_str).map(str::to_string);
            if let Some((_, info)) = modules.iter().find(|(p, _)| Some(*p) == path.as_deref()) {
                f["wasm"] = json!(info);
            }
        }
    }
    doc
}

/// The text listing of each module's imports, exports, memories and start function.
fn wasm_text(modules: &[(&str, &scan::wasm::WasmInfo)]) -> String {
    use std::fmt::Write as _;
    let mut t = String::new();
    let list = |v: &[String]| {
        if v.is_empty() {
            "none".to_string()
        } else {
            escape(&v.join(", "), false).into_owned()
        }
    };
    for (path, m) in modules {
        let _ = writeln!(t, "\nWebAssembly module {}", escape(path, false));
        let _ = writeln!(t, "  imports   {}", list(&m.imports));
        let _ = writeln!(t, "  exports   {}", list(&m.exports));
        let _ = writeln!(t, "  memory    {}", list(&m.memories));
        let start = m
            .start
            .map_or_else(|| "none".to_string(), |s| format!("function {s}"));
        let _ = writeln!(t, "  start     {start}");
        let _ = writeln!(t, "  data      {} bytes", m.data_bytes);
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_scan_that_panics_is_an_error_for_that_file_and_the_others_are_still_scanned() {
        let dir = tempfile::tempdir().expect("tempdir");
        let files: Vec<PathBuf> = ["a.js", "boom.js", "c.js"]
            .iter()
            .map(|n| {
                let p = dir.path().join(n);
                std::fs::write(&p, format!("// {n}\neval(x)")).expect("write");
                p
            })
            .collect();
        let got = scan_files_with(&files, |src| {
            assert!(!src.contains("boom"), "fold overflow \u{1b}[2J");
            Arc::new(scan::scan(src))
        });
        assert_eq!(got.len(), 3, "every file is in the result");
        for i in [0, 2] {
            let r = got[i].result.as_ref().expect("scanned");
            assert_eq!(r.findings[0].rule, "eval-direct");
        }
        assert!(got[1].path.ends_with("boom.js"));
        let err = got[1]
            .result
            .as_ref()
            .expect_err("the panicking file is an error");
        assert!(
            err.contains("boom.js: the scanner failed on this file (fold overflow \\x1b[2J)"),
            "{err}"
        );

        // The benign twin: nothing panics, every file gets its report.
        let all = scan_files_with(&files, |src| Arc::new(scan::scan(src)));
        assert!(all.iter().all(|s| s.result.is_ok()));
    }
}
