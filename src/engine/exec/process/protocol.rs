//! The wire protocol between the parent and a worker, and the parent's checks on what a worker
//! sends.
//!
//! Parent → worker (stdin): the setup preamble ([`SETUP_MAGIC`], the parent's [`BUILD_ID`], the
//! length of the host setup bytecode as a little-endian u32, the bytecode), then for each run
//! the host code section ([`HOST_CODE_MAGIC`]: the bytecode of the host code the request may
//! load, see [`host_code_section`]), then the [`ExecRequest`] as one JSON line; after it, stdin
//! carries capability answers (when the request grants any) until end of file.
//!
//! Worker → parent (stdout): [`READY_LINE`] once it is locked down and waiting for its
//! request, then frames: one [`ExecEvent`] as JSON per line (console and blocked events while
//! the script runs, `Finished` last). `Finished` carries no console lines (its `console` is
//! empty): they were all streamed, and the parent reports the ones it accepted. A worker that
//! is killed (wall deadline, CPU budget, cancel) sends no `Finished`: the parent reports what
//! was streamed until then with its own measurements. In `--probe` mode it prints
//! `<PROBE_HANDSHAKE> build <BUILD_ID> Landlock <state>` instead and exits.
//!
//! Everything the worker sends is untrusted: [`FrameReader`] bounds each frame and the whole
//! stream, and [`Received`] accepts only well-formed events under the request's caps, with the
//! identity fields (executor, hash, limits) the parent's own.

use super::super::lockdown::LandlockState;
use super::super::{
    BlockedAttempt, ConsoleLine, ExecEvent, ExecOutcome, ExecRequest, JsError, LimitsReport,
    Outcome,
};
use super::NAME;
use crate::engine::Category;
use std::collections::HashMap;
use std::io::Read;
use std::ops::ControlFlow;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The first line a worker prints in `--probe` mode, followed by `build <BUILD_ID> Landlock
/// <state>`.
pub const PROBE_HANDSHAKE: &str = "sandbench-worker-probe v2";

/// This build's identity (a hash of its sources, from `build.rs`). A worker program must report
/// the same one: a `sandbench-worker` left over from an older build is not used.
pub const BUILD_ID: &str = env!("SANDBENCH_BUILD_ID");

const _: () = assert!(
    BUILD_ID.len() == 16,
    "build.rs names builds with 16 hex digits"
);

/// The line a worker prints once it is locked down and waiting for its request.
pub const READY_LINE: &[u8] = b"ready\n";

/// Largest request the parent sends and the worker accepts (a valid request, see
/// [`ExecRequest::validate`], is far smaller; this bounds what the worker reads).
pub const MAX_REQUEST_BYTES: usize = 32 * 1024 * 1024;

/// The start of every worker's stdin: [`SETUP_MAGIC`], the parent's [`BUILD_ID`], the length of
/// the host setup bytecode (little-endian u32; 0 when the parent has none) and the bytecode.
/// The request follows. A worker of the same build loads the parent's bytecode instead of
/// compiling the setup script itself (about half of a fresh worker's engine start-up).
pub const SETUP_MAGIC: &[u8; 8] = b"sbsetup1";

/// Length of the setup preamble before the bytecode.
const SETUP_HEADER_BYTES: usize = SETUP_MAGIC.len() + BUILD_ID.len() + 4;

/// Largest host setup bytecode a worker accepts from its parent.
pub const MAX_SETUP_BYTES: usize = 4 * 1024 * 1024;

/// How often a worker sends the console and blocked events gathered so far (it also sends
/// when 64 KB are pending, and with its final report). Short, because what a killed worker had
/// not sent yet is lost to its report.
pub const FLUSH_EVERY: Duration = Duration::from_millis(10);

/// CPU time past the budget at which a worker is killed (by its own kernel CPU timer and by
/// the parent, whichever comes first). The engine's interrupt handler stops a script that
/// polls it at the budget itself and reports normally; this margin leaves that report the
/// CPU it needs, and the kill is for scripts stuck where the engine does not poll (a builtin,
/// the compiler). The kernel checks CPU timers at its scheduler tick: a kill lands within a
/// tick (1 to 4 ms) after budget + margin.
pub const CPU_KILL_MARGIN: Duration = Duration::from_millis(2);

/// Most blocked attempts accepted from one worker.
pub const MAX_BLOCKED: usize = 10_000;

/// Largest request template passed to a pooled worker on its command line.
pub(super) const MAX_TEMPLATE_BYTES: usize = 8 * 1024;

/// Largest single frame (one JSON line) accepted for these console limits.
pub fn max_frame_bytes(console_max_bytes: usize) -> usize {
    // A console frame may carry up to the whole console's bytes, JSON-escaped (up to 6 bytes
    // per byte for control characters); a Finished frame the bounded value, error and blocked
    // list.
    (16 * 1024 * 1024usize).saturating_add(console_max_bytes.saturating_mul(6))
}

/// Largest total output accepted from one worker run.
pub fn max_total_bytes(console_max_bytes: usize) -> usize {
    max_frame_bytes(console_max_bytes).saturating_mul(2)
}

/// The probe's answer line.
pub fn probe_line(landlock: LandlockState) -> String {
    format!(
        "{PROBE_HANDSHAKE} build {BUILD_ID} Landlock {}",
        landlock.as_str()
    )
}

/// What a probe's first line says: the worker's build id and Landlock state (the build is not
/// checked here).
pub(crate) fn parse_probe_line(line: &str) -> Option<(&str, Option<LandlockState>)> {
    let rest = line
        .strip_prefix(PROBE_HANDSHAKE)?
        .trim()
        .strip_prefix("build ")?;
    let (build, landlock) = rest.split_once(' ')?;
    let state = landlock
        .trim()
        .strip_prefix("Landlock ")
        .and_then(|s| s.parse().ok());
    Some((build, state))
}

/// The setup preamble this process sends every worker (built once).
pub(crate) fn setup_preamble() -> &'static [u8] {
    static PREAMBLE: OnceLock<Vec<u8>> = OnceLock::new();
    PREAMBLE.get_or_init(|| {
        let bytes = super::super::quickjs::setup_bytecode()
            .ok()
            .filter(|b| b.len() <= MAX_SETUP_BYTES)
            .unwrap_or(&[]);
        encode_preamble(BUILD_ID.as_bytes(), bytes)
    })
}

/// A setup preamble naming `build` and carrying `bytecode`.
fn encode_preamble(build: &[u8], bytecode: &[u8]) -> Vec<u8> {
    let mut v = Vec::with_capacity(SETUP_HEADER_BYTES + bytecode.len());
    v.extend_from_slice(SETUP_MAGIC);
    v.extend_from_slice(build);
    // MAX_SETUP_BYTES fits in a u32; the caller never passes more.
    let len = u32::try_from(bytecode.len()).unwrap_or(0);
    v.extend_from_slice(&len.to_le_bytes());
    v.extend_from_slice(bytecode);
    v
}

/// What a worker found at the start of its stdin.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Preamble {
    /// Stdin ended before the preamble began: the parent discarded this worker.
    Discarded,
    /// The parent's setup bytecode, when the parent is the same build and sent some.
    Setup(Option<Vec<u8>>),
}

/// Why a worker refuses what its parent sent.
#[derive(Debug, thiserror::Error)]
pub(crate) enum PreambleError {
    #[error("the setup preamble ended early")]
    Truncated,
    #[error("reading the setup preamble: {0}")]
    Read(#[source] std::io::Error),
    #[error("the request does not start with the setup preamble")]
    Missing,
    #[error("setup bytecode of {0} bytes is over the limit")]
    TooLarge(usize),
    #[error("reading the setup bytecode: {0}")]
    ReadBytecode(#[source] std::io::Error),
}

/// Fills `buf` from a worker's stdin: false when stdin ended before its first byte (the
/// parent discarded this worker), an `UnexpectedEof` error when it ended inside it.
fn read_head(input: &mut impl Read, buf: &mut [u8]) -> std::io::Result<bool> {
    let mut have = 0;
    while have < buf.len() {
        match input.read(&mut buf[have..]) {
            Ok(0) if have == 0 => return Ok(false),
            Ok(0) => return Err(std::io::ErrorKind::UnexpectedEof.into()),
            Ok(n) => have += n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(true)
}

/// Reads the setup preamble from a worker's stdin.
pub(crate) fn read_setup_preamble(input: &mut impl Read) -> Result<Preamble, PreambleError> {
    let mut head = [0u8; SETUP_HEADER_BYTES];
    match read_head(input, &mut head) {
        Ok(true) => {}
        Ok(false) => return Ok(Preamble::Discarded),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(PreambleError::Truncated)
        }
        Err(e) => return Err(PreambleError::Read(e)),
    }
    let (magic, rest) = head.split_at(SETUP_MAGIC.len());
    let (build, len) = rest.split_at(BUILD_ID.len());
    if magic != SETUP_MAGIC {
        return Err(PreambleError::Missing);
    }
    let mut len_bytes = [0u8; 4];
    len_bytes.copy_from_slice(len);
    let len = u32::from_le_bytes(len_bytes) as usize;
    if len > MAX_SETUP_BYTES {
        return Err(PreambleError::TooLarge(len));
    }
    let mut bytes = vec![0u8; len];
    input
        .read_exact(&mut bytes)
        .map_err(PreambleError::ReadBytecode)?;
    let ours = len > 0 && build == BUILD_ID.as_bytes();
    Ok(Preamble::Setup(ours.then_some(bytes)))
}

/// The start of the host code section sent ahead of each request: then the number of entries
/// (u16), and per entry the length of its name (u8), the name (a host module's, or
/// [`FETCH_ENTRY`]) and the length (u32) of its bytecode, then the bytecode; lengths are
/// little-endian. A worker of the same build loads these instead of compiling the sources
/// itself: a fresh worker compiling `util` cost 6–11 ms of the run's own budget.
pub const HOST_CODE_MAGIC: &[u8; 8] = b"sbhost01";

/// The entry name of the `fetch` global's code in the host code section.
pub(crate) const FETCH_ENTRY: &str = "sandbench:fetch";

/// Most entries a host code section may hold (this build has 13 host sources).
pub(super) const MAX_HOST_CODE_ENTRIES: usize = 64;

/// Most bytecode a host code section may carry in all.
pub(super) const MAX_HOST_CODE_BYTES: usize = 16 * 1024 * 1024;

/// The host code section for `req`: the bytecode (compiled once in this process, then kept) of
/// every host module its code names in quotes and its permissions allow, with the modules
/// those load (a superset of what it can load by a constant name), and of `fetch` when it
/// grants the network. What is left out (a module reached by a computed name) the worker
/// compiles itself, as before.
pub(crate) fn host_code_section(req: &ExecRequest) -> Vec<u8> {
    let modules: Vec<(&str, std::sync::Arc<[u8]>)> = super::super::modules::named_in(&req.code)
        .into_iter()
        .filter(|m| req.permissions.allows_module(m.name))
        .filter_map(|m| Some((m.name, super::super::modules::bytecode(m).ok()?)))
        .collect();
    let mut entries: Vec<(&str, &[u8])> = modules.iter().map(|(n, b)| (*n, &b[..])).collect();
    if req.permissions.grants_network() {
        if let Ok(b) = super::super::host::fetch_bytecode() {
            entries.push((FETCH_ENTRY, b));
        }
    }
    encode_host_code(&entries)
}

fn encode_host_code(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut total = 0usize;
    let kept: Vec<_> = entries
        .iter()
        .filter(|(name, b)| {
            total = total.saturating_add(b.len());
            name.len() <= usize::from(u8::MAX) && total <= MAX_HOST_CODE_BYTES
        })
        .take(MAX_HOST_CODE_ENTRIES)
        .collect();
    let mut v = Vec::with_capacity(HOST_CODE_MAGIC.len() + 2 + total.min(MAX_HOST_CODE_BYTES));
    v.extend_from_slice(HOST_CODE_MAGIC);
    // At most MAX_HOST_CODE_ENTRIES: fits a u16.
    v.extend_from_slice(&u16::try_from(kept.len()).unwrap_or(0).to_le_bytes());
    for (name, bytes) in kept {
        v.push(u8::try_from(name.len()).unwrap_or(0));
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(&u32::try_from(bytes.len()).unwrap_or(0).to_le_bytes());
        v.extend_from_slice(bytes);
    }
    v
}

/// Why a worker refuses the host code section.
#[derive(Debug, thiserror::Error)]
pub(crate) enum HostCodeError {
    #[error("the host code section ended early")]
    Truncated,
    #[error("reading the host code section: {0}")]
    Read(#[source] std::io::Error),
    #[error("the request does not start with the host code section")]
    Missing,
    #[error("the host code section is over its bounds ({0})")]
    TooLarge(&'static str),
}

/// The host code section's entries: (module name or [`FETCH_ENTRY`], bytecode).
pub(crate) type HostCode = Vec<(String, Vec<u8>)>;

/// Reads the host code section from a worker's stdin: its entries, or `None` when stdin ended
/// before it began (the parent discarded this worker).
pub(crate) fn read_host_code(input: &mut impl Read) -> Result<Option<HostCode>, HostCodeError> {
    let mut head = [0u8; HOST_CODE_MAGIC.len() + 2];
    match read_head(input, &mut head) {
        Ok(true) => {}
        Ok(false) => return Ok(None),
        Err(e) if e.kind() == std::io::ErrorKind::UnexpectedEof => {
            return Err(HostCodeError::Truncated)
        }
        Err(e) => return Err(HostCodeError::Read(e)),
    }
    if &head[..HOST_CODE_MAGIC.len()] != HOST_CODE_MAGIC {
        return Err(HostCodeError::Missing);
    }
    let count = usize::from(u16::from_le_bytes([head[8], head[9]]));
    if count > MAX_HOST_CODE_ENTRIES {
        return Err(HostCodeError::TooLarge("entries"));
    }
    let exact = |input: &mut dyn Read, buf: &mut [u8]| {
        input.read_exact(buf).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => HostCodeError::Truncated,
            _ => HostCodeError::Read(e),
        })
    };
    let mut total = 0usize;
    let mut out = Vec::with_capacity(count);
    for _ in 0..count {
        let mut len = [0u8; 1];
        exact(input, &mut len)?;
        let mut name = vec![0u8; usize::from(len[0])];
        exact(input, &mut name)?;
        let mut len = [0u8; 4];
        exact(input, &mut len)?;
        let len = u32::from_le_bytes(len) as usize;
        total = total.saturating_add(len);
        if total > MAX_HOST_CODE_BYTES {
            return Err(HostCodeError::TooLarge("bytes"));
        }
        let mut bytes = vec![0u8; len];
        exact(input, &mut bytes)?;
        out.push((String::from_utf8_lossy(&name).into_owned(), bytes));
    }
    Ok(Some(out))
}

/// A request's settings without its code and input: what a worker may be told on its command
/// line ahead of the request.
pub(crate) fn settings_of(req: &ExecRequest) -> ExecRequest {
    ExecRequest {
        code: String::new(),
        filename: req.filename.clone(),
        limits: req.limits,
        profile: req.profile,
        permissions: req.permissions.clone(),
        input: None,
        seed: req.seed,
    }
}

/// Appends one frame (a JSON line) to `buf`.
pub fn encode_event(buf: &mut Vec<u8>, ev: &ExecEvent) -> Result<(), serde_json::Error> {
    serde_json::to_writer(&mut *buf, ev)?;
    buf.push(b'\n');
    Ok(())
}

/// A failure of the worker (or of talking to it), as the error of a `crashed` outcome.
pub fn worker_error(message: impl Into<String>) -> Option<JsError> {
    Some(JsError::new("WorkerError", message))
}

/// The worker broke the framing bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub(crate) enum FrameError {
    #[error("worker sent a frame over {0} bytes")]
    FrameTooLarge(usize),
    #[error("worker output exceeded {0} bytes")]
    OutputTooLarge(usize),
}

/// Splits a worker's stdout into frames, within a bound per frame and for the whole stream; a
/// partial frame is kept until its newline arrives.
#[derive(Debug)]
pub(crate) struct FrameReader {
    partial: Vec<u8>,
    total: usize,
    max_frame: usize,
    max_total: usize,
}

impl FrameReader {
    pub(crate) fn new(max_frame: usize, max_total: usize) -> Self {
        FrameReader {
            partial: Vec::new(),
            total: 0,
            max_frame,
            max_total,
        }
    }

    /// Takes the next bytes of the stream and hands every frame they complete to `frame`,
    /// stopping where `frame` breaks. The bounds are checked before anything is buffered.
    pub(crate) fn push<T>(
        &mut self,
        mut data: &[u8],
        mut frame: impl FnMut(&[u8]) -> ControlFlow<T>,
    ) -> Result<ControlFlow<T>, FrameError> {
        self.total = self.total.saturating_add(data.len());
        if self.total > self.max_total {
            return Err(FrameError::OutputTooLarge(self.max_total));
        }
        while let Some(pos) = data.iter().position(|&b| b == b'\n') {
            let (head, tail) = data.split_at(pos);
            data = &tail[1..];
            let step = if self.partial.is_empty() {
                frame(head)
            } else {
                if self.partial.len() + head.len() > self.max_frame {
                    return Err(FrameError::FrameTooLarge(self.max_frame));
                }
                self.partial.extend_from_slice(head);
                let whole = std::mem::take(&mut self.partial);
                frame(&whole)
            };
            if step.is_break() {
                return Ok(step);
            }
        }
        if self.partial.len() + data.len() > self.max_frame {
            return Err(FrameError::FrameTooLarge(self.max_frame));
        }
        self.partial.extend_from_slice(data);
        Ok(ControlFlow::Continue(()))
    }
}

/// The blocked attempts seen so far in a run's event stream. An attempt is streamed once when
/// it first happens and again (with its count) now and then as it repeats: a repeat updates
/// the entry's count and is not a new event.
#[derive(Debug, Default)]
pub(crate) struct BlockedSeen {
    pub(crate) list: Vec<BlockedAttempt>,
    index: HashMap<BlockedKey, usize>,
}

/// What makes two attempts the same one (as the host counts them).
type BlockedKey = (String, Category, Option<u32>, Option<u32>);

fn blocked_key(b: &BlockedAttempt) -> BlockedKey {
    (b.capability.clone(), b.category, b.line, b.column)
}

impl BlockedSeen {
    pub(crate) fn is_repeat(&self, b: &BlockedAttempt) -> bool {
        self.index.contains_key(&blocked_key(b))
    }

    /// Records an attempt from the stream: a new one is kept and returned (to be forwarded);
    /// a repeat raises the kept entry's count (never lowers it) and returns nothing.
    pub(crate) fn record(&mut self, b: BlockedAttempt) -> Option<BlockedAttempt> {
        let key = blocked_key(&b);
        if let Some(seen) = self.index.get(&key).and_then(|&i| self.list.get_mut(i)) {
            seen.count = seen.count.max(b.count);
            return None;
        }
        self.index.insert(key, self.list.len());
        self.list.push(b.clone());
        Some(b)
    }
}

/// The parent's view of one run: what it has accepted from the worker so far.
pub(crate) struct Received<'a> {
    req: &'a ExecRequest,
    sha: String,
    started: Instant,
    console: Vec<ConsoleLine>,
    console_bytes: usize,
    console_truncated: bool,
    blocked: BlockedSeen,
    /// CPU time the worker spent on this run, at the parent's last reading.
    pub(crate) cpu_ms: f64,
    /// Whether `cpu_ms` comes from the worker's CPU clock (else from `/proc` samples, or none).
    pub(crate) cpu_measured: bool,
}

impl<'a> Received<'a> {
    /// `sha`: the parent's hash of the request's code; `started`: when the run began.
    pub(crate) fn new(req: &'a ExecRequest, sha: String, started: Instant) -> Self {
        Received {
            req,
            sha,
            started,
            console: Vec::new(),
            console_bytes: 0,
            console_truncated: false,
            blocked: BlockedSeen::default(),
            cpu_ms: 0.0,
            cpu_measured: false,
        }
    }

    fn elapsed_ms(&self) -> f64 {
        self.started.elapsed().as_secs_f64() * 1000.0
    }

    /// An outcome made by the parent (the worker did not report one): what was accepted so far,
    /// with the parent's identity fields and measurements.
    pub(crate) fn outcome(&self, outcome: Outcome, error: Option<JsError>) -> ExecOutcome {
        let mut o = ExecOutcome::not_run(NAME, self.req, outcome, error);
        o.code_sha256 = self.sha.clone();
        o.console = self.console.clone();
        o.console_truncated = self.console_truncated;
        o.blocked = self.blocked.list.clone();
        o.duration_ms = self.elapsed_ms();
        o.cpu_ms = self.cpu_ms;
        // `peak_memory_bytes` is the sandbox heap, which only the worker can measure; it did
        // not report, so it stays 0 (unknown). The resident memory the parent watched is not
        // the same figure (it includes the engine itself) and is in the run's samples.
        o
    }

    fn accept_console(&mut self, line: ConsoleLine, on_event: &mut dyn FnMut(ExecEvent)) {
        let limits = &self.req.limits;
        if self.console_truncated
            || self.console.len() >= limits.console_max_lines.saturating_add(1)
            || self.console_bytes.saturating_add(line.text.len())
                > limits.console_max_bytes.saturating_add(4096)
        {
            self.console_truncated = true;
            return;
        }
        self.console_bytes += line.text.len();
        self.console.push(line.clone());
        // The engine adds one marker line after its last allowed line.
        if self.console.len() > limits.console_max_lines {
            self.console_truncated = true;
        }
        on_event(ExecEvent::Console(line));
    }

    /// Takes one frame from the worker: forwards what it accepts; breaks with the run's outcome
    /// on the worker's final report or on a frame that is not a well-formed event.
    pub(crate) fn frame(
        &mut self,
        line: &[u8],
        on_event: &mut dyn FnMut(ExecEvent),
    ) -> ControlFlow<ExecOutcome> {
        let ev: ExecEvent = match serde_json::from_slice(line) {
            Ok(ev) => ev,
            Err(e) => {
                return ControlFlow::Break(self.outcome(
                    Outcome::Crashed,
                    worker_error(format!("worker sent a malformed frame: {e}")),
                ))
            }
        };
        match ev {
            // The parent reports its own start and its own /proc samples.
            ExecEvent::Started { .. } | ExecEvent::Sample(_) => {}
            ExecEvent::Console(line) => self.accept_console(line, on_event),
            ExecEvent::Blocked(b) => {
                if self.blocked.list.len() < MAX_BLOCKED || self.blocked.is_repeat(&b) {
                    if let Some(b) = self.blocked.record(b) {
                        on_event(ExecEvent::Blocked(b));
                    }
                }
            }
            ExecEvent::Finished(o) => return ControlFlow::Break(self.finish(*o)),
        }
        ControlFlow::Continue(())
    }

    /// The worker's final report, with identity fields replaced and everything bounded. The
    /// console is the one the parent accepted from the stream (the report carries none), and
    /// the CPU time the parent's own reading of the worker's clock.
    fn finish(&self, mut o: ExecOutcome) -> ExecOutcome {
        let limits = &self.req.limits;
        o.executor = NAME.to_string();
        o.code_sha256 = self.sha.clone();
        o.limits = LimitsReport::from(limits);
        o.runaway_threads = 0;
        o.duration_ms = finite(o.duration_ms).min(self.elapsed_ms());
        o.cpu_ms = if self.cpu_measured {
            self.cpu_ms
        } else {
            finite(o.cpu_ms)
        };
        o.console = self.console.clone();
        o.console_truncated |= self.console_truncated;
        if o.blocked.len() > MAX_BLOCKED {
            let over = (o.blocked.len() - MAX_BLOCKED) as u64;
            o.blocked_dropped = o.blocked_dropped.saturating_add(over);
        }
        o.blocked.truncate(MAX_BLOCKED);
        o
    }
}

/// A worker-reported duration or CPU time: finite and not negative, else 0.
fn finite(x: f64) -> f64 {
    if x.is_finite() && x >= 0.0 {
        x
    } else {
        0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn frames(reader: &mut FrameReader, chunks: &[&[u8]]) -> Result<Vec<String>, FrameError> {
        let mut got = Vec::new();
        for chunk in chunks {
            let _: ControlFlow<()> = reader.push(chunk, |f| {
                got.push(String::from_utf8_lossy(f).into_owned());
                ControlFlow::Continue(())
            })?;
        }
        Ok(got)
    }

    #[test]
    fn frames_are_split_on_newlines_across_chunks() {
        let mut r = FrameReader::new(16, 1024);
        let got = frames(&mut r, &[b"ab", b"c\nde\n", b"f", b"\n"]).expect("frames");
        assert_eq!(got, ["abc", "de", "f"]);
    }

    #[test]
    fn a_frame_over_its_bound_is_refused_before_it_is_buffered() {
        let mut r = FrameReader::new(4, 1024);
        assert_eq!(
            frames(&mut r, &[b"abc", b"de"]),
            Err(FrameError::FrameTooLarge(4))
        );
        let mut r = FrameReader::new(4, 1024);
        assert_eq!(
            frames(&mut r, &[b"ab", b"cde\n"]),
            Err(FrameError::FrameTooLarge(4))
        );
        let mut r = FrameReader::new(4, 1024);
        assert_eq!(
            frames(&mut r, &[b"abcd\n"]).expect("at the bound"),
            ["abcd"]
        );
    }

    #[test]
    fn the_whole_stream_is_bounded_too() {
        let mut r = FrameReader::new(8, 10);
        assert_eq!(
            frames(&mut r, &[b"1234\n", b"5678\n", b"9\n"]),
            Err(FrameError::OutputTooLarge(10))
        );
    }

    #[test]
    fn a_break_stops_at_its_frame() {
        let mut r = FrameReader::new(8, 1024);
        let mut seen = 0;
        let step = r
            .push(b"a\nb\nc\n", |f| {
                seen += 1;
                if f == b"b" {
                    ControlFlow::Break(seen)
                } else {
                    ControlFlow::Continue(())
                }
            })
            .expect("frames");
        assert_eq!(step, ControlFlow::Break(2));
    }

    #[test]
    fn the_preamble_round_trips_and_is_bounded() {
        let read = |bytes: &[u8]| read_setup_preamble(&mut &bytes[..]);
        let ours = encode_preamble(BUILD_ID.as_bytes(), b"code");
        assert_eq!(
            read(&ours).ok(),
            Some(Preamble::Setup(Some(b"code".to_vec())))
        );
        let other = encode_preamble(b"0123456789abcdef", b"code");
        assert_eq!(read(&other).ok(), Some(Preamble::Setup(None)));
        assert_eq!(read(b"").ok(), Some(Preamble::Discarded));
        assert!(matches!(read(&ours[..5]), Err(PreambleError::Truncated)));
        let mut huge = encode_preamble(BUILD_ID.as_bytes(), b"");
        let at = SETUP_MAGIC.len() + BUILD_ID.len();
        huge[at..at + 4].copy_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(read(&huge), Err(PreambleError::TooLarge(_))));
    }

    #[test]
    fn the_host_code_section_round_trips_and_is_bounded() {
        let read = |bytes: &[u8]| read_host_code(&mut &bytes[..]);
        let code: &[u8] = b"bytes\n\0of code";
        let section = encode_host_code(&[("util", code), (FETCH_ENTRY, code)]);
        let got = read(&section).expect("reads").expect("some");
        assert_eq!(
            got,
            vec![
                ("util".to_string(), b"bytes\n\0of code".to_vec()),
                (FETCH_ENTRY.to_string(), b"bytes\n\0of code".to_vec()),
            ]
        );
        // The request line after it is left unread.
        let mut with_request = section.clone();
        with_request.extend_from_slice(b"{\"code\":\"1\"}\n");
        let mut r = &with_request[..];
        assert!(read_host_code(&mut r).expect("reads").is_some());
        assert_eq!(r, b"{\"code\":\"1\"}\n");
        assert!(read(b"").expect("eof").is_none());
        assert!(matches!(
            read(&section[..12]),
            Err(HostCodeError::Truncated)
        ));
        assert!(matches!(
            read(b"{\"code\":1}\n"),
            Err(HostCodeError::Missing)
        ));
        let mut many = HOST_CODE_MAGIC.to_vec();
        many.extend_from_slice(&u16::MAX.to_le_bytes());
        assert!(matches!(read(&many), Err(HostCodeError::TooLarge(_))));
        let mut huge = HOST_CODE_MAGIC.to_vec();
        huge.extend_from_slice(&1u16.to_le_bytes());
        huge.push(1);
        huge.push(b'x');
        huge.extend_from_slice(&u32::MAX.to_le_bytes());
        assert!(matches!(read(&huge), Err(HostCodeError::TooLarge(_))));
    }

    #[test]
    fn a_requests_host_code_holds_what_it_names_and_may_load() {
        let names = |req: &ExecRequest| -> Vec<String> {
            let s = host_code_section(req);
            read_host_code(&mut &s[..])
                .expect("reads")
                .expect("some")
                .into_iter()
                .map(|(n, _)| n)
                .collect()
        };
        assert!(names(&ExecRequest::new("1 + 1")).is_empty());
        // stream loads buffer, events and string_decoder itself (a superset may come along:
        // names in the modules' comments count too), and nothing it never names.
        let stream = names(&ExecRequest::new("const s = require('node:stream');"));
        for needed in ["buffer", "events", "stream", "string_decoder"] {
            assert!(stream.iter().any(|n| n == needed), "{needed} in {stream:?}");
        }
        for unrelated in ["url", "crypto", "fs", "assert", FETCH_ENTRY] {
            assert!(
                !stream.iter().any(|n| n == unrelated),
                "{unrelated} in {stream:?}"
            );
        }
        // A module the permissions refuse is not sent.
        let mut denied = ExecRequest::new("require('path')");
        denied.permissions = crate::engine::policy::Permissions::none();
        assert!(names(&denied).is_empty());
        let mut net = ExecRequest::new("1");
        for g in crate::engine::policy::NetGrant::parse_flag("127.0.0.1:9").expect("grant") {
            net.permissions.add_net(g);
        }
        assert_eq!(names(&net), [FETCH_ENTRY]);
    }

    #[test]
    fn the_probe_line_round_trips() {
        for state in [
            LandlockState::Full,
            LandlockState::Partial,
            LandlockState::Unsupported,
        ] {
            let line = probe_line(state);
            assert_eq!(parse_probe_line(&line), Some((BUILD_ID, Some(state))));
        }
        let odd = format!("{PROBE_HANDSHAKE} build {BUILD_ID} Landlock sideways");
        assert_eq!(parse_probe_line(&odd), Some((BUILD_ID, None)));
        assert_eq!(parse_probe_line("hello"), None);
    }
}
