//! Capability calls across the worker protocol: the worker's [`WorkerPort`] and the
//! parent's [`BrokerLink`].
//!
//! The locked-down worker cannot open a file or a socket. When its request grants a
//! capability (a directory to read, a host to fetch from), each call of the script becomes
//! one frame on the worker's stdout, in the same JSON-lines stream as its events:
//!
//! ```text
//! {"call":{"id":7,"at":[3,14],"op":{"op":"fs_read","path":"config.json"}}}
//! ```
//!
//! (`at`: the script's line and column, or nulls; `op`: a [`broker::Op`]). The parent answers
//! on the worker's stdin, which stays open after the request line for that purpose, with one
//! line per answer:
//!
//! ```text
//! {"id":7,"result":{"Ok":{"bytes":"eyJvayI6dHJ1ZX0="}}}
//! {"id":8,"result":{"Err":{"kind":"refused","code":"ERR_ACCESS_DENIED","message":"…","refusal":{…}}}}
//! ```
//!
//! Synchronous calls (`fs_*`) are answered at once, asynchronous ones (`fetch`) when they
//! complete, in any order; `abort` has no answer. The parent treats every call as hostile:
//! the frame is bounded, parsed strictly (an unknown operation is refused with an answer; a
//! frame that is not a call at all ends the run as `crashed`), ids of calls in flight must be
//! unique, the number of calls per run is capped, and the broker checks the permission of
//! every call itself. The parent also keeps its own record of what it refused and of what the
//! capabilities used: those go into the outcome whatever the worker reports.

use super::super::{BlockedAttempt, ExecOutcome, ExecRequest};
use crate::engine::broker::{
    self, Broker, BrokerUsage, CallResult, FailKind, Failure, Location, Op, Port,
};
use serde::{Deserialize, Serialize};
use std::collections::{HashSet, VecDeque};
use std::io::{BufRead, Read, Write};
use std::os::unix::net::UnixStream;
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How every call frame starts (the worker writes exactly this; anything else is an event).
pub const CALL_PREFIX: &[u8] = b"{\"call\":";

/// Largest call frame the parent accepts: a request body at its largest, as base64, with room
/// for the URL and headers.
pub(super) fn max_call_bytes(req: &ExecRequest) -> usize {
    let body = usize::try_from(req.permissions.limits.net_max_request_bytes).unwrap_or(usize::MAX);
    body.saturating_mul(4) / 3 + 512 * 1024
}

/// Largest answer line a worker accepts (a file or a response body at the largest limit,
/// as base64, with its headers).
pub const MAX_ANSWER_BYTES: usize = 48 * 1024 * 1024;

/// One call, as framed by the worker.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallFrame {
    call: CallBody,
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct CallBody {
    id: u64,
    at: (Option<u32>, Option<u32>),
    /// Parsed as an [`Op`] in a second step, so an unknown operation is answered, not fatal.
    op: serde_json::Value,
}

/// One answer, as written by the parent.
#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct AnswerLine {
    id: u64,
    result: CallResult,
}

fn frame_of(id: u64, at: Location, op: &Op) -> Option<Vec<u8>> {
    let body = CallBody {
        id,
        at,
        op: serde_json::to_value(op).ok()?,
    };
    let mut line = serde_json::to_vec(&CallFrame { call: body }).ok()?;
    line.push(b'\n');
    Some(line)
}

fn gone() -> Failure {
    Failure::new(
        FailKind::Failed,
        "ERR_SANDBOX",
        "the capability broker is gone (the run is ending)",
    )
}

/// The worker's end: calls go out as frames (through `send`, which hands them to the thread
/// that owns stdout), answers come from the stdin reader.
pub struct WorkerPort {
    send: Box<dyn Fn(Vec<u8>) -> bool + Send>,
    answers: Receiver<(u64, CallResult)>,
    /// Answers to asynchronous calls that arrived while a synchronous one was waited for.
    early: VecDeque<(u64, CallResult)>,
}

impl WorkerPort {
    /// A port whose frames go to `send`, reading answers from this process's stdin (after
    /// the request line) on a thread of its own.
    pub fn new(send: Box<dyn Fn(Vec<u8>) -> bool + Send>) -> WorkerPort {
        let (tx, rx) = mpsc::channel();
        // Stdin is only read, here and before by the main thread: no file is opened.
        let _ = std::thread::Builder::new()
            .name("sandbench-answers".into())
            .spawn(move || read_answers(&tx));
        WorkerPort {
            send,
            answers: rx,
            early: VecDeque::new(),
        }
    }
}

/// Reads answer lines from stdin until it ends.
fn read_answers(tx: &Sender<(u64, CallResult)>) {
    let stdin = std::io::stdin();
    let mut lock = stdin.lock();
    let mut line = Vec::new();
    loop {
        line.clear();
        let limit = MAX_ANSWER_BYTES as u64 + 1;
        match (&mut lock).take(limit).read_until(b'\n', &mut line) {
            Ok(0) | Err(_) => return,
            Ok(_) => {}
        }
        if line.last() != Some(&b'\n') {
            // Over the bound, or the parent closed mid-line: nothing more can be trusted.
            return;
        }
        let Ok(a) = serde_json::from_slice::<AnswerLine>(&line) else {
            return;
        };
        if tx.send((a.id, a.result)).is_err() {
            return;
        }
    }
}

impl Port for WorkerPort {
    fn call(&mut self, id: u64, at: Location, op: Op) -> CallResult {
        let Some(frame) = frame_of(id, at, &op) else {
            return Err(gone());
        };
        if !(self.send)(frame) {
            return Err(gone());
        }
        // The parent answers or kills this worker at the wall deadline.
        loop {
            match self.answers.recv() {
                Ok((got, r)) if got == id => return r,
                Ok(other) => self.early.push_back(other),
                Err(_) => return Err(gone()),
            }
        }
    }

    fn start(&mut self, id: u64, at: Location, op: Op) {
        let sent = frame_of(id, at, &op).is_some_and(|f| (self.send)(f));
        if !sent {
            self.early.push_back((id, Err(gone())));
        }
    }

    fn wait(&mut self, timeout: Duration) -> Option<(u64, CallResult)> {
        if let Some(x) = self.early.pop_front() {
            return Some(x);
        }
        match self.answers.recv_timeout(timeout) {
            Ok(x) => Some(x),
            Err(RecvTimeoutError::Timeout) => None,
            // The parent is gone: every call out fails (the sandbox then stops waiting).
            Err(RecvTimeoutError::Disconnected) => None,
        }
    }

    fn abort(&mut self, id: u64) {
        if let Some(f) = frame_of(id, (None, None), &Op::Abort { target: id }) {
            let _ = (self.send)(f);
        }
    }

    fn usage(&self) -> Option<BrokerUsage> {
        None
    }
}

/// The parent's end for one run: a [`Broker`] with the run's permissions, answering the
/// worker's calls.
pub(crate) struct BrokerLink {
    broker: Broker,
    tx: Sender<(u64, CallResult)>,
    rx: Receiver<(u64, CallResult)>,
    /// Readable when an asynchronous answer is waiting (wakes the supervisor's poll).
    wake_rx: UnixStream,
    wake_tx: Arc<UnixStream>,
    in_flight: HashSet<u64>,
    calls: u64,
    max_calls: u64,
    max_frame: usize,
    refusals: Vec<BlockedAttempt>,
    /// Where each call in flight came from (for the parent's record of a refusal).
    at: std::collections::HashMap<u64, Location>,
}

impl BrokerLink {
    /// A link for `req` when it grants a capability the broker serves; the run's wall
    /// deadline is `deadline`.
    pub(super) fn for_request(req: &ExecRequest, deadline: Instant) -> Option<BrokerLink> {
        BrokerLink::for_permissions(&req.permissions, max_call_bytes(req), deadline)
    }

    /// A link serving `perms` (none when they grant nothing the broker serves); call frames
    /// over `max_frame` bytes end the run. The wasm executor's way in: its modules get only
    /// `filesystem.read`, so it passes permissions without network grants.
    pub(crate) fn for_permissions(
        perms: &crate::engine::policy::Permissions,
        max_frame: usize,
        deadline: Instant,
    ) -> Option<BrokerLink> {
        if !perms.needs_broker() {
            return None;
        }
        let (wake_rx, wake_tx) = UnixStream::pair().ok()?;
        wake_rx.set_nonblocking(true).ok()?;
        wake_tx.set_nonblocking(true).ok()?;
        let (tx, rx) = mpsc::channel();
        let l = perms.limits;
        Some(BrokerLink {
            broker: Broker::new(perms.clone(), deadline),
            tx,
            rx,
            wake_rx,
            wake_tx: Arc::new(wake_tx),
            in_flight: HashSet::new(),
            calls: 0,
            // Every call the limits allow, aborts and refusals included, with room.
            max_calls: l
                .fs_max_ops
                .saturating_add(l.net_max_requests.saturating_mul(2))
                .saturating_add(1000),
            max_frame,
            refusals: Vec::new(),
            at: std::collections::HashMap::new(),
        })
    }

    /// Whether a frame is a call (else it is an event).
    pub(crate) fn is_call(frame: &[u8]) -> bool {
        frame.starts_with(CALL_PREFIX)
    }

    /// The descriptor to poll for asynchronous answers.
    pub(super) fn wake_fd(&self) -> &UnixStream {
        &self.wake_rx
    }

    /// Takes one call frame; its answer (for a synchronous call) is appended to `out`, the
    /// bytes still to write to the worker's stdin. An error ends the run as `crashed`.
    pub(crate) fn on_call(&mut self, frame: &[u8], out: &mut Vec<u8>) -> Result<(), String> {
        if frame.len() > self.max_frame {
            return Err(format!(
                "worker sent a capability call of {} bytes (limit {})",
                frame.len(),
                self.max_frame
            ));
        }
        let CallFrame { call } = serde_json::from_slice(frame)
            .map_err(|e| format!("worker sent a malformed capability call: {e}"))?;
        let CallBody { id, at, op } = call;
        self.calls += 1;
        if self.calls > self.max_calls {
            answer(
                out,
                id,
                Err(Failure::new(
                    FailKind::Limit,
                    "ERR_SANDBOX_LIMIT",
                    format!(
                        "the run's limit of {} capability calls is reached",
                        self.max_calls
                    ),
                )),
            );
            return Ok(());
        }
        let op: Op = match serde_json::from_value(op) {
            Ok(op) => op,
            Err(e) => {
                answer(
                    out,
                    id,
                    Err(Failure::new(
                        FailKind::Invalid,
                        "ERR_UNKNOWN_OPERATION",
                        format!("unknown capability operation: {e}"),
                    )),
                );
                return Ok(());
            }
        };
        if let Op::Abort { target } = op {
            if self.in_flight.remove(&target) {
                self.broker.abort(target);
            }
            return Ok(());
        }
        if op.is_async() {
            if !self.in_flight.insert(id) {
                answer(
                    out,
                    id,
                    Err(Failure::new(
                        FailKind::Invalid,
                        "ERR_INVALID_STATE",
                        "a call with this id is already in flight",
                    )),
                );
                return Ok(());
            }
            self.at.insert(id, at);
            let tx = self.tx.clone();
            let wake = Arc::clone(&self.wake_tx);
            self.broker.start(
                id,
                op,
                Box::new(move |r| {
                    if tx.send((id, r)).is_ok() {
                        let _ = (&*wake).write(&[1]);
                    }
                }),
            );
            // An immediate answer (a refused request) is already on the channel.
            self.pump(out);
            return Ok(());
        }
        let r = self.broker.perform(op);
        self.note(&r, at);
        answer(out, id, r);
        Ok(())
    }

    /// Moves finished asynchronous answers to `out`.
    pub(super) fn pump(&mut self, out: &mut Vec<u8>) {
        let mut sink = [0u8; 64];
        while matches!((&self.wake_rx).read(&mut sink), Ok(n) if n > 0) {}
        while let Ok((id, r)) = self.rx.try_recv() {
            // An aborted call's late answer is dropped.
            if !self.in_flight.remove(&id) {
                continue;
            }
            let at = self.at.remove(&id).unwrap_or((None, None));
            self.note(&r, at);
            answer(out, id, r);
        }
    }

    /// Keeps the parent's own record of a refusal.
    fn note(&mut self, r: &CallResult, at: Location) {
        if let Err(Failure {
            refusal: Some(refusal),
            ..
        }) = r
        {
            if self.refusals.len() < super::MAX_BLOCKED {
                self.refusals.push(BlockedAttempt {
                    capability: refusal.target.clone(),
                    category: refusal.category,
                    message: refusal.message.clone(),
                    line: at.0,
                    column: at.1,
                    count: 1,
                });
            }
        }
    }

    /// The run is over: what was in flight is cancelled; the outcome gets the parent's counts
    /// and every refusal the parent made (added when the worker did not report it).
    pub(crate) fn finish(mut self, o: &mut ExecOutcome) {
        self.broker.abort_all();
        let u = self.broker.usage();
        o.usage.add_broker(&u);
        o.usage.modules_loaded = o.usage.modules_loaded.min(1000);
        for r in self.refusals {
            let known = o.blocked.iter().any(|b| {
                b.capability == r.capability && b.category == r.category && b.message == r.message
            });
            if !known && o.blocked.len() < super::MAX_BLOCKED {
                o.blocked.push(r);
            }
        }
    }
}

/// Appends one answer line.
fn answer(out: &mut Vec<u8>, id: u64, result: CallResult) {
    let line = AnswerLine { id, result };
    if serde_json::to_writer(&mut *out, &line).is_err() {
        let fallback = AnswerLine {
            id,
            result: Err(Failure::new(
                FailKind::Failed,
                "ERR_SANDBOX",
                "the answer could not be encoded",
            )),
        };
        let _ = serde_json::to_writer(&mut *out, &fallback);
    }
    out.push(b'\n');
}

/// Installs the worker's port when its request grants a capability; `send` hands a frame to
/// the thread that writes stdout.
pub fn install_worker_port(req: &ExecRequest, send: Box<dyn Fn(Vec<u8>) -> bool + Send>) {
    if req.permissions.needs_broker() {
        broker::install_remote(Box::new(WorkerPort::new(send)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::policy::Permissions;

    fn link(perms: Permissions) -> BrokerLink {
        let mut req = ExecRequest::new("");
        req.permissions = perms;
        BrokerLink::for_request(&req, Instant::now() + Duration::from_secs(5)).expect("link")
    }

    fn answers(out: &[u8]) -> Vec<AnswerLine> {
        out.split(|&b| b == b'\n')
            .filter(|l| !l.is_empty())
            .map(|l| serde_json::from_slice(l).expect("answer"))
            .collect()
    }

    #[test]
    fn calls_are_parsed_strictly_and_answered() {
        let dir = tempfile::tempdir().expect("tempdir");
        std::fs::write(dir.path().join("a.txt"), "hi").expect("write");
        let mut p = Permissions::default();
        p.add_read(dir.path().to_path_buf());
        let mut l = link(p);
        let mut out = Vec::new();
        let frame = frame_of(
            1,
            (Some(2), Some(3)),
            &Op::FsRead {
                path: "a.txt".into(),
            },
        )
        .expect("frame");
        assert!(BrokerLink::is_call(&frame));
        l.on_call(frame.trim_ascii_end(), &mut out).expect("call");
        let a = answers(&out);
        assert_eq!(a[0].id, 1);
        assert!(matches!(&a[0].result, Ok(broker::Answer::Bytes(b)) if b.0 == b"hi"));
        // An unknown operation is answered, not fatal; a malformed frame is fatal.
        out.clear();
        l.on_call(
            br#"{"call":{"id":2,"at":[null,null],"op":{"op":"fs_write","path":"x"}}}"#,
            &mut out,
        )
        .expect("answered");
        assert!(matches!(&answers(&out)[0].result, Err(f) if f.code == "ERR_UNKNOWN_OPERATION"));
        assert!(l.on_call(br#"{"call":{"id":3}}"#, &mut out).is_err());
        assert!(l
            .on_call(
                br#"{"call":{"id":3,"at":[null,null],"op":{},"x":1}}"#,
                &mut out
            )
            .is_err());
        // A refusal is kept by the parent, with the location the worker claimed.
        out.clear();
        let frame = frame_of(
            4,
            (Some(9), None),
            &Op::FsRead {
                path: "/etc/passwd".into(),
            },
        )
        .expect("frame");
        l.on_call(frame.trim_ascii_end(), &mut out).expect("call");
        let mut o = ExecOutcome::not_run(
            "x",
            &ExecRequest::new(""),
            super::super::super::Outcome::Ok,
            None,
        );
        l.finish(&mut o);
        assert_eq!(o.blocked.len(), 1);
        assert_eq!(
            (o.blocked[0].capability.as_str(), o.blocked[0].line),
            ("/etc/passwd", Some(9))
        );
        assert_eq!(o.usage.fs_reads, 1);
    }

    #[test]
    fn an_oversized_call_ends_the_run() {
        let mut p = Permissions::default();
        p.add_read(std::env::temp_dir());
        p.limits.net_max_request_bytes = 0;
        let mut l = link(p);
        let big = format!(
            r#"{{"call":{{"id":1,"at":[null,null],"op":{{"op":"fs_read","path":"{}"}}}}}}"#,
            "a".repeat(600 * 1024)
        );
        let e = l
            .on_call(big.as_bytes(), &mut Vec::new())
            .expect_err("too big");
        assert!(e.contains("limit"), "{e}");
    }
}
