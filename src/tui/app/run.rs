//! Runs: the request (after the scan's verdict), and the events coming back, escaped and
//! bounded on arrival so nothing a script sends can grow without limit or reach the screen raw.

use super::{
    App, Overlay, ResultsTab, MAX_BLOCKED, MAX_CONSOLE_LINES, MAX_HISTORY, MAX_LINE_CHARS,
    MAX_SAMPLES, MAX_STACK_CHARS, MAX_VALUE_CHARS,
};
use crate::engine::exec::{
    BlockedAttempt, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, Outcome, Sample,
};
use crate::engine::hash;
use crate::engine::policy::Limits;
use crate::engine::scan::{Report, Verdict};
use crate::engine::text;
use crate::tui::action::Effect;
use std::collections::VecDeque;

/// A run in progress.
#[derive(Debug, Clone, PartialEq)]
pub struct LiveRun {
    pub id: u64,
    pub executor: String,
    pub limits: Limits,
    pub samples: VecDeque<Sample>,
    pub console: VecDeque<ConsoleLine>,
    pub console_dropped: usize,
    pub blocked: Vec<BlockedAttempt>,
    pub cancelling: bool,
    pub ticks: u64,
}

impl LiveRun {
    /// Elapsed milliseconds, from the engine's samples when it sends them.
    pub fn elapsed_ms(&self) -> f64 {
        self.samples
            .back()
            .map_or(self.ticks as f64 * 100.0, |s| s.elapsed_ms)
    }
}

/// A finished run, with everything from the script already escaped and bounded.
#[derive(Debug, Clone, PartialEq)]
pub struct FinishedRun {
    pub outcome: ExecOutcome,
    pub samples: Vec<Sample>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEntry {
    pub at_unix: u64,
    pub executor: String,
    pub outcome: Outcome,
    pub duration_ms: f64,
    pub peak_memory_bytes: u64,
    pub code_hash: String,
}

impl App {
    /// The scanner's report for `generation`: kept if it is the buffer's current one (a stale
    /// report is dropped); a run waiting for this verdict starts (or asks) now.
    pub(super) fn on_scan_done(&mut self, generation: u64, report: Report) -> Vec<Effect> {
        if generation != self.generation() {
            return vec![];
        }
        self.report = Some(report);
        self.report_generation = Some(generation);
        let n = self.findings().len();
        self.finding_selected = self.finding_selected.min(n.saturating_sub(1));
        if std::mem::take(&mut self.run_after_scan) && matches!(self.overlay, Overlay::None) {
            return self.request_run(false);
        }
        vec![]
    }

    pub(super) fn request_run(&mut self, confirmed: bool) -> Vec<Effect> {
        if self.live.is_some() {
            self.say("a run is already going (Esc cancels it)");
            return vec![];
        }
        let mut request = ExecRequest::new(self.buffer.text());
        request.filename = self.title.clone();
        request.limits = self.limits;
        request.profile = self.profile;
        if let Err(e) = request.validate() {
            self.say(format!("cannot run: {e}"));
            return vec![];
        }
        if !confirmed && self.scan_pending() {
            self.run_after_scan = true;
            self.say("scanning before the run…");
            return vec![];
        }
        if !confirmed && self.verdict() == Some(Verdict::Block) {
            self.overlay = Overlay::ConfirmBlock;
            return vec![];
        }
        let id = self.next_run;
        self.next_run += 1;
        let executor = self.resolved_executor().to_string();
        self.live = Some(LiveRun {
            id,
            executor: executor.clone(),
            limits: self.limits,
            samples: VecDeque::new(),
            console: VecDeque::new(),
            console_dropped: 0,
            blocked: Vec::new(),
            cancelling: false,
            ticks: 0,
        });
        self.results_scroll = 0;
        self.blocked_selected = 0;
        self.say(format!("running on {executor}… (Esc cancels)"));
        vec![Effect::StartRun {
            run: id,
            executor,
            request: Box::new(request),
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
                if live.console.len() >= MAX_CONSOLE_LINES {
                    live.console.pop_front();
                    live.console_dropped += 1;
                }
                live.console.push_back(sanitize_console(line));
            }
            ExecEvent::Blocked(b) => {
                if live.blocked.len() < MAX_BLOCKED {
                    live.blocked.push(sanitize_blocked(b));
                }
            }
            ExecEvent::Sample(s) => {
                if live.samples.len() >= MAX_SAMPLES {
                    live.samples.pop_front();
                }
                live.samples.push_back(s);
            }
            ExecEvent::Finished(outcome) => {
                let samples: Vec<Sample> = live.samples.iter().copied().collect();
                let outcome = sanitize_outcome(*outcome);
                self.history.push_front(HistoryEntry {
                    at_unix,
                    executor: outcome.executor.clone(),
                    outcome: outcome.outcome,
                    duration_ms: outcome.duration_ms,
                    peak_memory_bytes: outcome.peak_memory_bytes,
                    code_hash: hash::short(&outcome.code_sha256).to_string(),
                });
                self.history.truncate(MAX_HISTORY);
                self.results_tab = match outcome.outcome {
                    Outcome::Ok => ResultsTab::Value,
                    _ if outcome.error.is_some() => ResultsTab::Error,
                    Outcome::Pending => ResultsTab::Value,
                    _ => ResultsTab::Error,
                };
                self.say(format!(
                    "run finished: {} in {:.0} ms",
                    outcome.outcome.as_str(),
                    outcome.duration_ms
                ));
                self.live = None;
                self.last = Some(FinishedRun { outcome, samples });
            }
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

fn sanitize_outcome(mut o: ExecOutcome) -> ExecOutcome {
    o.executor = clean(&o.executor, 40, false);
    o.value_display = clean(&o.value_display, MAX_VALUE_CHARS, true);
    o.value = None; // only the bounded display string is shown
    if let Some(e) = &mut o.error {
        e.name = clean(&e.name, 100, false);
        e.message = clean(&e.message, MAX_LINE_CHARS, true);
        e.stack = clean(&e.stack, MAX_STACK_CHARS, true);
    }
    let total = o.console.len();
    if total > MAX_CONSOLE_LINES {
        o.console.drain(..total - MAX_CONSOLE_LINES);
        o.console_truncated = true;
    }
    o.result.console = o.result.console.into_iter().map(sanitize_console).collect();
    o.blocked.truncate(MAX_BLOCKED);
    o.result.blocked = o.result.blocked.into_iter().map(sanitize_blocked).collect();
    o
}
