//! Runs: the request (after the scan's verdict), and the events coming back, escaped and
//! bounded on arrival so nothing a script sends can grow without limit or reach the screen raw.
//!
//! Results belong to the buffer they were produced from and to its code: a run of another
//! buffer finishes into that buffer's stash, never into the one shown; a buffer edited since
//! its run shows the run as stale and marks nothing in the editor.

use super::diff::{run_diff, DiffRow};
use super::{App, Overlay, ResultsTab, RunQuestion, MAX_HISTORY};
use crate::engine::exec::{
    BlockedAttempt, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, MemoryKind, Outcome, Sample,
};
use crate::engine::hash;
use crate::engine::policy::{Limits, Permissions};
use crate::engine::scan::{Report, Verdict};
use crate::engine::text;
use crate::tui::action::{Effect, RunAudit};
use crate::tui::recovery::Origin;
use std::collections::VecDeque;
use std::path::Path;

/// Bounds on everything kept from a script's output. The console keeps what the run kept:
/// the engine's own bound (`Limits::console_max_lines`, 10,000 by default, and
/// `console_max_bytes`) plus its truncation marker; this is the ceiling the workbench allows
/// itself whatever an executor sends.
pub const MAX_CONSOLE_LINES: usize = crate::engine::policy::DEFAULT_CONSOLE_MAX_LINES + 1;
pub const MAX_CONSOLE_BYTES: usize = crate::engine::policy::DEFAULT_CONSOLE_MAX_BYTES + 64 * 1024;
/// A console line or an error message (characters), as kept and as the Diff tab shows it.
pub const MAX_LINE_CHARS: usize = 1_000;
/// Blocked attempts kept per run.
pub const MAX_BLOCKED: usize = 500;

/// The text of the buffer a run runs (or ran).
#[derive(Debug, Clone, PartialEq)]
pub struct RunCode {
    /// The buffer generation.
    pub generation: u64,
    /// The SHA-256 of the text as its scan names it: for a script the outcome's own hash;
    /// for a `.wat` buffer the text's (the outcome hashes the binary it compiles to), so
    /// reopening the unchanged buffer still finds its results fresh.
    pub sha256: String,
}

/// A run in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRun {
    pub id: u64,
    /// The buffer it runs.
    pub origin: Origin,
    pub code: RunCode,
    pub executor: String,
    pub limits: Limits,
    pub trace: SampleTrace,
    pub console: VecDeque<ConsoleLine>,
    console_bytes: usize,
    /// Lines the workbench did not keep (over its own bound; the engine stops first).
    pub console_dropped: usize,
    pub blocked: Vec<BlockedAttempt>,
    pub cancelling: bool,
    pub ticks: u64,
    /// What it was granted when it started.
    pub permissions: Permissions,
}

impl LiveRun {
    /// Elapsed milliseconds, from the engine's samples when it sends them.
    pub fn elapsed_ms(&self) -> f64 {
        self.trace
            .samples
            .back()
            .map_or(self.ticks as f64 * 100.0, |s| s.elapsed_ms)
    }
}

/// A run's resource samples, as the Resources pane draws them.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SampleTrace {
    /// The newest samples (at most [`SampleTrace::MAX_SAMPLES`]).
    pub samples: VecDeque<Sample>,
    /// What the samples' memory reading is (heap in process, worker RSS out of process).
    pub memory_kind: MemoryKind,
    /// The highest RSS sample seen (all samples count, also those no longer kept).
    pub rss_peak: Option<u64>,
}

impl SampleTrace {
    /// Samples kept: the newest.
    pub const MAX_SAMPLES: usize = 1_200;

    fn push(&mut self, s: Sample) {
        self.memory_kind = s.memory_kind;
        if s.memory_kind == MemoryKind::Rss {
            self.rss_peak = Some(self.rss_peak.unwrap_or(0).max(s.memory_bytes));
        }
        if self.samples.len() >= Self::MAX_SAMPLES {
            self.samples.pop_front();
        }
        self.samples.push_back(s);
    }
}

/// A finished run, with everything from the script already escaped and bounded.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedRun {
    pub outcome: ExecOutcome,
    pub trace: SampleTrace,
    pub code: RunCode,
    /// Console lines the workbench itself dropped (over its bound).
    pub console_dropped: usize,
    /// What the run was granted (for the Diff tab: a grant added between two runs shows).
    pub permissions: Permissions,
}

impl FinishedRun {
    /// The sandbox heap's peak, as shown (`—` when the executor could not measure it: a
    /// worker killed before it reported).
    pub fn heap_peak_label(&self) -> String {
        match self.outcome.peak_memory_bytes {
            0 => "—".to_string(),
            b => crate::tui::ui::fmt_bytes(b),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at_unix: u64,
    pub executor: String,
    pub outcome: Outcome,
    pub duration_ms: f64,
    /// The sandbox heap's peak (0: not measured).
    pub peak_memory_bytes: u64,
    pub code_hash: String,
}

/// A buffer's finished runs. The buffer shown keeps them in [`App::runs`], a stashed buffer
/// in its stash: one type, so that a run finishing into either is recorded the same way.
#[derive(Debug, Clone, Default)]
pub struct Runs {
    /// The newest finished run, and the one before it (for the diff).
    pub last: Option<FinishedRun>,
    pub prev: Option<FinishedRun>,
    /// The runs, newest first (at most `MAX_HISTORY`).
    pub history: VecDeque<HistoryEntry>,
    /// `prev` against `last`, computed when `last` arrived.
    pub run_diff: Vec<DiffRow>,
}

impl Runs {
    /// A run finished: it becomes `last`, the former `last` becomes `prev`, and the history
    /// gains its entry.
    fn record(&mut self, entry: HistoryEntry, finished: FinishedRun) {
        self.history.push_front(entry);
        self.history.truncate(MAX_HISTORY);
        self.prev = self.last.take();
        self.run_diff = self
            .prev
            .as_ref()
            .map(|p| run_diff(p, &finished))
            .unwrap_or_default();
        self.last = Some(finished);
    }
}

/// Whether the results shown are of the code in the editor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// No run of this buffer yet.
    NotRun,
    /// Of exactly this code.
    Fresh,
    /// The buffer changed since.
    Stale,
}

impl App {
    /// Whether the run shown (live, or the last) is of the text in the editor: same buffer
    /// generation, or the same SHA-256 once the scan of this text has told it.
    pub fn results_freshness(&self) -> Freshness {
        let code = match (self.live_here(), &self.runs.last) {
            (Some(l), _) => &l.code,
            (None, Some(f)) => &f.code,
            (None, None) => return Freshness::NotRun,
        };
        if code.generation == self.generation() {
            return Freshness::Fresh;
        }
        match &self.report {
            Some(r) if !self.scan_pending() && r.sha256 == code.sha256 => Freshness::Fresh,
            _ => Freshness::Stale,
        }
    }

    /// The scanner's report for `generation`: kept if it is the buffer's current one (a stale
    /// report is dropped); a run waiting for this verdict starts (or asks) now.
    pub(super) fn on_scan_done(&mut self, generation: u64, mut report: Report) -> Vec<Effect> {
        if generation != self.generation() {
            return vec![];
        }
        self.place_wasm_findings(&mut report);
        // The gate honours this buffer's grants, as `run` honours its flags and manifest.
        self.plain_report = Some(report.clone());
        self.report = Some(report);
        self.regate();
        self.report_generation = Some(generation);
        self.scan_failed = None;
        let n = self.findings().len();
        self.finding_selected = self.finding_selected.min(n.saturating_sub(1));
        if std::mem::take(&mut self.run_after_scan) && matches!(self.overlay, Overlay::None) {
            return self.request_run(false);
        }
        vec![]
    }

    /// The scan of `generation` failed: shown in the threat panel; a run waiting for it asks.
    pub(super) fn on_scan_failed(&mut self, generation: u64, reason: String) -> Vec<Effect> {
        if generation != self.generation() {
            return vec![];
        }
        let reason = text::truncate(&text::escape(&reason, false), 200).into_owned();
        self.warn(format!("scan failed: {reason}"));
        self.scan_failed = Some((generation, reason));
        if std::mem::take(&mut self.run_after_scan) && matches!(self.overlay, Overlay::None) {
            return self.request_run(false);
        }
        vec![]
    }

    pub(super) fn request_run(&mut self, confirmed: bool) -> Vec<Effect> {
        if let Some(l) = &self.live {
            let whose = if l.origin == self.origin {
                String::new()
            } else {
                format!(" (of {})", l.origin.describe())
            };
            self.say(format!("a run is already going{whose}: Esc cancels it"));
            return vec![];
        }
        if let Some(why) = self.executor_mismatch() {
            self.warn(format!("cannot run: {why}"));
            return vec![];
        }
        // A `.wasm` view's text is a description: the module's bytes run, not it.
        let module = self.module.clone();
        let code = if module.is_some() {
            String::new()
        } else {
            self.buffer.text()
        };
        let mut request = ExecRequest::new(code);
        request.filename = crate::cli::run::script_name(&self.title);
        request.limits = self.settings.limits;
        request.profile = self.settings.profile;
        request.input = self.settings.input.as_ref().map(|i| i.value.clone());
        // A copy: edits in the Permissions panel apply to the next run, never this one.
        request.permissions = self.permissions();
        // A module (text or binary) gets the buffer's directories to read (read-only WASI
        // preopens) and nothing else: it has no sockets and no `require`. What it cannot take
        // is said at F5 and left out of the run's record.
        let mut dropped_grants = false;
        if self.language().is_wasm() {
            let p = &request.permissions;
            dropped_grants = p.grants_network() || p.modules != Permissions::default().modules;
            request.permissions = crate::engine::exec::wasm::read_only(p);
        }
        if let Err(e) = request.validate() {
            self.warn(format!("cannot run: {e}"));
            return vec![];
        }
        if !confirmed && self.scan_pending() {
            self.run_after_scan = true;
            self.say("scanning before the run…");
            return vec![];
        }
        if !confirmed {
            if let Some((_, why)) = self.scan_failed.clone().filter(|_| self.scan_failed_now()) {
                self.overlay = Overlay::ConfirmRun(RunQuestion::ScanFailed(why));
                return vec![];
            }
            if self.verdict() == Some(Verdict::Block) {
                self.overlay = Overlay::ConfirmBlock;
                return vec![];
            }
        }
        let id = self.next_run;
        self.next_run += 1;
        let executor = self.resolved_executor().to_string();
        // What the scan hashes: the module file's bytes for a `.wasm` view (its request
        // carries no code), else the code.
        let code_sha256 = match (&self.report, &module) {
            (Some(r), _) if !self.scan_pending() && self.report_generation.is_some() => {
                r.sha256.clone()
            }
            (_, Some(m)) => m.sha256.clone(),
            (_, None) => hash::sha256_hex(request.code.as_bytes()),
        };
        self.live = Some(LiveRun {
            id,
            origin: self.origin.clone(),
            code: RunCode {
                generation: self.generation(),
                sha256: code_sha256,
            },
            executor: executor.clone(),
            limits: self.settings.limits,
            trace: SampleTrace::default(),
            console: VecDeque::new(),
            console_bytes: 0,
            console_dropped: 0,
            blocked: Vec::new(),
            cancelling: false,
            ticks: 0,
            permissions: request.permissions.clone(),
        });
        self.results_scroll = 0;
        self.blocked_selected = 0;
        if dropped_grants {
            self.warn(format!(
                "running on {executor} with this buffer's read directories only: a module has no network or modules to grant (Esc cancels)"
            ));
        } else {
            self.say(format!("running on {executor}… (Esc cancels)"));
        }
        let fresh = !self.scan_pending() && self.report_generation == Some(self.generation());
        let audit = RunAudit {
            path: self.path().map(Path::to_path_buf),
            file: match self.path() {
                Some(p) => p.display().to_string(),
                None => self.title.clone(),
            },
            report: self.report.clone().filter(|_| fresh),
            forced: confirmed && self.verdict() == Some(Verdict::Block),
        };
        vec![Effect::StartRun {
            run: id,
            executor,
            request: Box::new(request),
            audit: Box::new(audit),
            module,
        }]
    }

    pub(super) fn on_exec(&mut self, run: u64, event: ExecEvent, at_unix: u64) {
        let Some(live) = self.live.as_mut().filter(|l| l.id == run) else {
            return; // a stale run's event
        };
        match event {
            ExecEvent::Started { executor, .. } => {
                live.executor = text::truncate(&text::escape(&executor, false), 40).into_owned()
            }
            ExecEvent::Console(line) => {
                let line = sanitize_console(line);
                if live.console.len() >= MAX_CONSOLE_LINES
                    || live.console_bytes + line.text.len() > MAX_CONSOLE_BYTES
                {
                    live.console_dropped += 1;
                } else {
                    live.console_bytes += line.text.len();
                    live.console.push_back(line);
                }
            }
            ExecEvent::Blocked(b) => {
                if live.blocked.len() < MAX_BLOCKED {
                    live.blocked.push(sanitize_blocked(b));
                }
            }
            ExecEvent::Sample(s) => live.trace.push(s),
            ExecEvent::Finished(outcome) => self.on_finished(*outcome, at_unix),
        }
    }

    fn on_finished(&mut self, outcome: ExecOutcome, at_unix: u64) {
        let Some(live) = self.live.take() else {
            return;
        };
        let (outcome, dropped) = sanitize_outcome(outcome);
        let entry = HistoryEntry {
            at_unix,
            executor: outcome.executor.clone(),
            outcome: outcome.outcome,
            duration_ms: outcome.duration_ms,
            peak_memory_bytes: outcome.peak_memory_bytes,
            code_hash: hash::short(&outcome.code_sha256).to_string(),
        };
        let summary = format!(
            "{} in {:.0} ms",
            outcome.outcome.as_str(),
            outcome.duration_ms
        );
        // The trust policy refused it: a warning (kept in the messages view), said last.
        let refused = outcome
            .error
            .as_ref()
            .filter(|e| {
                outcome.outcome == Outcome::Blocked && e.name == crate::engine::trust::POLICY_ERROR
            })
            .map(|e| format!("refused {}: {}", live.origin.describe(), e.message));
        let tab = match outcome.outcome {
            Outcome::Ok | Outcome::Pending => ResultsTab::Value,
            _ => ResultsTab::Error,
        };
        let finished = FinishedRun {
            trace: live.trace,
            code: live.code,
            // The final report is the run's record; live lines were a preview of it.
            console_dropped: dropped,
            outcome,
            permissions: live.permissions,
        };
        if live.origin == self.origin {
            self.runs.record(entry, finished);
            self.results_tab = tab;
            self.results_scroll = 0;
            self.say(format!("run finished: {summary}"));
        } else {
            let who = live.origin.describe();
            self.stashed_mut(&live.origin).runs.record(entry, finished);
            self.say(format!("run of {who} finished: {summary}"));
        }
        if let Some(r) = refused {
            self.warn(r);
        }
    }
}

fn clean(s: &str, max: usize, keep_newlines: bool) -> String {
    text::truncate(&text::escape(s, keep_newlines), max).into_owned()
}

fn sanitize_console(l: ConsoleLine) -> ConsoleLine {
    ConsoleLine {
        level: l.level,
        text: clean(&l.text, MAX_LINE_CHARS, false),
    }
}

fn sanitize_blocked(b: BlockedAttempt) -> BlockedAttempt {
    BlockedAttempt {
        capability: clean(&b.capability, 60, false),
        category: b.category,
        message: clean(&b.message, 300, false),
        line: b.line,
        column: b.column,
        count: b.count,
    }
}

/// Escapes and bounds what a run reports. The console keeps every line the engine kept (its
/// own bound holds first); past the workbench's ceiling, later lines are dropped and counted.
fn sanitize_outcome(mut o: ExecOutcome) -> (ExecOutcome, usize) {
    // The completion value's display string, and an error's stack (characters).
    const MAX_VALUE_CHARS: usize = 20_000;
    const MAX_STACK_CHARS: usize = 4_000;
    o.executor = clean(&o.executor, 40, false);
    o.value_display = clean(&o.value_display, MAX_VALUE_CHARS, true);
    o.value = None; // only the bounded display string is shown
    if let Some(e) = &mut o.error {
        e.name = clean(&e.name, 100, false);
        e.message = clean(&e.message, MAX_LINE_CHARS, true);
        e.stack = clean(&e.stack, MAX_STACK_CHARS, true);
    }
    let mut kept = Vec::with_capacity(o.result.console.len().min(MAX_CONSOLE_LINES));
    let mut bytes = 0usize;
    let mut dropped = 0usize;
    for l in std::mem::take(&mut o.result.console) {
        let l = sanitize_console(l);
        if kept.len() >= MAX_CONSOLE_LINES || bytes + l.text.len() > MAX_CONSOLE_BYTES {
            dropped += 1;
            continue;
        }
        bytes += l.text.len();
        kept.push(l);
    }
    o.result.console = kept;
    o.blocked.truncate(MAX_BLOCKED);
    o.result.blocked = o.result.blocked.into_iter().map(sanitize_blocked).collect();
    (o, dropped)
}
