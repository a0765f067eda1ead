//! The workbench's state. [`App::update`] is the only mutator: it takes an [`Action`] and
//! returns the [`Effect`]s the driver must carry out. No IO, no drawing; screen geometry comes
//! from [`crate::tui::layout`], never from the drawing code.
//!
//! - `main_screen`: keys on the main screen: editing, panels, search.
//! - `overlays`: dialogs, prompts, the samples browser and the executor selector.
//! - `run`: starting runs and taking in their events, escaped and bounded.
//! - `files`: open, save, quit, autosave and recovery.
//! - `mouse`: clicks, drags and the wheel.

mod files;
mod main_screen;
mod mouse;
mod overlays;
mod run;

pub use files::{title_of, Loaded};
pub use overlays::{sample_options, LimitField};
pub use run::{FinishedRun, HistoryEntry, LiveRun};

use crate::engine::exec::{BlockedAttempt, ExecutorInfo};
use crate::engine::lexer::{self, LineState};
use crate::engine::policy::{Limits, Profile};
use crate::engine::scan::{Finding, Report, Verdict};
use crate::engine::text;
use crate::tui::action::{Action, Effect};
use crate::tui::buffer::{self, Buffer};
use crate::tui::layout;
use crate::tui::theme::{Theme, ThemeSet};
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
        let text = files::bounded_text(init.text);
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
            context: crate::engine::scan::ScanContext::Plugin,
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
            Action::ScanDone { generation, report } => self.on_scan_done(generation, *report),
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
            Action::AutosaveDue => self.on_autosave_due(),
            Action::FileOpened { path, result } => self.on_file_opened(path, result),
            Action::Saved { path, result } => self.on_saved(path, result),
            Action::Completions { input, items } => {
                self.on_completions(&input, items);
                vec![]
            }
            Action::RecoveryFound { text } => {
                if text != self.buffer.text() {
                    self.overlay = Overlay::Recovery {
                        text: files::bounded_text(text),
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

    /// The editor's text area (inside the border, right of the gutter): width, height.
    pub fn editor_text_size(&self) -> (usize, usize) {
        let r = layout::editor_text(self.size, self.buffer.line_count());
        (r.width as usize, r.height as usize)
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
