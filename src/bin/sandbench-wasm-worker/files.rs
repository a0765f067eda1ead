//! Read-only WASI preopens: each directory of `Permissions.filesystem.read` is a preopened
//! directory descriptor (fd 3, 4, … in the order granted) whose WASI name is the directory's
//! own granted path (absolute, normalised), so a WASI libc maps `fopen("/srv/conf/a.json")` to
//! it as it would on the host.
//!
//! This process is locked down and opens nothing: every lookup and read is a call to the
//! parent's broker over the JS worker's capability protocol (a [`Port`]), with the path the
//! module asked for joined to its directory's name. The broker resolves it beneath the granted
//! directory (the one beneath-root resolver, `sandbench::engine::broker::fs`), applies the
//! run's read caps and keeps its own record of every refusal. What this table adds is WASI's
//! shape: descriptors, offsets, directory cookies, and the refusals that need no host at all
//! (write flags and rights, absolute paths), which it records as Blocked `filesystem` events
//! naming the path asked for.
//!
//! A file's content is fetched whole (`fs_read`, under the per-file and per-run byte caps) at
//! its first `fd_read` and served from here; a directory's entries at its first `fd_readdir`.

use sandbench::engine::broker::{
    Answer, CallResult, DirEntry, EntryKind, FailKind, Failure, Op, Port, StatInfo,
};
use std::collections::BTreeMap;

// WASI errno values (wasi_snapshot_preview1 `errno`), for this file and `wasi.rs`.
pub(crate) const ESUCCESS: i32 = 0;
pub(crate) const EACCES: i32 = 2;
pub(crate) const EBADF: i32 = 8;
pub(crate) const EFAULT: i32 = 21;
pub(crate) const EINVAL: i32 = 28;
pub(crate) const EIO: i32 = 29;
pub(crate) const EISDIR: i32 = 31;
pub(crate) const ELOOP: i32 = 32;
pub(crate) const EMFILE: i32 = 33;
pub(crate) const ENAMETOOLONG: i32 = 37;
pub(crate) const ENOENT: i32 = 44;
pub(crate) const ENOSYS: i32 = 52;
pub(crate) const ENOTDIR: i32 = 54;
pub(crate) const ESPIPE: i32 = 70;
pub(crate) const EILSEQ: i32 = 25;
pub(crate) const ENOTCAPABLE: i32 = 76;

/// The first preopened descriptor (0–2 are stdio).
pub(crate) const FIRST_PREOPEN: u32 = 3;
/// Most descriptors open at once, preopens included (a module opening in a loop gets `EMFILE`,
/// and this table stays bounded).
pub(crate) const MAX_OPEN: usize = 256;
/// Longest path a module may pass (the broker's `PATH_MAX`).
pub(crate) const MAX_PATH: usize = sandbench::engine::broker::MAX_PATH_BYTES;

/// WASI rights (`rights` bit flags).
pub(crate) mod rights {
    pub(crate) const FD_DATASYNC: u64 = 1 << 0;
    pub(crate) const FD_READ: u64 = 1 << 1;
    pub(crate) const FD_SEEK: u64 = 1 << 2;
    pub(crate) const FD_TELL: u64 = 1 << 5;
    pub(crate) const FD_WRITE: u64 = 1 << 6;
    pub(crate) const FD_ALLOCATE: u64 = 1 << 8;
    pub(crate) const PATH_OPEN: u64 = 1 << 13;
    pub(crate) const FD_READDIR: u64 = 1 << 14;
    pub(crate) const PATH_FILESTAT_GET: u64 = 1 << 18;
    pub(crate) const FD_FILESTAT_GET: u64 = 1 << 21;
    pub(crate) const FD_FILESTAT_SET_SIZE: u64 = 1 << 22;
    /// What a read-only file descriptor has.
    pub(crate) const FILE: u64 = FD_READ | FD_SEEK | FD_TELL | FD_FILESTAT_GET;
    /// What a read-only directory descriptor has.
    pub(crate) const DIR: u64 = PATH_OPEN | FD_READDIR | PATH_FILESTAT_GET | FD_FILESTAT_GET;
    /// The rights that mean writing. Both WASI libcs (wasi-libc's `open`, Rust's std) ask for
    /// exactly these when a file is opened for writing, and for none of them for reading (Rust
    /// also asks for `fd_sync` and `fd_filestat_set_times` when reading: harmless here, since
    /// no descriptor can do them).
    pub(crate) const WRITE: u64 = FD_DATASYNC | FD_WRITE | FD_ALLOCATE | FD_FILESTAT_SET_SIZE;
}

/// `path_open`'s `oflags` that create or change a file.
const O_CREAT: i32 = 1;
const O_DIRECTORY: i32 = 2;
const O_EXCL: i32 = 4;
const O_TRUNC: i32 = 8;
/// `fdflags` that only make sense for writing.
const FD_APPEND: i32 = 1;
const FD_DSYNC: i32 = 2;
const FD_SYNC: i32 = 16;

/// WASI `filetype` values.
pub(crate) const FILETYPE_UNKNOWN: u8 = 0;
pub(crate) const FILETYPE_CHARACTER_DEVICE: u8 = 2;
pub(crate) const FILETYPE_DIRECTORY: u8 = 3;
pub(crate) const FILETYPE_REGULAR: u8 = 4;
pub(crate) const FILETYPE_SYMLINK: u8 = 7;

/// A failed call: its WASI errno, and the Blocked attempt to record (capability, message)
/// when it was a refusal.
#[derive(Debug)]
pub(crate) struct FsError {
    pub(crate) errno: i32,
    pub(crate) blocked: Option<(String, String)>,
}

impl FsError {
    pub(crate) fn errno(errno: i32) -> FsError {
        FsError {
            errno,
            blocked: None,
        }
    }

    fn refused(path: &str, message: String) -> FsError {
        FsError {
            errno: ENOTCAPABLE,
            blocked: Some((
                sandbench::engine::text::truncate(path, 300).into_owned(),
                message,
            )),
        }
    }

    /// The WASI form of a broker failure. A refusal keeps the broker's target and message, so
    /// the parent's own record of it and this one are the same attempt.
    fn of(f: Failure) -> FsError {
        match (f.kind, f.refusal) {
            (_, Some(r)) => FsError {
                errno: ENOTCAPABLE,
                blocked: Some((r.target, r.message)),
            },
            (FailKind::Refused, None) => FsError::errno(ENOTCAPABLE),
            // A cap of the run (file too large, total read, number of calls): the module
            // sees an I/O error; the report's usage shows what was read.
            (FailKind::Failed, None) => FsError::errno(match f.code.as_str() {
                "ENOENT" => ENOENT,
                "ENOTDIR" => ENOTDIR,
                "EISDIR" => EISDIR,
                "EACCES" => EACCES,
                "ELOOP" => ELOOP,
                "ENAMETOOLONG" => ENAMETOOLONG,
                _ => EIO,
            }),
            _ => FsError::errno(EIO),
        }
    }
}

enum Kind {
    Dir {
        /// Fetched at the first `fd_readdir` (again when it starts over at cookie 0).
        entries: Option<Vec<DirEntry>>,
    },
    File {
        /// Fetched whole at the first read.
        data: Option<Vec<u8>>,
        pos: u64,
    },
}

struct Open {
    /// The guest path (a preopen's name, or a path beneath one), as sent to the broker.
    path: String,
    /// From the broker; a preopen's is fetched when first asked for.
    stat: Option<StatInfo>,
    kind: Kind,
}

/// The descriptor table of one run.
pub(crate) struct Files {
    preopens: Vec<String>,
    open: BTreeMap<u32, Open>,
    port: Option<Box<dyn Port + Send>>,
    next_id: u64,
}

/// What `fd_fdstat_get` and `fd_filestat_get` report for a descriptor of this table.
pub(crate) struct Described {
    pub(crate) filetype: u8,
    pub(crate) rights_base: u64,
    pub(crate) rights_inheriting: u64,
}

impl Files {
    /// The table for `granted` directories, served through `port`; without a port (or a
    /// grant) there is no preopen at all.
    pub(crate) fn new(granted: &[std::path::PathBuf], port: Option<Box<dyn Port + Send>>) -> Files {
        let preopens: Vec<String> = match port {
            Some(_) => granted
                .iter()
                .take(MAX_OPEN)
                .map(|p| p.to_string_lossy().into_owned())
                .collect(),
            None => Vec::new(),
        };
        let open = preopens
            .iter()
            .zip(FIRST_PREOPEN..)
            .map(|(p, fd)| {
                (
                    fd,
                    Open {
                        path: p.clone(),
                        stat: None,
                        kind: Kind::Dir { entries: None },
                    },
                )
            })
            .collect();
        Files {
            preopens,
            open,
            port,
            next_id: 1,
        }
    }

    /// Whether any directory is granted (else every path call is refused as before).
    pub(crate) fn granted(&self) -> bool {
        !self.preopens.is_empty()
    }

    /// The WASI name of preopen `fd` (while it is open).
    pub(crate) fn preopen_name(&self, fd: i32) -> Option<&str> {
        let fd = u32::try_from(fd).ok()?;
        let i = fd.checked_sub(FIRST_PREOPEN)? as usize;
        let name = self.preopens.get(i)?;
        self.open.contains_key(&fd).then_some(name.as_str())
    }

    fn call(&mut self, op: Op) -> CallResult {
        let id = self.next_id;
        self.next_id += 1;
        match self.port.as_mut() {
            Some(p) => p.call(id, (None, None), op),
            None => Err(Failure::new(
                FailKind::Refused,
                "ERR_ACCESS_DENIED",
                "no directory is granted",
            )),
        }
    }

    fn stat_path(&mut self, path: &str) -> Result<StatInfo, FsError> {
        match self.call(Op::FsStat {
            path: path.to_string(),
        }) {
            Ok(Answer::Stat(s)) => Ok(s),
            Ok(_) => Err(FsError::errno(EIO)),
            Err(f) => Err(FsError::of(f)),
        }
    }

    /// `dirfd`'s path joined with the module's `rel` (which must be relative: WASI paths are
    /// resolved beneath their directory descriptor). `..` and symlinks are left to the broker,
    /// which resolves beneath the granted directory.
    fn join(&self, call: &str, dirfd: i32, rel: &[u8]) -> Result<String, FsError> {
        let dir = u32::try_from(dirfd)
            .ok()
            .and_then(|fd| self.open.get(&fd))
            .ok_or(FsError::errno(EBADF))?;
        if !matches!(dir.kind, Kind::Dir { .. }) {
            return Err(FsError::errno(ENOTDIR));
        }
        if rel.len() > MAX_PATH {
            return Err(FsError::errno(ENAMETOOLONG));
        }
        let rel = std::str::from_utf8(rel).map_err(|_| FsError::errno(EILSEQ))?;
        if rel.starts_with('/') {
            return Err(FsError::refused(
                rel,
                format!(
                    "{call}({rel:?}) refused: an absolute path (a WASI path is relative to its \
                     directory descriptor)"
                ),
            ));
        }
        Ok(format!("{}/{rel}", dir.path.trim_end_matches('/')))
    }

    /// `path_open`: refuses any write intent here, then asks the broker what the path is.
    pub(crate) fn open(
        &mut self,
        dirfd: i32,
        rel: &[u8],
        oflags: i32,
        rights_base: u64,
        fdflags: i32,
    ) -> Result<u32, FsError> {
        let path = self.join("path_open", dirfd, rel)?;
        // Each flag that creates, changes or writes a file, with its name for the message.
        let flags = [
            (oflags, O_CREAT, "O_CREAT"),
            (oflags, O_EXCL, "O_EXCL"),
            (oflags, O_TRUNC, "O_TRUNC"),
            (fdflags, FD_APPEND, "append"),
            (fdflags, FD_DSYNC, "dsync"),
            (fdflags, FD_SYNC, "sync"),
        ];
        let mut why: Vec<&str> = flags
            .iter()
            .filter(|(set, bit, _)| set & bit != 0)
            .map(|&(_, _, name)| name)
            .collect();
        if rights_base & rights::WRITE != 0 {
            why.push("write rights");
        }
        if !why.is_empty() {
            return Err(FsError::refused(
                &path,
                format!(
                    "path_open({path:?}) refused: the directory is granted read-only ({})",
                    why.join(", ")
                ),
            ));
        }
        if self.open.len() >= MAX_OPEN {
            return Err(FsError::errno(EMFILE));
        }
        let stat = self.stat_path(&path)?;
        if oflags & O_DIRECTORY != 0 && !stat.is_dir {
            return Err(FsError::errno(ENOTDIR));
        }
        let kind = if stat.is_dir {
            Kind::Dir { entries: None }
        } else {
            Kind::File { data: None, pos: 0 }
        };
        // The lowest free descriptor past the preopens (the table is bounded by MAX_OPEN).
        let first = FIRST_PREOPEN + self.preopens.len() as u32;
        let fd = (first..)
            .find(|fd| !self.open.contains_key(fd))
            .ok_or(FsError::errno(EMFILE))?;
        self.open.insert(
            fd,
            Open {
                path,
                stat: Some(stat),
                kind,
            },
        );
        Ok(fd)
    }

    /// `path_filestat_get`.
    pub(crate) fn path_stat(&mut self, dirfd: i32, rel: &[u8]) -> Result<StatInfo, FsError> {
        let path = self.join("path_filestat_get", dirfd, rel)?;
        self.stat_path(&path)
    }

    /// Whether `fd` is in this table.
    pub(crate) fn has(&self, fd: i32) -> bool {
        u32::try_from(fd).is_ok_and(|fd| self.open.contains_key(&fd))
    }

    pub(crate) fn close(&mut self, fd: i32) -> Result<(), FsError> {
        u32::try_from(fd)
            .ok()
            .and_then(|fd| self.open.remove(&fd))
            .map(|_| ())
            .ok_or(FsError::errno(EBADF))
    }

    fn get(&mut self, fd: i32) -> Result<&mut Open, FsError> {
        u32::try_from(fd)
            .ok()
            .and_then(|fd| self.open.get_mut(&fd))
            .ok_or(FsError::errno(EBADF))
    }

    pub(crate) fn describe(&self, fd: i32) -> Option<Described> {
        let o = self.open.get(&u32::try_from(fd).ok()?)?;
        Some(match o.kind {
            Kind::Dir { .. } => Described {
                filetype: FILETYPE_DIRECTORY,
                rights_base: rights::DIR,
                rights_inheriting: rights::DIR | rights::FILE,
            },
            Kind::File { .. } => Described {
                filetype: FILETYPE_REGULAR,
                rights_base: rights::FILE,
                rights_inheriting: 0,
            },
        })
    }

    /// `fd_filestat_get` of a descriptor of this table (a file's size is what was read, once
    /// it was).
    pub(crate) fn fd_stat(&mut self, fd: i32) -> Result<StatInfo, FsError> {
        let o = self.get(fd)?;
        if let Some(s) = &o.stat {
            let mut s = s.clone();
            if let Kind::File { data: Some(d), .. } = &o.kind {
                s.size = d.len() as u64;
            }
            return Ok(s);
        }
        let path = o.path.clone();
        let s = self.stat_path(&path)?;
        self.get(fd)?.stat = Some(s.clone());
        Ok(s)
    }

    /// The content of file `fd`, fetched through the broker on first use.
    fn data(&mut self, fd: i32) -> Result<(), FsError> {
        let o = self.get(fd)?;
        let path = match &o.kind {
            Kind::Dir { .. } => return Err(FsError::errno(EISDIR)),
            Kind::File { data: Some(_), .. } => return Ok(()),
            Kind::File { data: None, .. } => o.path.clone(),
        };
        let bytes = match self.call(Op::FsRead { path }) {
            Ok(Answer::Bytes(b)) => b.0,
            Ok(_) => return Err(FsError::errno(EIO)),
            Err(f) => return Err(FsError::of(f)),
        };
        if let Kind::File { data, .. } = &mut self.get(fd)?.kind {
            *data = Some(bytes);
        }
        Ok(())
    }

    /// Reads from file `fd` at its offset into each buffer in turn (`fd_read`); `fill` copies
    /// bytes to the module's memory and says whether they fit. Returns the bytes read.
    pub(crate) fn read(
        &mut self,
        fd: i32,
        lens: &[usize],
        mut fill: impl FnMut(usize, &[u8]) -> bool,
    ) -> Result<u64, FsError> {
        self.data(fd)?;
        let Kind::File {
            data: Some(data),
            pos,
        } = &mut self.get(fd)?.kind
        else {
            return Err(FsError::errno(EBADF));
        };
        let mut total = 0u64;
        for (i, &len) in lens.iter().enumerate() {
            let at = usize::try_from(*pos).unwrap_or(usize::MAX).min(data.len());
            let end = at.saturating_add(len).min(data.len());
            if !fill(i, &data[at..end]) {
                return Err(FsError::errno(EFAULT));
            }
            let n = (end - at) as u64;
            *pos += n;
            total += n;
            if end == data.len() {
                break;
            }
        }
        Ok(total)
    }

    /// `fd_seek` / `fd_tell` (`whence` 0 set, 1 current, 2 end) of file `fd`.
    pub(crate) fn seek(&mut self, fd: i32, offset: i64, whence: i32) -> Result<u64, FsError> {
        let size = match &self.get(fd)?.kind {
            Kind::Dir { .. } => return Err(FsError::errno(EBADF)),
            Kind::File { data: Some(d), .. } => d.len() as u64,
            Kind::File { data: None, .. } => self.fd_stat(fd)?.size,
        };
        let Kind::File { pos, .. } = &mut self.get(fd)?.kind else {
            return Err(FsError::errno(EBADF));
        };
        let base = match whence {
            0 => 0,
            1 => *pos,
            2 => size,
            _ => return Err(FsError::errno(EINVAL)),
        };
        let new = i128::from(base) + i128::from(offset);
        *pos = u64::try_from(new).map_err(|_| FsError::errno(EINVAL))?;
        Ok(*pos)
    }

    /// The entries of directory `fd` from `cookie` on (`fd_readdir`), as WASI dirents in one
    /// buffer of at most `max` bytes (the last one cut when it does not fit, as the call
    /// expects). Entries are fetched at cookie 0 and kept for the following calls.
    pub(crate) fn readdir(&mut self, fd: i32, cookie: u64, max: usize) -> Result<Vec<u8>, FsError> {
        let o = self.get(fd)?;
        let path = o.path.clone();
        let fetch = match &o.kind {
            Kind::File { .. } => return Err(FsError::errno(ENOTDIR)),
            Kind::Dir { entries } => entries.is_none() || cookie == 0,
        };
        if fetch {
            let list = match self.call(Op::FsReaddir { path }) {
                Ok(Answer::Entries(e)) => e,
                Ok(_) => return Err(FsError::errno(EIO)),
                Err(f) => return Err(FsError::of(f)),
            };
            if let Kind::Dir { entries } = &mut self.get(fd)?.kind {
                *entries = Some(list);
            }
        }
        let Kind::Dir {
            entries: Some(entries),
        } = &self.get(fd)?.kind
        else {
            return Err(FsError::errno(EBADF));
        };
        let mut out = Vec::new();
        let start = usize::try_from(cookie).unwrap_or(usize::MAX);
        for (i, e) in entries.iter().enumerate().skip(start) {
            if out.len() >= max {
                break;
            }
            let name = e.name.as_bytes();
            out.extend_from_slice(&(i as u64 + 1).to_le_bytes()); // d_next
            out.extend_from_slice(&0u64.to_le_bytes()); // d_ino: no host inode numbers
            out.extend_from_slice(&(name.len() as u32).to_le_bytes());
            out.push(match e.kind {
                EntryKind::File => FILETYPE_REGULAR,
                EntryKind::Dir => FILETYPE_DIRECTORY,
                EntryKind::Symlink => FILETYPE_SYMLINK,
                EntryKind::Other => FILETYPE_UNKNOWN,
            });
            out.extend_from_slice(&[0, 0, 0]);
            out.extend_from_slice(name);
        }
        out.truncate(max);
        Ok(out)
    }
}

/// A WASI `filestat` (64 bytes): no device or inode numbers (host facts), one link.
pub(crate) fn filestat(s: &StatInfo) -> [u8; 64] {
    let mut b = [0u8; 64];
    b[16] = if s.is_dir {
        FILETYPE_DIRECTORY
    } else {
        FILETYPE_REGULAR
    };
    b[24..32].copy_from_slice(&1u64.to_le_bytes());
    b[32..40].copy_from_slice(&s.size.to_le_bytes());
    let ns = |ms: i64| u64::try_from(ms).unwrap_or(0).saturating_mul(1_000_000);
    b[40..48].copy_from_slice(&ns(s.atime_ms).to_le_bytes());
    b[48..56].copy_from_slice(&ns(s.mtime_ms).to_le_bytes());
    b[56..64].copy_from_slice(&ns(s.ctime_ms).to_le_bytes());
    b
}

#[cfg(test)]
mod tests {
    use super::*;
    use sandbench::engine::broker::{BrokerUsage, Bytes, Location};
    use std::time::Duration;

    /// A broker stand-in answering from a fixed list of files (the real broker is tested
    /// through the binary in tests/wasm.rs).
    struct Fake;
    impl Port for Fake {
        fn call(&mut self, _id: u64, _at: Location, op: Op) -> CallResult {
            let stat = |is_dir, size| StatInfo {
                is_dir,
                size,
                mode: 0,
                mtime_ms: 0,
                atime_ms: 0,
                ctime_ms: 0,
            };
            match op {
                Op::FsStat { path } if path == "/g/a.txt" => Ok(Answer::Stat(stat(false, 5))),
                Op::FsStat { path } if path == "/g/d" => Ok(Answer::Stat(stat(true, 0))),
                Op::FsRead { path } if path == "/g/a.txt" => {
                    Ok(Answer::Bytes(Bytes(b"hello".to_vec())))
                }
                Op::FsReaddir { .. } => Ok(Answer::Entries(vec![
                    DirEntry {
                        name: "a.txt".into(),
                        kind: EntryKind::File,
                    },
                    DirEntry {
                        name: "d".into(),
                        kind: EntryKind::Dir,
                    },
                ])),
                _ => Err(Failure::new(FailKind::Failed, "ENOENT", "no")),
            }
        }
        fn start(&mut self, _: u64, _: Location, _: Op) {}
        fn wait(&mut self, _: Duration) -> Option<(u64, CallResult)> {
            None
        }
        fn abort(&mut self, _: u64) {}
        fn usage(&self) -> Option<BrokerUsage> {
            None
        }
    }

    fn files() -> Files {
        Files::new(&["/g".into()], Some(Box::new(Fake)))
    }

    #[test]
    fn reads_seeks_and_lists_beneath_a_preopen() {
        let mut f = files();
        assert_eq!(f.preopen_name(3), Some("/g"));
        assert_eq!(f.preopen_name(4), None);
        let fd = f.open(3, b"a.txt", 0, rights::FILE, 0).expect("open");
        assert_eq!(fd, 4);
        let fd = fd as i32;
        let mut got = Vec::new();
        let n = f
            .read(fd, &[2, 10], |_, b| {
                got.extend_from_slice(b);
                true
            })
            .expect("read");
        assert_eq!((n, got.as_slice()), (5, &b"hello"[..]));
        assert_eq!(f.seek(fd, -2, 2).expect("seek"), 3);
        assert_eq!(f.seek(fd, -4, 1).map_err(|e| e.errno), Err(EINVAL));
        let list = f.readdir(3, 0, 4096).expect("readdir");
        assert_eq!(list.len(), 2 * 24 + 5 + 1);
        // A cookie past the first entry starts at the second; a small buffer cuts the last.
        assert_eq!(f.readdir(3, 1, 4096).expect("readdir").len(), 24 + 1);
        assert_eq!(f.readdir(3, 0, 30).expect("readdir").len(), 30);
        f.close(fd).expect("close");
        assert_eq!(f.close(fd).map_err(|e| e.errno), Err(EBADF));
    }

    #[test]
    fn write_intent_and_absolute_paths_are_refused_with_the_path() {
        let mut f = files();
        for (oflags, rights, fdflags) in [
            (O_CREAT, rights::FILE, 0),
            (O_TRUNC, rights::FILE, 0),
            (0, rights::FILE | rights::FD_WRITE, 0),
            (0, rights::FILE, FD_APPEND),
        ] {
            let e = f
                .open(3, b"a.txt", oflags, rights, fdflags)
                .expect_err("write");
            assert_eq!(e.errno, ENOTCAPABLE);
            let (cap, msg) = e.blocked.expect("blocked");
            assert_eq!(cap, "/g/a.txt");
            assert!(msg.contains("read-only"), "{msg}");
        }
        let e = f
            .open(3, b"/etc/passwd", 0, rights::FILE, 0)
            .expect_err("abs");
        assert_eq!(e.blocked.expect("blocked").0, "/etc/passwd");
        // Not a directory descriptor, not open, not a directory.
        assert_eq!(
            f.open(9, b"a.txt", 0, 0, 0).map_err(|e| e.errno),
            Err(EBADF)
        );
        let fd = f.open(3, b"a.txt", 0, rights::FILE, 0).expect("open");
        assert_eq!(
            f.open(fd as i32, b"x", 0, 0, 0).map_err(|e| e.errno),
            Err(ENOTDIR)
        );
        assert_eq!(
            f.open(3, b"a.txt", O_DIRECTORY, 0, 0).map_err(|e| e.errno),
            Err(ENOTDIR)
        );
        assert_eq!(
            f.open(3, b"nope", 0, 0, 0).map_err(|e| e.errno),
            Err(ENOENT)
        );
    }

    #[test]
    fn the_table_is_bounded() {
        let mut f = files();
        let mut last = Ok(0);
        for _ in 0..MAX_OPEN + 5 {
            last = f.open(3, b"a.txt", 0, rights::FILE, 0).map_err(|e| e.errno);
        }
        assert_eq!(last, Err(EMFILE));
        assert!(f.open.len() <= MAX_OPEN);
    }

    #[test]
    fn without_a_port_there_is_no_preopen() {
        let f = Files::new(&["/g".into()], None);
        assert!(!f.granted());
        assert_eq!(f.preopen_name(3), None);
    }
}
