//! The host facts a run sees: its virtual clock and `Math.random`'s seeded generator. Both are
//! pure functions of the script's execution and the run's seed, never of host timing.

use std::rc::Rc;

/// The time `Date.now()` starts from in a run given a seed: 2024-01-01T00:00:00.000Z.
pub(crate) const SEEDED_EPOCH_MS: f64 = 1_704_067_200_000.0;

/// Virtual milliseconds per interrupt poll: QuickJS polls once per 10,000 branches or calls;
/// measured on this project's reference machine (release build), a poll is ~0.1 ms of CPU
/// for a plain loop, so the virtual clock runs at roughly the speed of a real one.
pub(super) const MS_PER_POLL: f64 = 0.1;

/// Virtual milliseconds each read of the clock adds (so two reads never see the same
/// `performance.now()`).
pub(super) const MS_PER_READ: f64 = 0.001;

/// The clock a run sees: `base` plus the work done since the evaluation started (interrupt
/// polls counted by the sandbox) plus one step per read. A pure function of the script's
/// execution, never of host timing: the same code with the same seed sees the same times.
pub(super) struct VirtualClock {
    pub(super) base_ms: f64,
    pub(super) polls: Rc<std::cell::Cell<u64>>,
    pub(super) polls_at_start: u64,
    pub(super) reads: u64,
}

impl VirtualClock {
    pub(super) fn elapsed_ms(&mut self) -> f64 {
        self.reads = self.reads.saturating_add(1);
        let polls = self.polls.get().saturating_sub(self.polls_at_start);
        polls as f64 * MS_PER_POLL + self.reads as f64 * MS_PER_READ
    }
}

/// xoshiro256** (Blackman and Vigna), seeded through splitmix64: `Math.random` for one run.
#[derive(Debug, Clone)]
pub(super) struct Xoshiro256([u64; 4]);

impl Xoshiro256 {
    pub(super) fn new(seed: u64) -> Self {
        let mut x = seed;
        let mut next = || {
            x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
            let mut z = x;
            z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
            z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
            z ^ (z >> 31)
        };
        Xoshiro256([next(), next(), next(), next()])
    }

    pub(super) fn next_u64(&mut self) -> u64 {
        let s = &mut self.0;
        let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
        let t = s[1] << 17;
        s[2] ^= s[0];
        s[3] ^= s[1];
        s[1] ^= s[2];
        s[0] ^= s[3];
        s[2] ^= t;
        s[3] = s[3].rotate_left(45);
        result
    }

    /// A double in [0, 1) with 53 random bits.
    pub(super) fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}
