//! Carries out [`Effect`]s: debounced latest-wins scans, runs on a background thread with a
//! cancel token, file IO, autosave. Every result comes back as an [`Action`] on one channel.

use crate::engine::exec::{self, CancelToken, ExecEvent, ExecOutcome, JsError, Outcome};
use crate::tui::action::{Action, Effect};
use crate::tui::app::{App, MAX_COMPLETIONS, MAX_OPEN_BYTES};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Scans wait this long after the last edit (latest wins).
pub const SCAN_DEBOUNCE: Duration = Duration::from_millis(80);
/// The buffer is written to its recovery file this long after it became dirty.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);
/// Spinner and elapsed-time tick while a run goes.
pub const RUN_TICK: Duration = Duration::from_millis(100);
/// Capacity of the channel that carries background results back to the loop.
pub const CHANNEL_CAPACITY: usize = 1024;

pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Where copied text goes (the terminal's clipboard).
pub type ClipboardSink = Box<dyn FnMut(&str) + Send>;

/// Executes effects; owns the timers the event loop waits on.
pub struct Driver {
    tx: mpsc::Sender<Action>,
    pending_scan: Option<(u64, Arc<str>, Instant, crate::engine::scan::ScanContext)>,
    autosave_at: Option<Instant>,
    tick_at: Option<Instant>,
    runs: Vec<(u64, CancelToken)>,
    /// Executors already created, kept so a process executor's warm worker pool is reused.
    executors: Vec<(String, Arc<dyn exec::Executor>)>,
    /// Writes text to the terminal's clipboard (OSC 52); none in tests.
    clipboard: Option<ClipboardSink>,
    /// Where recovery files go (none: autosave is off).
    pub data_dir: Option<PathBuf>,
    pub quit: bool,
    /// How many scans were started (for tests and the benchmark).
    pub scans_started: u64,
}

impl Driver {
    pub fn new(tx: mpsc::Sender<Action>) -> Self {
        Driver {
            tx,
            pending_scan: None,
            autosave_at: None,
            tick_at: None,
            runs: Vec::new(),
            executors: Vec::new(),
            clipboard: None,
            data_dir: crate::dirs::data_dir(),
            quit: false,
            scans_started: 0,
        }
    }

    pub fn with_data_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.data_dir = dir;
        self
    }

    pub fn with_clipboard(mut self, f: ClipboardSink) -> Self {
        self.clipboard = Some(f);
        self
    }

    pub fn execute(&mut self, fx: Vec<Effect>) {
        for e in fx {
            self.execute_one(e);
        }
    }

    /// The recovery text left for `key` by a session that did not quit cleanly.
    pub fn find_recovery(&self, key: &str) -> Option<String> {
        let p = crate::dirs::recovery_file(self.data_dir.as_deref()?, key);
        crate::files::read_source(&p, MAX_OPEN_BYTES).ok()
    }

    fn send_later(&self, f: impl FnOnce() -> Action + Send + 'static) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.blocking_send(f());
        });
    }

    fn execute_one(&mut self, e: Effect) {
        match e {
            Effect::Scan {
                generation,
                source,
                context,
            } => {
                self.pending_scan =
                    Some((generation, source, Instant::now() + SCAN_DEBOUNCE, context));
            }
            Effect::StartRun {
                run,
                executor,
                request,
            } => {
                for (_, t) in self.runs.drain(..) {
                    t.cancel();
                }
                let token = CancelToken::new();
                self.runs.push((run, token.clone()));
                let tx = self.tx.clone();
                let ex = self.executor(&executor);
                let spawned = std::thread::Builder::new()
                    .name("sandbench-run".into())
                    .spawn(move || run_on_thread(run, &executor, ex, &request, &token, &tx));
                if let Err(e) = spawned {
                    let tx = self.tx.clone();
                    let msg = format!("cannot start a run thread: {e}");
                    tokio::spawn(async move {
                        let _ = tx
                            .send(finished_with_error(run, "-", Outcome::Crashed, msg))
                            .await;
                    });
                }
            }
            Effect::CancelRun { run } => {
                for (id, t) in &self.runs {
                    if *id == run {
                        t.cancel();
                    }
                }
            }
            Effect::ReadFile { path } => self.send_later(move || {
                let result =
                    crate::files::read_source(&path, MAX_OPEN_BYTES).map_err(|e| e.to_string());
                Action::FileOpened { path, result }
            }),
            Effect::WriteFile { path, text } => self.send_later(move || {
                let result =
                    write_atomic(&path, &text).map_err(|e| format!("{}: {e}", path.display()));
                Action::Saved { path, result }
            }),
            Effect::Complete { input } => self.send_later(move || {
                let items = complete_path(&input);
                Action::Completions { input, items }
            }),
            Effect::Autosave { key, text } => {
                let dir = self.data_dir.clone();
                self.send_later(move || {
                    let res = dir
                        .map(|d| crate::dirs::recovery_file(&d, &key))
                        .ok_or_else(|| "no data directory".to_string())
                        .and_then(|p| {
                            write_atomic(&p, &text).map_err(|e| format!("{}: {e}", p.display()))
                        });
                    match res {
                        Ok(()) => Action::Notice(String::new()),
                        Err(e) => Action::Notice(format!("autosave failed: {e}")),
                    }
                })
            }
            Effect::DeleteRecovery { key } => {
                if let Some(d) = &self.data_dir {
                    let _ = std::fs::remove_file(crate::dirs::recovery_file(d, &key));
                }
            }
            Effect::Clipboard(text) => {
                if let Some(c) = &mut self.clipboard {
                    c(&text);
                }
            }
            Effect::Quit => {
                for (_, t) in &self.runs {
                    t.cancel();
                }
                self.quit = true;
            }
        }
    }

    /// The executor called `name`, created once and kept.
    fn executor(&mut self, name: &str) -> Result<Arc<dyn exec::Executor>, String> {
        if let Some((_, e)) = self.executors.iter().find(|(n, _)| n == name) {
            return Ok(Arc::clone(e));
        }
        let e: Arc<dyn exec::Executor> = Arc::from(exec::create(name).map_err(|e| e.to_string())?);
        self.executors.push((name.to_string(), Arc::clone(&e)));
        Ok(e)
    }

    /// Arms the timers that depend on the App's state.
    pub fn arm(&mut self, app: &App) {
        let now = Instant::now();
        if app.needs_autosave() {
            self.autosave_at.get_or_insert(now + AUTOSAVE_EVERY);
        } else {
            self.autosave_at = None;
        }
        if app.is_running() {
            self.tick_at.get_or_insert(now + RUN_TICK);
        } else {
            self.tick_at = None;
        }
    }

    /// When the loop must wake up next, if ever (idle: never).
    pub fn next_deadline(&self) -> Option<Instant> {
        [
            self.pending_scan.as_ref().map(|p| p.2),
            self.autosave_at,
            self.tick_at,
        ]
        .into_iter()
        .flatten()
        .min()
    }

    /// Fires the timers that are due; returns actions for the App.
    pub fn on_deadline(&mut self) -> Vec<Action> {
        let now = Instant::now();
        let mut out = Vec::new();
        if self.pending_scan.as_ref().is_some_and(|p| p.2 <= now) {
            if let Some((generation, source, _, context)) = self.pending_scan.take() {
                self.scans_started += 1;
                self.send_later(move || Action::ScanDone {
                    generation,
                    report: Box::new(
                        (*crate::engine::scan::scan_cached_in(&source, context)).clone(),
                    ),
                });
            }
        }
        if self.autosave_at.is_some_and(|t| t <= now) {
            self.autosave_at = None;
            out.push(Action::AutosaveDue);
        }
        if self.tick_at.is_some_and(|t| t <= now) {
            self.tick_at = None;
            out.push(Action::Tick);
        }
        out
    }
}

fn finished_with_error(run: u64, executor: &str, outcome: Outcome, message: String) -> Action {
    let req = crate::engine::exec::ExecRequest::new("");
    let out = ExecOutcome::not_run(
        executor,
        &req,
        outcome,
        Some(JsError {
            name: "Error".into(),
            message,
            stack: String::new(),
        }),
    );
    Action::Exec {
        run,
        event: ExecEvent::Finished(Box::new(out)),
        at_unix: now_unix(),
    }
}

/// The body of a run thread: create the executor, run, forward every event.
fn run_on_thread(
    run: u64,
    executor: &str,
    ex: Result<Arc<dyn exec::Executor>, String>,
    request: &crate::engine::exec::ExecRequest,
    token: &CancelToken,
    tx: &mpsc::Sender<Action>,
) {
    let ex = match ex {
        Ok(ex) => ex,
        Err(e) => {
            let _ = tx.blocking_send(finished_with_error(run, executor, Outcome::Crashed, e));
            return;
        }
    };
    let mut finished = false;
    let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        ex.run(request, token, &mut |event| {
            finished |= matches!(event, ExecEvent::Finished(_));
            let _ = tx.blocking_send(Action::Exec {
                run,
                event,
                at_unix: now_unix(),
            });
        })
    }));
    match result {
        Ok(outcome) if !finished => {
            let _ = tx.blocking_send(Action::Exec {
                run,
                event: ExecEvent::Finished(Box::new(outcome)),
                at_unix: now_unix(),
            });
        }
        Ok(_) => {}
        Err(_) => {
            let _ = tx.blocking_send(finished_with_error(
                run,
                executor,
                Outcome::Crashed,
                "the executor failed internally".into(),
            ));
        }
    }
}

/// Writes through a temporary file and a rename, so a crash never leaves half a file.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".sandbench-tmp");
    let tmp = PathBuf::from(tmp);
    std::fs::write(&tmp, text)?;
    std::fs::rename(&tmp, path)
}

/// Path completions for a prompt: entries of the typed directory starting with the typed
/// name, directories with a trailing `/`, sorted, bounded.
pub fn complete_path(input: &str) -> Vec<String> {
    let (dir_part, name_part) = match input.rfind('/') {
        Some(i) => (&input[..=i], &input[i + 1..]),
        None => ("", input),
    };
    let dir = if dir_part.is_empty() {
        PathBuf::from(".")
    } else if let Some(rest) = dir_part.strip_prefix("~/") {
        std::env::var_os("HOME")
            .map_or_else(|| PathBuf::from(dir_part), |h| PathBuf::from(h).join(rest))
    } else {
        PathBuf::from(dir_part)
    };
    let Ok(rd) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut items: Vec<String> = rd
        .filter_map(Result::ok)
        .take(10_000)
        .filter_map(|e| {
            let name = e.file_name().into_string().ok()?;
            if !name.starts_with(name_part)
                || (name.starts_with('.') && !name_part.starts_with('.'))
            {
                return None;
            }
            let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
            Some(format!("{dir_part}{name}{}", if is_dir { "/" } else { "" }))
        })
        .collect();
    items.sort();
    items.truncate(MAX_COMPLETIONS);
    items
}
