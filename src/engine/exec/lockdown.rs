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
//! 2. working directory: an empty directory on tmpfs (`/dev/shm`, else `/tmp`), entered and
//!    then removed, so nothing can be created in it even before seccomp; `/` only where no
//!    such directory can be made. (The parent starts the worker in `/`, with an empty
//!    environment.)
//! 3. Landlock, best effort: every file-system access right, TCP bind/connect and abstract
//!    unix sockets / signals outside the sandbox are handled with no rule granting any.
//! 4. `PR_SET_NO_NEW_PRIVS`.
//! 5. A seccomp allowlist: memory management (never executable), reading fd 0 and writing
//!    fds 1 and 2, clocks, futexes, signals for itself, threads (`clone` with `CLONE_THREAD`
//!    only), arming its own CPU kill timer ([`CpuKillTimer`], created before), exit. Every
//!    other system call fails with `EPERM` — so even native code running in the worker cannot
//!    open a file, a socket or a process. `clone3` fails with `ENOSYS` so that the C library
//!    falls back to `clone`, whose flags the filter can inspect. The filter is one BPF program
//!    doing a binary search over the system call numbers (built here, installed with
//!    seccompiler); a test checks it decides exactly like the linear seccompiler filter.

use std::io;

/// What the lockdown is sized from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockdownConfig {
    /// `RLIMIT_AS` in bytes (`None`: leave unlimited).
    pub address_space_bytes: Option<u64>,
    /// `RLIMIT_CPU` soft limit in seconds (SIGXCPU); the hard limit is one second more.
    pub cpu_seconds: u64,
    /// The kernel id of this process's [`CpuKillTimer`]: the one timer the locked-down process
    /// may (re)arm.
    pub cpu_timer: Option<i32>,
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
            cpu_timer: None,
        }
    }
}

/// A kernel timer on this process's CPU clock that kills the process (`SIGKILL`) when it
/// fires: the worker's CPU budget, enforced by the kernel whatever the engine is doing (a
/// builtin that never polls the interrupt handler, the compiler). The kernel checks CPU timers
/// at its scheduler tick, so it fires within a tick of its deadline.
///
/// Created before the lockdown (the seccomp filter refuses `timer_create`) and armed when the
/// run starts (`timer_settime`, allowed for this timer only). A worker that disarmed it
/// (through a memory-safety bug) would still meet the parent, which reads the worker's CPU
/// clock and kills it at the same budget.
#[derive(Debug)]
pub struct CpuKillTimer {
    id: i32,
}

impl CpuKillTimer {
    /// A disarmed timer on `CLOCK_PROCESS_CPUTIME_ID` that delivers `SIGKILL`.
    #[cfg(target_os = "linux")]
    pub fn create() -> io::Result<CpuKillTimer> {
        // SAFETY: an all-zero sigevent is a valid value; the fields that matter are set below.
        let mut ev: libc::sigevent = unsafe { std::mem::zeroed() };
        ev.sigev_notify = libc::SIGEV_SIGNAL;
        ev.sigev_signo = libc::SIGKILL;
        let mut id: libc::c_int = 0;
        // The raw system call: its timer id is the kernel's (glibc's timer_t wraps it), which
        // the seccomp rule names.
        // SAFETY: `ev` and `id` are valid for the duration of the call.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_timer_create,
                libc::CLOCK_PROCESS_CPUTIME_ID,
                &mut ev as *mut libc::sigevent,
                &mut id as *mut libc::c_int,
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(CpuKillTimer { id })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn create() -> io::Result<CpuKillTimer> {
        Err(io::ErrorKind::Unsupported.into())
    }

    /// The kernel's id of the timer.
    pub fn id(&self) -> i32 {
        self.id
    }

    /// Kills this process once its CPU clock (all threads) reaches `cpu_ns`.
    #[cfg(target_os = "linux")]
    pub fn arm_at(&self, cpu_ns: u64) -> io::Result<()> {
        let secs = cpu_ns / 1_000_000_000;
        let spec = libc::itimerspec {
            it_interval: libc::timespec {
                tv_sec: 0,
                tv_nsec: 0,
            },
            it_value: libc::timespec {
                tv_sec: libc::time_t::try_from(secs).unwrap_or(libc::time_t::MAX),
                // Under 10^9: fits every c_long.
                tv_nsec: (cpu_ns % 1_000_000_000) as libc::c_long,
            },
        };
        // SAFETY: `spec` is valid for the duration of the call; no old value is asked for.
        let rc = unsafe {
            libc::syscall(
                libc::SYS_timer_settime,
                self.id,
                libc::TIMER_ABSTIME,
                &spec as *const libc::itimerspec,
                std::ptr::null_mut::<libc::itimerspec>(),
            )
        };
        if rc != 0 {
            return Err(io::Error::last_os_error());
        }
        Ok(())
    }

    #[cfg(not(target_os = "linux"))]
    pub fn arm_at(&self, _cpu_ns: u64) -> io::Result<()> {
        Err(io::ErrorKind::Unsupported.into())
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
    /// The word the worker's probe reports (parsed back by [`str::parse`]).
    pub fn as_str(self) -> &'static str {
        match self {
            LandlockState::Full => "full",
            LandlockState::Partial => "partial",
            LandlockState::Unsupported => "unsupported",
        }
    }
}

/// A Landlock state word that is not one of [`LandlockState::as_str`]'s.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown Landlock state")]
pub struct UnknownLandlockState;

impl std::str::FromStr for LandlockState {
    type Err = UnknownLandlockState;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            LandlockState::Full,
            LandlockState::Partial,
            LandlockState::Unsupported,
        ]
        .into_iter()
        .find(|l| l.as_str() == s)
        .ok_or(UnknownLandlockState)
    }
}

/// What [`apply`] achieved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockdownStatus {
    pub landlock: LandlockState,
    pub workdir: Workdir,
}

/// The worker's working directory after [`apply`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Workdir {
    /// An empty directory, already removed (nothing can be created in it).
    EmptyRemoved,
    /// `/`: no temporary directory could be created (seccomp still denies every path).
    Root,
}

/// A layer that could not be applied. The worker refuses to run code after any of these.
#[derive(Debug, thiserror::Error)]
pub enum LockdownError {
    /// A system call of step `step` failed.
    #[error("lockdown failed at {step}: {source}")]
    Os {
        step: &'static str,
        #[source]
        source: io::Error,
    },
    /// The seccomp filter could not be built.
    #[error("lockdown failed at seccomp: {0}")]
    Filter(&'static str),
    #[cfg(target_os = "linux")]
    #[error("lockdown failed at seccomp: {0}")]
    Seccomp(#[from] seccompiler::Error),
    #[error("lockdown failed at platform: not Linux: no seccomp")]
    Unsupported,
}

/// The last OS error, as the failure of `step`.
#[cfg(target_os = "linux")]
fn os_error(step: &'static str) -> LockdownError {
    LockdownError::Os {
        step,
        source: io::Error::last_os_error(),
    }
}

/// Why this process cannot lock a worker down with seccomp.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SeccompUnavailable {
    /// `prctl(PR_GET_SECCOMP)` failed with this errno.
    #[error("the kernel has no seccomp support ({})", io::Error::from_raw_os_error(*.0))]
    NoKernelSupport(i32),
    #[error("this process is in strict seccomp mode")]
    StrictMode,
    #[error("not Linux: the process executor needs seccomp")]
    NotLinux,
}

/// Whether this kernel can install seccomp filters (checked without installing one).
#[cfg(target_os = "linux")]
pub fn seccomp_available() -> Result<(), SeccompUnavailable> {
    // SAFETY: PR_GET_SECCOMP takes no pointer arguments.
    let mode = unsafe { libc::prctl(libc::PR_GET_SECCOMP, 0, 0, 0, 0) };
    if mode < 0 {
        let errno = io::Error::last_os_error().raw_os_error().unwrap_or(0);
        return Err(SeccompUnavailable::NoKernelSupport(errno));
    }
    if mode == 1 {
        return Err(SeccompUnavailable::StrictMode);
    }
    Ok(())
}

#[cfg(not(target_os = "linux"))]
pub fn seccomp_available() -> Result<(), SeccompUnavailable> {
    Err(SeccompUnavailable::NotLinux)
}

/// Applies every layer to the calling process. Call it while single-threaded.
#[cfg(target_os = "linux")]
pub fn apply(cfg: &LockdownConfig) -> Result<LockdownStatus, LockdownError> {
    let status = apply_before_seccomp(cfg)?;
    apply_seccomp(cfg.cpu_timer)?;
    Ok(status)
}

/// [`apply`] in two steps, for the wasm worker (hook for issue 15): every layer but the seccomp
/// filter, then [`install_seccomp`]. Between the two the worker compiles its module, the one
/// step that must map executable pages (Cranelift's code), which the filter forbids; the module
/// runs only after the filter is in.
#[cfg(target_os = "linux")]
pub fn apply_before_seccomp(cfg: &LockdownConfig) -> Result<LockdownStatus, LockdownError> {
    close_inherited_fds();
    set_rlimits(cfg)?;
    let workdir = enter_empty_dir()?;
    let landlock = apply_landlock();
    // SAFETY: PR_SET_NO_NEW_PRIVS takes integer arguments only.
    if unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) } != 0 {
        return Err(os_error("no_new_privs"));
    }
    Ok(LockdownStatus { landlock, workdir })
}

/// The second step after [`apply_before_seccomp`] (call it while single-threaded).
#[cfg(target_os = "linux")]
pub fn install_seccomp(cfg: &LockdownConfig) -> Result<(), LockdownError> {
    apply_seccomp(cfg.cpu_timer)
}

#[cfg(not(target_os = "linux"))]
pub fn apply_before_seccomp(_cfg: &LockdownConfig) -> Result<LockdownStatus, LockdownError> {
    Err(LockdownError::Unsupported)
}

#[cfg(not(target_os = "linux"))]
pub fn install_seccomp(_cfg: &LockdownConfig) -> Result<(), LockdownError> {
    Err(LockdownError::Unsupported)
}

/// Makes the working directory an empty directory that no longer exists: creates a private
/// one on tmpfs (`/dev/shm`, else the temporary directory), enters it and removes it. Nothing
/// can be created in a removed directory, so it stays empty even before seccomp. Where neither
/// can be created, the root directory.
#[cfg(target_os = "linux")]
fn enter_empty_dir() -> Result<Workdir, LockdownError> {
    // The environment is empty in a worker: no TMPDIR, so the temporary directory is /tmp.
    for template in [
        c"/dev/shm/sandbench-cwd-XXXXXX",
        c"/tmp/sandbench-cwd-XXXXXX",
    ] {
        let mut path = template.to_bytes_with_nul().to_vec();
        // SAFETY: `path` is a writable NUL-terminated template ending in XXXXXX.
        if unsafe { libc::mkdtemp(path.as_mut_ptr().cast()) }.is_null() {
            continue;
        }
        // SAFETY: `path` now names the directory mkdtemp created (mode 0700, ours).
        let entered = unsafe { libc::chdir(path.as_ptr().cast()) } == 0;
        // SAFETY: as above; removing the (empty) directory we just created.
        let removed = unsafe { libc::rmdir(path.as_ptr().cast()) } == 0;
        if entered && removed {
            return Ok(Workdir::EmptyRemoved);
        }
    }
    // SAFETY: a constant NUL-terminated path.
    if unsafe { libc::chdir(c"/".as_ptr()) } != 0 {
        return Err(os_error("chdir /"));
    }
    Ok(Workdir::Root)
}

#[cfg(not(target_os = "linux"))]
pub fn apply(_cfg: &LockdownConfig) -> Result<LockdownStatus, LockdownError> {
    Err(LockdownError::Unsupported)
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
    fn set(
        step: &'static str,
        resource: libc::__rlimit_resource_t,
        soft: u64,
        hard: u64,
    ) -> Result<(), LockdownError> {
        let lim = libc::rlimit {
            rlim_cur: soft,
            rlim_max: hard,
        };
        // SAFETY: `lim` is a valid rlimit for the duration of the call.
        if unsafe { libc::setrlimit(resource, &lim) } != 0 {
            return Err(os_error(step));
        }
        Ok(())
    }
    if let Some(bytes) = cfg.address_space_bytes {
        set("RLIMIT_AS", libc::RLIMIT_AS, bytes, bytes)?;
    }
    let cpu = cfg.cpu_seconds.max(1);
    set("RLIMIT_CPU", libc::RLIMIT_CPU, cpu, cpu.saturating_add(1))?;
    set("RLIMIT_CORE", libc::RLIMIT_CORE, 0, 0)?;
    set("RLIMIT_FSIZE", libc::RLIMIT_FSIZE, 0, 0)?;
    set("RLIMIT_NOFILE", libc::RLIMIT_NOFILE, 3, 3)?;
    set("RLIMIT_MEMLOCK", libc::RLIMIT_MEMLOCK, 0, 0)?;
    set("RLIMIT_MSGQUEUE", libc::RLIMIT_MSGQUEUE, 0, 0)?;
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

/// The system calls the worker may make after lockdown, unconditionally (the same names on
/// x86_64 and aarch64).
#[cfg(all(
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
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

/// A test on one system call argument (its low 32 bits, like seccompiler's `Dword`).
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, PartialEq, Eq)]
enum ArgTest {
    /// The argument is one of these values.
    OneOf(Vec<u32>),
    /// `arg & mask == value`.
    MaskedEq { mask: u32, value: u32 },
}

/// What the filter answers for one system call number.
#[cfg(target_os = "linux")]
#[derive(Debug, Clone, PartialEq, Eq)]
enum Rule {
    Allow,
    /// Fail with this errno (not `EPERM`).
    Errno(u32),
    /// Allowed if argument `arg` passes `test`, else `EPERM`.
    If {
        arg: u8,
        test: ArgTest,
    },
}

/// The seccomp policy: every system call not listed fails with `EPERM`. `cpu_timer`: the
/// process's CPU kill timer, the only timer it may arm.
#[cfg(target_os = "linux")]
fn seccomp_rules(pid: u32, cpu_timer: Option<i32>) -> std::collections::BTreeMap<u32, Rule> {
    use std::collections::BTreeMap;
    // libc's system call numbers are small positive constants on every architecture (under
    // 1000 on x86_64 and aarch64): the conversion cannot fail.
    #[allow(clippy::expect_used)]
    let nr = |n: libc::c_long| u32::try_from(n).expect("system call numbers are small");
    let only = |arg: u8, values: &[u32]| Rule::If {
        arg,
        test: ArgTest::OneOf(values.to_vec()),
    };
    let mut rules: BTreeMap<u32, Rule> = ALLOWED.iter().map(|&n| (nr(n), Rule::Allow)).collect();
    // Its pipes only: the request on fd 0, events on fd 1, diagnostics on fd 2.
    rules.insert(nr(libc::SYS_read), only(0, &[0]));
    rules.insert(nr(libc::SYS_write), only(0, &[1, 2]));
    rules.insert(nr(libc::SYS_writev), only(0, &[1, 2]));
    // Memory, never executable memory: nothing after start-up needs new code pages (QuickJS
    // has no JIT), so an exploit cannot turn data it wrote into code.
    let no_exec = Rule::If {
        arg: 2,
        test: ArgTest::MaskedEq {
            mask: libc::PROT_EXEC as u32,
            value: 0,
        },
    };
    rules.insert(nr(libc::SYS_mmap), no_exec.clone());
    rules.insert(nr(libc::SYS_mprotect), no_exec);
    // Threads, never processes: clone must carry CLONE_THREAD.
    let thread = libc::CLONE_THREAD as u32;
    rules.insert(
        nr(libc::SYS_clone),
        Rule::If {
            arg: 0,
            test: ArgTest::MaskedEq {
                mask: thread,
                value: thread,
            },
        },
    );
    // clone3 hides its flags behind a pointer: ENOSYS makes the C library fall back to clone,
    // whose flags the rule above inspects.
    rules.insert(nr(libc::SYS_clone3), Rule::Errno(libc::ENOSYS as u32));
    // Signals to itself only (abort() on a Rust panic uses tgkill).
    rules.insert(nr(libc::SYS_tgkill), only(0, &[pid]));
    // Naming its own thread (PR_SET_NAME) and nothing else through prctl.
    rules.insert(nr(libc::SYS_prctl), only(0, &[libc::PR_SET_NAME as u32]));
    // Arming its CPU kill timer when the run starts (timer ids are small non-negative ints).
    if let Some(id) = cpu_timer.and_then(|id| u32::try_from(id).ok()) {
        rules.insert(nr(libc::SYS_timer_settime), only(0, &[id]));
    }
    rules
}

#[cfg(all(target_os = "linux", target_arch = "x86_64"))]
const AUDIT_ARCH: u32 = 0xC000_003E; // AUDIT_ARCH_X86_64
#[cfg(all(target_os = "linux", target_arch = "aarch64"))]
const AUDIT_ARCH: u32 = 0xC000_00B7; // AUDIT_ARCH_AARCH64

/// Classic BPF opcodes used by the filter, each made of the kernel's parts: instruction class,
/// then size and mode (a load) or operation and operand source.
#[cfg(target_os = "linux")]
mod op {
    use libc::{
        BPF_ABS, BPF_ALU, BPF_AND, BPF_JEQ, BPF_JGE, BPF_JMP, BPF_K, BPF_LD, BPF_RET, BPF_W,
    };
    pub(super) const LD_W_ABS: u16 = (BPF_LD | BPF_W | BPF_ABS) as u16;
    pub(super) const AND_K: u16 = (BPF_ALU | BPF_AND | BPF_K) as u16;
    pub(super) const JEQ_K: u16 = (BPF_JMP | BPF_JEQ | BPF_K) as u16;
    pub(super) const JGE_K: u16 = (BPF_JMP | BPF_JGE | BPF_K) as u16;
    pub(super) const RET_K: u16 = (BPF_RET | BPF_K) as u16;
}

/// `struct seccomp_data` offsets: nr, arch, then the 64-bit arguments (little-endian: the low
/// half first).
#[cfg(target_os = "linux")]
const DATA_NR: u32 = 0;
#[cfg(target_os = "linux")]
const DATA_ARCH: u32 = 4;
#[cfg(target_os = "linux")]
fn data_arg_low(arg: u8) -> u32 {
    16 + 8 * u32::from(arg)
}

#[cfg(target_os = "linux")]
fn stmt(code: u16, k: u32) -> seccompiler::sock_filter {
    seccompiler::sock_filter {
        code,
        jt: 0,
        jf: 0,
        k,
    }
}

#[cfg(target_os = "linux")]
fn jump(
    code: u16,
    k: u32,
    jt: usize,
    jf: usize,
) -> Result<seccompiler::sock_filter, LockdownError> {
    let off = |n: usize| u8::try_from(n).map_err(|_| LockdownError::Filter("jump too far"));
    Ok(seccompiler::sock_filter {
        code,
        jt: off(jt)?,
        jf: off(jf)?,
        k,
    })
}

#[cfg(target_os = "linux")]
const RET_EPERM: u32 = libc::SECCOMP_RET_ERRNO | libc::EPERM as u32;

/// The instructions deciding one system call (the accumulator holds its number); every path
/// ends in a return.
#[cfg(target_os = "linux")]
fn rule_block(rule: &Rule) -> Result<Vec<seccompiler::sock_filter>, LockdownError> {
    let allow = stmt(op::RET_K, libc::SECCOMP_RET_ALLOW);
    let deny = stmt(op::RET_K, RET_EPERM);
    Ok(match rule {
        Rule::Allow => vec![allow],
        Rule::Errno(e) => vec![stmt(
            op::RET_K,
            libc::SECCOMP_RET_ERRNO | (e & libc::SECCOMP_RET_DATA),
        )],
        Rule::If { arg, test } => {
            let mut b = vec![stmt(op::LD_W_ABS, data_arg_low(*arg))];
            match test {
                ArgTest::OneOf(values) => {
                    // Each match jumps over the remaining comparisons and the denial.
                    for (i, &v) in values.iter().enumerate() {
                        b.push(jump(op::JEQ_K, v, values.len() - i, 0)?);
                    }
                    b.push(deny);
                    b.push(allow);
                }
                ArgTest::MaskedEq { mask, value } => {
                    b.push(stmt(op::AND_K, *mask));
                    b.push(jump(op::JEQ_K, *value, 0, 1)?);
                    b.push(allow);
                    b.push(deny);
                }
            }
            b
        }
    })
}

/// A binary search over the (sorted) system call numbers: about six comparisons per call
/// instead of a walk down the whole list. That matters twice: every system call the worker
/// makes runs the filter, and installing it makes the kernel evaluate the filter for every
/// system call number (its allow-cache), which with a linear list cost ~0.1 ms per worker.
#[cfg(target_os = "linux")]
fn search(
    entries: &[(u32, Vec<seccompiler::sock_filter>)],
) -> Result<Vec<seccompiler::sock_filter>, LockdownError> {
    if entries.len() <= 3 {
        let mut out = Vec::new();
        for (nr, block) in entries {
            out.push(jump(op::JEQ_K, *nr, 0, block.len())?);
            out.extend_from_slice(block);
        }
        out.push(stmt(op::RET_K, RET_EPERM));
        return Ok(out);
    }
    let mid = entries.len() / 2;
    let left = search(&entries[..mid])?;
    let right = search(&entries[mid..])?;
    let mut out = Vec::with_capacity(1 + left.len() + right.len());
    // Numbers from the middle entry up skip the left half.
    out.push(jump(op::JGE_K, entries[mid].0, left.len(), 0)?);
    out.extend(left);
    out.extend(right);
    Ok(out)
}

/// The whole filter: wrong architecture kills the process; then the search over `rules`.
#[cfg(target_os = "linux")]
fn build_filter(
    rules: &std::collections::BTreeMap<u32, Rule>,
) -> Result<Vec<seccompiler::sock_filter>, LockdownError> {
    let entries = rules
        .iter()
        .map(|(&nr, rule)| Ok((nr, rule_block(rule)?)))
        .collect::<Result<Vec<_>, LockdownError>>()?;
    let mut prog = vec![
        stmt(op::LD_W_ABS, DATA_ARCH),
        jump(op::JEQ_K, AUDIT_ARCH, 1, 0)?,
        stmt(op::RET_K, libc::SECCOMP_RET_KILL_PROCESS),
        stmt(op::LD_W_ABS, DATA_NR),
    ];
    prog.extend(search(&entries)?);
    if prog.len() > 4096 {
        return Err(LockdownError::Filter("filter too long"));
    }
    Ok(prog)
}

#[cfg(target_os = "linux")]
fn apply_seccomp(cpu_timer: Option<i32>) -> Result<(), LockdownError> {
    // SAFETY: getpid has no preconditions.
    let pid = u32::try_from(unsafe { libc::getpid() })
        .map_err(|_| LockdownError::Filter("process id out of range"))?;
    let prog = build_filter(&seccomp_rules(pid, cpu_timer))?;
    Ok(seccompiler::apply_filter(&prog)?)
}

#[cfg(all(
    test,
    target_os = "linux",
    any(target_arch = "x86_64", target_arch = "aarch64")
))]
// Clippy's allow-expect-in-tests sees only a plain `cfg(test)`.
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests;
