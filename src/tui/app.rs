//! The workbench's state. [`App::update`] is the only mutator: it takes an [`Action`] and
//! returns the [`Effect`]s the driver must carry out. No IO, no drawing.

use crate::engine::exec::{
    BlockedAttempt, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, ExecutorInfo, Outcome, Sample,
};
use crate::engine::hash;
use crate::engine::lexer::{self, LineState};
use crate::engine::policy::{self, Limits, Profile};
use crate::engine::scan::{Finding, Report, Verdict};
use crate::engine::text;
use crate::tui::action::{Action, Effect, MouseKind};
use crate::tui::buffer::{self, Buffer, Motion, Pos};
use crate::tui::theme::{Theme, ThemeSet};
use crate::tui::ui::layout;
use std::collections::{BTreeSet, VecDeque};
use std::path::PathBuf;
use std::sync::Arc;

/// Bounds on everything kept from a script's output.
pub const MAX_CONSOLE_LINES: usize = 2_000;
pub const MAX_LINE_CHARS: usize = 1_000;
pub const MAX_VALUE_CHARS: usize = 20_000;
pub const MAX_STACK_CHARS: usize = 4_000;
pub const MAX_BLOCKED: usize = 500;
pub const MAX_SAMPLES: usize = 1_200;
pub const MAX_HISTORY: usize = 50;
pub const MAX_COMPLETIONS: usize = 200;
/// Largest file the editor opens.
pub const MAX_OPEN_BYTES: usize = buffer::MAX_BUFFER_BYTES;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Focus {
    Editor,
    Threats,
    Results,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResultsTab {
    Value,
    Console,
    Error,
    Blocked,
    History,
}

impl ResultsTab {
    pub const ALL: [ResultsTab; 5] = [
        ResultsTab::Value,
        ResultsTab::Console,
        ResultsTab::Error,
        ResultsTab::Blocked,
        ResultsTab::History,
    ];
    pub fn title(self) -> &'static str {
        match self {
            ResultsTab::Value => "Value",
            ResultsTab::Console => "Console",
            ResultsTab::Error => "Error",
            ResultsTab::Blocked => "Blocked",
            ResultsTab::History => "History",
        }
    }
    fn index(self) -> usize {
        Self::ALL.iter().position(|t| *t == self).unwrap_or(0)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PromptKind {
    Open,
    SaveAs,
    Search,
}

/// What to load once the user agrees to drop unsaved changes.
#[derive(Debug, Clone, PartialEq)]
pub struct Loaded {
    pub title: String,
    pub path: Option<PathBuf>,
    pub text: String,
    /// Limits and profile from a sample's `run-options` header.
    pub options: Option<(Limits, Profile)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help,
    Executors {
        row: usize,
        /// Digits being typed into a limit field.
        edit: Option<String>,
        error: Option<String>,
    },
    Samples {
        selected: usize,
    },
    Prompt {
        kind: PromptKind,
        input: String,
        completions: Vec<String>,
    },
    ConfirmBlock,
    ConfirmQuit,
    ConfirmDiscard(Box<Loaded>),
    Recovery {
        text: String,
    },
}

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

/// The themes the user can cycle through, and the current one.
#[derive(Debug, Clone)]
pub struct ThemeChoice {
    pub set: ThemeSet,
    pub index: usize,
}

impl ThemeChoice {
    pub fn current(&self) -> &Theme {
        self.set
            .themes
            .get(self.index)
            .unwrap_or_else(|| self.set.default_theme())
    }
}

/// Lexer states at the start of each line, computed lazily up to the last visible line and
/// invalidated from the first edited line, so highlighting costs only what is on screen.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// `states[i]`: the state line `i` starts in; valid for every `i < states.len()`.
    pub states: Vec<LineState>,
}

/// How the App starts.
#[derive(Debug, Clone)]
pub struct AppInit {
    pub title: String,
    pub path: Option<PathBuf>,
    pub text: String,
    pub executors: Vec<ExecutorInfo>,
    pub auto_name: String,
    pub themes: ThemeSet,
    pub size: (u16, u16),
}

impl AppInit {
    /// A workbench on `text` with the executors this build detects.
    pub fn new(title: impl Into<String>, text: impl Into<String>) -> Self {
        AppInit {
            title: title.into(),
            path: None,
            text: text.into(),
            executors: crate::engine::exec::detect(),
            auto_name: crate::engine::exec::auto_name(),
            themes: ThemeSet::default(),
            size: (80, 24),
        }
    }
}

#[derive(Debug, Clone)]
pub struct App {
    pub buffer: Buffer,
    pub title: String,
    pub path: Option<PathBuf>,
    saved_generation: u64,
    autosaved_generation: u64,
    /// A buffer generation offset so that loading a new text always changes `generation()`.
    gen_base: u64,
    pub report: Option<Report>,
    pub report_generation: Option<u64>,
    pub focus: Focus,
    pub finding_selected: usize,
    pub results_tab: ResultsTab,
    pub results_scroll: usize,
    pub blocked_selected: usize,
    pub live: Option<LiveRun>,
    pub last: Option<FinishedRun>,
    pub history: VecDeque<HistoryEntry>,
    pub executors: Vec<ExecutorInfo>,
    pub auto_name: String,
    /// `auto` or an executor name.
    pub executor: String,
    pub limits: Limits,
    pub profile: Profile,
    pub overlay: Overlay,
    pub theme: ThemeChoice,
    pub highlight: Highlight,
    pub message: Option<String>,
    pub search: String,
    pub clipboard: String,
    pub size: (u16, u16),
    pub view_top: usize,
    pub view_left: usize,
    scrolled_by_mouse: bool,
    pub spinner: usize,
    next_run: u64,
    quit_after_save: bool,
    /// F5 was pressed while the scan of the current buffer was still pending: run (or ask)
    /// once it arrives, so the block check always sees the verdict of the code that runs.
    pub run_after_scan: bool,
    pub quitting: bool,
}

impl App {
    pub fn new(init: AppInit) -> Self {
        let text = bounded_text(init.text);
        App {
            buffer: Buffer::from_text(&text),
            title: init.title,
            path: init.path,
            saved_generation: 0,
            autosaved_generation: 0,
            gen_base: 0,
            report: None,
            report_generation: None,
            focus: Focus::Editor,
            finding_selected: 0,
            results_tab: ResultsTab::Value,
            results_scroll: 0,
            blocked_selected: 0,
            live: None,
            last: None,
            history: VecDeque::new(),
            executors: init.executors,
            auto_name: init.auto_name,
            executor: "auto".to_string(),
            limits: Limits::default(),
            profile: Profile::default(),
            overlay: Overlay::None,
            theme: ThemeChoice {
                set: init.themes,
                index: 0,
            },
            highlight: Highlight::default(),
            message: None,
            search: String::new(),
            clipboard: String::new(),
            size: init.size,
            view_top: 0,
            view_left: 0,
            scrolled_by_mouse: false,
            spinner: 0,
            next_run: 1,
            quit_after_save: false,
            run_after_scan: false,
            quitting: false,
        }
    }

    /// The effects to run at start: the first scan.
    pub fn start(&mut self) -> Vec<Effect> {
        self.refresh_highlight();
        if !self.theme.set.warnings.is_empty() {
            let w = self.theme.set.warnings.join("; ");
            self.say(w);
        }
        vec![self.scan_effect()]
    }

    /// Buffer generation: changes on every edit and every load.
    pub fn generation(&self) -> u64 {
        self.gen_base + self.buffer.generation()
    }

    pub fn dirty(&self) -> bool {
        self.generation() != self.saved_generation
    }

    pub fn is_running(&self) -> bool {
        self.live.is_some()
    }

    pub fn scan_pending(&self) -> bool {
        self.report_generation != Some(self.generation())
    }

    pub fn needs_autosave(&self) -> bool {
        self.dirty() && self.autosaved_generation != self.generation()
    }

    /// The executor a run will use (resolving `auto`).
    pub fn resolved_executor(&self) -> &str {
        if self.executor == "auto" {
            &self.auto_name
        } else {
            &self.executor
        }
    }

    /// The key of this buffer's recovery file.
    pub fn recovery_key(&self) -> String {
        match &self.path {
            Some(p) => {
                let stem: String = p
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    .take(40)
                    .collect();
                let h = hash::sha256_hex(p.to_string_lossy().as_bytes());
                format!("{stem}-{}", hash::short(&h))
            }
            None => {
                let stem: String = self
                    .title
                    .chars()
                    .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_'))
                    .take(40)
                    .collect();
                format!("untitled-{stem}")
            }
        }
    }

    /// Lines on which the last run (of this same code) recorded a blocked attempt.
    pub fn confirmed_lines(&self) -> BTreeSet<u32> {
        let current = self.report.as_ref().map(|r| r.sha256.as_str());
        let blocked: &[BlockedAttempt] = match (&self.live, &self.last) {
            (Some(l), _) => &l.blocked,
            (None, Some(f)) if Some(f.outcome.code_sha256.as_str()) == current => {
                &f.outcome.blocked
            }
            _ => &[],
        };
        blocked.iter().filter_map(|b| b.line).collect()
    }

    pub fn is_confirmed(&self, f: &Finding) -> bool {
        let lines = self.confirmed_lines();
        (f.line..=f.end_line.max(f.line)).any(|l| lines.contains(&l))
    }

    pub fn findings(&self) -> &[Finding] {
        self.report.as_ref().map_or(&[], |r| r.findings.as_slice())
    }

    pub fn verdict(&self) -> Option<Verdict> {
        self.report.as_ref().map(|r| r.verdict)
    }

    fn scan_effect(&self) -> Effect {
        Effect::Scan {
            generation: self.generation(),
            source: Arc::from(self.buffer.text()),
        }
    }

    fn say(&mut self, msg: impl Into<String>) {
        let m = msg.into();
        self.message = Some(text::truncate(&text::escape(&m, false), 300).into_owned());
    }

    /// Handles one action; returns what the driver must do.
    pub fn update(&mut self, action: Action) -> Vec<Effect> {
        let before = self.generation();
        let mut fx = self.dispatch(action);
        if self.generation() != before {
            fx.push(self.scan_effect());
        }
        self.keep_cursor_visible();
        self.refresh_highlight();
        fx
    }

    /// Brings the lexer states up to the last visible line (see [`Highlight`]).
    pub fn refresh_highlight(&mut self) {
        let need = (self.view_top + self.editor_text_size().1 + 1).min(self.buffer.line_count());
        let states = &mut self.highlight.states;
        if let Some(from) = self.buffer.take_changed_from() {
            states.truncate(from + 1);
        }
        if states.is_empty() {
            states.push(LineState::default());
        }
        let mut scratch = Vec::new();
        while states.len() < need {
            let i = states.len() - 1;
            let line = self.buffer.line(i).unwrap_or("");
            scratch.clear();
            let next = lexer::tokenize_line_into(line, states[i], &mut scratch);
            states.push(next);
        }
    }

    fn dispatch(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::ScanDone { generation, report } => {
                if generation == self.generation() {
                    self.report = Some(*report);
                    self.report_generation = Some(generation);
                    let n = self.findings().len();
                    self.finding_selected = self.finding_selected.min(n.saturating_sub(1));
                    if std::mem::take(&mut self.run_after_scan)
                        && matches!(self.overlay, Overlay::None)
                    {
                        return self.request_run(false);
                    }
                }
                vec![]
            }
            Action::Exec {
                run,
                event,
                at_unix,
            } => {
                self.on_exec(run, event, at_unix);
                vec![]
            }
            Action::Tick => {
                if let Some(l) = &mut self.live {
                    l.ticks += 1;
                    self.spinner = self.spinner.wrapping_add(1);
                }
                vec![]
            }
            Action::AutosaveDue => {
                if self.needs_autosave() {
                    self.autosaved_generation = self.generation();
                    vec![Effect::Autosave {
                        key: self.recovery_key(),
                        text: self.buffer.text(),
                    }]
                } else {
                    vec![]
                }
            }
            Action::FileOpened { path, result } => {
                match result {
                    Ok(text) => {
                        let title = path.file_name().map_or_else(
                            || path.display().to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        );
                        let loaded = Loaded {
                            title,
                            path: Some(path),
                            text,
                            options: None,
                        };
                        return self.load_or_ask(loaded);
                    }
                    Err(e) => self.say(format!("cannot open: {e}")),
                }
                vec![]
            }
            Action::Saved { path, result } => {
                match result {
                    Ok(()) => {
                        let old_key = self.recovery_key();
                        self.title = path.file_name().map_or_else(
                            || path.display().to_string(),
                            |n| n.to_string_lossy().into_owned(),
                        );
                        self.say(format!("saved {}", path.display()));
                        self.path = Some(path);
                        self.saved_generation = self.generation();
                        let mut fx = vec![Effect::DeleteRecovery { key: old_key }];
                        if self.quit_after_save {
                            self.quitting = true;
                            fx.push(Effect::Quit);
                        }
                        return fx;
                    }
                    Err(e) => {
                        self.quit_after_save = false;
                        self.say(format!("cannot save: {e}"));
                    }
                }
                vec![]
            }
            Action::Completions { input, items } => {
                if let Overlay::Prompt {
                    input: cur,
                    completions,
                    ..
                } = &mut self.overlay
                {
                    if *cur == input {
                        let mut items = items;
                        items.truncate(MAX_COMPLETIONS);
                        if items.len() == 1 {
                            *cur = items[0].clone();
                            completions.clear();
                        } else {
                            if let Some(p) = common_prefix(&items) {
                                if p.len() > cur.len() {
                                    *cur = p;
                                }
                            }
                            *completions = items;
                        }
                    }
                }
                vec![]
            }
            Action::RecoveryFound { text } => {
                if text != self.buffer.text() {
                    self.overlay = Overlay::Recovery {
                        text: bounded_text(text),
                    };
                }
                vec![]
            }
            Action::Notice(m) => {
                if !m.is_empty() {
                    self.say(m);
                }
                vec![]
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                vec![]
            }
            Action::Mouse(kind, x, y) => self.on_mouse(kind, x, y),
            other => {
                if !matches!(self.overlay, Overlay::None) {
                    self.on_overlay(other)
                } else {
                    self.message = None;
                    self.on_main(other)
                }
            }
        }
    }

    // ── main screen ─────────────────────────────────────────────────────────────────────

    fn on_main(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::Run => return self.request_run(false),
            Action::Cancel => {
                if let Some(l) = &mut self.live {
                    l.cancelling = true;
                    let run = l.id;
                    self.say("cancelling…");
                    return vec![Effect::CancelRun { run }];
                }
            }
            Action::Escape => {
                self.run_after_scan = false;
                self.buffer.clear_selection();
                self.focus = Focus::Editor;
            }
            Action::Quit => return self.request_quit(),
            Action::ForceQuit => {
                self.quitting = true;
                return vec![
                    Effect::DeleteRecovery {
                        key: self.recovery_key(),
                    },
                    Effect::Quit,
                ];
            }
            Action::Save => return self.save(),
            Action::Copy | Action::Cut => {
                let text = if action == Action::Cut {
                    self.buffer.cut()
                } else {
                    self.buffer.selected_text()
                };
                if let Some(t) = text {
                    self.clipboard = t.clone();
                    self.say(format!("copied {} characters", t.chars().count()));
                    return vec![Effect::Clipboard(t)];
                }
            }
            Action::OpenPrompt => {
                self.overlay = Overlay::Prompt {
                    kind: PromptKind::Open,
                    input: String::new(),
                    completions: Vec::new(),
                };
            }
            Action::SearchPrompt => {
                self.overlay = Overlay::Prompt {
                    kind: PromptKind::Search,
                    input: self.search.clone(),
                    completions: Vec::new(),
                };
            }
            Action::SearchNext => self.search_step(true),
            Action::SearchPrev => self.search_step(false),
            Action::ToggleHelp => self.overlay = Overlay::Help,
            Action::ShowExecutors => {
                self.overlay = Overlay::Executors {
                    row: 0,
                    edit: None,
                    error: None,
                }
            }
            Action::ShowSamples => self.overlay = Overlay::Samples { selected: 0 },
            Action::NextTheme => {
                let n = self.theme.set.themes.len().max(1);
                self.theme.index = (self.theme.index + 1) % n;
                let name = self.theme.current().name.clone();
                self.say(format!("theme: {name}"));
            }
            Action::FocusNext => {
                self.focus = match self.focus {
                    Focus::Editor => Focus::Threats,
                    Focus::Threats => Focus::Results,
                    Focus::Results => Focus::Editor,
                }
            }
            Action::FocusPrev => {
                self.focus = match self.focus {
                    Focus::Editor => Focus::Results,
                    Focus::Threats => Focus::Editor,
                    Focus::Results => Focus::Threats,
                }
            }
            Action::NextFinding => {
                let n = self.findings().len();
                if n > 0 {
                    self.finding_selected = (self.finding_selected + 1) % n;
                    self.jump_to_finding(self.finding_selected);
                }
            }
            Action::NextTab => self.switch_tab(1),
            Action::PrevTab => self.switch_tab(-1),
            Action::Up | Action::Down | Action::Left | Action::Right | Action::Enter => {
                return self.on_panel_nav(action)
            }
            edit => self.on_edit(edit),
        }
        vec![]
    }

    fn on_edit(&mut self, action: Action) {
        let b = &mut self.buffer;
        let refused = match action {
            Action::Insert(s) => !b.insert_str(&s),
            Action::Paste(s) => !b.insert_str(&s),
            Action::PasteInternal => {
                let s = self.clipboard.clone();
                !self.buffer.insert_str(&s)
            }
            Action::Newline => !b.newline(),
            Action::Indent => !b.insert_str("  "),
            Action::Backspace => {
                b.backspace();
                false
            }
            Action::Delete => {
                b.delete();
                false
            }
            Action::Move(m, extend) => {
                b.move_cursor(m, extend);
                false
            }
            Action::SelectAll => {
                b.select_all();
                false
            }
            Action::Undo => {
                if !b.undo() {
                    self.say("nothing to undo");
                }
                false
            }
            Action::Redo => {
                if !b.redo() {
                    self.say("nothing to redo");
                }
                false
            }
            Action::Copy | Action::Cut => {
                let text = if action == Action::Cut {
                    b.cut()
                } else {
                    b.selected_text()
                };
                if let Some(t) = text {
                    self.clipboard = t;
                    self.focus = Focus::Editor;
                    return;
                }
                false
            }
            _ => false,
        };
        if refused {
            self.say(format!(
                "the buffer is limited to {} KB",
                buffer::MAX_BUFFER_BYTES / 1024
            ));
        }
        self.focus = Focus::Editor;
    }

    /// Up/Down/Left/Right/Enter in the editor move the cursor; in panels they navigate.
    fn on_panel_nav(&mut self, action: Action) -> Vec<Effect> {
        match self.focus {
            Focus::Editor => {
                let m = match action {
                    Action::Up => Motion::Up,
                    Action::Down => Motion::Down,
                    Action::Left => Motion::Left,
                    Action::Right => Motion::Right,
                    _ => {
                        self.buffer.newline();
                        return vec![];
                    }
                };
                self.buffer.move_cursor(m, false);
            }
            Focus::Threats => {
                let n = self.findings().len();
                match action {
                    Action::Up => self.finding_selected = self.finding_selected.saturating_sub(1),
                    Action::Down if n > 0 => {
                        self.finding_selected = (self.finding_selected + 1).min(n - 1)
                    }
                    Action::Enter => self.jump_to_finding(self.finding_selected),
                    _ => {}
                }
            }
            Focus::Results => match action {
                Action::Left => self.switch_tab(-1),
                Action::Right => self.switch_tab(1),
                Action::Up if self.results_tab == ResultsTab::Blocked => {
                    self.blocked_selected = self.blocked_selected.saturating_sub(1)
                }
                Action::Down if self.results_tab == ResultsTab::Blocked => {
                    let n = self.blocked_list().len();
                    self.blocked_selected = (self.blocked_selected + 1).min(n.saturating_sub(1));
                }
                Action::Up => self.results_scroll = self.results_scroll.saturating_add(1),
                Action::Down => self.results_scroll = self.results_scroll.saturating_sub(1),
                Action::Enter if self.results_tab == ResultsTab::Blocked => {
                    let line = self
                        .blocked_list()
                        .get(self.blocked_selected)
                        .and_then(|b| b.line);
                    if let Some(line) = line {
                        self.buffer
                            .set_cursor(Pos::new(line.saturating_sub(1) as usize, 0));
                        self.focus = Focus::Editor;
                    }
                }
                _ => {}
            },
        }
        vec![]
    }

    /// The blocked attempts to show: the live run's, or the last run's.
    pub fn blocked_list(&self) -> &[BlockedAttempt] {
        match (&self.live, &self.last) {
            (Some(l), _) => &l.blocked,
            (None, Some(f)) => &f.outcome.blocked,
            _ => &[],
        }
    }

    fn switch_tab(&mut self, step: isize) {
        let n = ResultsTab::ALL.len() as isize;
        let i = (self.results_tab.index() as isize + step).rem_euclid(n);
        self.results_tab = ResultsTab::ALL[i as usize];
        self.results_scroll = 0;
    }

    /// Moves the cursor to finding `i` and selects its span.
    pub fn jump_to_finding(&mut self, i: usize) {
        let Some(f) = self.findings().get(i).cloned() else {
            return;
        };
        let s = Pos::new(
            f.line.saturating_sub(1) as usize,
            f.column.saturating_sub(1) as usize,
        );
        let e = Pos::new(
            f.end_line.saturating_sub(1) as usize,
            f.end_column.saturating_sub(1) as usize,
        );
        self.buffer.set_cursor(s);
        if e > s {
            // Select the span, cursor left at its start so it stays in view.
            self.buffer.select_range(e, s);
        }
        self.finding_selected = i;
        self.focus = Focus::Editor;
    }

    fn search_step(&mut self, forward: bool) {
        if self.search.is_empty() {
            self.overlay = Overlay::Prompt {
                kind: PromptKind::Search,
                input: String::new(),
                completions: Vec::new(),
            };
            return;
        }
        let from = self.buffer.cursor();
        match self.buffer.find(&self.search, from, forward) {
            Some((s, e)) => {
                self.buffer.set_cursor(s);
                self.buffer.select_range(e, s);
            }
            None => {
                let q = self.search.clone();
                self.say(format!("not found: {q}"));
            }
        }
    }

    fn request_run(&mut self, confirmed: bool) -> Vec<Effect> {
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

    fn on_exec(&mut self, run: u64, event: ExecEvent, at_unix: u64) {
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

    fn save(&mut self) -> Vec<Effect> {
        match &self.path {
            Some(p) => vec![Effect::WriteFile {
                path: p.clone(),
                text: self.buffer.text(),
            }],
            None => {
                self.overlay = Overlay::Prompt {
                    kind: PromptKind::SaveAs,
                    input: String::new(),
                    completions: Vec::new(),
                };
                vec![]
            }
        }
    }

    fn request_quit(&mut self) -> Vec<Effect> {
        if self.dirty() {
            self.overlay = Overlay::ConfirmQuit;
            return vec![];
        }
        self.quitting = true;
        let mut fx = vec![Effect::DeleteRecovery {
            key: self.recovery_key(),
        }];
        if let Some(l) = &self.live {
            fx.push(Effect::CancelRun { run: l.id });
        }
        fx.push(Effect::Quit);
        fx
    }

    fn load_or_ask(&mut self, loaded: Loaded) -> Vec<Effect> {
        if self.dirty() {
            self.overlay = Overlay::ConfirmDiscard(Box::new(loaded));
            return vec![];
        }
        self.load(loaded)
    }

    fn load(&mut self, loaded: Loaded) -> Vec<Effect> {
        self.gen_base = self.generation() + 1;
        self.buffer = Buffer::from_text(&bounded_text(loaded.text));
        self.saved_generation = self.generation();
        self.autosaved_generation = self.generation();
        self.title = loaded.title;
        self.path = loaded.path;
        self.view_top = 0;
        self.view_left = 0;
        self.finding_selected = 0;
        self.focus = Focus::Editor;
        if let Some((limits, profile)) = loaded.options {
            self.limits = limits;
            self.profile = profile;
        }
        self.say(format!("opened {}", self.title));
        vec![]
    }

    // ── overlays ────────────────────────────────────────────────────────────────────────

    fn on_overlay(&mut self, action: Action) -> Vec<Effect> {
        let overlay = std::mem::replace(&mut self.overlay, Overlay::None);
        let (next, fx) = match overlay {
            Overlay::None => (Overlay::None, vec![]),
            Overlay::Help => match action {
                Action::Escape | Action::ToggleHelp | Action::Enter | Action::Cancel => {
                    (Overlay::None, vec![])
                }
                Action::Quit => (Overlay::None, self.request_quit()),
                _ => (Overlay::Help, vec![]),
            },
            Overlay::ConfirmBlock => match action {
                Action::ConfirmRun | Action::Enter | Action::Answer('y') | Action::Answer('r') => {
                    (Overlay::None, self.request_run(true))
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmBlock, vec![]),
            },
            Overlay::ConfirmQuit => match action {
                Action::Answer('q') | Action::Answer('y') | Action::ForceQuit => {
                    (Overlay::None, self.on_main(Action::ForceQuit))
                }
                Action::Answer('s') | Action::Save => {
                    self.quit_after_save = true;
                    let fx = self.save();
                    if matches!(self.overlay, Overlay::Prompt { .. }) {
                        (self.overlay.clone(), fx)
                    } else {
                        (Overlay::None, fx)
                    }
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmQuit, vec![]),
            },
            Overlay::ConfirmDiscard(loaded) => match action {
                Action::Answer('y') | Action::Answer('d') | Action::Enter => {
                    (Overlay::None, self.load(*loaded))
                }
                _ if is_dismiss(&action) => (Overlay::None, vec![]),
                _ => (Overlay::ConfirmDiscard(loaded), vec![]),
            },
            Overlay::Recovery { text } => match action {
                Action::Answer('r') | Action::Answer('y') | Action::Enter => {
                    self.buffer.select_all();
                    self.buffer.insert_str(&text);
                    self.buffer.set_cursor(Pos::default());
                    self.say("recovered unsaved changes from the last session");
                    (Overlay::None, vec![])
                }
                Action::Answer('d') | Action::Answer('n') => (
                    Overlay::None,
                    vec![Effect::DeleteRecovery {
                        key: self.recovery_key(),
                    }],
                ),
                _ => (Overlay::Recovery { text }, vec![]),
            },
            Overlay::Samples { selected } => {
                let n = crate::samples::all().len();
                match action {
                    Action::Up => (
                        Overlay::Samples {
                            selected: selected.saturating_sub(1),
                        },
                        vec![],
                    ),
                    Action::Down => (
                        Overlay::Samples {
                            selected: (selected + 1).min(n.saturating_sub(1)),
                        },
                        vec![],
                    ),
                    Action::Enter => match crate::samples::all().get(selected) {
                        Some(s) => {
                            let options = sample_options(s.source);
                            let loaded = Loaded {
                                title: s.name.to_string(),
                                path: None,
                                text: s.source.to_string(),
                                options,
                            };
                            let fx = self.load_or_ask(loaded);
                            (std::mem::replace(&mut self.overlay, Overlay::None), fx)
                        }
                        None => (Overlay::None, vec![]),
                    },
                    _ if is_dismiss(&action) => (Overlay::None, vec![]),
                    _ => (Overlay::Samples { selected }, vec![]),
                }
            }
            Overlay::Prompt {
                kind,
                mut input,
                mut completions,
            } => match action {
                Action::PromptChar(c) | Action::Answer(c) => {
                    if input.chars().count() < 4096 {
                        input.push(c);
                    }
                    completions.clear();
                    (
                        Overlay::Prompt {
                            kind,
                            input,
                            completions,
                        },
                        vec![],
                    )
                }
                Action::Insert(s) | Action::Paste(s) => {
                    input.extend(s.chars().filter(|c| !c.is_control()).take(4096));
                    (
                        Overlay::Prompt {
                            kind,
                            input,
                            completions,
                        },
                        vec![],
                    )
                }
                Action::PromptBackspace | Action::Backspace => {
                    input.pop();
                    completions.clear();
                    (
                        Overlay::Prompt {
                            kind,
                            input,
                            completions,
                        },
                        vec![],
                    )
                }
                Action::PromptComplete if kind != PromptKind::Search => {
                    let fx = vec![Effect::Complete {
                        input: input.clone(),
                    }];
                    (
                        Overlay::Prompt {
                            kind,
                            input,
                            completions,
                        },
                        fx,
                    )
                }
                Action::Enter | Action::Newline => self.submit_prompt(kind, input),
                _ if is_dismiss(&action) => {
                    self.quit_after_save = false;
                    (Overlay::None, vec![])
                }
                _ => (
                    Overlay::Prompt {
                        kind,
                        input,
                        completions,
                    },
                    vec![],
                ),
            },
            Overlay::Executors { row, edit, error } => self.on_executors(row, edit, error, action),
        };
        if matches!(self.overlay, Overlay::None) {
            self.overlay = next;
        }
        fx
    }

    fn submit_prompt(&mut self, kind: PromptKind, input: String) -> (Overlay, Vec<Effect>) {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return (Overlay::None, vec![]);
        }
        let path = expand_home(trimmed);
        match kind {
            PromptKind::Open => (Overlay::None, vec![Effect::ReadFile { path }]),
            PromptKind::SaveAs => (
                Overlay::None,
                vec![Effect::WriteFile {
                    path,
                    text: self.buffer.text(),
                }],
            ),
            PromptKind::Search => {
                self.search = input;
                self.search_step(true);
                (Overlay::None, vec![])
            }
        }
    }

    /// Rows of the executor selector: `auto`, each executor, then the limit fields.
    pub fn executor_rows(&self) -> usize {
        1 + self.executors.len() + LimitField::ALL.len()
    }

    fn on_executors(
        &mut self,
        row: usize,
        edit: Option<String>,
        error: Option<String>,
        action: Action,
    ) -> (Overlay, Vec<Effect>) {
        let rows = self.executor_rows();
        let n_exec = 1 + self.executors.len();
        let field = row
            .checked_sub(n_exec)
            .and_then(|i| LimitField::ALL.get(i))
            .copied();
        let stay = |row, edit, error| Overlay::Executors { row, edit, error };
        let up = matches!(action_dir(&action), Some(true));
        match (action, edit) {
            (Action::PromptChar(c) | Action::Answer(c), edit) if c.is_ascii_digit() => {
                match field {
                    Some(f) if f != LimitField::Profile => {
                        let mut e = edit.unwrap_or_default();
                        if e.len() < 9 {
                            e.push(c);
                        }
                        (stay(row, Some(e), None), vec![])
                    }
                    _ => (stay(row, None, error), vec![]),
                }
            }
            (Action::PromptBackspace | Action::Backspace, Some(mut e)) => {
                e.pop();
                (stay(row, Some(e), None), vec![])
            }
            (Action::Enter | Action::Newline, Some(e)) => match field {
                Some(f) => match e.parse::<u64>() {
                    Ok(v) => match self.set_limit(f, v) {
                        Ok(()) => (stay(row, None, None), vec![]),
                        Err(msg) => (stay(row, None, Some(msg)), vec![]),
                    },
                    Err(_) => (stay(row, None, Some("enter a number".into())), vec![]),
                },
                None => (stay(row, None, None), vec![]),
            },
            (Action::Escape | Action::Cancel, Some(_)) => (stay(row, None, None), vec![]),
            (Action::Up, _) => (stay(row.saturating_sub(1), None, None), vec![]),
            (Action::Down, _) => (stay((row + 1).min(rows - 1), None, None), vec![]),
            (Action::Left | Action::Right, _) => match field {
                Some(f) => match self.step_limit(f, up) {
                    Ok(()) => (stay(row, None, None), vec![]),
                    Err(msg) => (stay(row, None, Some(msg)), vec![]),
                },
                None => (stay(row, None, None), vec![]),
            },
            (Action::Enter | Action::Newline, None) => {
                if row == 0 {
                    self.executor = "auto".to_string();
                    self.say(format!("executor: auto ({})", self.auto_name));
                    (stay(row, None, None), vec![])
                } else if let Some(info) = self.executors.get(row - 1) {
                    if info.available {
                        self.executor = info.name.clone();
                        let msg = match &info.warning {
                            Some(w) => format!("executor: {} — {w}", info.name),
                            None => format!("executor: {}", info.name),
                        };
                        self.say(msg);
                        (stay(row, None, None), vec![])
                    } else {
                        let msg = format!("{} is not available: {}", info.name, info.reason);
                        (stay(row, None, Some(msg)), vec![])
                    }
                } else if field == Some(LimitField::Profile) {
                    self.profile = match self.profile {
                        Profile::Strict => Profile::Lab,
                        Profile::Lab => Profile::Strict,
                    };
                    (stay(row, None, None), vec![])
                } else {
                    (stay(row, Some(String::new()), None), vec![])
                }
            }
            (a, _) if is_dismiss(&a) || a == Action::ShowExecutors => (Overlay::None, vec![]),
            (_, edit) => (stay(row, edit, error), vec![]),
        }
    }

    fn set_limit(&mut self, f: LimitField, v: u64) -> Result<(), String> {
        let mut l = self.limits;
        match f {
            LimitField::Timeout => {
                l.timeout_ms = v;
                l.wall_timeout_ms = l
                    .wall_timeout_ms
                    .max(v.saturating_mul(policy::WALL_TIMEOUT_FACTOR))
                    .min(policy::MAX_WALL_TIMEOUT_MS)
                    .max(v);
            }
            LimitField::WallTimeout => l.wall_timeout_ms = v,
            LimitField::Memory => l.memory_mb = v,
            LimitField::Stack => l.stack_kb = v,
            LimitField::Profile => return Ok(()),
        }
        l.validate().map_err(|e| e.to_string())?;
        self.limits = l;
        Ok(())
    }

    fn step_limit(&mut self, f: LimitField, up: bool) -> Result<(), String> {
        let (cur, step) = match f {
            LimitField::Timeout => (self.limits.timeout_ms, 500),
            LimitField::WallTimeout => (self.limits.wall_timeout_ms, 1000),
            LimitField::Memory => (self.limits.memory_mb, 16),
            LimitField::Stack => (self.limits.stack_kb, 64),
            LimitField::Profile => {
                self.profile = match self.profile {
                    Profile::Strict => Profile::Lab,
                    Profile::Lab => Profile::Strict,
                };
                return Ok(());
            }
        };
        let v = if up {
            cur.saturating_add(step)
        } else {
            cur.saturating_sub(step)
        };
        self.set_limit(f, v)
    }

    // ── mouse ───────────────────────────────────────────────────────────────────────────

    fn on_mouse(&mut self, kind: MouseKind, x: u16, y: u16) -> Vec<Effect> {
        if !matches!(self.overlay, Overlay::None) {
            return vec![];
        }
        let a = layout::areas(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1));
        let ed = layout::inner(a.editor);
        let gutter = layout::gutter_width(self.buffer.line_count());
        match kind {
            MouseKind::ScrollUp | MouseKind::ScrollDown => {
                let down = kind == MouseKind::ScrollDown;
                if layout::contains(a.editor, x, y) {
                    let max = self.buffer.line_count().saturating_sub(1);
                    self.view_top = if down {
                        (self.view_top + 3).min(max)
                    } else {
                        self.view_top.saturating_sub(3)
                    };
                    self.scrolled_by_mouse = true;
                } else if layout::contains(a.results, x, y) {
                    self.results_scroll = if down {
                        self.results_scroll.saturating_sub(3)
                    } else {
                        self.results_scroll.saturating_add(3)
                    };
                } else if layout::contains(a.threats, x, y) {
                    let n = self.findings().len();
                    self.finding_selected = if down {
                        (self.finding_selected + 1).min(n.saturating_sub(1))
                    } else {
                        self.finding_selected.saturating_sub(1)
                    };
                }
            }
            MouseKind::Click | MouseKind::Drag => {
                if layout::contains(ed, x, y) && x >= ed.x + gutter {
                    let line = self.view_top + (y - ed.y) as usize;
                    let line = line.min(self.buffer.line_count().saturating_sub(1));
                    let dcol = self.view_left + (x - ed.x - gutter) as usize;
                    let col = buffer::col_from_display(self.buffer.line(line).unwrap_or(""), dcol);
                    if kind == MouseKind::Click {
                        self.buffer.set_cursor(Pos::new(line, col));
                    } else {
                        let anchor =
                            self.buffer
                                .selection()
                                .map_or(self.buffer.cursor(), |(s, e)| {
                                    if s == self.buffer.cursor() {
                                        e
                                    } else {
                                        s
                                    }
                                });
                        self.buffer.select_range(anchor, Pos::new(line, col));
                    }
                    self.focus = Focus::Editor;
                } else if kind == MouseKind::Click && layout::contains(a.threats, x, y) {
                    self.focus = Focus::Threats;
                    let list = crate::tui::ui::findings::list_area(a.threats);
                    if layout::contains(list, x, y) {
                        let i = (y - list.y) as usize;
                        if i < self.findings().len() {
                            self.finding_selected = i;
                        }
                    }
                } else if kind == MouseKind::Click && layout::contains(a.results, x, y) {
                    self.focus = Focus::Results;
                    if y == a.results.y + 1 {
                        if let Some(t) = crate::tui::ui::results::tab_at(self, a.results, x) {
                            self.results_tab = t;
                            self.results_scroll = 0;
                        }
                    }
                } else if kind == MouseKind::Click && layout::contains(a.editor, x, y) {
                    self.focus = Focus::Editor;
                }
            }
        }
        vec![]
    }

    /// The editor's text area (inside the border, right of the gutter): width, height.
    pub fn editor_text_size(&self) -> (usize, usize) {
        let a = layout::areas(ratatui::layout::Rect::new(0, 0, self.size.0, self.size.1));
        let ed = layout::inner(a.editor);
        let gutter = layout::gutter_width(self.buffer.line_count());
        (ed.width.saturating_sub(gutter) as usize, ed.height as usize)
    }

    fn keep_cursor_visible(&mut self) {
        if std::mem::take(&mut self.scrolled_by_mouse) {
            return;
        }
        let (w, h) = self.editor_text_size();
        let (w, h) = (w.max(1), h.max(1));
        let c = self.buffer.cursor();
        if c.line < self.view_top {
            self.view_top = c.line;
        } else if c.line >= self.view_top + h {
            self.view_top = c.line + 1 - h;
        }
        let line = self.buffer.line(c.line).unwrap_or("");
        let dcol = buffer::display_col(line, c.col);
        // The cells of the character under the cursor (two for a wide one) must all show.
        let end = buffer::display_col(line, c.col + 1).max(dcol + 1);
        if dcol < self.view_left {
            self.view_left = dcol.saturating_sub(w / 4);
        } else if end > self.view_left + w {
            self.view_left = (end - w.min(end) + w / 4).min(dcol);
        }
        self.view_top = self
            .view_top
            .min(self.buffer.line_count().saturating_sub(1));
    }
}

fn action_dir(a: &Action) -> Option<bool> {
    match a {
        Action::Right => Some(true),
        Action::Left => Some(false),
        _ => None,
    }
}

fn is_dismiss(a: &Action) -> bool {
    matches!(
        a,
        Action::Escape | Action::Cancel | Action::Answer('n') | Action::Quit
    )
}

/// The limit fields of the executor selector, in display order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LimitField {
    Timeout,
    WallTimeout,
    Memory,
    Stack,
    Profile,
}

impl LimitField {
    pub const ALL: [LimitField; 5] = [
        LimitField::Timeout,
        LimitField::WallTimeout,
        LimitField::Memory,
        LimitField::Stack,
        LimitField::Profile,
    ];
    pub fn label(self) -> &'static str {
        match self {
            LimitField::Timeout => "CPU timeout",
            LimitField::WallTimeout => "wall timeout",
            LimitField::Memory => "memory",
            LimitField::Stack => "stack",
            LimitField::Profile => "profile",
        }
    }
    pub fn value(self, l: &Limits, p: Profile) -> String {
        match self {
            LimitField::Timeout => format!("{} ms", l.timeout_ms),
            LimitField::WallTimeout => format!("{} ms", l.wall_timeout_ms),
            LimitField::Memory => format!("{} MB", l.memory_mb),
            LimitField::Stack => format!("{} KB", l.stack_kb),
            LimitField::Profile => p.as_str().to_string(),
        }
    }
    pub fn bounds(self) -> String {
        match self {
            LimitField::Timeout => {
                format!("{}–{} ms", policy::MIN_TIMEOUT_MS, policy::MAX_TIMEOUT_MS)
            }
            LimitField::WallTimeout => {
                format!("≥ CPU, ≤ {} ms", policy::MAX_WALL_TIMEOUT_MS)
            }
            LimitField::Memory => format!("{}–{} MB", policy::MIN_MEMORY_MB, policy::MAX_MEMORY_MB),
            LimitField::Stack => format!("{}–{} KB", policy::MIN_STACK_KB, policy::MAX_STACK_KB),
            LimitField::Profile => "strict | lab".to_string(),
        }
    }
}

/// Limits and profile from a sample's `run-options` header (`--profile lab --timeout 200`).
pub fn sample_options(source: &str) -> Option<(Limits, Profile)> {
    let opts = crate::samples::header_value(source, "run-options")?;
    let mut limits = Limits::default();
    let mut profile = Profile::default();
    let mut words = opts.split_whitespace();
    while let Some(w) = words.next() {
        let val = words.next();
        let num = val.and_then(|v| v.parse::<u64>().ok());
        match (w, num) {
            ("--profile", _) => profile = val?.parse().ok()?,
            ("--timeout", Some(n)) => {
                limits = Limits {
                    ..Limits::with_timeout(n)
                }
            }
            ("--wall-timeout", Some(n)) => limits.wall_timeout_ms = n,
            ("--memory", Some(n)) => limits.memory_mb = n,
            ("--stack", Some(n)) => limits.stack_kb = n,
            _ => {}
        }
    }
    limits.validate().ok()?;
    Some((limits, profile))
}

fn expand_home(p: &str) -> PathBuf {
    if let Some(rest) = p.strip_prefix("~/") {
        if let Some(home) = std::env::var_os("HOME") {
            return PathBuf::from(home).join(rest);
        }
    }
    PathBuf::from(p)
}

fn common_prefix(items: &[String]) -> Option<String> {
    let first = items.first()?;
    let mut end = first.len();
    for it in &items[1..] {
        end = first
            .char_indices()
            .zip(it.chars())
            .take_while(|((_, a), b)| a == b)
            .last()
            .map_or(0, |((i, a), _)| i + a.len_utf8())
            .min(end);
    }
    Some(first[..end].to_string())
}

/// Text loaded into the editor is capped so no file can make the buffer unbounded.
fn bounded_text(text: String) -> String {
    if text.len() <= buffer::MAX_BUFFER_BYTES {
        return text;
    }
    let mut end = buffer::MAX_BUFFER_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    text[..end].to_string()
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
