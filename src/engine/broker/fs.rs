//! Filesystem reads beneath granted directories.
//!
//! A path from the script is mapped to a granted root lexically (an absolute path must start
//! with a root, as granted or as its canonical path; a relative path is taken against the first
//! root), then resolved **by the kernel beneath that root's descriptor**:
//!
//! - `openat2` with `RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV` where the
//!   kernel has it: `..` above the root, absolute symlinks, symlinks leading out, `/proc`
//!   magic links and mount points are refused (`EXDEV`);
//! - else component by component with `openat(…, O_PATH | O_NOFOLLOW)`, following a relative
//!   symlink only by splicing its target into the walk (so it can never leave the root),
//!   refusing absolute symlinks, `..` above the root and another device, with at most 40 links.
//!
//! Symlinks are followed when they stay beneath the root (a plugin's `current -> v2`), so both
//! resolvers agree. Only regular files and directories are used: FIFOs, sockets and devices
//! are refused from an `O_PATH` descriptor, before anything opens them. A regular file with
//! more than one hard link is refused: its other names may lie outside the root, and nothing
//! tells where. Every operation works on the descriptor it resolved (a file is opened again
//! beneath the root and must be the same inode), so swapping a component for a symlink after
//! the check gains nothing.

use super::{Counters, FailKind, Failure, MAX_PATH_BYTES};
use crate::engine::policy::{CapabilityLimits, Permissions};
use crate::engine::Category;
use rustix::fd::{AsFd, OwnedFd};
use rustix::fs::{FileType, Mode, OFlags, ResolveFlags, Stat};
use rustix::io::Errno;
use serde::{Deserialize, Serialize};
use std::collections::VecDeque;
use std::ffi::OsStr;
use std::io::Read;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

mod resolve;

/// Most entries one `readdir` returns (a larger directory is an error, not a cut list).
pub const MAX_DIR_ENTRIES: usize = 10_000;
/// Most symlinks followed in one resolution (the kernel's own limit).
const MAX_LINKS: usize = 40;

/// What a directory entry is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryKind {
    File,
    Dir,
    Symlink,
    Other,
}

/// One directory entry.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DirEntry {
    pub name: String,
    pub kind: EntryKind,
}

/// What `stat` reports (no owner, device or inode: host facts the script does not need).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatInfo {
    pub is_dir: bool,
    pub size: u64,
    /// Permission bits and file type, as `st_mode`.
    pub mode: u32,
    pub mtime_ms: i64,
    pub atime_ms: i64,
    pub ctime_ms: i64,
}

/// How paths are resolved beneath a root.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolver {
    /// Not known yet: `openat2` is tried first.
    Unknown,
    Openat2,
    /// Component by component (no `openat2` in this kernel, or forced by a test).
    Walk,
}

/// A granted directory, opened on first use.
struct Root {
    /// As granted (absolute, normalised).
    granted: PathBuf,
    /// Its canonical path (symlinks in the granted path resolved), when it could be opened.
    canonical: Option<PathBuf>,
    /// `O_PATH` descriptor of the directory, or why it could not be opened.
    fd: Result<OwnedFd, String>,
    dev: u64,
}

/// The filesystem half of a run's broker.
pub struct FsBroker {
    granted: Vec<PathBuf>,
    roots: Option<Vec<Root>>,
    resolver: Resolver,
    limits: CapabilityLimits,
    counters: Arc<Counters>,
    ops: u64,
    bytes: u64,
}

/// A path resolved beneath a root: an `O_PATH` descriptor of what it names, its status, and
/// how to open it for reading.
struct Resolved {
    fd: OwnedFd,
    stat: Stat,
    reopen: Reopen,
}

enum Reopen {
    /// `openat2` of the same relative path beneath the root.
    Beneath(usize, String),
    /// `openat` of a final component (never a symlink) in its directory.
    At(OwnedFd, Vec<u8>),
}

/// What was asked, for messages and error fields (`syscall` as Node names it).
#[derive(Clone, Copy)]
struct Call<'a> {
    path: &'a str,
    syscall: &'static str,
}

impl Call<'_> {
    /// A Node-style error: `ENOENT: no such file or directory, open 'p'`.
    fn errno(&self, e: Errno) -> Failure {
        let (code, text) = match e {
            Errno::NOENT => ("ENOENT", "no such file or directory"),
            Errno::NOTDIR => ("ENOTDIR", "not a directory"),
            Errno::ISDIR => ("EISDIR", "illegal operation on a directory"),
            Errno::ACCESS | Errno::PERM => ("EACCES", "permission denied"),
            Errno::LOOP => ("ELOOP", "too many symbolic links encountered"),
            Errno::NAMETOOLONG => ("ENAMETOOLONG", "name too long"),
            _ => ("EIO", "i/o error"),
        };
        let shown = crate::engine::text::truncate(self.path, 300);
        Failure::new(
            FailKind::Failed,
            code,
            format!("{code}: {text}, {} '{shown}'", self.syscall),
        )
    }

    /// A refusal, recorded as a Blocked `filesystem` event naming the path.
    fn refuse(&self, why: &str) -> Failure {
        let shown = crate::engine::text::truncate(self.path, 300);
        Failure::refused(
            Category::Filesystem,
            self.path,
            "ERR_ACCESS_DENIED",
            format!("Access to '{shown}' is denied in sandbox: {why}"),
        )
    }
}

impl FsBroker {
    pub fn new(perms: &Permissions, counters: Arc<Counters>) -> FsBroker {
        FsBroker {
            granted: perms
                .filesystem
                .read
                .iter()
                .map(|p| p.components().collect())
                .collect(),
            roots: None,
            resolver: Resolver::Unknown,
            limits: perms.limits,
            counters,
            ops: 0,
            bytes: 0,
        }
    }

    /// Resolves component by component even where `openat2` exists (to test that path).
    pub fn force_walk(&mut self) {
        self.resolver = Resolver::Walk;
    }

    /// The resolver in use (`Unknown` until the first call).
    pub fn resolver(&self) -> Resolver {
        self.resolver
    }

    /// The whole content of a regular file (at most the per-file and per-run byte limits).
    pub fn read(&mut self, path: &str) -> Result<Vec<u8>, Failure> {
        let call = Call {
            path,
            syscall: "open",
        };
        let r = self.resolve(call)?;
        if FileType::from_raw_mode(r.stat.st_mode) == FileType::Directory {
            return Err(Call {
                path,
                syscall: "read",
            }
            .errno(Errno::ISDIR));
        }
        let cap = self.limits.fs_max_file_bytes;
        let left = self.limits.fs_max_total_bytes.saturating_sub(self.bytes);
        let size = u64::try_from(r.stat.st_size).unwrap_or(0);
        if size > cap {
            return Err(limit(format!(
                "'{}' is {size} bytes; the limit for one file is {cap} bytes",
                short(path)
            )));
        }
        let file = self.reopen(&r, OFlags::RDONLY | OFlags::NONBLOCK | OFlags::NOCTTY, call)?;
        let want = cap.min(left);
        let mut data = Vec::with_capacity(usize::try_from(size.min(want)).unwrap_or(0));
        std::fs::File::from(file)
            .take(want.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|e| call.errno(Errno::from_io_error(&e).unwrap_or(Errno::IO)))?;
        let got = data.len() as u64;
        if got > want {
            let msg = if want < cap {
                format!(
                    "reading '{}' would pass the run's limit of {} bytes read",
                    short(path),
                    self.limits.fs_max_total_bytes
                )
            } else {
                format!(
                    "'{}' grew past the limit for one file ({cap} bytes)",
                    short(path)
                )
            };
            return Err(limit(msg));
        }
        self.bytes = self.bytes.saturating_add(got);
        Counters::add(&self.counters.fs_reads, 1);
        Counters::add(&self.counters.fs_bytes_read, got);
        Ok(data)
    }

    /// The entries of a directory, sorted by name, without `.` and `..`.
    pub fn readdir(&mut self, path: &str) -> Result<Vec<DirEntry>, Failure> {
        let call = Call {
            path,
            syscall: "scandir",
        };
        let r = self.resolve(call)?;
        if FileType::from_raw_mode(r.stat.st_mode) != FileType::Directory {
            return Err(call.errno(Errno::NOTDIR));
        }
        // The directory itself, opened for reading through its own O_PATH descriptor.
        let dir = rustix::fs::openat(
            &r.fd,
            ".",
            OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| call.errno(e))?;
        let mut entries = Vec::new();
        let iter = rustix::fs::Dir::read_from(&dir).map_err(|e| call.errno(e))?;
        for entry in iter {
            let entry = entry.map_err(|e| call.errno(e))?;
            let name = entry.file_name().to_bytes();
            if name == b"." || name == b".." {
                continue;
            }
            if entries.len() >= MAX_DIR_ENTRIES {
                return Err(limit(format!(
                    "'{}' has more than {MAX_DIR_ENTRIES} entries",
                    short(path)
                )));
            }
            let kind = match entry.file_type() {
                FileType::RegularFile => EntryKind::File,
                FileType::Directory => EntryKind::Dir,
                FileType::Symlink => EntryKind::Symlink,
                FileType::Unknown => {
                    match rustix::fs::statat(
                        &dir,
                        entry.file_name(),
                        rustix::fs::AtFlags::SYMLINK_NOFOLLOW,
                    ) {
                        Ok(st) => kind_of(FileType::from_raw_mode(st.st_mode)),
                        Err(_) => EntryKind::Other,
                    }
                }
                _ => EntryKind::Other,
            };
            entries.push(DirEntry {
                name: String::from_utf8_lossy(name).into_owned(),
                kind,
            });
        }
        entries.sort_by(|a, b| a.name.as_bytes().cmp(b.name.as_bytes()));
        Ok(entries)
    }

    /// What a path names (a regular file or a directory).
    pub fn stat(&mut self, path: &str) -> Result<StatInfo, Failure> {
        let r = self.resolve(Call {
            path,
            syscall: "stat",
        })?;
        let st = &r.stat;
        let ms = |sec: i64, nsec: i64| sec.saturating_mul(1000).saturating_add(nsec / 1_000_000);
        Ok(StatInfo {
            is_dir: FileType::from_raw_mode(st.st_mode) == FileType::Directory,
            size: u64::try_from(st.st_size).unwrap_or(0),
            mode: st.st_mode,
            mtime_ms: ms(st.st_mtime, st.st_mtime_nsec as i64),
            atime_ms: ms(st.st_atime, st.st_atime_nsec as i64),
            ctime_ms: ms(st.st_ctime, st.st_ctime_nsec as i64),
        })
    }

    /// Whether a path names a usable file or directory beneath a root; a path the script may
    /// not ask about is still refused (and recorded).
    pub fn exists(&mut self, path: &str) -> Result<bool, Failure> {
        match self.resolve(Call {
            path,
            syscall: "access",
        }) {
            Ok(_) => Ok(true),
            Err(f) if f.kind == FailKind::Refused || f.kind == FailKind::Limit => Err(f),
            Err(_) => Ok(false),
        }
    }

    /// Counts a call against the run's limit.
    fn count(&mut self) -> Result<(), Failure> {
        self.ops += 1;
        if self.ops > self.limits.fs_max_ops {
            return Err(limit(format!(
                "the run's limit of {} filesystem calls is reached",
                self.limits.fs_max_ops
            )));
        }
        Ok(())
    }
}

fn short(path: &str) -> std::borrow::Cow<'_, str> {
    crate::engine::text::truncate(path, 300)
}

fn limit(message: String) -> Failure {
    Failure::new(FailKind::Limit, "ERR_SANDBOX_LIMIT", message)
}

fn kind_of(t: FileType) -> EntryKind {
    match t {
        FileType::RegularFile => EntryKind::File,
        FileType::Directory => EntryKind::Dir,
        FileType::Symlink => EntryKind::Symlink,
        _ => EntryKind::Other,
    }
}

#[cfg(test)]
mod tests;
