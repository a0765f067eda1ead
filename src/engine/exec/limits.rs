//! Resource accounting for a sandbox: a counting allocator with a hard byte limit (and the
//! compiler's, which charges what a compile grows to the run it compiles for), CPU clocks, and
//! the shared [`Control`] block that the interrupt handler polls (cancel flag, CPU budget, wall
//! deadline), that a supervisor stops from outside, and that records *why* a run was
//! interrupted.

use rquickjs::allocator::Allocator;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::Instant;

/// After this many refused allocations the script is treated as fighting the memory limit
/// (it caught an out-of-memory error and kept allocating) and is stopped as `memory_limit`.
pub(crate) const OOM_REFUSALS_BEFORE_STOP: u64 = 16;

/// Live and peak bytes of one run, shared with the monitoring thread: its runtime's, plus what
/// the compiler holds for it while it compiles the run's script (`external`).
#[derive(Debug, Default)]
pub struct MemStats {
    live: AtomicU64,
    peak: AtomicU64,
    limit: AtomicU64,
    refusals: AtomicU64,
    /// Bytes held for this run outside its runtime: the compiler's growth while it compiles
    /// the run's script. Counted in the limit and the peak.
    external: AtomicU64,
    /// Set when the run was stopped from outside (budget, deadline, cancel): every further
    /// allocation is refused, so a builtin or the compiler that allocates as it goes fails at
    /// its next allocation instead of running on without polling the interrupt handler.
    stopped: AtomicBool,
    /// Bytes a stopped run may still allocate (see [`MemStats::stop`]).
    stop_allowance: AtomicU64,
}

/// What a stopped run may still allocate: enough for the engine's "interrupted" error and its
/// stack, far too little for a builtin that allocates as it goes to get anywhere.
pub(crate) const STOP_ALLOWANCE: u64 = 64 * 1024;

impl MemStats {
    pub fn new(limit_bytes: u64) -> Arc<Self> {
        Arc::new(MemStats {
            limit: AtomicU64::new(limit_bytes),
            ..MemStats::default()
        })
    }
    /// Bytes held by the run: its runtime's and, during a compile, the compiler's growth.
    pub fn live(&self) -> u64 {
        self.live
            .load(Ordering::Relaxed)
            .saturating_add(self.external.load(Ordering::Relaxed))
    }
    pub fn peak(&self) -> u64 {
        self.peak.load(Ordering::Relaxed)
    }
    pub fn limit(&self) -> u64 {
        self.limit.load(Ordering::Relaxed)
    }
    /// Allocations refused because they would have crossed the limit.
    pub fn refusals(&self) -> u64 {
        self.refusals.load(Ordering::Relaxed)
    }
    /// Starts a new peak measurement from the current live size.
    pub fn reset_peak(&self) {
        self.peak.store(self.live(), Ordering::Relaxed);
    }
    pub fn reset_refusals(&self) {
        self.refusals.store(0, Ordering::Relaxed);
    }
    /// Refuses every further allocation (for an abandoned run: it keeps what it holds, gets
    /// nothing more, and a runaway that allocates ends on its next allocation).
    pub fn refuse_further(&self) {
        self.limit.store(0, Ordering::Relaxed);
    }

    /// Refuses allocations from now on because the run was stopped (not counted as refusals:
    /// the run did not run out of memory), past a small allowance ([`STOP_ALLOWANCE`]) that
    /// lets the engine create the uncatchable "interrupted" error a polling script stops with:
    /// without it that error would fail to allocate and the script could catch the bare
    /// exception left in its place and run on.
    pub fn stop(&self) {
        if !self.stopped.load(Ordering::SeqCst) {
            self.stop_allowance.store(STOP_ALLOWANCE, Ordering::SeqCst);
        }
        self.stopped.store(true, Ordering::SeqCst);
    }

    /// Takes `n` bytes from the allowance of a stopped run; false once it is used up.
    fn take_allowance(&self, n: u64) -> bool {
        self.stop_allowance
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |a| a.checked_sub(n))
            .is_ok()
    }

    /// Allows allocations again after [`MemStats::stop`]: for the host's own bounded work on a
    /// stopped run (reading its error and stack) once the script is no longer running.
    pub fn resume(&self) {
        self.stopped.store(false, Ordering::SeqCst);
    }

    pub fn is_stopped(&self) -> bool {
        self.stopped.load(Ordering::Relaxed)
    }

    /// Reserves `n` bytes; false (and a counted refusal, unless the run was stopped) if that
    /// crosses the limit.
    fn reserve(&self, n: u64) -> bool {
        if self.is_stopped() && !self.take_allowance(n) {
            return false;
        }
        let limit = self.limit();
        let external = self.external.load(Ordering::Relaxed);
        let mut cur = self.live.load(Ordering::Relaxed);
        loop {
            let next = cur.saturating_add(n);
            if next.saturating_add(external) > limit {
                self.refusals.fetch_add(1, Ordering::Relaxed);
                return false;
            }
            match self
                .live
                .compare_exchange_weak(cur, next, Ordering::Relaxed, Ordering::Relaxed)
            {
                Ok(_) => {
                    self.peak
                        .fetch_max(next.saturating_add(external), Ordering::Relaxed);
                    return true;
                }
                Err(actual) => cur = actual,
            }
        }
    }

    fn release(&self, n: u64) {
        // Saturating: a miscount must never wrap into "everything is in use".
        let _ = self
            .live
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |l| {
                Some(l.saturating_sub(n))
            });
    }

    /// Corrects the reservation after the real usable size is known.
    fn adjust(&self, reserved: u64, actual: u64) {
        if actual > reserved {
            let next =
                self.live.fetch_add(actual - reserved, Ordering::Relaxed) + actual - reserved;
            self.peak.fetch_max(
                next.saturating_add(self.external.load(Ordering::Relaxed)),
                Ordering::Relaxed,
            );
        } else if reserved > actual {
            self.release(reserved - actual);
        }
    }

    /// Whether the run may hold `bytes` outside its runtime (a compile growing to that size):
    /// false, and a counted refusal, past the limit; false once the run was stopped.
    fn admits_external(&self, bytes: u64) -> bool {
        if self.is_stopped() {
            return false;
        }
        let total = self.live.load(Ordering::Relaxed).saturating_add(bytes);
        if total > self.limit() {
            self.refusals.fetch_add(1, Ordering::Relaxed);
            return false;
        }
        true
    }

    /// Records that the run holds `bytes` outside its runtime now.
    fn set_external(&self, bytes: u64) {
        self.external.store(bytes, Ordering::Relaxed);
        let total = self.live.load(Ordering::Relaxed).saturating_add(bytes);
        self.peak.fetch_max(total, Ordering::Relaxed);
    }
}

/// The run a compile on this thread is charged to, and what the compiler held when it began.
struct Charge {
    run: Arc<MemStats>,
    base: u64,
}

thread_local! {
    /// Set by [`ChargeGuard`] while this thread's compiler compiles a run's script.
    static CHARGE: std::cell::RefCell<Option<Charge>> = const { std::cell::RefCell::new(None) };
}

/// While it lives, everything this thread's compiler grows beyond what it held when the guard
/// was made counts against `run`'s memory limit and peak, and the compiler can allocate nothing
/// once `run` is stopped. The compiler runtime lives on between runs (building one costs more
/// than most compiles), so only its growth is the run's: memory it already held is not.
#[must_use = "the charge ends when the guard is dropped"]
pub(crate) struct ChargeGuard(());

impl ChargeGuard {
    /// Charges this thread's compiles to `run` until dropped; `compiler` is the compiler
    /// runtime's own accounting (its [`CountingAllocator::for_compiler`]).
    pub(crate) fn new(run: &Arc<MemStats>, compiler: &MemStats) -> ChargeGuard {
        let base = compiler.live.load(Ordering::Relaxed);
        CHARGE.with(|c| {
            *c.borrow_mut() = Some(Charge {
                run: Arc::clone(run),
                base,
            });
        });
        ChargeGuard(())
    }
}

impl Drop for ChargeGuard {
    fn drop(&mut self) {
        let charge = CHARGE.with(|c| c.borrow_mut().take());
        if let Some(c) = charge {
            // The compile is over: its result was copied out, the rest is the compiler's.
            c.run.set_external(0);
        }
    }
}

/// For the compiler's allocator: whether the charged run (if any) admits the compiler growing
/// to `compiler_live` bytes.
/// `try_with`: the compiler runtime is freed by a thread-local destructor too, possibly after
/// this one's (no charge then).
fn charge_admits(compiler_live: u64) -> bool {
    CHARGE
        .try_with(|c| match c.try_borrow() {
            Ok(c) => c
                .as_ref()
                .is_none_or(|c| c.run.admits_external(compiler_live.saturating_sub(c.base))),
            // Never re-entered (the guard is made and dropped outside the compiler); refuse.
            Err(_) => false,
        })
        .unwrap_or(true)
}

/// For the compiler's allocator: tells the charged run (if any) what the compiler holds now.
fn charge_update(compiler_live: u64) {
    let _ = CHARGE.try_with(|c| {
        if let Ok(c) = c.try_borrow() {
            if let Some(c) = c.as_ref() {
                c.run.set_external(compiler_live.saturating_sub(c.base));
            }
        }
    });
}

/// libc malloc with every byte counted against [`MemStats`]; returns null past the limit, which
/// QuickJS turns into a (catchable) out-of-memory error.
pub(crate) struct CountingAllocator {
    stats: Arc<MemStats>,
    /// The compiler's allocator: also charges its growth to the run a [`ChargeGuard`] names.
    compiler: bool,
}

impl CountingAllocator {
    pub(crate) fn new(stats: Arc<MemStats>) -> Self {
        CountingAllocator {
            stats,
            compiler: false,
        }
    }

    /// The allocator of a thread's compiler runtime: counted in `stats`, and while a
    /// [`ChargeGuard`] lives on this thread, charged to that run as well.
    pub(crate) fn for_compiler(stats: Arc<MemStats>) -> Self {
        CountingAllocator {
            stats,
            compiler: true,
        }
    }

    fn reserve(&self, n: u64) -> bool {
        if self.compiler {
            let after = self.stats.live.load(Ordering::Relaxed).saturating_add(n);
            if !charge_admits(after) {
                return false;
            }
        }
        self.stats.reserve(n)
    }

    /// After each change: the charged run learns what the compiler holds now.
    fn settle(&self) {
        if self.compiler {
            charge_update(self.stats.live.load(Ordering::Relaxed));
        }
    }
}

/// Usable size of an allocation.
///
/// # Safety
/// `ptr` must be a live allocation of libc `malloc`, `calloc` or `realloc`.
unsafe fn usable(ptr: *mut u8) -> usize {
    // SAFETY: ptr came from libc malloc/realloc (caller's contract).
    unsafe { libc::malloc_usable_size(ptr.cast()) }
}

// SAFETY: every pointer handed out comes from libc malloc/calloc/realloc, which align to at
// least 16 bytes, and usable_size reports malloc_usable_size of it.
unsafe impl Allocator for CountingAllocator {
    fn alloc(&mut self, size: usize) -> *mut u8 {
        let size = size.max(1);
        if !self.reserve(size as u64) {
            return std::ptr::null_mut();
        }
        // SAFETY: plain libc allocation.
        let p = unsafe { libc::malloc(size) }.cast::<u8>();
        if p.is_null() {
            self.stats.release(size as u64);
            return p;
        }
        // SAFETY: p is a live malloc allocation.
        self.stats.adjust(size as u64, unsafe { usable(p) } as u64);
        self.settle();
        p
    }

    fn calloc(&mut self, count: usize, size: usize) -> *mut u8 {
        let Some(total) = count.checked_mul(size) else {
            return std::ptr::null_mut();
        };
        let total = total.max(1);
        if !self.reserve(total as u64) {
            return std::ptr::null_mut();
        }
        // SAFETY: plain libc allocation.
        let p = unsafe { libc::calloc(1, total) }.cast::<u8>();
        if p.is_null() {
            self.stats.release(total as u64);
            return p;
        }
        // SAFETY: p is a live malloc allocation.
        self.stats.adjust(total as u64, unsafe { usable(p) } as u64);
        self.settle();
        p
    }

    /// # Safety
    /// `ptr` is null or a live allocation of this allocator, not used afterwards.
    unsafe fn dealloc(&mut self, ptr: *mut u8) {
        if ptr.is_null() {
            return;
        }
        // SAFETY: caller guarantees ptr came from this allocator.
        let n = unsafe { usable(ptr) } as u64;
        self.stats.release(n);
        // SAFETY: as above.
        unsafe { libc::free(ptr.cast()) };
        self.settle();
    }

    /// # Safety
    /// `ptr` is null or a live allocation of this allocator; on success it is not used
    /// afterwards (the returned pointer replaces it).
    unsafe fn realloc(&mut self, ptr: *mut u8, new_size: usize) -> *mut u8 {
        if ptr.is_null() {
            return self.alloc(new_size);
        }
        // SAFETY: caller guarantees ptr came from this allocator.
        let old = unsafe { usable(ptr) } as u64;
        let new_size = new_size.max(1);
        let grow = (new_size as u64).saturating_sub(old);
        if grow > 0 && !self.reserve(grow) {
            return std::ptr::null_mut();
        }
        // SAFETY: ptr is a live allocation of this allocator.
        let p = unsafe { libc::realloc(ptr.cast(), new_size) }.cast::<u8>();
        if p.is_null() {
            self.stats.release(grow);
            return p;
        }
        // SAFETY: p is a live malloc allocation.
        let now = unsafe { usable(p) } as u64;
        // We hold `old + grow` bytes on the books; settle to the real size.
        self.stats.adjust(old + grow, now);
        self.settle();
        p
    }

    /// # Safety
    /// `ptr` is a live allocation of this allocator.
    unsafe fn usable_size(ptr: *mut u8) -> usize {
        // SAFETY: caller guarantees ptr came from this allocator.
        unsafe { usable(ptr) }
    }
}

/// CPU time of the calling thread, in nanoseconds.
pub fn thread_cpu_ns() -> u64 {
    clock_ns(libc::CLOCK_THREAD_CPUTIME_ID)
}

/// Reads a POSIX clock in nanoseconds (0 if it cannot be read).
pub(crate) fn clock_ns(clock: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: ts is a valid out-pointer.
    let rc = unsafe { libc::clock_gettime(clock, &mut ts) };
    if rc != 0 {
        return 0;
    }
    (ts.tv_sec as u64)
        .saturating_mul(1_000_000_000)
        .saturating_add(ts.tv_nsec as u64)
}

/// The CPU clock of another (live) thread.
pub(crate) fn cpu_clock_of(thread: libc::pthread_t) -> Option<libc::clockid_t> {
    let mut id: libc::clockid_t = 0;
    // SAFETY: thread is a live pthread handle (caller's contract); id is an out-pointer.
    let rc = unsafe { libc::pthread_getcpuclockid(thread, &mut id) };
    (rc == 0).then_some(id)
}

/// Lowest address of the calling thread's native stack (None if unknown). Asked of the system
/// once per thread: for the main thread glibc parses `/proc/self/maps` each time (~240,000
/// instructions, more than a whole `2+2` evaluation), and a thread's stack never moves.
fn native_stack_base() -> Option<usize> {
    thread_local! {
        static BASE: std::cell::Cell<Option<usize>> = const { std::cell::Cell::new(None) };
    }
    BASE.with(|cell| {
        if let Some(known) = cell.get() {
            return Some(known);
        }
        // SAFETY: attr is initialised by pthread_getattr_np and destroyed below; the pointers
        // are valid out-parameters.
        let base = unsafe {
            let mut attr: libc::pthread_attr_t = std::mem::zeroed();
            if libc::pthread_getattr_np(libc::pthread_self(), &mut attr) != 0 {
                None
            } else {
                let mut addr: *mut libc::c_void = std::ptr::null_mut();
                let mut size: libc::size_t = 0;
                let rc = libc::pthread_attr_getstack(&attr, &mut addr, &mut size);
                libc::pthread_attr_destroy(&mut attr);
                (rc == 0).then_some(addr as usize)
            }
        };
        // Only an answer is kept: a failed query (e.g. no descriptor left) is asked again.
        cell.set(base);
        base
    })
}

/// Native stack left below the caller's current frame, in bytes (None if unknown).
pub(crate) fn native_stack_remaining() -> Option<usize> {
    let base = native_stack_base()?;
    let marker = 0u8;
    let here = std::ptr::addr_of!(marker) as usize;
    here.checked_sub(base)
}

/// Headroom kept between the JS stack limit and the end of the native stack, for the host
/// frames and the C code that runs after the limit is hit.
pub(crate) const NATIVE_STACK_MARGIN: usize = 256 * 1024;

/// The JS stack limit to use on this thread: the wanted one, or less if the thread's native
/// stack could not hold it (a smaller limit ends in `stack_overflow`; a bigger one would crash).
pub(crate) fn js_stack_limit(wanted: usize) -> usize {
    match native_stack_remaining() {
        Some(left) => wanted
            .min(left.saturating_sub(NATIVE_STACK_MARGIN))
            .max(16 * 1024),
        None => wanted,
    }
}

/// Why the interrupt handler stopped a script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(u8)]
pub enum StopReason {
    None = 0,
    Cancelled = 1,
    CpuTimeout = 2,
    WallTimeout = 3,
    MemoryLimit = 4,
}

impl StopReason {
    fn from_u8(v: u8) -> StopReason {
        match v {
            1 => StopReason::Cancelled,
            2 => StopReason::CpuTimeout,
            3 => StopReason::WallTimeout,
            4 => StopReason::MemoryLimit,
            _ => StopReason::None,
        }
    }
}

/// Which CPU clock a run's budget is counted on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CpuClock {
    /// The thread that runs the script (in-process: other threads are the host's).
    Thread,
    /// The whole process (a worker: every thread of it works for its one run, and the
    /// compiler runs on another thread than the script).
    Process,
}

impl CpuClock {
    /// This clock now, in nanoseconds, as seen from the thread that runs the script.
    pub fn now_ns(self) -> u64 {
        match self {
            CpuClock::Thread => thread_cpu_ns(),
            CpuClock::Process => process_cpu_ns(),
        }
    }
}

/// CPU time of this whole process, in nanoseconds.
pub fn process_cpu_ns() -> u64 {
    clock_ns(libc::CLOCK_PROCESS_CPUTIME_ID)
}

/// "Not set" for the start of a run's budgets.
const UNSET: u64 = u64::MAX;

/// Shared between the JS thread's interrupt handler and whoever supervises it.
#[derive(Debug)]
pub struct Control {
    cancel: Arc<AtomicBool>,
    armed: AtomicBool,
    /// Armed and the script (or its compile) has not returned to the host yet: a stop from
    /// outside also refuses its allocations (see [`MemStats::stop`]).
    in_script: AtomicBool,
    reason: AtomicU8,
    cpu_deadline_ns: AtomicU64,
    wall_deadline_ns: AtomicU64,
    /// Where the budgets start when [`Control::set_start`] fixed it before arming (else at
    /// arming): CPU on `clock`, wall since `base`.
    start_cpu_ns: AtomicU64,
    start_wall_ns: AtomicU64,
    clock: CpuClock,
    base: Instant,
    mem: Arc<MemStats>,
}

impl Control {
    /// A control counting the budget on the script thread's CPU clock.
    pub fn new(cancel: Arc<AtomicBool>, mem: Arc<MemStats>) -> Arc<Self> {
        Control::with_clock(cancel, mem, CpuClock::Thread)
    }

    pub fn with_clock(cancel: Arc<AtomicBool>, mem: Arc<MemStats>, clock: CpuClock) -> Arc<Self> {
        Arc::new(Control {
            cancel,
            armed: AtomicBool::new(false),
            in_script: AtomicBool::new(false),
            reason: AtomicU8::new(0),
            cpu_deadline_ns: AtomicU64::new(u64::MAX),
            wall_deadline_ns: AtomicU64::new(u64::MAX),
            start_cpu_ns: AtomicU64::new(UNSET),
            start_wall_ns: AtomicU64::new(UNSET),
            clock,
            base: Instant::now(),
            mem,
        })
    }

    fn now_ns(&self) -> u64 {
        u64::try_from(self.base.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Fixes the start of the next run's budgets at now (on this control's clock), before the
    /// run is armed: everything until then (reading and compiling the request on another
    /// thread) is the run's too.
    pub fn set_start(&self) {
        self.start_cpu_ns
            .store(self.clock.now_ns(), Ordering::SeqCst);
        self.start_wall_ns.store(self.now_ns(), Ordering::SeqCst);
    }

    /// Starts the budgets for one evaluation, on the JS thread, before it compiles the script
    /// (the compile is the run's). They count from [`Control::set_start`] if it was called,
    /// else from now.
    pub fn arm(&self, cpu_budget_ms: u64, wall_budget_ms: u64) {
        self.mem.reset_refusals();
        let start_cpu = match self.start_cpu_ns.swap(UNSET, Ordering::SeqCst) {
            UNSET => self.clock.now_ns(),
            at => at,
        };
        let start_wall = match self.start_wall_ns.swap(UNSET, Ordering::SeqCst) {
            UNSET => self.now_ns(),
            at => at,
        };
        let cpu = start_cpu.saturating_add(cpu_budget_ms.saturating_mul(1_000_000));
        let wall = start_wall.saturating_add(wall_budget_ms.saturating_mul(1_000_000));
        self.cpu_deadline_ns.store(cpu, Ordering::SeqCst);
        self.wall_deadline_ns.store(wall, Ordering::SeqCst);
        self.in_script.store(true, Ordering::SeqCst);
        self.armed.store(true, Ordering::SeqCst);
        // Stopped from outside before it got here: nothing more to allocate either.
        if self.reason() != StopReason::None {
            self.mem.stop();
        }
    }

    /// The script and its jobs returned to the host: the host's own bounded work on the
    /// result (reading an error and its stack) may allocate again.
    pub fn script_ended(&self) {
        self.in_script.store(false, Ordering::SeqCst);
        self.mem.resume();
    }

    pub fn disarm(&self) {
        self.armed.store(false, Ordering::SeqCst);
        self.script_ended();
    }

    /// Stops the run from outside (a supervisor that saw the budget, the deadline or a
    /// cancel): the interrupt handler stops the script at its next poll, and while the script
    /// runs every allocation is refused, so a builtin or a compile that allocates ends too.
    /// The first reason wins; true if it was this one.
    pub fn stop_now(&self, r: StopReason) -> bool {
        let first = self
            .reason
            .compare_exchange(0, r as u8, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok();
        if self.in_script.load(Ordering::SeqCst) {
            self.mem.stop();
        }
        first
    }

    /// Asks the script to stop because the wall deadline passed (from a supervisor thread).
    pub fn force_wall_timeout(&self) {
        self.stop_now(StopReason::WallTimeout);
    }

    pub fn reason(&self) -> StopReason {
        StopReason::from_u8(self.reason.load(Ordering::SeqCst))
    }

    fn stop(&self, r: StopReason) -> bool {
        // First reason wins.
        let _ = self
            .reason
            .compare_exchange(0, r as u8, Ordering::SeqCst, Ordering::SeqCst);
        true
    }

    /// Polled by the interrupt handler (on the JS thread): true means stop now. Never before
    /// the run is armed (the host's own setup runs under the same handler).
    pub fn should_interrupt(&self) -> bool {
        if !self.armed.load(Ordering::Relaxed) {
            return false;
        }
        if self.reason() != StopReason::None {
            return true;
        }
        if self.cancel.load(Ordering::Relaxed) {
            return self.stop(StopReason::Cancelled);
        }
        if self.now_ns() > self.wall_deadline_ns.load(Ordering::Relaxed) {
            return self.stop(StopReason::WallTimeout);
        }
        if self.clock.now_ns() > self.cpu_deadline_ns.load(Ordering::Relaxed) {
            return self.stop(StopReason::CpuTimeout);
        }
        if self.mem.refusals() >= OOM_REFUSALS_BEFORE_STOP {
            return self.stop(StopReason::MemoryLimit);
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counting_allocator_refuses_past_the_limit_and_tracks_peak() {
        let stats = MemStats::new(64 * 1024);
        let mut a = CountingAllocator::new(Arc::clone(&stats));
        let p = a.alloc(1000);
        assert!(!p.is_null());
        assert!(stats.live() >= 1000);
        let big = a.alloc(1 << 20);
        assert!(big.is_null(), "1 MiB must not fit in 64 KiB");
        assert_eq!(stats.refusals(), 1);
        // SAFETY: p came from a.
        let p = unsafe { a.realloc(p, 4000) };
        assert!(!p.is_null());
        assert!(stats.peak() >= 4000);
        // SAFETY: p came from a.
        unsafe { a.dealloc(p) };
        assert_eq!(stats.live(), 0);
    }

    #[inline(never)]
    fn remaining_deeper(depth: u32) -> Option<usize> {
        let pad = std::hint::black_box([0u8; 4096]);
        if depth == 0 {
            native_stack_remaining().map(|r| r + usize::from(pad[0]))
        } else {
            remaining_deeper(depth - 1).map(|r| r + usize::from(pad[1]))
        }
    }

    #[test]
    fn stack_room_is_measured_from_the_current_frame_on_each_thread() {
        // Asked twice on one thread (the second answer comes from the kept stack base): deeper
        // frames see less room.
        let top = native_stack_remaining().expect("stack known");
        let deep = remaining_deeper(8).expect("stack known");
        assert!(deep + 8 * 4096 <= top, "top {top}, 8 frames deeper {deep}");
        // A small thread has its own answer, not the main thread's.
        let small = std::thread::Builder::new()
            .stack_size(256 * 1024)
            .spawn(|| (native_stack_remaining(), js_stack_limit(512 * 1024)))
            .expect("thread")
            .join()
            .expect("join");
        let room = small.0.expect("stack known");
        assert!(room < 256 * 1024, "{room}");
        assert_eq!(small.1, 16 * 1024, "a 256 KiB thread keeps only the floor");
    }

    #[test]
    fn control_reports_the_first_reason() {
        let cancel = Arc::new(AtomicBool::new(false));
        let c = Control::new(Arc::clone(&cancel), MemStats::new(1 << 20));
        c.arm(10_000, 20_000);
        assert!(!c.should_interrupt());
        cancel.store(true, Ordering::SeqCst);
        assert!(c.should_interrupt());
        c.force_wall_timeout();
        assert_eq!(c.reason(), StopReason::Cancelled);
    }
}
