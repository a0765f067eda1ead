//! Every change to the workbench is an [`Action`]: keys mapped by the keymap, mouse, resize,
//! and results coming back from background work. [`Effect`]s are what `App::update` asks the
//! driver to do.

use crate::engine::exec::{ExecEvent, ExecRequest};
use crate::engine::scan::Report;
use crate::engine::trust::stats::{RecentRun, Stats};
use crate::engine::trust::TrustBasis;
use crate::tui::buffer::Motion;
use crate::tui::recovery::{CopyFile, Listing, Origin};
use crate::tui::settings::SavedSettings;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Click,
    Drag,
    ScrollUp,
    ScrollDown,
}

/// Why a save did not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveError {
    /// The target exists and is not the file the buffer was loaded from: the user is asked.
    Exists,
    Failed(String),
}

/// What a recovery copy was read for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecoveryPurpose {
    Restore,
    Diff,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Action {
    // ── editing ──
    Insert(String),
    /// Bracketed paste from the terminal.
    Paste(String),
    Newline,
    Indent,
    Backspace,
    Delete,
    Move(Motion, bool),
    SelectAll,
    Copy,
    Cut,
    /// Paste the workbench's own clipboard.
    PasteInternal,
    Undo,
    Redo,
    // ── commands ──
    Run,
    /// "Run anyway in the sandbox" from the block-verdict dialog.
    ConfirmRun,
    Cancel,
    /// Esc outside a run: close an overlay, clear the selection, focus the editor.
    Escape,
    Quit,
    /// Quit without saving (from the unsaved-changes dialog): the changes are discarded.
    ForceQuit,
    Save,
    OpenPrompt,
    SearchPrompt,
    SearchNext,
    SearchPrev,
    ToggleHelp,
    ShowExecutors,
    ShowSamples,
    /// The JSON `input` editor of the buffer's run settings.
    ShowInput,
    /// Every message of the session (warnings included).
    ShowMessages,
    /// The recovery copies on disk.
    ShowRecovery,
    NextTheme,
    FocusNext,
    FocusPrev,
    NextFinding,
    // ── lists, tabs and dialogs ──
    Up,
    Down,
    Left,
    Right,
    PageUp,
    PageDown,
    Enter,
    NextTab,
    PrevTab,
    /// A character typed into a prompt or a limit field.
    PromptChar(char),
    PromptBackspace,
    PromptComplete,
    /// Answer to a yes/no/other dialog.
    Answer(char),
    Mouse(MouseKind, u16, u16),
    Resize(u16, u16),
    /// Spinner and elapsed time while a run goes.
    Tick,
    /// Autosave is due.
    AutosaveDue,
    // ── results of effects ──
    ScanDone {
        generation: u64,
        report: Box<Report>,
    },
    /// The scan of `generation` panicked or ran past its time: the verdict is unknown.
    ScanFailed {
        generation: u64,
        reason: String,
    },
    Exec {
        run: u64,
        event: ExecEvent,
        /// Wall clock (seconds since the epoch, UTC) when the event arrived.
        at_unix: u64,
    },
    FileOpened {
        path: PathBuf,
        result: Result<String, String>,
        /// The run settings saved for this file, if any (or why they could not be used).
        settings: Option<Result<SavedSettings, String>>,
    },
    /// A `.wasm` file read and described (or why it cannot be opened: unreadable, over the
    /// size limit, not a valid module).
    ModuleOpened {
        path: PathBuf,
        result: Result<Box<crate::tui::wasm_view::ModuleView>, String>,
        settings: Option<Result<SavedSettings, String>>,
    },
    Saved {
        path: PathBuf,
        result: Result<(), SaveError>,
    },
    Completions {
        input: String,
        items: Vec<String>,
    },
    /// Recovery copies on disk: all of them (`only: None`, at start-up and on request) or
    /// those of one buffer (after it was opened).
    RecoveryListed {
        only: Option<Origin>,
        listing: Listing,
    },
    /// A recovery copy read for restoring or for a diff, with the text it would replace
    /// (`None` when there is none: the file is gone or unreadable) and, for a file, its saved
    /// run settings.
    RecoveryLoaded {
        key: String,
        purpose: RecoveryPurpose,
        result: Result<Box<RecoveryText>, String>,
    },
    /// The trust basis of `origin`'s text as opened or saved (signature, signers: IO done).
    /// The manifest beside a file: `None` when there is none.
    ManifestLoaded {
        origin: Origin,
        result: Option<Result<Box<crate::engine::policy::manifest::Manifest>, String>>,
    },
    /// The answer to [`Effect::ProposeGrant`].
    GrantProposed {
        origin: Origin,
        result: Result<crate::engine::policy::Grant, String>,
    },
    /// The answer to [`Effect::CheckReadDir`]: the directory to grant, or why not.
    ReadDirChecked {
        origin: Origin,
        result: Result<PathBuf, String>,
    },
    /// Open the Permissions panel.
    ShowPermissions,
    /// "Grant this": the selected Blocked row.
    GrantThis,
    TrustChecked {
        origin: Origin,
        basis: Box<TrustBasis>,
    },
    /// The end of the audit log, read at start-up and after each audited workbench run.
    AuditLoaded(Result<Box<AuditView>, String>),
    /// A status-bar message from the driver (autosave failure, theme warnings…). Empty: none.
    Notice(String),
    /// A warning from the driver: also kept in the messages view.
    Warning(String),
}

/// What the History tab shows from the audit log: its last runs and the same figures as
/// `sandbench stats` over exactly those runs.
#[derive(Debug, Clone, PartialEq)]
pub struct AuditView {
    /// Oldest first.
    pub runs: Vec<RecentRun>,
    /// Of the last lines read, those that were not records (skipped).
    pub unreadable: u64,
    /// `stats::compute` since the oldest run listed (`None`: nothing listed).
    pub stats: Option<Stats>,
    /// The log file.
    pub path: PathBuf,
}

/// What the driver needs to check a run's trust and to audit it: the file (its signature is
/// checked against the bytes about to run), the scan report shown, and the run's context.
#[derive(Debug, Clone)]
pub struct RunAudit {
    pub path: Option<PathBuf>,
    /// As written in the audit log (the path, or the buffer's title).
    pub file: String,
    /// The scan of exactly this code (`None`: the scan failed and the user ran anyway).
    pub report: Option<Report>,
    /// A `block` verdict was overridden.
    pub forced: bool,
}

/// A recovery copy and what it would replace.
#[derive(Debug, Clone, PartialEq)]
pub struct RecoveryText {
    pub copy: CopyFile,
    pub base: Option<String>,
    pub settings: Option<Result<SavedSettings, String>>,
}

#[derive(Debug, Clone)]
pub enum Effect {
    /// Scan `source` after the debounce delay; latest wins.
    Scan {
        generation: u64,
        source: Arc<str>,
        /// What the code is (the workbench scans as a plugin today; a field so it can offer
        /// the package context later).
        context: crate::engine::scan::ScanContext,
        /// A WebAssembly buffer: scan these bytes (the `.wat` text, or the `.wasm` file) with
        /// the wasm scanner instead of `source` with the script scanner.
        wasm: Option<Arc<[u8]>>,
    },
    StartRun {
        run: u64,
        executor: String,
        request: Box<ExecRequest>,
        audit: Box<RunAudit>,
        /// A `.wasm` buffer's module: its binary runs with `run_module` (its `_start`) under
        /// the request's limits, its file's bytes are what the trust check hashes; the
        /// request's code is then unused.
        module: Option<Arc<crate::tui::wasm_view::ModuleView>>,
    },
    /// Find and check the signature of `origin`'s file for `content` (at open and save).
    CheckTrust {
        origin: Origin,
        path: PathBuf,
        content: Arc<[u8]>,
    },
    /// Read the plugin manifest (`sandbench.toml`) beside `origin`'s file (at open and save).
    LoadManifest {
        origin: Origin,
        path: PathBuf,
    },
    /// What grant would have let `blocked` through ("grant this"): answered by
    /// [`Action::GrantProposed`]. Off the UI thread: it looks at the disk.
    ProposeGrant {
        origin: Origin,
        blocked: Box<crate::engine::exec::BlockedAttempt>,
        permissions: Box<crate::engine::policy::Permissions>,
        plugin_dir: Option<PathBuf>,
    },
    /// Check a directory typed into the Permissions panel as `--allow-read` would.
    CheckReadDir {
        origin: Origin,
        dir: PathBuf,
    },
    /// Read the end of the audit log for the History tab.
    LoadAudit,
    CancelRun {
        run: u64,
    },
    /// Read a file (and its saved run settings).
    ReadFile {
        path: PathBuf,
    },
    /// Write the buffer to `path`; unless `overwrite`, refuse (with [`SaveError::Exists`]) when
    /// something is already there.
    WriteFile {
        path: PathBuf,
        text: String,
        overwrite: bool,
    },
    /// Complete a path prompt.
    Complete {
        input: String,
    },
    /// Write the buffer to its recovery copy `key`. `flush`: before anything else happens
    /// (the workbench quits or opens another buffer right after).
    WriteRecovery {
        key: String,
        origin: Origin,
        title: String,
        text: String,
        flush: bool,
    },
    /// Delete a recovery copy: its content was saved, or the user discarded it.
    DeleteRecovery {
        key: String,
    },
    /// List recovery copies (see [`Action::RecoveryListed`]).
    ListRecovery {
        only: Option<Origin>,
    },
    /// Read a recovery copy (see [`Action::RecoveryLoaded`]).
    LoadRecovery {
        key: String,
        purpose: RecoveryPurpose,
    },
    /// Remember a file's run settings (limits, profile, executor, input).
    SaveSettings {
        path: PathBuf,
        settings: SavedSettings,
    },
    /// Remember workbench-wide preferences (the theme).
    SaveState {
        theme: String,
    },
    /// Copy to the terminal's clipboard (OSC 52), where the terminal allows.
    Clipboard(String),
    Quit,
}
