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

    fn roots(&mut self) -> &[Root] {
        self.roots
            .get_or_insert_with(|| self.granted.iter().map(|g| open_root(g)).collect())
    }

    /// Maps the script's path to (root, path relative to it), lexically.
    fn locate(&mut self, call: Call<'_>) -> Result<(usize, String), Failure> {
        let path = call.path;
        if path.contains('\0') {
            return Err(call.refuse("the path contains a NUL character"));
        }
        if path.is_empty() {
            return Err(call.errno(Errno::NOENT));
        }
        if path.len() > MAX_PATH_BYTES {
            return Err(call.errno(Errno::NAMETOOLONG));
        }
        let roots = self.roots();
        if roots.is_empty() {
            return Err(call.refuse("no directory is granted"));
        }
        if !path.starts_with('/') {
            return Ok((0, path.to_string()));
        }
        let p = Path::new(path);
        for (i, root) in roots.iter().enumerate() {
            for form in std::iter::once(&root.granted).chain(root.canonical.as_ref()) {
                if let Ok(rest) = p.strip_prefix(form) {
                    let rest = rest.to_str().unwrap_or_default();
                    let rel = if rest.is_empty() { "." } else { rest };
                    // strip_prefix drops `.` components lexically; what remains is resolved
                    // by the kernel, `..` included.
                    return Ok((i, rel.to_string()));
                }
            }
        }
        Err(call.refuse("it is outside every granted directory"))
    }

    /// Resolves the script's path beneath its root and checks what it names.
    fn resolve(&mut self, call: Call<'_>) -> Result<Resolved, Failure> {
        self.count()?;
        let (i, rel) = self.locate(call)?;
        let resolved = {
            let root = match self.roots.as_ref().and_then(|r| r.get(i)) {
                Some(r) => r,
                None => return Err(call.refuse("no directory is granted")),
            };
            let fd = match &root.fd {
                Ok(fd) => fd,
                Err(why) => return Err(call.refuse(&format!("the granted directory {why}"))),
            };
            let mut r = None;
            if self.resolver != Resolver::Walk {
                match beneath(fd, &rel, OFlags::PATH | OFlags::CLOEXEC) {
                    Err(Errno::NOSYS | Errno::PERM | Errno::INVAL | Errno::OPNOTSUPP)
                        if self.resolver == Resolver::Unknown =>
                    {
                        self.resolver = Resolver::Walk;
                    }
                    other => {
                        self.resolver = Resolver::Openat2;
                        r = Some(other.map_err(|e| errno_or_refusal(call, e)).and_then(|fd| {
                            let stat = rustix::fs::fstat(&fd).map_err(|e| call.errno(e))?;
                            Ok(Resolved {
                                fd,
                                stat,
                                reopen: Reopen::Beneath(i, rel.clone()),
                            })
                        }));
                    }
                }
            }
            match r {
                Some(r) => r?,
                None => walk(fd, root.dev, &rel, call)?,
            }
        };
        check_kind(&resolved.stat, call)?;
        Ok(resolved)
    }

    /// Opens what `r` names with `flags`, beneath its root, and checks it is the same inode.
    fn reopen(&self, r: &Resolved, flags: OFlags, call: Call<'_>) -> Result<OwnedFd, Failure> {
        let flags = flags | OFlags::CLOEXEC;
        let fd = match &r.reopen {
            Reopen::Beneath(i, rel) => {
                let root = self
                    .roots
                    .as_ref()
                    .and_then(|rs| rs.get(*i))
                    .and_then(|root| root.fd.as_ref().ok());
                let Some(root) = root else {
                    return Err(call.refuse("no directory is granted"));
                };
                beneath(root, rel, flags).map_err(|e| errno_or_refusal(call, e))?
            }
            Reopen::At(dir, name) => rustix::fs::openat(
                dir,
                OsStr::from_bytes(name),
                flags | OFlags::NOFOLLOW,
                Mode::empty(),
            )
            .map_err(|e| errno_or_refusal(call, e))?,
        };
        let st = rustix::fs::fstat(&fd).map_err(|e| call.errno(e))?;
        if (st.st_dev, st.st_ino) != (r.stat.st_dev, r.stat.st_ino) {
            return Err(call.refuse("it changed while it was being opened"));
        }
        check_kind(&st, call)?;
        Ok(fd)
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

/// Only directories and regular files with one link are used.
fn check_kind(st: &Stat, call: Call<'_>) -> Result<(), Failure> {
    match FileType::from_raw_mode(st.st_mode) {
        FileType::Directory => Ok(()),
        FileType::RegularFile if st.st_nlink > 1 => Err(call.refuse(&format!(
            "it has {} hard links, and another may lie outside the granted directory",
            st.st_nlink
        ))),
        FileType::RegularFile => Ok(()),
        FileType::Fifo => Err(call.refuse("it is a FIFO (only regular files and directories)")),
        FileType::Socket => Err(call.refuse("it is a socket (only regular files and directories)")),
        FileType::CharacterDevice | FileType::BlockDevice => {
            Err(call.refuse("it is a device (only regular files and directories)"))
        }
        _ => Err(call.refuse("only regular files and directories can be read")),
    }
}

/// `openat2` beneath `root`: no `..` above it, no absolute or escaping symlink, no magic link,
/// no other mount.
fn beneath(root: &OwnedFd, rel: &str, flags: OFlags) -> Result<OwnedFd, Errno> {
    let how = ResolveFlags::BENEATH | ResolveFlags::NO_MAGICLINKS | ResolveFlags::NO_XDEV;
    // EAGAIN: a concurrent rename raced a `..` lookup; the kernel asks for a retry.
    let mut tries = 0;
    loop {
        match rustix::fs::openat2(root, rel, flags, Mode::empty(), how) {
            Err(Errno::AGAIN) if tries < 8 => tries += 1,
            other => return other,
        }
    }
}

fn errno_or_refusal(call: Call<'_>, e: Errno) -> Failure {
    match e {
        Errno::XDEV => call.refuse(
            "it leads outside the granted directory (through '..', a symlink or a mount point)",
        ),
        other => call.errno(other),
    }
}

/// Resolves `rel` beneath `root` one component at a time with `O_PATH | O_NOFOLLOW`.
fn walk(root: &OwnedFd, dev: u64, rel: &str, call: Call<'_>) -> Result<Resolved, Failure> {
    let dup = |fd: &OwnedFd| {
        rustix::fs::openat(
            fd,
            ".",
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| call.errno(e))
    };
    let mut stack: Vec<OwnedFd> = vec![dup(root)?];
    let mut queue: VecDeque<Vec<u8>> = components(rel.as_bytes());
    let mut links = 0;
    // The last component reached when it is not a directory: (fd, name, its directory).
    let mut file: Option<(OwnedFd, Vec<u8>)> = None;
    while let Some(c) = queue.pop_front() {
        if file.is_some() {
            // A component after a file: not a directory.
            return Err(call.errno(Errno::NOTDIR));
        }
        if c.is_empty() || c == b"." {
            continue;
        }
        if c == b".." {
            if stack.len() == 1 {
                return Err(call.refuse(
                    "it leads outside the granted directory (through '..', a symlink or a mount point)",
                ));
            }
            stack.pop();
            continue;
        }
        let Some(top) = stack.last() else {
            return Err(call.errno(Errno::IO));
        };
        let fd = rustix::fs::openat(
            top,
            OsStr::from_bytes(&c),
            OFlags::PATH | OFlags::NOFOLLOW | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(|e| call.errno(e))?;
        let st = rustix::fs::fstat(&fd).map_err(|e| call.errno(e))?;
        if st.st_dev != dev {
            return Err(call.refuse(
                "it leads outside the granted directory (through '..', a symlink or a mount point)",
            ));
        }
        match FileType::from_raw_mode(st.st_mode) {
            FileType::Symlink => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(call.errno(Errno::LOOP));
                }
                let target = rustix::fs::readlinkat(&fd, "", Vec::new())
                    .map_err(|e| call.errno(e))?
                    .into_bytes();
                if target.starts_with(b"/") {
                    return Err(call.refuse(
                        "it leads outside the granted directory (through '..', a symlink or a mount point)",
                    ));
                }
                for part in components(&target).into_iter().rev() {
                    queue.push_front(part);
                }
            }
            FileType::Directory => stack.push(fd),
            _ => file = Some((fd, c)),
        }
    }
    match file {
        Some((fd, name)) => {
            let stat = rustix::fs::fstat(&fd).map_err(|e| call.errno(e))?;
            let Some(dir) = stack.pop() else {
                return Err(call.errno(Errno::IO));
            };
            Ok(Resolved {
                fd,
                stat,
                reopen: Reopen::At(dir, name),
            })
        }
        None => {
            let Some(fd) = stack.pop() else {
                return Err(call.errno(Errno::IO));
            };
            let stat = rustix::fs::fstat(&fd).map_err(|e| call.errno(e))?;
            let again = dup(&fd)?;
            Ok(Resolved {
                fd,
                stat,
                reopen: Reopen::At(again, b".".to_vec()),
            })
        }
    }
}

fn components(path: &[u8]) -> VecDeque<Vec<u8>> {
    path.split(|&b| b == b'/').map(<[u8]>::to_vec).collect()
}

/// Kernel pseudo-filesystems never granted (their files are the host's own state).
const PSEUDO_FS: [i64; 9] = [
    0x9fa0,      // proc
    0x6265_6572, // sysfs
    0x1cd1,      // devpts
    0x6462_6720, // debugfs
    0x7472_6163, // tracefs
    0x7363_6673, // securityfs
    0x0027_e0eb, // cgroup
    0x6367_7270, // cgroup2
    0xcafe_4a11, // bpf
];

/// Opens a granted directory (following symlinks in the granted path itself: the user named
/// it) as an `O_PATH` descriptor.
fn open_root(granted: &Path) -> Root {
    let canonical = std::fs::canonicalize(granted).ok();
    let opened = rustix::fs::open(
        granted,
        OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| match e {
        Errno::NOENT => "does not exist".to_string(),
        Errno::NOTDIR => "is not a directory".to_string(),
        other => format!("cannot be opened ({other})"),
    })
    .and_then(|fd| {
        let under_kernel_dirs = canonical
            .as_ref()
            .is_some_and(|c| ["/proc", "/sys", "/dev"].iter().any(|k| c.starts_with(k)));
        // `f_type`'s integer type differs between architectures.
        #[allow(clippy::unnecessary_cast)]
        let pseudo = rustix::fs::fstatfs(&fd)
            .map(|s| PSEUDO_FS.contains(&(s.f_type as i64)))
            .unwrap_or(true);
        if under_kernel_dirs || pseudo {
            return Err(
                "is on a kernel pseudo-filesystem (/proc, /sys, /dev), which is never granted"
                    .to_string(),
            );
        }
        Ok(fd)
    });
    let dev = opened
        .as_ref()
        .ok()
        .and_then(|fd| rustix::fs::fstat(fd.as_fd()).ok())
        .map_or(0, |st| st.st_dev);
    Root {
        granted: granted.to_path_buf(),
        canonical,
        fd: opened,
        dev,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    /// A granted root `root/` beside a secret `outside/secret.txt`, in a fresh temp dir.
    struct World {
        dir: tempfile::TempDir,
    }

    impl World {
        fn new() -> World {
            let dir = tempfile::tempdir().expect("tempdir");
            let root = dir.path().join("root");
            std::fs::create_dir_all(root.join("sub/deeper")).expect("dirs");
            std::fs::write(root.join("config.json"), r#"{"ok":true}"#).expect("write");
            std::fs::write(root.join("sub/deeper/x.txt"), "deep").expect("write");
            std::fs::create_dir(dir.path().join("outside")).expect("dir");
            std::fs::write(dir.path().join("outside/secret.txt"), "secret").expect("write");
            World { dir }
        }
        fn root(&self) -> PathBuf {
            self.dir.path().join("root")
        }
        fn broker(&self, walk: bool) -> FsBroker {
            let mut p = Permissions::default();
            p.add_read(self.root());
            let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
            if walk {
                b.force_walk();
            }
            b
        }
    }

    fn refused(r: Result<impl std::fmt::Debug, Failure>) -> Failure {
        let f = r.expect_err("must fail");
        assert_eq!(f.kind, FailKind::Refused, "{f:?}");
        let refusal = f.refusal.as_ref().expect("a refusal to record");
        assert_eq!(refusal.category, Category::Filesystem);
        f
    }

    fn both(test: impl Fn(&World, &mut FsBroker)) {
        for walk in [false, true] {
            let w = World::new();
            let mut b = w.broker(walk);
            test(&w, &mut b);
            if !walk {
                assert_ne!(
                    b.resolver(),
                    Resolver::Walk,
                    "this kernel should have openat2"
                );
            }
        }
    }

    #[test]
    fn reads_beneath_the_root_work_by_relative_and_absolute_path() {
        both(|w, b| {
            assert_eq!(b.read("config.json").expect("read"), br#"{"ok":true}"#);
            let abs = w.root().join("sub/deeper/x.txt");
            assert_eq!(b.read(abs.to_str().expect("utf8")).expect("read"), b"deep");
            assert_eq!(b.read("sub/../sub/deeper/./x.txt").expect("read"), b"deep");
            let names: Vec<String> = b
                .readdir(".")
                .expect("readdir")
                .into_iter()
                .map(|e| e.name)
                .collect();
            assert_eq!(names, ["config.json", "sub"]);
            assert!(b.stat("sub").expect("stat").is_dir);
            assert_eq!(b.stat("config.json").expect("stat").size, 11);
            assert!(b.exists("config.json").expect("exists"));
            assert!(!b.exists("nope.json").expect("exists"));
            let e = b.read("nope.json").expect_err("missing");
            assert_eq!((e.kind, e.code.as_str()), (FailKind::Failed, "ENOENT"));
            assert!(
                e.message
                    .starts_with("ENOENT: no such file or directory, open 'nope.json'"),
                "{}",
                e.message
            );
            assert_eq!(b.read("sub").expect_err("dir").code, "EISDIR");
            assert_eq!(b.readdir("config.json").expect_err("file").code, "ENOTDIR");
        });
    }

    #[test]
    fn dot_dot_absolute_paths_and_nul_are_refused() {
        both(|w, b| {
            let f = refused(b.read("../outside/secret.txt"));
            assert!(
                f.message.contains("outside the granted directory"),
                "{}",
                f.message
            );
            assert_eq!(f.refusal.expect("refusal").target, "../outside/secret.txt");
            refused(b.read("sub/../../outside/secret.txt"));
            let secret = w.dir.path().join("outside/secret.txt");
            let f = refused(b.read(secret.to_str().expect("utf8")));
            assert!(
                f.message.contains("outside every granted directory"),
                "{}",
                f.message
            );
            refused(b.read("/etc/passwd"));
            refused(b.read("/proc/self/environ"));
            refused(b.read("config.json\0.png"));
            // A root path going out and back in is refused too (it left the root).
            let back = format!("{}/../root/config.json", w.root().display());
            refused(b.read(&back));
            refused(b.exists("../outside/secret.txt"));
            refused(b.readdir(".."));
        });
    }

    #[test]
    fn symlinks_are_followed_only_beneath_the_root() {
        both(|w, b| {
            let root = w.root();
            symlink("sub/deeper/x.txt", root.join("inside")).expect("symlink");
            symlink("sub/deeper", root.join("dirlink")).expect("symlink");
            symlink("../outside/secret.txt", root.join("out-rel")).expect("symlink");
            symlink(
                w.dir.path().join("outside/secret.txt"),
                root.join("out-abs"),
            )
            .expect("symlink");
            symlink("/proc/self/environ", root.join("proc")).expect("symlink");
            symlink("loop", root.join("loop")).expect("symlink");
            assert_eq!(b.read("inside").expect("in-root link"), b"deep");
            assert_eq!(b.read("dirlink/x.txt").expect("in-root dir link"), b"deep");
            assert_eq!(
                b.read("dirlink/../deeper/x.txt").expect("physical .."),
                b"deep"
            );
            refused(b.read("out-rel"));
            refused(b.read("out-abs"));
            refused(b.read("proc"));
            assert_eq!(b.read("loop").expect_err("loop").code, "ELOOP");
            let kinds: Vec<EntryKind> = b
                .readdir(".")
                .expect("readdir")
                .into_iter()
                .filter(|e| e.name == "inside")
                .map(|e| e.kind)
                .collect();
            assert_eq!(kinds, [EntryKind::Symlink]);
        });
    }

    #[test]
    fn a_symlinked_root_component_works_and_its_canonical_path_too() {
        let w = World::new();
        let link = w.dir.path().join("root-link");
        symlink(w.root(), &link).expect("symlink");
        for walk in [false, true] {
            let mut p = Permissions::default();
            p.add_read(link.clone());
            let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
            if walk {
                b.force_walk();
            }
            assert_eq!(
                b.read(&format!("{}/config.json", link.display()))
                    .expect("via link"),
                br#"{"ok":true}"#
            );
            let canonical = std::fs::canonicalize(w.root()).expect("canonical");
            assert_eq!(
                b.read(&format!("{}/config.json", canonical.display()))
                    .expect("canonical"),
                br#"{"ok":true}"#
            );
        }
    }

    #[test]
    fn hard_links_fifos_and_devices_are_refused() {
        both(|w, b| {
            let root = w.root();
            std::fs::hard_link(w.dir.path().join("outside/secret.txt"), root.join("hard"))
                .expect("link");
            let f = refused(b.read("hard"));
            assert!(f.message.contains("2 hard links"), "{}", f.message);
            refused(b.stat("hard"));
            let fifo = root.join("fifo");
            rustix::fs::mknodat(
                rustix::fs::CWD,
                &fifo,
                FileType::Fifo,
                Mode::from_raw_mode(0o600),
                0,
            )
            .expect("mkfifo");
            // Refused before it is opened: a read never blocks on it.
            let f = refused(b.read("fifo"));
            assert!(f.message.contains("FIFO"), "{}", f.message);
            symlink("/dev/zero", root.join("zero")).expect("symlink");
            refused(b.read("zero"));
            // The benign twin: a file with a single link reads.
            assert_eq!(
                b.read("config.json").expect("single link"),
                br#"{"ok":true}"#
            );
        });
    }

    #[test]
    fn a_directory_swapped_for_a_symlink_is_resolved_again_and_refused() {
        both(|w, b| {
            let root = w.root();
            assert_eq!(b.read("sub/deeper/x.txt").expect("before"), b"deep");
            std::fs::rename(root.join("sub"), w.dir.path().join("moved")).expect("move");
            std::fs::create_dir(w.dir.path().join("evil")).expect("dir");
            std::fs::create_dir(w.dir.path().join("evil/deeper")).expect("dir");
            std::fs::write(w.dir.path().join("evil/deeper/x.txt"), "stolen").expect("write");
            symlink(w.dir.path().join("evil"), root.join("sub")).expect("swap");
            refused(b.read("sub/deeper/x.txt"));
            std::fs::remove_file(root.join("sub")).expect("unlink");
            symlink("../evil", root.join("sub")).expect("swap");
            refused(b.read("sub/deeper/x.txt"));
        });
    }

    #[test]
    fn reads_are_capped_per_file_per_run_and_in_calls() {
        let w = World::new();
        std::fs::write(w.root().join("big.bin"), vec![7u8; 5000]).expect("write");
        let mut p = Permissions::default();
        p.add_read(w.root());
        p.limits.fs_max_file_bytes = 4096;
        p.limits.fs_max_total_bytes = 30;
        p.limits.fs_max_ops = 6;
        let counters = Arc::new(Counters::default());
        let mut b = FsBroker::new(&p, Arc::clone(&counters));
        let e = b.read("big.bin").expect_err("too big");
        assert_eq!(
            (e.kind, e.code.as_str()),
            (FailKind::Limit, "ERR_SANDBOX_LIMIT")
        );
        assert!(e.message.contains("5000 bytes"), "{}", e.message);
        assert_eq!(b.read("config.json").expect("small").len(), 11);
        assert_eq!(b.read("config.json").expect("small").len(), 11);
        let e = b.read("config.json").expect_err("run total");
        assert!(e.message.contains("run's limit"), "{}", e.message);
        let u = counters.snapshot();
        assert_eq!((u.fs_reads, u.fs_bytes_read), (2, 22));
        b.stat(".").expect("5th call");
        b.stat(".").expect("6th call");
        let e = b.stat(".").expect_err("7th call");
        assert!(e.message.contains("6 filesystem calls"), "{}", e.message);
    }

    #[test]
    fn kernel_pseudo_filesystems_and_missing_roots_are_refused() {
        for root in ["/proc/self", "/sys/kernel", "/dev"] {
            let mut p = Permissions::default();
            p.add_read(PathBuf::from(root));
            let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
            let f = refused(b.read("environ"));
            assert!(
                f.message.contains("pseudo-filesystem"),
                "{root}: {}",
                f.message
            );
        }
        let mut p = Permissions::default();
        p.add_read(PathBuf::from("/nonexistent-sandbench-root"));
        let mut b = FsBroker::new(&p, Arc::new(Counters::default()));
        assert!(refused(b.read("x")).message.contains("does not exist"));
    }
}
