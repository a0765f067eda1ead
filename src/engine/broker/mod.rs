//! The broker: the host side of every granted capability. A script never opens a file or a
//! socket itself; it asks, and the broker checks the run's [`Permissions`], performs the call
//! under the run's capability limits and answers with plain data.
//!
//! One implementation serves both executors. In process (`quickjs`), the sandbox's host
//! bridge calls a [`Broker`] directly (through [`LocalPort`]). Out of process
//! (`quickjs-process`), the locked-down worker cannot open anything: each call becomes a
//! framed request on its stdout, and the parent, which owns a [`Broker`] for the run, checks
//! and performs it and writes the answer to the worker's stdin (see
//! `exec::process::capability`). The parent treats every request as hostile.
//!
//! - [`fs`]: reads beneath granted directories, resolved by the host with `openat2`
//!   (`RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV`), or component by component
//!   with `O_NOFOLLOW` where the kernel lacks it.
//! - [`net`]: `fetch` to granted hosts with reqwest, every redirect and every resolved address
//!   checked again.
//!
//! A refused call answers with a [`Refusal`]: the engine side records it as a `Blocked`
//! event naming the path or URL asked for.

pub mod fs;
pub mod net;

use crate::engine::policy::Permissions;
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

pub use fs::{DirEntry, EntryKind, FsBroker, StatInfo};
pub use net::{FetchRequest, FetchResponse, NetBroker, RedirectMode};

/// Longest path a script may ask for, in bytes (PATH_MAX).
pub const MAX_PATH_BYTES: usize = 4096;
/// Longest URL a script may fetch, in bytes.
pub const MAX_URL_BYTES: usize = 8192;
/// Most requests of one run in flight at once.
pub const MAX_IN_FLIGHT: usize = 16;

/// One call a script makes through the broker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case", deny_unknown_fields)]
pub enum Op {
    /// The whole content of a regular file.
    FsRead { path: String },
    /// The entries of a directory.
    FsReaddir { path: String },
    /// What a path is (following symlinks that stay beneath the root).
    FsStat { path: String },
    /// Whether a path exists beneath a granted directory.
    FsExists { path: String },
    /// An HTTP request (asynchronous: answered when it completes).
    Fetch { request: FetchRequest },
    /// Cancels the asynchronous call `target` (no answer of its own).
    Abort { target: u64 },
}

impl Op {
    /// Whether the call is answered later ([`Broker::start`]) rather than at once.
    pub fn is_async(&self) -> bool {
        matches!(self, Op::Fetch { .. })
    }
}

/// Bytes carried as base64 in JSON.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Bytes(pub Vec<u8>);

impl Serialize for Bytes {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use base64::Engine as _;
        s.serialize_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Bytes {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        use base64::Engine as _;
        let s = String::deserialize(d)?;
        base64::engine::general_purpose::STANDARD
            .decode(s.as_bytes())
            .map(Bytes)
            .map_err(serde::de::Error::custom)
    }
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Answer {
    Bytes(Bytes),
    Entries(Vec<DirEntry>),
    Stat(StatInfo),
    Exists(bool),
    Response(FetchResponse),
    /// For calls with nothing to return.
    Done,
}

/// Why a call failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FailKind {
    /// The permissions do not allow it (recorded as a Blocked event).
    Refused,
    /// A capability limit of the run was reached.
    Limit,
    /// The call is not valid (bad arguments, unknown operation).
    Invalid,
    /// The operation failed as it would anywhere (no such file, connection refused).
    Failed,
    /// The request ran out of time.
    Timeout,
    /// The script cancelled it.
    Aborted,
}

/// A refused attempt, as the engine side records it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Refusal {
    /// The path or URL asked for (bounded).
    pub target: String,
    pub category: Category,
    pub message: String,
}

/// A failed call: what the script's error says, and the refusal to record when it was one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Failure {
    pub kind: FailKind,
    /// A Node-style code: `ENOENT`, `ERR_ACCESS_DENIED`, `ERR_SANDBOX_LIMIT`, …
    pub code: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refusal: Option<Refusal>,
}

impl Failure {
    pub fn new(kind: FailKind, code: &str, message: impl Into<String>) -> Self {
        Failure {
            kind,
            code: code.to_string(),
            message: message.into(),
            refusal: None,
        }
    }

    /// A refusal of `target` (a path or URL), recorded under `category`.
    pub fn refused(category: Category, target: &str, code: &str, message: String) -> Self {
        let target = crate::engine::text::truncate(target, 300).into_owned();
        Failure {
            kind: FailKind::Refused,
            code: code.to_string(),
            message: message.clone(),
            refusal: Some(Refusal {
                target,
                category,
                message,
            }),
        }
    }
}

/// How one call ended.
pub type CallResult = Result<Answer, Failure>;

/// What the capabilities of one run consumed (counted by the host, never by the script).
#[derive(Debug, Default)]
pub struct Counters {
    pub network_requests: AtomicU64,
    pub network_bytes_in: AtomicU64,
    pub network_bytes_out: AtomicU64,
    pub fs_reads: AtomicU64,
    pub fs_bytes_read: AtomicU64,
}

impl Counters {
    pub fn add(counter: &AtomicU64, n: u64) {
        counter.fetch_add(n, Ordering::Relaxed);
    }

    /// The counts as plain numbers.
    pub fn snapshot(&self) -> BrokerUsage {
        let get = |c: &AtomicU64| c.load(Ordering::Relaxed);
        BrokerUsage {
            network_requests: get(&self.network_requests),
            network_bytes_in: get(&self.network_bytes_in),
            network_bytes_out: get(&self.network_bytes_out),
            fs_reads: get(&self.fs_reads),
            fs_bytes_read: get(&self.fs_bytes_read),
        }
    }
}

/// The broker's part of a run's usage.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct BrokerUsage {
    pub network_requests: u64,
    pub network_bytes_in: u64,
    pub network_bytes_out: u64,
    pub fs_reads: u64,
    /// Bytes of file content returned.
    pub fs_bytes_read: u64,
}

/// The host side of one run's capabilities. Dropping it cancels every request in flight.
pub struct Broker {
    perms: Arc<Permissions>,
    fs: FsBroker,
    net: NetBroker,
    counters: Arc<Counters>,
}

impl std::fmt::Debug for Broker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Broker")
            .field("perms", &self.perms)
            .finish_non_exhaustive()
    }
}

impl Broker {
    /// A broker for a run granted `perms` whose wall deadline is `deadline` (no request
    /// outlives it). Opens nothing yet: roots are opened and the HTTP client is built on the
    /// first call that needs them.
    pub fn new(perms: Permissions, deadline: Instant) -> Broker {
        let perms = Arc::new(perms);
        let counters = Arc::new(Counters::default());
        Broker {
            fs: FsBroker::new(&perms, Arc::clone(&counters)),
            net: NetBroker::new(Arc::clone(&perms), Arc::clone(&counters), deadline),
            perms,
            counters,
        }
    }

    pub fn permissions(&self) -> &Permissions {
        &self.perms
    }

    /// Performs a synchronous call (the filesystem calls); an asynchronous one is refused
    /// here (use [`Broker::start`]).
    pub fn perform(&mut self, op: Op) -> CallResult {
        match op {
            Op::FsRead { path } => self.fs.read(&path).map(|b| Answer::Bytes(Bytes(b))),
            Op::FsReaddir { path } => self.fs.readdir(&path).map(Answer::Entries),
            Op::FsStat { path } => self.fs.stat(&path).map(Answer::Stat),
            Op::FsExists { path } => self.fs.exists(&path).map(Answer::Exists),
            Op::Abort { target } => {
                self.net.abort(target);
                Ok(Answer::Done)
            }
            Op::Fetch { .. } => Err(Failure::new(
                FailKind::Invalid,
                "ERR_INVALID_STATE",
                "fetch is asynchronous",
            )),
        }
    }

    /// Starts an asynchronous call; `done` receives its result (on another thread), unless it
    /// is aborted or the broker is dropped first.
    pub fn start(&mut self, id: u64, op: Op, done: Box<dyn FnOnce(CallResult) + Send>) {
        match op {
            Op::Fetch { request } => self.net.start(id, request, done),
            other => done(self.perform(other)),
        }
    }

    /// Cancels an asynchronous call (nothing if it has finished).
    pub fn abort(&mut self, id: u64) {
        self.net.abort(id);
    }

    /// Cancels every asynchronous call in flight.
    pub fn abort_all(&mut self) {
        self.net.abort_all();
    }

    pub fn usage(&self) -> BrokerUsage {
        self.counters.snapshot()
    }
}

/// The engine side's way to the broker: a [`Broker`] in this process ([`LocalPort`]), or
/// the parent across the worker protocol.
pub trait Port {
    /// Performs a synchronous call and waits for its answer (`at`: the script location, for
    /// the parent's record of a refusal).
    fn call(&mut self, id: u64, at: Location, op: Op) -> CallResult;
    /// Starts an asynchronous call, answered through [`Port::wait`].
    fn start(&mut self, id: u64, at: Location, op: Op);
    /// The next answer to an asynchronous call, waiting at most `timeout`.
    fn wait(&mut self, timeout: Duration) -> Option<(u64, CallResult)>;
    /// Cancels an asynchronous call; its answer never comes.
    fn abort(&mut self, id: u64);
    /// What this port's broker counted, when the broker is in this process.
    fn usage(&self) -> Option<BrokerUsage>;
}

/// The port a worker hands its sandbox (installed before the run; taken once).
static REMOTE: std::sync::Mutex<Option<Box<dyn Port + Send>>> = std::sync::Mutex::new(None);
/// Set in a worker process: capabilities go to the parent or nowhere, never to a broker of
/// this (locked-down) process.
static WORKER: std::sync::atomic::AtomicBool = std::sync::atomic::AtomicBool::new(false);

/// Marks this process as a worker (see [`is_worker`]).
pub fn set_worker() {
    WORKER.store(true, Ordering::SeqCst);
}

/// Whether this process is a worker: its sandbox may only use an installed remote port.
pub fn is_worker() -> bool {
    WORKER.load(Ordering::SeqCst)
}

/// Installs the port the next sandbox of this process uses (a worker's link to its parent).
pub fn install_remote(port: Box<dyn Port + Send>) {
    if let Ok(mut slot) = REMOTE.lock() {
        *slot = Some(port);
    }
}

/// Takes the installed remote port, if any.
pub fn take_remote() -> Option<Box<dyn Port>> {
    REMOTE
        .lock()
        .ok()
        .and_then(|mut slot| slot.take())
        .map(|p| p as Box<dyn Port>)
}

/// Line and column of the script call, when known.
pub type Location = (Option<u32>, Option<u32>);

/// A [`Broker`] in this process: synchronous calls run on the caller's thread, asynchronous
/// answers arrive on a channel.
pub struct LocalPort {
    broker: Broker,
    tx: Sender<(u64, CallResult)>,
    rx: Receiver<(u64, CallResult)>,
}

impl LocalPort {
    pub fn new(perms: Permissions, deadline: Instant) -> LocalPort {
        let (tx, rx) = std::sync::mpsc::channel();
        LocalPort {
            broker: Broker::new(perms, deadline),
            tx,
            rx,
        }
    }
}

impl Port for LocalPort {
    fn call(&mut self, _id: u64, _at: Location, op: Op) -> CallResult {
        self.broker.perform(op)
    }

    fn start(&mut self, id: u64, _at: Location, op: Op) {
        let tx = self.tx.clone();
        self.broker.start(
            id,
            op,
            Box::new(move |r| {
                let _ = tx.send((id, r));
            }),
        );
    }

    fn wait(&mut self, timeout: Duration) -> Option<(u64, CallResult)> {
        // Timed out, or the broker's thread is gone: nothing to settle now.
        self.rx.recv_timeout(timeout).ok()
    }

    fn abort(&mut self, id: u64) {
        self.broker.abort(id);
    }

    fn usage(&self) -> Option<BrokerUsage> {
        Some(self.broker.usage())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_and_answers_round_trip_as_json() {
        let op = Op::FsRead {
            path: "a/b.txt".into(),
        };
        let text = serde_json::to_string(&op).expect("json");
        assert_eq!(text, r#"{"op":"fs_read","path":"a/b.txt"}"#);
        assert_eq!(serde_json::from_str::<Op>(&text).expect("parse"), op);
        assert!(serde_json::from_str::<Op>(r#"{"op":"fs_write","path":"x"}"#).is_err());
        assert!(serde_json::from_str::<Op>(r#"{"op":"fs_read","path":"x","mode":1}"#).is_err());
        let a = Answer::Bytes(Bytes(vec![0, 159, 255]));
        let text = serde_json::to_string(&a).expect("json");
        assert_eq!(text, r#"{"bytes":"AJ//"}"#);
        assert_eq!(serde_json::from_str::<Answer>(&text).expect("parse"), a);
    }
}
