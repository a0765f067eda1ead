//! WASI preview 1 (`wasi_snapshot_preview1`): our own table, deny by default.
//!
//! Why not `wasmtime-wasi`: its preview 1 layer is built on the component model, async and a
//! capability filesystem (~180 more crates to build), and what a run may do here is small:
//! write to stdout/stderr (console lines), read an empty stdin, its args and an empty
//! environment, clocks, randomness, `sched_yield`, `proc_exit`, and read beneath the
//! directories granted to it ([`crate::files`]: read-only preopens whose every lookup and read
//! is a call to the parent's broker). Every other function of the snapshot is defined (so a
//! module that imports it still links), answers a WASI error, and — when it asks for a
//! capability (a path, a socket, a signal) — is recorded as a Blocked attempt naming the call
//! and, for paths, the path the module asked for.
//!
//! Without a grant there is no preopened directory (`fd_prestat_get` answers `EBADF` for every
//! descriptor, which is how a WASI libc learns there are none) and `path_open` is refused and
//! recorded under its own name, as before grants existed.

use crate::engine::{RunState, WasmTrap};
use crate::files::{self, Described, FsError, FILETYPE_CHARACTER_DEVICE};
use sandbench::engine::exec::wasm::WASI_MODULE as MODULE;
use sandbench::engine::Category;
use wasmtime::{Caller, Extern, FuncType, Linker, Memory, Val, ValType};

// WASI errno values: one table, in `files.rs`.
pub(crate) use crate::files::{EBADF, EFAULT, EINVAL, ENOSYS, ENOTCAPABLE, ESPIPE, ESUCCESS};

/// Longest path argument copied out of a module's memory for a Blocked message.
const MAX_PATH_SHOWN: usize = 256;

/// Most bytes one `random_get` fills (a module asking for more gets `EINVAL`).
const MAX_RANDOM_BYTES: u32 = 1024 * 1024;

/// What a denied function does.
#[derive(Debug, Clone, Copy)]
enum Deny {
    /// Not a capability we grant: just the errno, nothing recorded (e.g. `fd_advise` on a
    /// descriptor that cannot exist).
    Quiet(i32),
    /// A filesystem capability; the path is at params (`ptr`, `len`) when given.
    Path(Option<(usize, usize)>),
    Network,
    Process,
}

/// Parameter type letters: `i` i32, `I` i64.
fn types(sig: &str) -> Vec<ValType> {
    sig.chars()
        .map(|c| if c == 'I' { ValType::I64 } else { ValType::I32 })
        .collect()
}

/// Every preview 1 function that is only refused: name, parameters, what the refusal does.
const DENIED: &[(&str, &str, Deny)] = &[
    ("fd_advise", "iIIi", Deny::Quiet(EBADF)),
    ("fd_allocate", "iII", Deny::Quiet(EBADF)),
    ("fd_datasync", "i", Deny::Quiet(EBADF)),
    ("fd_fdstat_set_flags", "ii", Deny::Quiet(ENOTCAPABLE)),
    ("fd_fdstat_set_rights", "iII", Deny::Quiet(ENOTCAPABLE)),
    ("fd_filestat_set_size", "iI", Deny::Quiet(EBADF)),
    ("fd_filestat_set_times", "iIIi", Deny::Quiet(EBADF)),
    ("fd_pread", "iiiIi", Deny::Quiet(ESPIPE)),
    ("fd_pwrite", "iiiIi", Deny::Quiet(ESPIPE)),
    ("fd_renumber", "ii", Deny::Quiet(ENOTCAPABLE)),
    ("fd_sync", "i", Deny::Quiet(EBADF)),
    ("path_create_directory", "iii", Deny::Path(Some((1, 2)))),
    (
        "path_filestat_set_times",
        "iiiiIIi",
        Deny::Path(Some((2, 3))),
    ),
    ("path_link", "iiiiiii", Deny::Path(Some((2, 3)))),
    ("path_readlink", "iiiiii", Deny::Path(Some((1, 2)))),
    ("path_remove_directory", "iii", Deny::Path(Some((1, 2)))),
    ("path_rename", "iiiiii", Deny::Path(Some((1, 2)))),
    ("path_symlink", "iiiii", Deny::Path(Some((3, 4)))),
    ("path_unlink_file", "iii", Deny::Path(Some((1, 2)))),
    ("poll_oneoff", "iiii", Deny::Quiet(ENOSYS)),
    ("proc_raise", "i", Deny::Process),
    ("sock_accept", "iii", Deny::Network),
    ("sock_recv", "iiiiii", Deny::Network),
    ("sock_send", "iiiii", Deny::Network),
    ("sock_shutdown", "ii", Deny::Network),
];

/// The functions implemented below (with [`DENIED`]: the whole snapshot, which the tests check
/// against the parent's list, `sandbench::engine::exec::wasm::WASI_FUNCTIONS`).
#[cfg(test)]
const GRANTED: &[&str] = &[
    "args_get",
    "args_sizes_get",
    "environ_get",
    "environ_sizes_get",
    "clock_res_get",
    "clock_time_get",
    "fd_close",
    "fd_fdstat_get",
    "fd_filestat_get",
    "fd_prestat_get",
    "fd_prestat_dir_name",
    "fd_readdir",
    "path_filestat_get",
    "path_open",
    "fd_read",
    "fd_seek",
    "fd_tell",
    "fd_write",
    "proc_exit",
    "random_get",
    "sched_yield",
];

/// The module's exported memory (WASI passes every buffer through it).
fn memory(caller: &mut Caller<'_, RunState>) -> Option<Memory> {
    match caller.get_export("memory") {
        Some(Extern::Memory(m)) => Some(m),
        _ => None,
    }
}

fn read_u32(data: &[u8], at: usize) -> Option<u32> {
    let b = data.get(at..at.checked_add(4)?)?;
    Some(u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
}

fn write_bytes(data: &mut [u8], at: u32, bytes: &[u8]) -> bool {
    let at = at as usize;
    match at
        .checked_add(bytes.len())
        .and_then(|end| data.get_mut(at..end))
    {
        Some(dst) => {
            dst.copy_from_slice(bytes);
            true
        }
        None => false,
    }
}

/// Writes little-endian values at `ptr` in the module's memory; `EFAULT` when out of bounds.
fn put(caller: &mut Caller<'_, RunState>, ptr: i32, bytes: &[u8]) -> i32 {
    let Some(mem) = memory(caller) else {
        return EFAULT;
    };
    if write_bytes(mem.data_mut(caller), ptr as u32, bytes) {
        ESUCCESS
    } else {
        EFAULT
    }
}

/// Writes a count and a size (`*_sizes_get`), the first error stopping.
fn put_sizes(caller: &mut Caller<'_, RunState>, a: (i32, u32), b: (i32, u32)) -> i32 {
    match put(caller, a.0, &a.1.to_le_bytes()) {
        ESUCCESS => put(caller, b.0, &b.1.to_le_bytes()),
        errno => errno,
    }
}

/// The module's memory, this run's state and the `(ptr, len)` buffers of an iovec array
/// (`fd_read`, `fd_write`); `EFAULT` when there is no memory or the array lies outside it.
fn with_iovecs(
    caller: &mut Caller<'_, RunState>,
    iovs: i32,
    count: i32,
    f: impl FnOnce(&mut [u8], &mut RunState, Vec<(usize, usize)>) -> i32,
) -> i32 {
    let Some(mem) = memory(caller) else {
        return EFAULT;
    };
    let (data, state) = mem.data_and_store_mut(caller);
    match iovecs(data, iovs, count) {
        Some(list) => f(data, state, list),
        None => EFAULT,
    }
}

/// The path a denied call asked for, bounded and lossily decoded (for the Blocked message).
fn path_arg(caller: &mut Caller<'_, RunState>, ptr: &Val, len: &Val) -> String {
    let (Some(ptr), Some(len)) = (ptr.i32(), len.i32()) else {
        return String::new();
    };
    let Some(mem) = memory(caller) else {
        return String::new();
    };
    let data = mem.data(&*caller);
    let start = ptr as u32 as usize;
    let len = (len as u32 as usize).min(MAX_PATH_SHOWN);
    match start.checked_add(len).and_then(|end| data.get(start..end)) {
        Some(b) => String::from_utf8_lossy(b).into_owned(),
        None => String::new(),
    }
}

/// The `(ptr, len)` pairs of an iovec array, or `None` if it lies outside memory.
fn iovecs(data: &[u8], iovs: i32, count: i32) -> Option<Vec<(usize, usize)>> {
    let count = usize::try_from(count).ok()?;
    // An iovec is 8 bytes; a list longer than memory cannot be valid (bounds the Vec).
    if count > data.len() / 8 {
        return None;
    }
    let base = iovs as u32 as usize;
    (0..count)
        .map(|i| {
            let at = base.checked_add(i * 8)?;
            Some((
                read_u32(data, at)? as usize,
                read_u32(data, at + 4)? as usize,
            ))
        })
        .collect()
}

/// What `fd_fdstat_get` reports for `fd`: stdin/stdout/stderr are character devices (filetype
/// 2) with every right on; any other descriptor is the preopens' table's.
fn describe(c: &Caller<'_, RunState>, fd: i32) -> Option<Described> {
    if (0..=2).contains(&fd) {
        return Some(Described {
            filetype: FILETYPE_CHARACTER_DEVICE,
            rights_base: u64::MAX,
            rights_inheriting: 0,
        });
    }
    c.data().files.describe(fd)
}

/// Defines all of WASI preview 1 in `linker`.
pub(crate) fn define(linker: &mut Linker<RunState>) -> wasmtime::Result<()> {
    define_granted(linker)?;
    let engine = linker.engine().clone();
    for &(name, sig, deny) in DENIED {
        let ty = FuncType::new(&engine, types(sig), [ValType::I32]);
        linker.func_new(MODULE, name, ty, move |mut caller, params, results| {
            let errno = match deny {
                Deny::Quiet(errno) => errno,
                Deny::Path(at) => {
                    let path = at
                        .and_then(|(p, l)| Some((params.get(p)?, params.get(l)?)))
                        .map(|(p, l)| path_arg(&mut caller, p, l))
                        .unwrap_or_default();
                    refuse_path(&mut caller, name, &path);
                    ENOTCAPABLE
                }
                Deny::Network => {
                    caller.data_mut().block(
                        name,
                        Category::Network,
                        format!("{name} refused: no socket is granted to this module"),
                    );
                    ENOTCAPABLE
                }
                Deny::Process => {
                    caller.data_mut().block(
                        name,
                        Category::ProcessAccess,
                        format!("{name} refused: signals are not available in sandbox"),
                    );
                    ENOSYS
                }
            };
            if let Some(r) = results.first_mut() {
                *r = Val::I32(errno);
            }
            Ok(())
        })?;
    }
    Ok(())
}

fn define_granted(linker: &mut Linker<RunState>) -> wasmtime::Result<()> {
    // args: the module's file name only; the environment is empty.
    linker.func_wrap(
        MODULE,
        "args_sizes_get",
        |mut c: Caller<'_, RunState>, argc: i32, size: i32| -> i32 {
            let (n, bytes) = c.data().args_sizes();
            put_sizes(&mut c, (argc, n), (size, bytes))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "args_get",
        |mut c: Caller<'_, RunState>, argv: i32, buf: i32| -> i32 {
            let args = c.data().args.clone();
            let mut at = buf as u32;
            for (i, a) in args.iter().enumerate() {
                let mut z = a.as_bytes().to_vec();
                z.push(0);
                let slot = (argv as u32).wrapping_add(4 * i as u32);
                if put(&mut c, slot as i32, &at.to_le_bytes()) != ESUCCESS
                    || put(&mut c, at as i32, &z) != ESUCCESS
                {
                    return EFAULT;
                }
                at = at.wrapping_add(z.len() as u32);
            }
            ESUCCESS
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_sizes_get",
        |mut c: Caller<'_, RunState>, count: i32, size: i32| -> i32 {
            put_sizes(&mut c, (count, 0), (size, 0))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "environ_get",
        |_: Caller<'_, RunState>, _: i32, _: i32| -> i32 { ESUCCESS },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_res_get",
        |mut c: Caller<'_, RunState>, id: i32, res: i32| -> i32 {
            if !(0..=3).contains(&id) {
                return EINVAL;
            }
            put(&mut c, res, &1000u64.to_le_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "clock_time_get",
        |mut c: Caller<'_, RunState>, id: i32, _precision: i64, out: i32| -> i32 {
            let ns = match id {
                0 => std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .map_or(0, |d| d.as_nanos() as u64),
                // monotonic, and the process/thread CPU clocks (approximated by the run's time)
                1..=3 => c.data().started.elapsed().as_nanos() as u64,
                _ => return EINVAL,
            };
            put(&mut c, out, &ns.to_le_bytes())
        },
    )?;
    define_files(linker)?;
    linker.func_wrap(
        MODULE,
        "fd_write",
        |mut c: Caller<'_, RunState>, fd: i32, iovs: i32, n: i32, nwritten: i32| -> i32 {
            if fd != 1 && fd != 2 {
                return EBADF;
            }
            let mut total: u32 = 0;
            let r = with_iovecs(&mut c, iovs, n, |data, state, list| {
                for (ptr, len) in list {
                    let Some(bytes) = ptr.checked_add(len).and_then(|end| data.get(ptr..end))
                    else {
                        return EFAULT;
                    };
                    state.console_write(fd == 2, bytes);
                    total = total.saturating_add(len as u32);
                }
                ESUCCESS
            });
            if r != ESUCCESS {
                return r;
            }
            put(&mut c, nwritten, &total.to_le_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "proc_exit",
        |_: Caller<'_, RunState>, code: i32| -> wasmtime::Result<()> {
            Err(wasmtime::Error::new(WasmTrap::Exit(code)))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "random_get",
        |mut c: Caller<'_, RunState>, buf: i32, len: i32| -> i32 {
            let len = len as u32;
            if len > MAX_RANDOM_BYTES {
                return EINVAL;
            }
            let mut bytes = vec![0u8; len as usize];
            if getrandom::fill(&mut bytes).is_err() {
                return ENOSYS;
            }
            put(&mut c, buf, &bytes)
        },
    )?;
    linker.func_wrap(MODULE, "sched_yield", |_: Caller<'_, RunState>| -> i32 {
        std::thread::yield_now();
        ESUCCESS
    })?;
    Ok(())
}

/// Records a refused path call of a module with no granted directory (capability: the call),
/// or of a write-like call when directories are granted read-only.
fn refuse_path(caller: &mut Caller<'_, RunState>, name: &str, path: &str) {
    let why = if caller.data().files.granted() {
        "the granted directories are read-only"
    } else {
        "no directory is granted to this module"
    };
    caller.data_mut().block(
        name,
        Category::Filesystem,
        format!("{name}({path:?}) refused: {why}"),
    );
}

/// A failed file call: records its refusal (when it was one) and answers its errno.
fn fail(caller: &mut Caller<'_, RunState>, e: FsError) -> i32 {
    if let Some((path, message)) = e.blocked {
        caller
            .data_mut()
            .block(&path, Category::Filesystem, message);
    }
    e.errno
}

/// A file call's answer: its bytes written at `ptr`, or its failure (see [`fail`]).
fn answer<B: AsRef<[u8]>>(
    caller: &mut Caller<'_, RunState>,
    ptr: i32,
    r: Result<B, FsError>,
) -> i32 {
    match r {
        Ok(b) => put(caller, ptr, b.as_ref()),
        Err(e) => fail(caller, e),
    }
}

/// The path argument of `name`, whole, when a directory is granted; without one the call is
/// refused and recorded under its own name (as before grants existed).
fn granted_path(
    caller: &mut Caller<'_, RunState>,
    name: &str,
    ptr: i32,
    len: i32,
) -> Result<Vec<u8>, i32> {
    if !caller.data().files.granted() {
        let shown = path_arg(caller, &Val::I32(ptr), &Val::I32(len));
        refuse_path(caller, name, &shown);
        return Err(ENOTCAPABLE);
    }
    let len = len as u32 as usize;
    if len > files::MAX_PATH {
        return Err(files::ENAMETOOLONG);
    }
    let mem = memory(caller).ok_or(EFAULT)?;
    let start = ptr as u32 as usize;
    start
        .checked_add(len)
        .and_then(|end| mem.data(&*caller).get(start..end))
        .map(<[u8]>::to_vec)
        .ok_or(EFAULT)
}

/// `fd_seek` (and `fd_tell`: 0 from the current offset): stdio cannot seek.
fn seek(c: &mut Caller<'_, RunState>, fd: i32, off: i64, whence: i32, out: i32) -> i32 {
    if (0..=2).contains(&fd) {
        return ESPIPE;
    }
    let pos = c.data_mut().files.seek(fd, off, whence);
    answer(c, out, pos.map(u64::to_le_bytes))
}

/// The descriptor calls: stdio as before, and the read-only preopens of [`files`].
fn define_files(linker: &mut Linker<RunState>) -> wasmtime::Result<()> {
    linker.func_wrap(
        MODULE,
        "fd_close",
        |mut c: Caller<'_, RunState>, fd: i32| -> i32 {
            if (0..=2).contains(&fd) {
                return ESUCCESS;
            }
            match c.data_mut().files.close(fd) {
                Ok(()) => ESUCCESS,
                Err(e) => fail(&mut c, e),
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_fdstat_get",
        |mut c: Caller<'_, RunState>, fd: i32, out: i32| -> i32 {
            let Some(d) = describe(&c, fd) else {
                return EBADF;
            };
            let mut b = [0u8; 24];
            b[0] = d.filetype;
            b[8..16].copy_from_slice(&d.rights_base.to_le_bytes());
            b[16..24].copy_from_slice(&d.rights_inheriting.to_le_bytes());
            put(&mut c, out, &b)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_filestat_get",
        |mut c: Caller<'_, RunState>, fd: i32, out: i32| -> i32 {
            if (0..=2).contains(&fd) {
                let mut b = [0u8; 64];
                b[16] = FILETYPE_CHARACTER_DEVICE;
                return put(&mut c, out, &b);
            }
            let stat = c.data_mut().files.fd_stat(fd);
            answer(&mut c, out, stat.map(|s| files::filestat(&s)))
        },
    )?;
    // A WASI libc scans fd 3, 4, … until EBADF: with no grant, the scan ends at once.
    linker.func_wrap(
        MODULE,
        "fd_prestat_get",
        |mut c: Caller<'_, RunState>, fd: i32, out: i32| -> i32 {
            let Some(len) = c.data().files.preopen_name(fd).map(str::len) else {
                return EBADF;
            };
            let mut b = [0u8; 8]; // tag 0: a directory, then the name's length
            b[4..8].copy_from_slice(&(len as u32).to_le_bytes());
            put(&mut c, out, &b)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_prestat_dir_name",
        |mut c: Caller<'_, RunState>, fd: i32, buf: i32, len: i32| -> i32 {
            let Some(name) = c.data().files.preopen_name(fd).map(str::to_owned) else {
                return EBADF;
            };
            if (len as u32 as usize) < name.len() {
                return files::ENAMETOOLONG;
            }
            put(&mut c, buf, name.as_bytes())
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_read",
        |mut c: Caller<'_, RunState>, fd: i32, iovs: i32, n: i32, nread: i32| -> i32 {
            if fd == 0 {
                // stdin is empty.
                return put(&mut c, nread, &0u32.to_le_bytes());
            }
            if !c.data().files.has(fd) {
                return EBADF;
            }
            let mut got = Err(FsError::errno(EFAULT));
            let r = with_iovecs(&mut c, iovs, n, |data, state, list| {
                let lens: Vec<usize> = list.iter().map(|&(_, len)| len).collect();
                got = state.files.read(fd, &lens, |i, bytes| {
                    list.get(i)
                        .is_some_and(|&(ptr, _)| write_bytes(data, ptr as u32, bytes))
                });
                ESUCCESS
            });
            if r != ESUCCESS {
                return r;
            }
            answer(&mut c, nread, got.map(|total| (total as u32).to_le_bytes()))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_seek",
        |mut c: Caller<'_, RunState>, fd: i32, off: i64, whence: i32, out: i32| -> i32 {
            seek(&mut c, fd, off, whence, out)
        },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_tell",
        |mut c: Caller<'_, RunState>, fd: i32, out: i32| -> i32 { seek(&mut c, fd, 0, 1, out) },
    )?;
    linker.func_wrap(
        MODULE,
        "fd_readdir",
        |mut c: Caller<'_, RunState>, fd: i32, buf: i32, len: i32, cookie: i64, used: i32| -> i32 {
            // Bounded by the module's memory: the buffer must lie inside it.
            let max = (len as u32 as usize).min(memory(&mut c).map_or(0, |m| m.data_size(&c)));
            match c.data_mut().files.readdir(fd, cookie as u64, max) {
                Ok(bytes) => {
                    let r = put(&mut c, buf, &bytes);
                    if r != ESUCCESS {
                        return r;
                    }
                    put(&mut c, used, &(bytes.len() as u32).to_le_bytes())
                }
                Err(e) => fail(&mut c, e),
            }
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_open",
        |mut c: Caller<'_, RunState>,
         dirfd: i32,
         _lookup: i32,
         path: i32,
         path_len: i32,
         oflags: i32,
         rights_base: i64,
         _rights_inheriting: i64,
         fdflags: i32,
         out: i32|
         -> i32 {
            let rel = match granted_path(&mut c, "path_open", path, path_len) {
                Ok(p) => p,
                Err(errno) => return errno,
            };
            let opened = c
                .data_mut()
                .files
                .open(dirfd, &rel, oflags, rights_base as u64, fdflags);
            answer(&mut c, out, opened.map(|fd| fd.to_le_bytes()))
        },
    )?;
    linker.func_wrap(
        MODULE,
        "path_filestat_get",
        |mut c: Caller<'_, RunState>,
         dirfd: i32,
         _flags: i32,
         path: i32,
         len: i32,
         out: i32|
         -> i32 {
            let rel = match granted_path(&mut c, "path_filestat_get", path, len) {
                Ok(p) => p,
                Err(errno) => return errno,
            };
            let stat = c.data_mut().files.path_stat(dirfd, &rel);
            answer(&mut c, out, stat.map(|s| files::filestat(&s)))
        },
    )?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_covers_the_snapshot_once() {
        let mut names: Vec<&str> = GRANTED.to_vec();
        names.extend(DENIED.iter().map(|(n, _, _)| *n));
        let n = names.len();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), n, "a function listed twice");
        // Exactly the functions the parent lists (and `scan` and the import check use).
        let mut want = sandbench::engine::exec::wasm::WASI_FUNCTIONS.to_vec();
        want.sort_unstable();
        assert_eq!(names, want);
    }

    #[test]
    fn iovecs_outside_memory_are_refused() {
        let mut mem = vec![0u8; 64];
        mem[0..4].copy_from_slice(&16u32.to_le_bytes());
        mem[4..8].copy_from_slice(&5u32.to_le_bytes());
        assert_eq!(iovecs(&mem, 0, 1), Some(vec![(16, 5)]));
        assert_eq!(iovecs(&mem, 60, 1), None);
        assert_eq!(iovecs(&mem, 0, i32::MAX), None);
        assert_eq!(iovecs(&mem, -8, 1), None);
    }
}
