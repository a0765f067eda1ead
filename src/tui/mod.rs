//! The workbench TUI (ratatui + crossterm + tokio).
//!
//! Keys, mouse, resizes and background results become [`action::Action`]s; [`app::App::update`]
//! is the only mutator and returns [`action::Effect`]s that [`effects::Driver`] carries out;
//! [`ui::render`] draws the App, pure. The loop redraws only when something changed and sleeps
//! until the next event or timer, so an idle workbench uses no CPU.

pub mod action;
pub mod app;
pub mod buffer;
pub mod effects;
pub mod keymap;
pub(crate) mod layout;
pub mod recovery;
pub mod settings;
pub(crate) mod terminal;
pub mod theme;
pub mod ui;
pub mod wasm_view;
pub mod wat;

use crate::cli::run_trust::{RunTrust, TrustArgs};
use crate::files::InputError;
use crate::tui::action::{Action, MouseKind};
use crate::tui::app::{App, AppInit};
use crossterm::event::{Event, EventStream, MouseButton, MouseEventKind};
use futures_util::StreamExt;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// The shortest time between two redraws caused by background results.
pub const FRAME: Duration = Duration::from_millis(16);

/// Why the workbench could not run. The CLI turns it into a message and an exit code.
#[derive(Debug, thiserror::Error)]
pub enum TuiError {
    #[error(transparent)]
    Open(#[from] InputError),
    #[error("the workbench needs an interactive terminal; for headless use try `sandbench scan FILE` or `sandbench run FILE`")]
    NotATerminal,
    #[error("cannot start the runtime: {0}")]
    Runtime(std::io::Error),
    #[error("terminal error: {0}")]
    Terminal(std::io::Error),
    #[error("{0}")]
    Trust(String),
}

/// Opens the workbench on `file`, or on the built-in welcome sample, with the trust policy
/// of `trust` (`--require-signed`, `--allow-unsigned`, `--otlp`, the config defaults).
pub fn main(file: Option<PathBuf>, trust: &TrustArgs) -> Result<(), TuiError> {
    // A bad file is reported before the terminal check, so `sandbench missing.js` says why
    // even without a terminal.
    let mut init = initial(file)?;
    // The same set-up as `run`; its warnings go to the messages view.
    let mut warnings = Vec::new();
    let trust = RunTrust::setup_with(trust, &mut |w| warnings.push(w)).map_err(TuiError::Trust)?;
    init.require_signed = trust.require_signed();
    init.warnings = warnings;
    {
        use std::io::IsTerminal;
        if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
            return Err(TuiError::NotATerminal);
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        // The scans run on this runtime's blocking threads: with the scanner's stack, a
        // buffer's syntax pass fits on the thread instead of a fresh deep-stack thread each.
        .thread_stack_size(crate::engine::scan::SCAN_THREAD_STACK)
        .enable_all()
        .build()
        .map_err(TuiError::Runtime)?;
    let result = rt.block_on(run(init, Arc::new(trust)));
    // A scan still going on a blocking thread must not hold up the exit.
    rt.shutdown_timeout(std::time::Duration::from_millis(200));
    result.map_err(|e| {
        terminal::restore();
        TuiError::Terminal(e)
    })
}

/// What the workbench opens with: `file` or the welcome sample, its saved run settings, the
/// themes (built-in, then the user's from the config directory; monochrome only under
/// `NO_COLOR`) and the theme chosen last time.
pub fn initial(file: Option<PathBuf>) -> Result<AppInit, InputError> {
    let data = crate::dirs::data_dir();
    let mut init = match file {
        Some(path) if app::is_wasm_path(&path) => {
            // A module is read as bytes and shown as what it declares (read-only).
            let bytes =
                crate::files::read_bytes(&path, crate::engine::exec::wasm::MAX_MODULE_BYTES)?;
            let view = wasm_view::open(&app::title_of(&path), bytes).map_err(|reason| {
                InputError::NotAModule {
                    path: path.clone(),
                    reason,
                }
            })?;
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let mut i = AppInit::file(path.clone(), view.text.clone());
            i.module = Some(Arc::new(view));
            i.saved_settings = data.as_deref().and_then(|d| settings::read(d, &path));
            i
        }
        Some(path) => {
            let text = crate::files::read_source(&path, app::MAX_OPEN_BYTES)?;
            // The identity of a file is its canonical path (see `effects.rs`, ReadFile).
            let path = std::fs::canonicalize(&path).unwrap_or(path);
            let mut i = AppInit::file(path.clone(), text);
            i.saved_settings = data.as_deref().and_then(|d| settings::read(d, &path));
            i
        }
        None => match crate::samples::default_sample() {
            Some(s) => AppInit::sample(s.name, s.source),
            None => AppInit::new("untitled.js", ""),
        },
    };
    // The same NO_COLOR rule as the CLI's coloured output (anstream reads it the same way).
    init.themes = theme::ThemeSet::load_from(
        crate::dirs::themes_dir().as_deref(),
        anstyle_query::no_color(),
    );
    init.theme_name = data.as_deref().and_then(|d| settings::read_state(d).theme);
    init.session = session_id();
    Ok(init)
}

/// Names this process's recovery copies: its id and start time, hashed short.
fn session_id() -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let seed = format!("{}-{nanos}", std::process::id());
    crate::engine::hash::sha256_hex(seed.as_bytes())[..10].to_string()
}

async fn run(init: AppInit, trust: Arc<RunTrust>) -> std::io::Result<()> {
    let mut guard = terminal::TerminalGuard::enter()?;
    let size = guard.terminal.size()?;
    let mut app = App::new(AppInit {
        size: (size.width, size.height),
        ..init
    });
    let (tx, mut rx) = mpsc::channel::<Action>(effects::CHANNEL_CAPACITY);
    let mut driver = effects::Driver::new(tx.clone())
        .with_clipboard(Box::new(terminal::copy_to_clipboard))
        .with_trust(trust);
    // The first scan, and the recovery copies left by sessions that did not quit cleanly.
    let fx = app.start();
    driver.execute(fx);
    let mut events = EventStream::new();
    let mut dirty = true;
    // Background results (console floods, samples) redraw at most every FRAME; keys at once.
    let mut last_draw = Instant::now();
    let mut urgent = true;
    // For the end-to-end test that the terminal is restored on a panic of the UI thread.
    let panic_after_draw = std::env::var_os("SANDBENCH_TEST_PANIC").is_some();
    loop {
        if dirty && (urgent || last_draw.elapsed() >= FRAME) {
            guard.terminal.draw(|f| ui::render(&app, f))?;
            last_draw = Instant::now();
            dirty = false;
            urgent = false;
            if panic_after_draw {
                panic!("SANDBENCH_TEST_PANIC: a deliberate panic after the first frame");
            }
        }
        if driver.quit {
            break;
        }
        driver.arm(&app);
        let redraw_at = dirty.then_some(last_draw + FRAME);
        let deadline = match (driver.next_deadline(), redraw_at) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let sleep = async {
            match deadline {
                Some(d) => tokio::time::sleep_until(d.into()).await,
                None => std::future::pending().await,
            }
        };
        let mut actions = Vec::new();
        tokio::select! {
            ev = events.next() => match ev {
                Some(Ok(ev)) => {
                    urgent = true;
                    actions.extend(event_to_action(&app, ev));
                }
                Some(Err(e)) => return Err(e),
                None => break,
            },
            Some(a) = rx.recv() => {
                actions.push(a);
                // Take everything already waiting, then draw once.
                while actions.len() < 512 {
                    match rx.try_recv() {
                        Ok(a) => actions.push(a),
                        Err(_) => break,
                    }
                }
            },
            () = sleep => actions.extend(driver.on_deadline()),
        }
        for a in actions {
            if matches!(a, Action::Resize(..)) {
                guard.terminal.autoresize()?;
            }
            let fx = app.update(a);
            driver.execute(fx);
            dirty = true;
        }
    }
    drop(guard);
    // Spans not yet exported are flushed (bounded wait), after the terminal is restored; a
    // run still finishing holds the exporter and its span is not waited for.
    if let Some(t) = driver.take_trust().and_then(Arc::into_inner) {
        t.finish_with(&mut |w| eprintln!("sandbench: warning: {}", crate::cli::shown(w)));
    }
    Ok(())
}

/// Turns a terminal event into an action.
pub fn event_to_action(app: &App, ev: Event) -> Option<Action> {
    match ev {
        Event::Key(k) => keymap::map_key(app, k),
        Event::Paste(s) => Some(Action::Paste(s)),
        Event::Resize(w, h) => Some(Action::Resize(w, h)),
        Event::Mouse(m) => {
            let kind = match m.kind {
                MouseEventKind::Down(MouseButton::Left) => MouseKind::Click,
                MouseEventKind::Drag(MouseButton::Left) => MouseKind::Drag,
                MouseEventKind::ScrollUp => MouseKind::ScrollUp,
                MouseEventKind::ScrollDown => MouseKind::ScrollDown,
                _ => return None,
            };
            Some(Action::Mouse(kind, m.column, m.row))
        }
        _ => None,
    }
}
