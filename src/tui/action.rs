//! Every change to the workbench is an [`Action`]: keys mapped by the keymap, mouse, resize,
//! and results coming back from background work. [`Effect`]s are what `App::update` asks the
//! driver to do.

use crate::engine::exec::{ExecEvent, ExecRequest};
use crate::engine::scan::Report;
use crate::tui::buffer::Motion;
use std::path::PathBuf;
use std::sync::Arc;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MouseKind {
    Click,
    Drag,
    ScrollUp,
    ScrollDown,
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
    /// Quit without saving (from the unsaved-changes dialog).
    ForceQuit,
    Save,
    OpenPrompt,
    SearchPrompt,
    SearchNext,
    SearchPrev,
    ToggleHelp,
    ShowExecutors,
    ShowSamples,
    NextTheme,
    FocusNext,
    FocusPrev,
    NextFinding,
    // ── lists, tabs and dialogs ──
    Up,
    Down,
    Left,
    Right,
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
    Exec {
        run: u64,
        event: ExecEvent,
        /// Wall clock (seconds since the epoch, UTC) when the event arrived.
        at_unix: u64,
    },
    FileOpened {
        path: PathBuf,
        result: Result<String, String>,
    },
    Saved {
        path: PathBuf,
        result: Result<(), String>,
    },
    Completions {
        input: String,
        items: Vec<String>,
    },
    /// A recovery file from a previous session was found for the open buffer.
    RecoveryFound {
        text: String,
    },
    /// A status-bar message from the driver (autosave failure, theme warnings…).
    Notice(String),
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
    },
    StartRun {
        run: u64,
        executor: String,
        request: Box<ExecRequest>,
    },
    CancelRun {
        run: u64,
    },
    ReadFile {
        path: PathBuf,
    },
    WriteFile {
        path: PathBuf,
        text: String,
    },
    /// Complete a path prompt.
    Complete {
        input: String,
    },
    /// Save the buffer to the recovery file of `key`.
    Autosave {
        key: String,
        text: String,
    },
    DeleteRecovery {
        key: String,
    },
    /// Copy to the terminal's clipboard (OSC 52), where the terminal allows.
    Clipboard(String),
    Quit,
}
