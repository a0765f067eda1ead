//! Keys → [`Action`]s. What a key means depends on what is open (an overlay, a prompt, a
//! run), so the mapping reads the App but never changes it. [`BINDINGS`] is the one list the
//! help overlay shows.
//!
//! Shift-F3: most terminals (and tmux) send it as `ESC [ 1 ; 2 R`, byte for byte a cursor
//! position report, which crossterm 0.29 always reads as one and never delivers as a key
//! (crossterm-rs/crossterm#685). Terminals that send the unambiguous `ESC [ 13 ; 2 ~` (kitty,
//! ghostty, foot) reach `SearchPrev` below; everywhere, Alt-G and ↑ in the search prompt do.

use crate::tui::action::Action;
use crate::tui::app::{App, Focus, Overlay};
use crate::tui::buffer::Motion;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

/// Every key, as the help overlay lists it: (keys, what they do).
pub const BINDINGS: &[(&str, &str)] = &[
    ("F5 / Ctrl-R", "run the buffer in the sandbox"),
    (
        "Esc",
        "cancel the run · close a dialog · back to the editor",
    ),
    ("Ctrl-S", "save (asks before replacing another file)"),
    ("Ctrl-O", "open a file (Tab completes paths)"),
    (
        "Ctrl-P",
        "samples: plugins, attack demos, WebAssembly (.wat)",
    ),
    (
        "Ctrl-E",
        "executor and limits (←/→ adjust, digits+Enter set)",
    ),
    ("F4", "the JSON `input` given to the run"),
    ("F9", "permissions of the next run (add, remove, sources)"),
    ("g", "Blocked tab: grant this for the next run (asks)"),
    ("Ctrl-T", "next theme (remembered)"),
    ("F2", "messages: every warning and notice"),
    ("Ctrl-K", "recovery copies of unsaved work"),
    ("F1 / ?", "this help (? outside the editor)"),
    ("Ctrl-Q", "quit (asks if there are unsaved changes)"),
    ("F6 / Tab", "focus the next pane (Tab outside the editor)"),
    ("Shift-F6/Shift-Tab", "focus the previous pane"),
    ("F8", "jump to the next finding"),
    ("↑↓ Enter", "threats: pick a finding, jump to its span"),
    (
        "←→ ↑↓ Enter",
        "results: tabs, scroll, jump to a blocked line",
    ),
    ("F7 / Shift-F7", "next / previous results tab"),
    ("Ctrl-F", "search (↑/↓ in the prompt: previous / next)"),
    ("F3 / Ctrl-G", "next match"),
    ("Shift-F3 / Alt-G", "previous match"),
    ("Ctrl-Z / Ctrl-Y", "undo / redo"),
    ("Shift-arrows", "select"),
    ("Ctrl-arrows", "move by word"),
    ("Ctrl-A", "select all"),
    ("Ctrl-C/X/V", "copy (also to the terminal) / cut / paste"),
    ("Home End PgUp PgDn", "line start and end, page up and down"),
    ("Ctrl-Home/End", "start / end of the file"),
    ("Tab", "indent (in the editor)"),
    ("Mouse", "click, drag to select, wheel to scroll"),
];

/// Maps a key to an action for the App's current state.
pub fn map_key(app: &App, key: KeyEvent) -> Option<Action> {
    if key.kind == KeyEventKind::Release {
        return None;
    }
    let ctrl = key.modifiers.contains(KeyModifiers::CONTROL);
    let shift = key.modifiers.contains(KeyModifiers::SHIFT);
    let alt = key.modifiers.contains(KeyModifiers::ALT);

    // Keys that mean the same everywhere.
    match key.code {
        KeyCode::Char('q') if ctrl => return Some(Action::Quit),
        KeyCode::Char('c') if ctrl && matches!(app.overlay, Overlay::None) => {
            return Some(if app.buffer.selection().is_some() {
                Action::Copy
            } else if app.is_running() {
                Action::Cancel
            } else {
                Action::Copy
            })
        }
        _ => {}
    }

    match &app.overlay {
        Overlay::None => {}
        Overlay::Prompt { .. } => {
            return match key.code {
                KeyCode::Tab => Some(Action::PromptComplete),
                KeyCode::Backspace => Some(Action::PromptBackspace),
                KeyCode::F(3) if shift => Some(Action::SearchPrev),
                KeyCode::F(3) => Some(Action::SearchNext),
                KeyCode::Char('g') if alt => Some(Action::SearchPrev),
                KeyCode::Char('g') if ctrl => Some(Action::SearchNext),
                KeyCode::Char(c) if !ctrl && !alt => Some(Action::PromptChar(c)),
                code => dialog_key(code),
            }
        }
        Overlay::Executors { .. } => {
            return match key.code {
                KeyCode::Left | KeyCode::Char('-') => Some(Action::Left),
                KeyCode::Right | KeyCode::Char('+') => Some(Action::Right),
                KeyCode::Backspace => Some(Action::PromptBackspace),
                KeyCode::Char('e') if ctrl => Some(Action::ShowExecutors),
                KeyCode::F(4) => Some(Action::ShowInput),
                KeyCode::Char(c) if !ctrl && !alt => Some(Action::PromptChar(c)),
                code => dialog_key(code),
            }
        }
        Overlay::Input(_) => return input_key(key, ctrl, shift, alt),
        Overlay::Permissions(panel) if panel.adding.is_some() => {
            return match key.code {
                KeyCode::Esc => Some(Action::Escape),
                KeyCode::Enter => Some(Action::Enter),
                KeyCode::Backspace => Some(Action::PromptBackspace),
                KeyCode::Char(c) if !ctrl && !alt => Some(Action::PromptChar(c)),
                _ => None,
            }
        }
        Overlay::Permissions(_) => {
            return match key.code {
                KeyCode::F(9) => Some(Action::Escape),
                KeyCode::Delete => Some(Action::Delete),
                KeyCode::Char(c) if !ctrl && !alt => Some(Action::Answer(c.to_ascii_lowercase())),
                code => dialog_key(code),
            }
        }
        _ => {
            return match key.code {
                KeyCode::PageUp => Some(Action::PageUp),
                KeyCode::PageDown => Some(Action::PageDown),
                KeyCode::Delete => Some(Action::Delete),
                KeyCode::F(1) => Some(Action::ToggleHelp),
                KeyCode::F(2) => Some(Action::ShowMessages),
                KeyCode::Char('?') => Some(Action::ToggleHelp),
                KeyCode::Char(c) if !ctrl && !alt => Some(Action::Answer(c.to_ascii_lowercase())),
                code => dialog_key(code),
            }
        }
    }

    let editor = app.focus == Focus::Editor;
    let a = match key.code {
        KeyCode::F(5) => Action::Run,
        KeyCode::Char('r') if ctrl => Action::Run,
        KeyCode::Esc if app.is_running() => Action::Cancel,
        KeyCode::Esc => Action::Escape,
        KeyCode::Char('s') if ctrl => Action::Save,
        KeyCode::Char('o') if ctrl => Action::OpenPrompt,
        KeyCode::Char('p') if ctrl => Action::ShowSamples,
        KeyCode::Char('e') if ctrl => Action::ShowExecutors,
        KeyCode::Char('t') if ctrl => Action::NextTheme,
        KeyCode::Char('f') if ctrl => Action::SearchPrompt,
        KeyCode::Char('g') if ctrl => Action::SearchNext,
        KeyCode::Char('g') if alt => Action::SearchPrev,
        KeyCode::Char('k') if ctrl => Action::ShowRecovery,
        KeyCode::F(3) if shift => Action::SearchPrev,
        KeyCode::F(3) => Action::SearchNext,
        KeyCode::F(1) => Action::ToggleHelp,
        KeyCode::F(2) => Action::ShowMessages,
        KeyCode::F(4) => Action::ShowInput,
        KeyCode::F(9) => Action::ShowPermissions,
        KeyCode::Char('g')
            if !ctrl
                && !alt
                && app.focus == Focus::Results
                && app.results_tab == crate::tui::app::ResultsTab::Blocked =>
        {
            Action::GrantThis
        }
        KeyCode::F(6) if shift => Action::FocusPrev,
        KeyCode::F(6) => Action::FocusNext,
        KeyCode::BackTab => Action::FocusPrev,
        KeyCode::F(7) if shift => Action::PrevTab,
        KeyCode::F(7) => Action::NextTab,
        KeyCode::F(8) => Action::NextFinding,
        KeyCode::Char('z') if ctrl => Action::Undo,
        KeyCode::Char('y') if ctrl => Action::Redo,
        KeyCode::Char('a') if ctrl => Action::SelectAll,
        KeyCode::Char('x') if ctrl => Action::Cut,
        KeyCode::Char('v') if ctrl => Action::PasteInternal,
        KeyCode::Char('?') if !editor => Action::ToggleHelp,
        KeyCode::Tab if !editor => Action::FocusNext,
        KeyCode::Up if !editor => Action::Up,
        KeyCode::Down if !editor => Action::Down,
        KeyCode::Left if !editor => Action::Left,
        KeyCode::Right if !editor => Action::Right,
        KeyCode::PageUp if !editor => Action::PageUp,
        KeyCode::PageDown if !editor => Action::PageDown,
        KeyCode::Enter if !editor => Action::Enter,
        // The editor.
        KeyCode::Char(c) if !ctrl && !alt => Action::Insert(c.to_string()),
        KeyCode::Enter => Action::Newline,
        KeyCode::Tab => Action::Indent,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Delete => Action::Delete,
        _ => return editor_motion(app, key.code, ctrl, shift),
    };
    Some(a)
}

/// Keys the dialogs read alike, after their own: Esc closes, Enter accepts, Up and Down move.
fn dialog_key(code: KeyCode) -> Option<Action> {
    match code {
        KeyCode::Esc => Some(Action::Escape),
        KeyCode::Enter => Some(Action::Enter),
        KeyCode::Up => Some(Action::Up),
        KeyCode::Down => Some(Action::Down),
        _ => None,
    }
}

fn editor_motion(app: &App, code: KeyCode, ctrl: bool, shift: bool) -> Option<Action> {
    let page = app.editor_text_size().1.saturating_sub(1).max(1);
    let m = match code {
        KeyCode::Left if ctrl => Motion::WordLeft,
        KeyCode::Right if ctrl => Motion::WordRight,
        KeyCode::Left => Motion::Left,
        KeyCode::Right => Motion::Right,
        KeyCode::Up => Motion::Up,
        KeyCode::Down => Motion::Down,
        KeyCode::Home if ctrl => Motion::DocStart,
        KeyCode::End if ctrl => Motion::DocEnd,
        KeyCode::Home => Motion::Home,
        KeyCode::End => Motion::End,
        KeyCode::PageUp => Motion::PageUp(page),
        KeyCode::PageDown => Motion::PageDown(page),
        _ => return None,
    };
    Some(Action::Move(m, shift))
}

/// The `input` editor: text editing, Ctrl-S applies, Esc cancels.
fn input_key(key: KeyEvent, ctrl: bool, shift: bool, alt: bool) -> Option<Action> {
    let page = 10;
    Some(match key.code {
        KeyCode::Esc => Action::Escape,
        KeyCode::Char('s') if ctrl => Action::Save,
        KeyCode::F(4) => Action::ShowInput,
        KeyCode::Char('z') if ctrl => Action::Undo,
        KeyCode::Char('y') if ctrl => Action::Redo,
        KeyCode::Char('a') if ctrl => Action::SelectAll,
        KeyCode::Char(c) if !ctrl && !alt => Action::Insert(c.to_string()),
        KeyCode::Enter => Action::Newline,
        KeyCode::Tab => Action::Indent,
        KeyCode::Backspace => Action::Backspace,
        KeyCode::Delete => Action::Delete,
        KeyCode::Left if ctrl => Action::Move(Motion::WordLeft, shift),
        KeyCode::Right if ctrl => Action::Move(Motion::WordRight, shift),
        KeyCode::Left => Action::Move(Motion::Left, shift),
        KeyCode::Right => Action::Move(Motion::Right, shift),
        KeyCode::Up => Action::Move(Motion::Up, shift),
        KeyCode::Down => Action::Move(Motion::Down, shift),
        KeyCode::Home => Action::Move(Motion::Home, shift),
        KeyCode::End => Action::Move(Motion::End, shift),
        KeyCode::PageUp => Action::Move(Motion::PageUp(page), shift),
        KeyCode::PageDown => Action::Move(Motion::PageDown(page), shift),
        _ => return None,
    })
}
