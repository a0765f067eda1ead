//! Resolution beneath a granted root: mapping a script's path to a root, then resolving it
//! by the kernel (`openat2` with `RESOLVE_BENEATH`) or component by component, reopening a
//! resolved file beneath the root, and opening the roots themselves.

use super::*;

impl FsBroker {
    pub(super) fn roots(&mut self) -> &[Root] {
        self.roots
            .get_or_insert_with(|| self.granted.iter().map(|g| open_root(g)).collect())
    }

    /// Maps the script's path to (root, path relative to it), lexically.
    pub(super) fn locate(&mut self, call: Call<'_>) -> Result<(usize, String), Failure> {
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
    pub(super) fn resolve(&mut self, call: Call<'_>) -> Result<Resolved, Failure> {
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
    pub(super) fn reopen(
        &self,
        r: &Resolved,
        flags: OFlags,
        call: Call<'_>,
    ) -> Result<OwnedFd, Failure> {
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

/// Only directories and regular files with one link are used.
pub(super) fn check_kind(st: &Stat, call: Call<'_>) -> Result<(), Failure> {
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
pub(super) fn beneath(root: &OwnedFd, rel: &str, flags: OFlags) -> Result<OwnedFd, Errno> {
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

pub(super) fn errno_or_refusal(call: Call<'_>, e: Errno) -> Failure {
    match e {
        Errno::XDEV => call.refuse(
            "it leads outside the granted directory (through '..', a symlink or a mount point)",
        ),
        other => call.errno(other),
    }
}

/// Resolves `rel` beneath `root` one component at a time with `O_PATH | O_NOFOLLOW`.
pub(super) fn walk(
    root: &OwnedFd,
    dev: u64,
    rel: &str,
    call: Call<'_>,
) -> Result<Resolved, Failure> {
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

pub(super) fn components(path: &[u8]) -> VecDeque<Vec<u8>> {
    path.split(|&b| b == b'/').map(<[u8]>::to_vec).collect()
}

/// Kernel pseudo-filesystems never granted (their files are the host's own state).
pub(super) const PSEUDO_FS: [i64; 9] = [
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
pub(super) fn open_root(granted: &Path) -> Root {
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
