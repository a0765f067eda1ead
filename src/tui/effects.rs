//! Carries out [`Effect`]s: debounced, single-flight, latest-wins scans that may fail; runs on a
//! background thread with a cancel token; file IO; recovery copies and settings on one thread,
//! in order. Every result comes back as an [`Action`] on one channel.

use crate::cli::run_trust::RunTrust;
use crate::engine::exec::{self, CancelToken, ExecEvent, ExecOutcome, JsError, Outcome};
use crate::engine::scan::{Report, ScanContext};
use crate::engine::trust::audit::{AuditLog, RunContext};
use crate::engine::trust::sign::TrustedSigners;
use crate::engine::trust::{stats, TrustBasis};
use crate::tui::action::{
    Action, AuditView, Effect, RecoveryPurpose, RecoveryText, RunAudit, SaveError,
};
use crate::tui::app::{App, MAX_HISTORY, MAX_OPEN_BYTES};
use crate::tui::recovery::{self, CopyFile, Origin, Owner};
use crate::tui::settings;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Scans wait this long after the last edit (latest wins).
pub const SCAN_DEBOUNCE: Duration = Duration::from_millis(80);
/// A scan still going after this long is reported as failed (the verdict is unknown); its
/// thread cannot be stopped and is left to finish (a late answer is still taken).
pub const SCAN_TIMEOUT: Duration = Duration::from_secs(10);
/// Scans that overran and still run: past this many, no new scan starts until one ends.
pub const MAX_OVERRUN_SCANS: usize = 2;
/// The buffer is written to its recovery copy this long after it became dirty.
pub const AUTOSAVE_EVERY: Duration = Duration::from_secs(3);
/// Spinner and elapsed-time tick while a run goes.
pub const RUN_TICK: Duration = Duration::from_millis(100);
/// Capacity of the channel that carries background results back to the loop.
pub const CHANNEL_CAPACITY: usize = 1024;
/// How long quitting waits for recovery copies to reach the disk.
const FLUSH_WAIT: Duration = Duration::from_secs(3);

pub fn now_unix() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs())
}

/// Where copied text goes (the terminal's clipboard).
pub type ClipboardSink = Box<dyn FnMut(&str) + Send>;

/// The scanner the driver calls (the real one, or a test's).
pub type Scanner = Arc<dyn Fn(&str, ScanContext) -> Report + Send + Sync>;

/// A scan waiting for its debounce: generation, script text, when it is due, context, and
/// a WebAssembly buffer's bytes (scanned by the wasm scanner instead).
type PendingScan = (u64, Arc<str>, Instant, ScanContext, Option<Arc<[u8]>>);

/// A scan on its thread.
struct RunningScan {
    generation: u64,
    started: Instant,
    done: Arc<AtomicBool>,
}

/// Recovery and settings IO, done in order on one thread (a delete is never overtaken by an
/// earlier write of the same copy).
enum StoreOp {
    Write {
        key: String,
        copy: Box<CopyFile>,
    },
    Delete {
        key: String,
    },
    List {
        only: Option<Origin>,
    },
    Load {
        key: String,
        purpose: RecoveryPurpose,
    },
    Settings(Box<settings::SavedSettings>),
    State(settings::WorkbenchState),
    Flush(std::sync::mpsc::Sender<()>),
}

/// Executes effects; owns the timers the event loop waits on.
pub struct Driver {
    tx: mpsc::Sender<Action>,
    pending_scan: Option<PendingScan>,
    scan: Option<RunningScan>,
    overrun_scans: Vec<Arc<AtomicBool>>,
    /// The generation already told that its scan cannot start (overrun scans still running).
    busy_told: Option<u64>,
    scanner: Scanner,
    scan_timeout: Duration,
    autosave_at: Option<Instant>,
    tick_at: Option<Instant>,
    runs: Vec<(u64, CancelToken)>,
    /// Executors already created, kept so a process executor's warm worker pool is reused.
    executors: Vec<(String, Arc<dyn exec::Executor>)>,
    /// Writes text to the terminal's clipboard (OSC 52); none in tests.
    clipboard: Option<ClipboardSink>,
    /// Where recovery copies and settings go (none: autosave is off).
    data_dir: Option<PathBuf>,
    store: Option<std::sync::mpsc::Sender<StoreOp>>,
    owner: Owner,
    pub quit: bool,
    /// The trust policy, signers, audit log and span exporter (`None`: none of them, as in
    /// tests that do not set them up).
    trust: Option<Arc<RunTrust>>,
    /// How many scans were started (for tests and the benchmark).
    pub scans_started: u64,
}

impl Driver {
    pub fn new(tx: mpsc::Sender<Action>) -> Self {
        let mut d = Driver {
            tx,
            pending_scan: None,
            scan: None,
            overrun_scans: Vec::new(),
            busy_told: None,
            scanner: Arc::new(|s: &str, context| {
                (*crate::engine::scan::scan_cached_in(s, context)).clone()
            }),
            scan_timeout: SCAN_TIMEOUT,
            autosave_at: None,
            tick_at: None,
            runs: Vec::new(),
            executors: Vec::new(),
            clipboard: None,
            data_dir: None,
            store: None,
            owner: Owner::me(),
            quit: false,
            trust: None,
            scans_started: 0,
        };
        d.set_data_dir(crate::dirs::data_dir());
        d
    }

    pub fn with_data_dir(mut self, dir: Option<PathBuf>) -> Self {
        self.set_data_dir(dir);
        self
    }

    fn set_data_dir(&mut self, dir: Option<PathBuf>) {
        self.data_dir = dir.clone();
        self.store = dir.and_then(|d| spawn_store(d, self.tx.clone()));
    }

    pub fn data_dir(&self) -> Option<&Path> {
        self.data_dir.as_deref()
    }

    /// Checks signatures with these signers, refuses runs by this policy, and audits every
    /// run (and exports its span) through this.
    pub fn with_trust(mut self, trust: Arc<RunTrust>) -> Self {
        self.trust = Some(trust);
        self
    }

    /// The trust set-up, to flush the span exporter at exit.
    pub fn take_trust(&mut self) -> Option<Arc<RunTrust>> {
        self.trust.take()
    }

    pub fn with_clipboard(mut self, f: ClipboardSink) -> Self {
        self.clipboard = Some(f);
        self
    }

    /// Scans with `scanner`, reporting a scan still going after `timeout` as failed.
    pub fn with_scanner(mut self, scanner: Scanner, timeout: Duration) -> Self {
        self.scanner = scanner;
        self.scan_timeout = timeout;
        self
    }

    pub fn execute(&mut self, fx: Vec<Effect>) {
        for e in fx {
            self.execute_one(e);
        }
    }

    /// Waits (bounded) until every recovery copy and setting asked for so far is on disk.
    pub fn flush(&self) {
        if let Some(store) = &self.store {
            let (tx, rx) = std::sync::mpsc::channel();
            if store.send(StoreOp::Flush(tx)).is_ok() {
                let _ = rx.recv_timeout(FLUSH_WAIT);
            }
        }
    }

    fn send_later(&self, f: impl FnOnce() -> Action + Send + 'static) {
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let _ = tx.blocking_send(f());
        });
    }

    fn store(&self, op: StoreOp) {
        match &self.store {
            Some(s) => {
                if s.send(op).is_err() {
                    let tx = self.tx.clone();
                    let _ = tx.try_send(Action::Warning(
                        "recovery copies cannot be written: the writer stopped".into(),
                    ));
                }
            }
            None => {
                if let StoreOp::List { only } = op {
                    // Without a data directory there is nothing to list: say so, empty.
                    let _ = self.tx.try_send(Action::RecoveryListed {
                        only,
                        listing: recovery::Listing::default(),
                    });
                }
            }
        }
    }

    fn execute_one(&mut self, e: Effect) {
        match e {
            Effect::Scan {
                generation,
                source,
                context,
                wasm,
            } => {
                self.pending_scan = Some((
                    generation,
                    source,
                    Instant::now() + SCAN_DEBOUNCE,
                    context,
                    wasm,
                ));
            }
            Effect::StartRun {
                run,
                executor,
                request,
                audit,
                module,
            } => {
                for (_, t) in self.runs.drain(..) {
                    t.cancel();
                }
                let token = CancelToken::new();
                self.runs.push((run, token.clone()));
                let tx = self.tx.clone();
                let ex = self.executor(&executor);
                let trust = self.trust.clone();
                let spawned = std::thread::Builder::new()
                    .name("sandbench-run".into())
                    .spawn(move || {
                        let job = RunJob {
                            run,
                            executor: &executor,
                            request: &request,
                            token: &token,
                            tx: &tx,
                            module: module.as_deref(),
                        };
                        run_audited(job, ex, trust.as_deref(), &audit)
                    });
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
            Effect::ReadFile { path } if crate::tui::app::is_wasm_path(&path) => {
                let data = self.data_dir.clone();
                self.send_later(move || {
                    use crate::engine::exec::wasm::MAX_MODULE_BYTES;
                    let title = crate::tui::app::title_of(&path);
                    let result = crate::files::read_bytes(&path, MAX_MODULE_BYTES)
                        .map_err(|e| e.to_string())
                        .and_then(|bytes| crate::tui::wasm_view::open(&title, bytes))
                        .map(Box::new);
                    let (path, settings) = opened(path, result.is_ok(), data);
                    Action::ModuleOpened {
                        path,
                        result,
                        settings,
                    }
                })
            }
            Effect::ReadFile { path } => {
                let data = self.data_dir.clone();
                self.send_later(move || {
                    let result =
                        crate::files::read_source(&path, MAX_OPEN_BYTES).map_err(|e| e.to_string());
                    let (path, settings) = opened(path, result.is_ok(), data);
                    Action::FileOpened {
                        path,
                        result,
                        settings,
                    }
                })
            }
            Effect::WriteFile {
                path,
                text,
                overwrite,
            } => self.send_later(move || {
                let result = if overwrite {
                    write_atomic(&path, text.as_bytes())
                        .map_err(|e| SaveError::Failed(format!("{}: {e}", path.display())))
                } else {
                    write_new(&path, text.as_bytes())
                };
                let path = std::fs::canonicalize(&path).unwrap_or(path);
                Action::Saved { path, result }
            }),
            Effect::CheckTrust {
                origin,
                path,
                content,
            } => {
                let trust = self.trust.clone();
                self.send_later(move || {
                    let empty = TrustedSigners::default();
                    let signers = trust.as_deref().map_or(&empty, RunTrust::signers);
                    let basis = TrustBasis::check(&path, &content, signers);
                    Action::TrustChecked {
                        origin,
                        basis: Box::new(basis),
                    }
                })
            }
            Effect::LoadManifest { origin, path } => self.send_later(move || {
                use crate::engine::policy::manifest::Manifest;
                let result = Manifest::beside(&path)
                    .map(|m| Manifest::load(&m).map(Box::new).map_err(|e| e.to_string()));
                Action::ManifestLoaded { origin, result }
            }),
            Effect::ProposeGrant {
                origin,
                blocked,
                permissions,
                plugin_dir,
            } => self.send_later(move || {
                let result = permissions
                    .grant_for_in(&blocked, plugin_dir.as_deref())
                    .map_err(|e| e.0);
                Action::GrantProposed { origin, result }
            }),
            Effect::CheckReadDir { origin, dir } => self.send_later(move || {
                // The command line's own check of `--allow-read DIR`.
                let mut p = crate::engine::policy::Permissions::none();
                p.add_read(dir.clone());
                let result = p
                    .validate()
                    .and_then(|()| p.check_paths())
                    .map(|()| dir)
                    .map_err(|e| e.to_string());
                Action::ReadDirChecked { origin, result }
            }),
            Effect::LoadAudit => {
                if let Some(log) = self.trust.as_ref().and_then(|t| t.audit_log()).cloned() {
                    self.send_later(move || load_audit(&log));
                }
            }
            Effect::Complete { input } => self.send_later(move || {
                let items = complete_path(&input);
                Action::Completions { input, items }
            }),
            Effect::WriteRecovery {
                key,
                origin,
                title,
                text,
                flush,
            } => {
                let copy = CopyFile {
                    v: recovery::FORMAT,
                    origin,
                    title,
                    written_unix: now_unix(),
                    owner: self.owner,
                    text,
                };
                self.store(StoreOp::Write {
                    key,
                    copy: Box::new(copy),
                });
                if flush {
                    self.flush();
                }
            }
            Effect::DeleteRecovery { key } => self.store(StoreOp::Delete { key }),
            Effect::ListRecovery { only } => self.store(StoreOp::List { only }),
            Effect::LoadRecovery { key, purpose } => self.store(StoreOp::Load { key, purpose }),
            Effect::SaveSettings { settings, .. } => {
                self.store(StoreOp::Settings(Box::new(settings)))
            }
            Effect::SaveState { theme } => self.store(StoreOp::State(settings::WorkbenchState {
                theme: Some(theme),
            })),
            Effect::Clipboard(text) => {
                if let Some(c) = &mut self.clipboard {
                    c(&text);
                }
            }
            Effect::Quit => {
                for (_, t) in &self.runs {
                    t.cancel();
                }
                // Every copy and setting asked for reaches the disk before the process ends.
                self.flush();
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
        let scan_due = match (&self.scan, &self.pending_scan) {
            // A finished scan frees the slot: the next one may start at once.
            (Some(s), Some(p)) if s.done.load(Ordering::Acquire) => Some(p.2),
            (Some(s), _) if s.done.load(Ordering::Acquire) => Some(Instant::now()),
            (Some(s), _) => Some(s.started + self.scan_timeout),
            (None, Some(p)) if self.scan_capacity() => Some(p.2),
            (None, Some(_)) if self.busy_told.is_none() => Some(Instant::now()),
            // Waiting for an overrun scan to end: checked again at the next event.
            (None, _) => self
                .overrun_scans
                .first()
                .map(|_| Instant::now() + Duration::from_millis(500)),
        };
        [scan_due, self.autosave_at, self.tick_at]
            .into_iter()
            .flatten()
            .min()
    }

    fn scan_capacity(&self) -> bool {
        self.overrun_scans
            .iter()
            .filter(|d| !d.load(Ordering::Acquire))
            .count()
            < MAX_OVERRUN_SCANS
    }

    /// Fires the timers that are due; returns actions for the App.
    pub fn on_deadline(&mut self) -> Vec<Action> {
        let now = Instant::now();
        let mut out = Vec::new();
        self.overrun_scans.retain(|d| !d.load(Ordering::Acquire));
        if let Some(s) = &self.scan {
            if s.done.load(Ordering::Acquire) {
                self.scan = None;
            } else if now >= s.started + self.scan_timeout {
                // It cannot be stopped: let it finish on its own, and say the verdict is
                // unknown. A late report of the same text is still taken.
                out.push(Action::ScanFailed {
                    generation: s.generation,
                    reason: format!(
                        "the scanner ran past {} s on this text",
                        self.scan_timeout.as_secs_f64()
                    ),
                });
                self.overrun_scans.push(Arc::clone(&s.done));
                self.scan = None;
            }
        }
        let due = self.pending_scan.as_ref().is_some_and(|p| p.2 <= now);
        if due && self.scan.is_none() {
            if self.scan_capacity() {
                if let Some((generation, source, _, context, wasm)) = self.pending_scan.take() {
                    self.start_scan(generation, source, context, wasm);
                }
            } else if let Some((generation, ..)) = &self.pending_scan {
                if self.busy_told != Some(*generation) {
                    self.busy_told = Some(*generation);
                    out.push(Action::ScanFailed {
                        generation: *generation,
                        reason: "earlier scans ran past their time and still run: this one waits for them".into(),
                    });
                }
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

    fn start_scan(
        &mut self,
        generation: u64,
        source: Arc<str>,
        context: ScanContext,
        wasm: Option<Arc<[u8]>>,
    ) {
        self.scans_started += 1;
        self.busy_told = None;
        let done = Arc::new(AtomicBool::new(false));
        self.scan = Some(RunningScan {
            generation,
            started: Instant::now(),
            done: Arc::clone(&done),
        });
        let scanner = Arc::clone(&self.scanner);
        let tx = self.tx.clone();
        tokio::task::spawn_blocking(move || {
            let result = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match &wasm {
                Some(bytes) => crate::engine::scan::wasm::scan_module(bytes).0,
                None => scanner(&source, context),
            }));
            done.store(true, Ordering::Release);
            let action = match result {
                Ok(report) => Action::ScanDone {
                    generation,
                    report: Box::new(report),
                },
                Err(payload) => Action::ScanFailed {
                    generation,
                    reason: format!("the scanner failed ({})", panic_text(payload.as_ref())),
                },
            };
            let _ = tx.blocking_send(action);
        });
    }
}

/// A file just read, under its one identity (its results, settings and recovery copies are
/// found again however its path was typed), with its saved settings when it could be read.
fn opened(
    path: PathBuf,
    read: bool,
    data: Option<PathBuf>,
) -> (PathBuf, Option<Result<settings::SavedSettings, String>>) {
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    let settings = match data {
        Some(d) if read => settings::read(&d, &path),
        _ => None,
    };
    (path, settings)
}

fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    let s = if let Some(s) = payload.downcast_ref::<&str>() {
        (*s).to_string()
    } else if let Some(s) = payload.downcast_ref::<String>() {
        s.clone()
    } else {
        "panic".to_string()
    };
    crate::engine::text::truncate(&crate::engine::text::escape(&s, false), 200).into_owned()
}

/// The recovery and settings writer: one thread, ops in the order they were asked for.
fn spawn_store(
    data: PathBuf,
    tx: mpsc::Sender<Action>,
) -> Option<std::sync::mpsc::Sender<StoreOp>> {
    let (stx, srx) = std::sync::mpsc::channel::<StoreOp>();
    let spawned = std::thread::Builder::new()
        .name("sandbench-store".into())
        .spawn(move || {
            for op in srx {
                let reply = store_op(&data, op);
                if let Some(a) = reply {
                    let _ = tx.blocking_send(a);
                }
            }
        });
    spawned.ok().map(|_| stx)
}

fn store_op(data: &Path, op: StoreOp) -> Option<Action> {
    match op {
        StoreOp::Write { key, copy } => recovery::write(data, &key, &copy)
            .err()
            .map(|e| Action::Warning(format!("autosave failed: {e}"))),
        StoreOp::Delete { key } => recovery::delete(data, &key)
            .err()
            .map(|e| Action::Warning(format!("cannot delete a recovery copy: {e}"))),
        StoreOp::List { only } => Some(Action::RecoveryListed {
            listing: recovery::list(data, only.as_ref()),
            only,
        }),
        StoreOp::Load { key, purpose } => {
            let result = recovery::read(data, &key).map(|copy| {
                let (_, base) = recovery::base_text(&copy.origin);
                let settings = match &copy.origin {
                    Origin::File { path } => settings::read(data, path),
                    _ => None,
                };
                Box::new(RecoveryText {
                    copy,
                    base,
                    settings,
                })
            });
            Some(Action::RecoveryLoaded {
                key,
                purpose,
                result,
            })
        }
        StoreOp::Settings(s) => settings::write(data, &s)
            .err()
            .map(|e| Action::Warning(format!("cannot save the run settings: {e}"))),
        StoreOp::State(s) => settings::write_state(data, &s)
            .err()
            .map(|e| Action::Warning(format!("cannot save the preferences: {e}"))),
        StoreOp::Flush(done) => {
            let _ = done.send(());
            None
        }
    }
}

fn finished_with_error(run: u64, executor: &str, outcome: Outcome, message: String) -> Action {
    let req = crate::engine::exec::ExecRequest::new("");
    Action::Exec {
        run,
        event: ExecEvent::Finished(Box::new(error_outcome(executor, &req, outcome, message))),
        at_unix: now_unix(),
    }
}

fn error_outcome(
    executor: &str,
    req: &crate::engine::exec::ExecRequest,
    outcome: Outcome,
    message: String,
) -> ExecOutcome {
    ExecOutcome::not_run(
        executor,
        req,
        outcome,
        Some(JsError {
            name: "Error".into(),
            message,
            stack: String::new(),
        }),
    )
}

/// The History tab's view of the audit log: its last [`MAX_HISTORY`] lines and the figures of
/// `sandbench stats` over exactly the runs listed (since the oldest of them).
pub fn load_audit(log: &AuditLog) -> Action {
    let view = stats::recent(log, MAX_HISTORY).and_then(|recent| {
        let stats = match recent.runs.first() {
            Some(first) => Some(stats::compute(log, Some(&first.time))?),
            None => None,
        };
        Ok(AuditView {
            runs: recent.runs,
            unreadable: recent.unreadable,
            stats,
            path: log.path(),
        })
    });
    Action::AuditLoaded(view.map(Box::new).map_err(|e| e.to_string()))
}

/// One run on its thread.
struct RunJob<'a> {
    run: u64,
    executor: &'a str,
    request: &'a crate::engine::exec::ExecRequest,
    token: &'a CancelToken,
    tx: &'a mpsc::Sender<Action>,
    /// A `.wasm` buffer's module: its binary runs instead of the request's code.
    module: Option<&'a crate::tui::wasm_view::ModuleView>,
}

/// A run with the trust policy before it and the audit line and span after it, as `run` does
/// (the same [`RunTrust`]): the signature is checked against the bytes about to run. The
/// result goes back first; a failed append is a warning after it.
fn run_audited(
    job: RunJob<'_>,
    ex: Result<Arc<dyn exec::Executor>, String>,
    trust: Option<&RunTrust>,
    audit: &RunAudit,
) {
    let Some(trust) = trust else {
        run_on_thread(&job, ex);
        return;
    };
    let state = match job.module {
        Some(m) => trust.check_bytes(audit.path.as_deref(), &m.file),
        None => trust.check(audit.path.as_deref(), &job.request.code),
    };
    let refused = match &ex {
        Ok(e) => trust.refuse(&state, e.as_ref(), job.request).map(|mut o| {
            if let Some(m) = job.module {
                // The refusal names what would have run: the module, not the empty code.
                o.code_sha256 = crate::engine::hash::sha256_hex(&m.binary);
            }
            o
        }),
        Err(_) => None,
    };
    let outcome = match refused {
        Some(out) => {
            let _ = job.tx.blocking_send(Action::Exec {
                run: job.run,
                event: ExecEvent::Finished(Box::new(out.clone())),
                at_unix: now_unix(),
            });
            Some(out)
        }
        None => Some(run_on_thread(&job, ex)),
    };
    let Some(outcome) = outcome else {
        return;
    };
    let report = audit.report.clone().unwrap_or_else(|| unscanned(&outcome));
    let ctx = RunContext {
        source: "workbench",
        file: &audit.file,
        profile: job.request.profile,
        permissions: &job.request.permissions,
        trust: &state,
        scan_cache_hit: false,
        forced: audit.forced,
    };
    trust.record_with(&ctx, &outcome, &report, &mut |w| {
        let _ = job.tx.blocking_send(Action::Warning(w));
    });
    if let Some(log) = trust.audit_log() {
        let _ = job.tx.blocking_send(load_audit(log));
    }
}

/// The report audited for a run whose scan failed (the user ran it anyway): verdict
/// `review`, score 0, no findings.
fn unscanned(outcome: &ExecOutcome) -> Report {
    Report {
        sha256: outcome.code_sha256.clone(),
        context: ScanContext::default(),
        score: 0,
        verdict: crate::engine::scan::Verdict::Review,
        findings: Vec::new(),
        metrics: Default::default(),
        parse_error: Some("the scan failed".to_string()),
    }
}

/// The body of a run thread: create the executor, run, forward every event. Returns the
/// outcome sent last (a failure to start or a panic of the executor is a `crashed` outcome).
fn run_on_thread(job: &RunJob<'_>, ex: Result<Arc<dyn exec::Executor>, String>) -> ExecOutcome {
    let RunJob {
        run,
        executor,
        request,
        token,
        tx,
        module,
    } = *job;
    let crashed = |message: String| {
        let out = error_outcome(executor, request, Outcome::Crashed, message);
        let _ = tx.blocking_send(Action::Exec {
            run,
            event: ExecEvent::Finished(Box::new(out.clone())),
            at_unix: now_unix(),
        });
        out
    };
    let ex = match ex {
        Ok(ex) => ex,
        Err(e) => return crashed(e),
    };
    let mut finished = false;
    let mut forward = |event: ExecEvent| {
        finished |= matches!(event, ExecEvent::Finished(_));
        let _ = tx.blocking_send(Action::Exec {
            run,
            event,
            at_unix: now_unix(),
        });
    };
    let result = match module {
        // A binary runs through the wasm executor's own entry (`_start`), under the same
        // limits and cancel token; `ex` (created by name) is the same executor.
        Some(m) => {
            use crate::engine::exec::wasm::{WasmExecutor, WasmRequest};
            let wx = match WasmExecutor::new() {
                Ok(w) => w,
                Err(e) => return crashed(e.to_string()),
            };
            // `_start`, as `sandbench run` calls it without `--invoke`.
            let mut req =
                WasmRequest::new(m.binary.to_vec(), request.filename.clone(), request.limits);
            // The buffer's directories to read (`App::request_run` kept only those; the
            // executor serves them read-only).
            req.permissions = request.permissions.clone();
            std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                wx.run_module(&req, token, &mut forward)
            }))
        }
        None => std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            ex.run(request, token, &mut forward)
        })),
    };
    match result {
        Ok(outcome) => {
            if !finished {
                let _ = tx.blocking_send(Action::Exec {
                    run,
                    event: ExecEvent::Finished(Box::new(outcome.clone())),
                    at_unix: now_unix(),
                });
            }
            outcome
        }
        Err(_) => crashed("the executor failed internally".into()),
    }
}

mod files;
pub use files::{complete_path, write_atomic, write_new};
