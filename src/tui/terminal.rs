//! The terminal guard: raw mode, alternate screen, mouse capture and bracketed paste on the
//! way in; all of it undone on drop, on error and on panic.

use crossterm::event::{
    DisableBracketedPaste, DisableMouseCapture, EnableBracketedPaste, EnableMouseCapture,
};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;
use std::io::{self, Stdout, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Once;

static ACTIVE: AtomicBool = AtomicBool::new(false);
static HOOK: Once = Once::new();

/// Undoes everything [`TerminalGuard::enter`] did. Safe to call more than once.
pub(crate) fn restore() {
    if ACTIVE.swap(false, Ordering::SeqCst) {
        let mut out = io::stdout();
        let _ = execute!(
            out,
            DisableBracketedPaste,
            DisableMouseCapture,
            LeaveAlternateScreen,
            crossterm::cursor::Show
        );
        let _ = disable_raw_mode();
        let _ = out.flush();
    }
}

/// Owns the terminal while the workbench runs.
pub(crate) struct TerminalGuard {
    pub terminal: Terminal<CrosstermBackend<Stdout>>,
}

impl TerminalGuard {
    pub(crate) fn enter() -> io::Result<Self> {
        install_panic_hook();
        enable_raw_mode()?;
        ACTIVE.store(true, Ordering::SeqCst);
        let mut out = io::stdout();
        if let Err(e) = execute!(
            out,
            EnterAlternateScreen,
            EnableMouseCapture,
            EnableBracketedPaste
        ) {
            restore();
            return Err(e);
        }
        match Terminal::new(CrosstermBackend::new(out)) {
            Ok(terminal) => Ok(TerminalGuard { terminal }),
            Err(e) => {
                restore();
                Err(e)
            }
        }
    }
}

impl Drop for TerminalGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// On a panic of the UI thread, restore the terminal first so the message is readable. A
/// panic on a background thread is reported by the loop instead: printing it would scribble
/// over the alternate screen.
fn install_panic_hook() {
    HOOK.call_once(|| {
        let previous = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let on_ui = std::thread::current().name() == Some("main");
            if on_ui || !ACTIVE.load(Ordering::SeqCst) {
                restore();
                previous(info);
            }
        }));
    });
}

/// Copies `text` to the terminal's clipboard with OSC 52, where the terminal allows.
pub(crate) fn copy_to_clipboard(text: &str) {
    // Terminals cap OSC 52 payloads; 100 KB of text is plenty for a selection.
    let mut end = text.len().min(100 * 1024);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let mut out = io::stdout();
    let _ = execute!(
        out,
        crossterm::clipboard::CopyToClipboard::to_clipboard_from(&text[..end])
    );
}
