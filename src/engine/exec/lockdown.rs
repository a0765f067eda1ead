//! Locking a worker process down before it reads any untrusted code.
//!
//! [`apply`] is called by `sandbench worker` as its first act, while the process is still
//! single-threaded, so every thread the engine starts later inherits it:
//!
//! 0. every inherited descriptor above 2 is closed.
//! 1. rlimits: address space (memory limit + headroom), CPU seconds (from the wall timeout),
//!    no core dumps, no file writes (`RLIMIT_FSIZE` 0), no new file descriptors
//!    (`RLIMIT_NOFILE` 3), no locked memory, no message queues. `RLIMIT_NPROC` is per user and
//!    would also refuse the engine's own thread, so new processes are refused by seccomp
//!    instead.
//! 2. working directory `/` (the parent also starts the worker there with an empty
//!    environment).
//! 3. Landlock, best effort: every file-system access right, TCP bind/connect and abstract
//!    unix sockets / signals outside the sandbox are handled with no rule granting any.
//! 4. `PR_SET_NO_NEW_PRIVS`.
//! 5. A seccomp allowlist: memory management (never executable), reading fd 0 and writing fds 1 and 2, clocks,
//!    futexes, signals for itself, threads (`clone` with `CLONE_THREAD` only), exit. Every
//!    other system call fails with `EPERM` — so even native code running in the worker cannot
//!    open a file, a socket or a process. `clone3` fails with `ENOSYS` so that the C library
//!    falls back to `clone`, whose flags the filter can inspect.

use std::fmt;

/// What the lockdown is sized from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockdownConfig {
    /// `RLIMIT_AS` in bytes (`None`: leave unlimited).
    pub address_space_bytes: Option<u64>,
    /// `RLIMIT_CPU` soft limit in seconds (SIGXCPU); the hard limit is one second more.
    pub cpu_seconds: u64,
}

/// Address space allowed on top of the script's memory limit: the binary and its libraries,
/// the engine thread's native stack, allocator arenas and the host's own buffers. Measured: an
/// idle worker maps ~86 MB; a memory bomb under a 512 MB limit peaked at 597 MB (limit + 85);
/// a new glibc thread arena briefly maps 128 MB while it aligns itself.
pub const ADDRESS_SPACE_HEADROOM_MB: u64 = 384;

impl LockdownConfig {
    /// Sized for a run with these limits.
    pub fn for_limits(memory_mb: u64, wall_timeout_ms: u64) -> Self {
        LockdownConfig {
            address_space_bytes: Some(
                memory_mb
                    .saturating_add(ADDRESS_SPACE_HEADROOM_MB)
                    .saturating_mul(1024 * 1024),
            ),
            cpu_seconds: wall_timeout_ms.div_ceil(1000).saturating_add(1),
        }
    }
}

/// Whether Landlock took effect.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LandlockState {
    Full,
    Partial,
    /// The kernel has no Landlock (or it is disabled): the other layers still apply.
    Unsupported,
}

impl LandlockState {
    pub fn as_str(self) -> &'static str {
        match self {
            LandlockState::Full => "full",
            LandlockState::Partial => "partial",
            LandlockState::Unsupported => "unsupported",
        }
    }
}

/// What [`apply`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockdownStatus {
    pub landlock: LandlockState,
}

/// A layer that could not be applied. The worker refuses to run code after any of these.
#[derive(Debug)]
pub struct LockdownError {
    pub step: &'static str,
    pub detail: String,
}

impl fmt::Display for LockdownError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "lockdown failed at {}: {}", self.step, self.detail)
    }
}

impl std::error::Error for LockdownError {}

fn err(step: &'static str, detail: impl fmt::Display) -> LockdownError {
    LockdownError {
        step,
        detail: detail.to_string(),
    }
}

/// Whether this kernel can install seccomp filters (checked without installing one).
#[cfg(target_os = "linux")]
pub fn seccomp_available() -> Result<(), String> {
    // SAFETY: PR_GET_SECCOMP takes no pointer arguments.
    let mode = unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) };
    if mode < 0 {
        return Err(format!(
            "the kernel has no seccomp support ({})",
            std::io::Error::last_os_error()
        ));
    }
    if mode == 1 {
        return Err("this process is in strict seccomp mode".to_string());
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn seccomp_available() -> Result<(), String> {
    Err("not Linux: the process executor needs seccomp".to_string())
}

/// Applies every layer to the calling process. Call it while single-threaded.
#[cfg(target_os = "linux")]
pub fn apply(cfg: &LockdownConfig) -> Result<LockdownStatus, LockdownError> {
    close_inherited_fds();
    set_rlimits(cfg)?;
    // SAFETY: a constant NUL-terminated path.
    if unsafe { libc::chdir(c"/".as_ptr()) } != 0 {
        return Err(err("chdir /", std::io::Error::last_os_error()));
    }
    let landlock = apply_landlock();
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(err("no_new_privs", std::io::Error::last_os_error()));
    }
    apply_seccomp()?;
    Ok(LockdownStatus { landlock })
}

#[cfg(not(target_os = "linux"))]
pub fn apply(_cfg: &LockdownConfig) -> Result<LockdownStatus, LockdownError> {
    Err(err("platform", "not Linux: no seccomp"))
}

/// Closes every descriptor above stdin/stdout/stderr, so nothing the parent leaked (a file, a
/// socket, a terminal) reaches the sandbox.
#[cfg(target_os = "linux")]
fn close_inherited_fds() {
    // SAFETY: close_range takes integer arguments; closing descriptors we do not use is safe
    // while the process is single-threaded.
    let r = unsafe { libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32) };
    if r != 0 {
        // Kernels before 5.9: close what the descriptor table can hold.
        // SAFETY: as above; sysconf has no preconditions.
        let max = unsafe { libc::sysconf(libc::_SC_OPEN_MAX) }.clamp(3, 65_536) as i32;
        for fd in 3..max {
            // SAFETY: closing a possibly-unused descriptor number.
            unsafe { libc::close(fd) };
        }
    }
}

#[cfg(target_os = "linux")]
fn set_rlimits(cfg: &LockdownConfig) -> Result<(), LockdownError> {
    fn set(resource: libc::__rlimit_resource_t, soft: u64, hard: u64) -> Result<(), String> {
        let lim = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: `lim` is a valid rlimit for the duration of the call.
        if unsafe { libc::setrlimit(resource, &lim) } != 0 {
            return Err(std::io::Error::last_os_error().to_string());
        }
        Ok(())
    }
    if let Some(bytes) = cfg.address_space_bytes {
        set(libc::RLIMIT_AS, bytes, bytes).map_err(|e| err("RLIMIT_AS", e))?;
    }
    let cpu = cfg.cpu_seconds.max(1);
    set(libc::RLIMIT_CPU, cpu, cpu.saturating_add(1)).map_err(|e| err("RLIMIT_CPU", e))?;
    set(libc::RLIMIT_CORE, 0, 0).map_err(|e| err("RLIMIT_CORE", e))?;
    set(libc::RLIMIT_FSIZE, 0, 0).map_err(|e| err("RLIMIT_FSIZE", e))?;
    set(libc::RLIMIT_NOFILE, 3, 3).map_err(|e| err("RLIMIT_NOFILE", e))?;
    set(libc::RLIMIT_MEMLOCK, 0, 0).map_err(|e| err("RLIMIT_MEMLOCK", e))?;
    set(libc::RLIMIT_MSGQUEUE, 0, 0).map_err(|e| err("RLIMIT_MSGQUEUE", e))?;
    Ok(())
}

#[cfg(target_os = "linux")]
fn apply_landlock() -> LandlockState {
    use landlock::{
        Access, AccessFs, AccessNet, RestrictionStatus, Ruleset, RulesetAttr, RulesetStatus, Scope,
        ABI,
    };
    let abi = ABI::V6;
    let result = Ruleset::default()
        .handle_access(AccessFs::from_all(abi))
        .and_then(|r| r.handle_access(AccessNet::from_all(abi)))
        .and_then(|r| r.scope(Scope::from_all(abi)))
        .and_then(|r| r.create())
        .and_then(|r| r.restrict_self());
    match result {
        Ok(RestrictionStatus {
            ruleset: RulesetStatus::FullyEnforced,
            ..
        }) => LandlockState::Full,
        Ok(RestrictionStatus {
            ruleset: RulesetStatus::PartiallyEnforced,
            ..
        }) => LandlockState::Partial,
        // Best effort: seccomp below denies the same system calls anyway.
        Ok(_) | Err(_) => LandlockState::Unsupported,
    }
}

/// The system calls the worker may make after lockdown, unconditionally.
#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const ALLOWED: &[libc::c_long] = &[
    // memory management (mmap and mprotect: see the rules below)
    libc::SYS_munmap,
    libc::SYS_mremap,
    libc::SYS_brk,
    libc::SYS_madvise,
    // clocks and sleeping
    libc::SYS_clock_gettime,
    libc::SYS_clock_getres,
    libc::SYS_gettimeofday,
    libc::SYS_nanosleep,
    libc::SYS_clock_nanosleep,
    libc::SYS_getrusage,
    // threads and synchronisation
    libc::SYS_futex,
    libc::SYS_sched_yield,
    libc::SYS_set_robust_list,
    libc::SYS_rseq,
    libc::SYS_gettid,
    libc::SYS_getpid,
    // signals (handlers, masks, alternate stacks for the stack-overflow guard)
    libc::SYS_sigaltstack,
    libc::SYS_rt_sigreturn,
    libc::SYS_rt_sigprocmask,
    libc::SYS_rt_sigaction,
    libc::SYS_restart_syscall,
    // randomness for hash seeds, Math.random
    libc::SYS_getrandom,
    libc::SYS_close,
    libc::SYS_exit,
    libc::SYS_exit_group,
];

#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const ALLOWED: &[libc::c_long] = &[
    libc::SYS_munmap,
    libc::SYS_mremap,
    libc::SYS_brk,
    libc::SYS_madvise,
    libc::SYS_clock_gettime,
    libc::SYS_clock_getres,
    libc::SYS_gettimeofday,
    libc::SYS_nanosleep,
    libc::SYS_clock_nanosleep,
    libc::SYS_getrusage,
    libc::SYS_futex,
    libc::SYS_sched_yield,
    libc::SYS_set_robust_list,
    libc::SYS_rseq,
    libc::SYS_gettid,
    libc::SYS_getpid,
    libc::SYS_sigaltstack,
    libc::SYS_rt_sigreturn,
    libc::SYS_rt_sigprocmask,
    libc::SYS_rt_sigaction,
    libc::SYS_restart_syscall,
    libc::SYS_getrandom,
    libc::SYS_close,
    libc::SYS_exit,
    libc::SYS_exit_group,
];

#[cfg(target_os = "linux")]
fn apply_seccomp() -> Result<(), LockdownError> {
    use seccompiler::{
        BpfProgram, SeccompAction, SeccompCmpArgLen as Len, SeccompCmpOp as Op, SeccompCondition,
        SeccompFilter, SeccompRule,
    };
    use std::collections::BTreeMap;

    let arch: seccompiler::TargetArch = std::env::consts::ARCH
        .try_into()
        .map_err(|e| err("seccomp", format!("unsupported architecture: {e}")))?;
    let cond = |arg: u8, len: Len, op: Op, value: u64| {
        SeccompCondition::new(arg, len, op, value).map_err(|e| err("seccomp", e))
    };
    let rule =
        |conds: Vec<SeccompCondition>| SeccompRule::new(conds).map_err(|e| err("seccomp", e));
    let fd_rules = |fds: &[u64]| -> Result<Vec<SeccompRule>, LockdownError> {
        fds.iter()
            .map(|&fd| rule(vec![cond(0, Len::Dword, Op::Eq, fd)?]))
            .collect()
    };

    let mut rules: BTreeMap<i64, Vec<SeccompRule>> = BTreeMap::new();
    for &nr in ALLOWED {
        rules.insert(nr, Vec::new());
    }
    // Its pipes only: the request on fd 0, events on fd 1, diagnostics on fd 2.
    rules.insert(libc::SYS_read, fd_rules(&[0])?);
    rules.insert(libc::SYS_write, fd_rules(&[1, 2])?);
    rules.insert(libc::SYS_writev, fd_rules(&[1, 2])?);
    // Memory, never executable memory: nothing after start-up needs new code pages (QuickJS
    // has no JIT), so an exploit cannot turn data it wrote into code.
    let exec = libc::PROT_EXEC as u64;
    for nr in [libc::SYS_mmap, libc::SYS_mprotect] {
        rules.insert(
            nr,
            vec![rule(vec![cond(2, Len::Dword, Op::MaskedEq(exec), 0)?])?],
        );
    }
    // Threads, never processes: clone must carry CLONE_THREAD.
    let thread = libc::CLONE_THREAD as u64;
    rules.insert(
        libc::SYS_clone,
        vec![rule(vec![cond(
            0,
            Len::Qword,
            Op::MaskedEq(thread),
            thread,
        )?])?],
    );
    // Signals to itself only (abort() on a Rust panic uses tgkill).
    // SAFETY: getpid has no preconditions.
    let pid = u64::try_from(unsafe { libc::getpid() }).map_err(|e| err("seccomp", e))?;
    rules.insert(
        libc::SYS_tgkill,
        vec![rule(vec![cond(0, Len::Dword, Op::Eq, pid)?])?],
    );
    // Naming its own thread (PR_SET_NAME) and nothing else through prctl.
    rules.insert(
        libc::SYS_prctl,
        vec![rule(vec![cond(
            0,
            Len::Dword,
            Op::Eq,
            libc::PR_SET_NAME as u64,
        )?])?],
    );

    // clone3 hides its flags behind a pointer: a first filter answers ENOSYS so the C library
    // falls back to clone. The main filter lets clone3 through, so the first filter's answer
    // stands (ERRNO takes precedence over ALLOW across stacked filters).
    rules.insert(libc::SYS_clone3, Vec::new());
    let main = SeccompFilter::new(
        rules,
        SeccompAction::Errno(libc::EPERM as u32),
        SeccompAction::Allow,
        arch,
    )
    .map_err(|e| err("seccomp", e))?;
    let main: BpfProgram = main.try_into().map_err(|e| err("seccomp", e))?;

    let mut clone3 = BTreeMap::new();
    clone3.insert(libc::SYS_clone3, Vec::new());
    let clone3 = SeccompFilter::new(
        clone3,
        SeccompAction::Allow,
        SeccompAction::Errno(libc::ENOSYS as u32),
        arch,
    )
    .map_err(|e| err("seccomp", e))?;
    let clone3: BpfProgram = clone3.try_into().map_err(|e| err("seccomp", e))?;

    seccompiler::apply_filter(&clone3).map_err(|e| err("seccomp", e))?;
    seccompiler::apply_filter(&main).map_err(|e| err("seccomp", e))?;
    Ok(())
}
