//! `sandbench run`: run scripts in the sandbox.
//!
//! Everything is checked before anything runs: limits, `--input`, the executor and every file
//! (missing, not UTF-8, too large). A problem there is one clear line on stderr, exit code 2,
//! and nothing on stdout. Then the files run one after another on ONE executor instance, each
//! scanned first: a `block` verdict gives outcome `blocked` without running unless `--force`.
//!
//! Output is either a human report (coloured by the rule of [`super::style`]) or, with
//! `--json`, exactly one JSON object per file per line. Nothing a script prints or returns
//! reaches stdout raw: human text goes through [`escape`], and JSON lines additionally get
//! every non-ASCII control, bidi and invisible format character written as `\uXXXX` (serde_json
//! only escapes C0 controls by itself).

use super::run_permissions::{limits_for, FileGrants, Grants};
use super::style::{
    self, BLUE, BOLD, BOLD_GREEN, BOLD_MAGENTA, BOLD_RED, BOLD_YELLOW, CYAN, DIM, GREEN, PLAIN,
    RED, YELLOW,
};
use crate::engine::exec::{
    self, CancelToken, ConsoleLevel, ExecOutcome, ExecRequest, Executor, JsError, Outcome,
};
use crate::engine::policy::manifest::LimitOverrides;
use crate::engine::policy::{Limits, Permissions, Profile, MAX_CODE_BYTES};
use crate::engine::scan::{self, granted, Finding, Report, Verdict};
use crate::engine::text::{escape, truncate};
use crate::files::read_source;
use anstyle::Style;
use clap::Args;
use serde::Serialize;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, Args)]
pub struct RunArgs {
    /// Files to run, one after another (`-` reads standard input).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Executor to use (`sandbench executors` lists them; `auto` picks the strongest).
    #[arg(long, value_name = "NAME", default_value = "auto")]
    pub executor: String,
    /// CPU budget per run, in milliseconds (default 5000, max 30000).
    #[arg(long, value_name = "MS")]
    pub timeout: Option<u64>,
    /// Hard wall-clock deadline per run, in milliseconds (default 2 × timeout).
    #[arg(long = "wall-timeout", value_name = "MS")]
    pub wall_timeout: Option<u64>,
    /// Memory limit per run, in MB (default 128, max 512).
    #[arg(long, value_name = "MB")]
    pub memory: Option<u64>,
    /// JS stack limit, in KB (default 512).
    #[arg(long, value_name = "KB")]
    pub stack: Option<u64>,
    /// `strict` (default): no code generation, frozen intrinsics. `lab`: eval allowed,
    /// intrinsics writable; still no host capability.
    #[arg(long, value_name = "PROFILE", default_value = "strict")]
    pub profile: String,
    /// JSON value exposed to every script as a deeply frozen global `input`.
    #[arg(long, value_name = "JSON")]
    pub input: Option<String>,
    /// Seed for `Math.random`, which also starts the virtual clock (`Date`, `performance`) at
    /// 2024-01-01T00:00:00Z: the same code with the same seed gives the same output. Without
    /// it the seed comes from the OS (shown in the report and in `--json`).
    #[arg(long, value_name = "N")]
    pub seed: Option<u64>,
    /// As `--input`, the JSON read from a file (`-`: standard input), for values too large
    /// for one argument.
    #[arg(long = "input-file", value_name = "PATH", conflicts_with = "input")]
    pub input_file: Option<PathBuf>,
    /// One JSON object per file per line instead of the human report.
    #[arg(long)]
    pub json: bool,
    /// Run even when the scanner's verdict is `block` (the sandbox is the security boundary).
    #[arg(long)]
    pub force: bool,
    /// WebAssembly only: the export to call instead of `_start`, then its numeric arguments
    /// (put it last: every following word is an argument).
    #[arg(long, value_name = "NAME", num_args = 1.., allow_negative_numbers = true)]
    pub invoke: Option<Vec<String>>,
    #[command(flatten)]
    pub trust: super::run_trust::TrustArgs,
    #[command(flatten)]
    pub permissions: super::run_permissions::PermissionArgs,
}

/// A file that passed the checks and is ready to run.
struct Job {
    /// As shown in the output (`<stdin>` for `-`).
    display: String,
    /// The file (`None` for standard input), for the trust check.
    path: Option<PathBuf>,
    code: String,
}

/// The line written for one file with `--json`: the executor's outcome plus the scan.
#[derive(Serialize)]
struct Record<'a> {
    file: &'a str,
    #[serde(flatten)]
    outcome: &'a ExecOutcome,
    verdict: Verdict,
    score: u8,
    findings: &'a [Finding],
    /// True when a `block` verdict was overridden with `--force`.
    forced: bool,
    /// Signed / unsigned / modified since signing…
    #[serde(skip_serializing_if = "Option::is_none")]
    trust: Option<&'a crate::engine::trust::TrustState>,
    /// What the run was granted.
    #[serde(skip_serializing_if = "Option::is_none")]
    permissions: Option<&'a Permissions>,
    /// The manifest the grants came from.
    #[serde(skip_serializing_if = "Option::is_none")]
    manifest: Option<String>,
}

/// The limits given as flags: laid over a manifest's as a manifest's are over the defaults.
fn flag_limits(args: &RunArgs) -> LimitOverrides {
    LimitOverrides {
        timeout_ms: args.timeout,
        wall_timeout_ms: args.wall_timeout,
        memory_mb: args.memory,
        stack_kb: args.stack,
    }
}

/// Parses `--input`: any JSON value. A bad value is a usage error that says where.
pub fn parse_input(text: &str) -> Result<serde_json::Value, String> {
    serde_json::from_str(text).map_err(|e| format!("--input is not valid JSON: {e}"))
}

/// Reads `--input-file` (bounded like every input) and parses it as `--input` would.
fn read_input_file(path: &Path, files: &[PathBuf]) -> Result<serde_json::Value, String> {
    if path.as_os_str() == "-" && files.iter().any(|f| f.as_os_str() == "-") {
        return Err("standard input ('-') can feed a script or --input-file, not both".to_string());
    }
    let text = read_source(path, exec::MAX_INPUT_BYTES).map_err(|e| format!("--input-file {e}"))?;
    serde_json::from_str(&text)
        .map_err(|e| format!("--input-file {}: not valid JSON: {e}", display_name(path)))
}

// ── `run-options` headers ───────────────────────────────────────────────────────────────

/// A sample's (or any script's) `// run-options:` header, parsed by this command's own
/// parser: the workbench and the tests use this, so a header means exactly what the same words
/// mean on the command line.
#[derive(Debug, Clone)]
pub struct HeaderOptions {
    pub config: RunConfig,
    /// `--executor` (`auto` when not given).
    pub executor: String,
    /// `--force` (the workbench still asks before running a `block` verdict).
    pub force: bool,
}

/// Parses the words of a `run-options` header (split at whitespace, no quoting). `--input-file`
/// is refused: a header names no files.
pub fn header_options(words: &str) -> Result<HeaderOptions, String> {
    use clap::Parser;
    let mut argv = vec!["sandbench", "run"];
    argv.extend(words.split_whitespace());
    argv.push("-");
    let args = match super::Cli::try_parse_from(&argv) {
        Ok(super::Cli {
            command: Some(super::Command::Run(args)),
            ..
        }) => *args,
        Ok(_) => return Err("not options of `sandbench run`".to_string()),
        Err(e) => {
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("").trim();
            return Err(first.strip_prefix("error: ").unwrap_or(first).to_string());
        }
    };
    if args.input_file.is_some() {
        return Err("--input-file is not allowed in a header (use --input)".to_string());
    }
    Ok(HeaderOptions {
        config: RunConfig::from_args(&args)?,
        executor: args.executor.clone(),
        force: args.force,
    })
}

/// Reads every file before anything runs, so a bad file means no partial output.
fn load_jobs(files: &[PathBuf]) -> Result<Vec<Job>, String> {
    if files.iter().filter(|p| p.as_os_str() == "-").count() > 1 {
        return Err("standard input ('-') can be given only once".to_string());
    }
    files
        .iter()
        .map(|path| {
            let code = read_source(path, MAX_CODE_BYTES).map_err(|e| e.to_string())?;
            Ok(Job {
                display: display_name(path),
                path: (path.as_os_str() != "-").then(|| path.clone()),
                code,
            })
        })
        .collect()
}

fn display_name(path: &Path) -> String {
    crate::files::shown(path, "<stdin>")
}

/// The script name the engine puts in stack traces: the file's base name, restricted to
/// characters that cannot confuse `file:line:col` parsing.
pub fn script_name(path: &str) -> String {
    if path == "<stdin>" {
        return "stdin.js".to_string();
    }
    let base = Path::new(path)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let clean: String = base
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .take(64)
        .collect();
    if clean.is_empty() {
        "script.js".to_string()
    } else {
        clean
    }
}

/// What every run of one invocation shares: checked limits, profile, input and grants.
#[derive(Debug, Clone)]
pub struct RunConfig {
    /// The limits of a file without a manifest.
    pub limits: Limits,
    pub profile: Profile,
    pub input: Option<serde_json::Value>,
    /// The flags' grants and `--manifest`.
    pub grants: Grants,
    /// The permissions of a file without a manifest of its own (standard input).
    pub permissions: Permissions,
    flag_limits: LimitOverrides,
    pub seed: Option<u64>,
}

impl RunConfig {
    /// Checks the options; the error is one line for the user. Reads `--input-file`.
    pub fn from_args(args: &RunArgs) -> Result<RunConfig, String> {
        // The flags are checked over the defaults (a usage error is theirs alone), then laid
        // over the manifest's limits below.
        let flag_limits = flag_limits(args);
        let limits = limits_for(&flag_limits, &LimitOverrides::default())?;
        let profile: Profile = args.profile.parse().map_err(|e| format!("{e}"))?;
        let input = match (&args.input, &args.input_file) {
            (Some(text), _) => Some(parse_input(text)?),
            (None, Some(path)) => Some(read_input_file(path, &args.files)?),
            (None, None) => None,
        };
        let grants = Grants::from_args(&args.permissions)?;
        let base = grants.for_file(None)?;
        let limits = limits_for(&flag_limits, &base.limits).unwrap_or(limits);
        Ok(RunConfig {
            limits,
            profile,
            input,
            grants,
            permissions: base.permissions,
            flag_limits,
            seed: args.seed,
        })
    }

    /// The request for one file without a manifest of its own; `file` is the name shown to
    /// the user.
    pub fn request(&self, code: &str, file: &str) -> ExecRequest {
        ExecRequest {
            code: code.to_string(),
            filename: script_name(file),
            limits: self.limits,
            profile: self.profile,
            permissions: self.permissions.clone(),
            input: self.input.clone(),
            seed: self.seed,
        }
    }

    /// The request for one file (`path`: on disk, `None` for standard input), with the
    /// permissions and limits of its manifest and the flags; and where they came from.
    pub fn request_for(
        &self,
        code: &str,
        file: &str,
        path: Option<&Path>,
    ) -> Result<(ExecRequest, FileGrants), String> {
        let g = self.grants.for_file(path)?;
        let limits = limits_for(&self.flag_limits, &g.limits)?;
        let req = ExecRequest {
            permissions: g.permissions.clone(),
            limits,
            ..self.request(code, file)
        };
        Ok((req, g))
    }
}

/// What a `run` of scripts or modules writes with: the trust policy of `--trust…`, whether
/// to colour, and standard output. A bad trust option is a usage error (its exit code).
pub(super) fn open_output(
    args: &RunArgs,
) -> Result<
    (
        super::run_trust::RunTrust,
        bool,
        std::io::StdoutLock<'static>,
    ),
    u8,
> {
    let trust = super::run_trust::RunTrust::setup(&args.trust).map_err(super::usage_error)?;
    let color = !args.json && super::style::stdout_colour();
    Ok((trust, color, std::io::stdout().lock()))
}

pub fn main(args: RunArgs) -> u8 {
    let config = match RunConfig::from_args(&args) {
        Ok(c) => c,
        Err(e) => return super::usage_error(e),
    };
    // `.wasm` / `.wat` files run on the wasm executor (issue 15).
    if let Some(code) = super::run_wasm::dispatch(&args, &config) {
        return code;
    }
    let executor = match exec::create(&args.executor) {
        Ok(x) => x,
        Err(e) => return super::usage_error(e),
    };
    let jobs = match load_jobs(&args.files) {
        Ok(j) => j,
        Err(e) => return super::usage_error(e),
    };
    // Every request (with its manifest) is checked before any runs: a bad one is a usage
    // error, with no partial output (the executor would report it as an `error` outcome).
    let mut requests = Vec::with_capacity(jobs.len());
    for job in &jobs {
        let made = config
            .request_for(&job.code, &job.display, job.path.as_deref())
            .and_then(|(req, g)| req.validate().map(|()| (req, g)).map_err(|e| e.to_string()));
        match made {
            Ok(r) => requests.push(r),
            Err(e) => return super::usage_error(format!("{}: {e}", job.display)),
        }
    }
    let (trust, color, mut out) = match open_output(&args) {
        Ok(t) => t,
        Err(code) => return code,
    };
    let mut code = super::EXIT_OK;
    for (job, (req, grants)) in jobs.iter().zip(&requests) {
        let (plain, cache_hit) = scan::global().scan_traced(&req.code);
        // The gate honours the run's grants: what they cover is granted use, not a threat.
        let report = granted::apply_grants(&plain, &req.permissions, &|g| grants.describe(g));
        let state = trust.check(job.path.as_deref(), &job.code);
        let (outcome, forced) = match trust.refuse(&state, executor.as_ref(), req) {
            Some(refused) => (refused, false),
            None => gate(executor.as_ref(), req, &report, args.force),
        };
        if outcome.outcome != Outcome::Ok {
            code = super::EXIT_FAIL;
        }
        let text = if args.json {
            let record = Record {
                permissions: Some(&req.permissions),
                manifest: grants.manifest.as_ref().map(|m| m.display().to_string()),
                ..record_of(&job.display, &outcome, &report, forced, Some(&state))
            };
            json_text(&job.display, &record)
        } else {
            let mut t = human_report(&job.display, &outcome, &report, forced, color);
            if let Some(line) = super::run_trust::human_line(&state) {
                t.push_str(&format!("  {:<9}{line}\n", "trust"));
            }
            t.push_str(&grants_lines(grants, color));
            t
        };
        // A closed pipe (e.g. `| head`) ends the output quietly.
        let written = out.write_all(text.as_bytes()).and_then(|()| out.flush());
        // The run happened whether or not its report could be shown: audit it either way.
        let (profile, perms) = (req.profile, &req.permissions);
        trust.record(
            &job.display,
            &outcome,
            &report,
            &state,
            profile,
            perms,
            cache_hit,
            forced,
        );
        if written.is_err() {
            break;
        }
    }
    trust.finish();
    code
}

/// Scans, then runs unless the verdict is `block` and `force` is off. The scan honours the
/// request's grants (each granted use is marked with the flag that grants it).
pub fn run_one(
    executor: &dyn Executor,
    req: &ExecRequest,
    force: bool,
) -> (ExecOutcome, Report, bool) {
    let report = granted::apply_grants(&scan::scan(&req.code), &req.permissions, &|g| g.flag());
    let (outcome, forced) = gate(executor, req, &report, force);
    (outcome, report, forced)
}

/// Runs `req` unless `report` says `block` and `force` is off; then the outcome is `blocked`
/// and nothing runs. Returns the outcome and whether a `block` verdict was overridden.
pub fn gate(
    executor: &dyn Executor,
    req: &ExecRequest,
    report: &Report,
    force: bool,
) -> (ExecOutcome, bool) {
    let blocked = report.verdict == Verdict::Block;
    if blocked && !force {
        let error = gate_verdict_error(report);
        let outcome = ExecOutcome::not_run(executor.name(), req, Outcome::Blocked, Some(error));
        return (outcome, false);
    }
    let outcome = executor.run(req, &CancelToken::new(), &mut |_| {});
    (outcome, blocked)
}

/// The error of a run refused by the scanner's `block` verdict.
pub fn gate_verdict_error(report: &Report) -> JsError {
    let granted = match granted::granted_count(report) {
        0 => String::new(),
        n => format!(", with {n} granted use(s) left out"),
    };
    JsError {
        name: "ScanBlocked".to_string(),
        message: format!(
            "not run: the scanner's verdict is block (score {}{granted}); use --force to run it in the sandbox anyway",
            report.score
        ),
        stack: String::new(),
    }
}

/// Writes `\uXXXX` for every character a terminal must not see raw (see
/// [`crate::engine::text::escape_json`]): the result is the same JSON value.
pub fn escape_json_text(json: &str) -> String {
    crate::engine::text::escape_json(json).into_owned()
}

/// One JSON object for one file, on one line (with the trailing newline).
pub fn json_line(file: &str, outcome: &ExecOutcome, report: &Report, forced: bool) -> String {
    json_line_with(file, outcome, report, forced, None)
}

/// [`json_line`] with the code's trust state.
pub fn json_line_with(
    file: &str,
    outcome: &ExecOutcome,
    report: &Report,
    forced: bool,
    trust: Option<&crate::engine::trust::TrustState>,
) -> String {
    json_text(file, &record_of(file, outcome, report, forced, trust))
}

fn record_of<'a>(
    file: &'a str,
    outcome: &'a ExecOutcome,
    report: &'a Report,
    forced: bool,
    trust: Option<&'a crate::engine::trust::TrustState>,
) -> Record<'a> {
    Record {
        file,
        outcome,
        verdict: report.verdict,
        score: report.score,
        findings: &report.findings,
        forced,
        trust,
        permissions: None,
        manifest: None,
    }
}

/// A record as one escaped JSON line.
fn json_text(file: &str, record: &Record<'_>) -> String {
    let json = serde_json::to_string(record).unwrap_or_else(|e| {
        // Only reachable if a non-finite float slipped through; say so rather than panic.
        serde_json::json!({"file": file, "outcome": "crashed", "error": {"name": "Error", "message": format!("cannot serialise result: {e}"), "stack": ""}}).to_string()
    });
    let mut line = escape_json_text(&json);
    line.push('\n');
    line
}

/// The human report's `grants` lines: what the run was granted, and from which manifest.
fn grants_lines(g: &FileGrants, color: bool) -> String {
    let s = Painter { color };
    let from = match &g.manifest {
        Some(m) => format!(" (manifest {})", escape(&m.display().to_string(), false)),
        None => String::new(),
    };
    let mut out = String::new();
    for (i, line) in g.permissions.summary().iter().enumerate() {
        let label = if i == 0 { "grants" } else { "" };
        let tail = if i == 0 { from.as_str() } else { "" };
        out.push_str(&format!(
            "  {}{}{tail}\n",
            s.label(label),
            escape(line, false)
        ));
    }
    out
}

/// The human report's `usage` line.
fn usage_line(o: &ExecOutcome) -> String {
    let u = &o.usage;
    format!(
        "{} net request{} ({} in, {} out) · {} file{} read ({}) · {} module{} loaded",
        u.network_requests,
        if u.network_requests == 1 { "" } else { "s" },
        fmt_bytes(u.network_bytes_in),
        fmt_bytes(u.network_bytes_out),
        u.fs_reads,
        if u.fs_reads == 1 { "" } else { "s" },
        fmt_bytes(u.fs_bytes_read),
        u.modules_loaded,
        if u.modules_loaded == 1 { "" } else { "s" },
    )
}

/// Longest error message / stack / finding message shown in the human report.
const HUMAN_MAX_CHARS: usize = 2_000;
/// Most findings listed in the human report (the rest are counted).
const HUMAN_MAX_FINDINGS: usize = 10;
/// Most blocked attempts listed in the human report (the rest are counted).
const HUMAN_MAX_BLOCKED: usize = 50;

/// Paints the human report, or leaves it plain.
struct Painter {
    color: bool,
}

impl Painter {
    fn paint(&self, style: Style, text: &str) -> String {
        style::paint(self.color, style, text)
    }
    fn bold(&self, t: &str) -> String {
        self.paint(BOLD, t)
    }
    fn dim(&self, t: &str) -> String {
        self.paint(DIM, t)
    }
    fn label(&self, t: &str) -> String {
        self.paint(CYAN, &format!("{t:<9}"))
    }
}

/// Untrusted text for the human report: controls escaped, bounded, continuation lines indented
/// so script output can never pass for a line of the report.
fn safe(text: &str, max_chars: usize) -> String {
    let t = truncate(text, max_chars);
    escape(&t, true).replace('\n', "\n           ")
}

fn outcome_color(o: Outcome) -> Style {
    match o {
        Outcome::Ok => BOLD_GREEN,
        Outcome::Error | Outcome::Crashed | Outcome::Blocked => BOLD_RED,
        Outcome::Pending | Outcome::Cancelled => BOLD_YELLOW,
        Outcome::Timeout | Outcome::MemoryLimit | Outcome::StackOverflow => BOLD_MAGENTA,
    }
}

fn fmt_bytes(b: u64) -> String {
    if b >= 1024 * 1024 {
        format!("{:.1} MB", b as f64 / (1024.0 * 1024.0))
    } else if b < 1024 {
        // A config file of a few bytes is not "0.0 KB".
        format!("{b} B")
    } else {
        format!("{:.1} KB", b as f64 / 1024.0)
    }
}

/// A warning line (in yellow) under `label`.
fn warn(r: &mut String, s: &Painter, label: &str, text: &str) {
    use std::fmt::Write as _;
    let _ = writeln!(r, "  {}{}", s.label(label), s.paint(YELLOW, text));
}

/// ` (×n)` after an attempt made more than once.
fn times(count: u32) -> String {
    if count > 1 {
        format!(" (×{count})")
    } else {
        String::new()
    }
}

/// `… N more WHAT` under `label`, when `n` items were left out of a list.
fn more(r: &mut String, s: &Painter, label: &str, n: usize, what: &str) {
    use std::fmt::Write as _;
    if n > 0 {
        let _ = writeln!(r, "  {}… {n} more {what}", s.label(label));
    }
}

/// The human report of one file.
pub fn human_report(
    file: &str,
    o: &ExecOutcome,
    report: &Report,
    forced: bool,
    color: bool,
) -> String {
    use std::fmt::Write as _;
    let s = Painter { color };
    let mut r = String::new();
    let _ = writeln!(
        r,
        "{} {}  {}",
        s.bold("▶"),
        s.bold(&escape(file, false)),
        s.paint(outcome_color(o.outcome), o.outcome.as_str())
    );
    if o.outcome == Outcome::Ok || o.value.is_some() {
        let _ = writeln!(
            r,
            "  {}{}",
            s.label("value"),
            safe(&o.value_display, HUMAN_MAX_CHARS)
        );
    }
    for line in &o.console {
        let (name, code) = match line.level {
            ConsoleLevel::Log => ("log", PLAIN),
            ConsoleLevel::Info => ("info", BLUE),
            ConsoleLevel::Warn => ("warn", YELLOW),
            ConsoleLevel::Error => ("error", RED),
            ConsoleLevel::Debug => ("debug", DIM),
        };
        let _ = writeln!(
            r,
            "  {}{} {}",
            s.label("console"),
            s.paint(code, &format!("[{name}]")),
            safe(&line.text, HUMAN_MAX_CHARS)
        );
    }
    if o.console_truncated {
        warn(
            &mut r,
            &s,
            "console",
            "… output truncated at the console limit",
        );
    }
    if let Some(e) = &o.error {
        let _ = writeln!(
            r,
            "  {}{}",
            s.label("error"),
            s.paint(
                RED,
                &format!(
                    "{}: {}",
                    safe(&e.name, 200),
                    safe(&e.message, HUMAN_MAX_CHARS)
                )
            )
        );
        if !e.stack.trim().is_empty() {
            let _ = writeln!(
                r,
                "  {}{}",
                s.label(""),
                s.dim(&safe(e.stack.trim_end(), HUMAN_MAX_CHARS))
            );
        }
    }
    for b in o.blocked.iter().take(HUMAN_MAX_BLOCKED) {
        let loc = match (b.line, b.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            (Some(l), None) => format!("{l}"),
            _ => "?".to_string(),
        };
        let times = times(b.count);
        let _ = writeln!(
            r,
            "  {}{} {} {} — {}{times}",
            s.label("blocked"),
            s.paint(BOLD_RED, &loc),
            s.paint(YELLOW, b.category.as_str()),
            safe(&b.capability, 100),
            safe(&b.message, HUMAN_MAX_CHARS)
        );
    }
    let unlisted = o.blocked.len().saturating_sub(HUMAN_MAX_BLOCKED);
    more(&mut r, &s, "blocked", unlisted, "blocked attempts");
    for p in o.probes.iter().take(HUMAN_MAX_BLOCKED) {
        let loc = match (p.line, p.column) {
            (Some(l), Some(c)) => format!("{l}:{c}"),
            _ => "?".to_string(),
        };
        let times = times(p.count);
        let _ = writeln!(
            r,
            "  {}{} typeof {} — answered 'undefined'{times}",
            s.label("probe"),
            s.dim(&loc),
            safe(&p.capability, 100),
        );
    }
    let unlisted = o.probes.len().saturating_sub(HUMAN_MAX_BLOCKED);
    more(&mut r, &s, "probe", unlisted, "probes");
    if o.blocked_dropped > 0 {
        let n = o.blocked_dropped;
        let text = format!("{n} more blocked attempts not recorded (per-run cap reached)");
        warn(&mut r, &s, "blocked", &text);
    }
    let verdict_color = match report.verdict {
        Verdict::Allow => GREEN,
        Verdict::Review => YELLOW,
        Verdict::Block => RED,
    };
    let granted = granted::granted_count(report);
    let counted = report.findings.len() - granted;
    let _ = writeln!(
        r,
        "  {}{} (score {}, {} finding{}{}){}",
        s.label("scan"),
        s.paint(verdict_color, report.verdict.as_str()),
        report.score,
        counted,
        if counted == 1 { "" } else { "s" },
        match granted {
            0 => String::new(),
            1 => " + 1 granted use".to_string(),
            n => format!(" + {n} granted uses"),
        },
        if forced {
            ", run anyway with --force"
        } else {
            ""
        }
    );
    for f in report.findings.iter().take(HUMAN_MAX_FINDINGS) {
        let category = match &f.granted {
            Some(_) => s.paint(GREEN, "granted"),
            None => s.paint(YELLOW, f.category.as_str()),
        };
        let by = match &f.granted {
            Some(by) => format!(" (granted by {})", safe(by, 300)),
            None => String::new(),
        };
        let _ = writeln!(
            r,
            "  {}{}:{} {} {} — {}{by}",
            s.label(""),
            f.line,
            f.column,
            category,
            f.rule.as_str(),
            safe(&f.message, HUMAN_MAX_CHARS)
        );
    }
    let unlisted = report.findings.len().saturating_sub(HUMAN_MAX_FINDINGS);
    more(&mut r, &s, "", unlisted, "findings");
    let _ = writeln!(
        r,
        "  {}{:.2} ms wall · {:.2} ms cpu · heap peak {} · {} · sha256 {} · seed {}",
        s.label("stats"),
        o.duration_ms,
        o.cpu_ms,
        // 0: a worker killed before it reported its heap (the parent cannot measure it).
        match o.peak_memory_bytes {
            0 => "unknown".to_string(),
            b => fmt_bytes(b),
        },
        escape(&o.executor, false),
        crate::engine::hash::short(&o.code_sha256),
        o.seed
    );
    let _ = writeln!(r, "  {}{}", s.label("usage"), usage_line(o));
    if o.runaway_threads > 0 {
        let n = o.runaway_threads;
        let text = format!("{n} executor thread(s) abandoned after ignoring the deadline");
        warn(&mut r, &s, "warning", &text);
    }
    r
}

#[cfg(test)]
mod tests;
