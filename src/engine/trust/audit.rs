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

use super::{TrustRecord, TrustState};
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

mod entry;
mod verify;

pub use entry::{current_user, AuditBlocked, AuditEntry, RunContext};
pub use verify::{ChainProblem, ChainReport, LineRef, ProblemKind};

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
        // Where the text after the last newline of `bytes` starts (0 when the window holds
        // the file's start); `None`: the window must grow to find that newline.
        let after_last_newline = |bytes: &[u8]| match bytes.iter().rposition(|&b| b == b'\n') {
            Some(i) => Ok(Some(i + 1)),
            None if start == 0 => Ok(Some(0)),
            None if widen => Ok(None),
            None => Err(AuditError::Garbled {
                path: path.to_path_buf(),
            }),
        };
        let Some(complete_end) = after_last_newline(&buf)? else {
            window = (window * 4).min(max_window);
            continue;
        };
        let incomplete = (buf.len() - complete_end) as u64;
        if complete_end == 0 {
            return Ok((None, incomplete));
        }
        let body = &buf[..complete_end - 1];
        let Some(line_start) = after_last_newline(body)? else {
            window = (window * 4).min(max_window);
            continue;
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
}

#[cfg(test)]
mod tests;
