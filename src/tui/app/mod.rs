//! The workbench's state. [`App::update`] is the only mutator: it takes an [`Action`] and
//! returns the [`Effect`]s the driver must carry out. No IO, no drawing; screen geometry comes
//! from [`crate::tui::layout`], never from the drawing code.
//!
//! - `main_screen`: keys on the main screen: editing, panels, search.
//! - `overlays`: dialogs, prompts, the samples browser, the executor selector, the `input`
//!   editor and the messages view.
//! - `run`: starting runs and taking in their events, escaped and bounded; results belong to
//!   the buffer (and the code) they came from.
//! - `files`: open, save, quit; switching buffers keeps each one's settings and results.
//! - `recovery`: autosave to recovery copies, and offering them back.
//! - `diff`: line diffs (recovery copy against its file, one run against the previous).
//! - `mouse`: clicks, drags and the wheel.
//! - `messages`: the session's message log, bounded.

mod diff;
mod files;
mod main_screen;
mod messages;
mod mouse;
mod overlays;
mod permissions;
mod recovery;
mod run;
mod wasm;

pub use diff::{DiffKind, DiffRow};
pub use files::{title_of, Loaded};
pub use messages::{Message, MessageLevel, MessageLog, MAX_MESSAGES};
pub use overlays::{InputEditor, LimitField};
pub use permissions::{parse_entry, PermissionRow, PermissionsPanel};
pub use recovery::{copy_time, describe_copy, DiffView, RecoveryScope, RecoveryView};
pub use run::{
    FinishedRun, Freshness, HistoryEntry, LiveRun, RunCode, Runs, SampleTrace, MAX_BLOCKED,
    MAX_CONSOLE_BYTES, MAX_CONSOLE_LINES, MAX_LINE_CHARS,
};
pub use wasm::{is_wasm_path, is_wat_name, Language};

use crate::engine::exec::ExecutorInfo;
use crate::engine::lexer::{self, LineState};
use crate::engine::scan::{Finding, Report, Verdict};
use crate::engine::text;
use crate::engine::trust::{TrustBasis, TrustState};
use crate::tui::action::{Action, AuditView, Effect};
use crate::tui::buffer::{self, Buffer};
use crate::tui::layout;
use crate::tui::recovery::Origin;
use crate::tui::settings::{RunSettings, SettingsSource};
use crate::tui::theme::{Theme, ThemeSet};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

pub const MAX_HISTORY: usize = 50;
pub const MAX_COMPLETIONS: usize = 200;
/// Buffers whose settings and results are kept while another one is open.
pub const MAX_STASHED: usize = 16;
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
    Diff,
    History,
}

impl ResultsTab {
    pub const ALL: [ResultsTab; 6] = [
        ResultsTab::Value,
        ResultsTab::Console,
        ResultsTab::Error,
        ResultsTab::Blocked,
        ResultsTab::Diff,
        ResultsTab::History,
    ];
    pub fn title(self) -> &'static str {
        match self {
            ResultsTab::Value => "Value",
            ResultsTab::Console => "Console",
            ResultsTab::Error => "Error",
            ResultsTab::Blocked => "Blocked",
            ResultsTab::Diff => "Diff",
            ResultsTab::History => "History",
        }
    }
    /// The short label used when the full ones do not fit.
    pub fn short(self) -> &'static str {
        match self {
            ResultsTab::Value => "Val",
            ResultsTab::Console => "Con",
            ResultsTab::Error => "Err",
            ResultsTab::Blocked => "Blk",
            ResultsTab::Diff => "Diff",
            ResultsTab::History => "Hist",
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

/// Why a run waits for a yes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunQuestion {
    /// The scanner's verdict is `block`.
    Block,
    /// The scan of this code failed: its verdict is unknown.
    ScanFailed(String),
}

#[derive(Debug, Clone, PartialEq)]
pub enum Overlay {
    None,
    Help {
        scroll: usize,
    },
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
    ConfirmRun(RunQuestion),
    ConfirmQuit,
    ConfirmDiscard(Box<Loaded>),
    /// Save-as onto a file that exists and is not the one loaded.
    ConfirmOverwrite {
        path: PathBuf,
    },
    Recovery(Box<RecoveryView>),
    RecoveryDiff(Box<DiffView>),
    Input(Box<InputEditor>),
    Messages {
        scroll: usize,
    },
    /// What the next run is granted, and where each grant came from; editable.
    Permissions(Box<PermissionsPanel>),
    /// "Grant this": the grant a Blocked row proposes, waiting for a yes.
    ConfirmGrant {
        grant: crate::engine::policy::Grant,
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

/// Drops the lexer states from the first changed line on, then lexes lines until `need` of
/// them have the state they start in (`tokenize` is the buffer's language's lexer).
fn extend_states<S: Copy + Default>(
    states: &mut Vec<S>,
    changed: Option<usize>,
    need: usize,
    buffer: &Buffer,
    tokenize: fn(&str, S, &mut Vec<lexer::Token>) -> S,
) {
    if let Some(from) = changed {
        states.truncate(from + 1);
    }
    if states.is_empty() {
        states.push(S::default());
    }
    let mut scratch = Vec::new();
    while states.len() < need {
        let i = states.len() - 1;
        let line = buffer.line(i).unwrap_or("");
        scratch.clear();
        let next = tokenize(line, states[i], &mut scratch);
        states.push(next);
    }
}

/// Lexer states at the start of each line, computed lazily up to the last visible line and
/// invalidated from the first edited line, so highlighting costs only what is on screen.
#[derive(Debug, Clone, Default)]
pub struct Highlight {
    /// `states[i]`: the state line `i` starts in; valid for every `i < states.len()`.
    pub states: Vec<LineState>,
    /// The same for a WebAssembly text buffer (the WAT lexer's states).
    pub wat: Vec<crate::tui::wat::WatState>,
}

/// How the App starts.
#[derive(Debug, Clone)]
pub struct AppInit {
    pub title: String,
    pub origin: Origin,
    pub text: String,
    /// Run settings saved for the file (see [`crate::tui::settings`]).
    pub saved_settings: Option<Result<crate::tui::settings::SavedSettings, String>>,
    pub executors: Vec<ExecutorInfo>,
    pub auto_name: String,
    pub themes: ThemeSet,
    /// The theme chosen last time.
    pub theme_name: Option<String>,
    pub size: (u16, u16),
    /// Names this session's recovery copies (never another session's).
    pub session: String,
    /// `--require-signed` (or the config default): F5 refuses unsigned code.
    pub require_signed: bool,
    /// Warnings from setting up (config, signers, exporter), shown in the messages view.
    pub warnings: Vec<String>,
    /// A `.wasm` file opened: the module, shown read-only (`text` is its description).
    pub module: Option<Arc<crate::tui::wasm_view::ModuleView>>,
}

impl AppInit {
    /// A workbench on `text` with the executors this build detects.
    pub fn new(title: impl Into<String>, text: impl Into<String>) -> Self {
        let title = title.into();
        AppInit {
            origin: Origin::Untitled {
                title: title.clone(),
            },
            title,
            text: text.into(),
            saved_settings: None,
            executors: crate::engine::exec::detect(),
            auto_name: crate::engine::exec::auto_name(),
            themes: ThemeSet::default(),
            theme_name: None,
            size: (80, 24),
            session: "s0".to_string(),
            require_signed: false,
            warnings: Vec::new(),
            module: None,
        }
    }

    /// The same, for the file at `path`.
    pub fn file(path: PathBuf, text: impl Into<String>) -> Self {
        let mut i = AppInit::new(title_of(&path), text);
        i.origin = Origin::File { path };
        i
    }

    /// The same, for an embedded sample.
    pub fn sample(name: &str, text: impl Into<String>) -> Self {
        let mut i = AppInit::new(name, text);
        i.origin = Origin::Sample {
            name: name.to_string(),
        };
        i
    }
}

/// A buffer that is not open: its settings and results, kept for when it is opened again.
#[derive(Debug, Clone)]
struct Stash {
    origin: Origin,
    settings: RunSettings,
    source: SettingsSource,
    runs: Runs,
}

#[derive(Debug, Clone)]
pub struct App {
    pub buffer: Buffer,
    /// Shown in titles: escaped, so a file name cannot draw on the screen.
    pub title: String,
    /// What the buffer is (a file, a sample, untitled): its results, settings and recovery
    /// copies belong to it.
    pub origin: Origin,
    saved_generation: u64,
    autosaved_generation: u64,
    /// A buffer generation offset so that loading a new text always changes `generation()`.
    gen_base: u64,
    pub report: Option<Report>,
    pub report_generation: Option<u64>,
    /// The scan of this generation failed (panicked or overran): why.
    pub scan_failed: Option<(u64, String)>,
    pub focus: Focus,
    pub finding_selected: usize,
    pub results_tab: ResultsTab,
    pub results_scroll: usize,
    pub blocked_selected: usize,
    /// The run going now; it may belong to another buffer than the one shown.
    pub live: Option<LiveRun>,
    /// This buffer's finished runs (a stashed buffer keeps its own in its `Stash`).
    pub runs: Runs,
    stash: Vec<Stash>,
    pub executors: Vec<ExecutorInfo>,
    pub auto_name: String,
    /// This buffer's run settings: `auto` or an executor name, limits, profile, `input`, and
    /// its grants, laid over its manifest as `--allow-*` flags would be.
    pub settings: RunSettings,
    /// The manifest beside the buffer's file (`None`: none, or not read yet).
    pub manifest: Option<Result<crate::engine::policy::manifest::Manifest, String>>,
    /// The scanner's report before the grants were applied (`report` is after).
    pub plain_report: Option<Report>,
    pub settings_source: SettingsSource,
    pub overlay: Overlay,
    pub theme: ThemeChoice,
    pub highlight: Highlight,
    /// The latest message, for the status bar.
    pub message: Option<String>,
    pub messages: MessageLog,
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
    /// The sample last picked in the samples browser.
    pub samples_selected: usize,
    // ── recovery (see `recovery.rs`) ──
    session: String,
    /// Buffers opened in this session: numbers this session's recovery keys.
    buffer_serial: u64,
    /// Whether F5 refuses code that is not signed by a trusted signer.
    pub require_signed: bool,
    /// Set-up warnings, said at start.
    startup_warnings: Vec<String>,
    /// The trust basis of a file's text as opened or saved (which buffer it is for).
    pub trust: Option<(Origin, TrustBasis)>,
    /// The end of the audit log for the History tab (`None`: not read yet).
    pub audit: Option<Result<AuditView, String>>,
    /// This buffer's recovery copy, written by this session.
    own_copy: Option<String>,
    /// Copies (of earlier sessions) restored into this buffer: deleted once it is saved.
    restored_from: Vec<String>,
    /// The module of a `.wasm` buffer (shown read-only; see [`Language::WasmBinary`]).
    pub module: Option<Arc<crate::tui::wasm_view::ModuleView>>,
}

impl App {
    pub fn new(init: AppInit) -> Self {
        let text = files::bounded_text(init.text);
        let mut theme = ThemeChoice {
            set: init.themes,
            index: 0,
        };
        if let Some(name) = &init.theme_name {
            if let Some(i) = theme.set.themes.iter().position(|t| &t.name == name) {
                theme.index = i;
            }
        }
        let mut app = App {
            buffer: Buffer::from_text(&text),
            title: text::escape(&init.title, false).into_owned(),
            origin: init.origin,
            saved_generation: 0,
            autosaved_generation: 0,
            gen_base: 0,
            report: None,
            report_generation: None,
            scan_failed: None,
            focus: Focus::Editor,
            finding_selected: 0,
            results_tab: ResultsTab::Value,
            results_scroll: 0,
            blocked_selected: 0,
            live: None,
            runs: Runs::default(),
            stash: Vec::new(),
            executors: init.executors,
            auto_name: init.auto_name,
            settings: RunSettings::default(),
            manifest: None,
            plain_report: None,
            settings_source: SettingsSource::Defaults,
            overlay: Overlay::None,
            theme,
            highlight: Highlight::default(),
            message: None,
            messages: MessageLog::default(),
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
            samples_selected: 0,
            session: init.session,
            buffer_serial: 1,
            require_signed: init.require_signed,
            startup_warnings: init.warnings,
            trust: None,
            audit: None,
            own_copy: None,
            restored_from: Vec::new(),
            module: init.module,
        };
        let (settings, source) = app.initial_settings(&text, init.saved_settings);
        app.apply_settings(settings, source);
        app
    }

    /// The effects to run at start: the first scan and the list of recovery copies.
    pub fn start(&mut self) -> Vec<Effect> {
        self.refresh_highlight();
        let mut warnings = std::mem::take(&mut self.startup_warnings);
        let what = if warnings.is_empty() {
            "theme warnings"
        } else {
            "warnings"
        };
        warnings.extend(self.theme.set.warnings.iter().cloned());
        for w in &warnings {
            self.warn(w.clone());
        }
        if warnings.len() > 1 {
            self.message = Some(format!("{} {what} — F2 lists them", warnings.len()));
        }
        let mut fx = vec![self.scan_effect(), Effect::ListRecovery { only: None }];
        fx.extend(self.trust_effect());
        fx.extend(self.manifest_effect());
        fx.push(Effect::LoadAudit);
        fx
    }

    /// Checks the signature of the buffer's file against its text (at open and save).
    pub(super) fn trust_effect(&self) -> Option<Effect> {
        let path = self.path()?.to_path_buf();
        let content: Arc<[u8]> = match &self.module {
            Some(m) => Arc::clone(&m.file),
            None => Arc::from(self.buffer.text().as_bytes()),
        };
        Some(Effect::CheckTrust {
            origin: self.origin.clone(),
            path,
            content,
        })
    }

    /// The buffer's trust state, and whether the text has changed since it was computed (a
    /// scan is pending). `None`: a file whose signature is still being checked.
    pub fn trust_state(&self) -> Option<(TrustState, bool)> {
        let basis = match (&self.origin, &self.trust) {
            (Origin::File { .. }, Some((o, b))) if *o == self.origin => b,
            (Origin::File { .. }, _) => return None,
            _ => return Some((TrustState::Unsigned, false)),
        };
        let report = self.report.as_ref()?;
        Some((basis.state_for(&report.sha256).clone(), self.scan_pending()))
    }

    /// The file the buffer belongs to, if it is one.
    pub fn path(&self) -> Option<&Path> {
        match &self.origin {
            Origin::File { path } => Some(path),
            _ => None,
        }
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

    /// Whether the run going now is of this buffer.
    pub fn live_here(&self) -> Option<&LiveRun> {
        self.live.as_ref().filter(|l| l.origin == self.origin)
    }

    pub fn scan_pending(&self) -> bool {
        self.report_generation != Some(self.generation()) && !self.scan_failed_now()
    }

    /// The scan of the current text failed.
    pub fn scan_failed_now(&self) -> bool {
        self.scan_failed
            .as_ref()
            .is_some_and(|(g, _)| *g == self.generation())
    }

    pub fn needs_autosave(&self) -> bool {
        self.dirty() && self.autosaved_generation != self.generation()
    }

    /// The executor a run will use (resolving `auto` for this buffer's language).
    pub fn resolved_executor(&self) -> &str {
        if self.settings.executor == "auto" {
            self.auto_here()
        } else {
            &self.settings.executor
        }
    }

    fn apply_settings(&mut self, s: RunSettings, source: SettingsSource) {
        self.settings = s;
        self.settings_source = source;
        self.regate();
    }

    /// Lines on which the run shown recorded a blocked attempt, when that run is of the code in
    /// the editor now (after an edit, lines may have moved: nothing is marked).
    pub fn confirmed_lines(&self) -> BTreeSet<u32> {
        if self.results_freshness() != Freshness::Fresh {
            return BTreeSet::new();
        }
        self.blocked_list().iter().filter_map(|b| b.line).collect()
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
        // One copy of the text per edit: a `.wat` buffer's bytes share it.
        let source: Arc<str> = Arc::from(self.buffer.text());
        let wasm = match (self.language(), &self.module) {
            (Language::WasmBinary, Some(m)) => Some(Arc::clone(&m.file)),
            (Language::WasmText, _) => Some(Arc::<[u8]>::from(Arc::clone(&source))),
            _ => None,
        };
        Effect::Scan {
            generation: self.generation(),
            source,
            context: crate::engine::scan::ScanContext::Plugin,
            wasm,
        }
    }

    fn log(&mut self, level: MessageLevel, msg: String) {
        let m = text::truncate(&text::escape(&msg, false), 300).into_owned();
        self.messages.push(level, m.clone());
        self.message = Some(m);
    }

    fn say(&mut self, msg: impl Into<String>) {
        self.log(MessageLevel::Info, msg.into());
    }

    fn warn(&mut self, msg: impl Into<String>) {
        self.log(MessageLevel::Warning, msg.into());
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
        let changed = self.buffer.take_changed_from();
        if self.language() == Language::WasmText {
            let wat = crate::tui::wat::tokenize_line_into;
            extend_states(&mut self.highlight.wat, changed, need, &self.buffer, wat);
        } else {
            let js = lexer::tokenize_line_into;
            extend_states(&mut self.highlight.states, changed, need, &self.buffer, js);
        }
    }

    fn dispatch(&mut self, action: Action) -> Vec<Effect> {
        match action {
            Action::ScanDone { generation, report } => self.on_scan_done(generation, *report),
            Action::ScanFailed { generation, reason } => self.on_scan_failed(generation, reason),
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
            Action::FileOpened {
                path,
                result,
                settings,
            } => self.on_file_opened(path, result, settings),
            Action::ModuleOpened {
                path,
                result,
                settings,
            } => self.on_module_opened(path, result, settings),
            Action::Saved { path, result } => self.on_saved(path, result),
            Action::Completions { input, items } => {
                self.on_completions(&input, items);
                vec![]
            }
            Action::RecoveryListed { only, listing } => self.on_recovery_listed(only, listing),
            Action::RecoveryLoaded {
                key,
                purpose,
                result,
            } => self.on_recovery_loaded(key, purpose, result),
            Action::Notice(m) => {
                if !m.is_empty() {
                    self.say(m);
                }
                vec![]
            }
            Action::Warning(m) => {
                self.warn(m);
                vec![]
            }
            // Answers for another buffer than the one shown come late: dropped.
            Action::ManifestLoaded { origin, .. }
            | Action::GrantProposed { origin, .. }
            | Action::ReadDirChecked { origin, .. }
            | Action::TrustChecked { origin, .. }
                if origin != self.origin =>
            {
                vec![]
            }
            Action::ManifestLoaded { result, .. } => self.on_manifest_loaded(result),
            Action::GrantProposed { result, .. } => self.on_grant_proposed(result),
            Action::ReadDirChecked { result, .. } => self.on_read_dir_checked(result),
            Action::TrustChecked { origin, basis } => {
                self.trust = Some((origin, *basis));
                vec![]
            }
            Action::AuditLoaded(result) => {
                match result {
                    Ok(v) => self.audit = Some(Ok(*v)),
                    Err(e) => {
                        let e = text::escape(&e, false).into_owned();
                        self.warn(format!("history: the audit log cannot be read: {e}"));
                        self.audit = Some(Err(e));
                    }
                }
                vec![]
            }
            Action::Resize(w, h) => {
                self.size = (w, h);
                self.fit_view_after_resize();
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

    /// After a resize: nothing moves while the terminal is too small to draw the workbench
    /// (its geometry there means nothing); once it is big enough again, the view keeps the
    /// cursor in sight without being scrolled further than the text needs.
    fn fit_view_after_resize(&mut self) {
        if layout::too_small(layout::screen(self.size)) {
            return;
        }
        let (_, h) = self.editor_text_size();
        let max_top = self.buffer.line_count().saturating_sub(h.max(1));
        self.view_top = self.view_top.min(max_top);
        let (w, _) = self.editor_text_size();
        let c = self.buffer.cursor();
        let line = self.buffer.line(c.line).unwrap_or("");
        if buffer::display_col(line, c.col) < w {
            self.view_left = 0;
        }
    }

    fn keep_cursor_visible(&mut self) {
        if std::mem::take(&mut self.scrolled_by_mouse) {
            return;
        }
        if layout::too_small(layout::screen(self.size)) {
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
