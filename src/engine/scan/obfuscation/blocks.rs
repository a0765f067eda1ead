//! The text pass 64 bytes at a time, for CPUs with AVX2 (and, in tests, with a portable
//! classifier). It gives what [`text_pass_bytes`](super::text_pass_bytes) gives,
//! field for field.
//!
//! The text is cut into blocks of 64 bytes (at offsets 0, 64, 128… of the text; the short
//! last one is copied into a buffer and its bytes past the end are masked off). A block is
//! classified at once (a nibble-table lookup, `vpshufb`) into bitmasks, bit i for byte i:
//!
//! - events: `[]{}()!+,;"'`/`, the bytes of code the pass acts on one by one;
//! - counted: the bytes that are neither events nor ` \t\r\n` (identifiers, numbers, other
//!   operators, `\`, every non-ASCII byte…): each adds one to the depth bound.
//!
//! In code, the pass jumps from one event to the next (trailing zeros, clear the lowest bit)
//! and never looks at the bytes between. Strings and comments are skipped with their own
//! masks (or `memmem` for `*/`), and the pass picks up in the block where they end. What the
//! byte loop computed is kept exactly, in these shapes:
//!
//! - Depth bound: the byte loop counted code bytes into `pending` and added them to the
//!   chain at the next bracket, `,` / `;` or the end. Here the count at position p of the
//!   current block is `acc + popcount(counted & bits below p)`: `acc` takes in the blocks
//!   passed, and is set again after each event and after each string or comment. A `!` / `+`
//!   counts one, as before. Adding pending bytes at an event that does not change the shape
//!   of the chain changes no maximum (between two changes of shape the sum only grows).
//! - Lines: not followed in the scan at all. Every newline ends a line except an escaped one
//!   in a string or template and the last byte of an unclosed block comment; the scan notes
//!   those rare ones (`unlines`), and [`line_stats`] then counts newlines by block.
//! - Code hidden after whitespace: the byte loop counted spaces and tabs since the last code
//!   byte on the line. A maximal run of ` \t\r` is never cut by the start or the end of a
//!   string or comment (they start at a quote or `/` and end at a quote, at `/`, before a
//!   newline or at the end), so it lies wholly in code or wholly inside one. A run of 150
//!   or more covers a whole block of ` \t\r`, which has neither events nor counted bytes:
//!   only when the scan meets such a block does it measure the run around it
//!   ([`whitespace_run`]).
//! - JSFuck: for the same reason a maximal run of `[]()!+` is wholly in code or not, and a
//!   run of 100 has at least 50 of its bytes in one block. Runs are not followed at all
//!   until a block with 50 such bytes shows up; then the scan starts again following them
//!   ([`scan`] with `FUCK`): a run goes on while the next such event is right after it.

use super::{TextInfo, HIDDEN_WS_RUN, JSFUCK_RUN};
use std::sync::LazyLock;

/// Byte classes for the nibble lookup: a byte's class is `LO[low nibble] & HI[high
/// nibble]`, each bit standing for a set "these high nibbles × these low nibbles". Every
/// byte ≥ 0x80 has class 0 (`HI[8..]` is 0), like letters and digits.
pub(super) mod class {
    /// `[]{}` (0x5B 0x5D 0x7B 0x7D)
    const BRACKETS: u8 = 1;
    /// `!"'()+,/` (0x21 0x22 0x27 0x28 0x29 0x2B 0x2C 0x2F)
    const PUNCT: u8 = 1 << 1;
    /// `;` (0x3B)
    const SEMI: u8 = 1 << 2;
    /// `` ` `` (0x60)
    const TICK: u8 = 1 << 3;
    /// `\n` (0x0A)
    const NL: u8 = 1 << 4;
    /// `\t` `\r` (0x09 0x0D)
    const TAB_CR: u8 = 1 << 5;
    /// ` ` (0x20)
    const SPACE: u8 = 1 << 6;
    /// The bytes of code acted on one by one.
    pub(in super::super) const EVENT: u8 = BRACKETS | PUNCT | SEMI | TICK;
    /// Neither events nor counted.
    pub(in super::super) const WHITE: u8 = NL | TAB_CR | SPACE;
    /// By low nibble.
    pub(in super::super) const LO: [u8; 16] = [
        TICK | SPACE,            // 0: ` and space
        PUNCT,                   // 1: !
        PUNCT,                   // 2: "
        0,                       // 3
        0,                       // 4
        0,                       // 5
        0,                       // 6
        PUNCT,                   // 7: '
        PUNCT,                   // 8: (
        PUNCT | TAB_CR,          // 9: ) and tab
        NL,                      // A: newline
        BRACKETS | PUNCT | SEMI, // B: [ { + ;
        PUNCT,                   // C: ,
        BRACKETS | TAB_CR,       // D: ] } and carriage return
        0,                       // E
        PUNCT,                   // F: /
    ];
    /// By high nibble.
    pub(in super::super) const HI: [u8; 16] = [
        NL | TAB_CR, // 0x0_
        0,
        PUNCT | SPACE, // 0x2_
        SEMI,          // 0x3_
        0,
        BRACKETS, // 0x5_
        TICK,     // 0x6_
        BRACKETS, // 0x7_
        0,
        0,
        0,
        0,
        0,
        0,
        0,
        0,
    ];
    /// The class of one byte.
    #[cfg(test)]
    pub(in super::super) const fn of(x: u8) -> u8 {
        LO[(x & 15) as usize] & HI[(x >> 4) as usize]
    }
}

/// Bitmasks of 64-byte blocks (bit i for byte i).
pub(super) trait Classify: Copy {
    /// (events, counted): see the module's documentation.
    fn classify(self, block: &[u8; 64]) -> (u64, u64);
    /// The newlines.
    fn newlines(self, block: &[u8; 64]) -> u64;
    /// Where a string quoted by `q` may stop: `q`, `\`, and `\n` unless `q` is `` ` ``.
    fn stops(self, block: &[u8; 64], q: u8) -> u64;
}

/// AVX2 classification. A value of this type exists only once the CPU is known to have
/// AVX2, POPCNT, BMI1 and BMI2.
#[cfg(target_arch = "x86_64")]
#[derive(Clone, Copy)]
pub(super) struct Avx2(());

#[cfg(target_arch = "x86_64")]
impl Avx2 {
    pub(super) fn detect() -> Option<Avx2> {
        let yes = std::is_x86_feature_detected!("avx2")
            && std::is_x86_feature_detected!("popcnt")
            && std::is_x86_feature_detected!("bmi1")
            && std::is_x86_feature_detected!("bmi2");
        yes.then_some(Avx2(()))
    }

    /// The pass, compiled for these features (everything it calls is inlined into it).
    ///
    /// # Safety
    /// The CPU must have AVX2, POPCNT, BMI1 and BMI2, which an `Avx2` value proves.
    #[target_feature(enable = "avx2,popcnt,bmi1,bmi2")]
    pub(super) unsafe fn pass(self, b: &[u8]) -> TextInfo {
        pass(self, b)
    }
}

// The AVX2 functions take no closures: a closure would not inherit the target features,
// and every intrinsic in it would become a call.
#[cfg(target_arch = "x86_64")]
impl Classify for Avx2 {
    #[inline(always)]
    fn classify(self, block: &[u8; 64]) -> (u64, u64) {
        // SAFETY: an `Avx2` exists only on a CPU with AVX2 (`Avx2::detect`).
        unsafe { classify_avx2(block) }
    }
    #[inline(always)]
    fn newlines(self, block: &[u8; 64]) -> u64 {
        // SAFETY: as above.
        unsafe { equal_avx2(block, [b'\n'; 3]) }
    }
    #[inline(always)]
    fn stops(self, block: &[u8; 64], q: u8) -> u64 {
        let nl = if q == b'`' { q } else { b'\n' };
        // SAFETY: as above.
        unsafe { equal_avx2(block, [q, b'\\', nl]) }
    }
}

/// (events, counted) of 64 bytes: per 32 bytes, the class of each byte (two `vpshufb`
/// lookups, by low and by high nibble, ANDed), then a mask per set of classes.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn classify_avx2(block: &[u8; 64]) -> (u64, u64) {
    use std::arch::x86_64::*;
    // SAFETY: 16 bytes read from a 16-byte array.
    let lo_t = unsafe { _mm_loadu_si128(class::LO.as_ptr().cast()) };
    // SAFETY: as above.
    let hi_t = unsafe { _mm_loadu_si128(class::HI.as_ptr().cast()) };
    let (lo_t, hi_t) = (
        _mm256_broadcastsi128_si256(lo_t),
        _mm256_broadcastsi128_si256(hi_t),
    );
    let nibble = _mm256_set1_epi8(0x0F);
    let zero = _mm256_setzero_si256();
    let event = _mm256_set1_epi8(class::EVENT as i8);
    let special = _mm256_set1_epi8((class::EVENT | class::WHITE) as i8);
    let (mut events, mut counted) = (0u64, 0u64);
    for half in 0..2 {
        // SAFETY: bytes 32 * half .. 32 * half + 32 of the 64-byte array.
        let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * half).cast()) };
        let lo = _mm256_and_si256(v, nibble);
        let hi = _mm256_and_si256(_mm256_srli_epi16::<4>(v), nibble);
        let c = _mm256_and_si256(_mm256_shuffle_epi8(lo_t, lo), _mm256_shuffle_epi8(hi_t, hi));
        let not_event = _mm256_cmpeq_epi8(_mm256_and_si256(c, event), zero);
        let plain = _mm256_cmpeq_epi8(_mm256_and_si256(c, special), zero);
        events |= u64::from(!(_mm256_movemask_epi8(not_event) as u32)) << (32 * half);
        counted |= u64::from(_mm256_movemask_epi8(plain) as u32) << (32 * half);
    }
    (events, counted)
}

/// The bytes of 64 equal to one of three.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
#[inline]
fn equal_avx2(block: &[u8; 64], to: [u8; 3]) -> u64 {
    use std::arch::x86_64::*;
    let a = _mm256_set1_epi8(to[0] as i8);
    let b = _mm256_set1_epi8(to[1] as i8);
    let c = _mm256_set1_epi8(to[2] as i8);
    let mut m = 0u64;
    for half in 0..2 {
        // SAFETY: bytes 32 * half .. 32 * half + 32 of the 64-byte array.
        let v = unsafe { _mm256_loadu_si256(block.as_ptr().add(32 * half).cast()) };
        let ab = _mm256_or_si256(_mm256_cmpeq_epi8(v, a), _mm256_cmpeq_epi8(v, b));
        let hit = _mm256_or_si256(ab, _mm256_cmpeq_epi8(v, c));
        m |= u64::from(_mm256_movemask_epi8(hit) as u32) << (32 * half);
    }
    m
}

/// Classification a byte at a time through the same table: the block pass on any CPU
/// (tests; slower than the byte loop, so never used outside them).
#[cfg(test)]
#[derive(Clone, Copy)]
pub(super) struct Portable;

#[cfg(test)]
impl Classify for Portable {
    fn classify(self, block: &[u8; 64]) -> (u64, u64) {
        let (mut events, mut white) = (0u64, 0u64);
        for (i, &x) in block.iter().enumerate() {
            let c = class::of(x);
            events |= u64::from(c & class::EVENT != 0) << i;
            white |= u64::from(c & class::WHITE != 0) << i;
        }
        (events, !(events | white))
    }
    fn newlines(self, block: &[u8; 64]) -> u64 {
        let mut m = 0u64;
        for (i, &x) in block.iter().enumerate() {
            m |= u64::from(x == b'\n') << i;
        }
        m
    }
    fn stops(self, block: &[u8; 64], q: u8) -> u64 {
        let nl = if q == b'`' { q } else { b'\n' };
        let mut m = 0u64;
        for (i, &x) in block.iter().enumerate() {
            m |= u64::from(x == q || x == b'\\' || x == nl) << i;
        }
        m
    }
}

/// Bits below `k` (`k` < 64).
#[inline(always)]
fn below(k: usize) -> u64 {
    (1u64 << k) - 1
}

/// The 64 bytes from `at` (< the length), and which of them are the text's: the short
/// last block is copied into `pad` (whose bytes past the text are then masked off).
#[inline(always)]
fn chunk<'a>(b: &'a [u8], at: usize, pad: &'a mut [u8; 64]) -> (&'a [u8; 64], u64) {
    match b[at..].first_chunk::<64>() {
        Some(full) => (full, u64::MAX),
        None => {
            let rest = &b[at..];
            pad[..rest.len()].copy_from_slice(rest);
            (pad, below(rest.len()))
        }
    }
}

/// (events, counted) of the block at `at` (< the length).
#[inline(always)]
fn block<K: Classify>(k: K, b: &[u8], at: usize) -> (u64, u64) {
    let mut pad = [0u8; 64];
    let (bytes, valid) = chunk(b, at, &mut pad);
    let (events, counted) = k.classify(bytes);
    (events & valid, counted & valid)
}

/// The first byte at or after `i` where a string quoted by `q` may stop (see
/// [`Classify::stops`]; `q` = 0: the first newline), or the length.
#[inline(always)]
fn find_stop<K: Classify>(k: K, b: &[u8], mut i: usize, q: u8) -> usize {
    let n = b.len();
    let mut pad = [0u8; 64];
    while i < n {
        let at = i & !63;
        let (bytes, valid) = chunk(b, at, &mut pad);
        let all = if q == 0 {
            k.newlines(bytes)
        } else {
            k.stops(bytes, q)
        };
        let m = all & valid & !below(i - at);
        if m != 0 {
            return at + m.trailing_zeros() as usize;
        }
        i = at + 64;
    }
    n
}

/// What an event does (bits).
mod kind {
    /// `!` `+`: one more byte of code
    pub(super) const PLUS: u8 = 1;
    pub(super) const OPEN: u8 = 1 << 1;
    pub(super) const CLOSE: u8 = 1 << 2;
    /// `[]()!+`
    pub(super) const FUCK: u8 = 1 << 3;
    /// a quote or `/`: maybe a string or a comment
    pub(super) const SKIP: u8 = 1 << 4;
}

/// The kind of each event byte (0 for `,` `;`, the separators).
static KIND: [u8; 256] = {
    use kind::*;
    let mut t = [0u8; 256];
    t[b'(' as usize] = OPEN | FUCK;
    t[b'[' as usize] = OPEN | FUCK;
    t[b'{' as usize] = OPEN;
    t[b')' as usize] = CLOSE | FUCK;
    t[b']' as usize] = CLOSE | FUCK;
    t[b'}' as usize] = CLOSE;
    t[b'!' as usize] = PLUS | FUCK;
    t[b'+' as usize] = PLUS | FUCK;
    t[b'"' as usize] = SKIP;
    t[b'\'' as usize] = SKIP;
    t[b'`' as usize] = SKIP;
    t[b'/' as usize] = SKIP;
    t
};

/// Skips the string or template whose quote is at `p`: returns where code resumes and
/// what the string weighs in the depth bound (a quoted string is one leaf, a template may
/// hold nested code). Escaped newlines go to `unlines`.
#[inline(always)]
fn skip_string<K: Classify>(k: K, b: &[u8], p: usize, unlines: &mut Vec<usize>) -> (usize, u64) {
    let n = b.len();
    let q = b[p];
    let mut i = p + 1;
    // escapes honoured: the escaped byte is skipped whatever it is, so a continued line
    // is not counted; unterminated quotes end at the line, templates anywhere (and past
    // the end after a final backslash, as the byte loop was)
    while i < n {
        i = find_stop(k, b, i, q);
        if i == n || b[i] != b'\\' {
            // the closing quote, the newline that ends a quoted string, or the end
            break;
        }
        if b.get(i + 1) == Some(&b'\n') {
            unlines.push(i + 1);
        }
        i += 2;
    }
    let weight = if q == b'`' { (i - p) as u64 } else { 1 };
    // the newline that ended a quoted string is code's again
    let resume = if i < n && b[i] == b'\n' { i } else { i + 1 };
    (resume, weight)
}

/// Skips the block comment opened at `p`: returns where code resumes (past the closing
/// `*/`, or past the end). An unclosed comment keeps a final newline from counting.
#[inline(always)]
fn skip_block_comment(b: &[u8], p: usize, unlines: &mut Vec<usize>) -> usize {
    static CLOSE: LazyLock<memchr::memmem::Finder<'static>> =
        LazyLock::new(|| memchr::memmem::Finder::new(b"*/"));
    let n = b.len();
    match CLOSE.find(&b[(p + 2).min(n)..]) {
        Some(k) => p + 2 + k + 2,
        None => {
            if b[n - 1] == b'\n' {
                unlines.push(n - 1);
            }
            n + 1
        }
    }
}

/// Measures the run of ` \t\r` around the block at `at`, a whole block of them in code
/// (or of them and newlines: then nothing), and records hidden code after it as the byte
/// loop did. Returns where the run ends (`at` when the block holds a newline).
#[cold]
#[inline(never)]
fn whitespace_run(b: &[u8], at: usize, info: &mut TextInfo) -> usize {
    let white = |x: u8| matches!(x, b' ' | b'\t' | b'\r');
    if !b[at..at + 64].iter().all(|&x| white(x)) {
        return at;
    }
    let n = b.len();
    let mut start = at;
    while start > 0 && white(b[start - 1]) {
        start -= 1;
    }
    let mut end = at + 64;
    while end < n && white(b[end]) {
        end += 1;
    }
    // the byte loop's `ws_run`: spaces and tabs since the last code byte (a `\r` neither
    // counts nor resets it); its `code_on_line`: that byte exists and is no newline (a
    // string or comment before the run set it at its start, and its own newlines did
    // not clear it)
    let spaces = b[start..end].iter().filter(|&&x| x != b'\r').count();
    let code_before = start > 0 && b[start - 1] != b'\n';
    let code_after = end < n && b[end] != b'\n';
    if spaces >= HIDDEN_WS_RUN && code_before && code_after && info.hidden_ws.len() < 8 {
        let line_end = memchr::memchr(b'\n', &b[end..]).map_or(n, |p| end + p);
        info.hidden_ws.push((end as u32, line_end as u32));
    }
    end
}

/// A run of `[]()!+` long enough for JSFuck ended: the first one is kept.
#[cold]
#[inline(never)]
fn jsfuck_run(info: &mut TextInfo, start: usize, end: usize) {
    if info.jsfuck.is_none() {
        info.jsfuck = Some((start as u32, end as u32));
    }
}

/// (lines ended, longest line): every newline but those in `unlines` (ascending) ends a
/// line.
#[inline(always)]
fn line_stats<K: Classify>(k: K, b: &[u8], unlines: &[usize]) -> (usize, usize) {
    let n = b.len();
    let (mut ends, mut longest, mut start) = (0usize, 0usize, 0usize);
    let mut unlines = unlines.iter().copied().peekable();
    let mut pad = [0u8; 64];
    let mut at = 0;
    while at < n {
        let (bytes, valid) = chunk(b, at, &mut pad);
        let mut m = k.newlines(bytes) & valid;
        while let Some(u) = unlines.next_if(|&u| u < at + 64) {
            m &= !(1u64 << (u - at));
        }
        if m != 0 {
            ends += m.count_ones() as usize;
            if longest >= 64 {
                // a line within the block is shorter than 64: only the one ending at the
                // block's first newline can be the longest
                longest = longest.max(at + m.trailing_zeros() as usize - start);
            } else {
                let mut rest = m;
                while rest != 0 {
                    let end = at + rest.trailing_zeros() as usize;
                    longest = longest.max(end - start);
                    start = end + 1;
                    rest &= rest - 1;
                }
            }
            start = at + 64 - m.leading_zeros() as usize;
        }
        at += 64;
    }
    (ends, longest.max(n - start))
}

/// The pass: first without following runs of `[]()!+` (faster), and again following
/// them if a block is dense enough in such bytes to hold part of a JSFuck run.
#[inline(always)]
pub(super) fn pass<K: Classify>(k: K, b: &[u8]) -> TextInfo {
    match scan::<K, false>(k, b) {
        Some(info) => info,
        // (`scan` with `FUCK` always gives an answer)
        None => scan::<K, true>(k, b).unwrap_or_default(),
    }
}

/// A run of `JSFUCK_RUN` bytes has at least this many in one block: half of it if it
/// spans two blocks, a whole block if it spans more.
const FUCK_DENSE: u32 = if JSFUCK_RUN.div_ceil(2) < 64 {
    JSFUCK_RUN.div_ceil(2) as u32
} else {
    64
};

/// Whether the block at `at` has `FUCK_DENSE` bytes of `[]()!+`.
#[cold]
#[inline(never)]
fn fuck_dense(b: &[u8], at: usize) -> bool {
    let block = &b[at..b.len().min(at + 64)];
    let many = block
        .iter()
        .filter(|&&x| matches!(x, b'[' | b']' | b'(' | b')' | b'!' | b'+'));
    many.count() >= FUCK_DENSE as usize
}

/// The pass proper. Without `FUCK` it does not follow runs of `[]()!+`, and gives up
/// (`None`) at the first block where one might be long enough to count.
#[inline(always)]
fn scan<K: Classify, const FUCK: bool>(k: K, b: &[u8]) -> Option<TextInfo> {
    let n = b.len();
    let mut info = TextInfo::default();
    if n == 0 {
        return Some(info);
    }
    // newlines that end no line (escaped in a string, last byte of an unclosed comment)
    let mut unlines: Vec<usize> = Vec::new();
    // whitespace runs that end before this were measured
    let mut white_done = 0usize;
    // JSFuck (with `FUCK`): the current run of `[]()!+` in code
    let (mut fuck_start, mut fuck_end) = (0usize, 0usize);
    // Depth bound: chain[k] = code bytes since the last separator at bracket level k, for
    // k up to `top`; sum = their total. The top level's count is `cur`, level k < top
    // keeps its own at `lower[k + 1]` (`lower` is always longer than `top + 1`).
    let mut lower: Vec<u32> = vec![0; 64];
    let (mut cur, mut top, mut sum) = (0u32, 0usize, 0u64);
    // The bracket depth is `top + excess`: `excess` counts the open brackets past the
    // cap on levels (met only in pathological input).
    let mut excess = 0u32;
    let (mut brackets, mut deepest) = (0u32, 0u32);
    // The current block: where it starts, its events not yet handled, its counted
    // bytes. The pending count at position p of the block is `acc + popcount(counted &
    // below(p - at))` (wrapping: `acc` alone may be "negative").
    let mut at = 0usize;
    let (mut events, mut counted): (u64, u64);
    let mut acc = 0u64;
    macro_rules! load {
        () => {
            (events, counted) = block(k, b, at);
            if events | counted == 0 && at + 64 <= n && at >= white_done {
                white_done = whitespace_run(b, at, &mut info);
            }
            if !FUCK && events.count_ones() >= FUCK_DENSE && fuck_dense(b, at) {
                return None;
            }
        };
    }
    load!();
    let pending_at_end = 'scan: loop {
        while events == 0 {
            acc = acc.wrapping_add(u64::from(counted.count_ones()));
            at += 64;
            if at >= n {
                break 'scan acc;
            }
            load!();
        }
        let off = events.trailing_zeros() as usize;
        events &= events - 1;
        let p = at + off;
        // counted bytes of this block before p
        let before = u64::from((counted & below(off)).count_ones());
        let kd = KIND[b[p] as usize];
        if kd & kind::SKIP == 0 {
            if FUCK && kd & kind::FUCK != 0 {
                // the run ending at p goes on, or one starts
                let new_run = p != fuck_end;
                if new_run & (fuck_end - fuck_start >= JSFUCK_RUN) {
                    jsfuck_run(&mut info, fuck_start, fuck_end);
                }
                fuck_start = if new_run { p } else { fuck_start };
                fuck_end = p + 1;
            }
            if kd & kind::PLUS != 0 {
                acc = acc.wrapping_add(1);
                continue;
            }
            // the pending bytes go to this level
            let pending = acc.wrapping_add(before);
            let t = cur.saturating_add(pending.min(u64::from(u32::MAX)) as u32);
            sum += pending;
            deepest = deepest.max(sum.min(u64::from(u32::MAX)) as u32);
            if kd & kind::OPEN != 0 {
                // one level more; the bracket itself is code of the level it opens
                acc = 1u64.wrapping_sub(before);
                if top + 1 < (1 << 22) {
                    lower[top + 1] = t;
                    top += 1;
                    cur = 0;
                    if top + 2 > lower.len() {
                        lower.resize(lower.len() * 2, 0);
                    }
                } else {
                    cur = t;
                    excess = excess.wrapping_add(1);
                }
                brackets = brackets.max((top as u32).wrapping_add(excess));
            } else if kd & kind::CLOSE != 0 {
                // the closed group is one more link of the chain around it: `f()()()…`
                acc = 1u64.wrapping_sub(before);
                if top > 0 {
                    sum = sum.saturating_sub(u64::from(t));
                    cur = lower[top];
                    top -= 1;
                } else {
                    cur = t;
                    excess = excess.saturating_sub(1);
                }
            } else {
                // A separator restarts the chain at its level, but an open bracket
                // stays one level: `(a, (a, (a, …` nests one per bracket (reset to
                // zero, 200 000 of them were estimated at 2 and overflowed the stack).
                acc = 0u64.wrapping_sub(before);
                let keep = u32::from(top > 0).min(t);
                sum = sum.saturating_sub(u64::from(t - keep));
                cur = keep;
            }
            continue;
        }
        // a quote or `/`: where code resumes after the string or comment, and the
        // pending count there
        let pending = acc.wrapping_add(before);
        let (resume, pending) = match (b[p], b.get(p + 1)) {
            (b'/', Some(b'/')) => (find_stop(k, b, p + 2, 0), pending),
            (b'/', Some(b'*')) => (skip_block_comment(b, p, &mut unlines), pending),
            (b'/', _) => continue,
            _ => {
                let (resume, weight) = skip_string(k, b, p, &mut unlines);
                (resume, pending.wrapping_add(weight))
            }
        };
        if resume >= n {
            break 'scan pending;
        }
        if resume & !63 != at {
            at = resume & !63;
            load!();
        }
        let off = resume - at;
        events &= !below(off);
        acc = pending.wrapping_sub(u64::from((counted & below(off)).count_ones()));
    };
    sum += pending_at_end;
    info.depth_estimate = deepest.max(sum.min(u64::from(u32::MAX)) as u32);
    info.bracket_depth = brackets;
    if FUCK && fuck_end - fuck_start >= JSFUCK_RUN {
        jsfuck_run(&mut info, fuck_start, fuck_end);
    }
    let (ends, longest) = line_stats(k, b, &unlines);
    // like str::lines: a final newline ends the last line, it does not start one
    info.lines = 1 + ends - usize::from(b[n - 1] == b'\n');
    info.longest_line = longest;
    Some(info)
}
