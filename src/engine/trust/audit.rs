//! The audit log: one JSON line per run in `DATA/audit.jsonl`, hash-chained.
//!
//! Each line is a JSON object that starts with `"v":1,"seq":N` and ends with `"prev":H`, where
//! `seq` counts lines from 1 across rotations and `H` is the lowercase hex SHA-256 of the
//! previous line's bytes (without its newline); the first line ever has 64 zeros. Appending
//! takes an exclusive `flock` on `audit.lock`, reads the last line to chain to, and writes the
//! whole line with ONE `write` on an `O_APPEND` file; a short write (full disk, file size limit)
//! is rolled back with `ftruncate`, so a line is either all there or not at all. Two processes
//! never interleave or fork the chain.
//!
//! Rotation: when a line would take the file past `max_bytes`, `audit.jsonl` is renamed to
//! `audit.N.jsonl` (N counting up) and a new file starts; its first line's `prev` is the hash
//! of the old file's last line, so the chain runs through every file. Beyond `keep` rotated
//! files the oldest are deleted. `audit.head` records the last line's seq and hash, so that
//! lines deleted from the end are detected too.
//!
//! What this detects: an edited, deleted, inserted or reordered line, lines cut from the end,
//! a half-written line. What it cannot: someone who rewrites every later line and
//! `audit.head` as well (they hold the same file permissions as sandbench). `audit verify`
//! prints the last hash; keeping that somewhere else (a CI log) anchors the chain.

use super::TrustState;
use crate::engine::exec::{ExecOutcome, LimitsReport, Outcome};
use crate::engine::policy::{Permissions, Profile};
use crate::engine::scan::{Report, Verdict};
use crate::engine::text::truncate;
use crate::engine::Category;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fs::File;
use std::io::{BufRead, Read, Write};
use std::os::unix::fs::{DirBuilderExt, FileExt, OpenOptionsExt};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const LOG_FILE: &str = "audit.jsonl";
pub const HEAD_FILE: &str = "audit.head";
pub const LOCK_FILE: &str = "audit.lock";
/// Rotate past 10 MiB by default (about 15,000 runs).
pub const DEFAULT_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// The smallest rotation size accepted: a few lines.
pub const MIN_MAX_BYTES: u64 = 4 * MAX_LINE_BYTES as u64;
pub const DEFAULT_KEEP: usize = 10;
/// Longest line written or read.
pub const MAX_LINE_BYTES: usize = 64 * 1024;
/// `prev` of the very first line.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";
/// How long an append waits for another writer's lock before giving up with a warning.
const LOCK_WAIT: Duration = Duration::from_secs(2);
/// Most distinct blocked attempts listed per line (all are counted in `blocked_total`).
const MAX_BLOCKED_LISTED: usize = 32;
const MAX_FILE_CHARS: usize = 1024;
const MAX_REASON_CHARS: usize = 500;

/// Why the audit log could not be written or read.
#[derive(Debug, thiserror::Error)]
pub enum AuditError {
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{}: another sandbench held the lock for over {} s", path.display(), LOCK_WAIT.as_secs())]
    Busy { path: PathBuf },
    #[error("{}: wrote {written} of {len} bytes; rolled back (disk full?)", path.display())]
    ShortWrite {
        path: PathBuf,
        written: usize,
        len: usize,
    },
    #[error("{}: the last line is longer than {MAX_LINE_BYTES} bytes; cannot chain to it", path.display())]
    Garbled { path: PathBuf },
    #[error("audit line of {0} bytes is over the {MAX_LINE_BYTES}-byte limit")]
    TooLong(usize),
    #[error("cannot encode the audit line: {0}")]
    Encode(String),
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> AuditError + '_ {
    move |source| AuditError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// A blocked capability and how often it was tried in one run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditBlocked {
    pub category: Category,
    pub capability: String,
    pub count: u64,
}

/// What one run contributes to the log; `seq` and `prev` are added when it is appended.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// When the run finished (UTC, RFC 3339 with milliseconds).
    pub time: String,
    pub user: String,
    pub uid: u32,
    /// `cli` or `workbench`.
    pub source: String,
    pub file: String,
    pub sha256: String,
    /// The signed root (file SHA-256 or directory Merkle root) when the code is signed.
    pub merkle_root: Option<String>,
    pub signer: Option<String>,
    /// `signed`, `unsigned`, `modified`, `untrusted` or `invalid`.
    pub trust: String,
    pub executor: String,
    pub profile: Profile,
    pub limits: LimitsReport,
    pub permissions: Permissions,
    pub verdict: Verdict,
    pub score: u8,
    /// Whether the scan was answered from the scanner's cache.
    pub scan_cache_hit: bool,
    /// A `block` verdict overridden with `--force`.
    pub forced: bool,
    pub outcome: Outcome,
    /// Why the run failed or was refused (`name: message`), bounded.
    pub reason: Option<String>,
    pub duration_ms: f64,
    pub cpu_ms: f64,
    pub peak_memory_bytes: u64,
    /// Resource usage beyond time and memory (network, files, modules) when the run reports it.
    pub usage: Option<serde_json::Value>,
    pub blocked_total: u64,
    pub blocked: Vec<AuditBlocked>,
}

/// The rest of what describes a run, besides its outcome and scan.
#[derive(Debug, Clone)]
pub struct RunContext<'a> {
    pub source: &'a str,
    pub file: &'a str,
    pub profile: Profile,
    pub permissions: &'a Permissions,
    pub trust: &'a TrustState,
    pub scan_cache_hit: bool,
    pub forced: bool,
}

/// The user running this process: the account name of the real uid (from the password
/// database), else `$USER` / `$LOGNAME`, else `uid N`; and the uid.
pub fn current_user() -> (String, u32) {
    // SAFETY: getuid takes no arguments, touches no memory and cannot fail.
    let uid = unsafe { libc::getuid() };
    let name = account_name(uid)
        .or_else(|| std::env::var("USER").ok())
        .or_else(|| std::env::var("LOGNAME").ok())
        .unwrap_or_else(|| format!("uid {uid}"));
    (truncate(&name, 64).into_owned(), uid)
}

fn account_name(uid: u32) -> Option<String> {
    let mut buf = vec![0 as libc::c_char; 16 * 1024];
    // SAFETY: an all-zero passwd is a valid value of this plain C struct (null pointers).
    let mut pwd: libc::passwd = unsafe { std::mem::zeroed() };
    let mut result: *mut libc::passwd = std::ptr::null_mut();
    // SAFETY: every pointer is valid for the call and `buf.len()` is its real length;
    // getpwuid_r writes the strings into `buf` and points `result` at `pwd` on success.
    let rc = unsafe { libc::getpwuid_r(uid, &mut pwd, buf.as_mut_ptr(), buf.len(), &mut result) };
    if rc != 0 || result.is_null() || pwd.pw_name.is_null() {
        return None;
    }
    // SAFETY: on success pw_name points at a NUL-terminated string inside `buf`.
    let name = unsafe { std::ffi::CStr::from_ptr(pwd.pw_name) };
    Some(name.to_string_lossy().into_owned())
}

impl AuditEntry {
    /// The entry for a finished (or refused) run.
    pub fn from_run(ctx: &RunContext<'_>, outcome: &ExecOutcome, report: &Report) -> AuditEntry {
        let (user, uid) = current_user();
        // Aggregate by (category, capability): a loop that tries `process` a million times is
        // one entry with a count, and the line stays bounded.
        let mut blocked: Vec<AuditBlocked> = Vec::new();
        let mut total: u64 = outcome.blocked_dropped;
        for b in &outcome.blocked {
            total += u64::from(b.count);
            match blocked
                .iter_mut()
                .find(|x| x.category == b.category && x.capability == b.capability)
            {
                Some(x) => x.count += u64::from(b.count),
                None => blocked.push(AuditBlocked {
                    category: b.category,
                    capability: truncate(&b.capability, 100).into_owned(),
                    count: u64::from(b.count),
                }),
            }
        }
        blocked.sort_by(|a, b| b.count.cmp(&a.count).then(a.capability.cmp(&b.capability)));
        blocked.truncate(MAX_BLOCKED_LISTED);
        let (merkle_root, signer) = match ctx.trust {
            TrustState::Signed { signer, root, .. } => (Some(root.clone()), Some(signer.clone())),
            _ => (None, None),
        };
        AuditEntry {
            time: super::timestamp(std::time::SystemTime::now()),
            user,
            uid,
            source: ctx.source.to_string(),
            file: truncate(ctx.file, MAX_FILE_CHARS).into_owned(),
            sha256: outcome.code_sha256.clone(),
            merkle_root,
            signer,
            trust: ctx.trust.as_str().to_string(),
            executor: outcome.executor.clone(),
            profile: ctx.profile,
            limits: outcome.limits,
            permissions: ctx.permissions.clone(),
            verdict: report.verdict,
            score: report.score,
            scan_cache_hit: ctx.scan_cache_hit,
            forced: ctx.forced,
            outcome: outcome.outcome,
            reason: outcome.error.as_ref().map(|e| {
                truncate(&format!("{}: {}", e.name, e.message), MAX_REASON_CHARS).into_owned()
            }),
            duration_ms: outcome.duration_ms,
            cpu_ms: outcome.cpu_ms,
            peak_memory_bytes: outcome.peak_memory_bytes,
            usage: serde_json::to_value(outcome.usage).ok(),
            blocked_total: total,
            blocked,
        }
    }
}

#[derive(Serialize)]
struct Stamped<'a> {
    v: u32,
    seq: u64,
    #[serde(flatten)]
    entry: &'a AuditEntry,
    prev: &'a str,
}

/// The two fields every check needs.
#[derive(Deserialize)]
struct Chain {
    seq: u64,
    prev: String,
}

#[derive(Debug, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
}

/// What an append did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Appended {
    pub seq: u64,
    /// SHA-256 of the line written.
    pub hash: String,
    /// The file rotated before this line.
    pub rotated: bool,
    /// Bytes of a half-written last line (from a crash) cut before appending.
    pub repaired_bytes: u64,
}

/// The audit log in one directory.
#[derive(Debug, Clone)]
pub struct AuditLog {
    dir: PathBuf,
    max_bytes: u64,
    keep: usize,
}

/// An exclusive `flock` on the lock file, released on drop.
struct Lock(File);

impl Lock {
    fn acquire(path: &Path) -> Result<Lock, AuditError> {
        let f = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .mode(0o600)
            .open(path)
            .map_err(io(path))?;
        let deadline = Instant::now() + LOCK_WAIT;
        loop {
            match f.try_lock() {
                Ok(()) => return Ok(Lock(f)),
                Err(std::fs::TryLockError::WouldBlock) => {}
                Err(std::fs::TryLockError::Error(e)) => return Err(io(path)(e)),
            }
            if Instant::now() >= deadline {
                return Err(AuditError::Busy {
                    path: path.to_path_buf(),
                });
            }
            std::thread::sleep(Duration::from_millis(2));
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        let _ = self.0.unlock();
    }
}

/// SHA-256 of a line (without its newline), hex.
pub fn line_hash(line: &[u8]) -> String {
    super::merkle::hex(&Sha256::digest(line))
}

/// The last complete line of `file` (of length `len`) and how many bytes after it lack a
/// newline (a half-written line). Reads a small window from the end first and widens it only
/// for long lines.
fn last_line(file: &File, path: &Path, len: u64) -> Result<(Option<Vec<u8>>, u64), AuditError> {
    let max_window = (2 * MAX_LINE_BYTES + 2) as u64;
    let mut window: u64 = 8 * 1024;
    loop {
        let start = len.saturating_sub(window);
        let mut buf = vec![0u8; (len - start) as usize];
        file.read_exact_at(&mut buf, start).map_err(io(path))?;
        let widen = start > 0 && window < max_window;
        let complete_end = match buf.iter().rposition(|&b| b == b'\n') {
            Some(i) => i + 1,
            None if start == 0 => 0,
            None if widen => {
                window = (window * 4).min(max_window);
                continue;
            }
            None => {
                return Err(AuditError::Garbled {
                    path: path.to_path_buf(),
                })
            }
        };
        let incomplete = (buf.len() - complete_end) as u64;
        if complete_end == 0 {
            return Ok((None, incomplete));
        }
        let body = &buf[..complete_end - 1];
        let line_start = match body.iter().rposition(|&b| b == b'\n') {
            Some(i) => i + 1,
            None if start == 0 => 0,
            None if widen => {
                window = (window * 4).min(max_window);
                continue;
            }
            None => {
                return Err(AuditError::Garbled {
                    path: path.to_path_buf(),
                })
            }
        };
        return Ok((Some(body[line_start..].to_vec()), incomplete));
    }
}

impl AuditLog {
    /// The log in `dir` (usually the data directory) with default rotation.
    pub fn new(dir: impl Into<PathBuf>) -> AuditLog {
        AuditLog {
            dir: dir.into(),
            max_bytes: DEFAULT_MAX_BYTES,
            keep: DEFAULT_KEEP,
        }
    }

    /// Rotation past `max_bytes` (at least [`MIN_MAX_BYTES`]), keeping `keep` (≥ 1) old files.
    pub fn with_rotation(mut self, max_bytes: u64, keep: usize) -> AuditLog {
        self.max_bytes = max_bytes.max(MIN_MAX_BYTES);
        self.keep = keep.max(1);
        self
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The current file.
    pub fn path(&self) -> PathBuf {
        self.dir.join(LOG_FILE)
    }

    /// Rotated files, oldest first, with their numbers.
    fn rotated(&self) -> Result<Vec<(u64, PathBuf)>, AuditError> {
        let entries = match std::fs::read_dir(&self.dir) {
            Ok(e) => e,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(io(&self.dir)(e)),
        };
        let mut out = Vec::new();
        for entry in entries.take(100_000) {
            let entry = entry.map_err(io(&self.dir))?;
            let name = entry.file_name();
            let Some(n) = name
                .to_str()
                .and_then(|s| s.strip_prefix("audit."))
                .and_then(|s| s.strip_suffix(".jsonl"))
                .and_then(|s| s.parse::<u64>().ok())
            else {
                continue;
            };
            out.push((n, entry.path()));
        }
        out.sort();
        Ok(out)
    }

    /// Every file of the log, oldest first (rotated ones, then the current one if present).
    pub fn files(&self) -> Result<Vec<PathBuf>, AuditError> {
        let mut files: Vec<PathBuf> = self.rotated()?.into_iter().map(|(_, p)| p).collect();
        let current = self.path();
        if std::fs::symlink_metadata(&current).is_ok() {
            files.push(current);
        }
        Ok(files)
    }

    /// Appends one line for `entry`. See the module header for the guarantees.
    pub fn append(&self, entry: &AuditEntry) -> Result<Appended, AuditError> {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(&self.dir)
            .map_err(io(&self.dir))?;
        let _lock = Lock::acquire(&self.dir.join(LOCK_FILE))?;
        let path = self.path();
        let open = |p: &Path| {
            std::fs::OpenOptions::new()
                .read(true)
                .append(true)
                .create(true)
                .mode(0o600)
                .custom_flags(libc::O_NOFOLLOW)
                .open(p)
                .map_err(io(p))
        };
        let mut file = open(&path)?;
        let mut len = file.metadata().map_err(io(&path))?.len();
        let mut repaired_bytes = 0;
        let mut last = None;
        if len > 0 {
            let (line, incomplete) = last_line(&file, &path, len)?;
            if incomplete > 0 {
                // A line without its newline was never committed (a crash mid-write on a
                // system that lost the rest): cut it so the chain continues from the last
                // whole line.
                file.set_len(len - incomplete).map_err(io(&path))?;
                len -= incomplete;
                repaired_bytes = incomplete;
            }
            last = line;
        }
        if last.is_none() {
            if let Some((_, old)) = self.rotated()?.pop() {
                let f = File::open(&old).map_err(io(&old))?;
                let old_len = f.metadata().map_err(io(&old))?.len();
                last = last_line(&f, &old, old_len)?.0;
            }
        }
        let (prev, last_seq) = match &last {
            None => (GENESIS.to_string(), 0),
            Some(line) => {
                let seq = match serde_json::from_slice::<Chain>(line) {
                    Ok(c) => c.seq,
                    // An unreadable last line still gets chained to (verify will name it);
                    // the head file remembers where the count was.
                    Err(_) => self.read_head().map_or(0, |h| h.seq),
                };
                (line_hash(line), seq)
            }
        };
        let seq = last_seq + 1;
        let mut line = serde_json::to_vec(&Stamped {
            v: 1,
            seq,
            entry,
            prev: &prev,
        })
        .map_err(|e| AuditError::Encode(e.to_string()))?;
        if line.len() > MAX_LINE_BYTES {
            return Err(AuditError::TooLong(line.len()));
        }
        let hash = line_hash(&line);
        line.push(b'\n');
        let mut rotated = false;
        if len > 0 && len + line.len() as u64 > self.max_bytes {
            self.rotate(&path)?;
            file = open(&path)?;
            len = 0;
            rotated = true;
        }
        // One write: with O_APPEND the kernel places it at the end in one piece.
        match file.write(&line) {
            Ok(n) if n == line.len() => {}
            Ok(n) => {
                let _ = file.set_len(len);
                return Err(AuditError::ShortWrite {
                    path,
                    written: n,
                    len: line.len(),
                });
            }
            Err(e) => {
                let _ = file.set_len(len);
                return Err(io(&path)(e));
            }
        }
        let head = Head {
            seq,
            hash: hash.clone(),
        };
        let head_path = self.dir.join(HEAD_FILE);
        let head_json = serde_json::to_vec(&head).map_err(|e| AuditError::Encode(e.to_string()))?;
        super::write_atomic(&head_path, &head_json, 0o600, true, false).map_err(io(&head_path))?;
        Ok(Appended {
            seq,
            hash,
            rotated,
            repaired_bytes,
        })
    }

    fn rotate(&self, current: &Path) -> Result<(), AuditError> {
        let mut rotated = self.rotated()?;
        let next = rotated.last().map_or(1, |(n, _)| n + 1);
        let to = self.dir.join(format!("audit.{next}.jsonl"));
        std::fs::rename(current, &to).map_err(io(current))?;
        rotated.push((next, to));
        while rotated.len() > self.keep {
            let (_, oldest) = rotated.remove(0);
            std::fs::remove_file(&oldest).map_err(io(&oldest))?;
        }
        Ok(())
    }

    fn read_head(&self) -> Option<Head> {
        let bytes = std::fs::read(self.dir.join(HEAD_FILE)).ok()?;
        serde_json::from_slice(&bytes).ok()
    }

    /// Calls `f(file, line_number, line)` for every line of every file, oldest first. A line
    /// over [`MAX_LINE_BYTES`] is passed truncated with `too_long` set; the last line of a
    /// file may lack its newline (`complete` false).
    pub fn for_each_line(
        &self,
        mut f: impl FnMut(&LineRef<'_>) -> std::ops::ControlFlow<()>,
    ) -> Result<(), AuditError> {
        for path in self.files()? {
            let file = File::open(&path).map_err(io(&path))?;
            let mut reader = std::io::BufReader::with_capacity(256 * 1024, file);
            let mut buf = Vec::with_capacity(4096);
            let mut number = 0u64;
            loop {
                buf.clear();
                let n = (&mut reader)
                    .take(MAX_LINE_BYTES as u64 + 1)
                    .read_until(b'\n', &mut buf)
                    .map_err(io(&path))?;
                if n == 0 {
                    break;
                }
                number += 1;
                let complete = buf.last() == Some(&b'\n');
                if complete {
                    buf.pop();
                }
                let too_long = !complete && buf.len() > MAX_LINE_BYTES;
                if too_long {
                    // Skip the rest of the oversized line.
                    let mut sink = Vec::new();
                    let _ = (&mut reader)
                        .take(u64::MAX)
                        .read_until(b'\n', &mut sink)
                        .map_err(io(&path))?;
                }
                let line = LineRef {
                    file: &path,
                    number,
                    bytes: &buf,
                    complete: complete || too_long,
                    too_long,
                };
                if f(&line).is_break() {
                    return Ok(());
                }
            }
        }
        Ok(())
    }

    /// Walks the whole chain and reports the first bad line, if any.
    pub fn verify(&self) -> Result<ChainReport, AuditError> {
        struct Info {
            file: PathBuf,
            number: u64,
            chain: Option<Chain>,
            hash: String,
            complete: bool,
            too_long: bool,
        }
        let files = self.files()?;
        let rotated = files.len() > usize::from(std::fs::symlink_metadata(self.path()).is_ok());
        let mut lines: Vec<Info> = Vec::new();
        self.for_each_line(|l| {
            lines.push(Info {
                file: l.file.to_path_buf(),
                number: l.number,
                chain: serde_json::from_slice::<Chain>(l.bytes).ok(),
                hash: line_hash(l.bytes),
                complete: l.complete,
                too_long: l.too_long,
            });
            std::ops::ControlFlow::Continue(())
        })?;
        let mut report = ChainReport {
            files,
            lines: lines.len() as u64,
            first_seq: None,
            last_seq: None,
            last_hash: lines.last().map(|l| l.hash.clone()),
            notes: Vec::new(),
            problem: None,
        };
        let problem = |i: &Info, kind: ProblemKind, message: String| ChainProblem {
            file: i.file.clone(),
            line: i.number,
            seq: i.chain.as_ref().map(|c| c.seq),
            kind,
            message,
        };
        for (idx, li) in lines.iter().enumerate() {
            if li.too_long {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Unreadable,
                    format!("longer than {MAX_LINE_BYTES} bytes"),
                ));
                return Ok(report);
            }
            if !li.complete {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Incomplete,
                    "incomplete: no newline at the end (half-written)".to_string(),
                ));
                return Ok(report);
            }
            let Some(c) = &li.chain else {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Unreadable,
                    "not an audit record (not JSON with seq and prev): edited".to_string(),
                ));
                return Ok(report);
            };
            if idx == 0 {
                report.first_seq = Some(c.seq);
                if c.seq == 1 && c.prev != GENESIS {
                    report.problem = Some(problem(
                        li,
                        ProblemKind::Edited,
                        "the first line's prev is not the genesis value: edited".to_string(),
                    ));
                    return Ok(report);
                }
                if c.seq != 1 {
                    if rotated {
                        report.notes.push(format!(
                            "the chain starts at seq {}: earlier lines were rotated out",
                            c.seq
                        ));
                    } else {
                        report.problem = Some(problem(
                            li,
                            ProblemKind::Deleted,
                            format!(
                                "the log starts at seq {}: {} earlier line(s) deleted",
                                c.seq,
                                c.seq - 1
                            ),
                        ));
                        return Ok(report);
                    }
                }
                continue;
            }
            let p = &lines[idx - 1];
            let pc = p.chain.as_ref().map_or(0, |c| c.seq);
            if c.seq == pc + 1 {
                if c.prev != p.hash {
                    report.problem = Some(problem(
                        p,
                        ProblemKind::Edited,
                        format!(
                            "edited: its hash differs from the one the next line ({}:{}) recorded",
                            display_name(&li.file),
                            li.number
                        ),
                    ));
                    return Ok(report);
                }
            } else if c.seq > pc + 1 {
                let later = lines[idx + 1..].iter().find(|l| {
                    l.chain
                        .as_ref()
                        .is_some_and(|x| x.seq > pc && x.seq < c.seq)
                });
                report.problem = Some(match later {
                    Some(l) => problem(
                        li,
                        ProblemKind::Reordered,
                        format!(
                            "out of order: seq {} comes before seq {} ({}:{})",
                            c.seq,
                            pc + 1,
                            display_name(&l.file),
                            l.number
                        ),
                    ),
                    None => problem(
                        li,
                        ProblemKind::Deleted,
                        format!(
                            "{} line(s) deleted before it (seq {} follows seq {pc})",
                            c.seq - pc - 1,
                            c.seq
                        ),
                    ),
                });
                return Ok(report);
            } else {
                report.problem = Some(problem(
                    li,
                    ProblemKind::Reordered,
                    format!(
                        "out of order: seq {} follows seq {pc} (reordered or duplicated)",
                        c.seq
                    ),
                ));
                return Ok(report);
            }
        }
        let last = lines.last();
        report.last_seq = last.and_then(|l| l.chain.as_ref().map(|c| c.seq));
        match (self.read_head(), last) {
            (Some(h), None) if h.seq > 0 => {
                report.problem = Some(ChainProblem {
                    file: self.path(),
                    line: 0,
                    seq: None,
                    kind: ProblemKind::Deleted,
                    message: format!(
                        "the log is empty but {HEAD_FILE} records seq {}: every line deleted",
                        h.seq
                    ),
                });
            }
            (Some(h), Some(l)) => {
                let ls = report.last_seq.unwrap_or(0);
                if h.seq > ls {
                    report.problem = Some(problem(
                        l,
                        ProblemKind::Deleted,
                        format!(
                            "the log ends at seq {ls} but {HEAD_FILE} records seq {}: {} line(s) deleted at the end",
                            h.seq,
                            h.seq - ls
                        ),
                    ));
                } else if h.seq == ls && h.hash != l.hash {
                    report.problem = Some(problem(
                        l,
                        ProblemKind::Edited,
                        format!("edited: the last line's hash differs from the one in {HEAD_FILE}"),
                    ));
                } else if h.seq < ls {
                    report.notes.push(format!(
                        "{HEAD_FILE} records seq {} (behind the log: a writer stopped before updating it)",
                        h.seq
                    ));
                }
            }
            (None, Some(_)) => report.notes.push(format!(
                "no {HEAD_FILE}: lines cut from the end cannot be detected"
            )),
            _ => {}
        }
        Ok(report)
    }
}

/// One line as read from the log.
pub struct LineRef<'a> {
    pub file: &'a Path,
    /// 1-based line number in `file`.
    pub number: u64,
    /// Without the newline.
    pub bytes: &'a [u8],
    pub complete: bool,
    pub too_long: bool,
}

fn display_name(p: &Path) -> String {
    p.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// What kind of damage a chain check found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Edited,
    Deleted,
    Reordered,
    Unreadable,
    Incomplete,
}

/// The first bad line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainProblem {
    pub file: PathBuf,
    /// 1-based line number in `file` (0 when the file itself is gone).
    pub line: u64,
    pub seq: Option<u64>,
    pub kind: ProblemKind,
    pub message: String,
}

impl std::fmt::Display for ChainProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}", display_name(&self.file))?;
        if self.line > 0 {
            write!(f, " line {}", self.line)?;
        }
        if let Some(s) = self.seq {
            write!(f, " (seq {s})")?;
        }
        write!(f, ": {}", self.message)
    }
}

/// The result of [`AuditLog::verify`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChainReport {
    pub files: Vec<PathBuf>,
    pub lines: u64,
    pub first_seq: Option<u64>,
    pub last_seq: Option<u64>,
    /// SHA-256 of the last line: keep it elsewhere to anchor the chain.
    pub last_hash: Option<String>,
    pub notes: Vec<String>,
    pub problem: Option<ChainProblem>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::exec::ExecRequest;

    fn entry(n: u64) -> AuditEntry {
        let req = ExecRequest::new(format!("{n}"));
        let mut o = ExecOutcome::not_run("quickjs", &req, Outcome::Ok, None);
        o.duration_ms = n as f64;
        // One scan for every entry: a debug-build scan costs more than an append.
        static REPORT: std::sync::LazyLock<Report> =
            std::sync::LazyLock::new(|| crate::engine::scan::scan("1"));
        let report = &*REPORT;
        AuditEntry::from_run(
            &RunContext {
                source: "cli",
                file: &format!("f{n}.js"),
                profile: Profile::Strict,
                permissions: &Permissions::default(),
                trust: &TrustState::Unsigned,
                scan_cache_hit: false,
                forced: false,
            },
            &o,
            report,
        )
    }

    fn lines(p: &Path) -> Vec<String> {
        std::fs::read_to_string(p)
            .expect("read")
            .lines()
            .map(str::to_string)
            .collect()
    }

    #[test]
    fn lines_chain_and_verify() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::new(dir.path());
        for n in 1..=3 {
            let a = log.append(&entry(n)).expect("append");
            assert_eq!(a.seq, n);
        }
        let ls = lines(&log.path());
        assert_eq!(ls.len(), 3);
        let v: serde_json::Value = serde_json::from_str(&ls[0]).expect("json");
        assert_eq!(v["prev"], GENESIS);
        assert_eq!(v["seq"], 1);
        assert_eq!(v["v"], 1);
        assert_eq!(v["file"], "f1.js");
        assert!(ls[0].starts_with("{\"v\":1,\"seq\":1,"), "{}", ls[0]);
        assert!(
            ls[0].ends_with(&format!("\"prev\":\"{GENESIS}\"}}")),
            "{}",
            ls[0]
        );
        let v2: serde_json::Value = serde_json::from_str(&ls[1]).expect("json");
        assert_eq!(v2["prev"], line_hash(ls[0].as_bytes()));
        let r = log.verify().expect("verify");
        assert_eq!(r.problem, None);
        assert_eq!((r.lines, r.first_seq, r.last_seq), (3, Some(1), Some(3)));
    }

    fn tamper(log: &AuditLog, f: impl FnOnce(&mut Vec<String>)) -> ChainReport {
        let mut ls = lines(&log.path());
        f(&mut ls);
        let mut text = ls.join("\n");
        text.push('\n');
        std::fs::write(log.path(), text).expect("write");
        log.verify().expect("verify")
    }

    fn fresh(n: u64) -> (tempfile::TempDir, AuditLog) {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::new(dir.path());
        for i in 1..=n {
            log.append(&entry(i)).expect("append");
        }
        (dir, log)
    }

    #[test]
    fn edits_deletions_and_reorders_name_the_first_bad_line() {
        let (_d, log) = fresh(5);
        let r = tamper(&log, |ls| ls[1] = ls[1].replace("f2.js", "f9.js"));
        let p = r.problem.expect("edited");
        assert_eq!(
            (p.kind, p.line, p.seq),
            (ProblemKind::Edited, 2, Some(2)),
            "{p}"
        );

        let (_d, log) = fresh(5);
        let r = tamper(&log, |ls| {
            ls.remove(2);
        });
        let p = r.problem.expect("deleted");
        assert_eq!(
            (p.kind, p.line, p.seq),
            (ProblemKind::Deleted, 3, Some(4)),
            "{p}"
        );
        assert!(p.to_string().contains("1 line(s) deleted"), "{p}");

        let (_d, log) = fresh(5);
        let r = tamper(&log, |ls| ls.swap(1, 2));
        let p = r.problem.expect("reordered");
        assert_eq!((p.kind, p.line), (ProblemKind::Reordered, 2), "{p}");

        let (_d, log) = fresh(5);
        let r = tamper(&log, |ls| {
            ls.pop();
        });
        let p = r.problem.expect("cut at the end");
        assert_eq!(p.kind, ProblemKind::Deleted, "{p}");
        assert!(p.message.contains("deleted at the end"), "{p}");

        let (_d, log) = fresh(5);
        let r = tamper(&log, |ls| ls[4] = ls[4].replace("f5.js", "f6.js"));
        let p = r.problem.expect("last line edited");
        assert_eq!((p.kind, p.line), (ProblemKind::Edited, 5), "{p}");

        let (_d, log) = fresh(3);
        let r = tamper(&log, |ls| {
            ls.remove(0);
        });
        let p = r.problem.expect("first deleted");
        assert_eq!((p.kind, p.line), (ProblemKind::Deleted, 1), "{p}");

        let (_d, log) = fresh(3);
        let r = tamper(&log, |ls| ls[1] = "garbage".to_string());
        assert_eq!(r.problem.expect("garbage").kind, ProblemKind::Unreadable);
    }

    #[test]
    fn a_half_written_line_is_reported_then_cut_by_the_next_append() {
        let (_d, log) = fresh(2);
        let mut f = std::fs::OpenOptions::new()
            .append(true)
            .open(log.path())
            .expect("open");
        let half = b"{\"v\":1,\"seq\":3,\"ti";
        f.write_all(half).expect("write");
        let p = log.verify().expect("verify").problem.expect("incomplete");
        assert_eq!((p.kind, p.line), (ProblemKind::Incomplete, 3));
        let a = log.append(&entry(3)).expect("append");
        assert_eq!((a.seq, a.repaired_bytes), (3, half.len() as u64));
        assert_eq!(log.verify().expect("verify").problem, None);
    }

    #[test]
    fn rotation_keeps_the_chain_and_prunes() {
        let dir = tempfile::tempdir().expect("tempdir");
        let log = AuditLog::new(dir.path()).with_rotation(MIN_MAX_BYTES, 2);
        let line_len = {
            let a = log.append(&entry(1)).expect("append");
            assert_eq!(a.seq, 1);
            std::fs::metadata(log.path()).expect("meta").len()
        };
        // Enough lines for several rotations.
        let per_file = MIN_MAX_BYTES / line_len;
        let total = per_file * 4;
        let mut rotations = 0;
        for n in 2..=total {
            if log.append(&entry(n)).expect("append").rotated {
                rotations += 1;
            }
        }
        assert!(rotations >= 3, "{rotations}");
        let files = log.files().expect("files");
        assert_eq!(
            files.len(),
            3,
            "two rotated kept plus the current: {files:?}"
        );
        let r = log.verify().expect("verify");
        assert_eq!(r.problem, None, "{r:?}");
        assert_eq!(r.last_seq, Some(total));
        assert!(r.notes[0].contains("rotated out"), "{:?}", r.notes);
        // The current file's first line chains to the last line of the newest rotated file.
        let newest_rotated = &files[1];
        let old_last = lines(newest_rotated).pop().expect("line");
        let first: serde_json::Value = serde_json::from_str(&lines(&log.path())[0]).expect("json");
        assert_eq!(first["prev"], line_hash(old_last.as_bytes()));
    }

    #[test]
    fn concurrent_writers_never_interleave_or_fork_the_chain() {
        let dir = tempfile::tempdir().expect("tempdir");
        let threads: Vec<_> = (0..6)
            .map(|t| {
                let d = dir.path().to_path_buf();
                std::thread::spawn(move || {
                    // Each thread opens the files itself, as separate processes would.
                    let log = AuditLog::new(d);
                    for n in 0..25 {
                        log.append(&entry(t * 100 + n)).expect("append");
                    }
                })
            })
            .collect();
        for t in threads {
            t.join().expect("thread");
        }
        let log = AuditLog::new(dir.path());
        let r = log.verify().expect("verify");
        assert_eq!(r.problem, None, "{r:?}");
        assert_eq!(r.lines, 150);
        assert_eq!(r.last_seq, Some(150));
    }

    #[test]
    fn blocked_attempts_are_aggregated_and_bounded() {
        use crate::engine::exec::BlockedAttempt;
        let req = ExecRequest::new("x");
        let mut o = ExecOutcome::not_run("quickjs", &req, Outcome::Error, None);
        for i in 0..100u32 {
            o.blocked.push(BlockedAttempt {
                capability: if i < 60 {
                    "process".into()
                } else {
                    format!("cap{i}")
                },
                category: Category::ProcessAccess,
                message: "no".into(),
                line: Some(i),
                column: None,
                count: 2,
            });
        }
        o.blocked_dropped = 5;
        let e = AuditEntry::from_run(
            &RunContext {
                source: "cli",
                file: "x.js",
                profile: Profile::Strict,
                permissions: &Permissions::default(),
                trust: &TrustState::Unsigned,
                scan_cache_hit: true,
                forced: false,
            },
            &o,
            &crate::engine::scan::scan("x"),
        );
        assert_eq!(e.blocked_total, 205);
        assert_eq!(e.blocked.len(), MAX_BLOCKED_LISTED);
        assert_eq!(e.blocked[0].capability, "process");
        assert_eq!(e.blocked[0].count, 120);
    }
}
