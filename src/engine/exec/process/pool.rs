//! Pre-started workers: locked down, engine warmed up and the likely sandbox already built,
//! waiting on stdin for a request, so a run does not pay for the spawn. Replacements are
//! started by a background thread after each run, never on the run's own path.

use super::super::ExecRequest;
use super::launch::spawn_pooled;
use super::protocol::settings_of;
use crate::engine::policy::Limits;
use std::path::{Path, PathBuf};
use std::process::Child;
use std::sync::mpsc::Sender;
use std::sync::{Arc, Mutex};

/// What a worker is locked down for. Pooled workers are only used for requests with the
/// same key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct LockKey {
    pub(super) memory_mb: u64,
    pub(super) wall_timeout_ms: u64,
}

impl LockKey {
    pub(super) fn of(limits: &Limits) -> Self {
        LockKey {
            memory_mb: limits.memory_mb,
            wall_timeout_ms: limits.wall_timeout_ms,
        }
    }
}

/// The pool's shared state (the executor and the refill thread).
struct State {
    key: Option<LockKey>,
    /// The settings of the last request (no code, no input): new pool workers prepare their
    /// sandbox for these.
    template: Option<ExecRequest>,
    idle: Vec<Child>,
    target: usize,
    /// Workers being started for the pool right now.
    refilling: usize,
    closed: bool,
}

impl State {
    /// Moves the pool to `key`: workers locked down for other limits are ended.
    fn switch_to(&mut self, key: LockKey) {
        if self.key != Some(key) {
            end_all(&mut self.idle);
            self.key = Some(key);
        }
    }
}

impl Drop for State {
    fn drop(&mut self) {
        end_all(&mut self.idle);
    }
}

/// Kills and reaps every worker in `children`.
pub(super) fn end_all(children: &mut Vec<Child>) {
    for mut c in children.drain(..) {
        let _ = c.kill();
        let _ = c.wait();
    }
}

/// Up to `target` idle workers of one program, for one [`LockKey`] at a time.
pub(super) struct WorkerPool {
    program: PathBuf,
    state: Arc<Mutex<State>>,
    /// Feeds the background thread that starts replacement workers (started lazily).
    refiller: Mutex<Option<Sender<LockKey>>>,
}

impl WorkerPool {
    /// An empty pool of size 0 (see [`WorkerPool::set_target`]).
    pub(super) fn new(program: PathBuf) -> Self {
        WorkerPool {
            program,
            state: Arc::new(Mutex::new(State {
                key: None,
                template: None,
                idle: Vec::new(),
                target: 0,
                refilling: 0,
                closed: false,
            })),
            refiller: Mutex::new(None),
        }
    }

    pub(super) fn set_target(&self, size: usize) {
        if let Ok(mut p) = self.state.lock() {
            p.target = size;
        }
    }

    /// Starts workers for requests with these limits now, and waits until they are up.
    pub(super) fn prewarm(&self, limits: &Limits) {
        let key = LockKey::of(limits);
        let Ok(mut p) = self.state.lock() else { return };
        p.switch_to(key);
        let mut template = ExecRequest::new("");
        template.limits = *limits;
        let template = p
            .template
            .clone()
            .filter(|t| t.limits == *limits)
            .unwrap_or(template);
        p.template = Some(template.clone());
        while p.idle.len() < p.target {
            match spawn_pooled(&self.program, key, Some(&template)) {
                Ok(c) => p.idle.push(c),
                Err(_) => break,
            }
        }
    }

    /// Idle workers waiting now.
    pub(super) fn idle(&self) -> usize {
        self.state.lock().map_or(0, |p| p.idle.len())
    }

    /// A live idle worker locked down for `key`, if there is one.
    pub(super) fn take(&self, key: LockKey) -> Option<Child> {
        let mut p = self.state.lock().ok()?;
        p.switch_to(key);
        while let Some(mut c) = p.idle.pop() {
            if matches!(c.try_wait(), Ok(None)) {
                return Some(c);
            }
            let _ = c.wait();
        }
        None
    }

    /// Remembers `req`'s settings: the next pool workers prepare their sandbox for them.
    pub(super) fn remember(&self, req: &ExecRequest) {
        if let Ok(mut p) = self.state.lock() {
            p.template = Some(settings_of(req));
        }
    }

    /// Asks the background refiller for a replacement worker (a channel send: the run that
    /// used a worker does not pay for starting the next one).
    pub(super) fn refill(&self, key: LockKey) {
        match self.state.lock() {
            Ok(mut p) if !p.closed && p.idle.len() + p.refilling < p.target => p.refilling += 1,
            _ => return,
        }
        let Ok(mut tx) = self.refiller.lock() else {
            return;
        };
        if tx.is_none() {
            let (send, recv) = std::sync::mpsc::channel::<LockKey>();
            let state = Arc::clone(&self.state);
            let program = self.program.clone();
            let spawned = std::thread::Builder::new()
                .name("sandbench-pool".into())
                .spawn(move || {
                    // Ends when the pool (the only sender) is dropped.
                    for key in recv {
                        refill_one(&state, &program, key);
                    }
                });
            if spawned.is_err() {
                self.refill_gave_up();
                return;
            }
            *tx = Some(send);
        }
        if tx.as_ref().is_some_and(|t| t.send(key).is_err()) {
            *tx = None;
            self.refill_gave_up();
        }
    }

    fn refill_gave_up(&self) {
        if let Ok(mut p) = self.state.lock() {
            p.refilling = p.refilling.saturating_sub(1);
        }
    }

    /// Ends the idle workers and refuses new ones.
    pub(super) fn close(&self) {
        if let Ok(mut p) = self.state.lock() {
            p.closed = true;
            end_all(&mut p.idle);
        }
    }
}

/// Starts one pool worker for `key` and parks it, unless the pool moved on meanwhile.
fn refill_one(state: &Mutex<State>, program: &Path, key: LockKey) {
    let template = state.lock().ok().and_then(|p| p.template.clone());
    let started = spawn_pooled(program, key, template.as_ref());
    let Ok(mut p) = state.lock() else { return };
    p.refilling = p.refilling.saturating_sub(1);
    let Ok(mut c) = started else { return };
    if !p.closed && p.key == Some(key) && p.idle.len() < p.target {
        p.idle.push(c);
        return;
    }
    drop(p);
    let _ = c.kill();
    let _ = c.wait();
}
