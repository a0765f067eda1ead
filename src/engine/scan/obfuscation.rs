//! Text-level rules that need no syntax tree: obfuscation families (JSFuck, jjencode,
//! aaencode, packer, obfuscator.io string arrays), cryptominer markers, trojan-source bidi
//! and invisible characters, code hidden after whitespace. They run on every input, also on
//! code that does not parse. One linear pass over the bytes plus a few literal-led regexes.

use super::{constant_regex, Raw, RuleId};
use regex::bytes::Regex;
use std::sync::LazyLock;

/// Longest run of spaces/tabs after code before the rest of the line counts as hidden.
pub(crate) const HIDDEN_WS_RUN: usize = 150;
/// Shortest run of `[]()!+` characters that counts as JSFuck.
pub(crate) const JSFUCK_RUN: usize = 100;

static PACKER: LazyLock<Regex> = LazyLock::new(|| {
    constant_regex(
        r"(?-u)eval\s*\(\s*function\s*\(\s*p\s*,\s*a\s*,\s*c\s*,\s*k\s*,\s*e\s*,\s*[dr]\s*\)",
    )
});
static STRING_ARRAY: LazyLock<Regex> = LazyLock::new(|| {
    constant_regex(
        r#"(?-u)(\.push\s*\(\s*[\w$]+\s*\.shift\s*\(\s*\)\s*\)|\[\s*['"]push['"]\s*\]\s*\(\s*[\w$]+\s*\[\s*['"]shift['"]\s*\]\s*\(\s*\)\s*\))"#,
    )
});
static WHILE_TRUE: LazyLock<Regex> =
    LazyLock::new(|| constant_regex(r"(?-u)while\s*\(\s*!!\s*\[\s*\]\s*\)"));
static JJENCODE: LazyLock<Regex> = LazyLock::new(|| {
    constant_regex(r"(?-u)([\w$]+)\s*=\s*~\s*\[\s*\]\s*;\s*([\w$]+)\s*=\s*\{\s*___\s*:\s*\+\+")
});
/// Miner markers, case-sensitive spellings (a literal set the regex engine searches fast).
static HEX_NAMES: LazyLock<Regex> = LazyLock::new(|| constant_regex(r"(?-u)\b_0x[0-9a-f]{4,6}\b"));

/// Facts from one pass over the bytes.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub(crate) struct TextInfo {
    pub lines: usize,
    pub longest_line: usize,
    /// Approximate bracket nesting (strings and comments skipped; regex literals are not).
    pub bracket_depth: u32,
    /// A conservative bound on how deep the syntax tree can nest: over the open brackets,
    /// one per bracket plus the bytes of code since the last `,` / `;` at that level (a
    /// chain like `a+a+a…` or `x.a.a…` nests one level per operator without any bracket).
    pub depth_estimate: u32,
    pub jsfuck: Option<(u32, u32)>,
    /// Start of code hidden after a long whitespace run (up to 8).
    pub hidden_ws: Vec<(u32, u32)>,
}

/// One linear pass: lines, longest line, bracket depth, JSFuck runs, hidden code. With AVX2
/// it goes 64 bytes at a time (`blocks`), otherwise a byte at a time
/// ([`text_pass_bytes`]); the two give the same `TextInfo` for every input.
pub(crate) fn text_pass(src: &str) -> TextInfo {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = blocks::Avx2::detect() {
        // SAFETY: `detect` found the CPU features `pass` is compiled for.
        return unsafe { avx2.pass(src.as_bytes()) };
    }
    text_pass_bytes(src)
}

/// Bytes the pass must look at; every other byte is "ordinary code" and skipped in bulk.
static SPECIAL: [bool; 256] = {
    let mut t = [false; 256];
    let s = b"[]()!+{}\n \t\r\"'`/,;";
    let mut i = 0;
    while i < s.len() {
        t[s[i] as usize] = true;
        i += 1;
    }
    t
};

/// The text pass a byte at a time: the specification of [`text_pass`], and its way on CPUs
/// without AVX2. Ordinary bytes are skipped in bulk, the others handled one by one.
fn text_pass_bytes(src: &str) -> TextInfo {
    let b = src.as_bytes();
    let n = b.len();
    let mut info = TextInfo {
        lines: if b.is_empty() { 0 } else { 1 },
        ..TextInfo::default()
    };
    let mut line_start = 0usize;
    let mut depth: u32 = 0;
    let mut fuck_start = 0usize;
    let mut fuck_len = 0usize;
    let mut ws_run = 0usize;
    let mut code_on_line = false;
    let mut i = 0usize;
    // Depth bound: chain[k] = code bytes since the last separator at bracket level k; sum =
    // their total. Code bytes are counted in `pending` and added to both only before the
    // chain changes shape or shrinks: between two such points the sum only grows, so its
    // greatest value is the one at the next of them.
    let mut chain: Vec<u32> = vec![0];
    let mut sum: u64 = 0;
    let mut pending: u64 = 0;
    // Adds the pending bytes (then counts again from `$next`).
    macro_rules! flush {
        () => {
            if pending != 0 {
                if let Some(t) = chain.last_mut() {
                    *t = t.saturating_add(pending.min(u64::from(u32::MAX)) as u32);
                }
                sum += pending;
                info.depth_estimate = info.depth_estimate.max(sum.min(u64::from(u32::MAX)) as u32);
            }
        };
        ($next:expr) => {
            flush!();
            pending = $next;
        };
    }
    // Called at every byte of code that is not whitespace.
    macro_rules! code_at {
        ($pos:expr) => {
            if code_on_line && ws_run >= HIDDEN_WS_RUN && info.hidden_ws.len() < 8 {
                let at = $pos;
                let end = b[at..]
                    .iter()
                    .position(|&x| x == b'\n')
                    .map_or(n, |p| at + p);
                info.hidden_ws.push((at as u32, end as u32));
            }
            ws_run = 0;
            code_on_line = true;
        };
    }
    // A newline at `$pos` ends a line.
    macro_rules! line_ends {
        ($pos:expr) => {
            info.longest_line = info.longest_line.max($pos - line_start);
            line_start = $pos + 1;
            info.lines += 1;
        };
    }
    macro_rules! end_fuck {
        ($pos:expr) => {
            if fuck_len >= JSFUCK_RUN && info.jsfuck.is_none() {
                info.jsfuck = Some((fuck_start as u32, $pos as u32));
            }
            fuck_len = 0;
        };
    }
    while i < n {
        let c = b[i];
        if !SPECIAL[c as usize] {
            // Ordinary bytes in bulk, across single spaces and tabs between them (such a
            // space ends no JSFuck run, a run just ended here, and hides nothing: the code
            // after it clears the whitespace count again).
            end_fuck!(i);
            code_at!(i);
            loop {
                let run = i;
                while i < n && !SPECIAL[b[i] as usize] {
                    i += 1;
                }
                pending += (i - run) as u64;
                if i + 1 < n && matches!(b[i], b' ' | b'\t') && !SPECIAL[b[i + 1] as usize] {
                    i += 1;
                    continue;
                }
                break;
            }
            continue;
        }
        if matches!(c, b'[' | b']' | b'(' | b')' | b'!' | b'+') {
            if fuck_len == 0 {
                fuck_start = i;
            }
            fuck_len += 1;
        } else {
            end_fuck!(i);
        }
        match c {
            b'\n' => {
                line_ends!(i);
                ws_run = 0;
                code_on_line = false;
                i += 1;
                continue;
            }
            b' ' | b'\t' => {
                let start = i;
                i = b[i..]
                    .iter()
                    .position(|&x| x != b' ' && x != b'\t')
                    .map_or(n, |p| i + p);
                ws_run += i - start;
                continue;
            }
            b'\r' => {
                i += 1;
                continue;
            }
            _ => {}
        }
        code_at!(i);
        match c {
            b'(' | b'[' | b'{' => {
                depth += 1;
                info.bracket_depth = info.bracket_depth.max(depth);
                // the bracket itself is code of the level it opens
                flush!(1);
                if chain.len() < (1 << 22) {
                    chain.push(0);
                }
            }
            b')' | b']' | b'}' => {
                depth = depth.saturating_sub(1);
                // the closed group is one more link of the chain around it: `f()()()…`
                flush!(1);
                if chain.len() > 1 {
                    let t = chain.pop().unwrap_or(0);
                    sum = sum.saturating_sub(u64::from(t));
                }
            }
            b',' | b';' => {
                // A separator restarts the chain at its level, but an open bracket stays one
                // level: `(a, (a, (a, …` nests one per bracket (reset to zero, 200 000 of
                // them were estimated at 2 and overflowed the stack).
                flush!(0);
                let keep = u32::from(chain.len() > 1);
                if let Some(t) = chain.last_mut() {
                    let keep = keep.min(*t);
                    sum = sum.saturating_sub(u64::from(*t - keep));
                    *t = keep;
                }
            }
            b'!' | b'+' => {
                pending += 1;
            }
            b'"' | b'\'' | b'`' => {
                let string_start = i;
                // skip the string (escapes honoured: the escaped byte is skipped whatever it
                // is, so a continued line is not counted; unterminated quotes end at the
                // line, templates anywhere)
                let q = c;
                i += 1;
                loop {
                    // (past the end after a final backslash, as the byte loop was)
                    let Some(p) = memchr::memchr3(q, b'\\', b'\n', &b[i.min(n)..]) else {
                        i = i.max(n);
                        break;
                    };
                    i += p;
                    match b[i] {
                        b'\\' => i += 2,
                        b'\n' if q == b'`' => {
                            line_ends!(i);
                            i += 1;
                        }
                        // the closing quote, or the end of the line for a quoted string
                        _ => break,
                    }
                }
                // a quoted string is one leaf; a template may hold nested code
                pending += if q == b'`' {
                    (i - string_start) as u64
                } else {
                    1
                };
                if i < n && b[i] == b'\n' {
                    continue;
                }
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                i = memchr::memchr(b'\n', &b[i..]).map_or(n, |p| i + p);
                continue;
            }
            b'/' if b.get(i + 1) == Some(&b'*') => {
                // to the `*` of the closing `*/`, or to the last byte (whose newline, if it
                // is one, the comment does not count)
                i += 2;
                let last = n - 1;
                while i < last {
                    let Some(p) = memchr::memchr2(b'*', b'\n', &b[i..last]) else {
                        i = last;
                        break;
                    };
                    i += p;
                    if b[i] == b'\n' {
                        line_ends!(i);
                    } else if b[i + 1] == b'/' {
                        break;
                    }
                    i += 1;
                }
                i += 1;
            }
            _ => {}
        }
        i += 1;
    }
    flush!();
    if fuck_len >= JSFUCK_RUN && info.jsfuck.is_none() {
        info.jsfuck = Some((fuck_start as u32, n as u32));
    }
    info.longest_line = info.longest_line.max(n.saturating_sub(line_start));
    if b.last() == Some(&b'\n') {
        // like str::lines: a final newline ends the last line, it does not start one
        info.lines -= 1;
    }
    info
}

/// The text pass 64 bytes at a time, for CPUs with AVX2 (and, in tests, with a portable
/// classifier). It gives what [`text_pass_bytes`] gives, field for field.
///
/// The text is cut into blocks of 64 bytes (at offsets 0, 64, 128… of the text; the short
/// last one is copied into a buffer and its bytes past the end are masked off). A block is
/// classified at once (a nibble-table lookup, `vpshufb`) into bitmasks, bit i for byte i:
///
/// - events: `[]{}()!+,;"'`/`, the bytes of code the pass acts on one by one;
/// - counted: the bytes that are neither events nor ` \t\r\n` (identifiers, numbers, other
///   operators, `\`, every non-ASCII byte…): each adds one to the depth bound.
///
/// In code, the pass jumps from one event to the next (trailing zeros, clear the lowest bit)
/// and never looks at the bytes between. Strings and comments are skipped with their own
/// masks (or `memmem` for `*/`), and the pass picks up in the block where they end. What the
/// byte loop computed is kept exactly, in these shapes:
///
/// - Depth bound: the byte loop counted code bytes into `pending` and added them to the
///   chain at the next bracket, `,` / `;` or the end. Here the count at position p of the
///   current block is `acc + popcount(counted & bits below p)`: `acc` takes in the blocks
///   passed, and is set again after each event and after each string or comment. A `!` / `+`
///   counts one, as before. Adding pending bytes at an event that does not change the shape
///   of the chain changes no maximum (between two changes of shape the sum only grows).
/// - Lines: not followed in the scan at all. Every newline ends a line except an escaped one
///   in a string or template and the last byte of an unclosed block comment; the scan notes
///   those rare ones (`unlines`), and [`line_stats`] then counts newlines by block.
/// - Code hidden after whitespace: the byte loop counted spaces and tabs since the last code
///   byte on the line. A maximal run of ` \t\r` is never cut by the start or the end of a
///   string or comment (they start at a quote or `/` and end at a quote, at `/`, before a
///   newline or at the end), so it lies wholly in code or wholly inside one. A run of 150
///   or more covers a whole block of ` \t\r`, which has neither events nor counted bytes:
///   only when the scan meets such a block does it measure the run around it
///   ([`whitespace_run`]).
/// - JSFuck: for the same reason a maximal run of `[]()!+` is wholly in code or not, and a
///   run of 100 has at least 50 of its bytes in one block. Runs are not followed at all
///   until a block with 50 such bytes shows up; then the scan starts again following them
///   ([`scan`] with `FUCK`): a run goes on while the next such event is right after it.
#[cfg(any(target_arch = "x86_64", test))]
mod blocks {
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
    fn skip_string<K: Classify>(
        k: K,
        b: &[u8],
        p: usize,
        unlines: &mut Vec<usize>,
    ) -> (usize, u64) {
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
}

fn in_spans(spans: &[(u32, u32)], pos: u32) -> bool {
    // spans are sorted by start; find the last span starting at or before pos
    let i = spans.partition_point(|s| s.0 <= pos);
    i > 0 && spans[i - 1].1 > pos
}

fn raw(rule: RuleId, start: usize, end: usize, detail: String) -> Raw {
    Raw::new(rule, start as u32, end as u32, detail)
}

/// Runs the text-level rules. `strings` are sorted byte spans of string literals (empty when
/// the code did not parse). Returns the number of `_0x…` names seen by the text scan.
pub(crate) fn text_rules(src: &str, info: &TextInfo, strings: &[(u32, u32)], out: &mut Vec<Raw>) {
    let b = src.as_bytes();
    if let Some((s, e)) = info.jsfuck {
        let detail = format!("{} characters of []()!+", e - s);
        out.push(raw(
            RuleId::ObfuscationJsfuck,
            s as usize,
            e as usize,
            detail,
        ));
    }
    for &(s, e) in &info.hidden_ws {
        if !in_spans(strings, s) {
            out.push(raw(
                RuleId::HiddenWhitespace,
                s as usize,
                e as usize,
                String::new(),
            ));
        }
    }
    // `~` is rare in code: one vectorised search for it, not two for the strings.
    let tilde_brackets = memchr::memchr_iter(b'~', b).any(|p| {
        let after = &b[p + 1..];
        after.starts_with(b"[]") || after.starts_with(b" []")
    });
    if tilde_brackets {
        if let Some(m) = JJENCODE.find(b) {
            out.push(raw(
                RuleId::ObfuscationJjencode,
                m.start(),
                m.end(),
                "jjencode".into(),
            ));
        }
    }
    if let Some(m) = memchr::memmem::find(b, b"eval")
        .is_some()
        .then(|| PACKER.find(b))
        .flatten()
    {
        out.push(raw(
            RuleId::ObfuscationPacker,
            m.start(),
            m.end(),
            String::new(),
        ));
    }
    if let Some(m) = memchr::memmem::find(b, b"shift")
        .is_some()
        .then(|| STRING_ARRAY.find(b))
        .flatten()
    {
        if WHILE_TRUE.is_match(b) || HEX_NAMES.find_iter(b).take(8).count() >= 8 {
            let detail = "string array rotated with push/shift".to_string();
            out.push(raw(
                RuleId::ObfuscationStringArray,
                m.start(),
                m.end(),
                detail,
            ));
        }
    }
    if !src.is_ascii() {
        unicode_rules(src, strings, out);
    }
}

/// The characters of `src` that begin with the UTF-8 lead bytes E1, E2, E3 or EF, in order:
/// every character the rules below look for (U+115F to U+FFA0) is one of them, and the
/// vectorised searches skip the rest of the text (ASCII, Latin, most scripts).
fn wide_chars(src: &str) -> impl Iterator<Item = (usize, char)> + '_ {
    let b = src.as_bytes();
    let mut low = memchr::memchr3_iter(0xE1, 0xE2, 0xE3, b).peekable();
    let mut high = memchr::memchr_iter(0xEF, b).peekable();
    std::iter::from_fn(move || loop {
        let i = match (low.peek(), high.peek()) {
            (Some(x), Some(y)) if x > y => high.next(),
            (Some(_), _) => low.next(),
            (None, _) => high.next(),
        }?;
        // (a lead byte always begins a character of a `str`)
        if let Some(c) = src.get(i..).and_then(|t| t.chars().next()) {
            return Some((i, c));
        }
    })
}

/// Bidi controls and invisible characters outside string literals; aaencode.
fn unicode_rules(src: &str, strings: &[(u32, u32)], out: &mut Vec<Raw>) {
    for pat in ["ﾟωﾟﾉ", "ﾟДﾟ"] {
        if let Some(p) = memchr::memmem::find(src.as_bytes(), pat.as_bytes()) {
            out.push(raw(
                RuleId::ObfuscationJjencode,
                p,
                p + pat.len(),
                "aaencode".into(),
            ));
            break;
        }
    }
    let mut bidi = 0;
    let mut invisible = 0;
    for (i, c) in wide_chars(src) {
        if (c as u32) < 0x115f {
            continue;
        }
        let rule = match c {
            '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}' => RuleId::TrojanSource,
            '\u{200b}'..='\u{200f}'
            | '\u{2060}'..='\u{2064}'
            | '\u{180e}'
            | '\u{3164}'
            | '\u{ffa0}'
            | '\u{115f}'
            | '\u{1160}' => RuleId::InvisibleChar,
            '\u{feff}' if i > 0 => RuleId::InvisibleChar,
            _ => continue,
        };
        if in_spans(strings, i as u32) {
            // A bidi override inside a string that also holds comment-like text makes the
            // literal read as code ending in a comment (the "stretched string" shape).
            if rule == RuleId::TrojanSource && bidi == 0 {
                let at = strings.partition_point(|s| s.0 <= i as u32);
                let lit = at
                    .checked_sub(1)
                    .and_then(|k| strings.get(k))
                    .and_then(|&(a, b)| src.get(a as usize..b as usize))
                    .unwrap_or("");
                if lit.contains("//") || lit.contains("/*") {
                    bidi += 1;
                    let detail =
                        format!("U+{:04X} inside a string that reads as a comment", c as u32);
                    out.push(raw(rule, i, i + c.len_utf8(), detail));
                }
            }
            continue;
        }
        let n = if rule == RuleId::TrojanSource {
            &mut bidi
        } else {
            &mut invisible
        };
        *n += 1;
        if *n <= 5 {
            let detail = format!("U+{:04X}", c as u32);
            out.push(raw(rule, i, i + c.len_utf8(), detail));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_chars_are_the_characters_led_by_e1_e2_e3_ef_in_order() {
        let text = "a\u{feff}b é \u{202e}x\u{3164}\u{ffa0}ﾟωﾟ 中文 \u{115f}\u{180e}\u{2066}😀\u{e000}\u{0900}z";
        let want: Vec<(usize, char)> = text
            .char_indices()
            .filter(|(i, _)| matches!(text.as_bytes()[*i], 0xE1 | 0xE2 | 0xE3 | 0xEF))
            .collect();
        assert_eq!(wide_chars(text).collect::<Vec<_>>(), want);
        assert!(want.len() >= 8, "{want:?}");
        assert_eq!(wide_chars("plain ascii").count(), 0);
    }

    #[test]
    fn every_constant_regex_compiles() {
        for re in [&PACKER, &STRING_ARRAY, &WHILE_TRUE, &JJENCODE, &HEX_NAMES] {
            LazyLock::force(re);
        }
    }

    #[test]
    fn text_pass_counts_lines_and_depth_outside_strings() {
        let t = text_pass("a(\"(((\");\n// (((\n[{}]");
        assert_eq!(t.lines, 3);
        assert_eq!(t.bracket_depth, 2);
        // a(…) = 1 byte + bracket; "(((" one leaf; [{}] two more levels
        assert!(t.depth_estimate >= 3, "{}", t.depth_estimate);
        let chain = text_pass(&format!("x{};", ".a".repeat(1000)));
        assert!(chain.depth_estimate >= 2000, "{}", chain.depth_estimate);
        let reset = text_pass(&"a.b.c;".repeat(1000));
        assert!(reset.depth_estimate < 10, "{}", reset.depth_estimate);
        // a separator inside brackets does not forget the brackets around it
        for (open, close) in [("(a, ", ")"), ("[a, ", "]"), ("{a; ", "}"), ("f(a, ", ")")] {
            let src = format!("x = {}1{};", open.repeat(1000), close.repeat(1000));
            let d = text_pass(&src).depth_estimate;
            assert!(d >= 1000, "{open}: {d}");
        }
        assert_eq!(t.longest_line, 9);
    }

    /// Every way the pass can run here, by name: the dispatching `text_pass`, the block pass
    /// with the portable classifier, and with AVX2 when this CPU has it.
    fn every_pass(src: &str) -> Vec<(&'static str, TextInfo)> {
        let mut all = vec![
            ("text_pass", text_pass(src)),
            (
                "blocks, portable",
                blocks::pass(blocks::Portable, src.as_bytes()),
            ),
        ];
        #[cfg(target_arch = "x86_64")]
        if let Some(avx2) = blocks::Avx2::detect() {
            // SAFETY: `detect` found the CPU features `pass` is compiled for.
            all.push(("blocks, AVX2", unsafe { avx2.pass(src.as_bytes()) }));
        }
        all
    }

    /// What the byte loop (the specification) finds, after checking every other way agrees.
    fn same(src: &str) -> TextInfo {
        let want = text_pass_bytes(src);
        for (name, got) in every_pass(src) {
            assert_eq!(got, want, "{name} on {src:?}");
        }
        want
    }

    #[test]
    fn the_class_table_is_the_special_bytes() {
        for x in 0..=255u8 {
            let c = blocks::class::of(x);
            let event = b"[]{}()!+,;\"'`/".contains(&x);
            let white = b" \t\r\n".contains(&x);
            assert_eq!(c & blocks::class::EVENT != 0, event, "{x:#04x}");
            assert_eq!(c & blocks::class::WHITE != 0, white, "{x:#04x}");
            assert_eq!(event || white, SPECIAL[x as usize], "{x:#04x}");
        }
    }

    #[test]
    fn text_pass_across_block_boundaries() {
        let info = |lines, longest_line, bracket_depth, depth_estimate| TextInfo {
            lines,
            longest_line,
            bracket_depth,
            depth_estimate,
            ..TextInfo::default()
        };
        for len in 0..=130usize {
            let l = u32::try_from(len).unwrap();
            // plain code, lines only, empty lines
            assert_eq!(
                same(&"a".repeat(len)),
                info(usize::from(len > 0), len, 0, l)
            );
            assert_eq!(same(&"\n".repeat(len)), info(len, 0, 0, 0));
            assert_eq!(
                same(&"a\n".repeat(len)),
                info(len, usize::from(len > 0), 0, l)
            );
            // a bracket run `((…))` over the boundaries (a JSFuck run from 100 bytes)
            let run = format!("{}{}", "(".repeat(len), ")".repeat(len));
            let mut want = info(usize::from(len > 0), 2 * len, l, l);
            if 2 * len >= JSFUCK_RUN {
                want.jsfuck = Some((0, 2 * l));
            }
            assert_eq!(same(&run), want, "{run}");
            // after `len` bytes of code: a string holding brackets and an escaped quote
            let s = format!("{}(\"((\\\"((\")", "a".repeat(len));
            assert_eq!(same(&s), info(1, s.len(), 1, l + 2), "{s}");
            // a template over a newline, an escaped newline in a string (not a line end)
            let s = format!("`{}\n(`+'\\\n('", "a".repeat(len));
            assert_eq!(same(&s), info(2, (len + 1).max(8), 0, l + 5), "{s}");
            // a block comment over a newline, then code at depth one
            let s = format!("{}/* ((\n(( */[]", "a".repeat(len));
            assert_eq!(same(&s), info(2, (len + 5).max(7), 1, l + 1), "{s}");
            // a line comment: its brackets do not count, the newline after it does
            let s = format!("{}// (((\n)", "a".repeat(len));
            assert_eq!(same(&s), info(2, len + 6, 0, l + 1), "{s}");
            // an unclosed block comment: its final newline is not counted, yet a final
            // newline still takes its line off the count (a quirk, kept): no lines
            let s = format!("{}/* (\n", "a".repeat(len));
            assert_eq!(same(&s), info(0, s.len(), 0, l), "{s}");
            // an unterminated string ends at its line
            let s = format!("'{}\n(", "a".repeat(len));
            assert_eq!(same(&s), info(2, len + 1, 1, 2), "{s}");
        }
        // code after 150 spaces or tabs (with `\r` among them, which do not count), at
        // every position in a block
        for pad in 0..=70usize {
            for ws in [" ".repeat(149), " ".repeat(150), "\t \r".repeat(75)] {
                let s = format!("{}x;{ws}y // z\nw", "a".repeat(pad));
                let hidden = ws.bytes().filter(|&c| c != b'\r').count() >= HIDDEN_WS_RUN;
                let at = u32::try_from(pad + 2 + ws.len()).unwrap();
                let want = if hidden { vec![(at, at + 6)] } else { vec![] };
                assert_eq!(same(&s).hidden_ws, want, "{s:?}");
                // nothing is hidden at the start of a line, nor by whitespace in a string
                assert!(same(&format!("{}\n{ws}y", "a".repeat(pad)))
                    .hidden_ws
                    .is_empty());
                assert!(same(&format!("x'{ws}y'")).hidden_ws.is_empty());
            }
        }
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(2000))]
        /// The block pass (portable and AVX2) gives what the byte loop gives, on text made of
        /// the bytes that matter, words, non-ASCII characters, long runs of `[]()!+` and of
        /// whitespace.
        #[test]
        fn text_pass_is_the_byte_loop(
            parts in proptest::collection::vec(
                (0usize..12, 0usize..22, 90usize..200, proptest::num::u64::ANY),
                0..48,
            )
        ) {
            const BYTES: &[u8] = b"\"'`\\/*\n \t\r()[]{};,!+~ab";
            let mut src = String::new();
            for (kind, pick, len, seed) in parts {
                match kind {
                    0 => {
                        // a run of `[]()!+` (JSFuck from 100)
                        for i in 0..len {
                            let k = (seed >> (i % 60)) as usize % 6;
                            src.push(char::from(b"[]()!+"[k]));
                        }
                    }
                    1 => {
                        // a run of whitespace (hidden code from 150 spaces and tabs)
                        for i in 0..len {
                            let k = (seed >> (i % 61)) as usize % 8;
                            src.push([' ', '\t', ' ', ' ', '\t', ' ', ' ', '\r'][k]);
                        }
                    }
                    2 => src.push_str(["é", "€", "😀", "ﾟ", "\u{202e}"][pick % 5]),
                    3 => src.push_str(["//", "/*", "*/", "\\\n", "return", "${a}"][pick % 6]),
                    _ => src.push(char::from(BYTES[pick % BYTES.len()])),
                }
            }
            let want = text_pass_bytes(&src);
            for (name, got) in every_pass(&src) {
                proptest::prop_assert_eq!(&got, &want, "{} on {:?}", name, src);
            }
        }
    }

    #[test]
    fn spans_lookup() {
        let s = [(0, 5), (10, 20)];
        assert!(in_spans(&s, 3));
        assert!(!in_spans(&s, 7));
        assert!(in_spans(&s, 19));
        assert!(!in_spans(&s, 20));
    }

    #[test]
    fn jjencode_is_seen_with_and_without_a_space_before_its_brackets() {
        let rules = |src: &str| {
            let mut out = Vec::new();
            text_rules(src, &text_pass(src), &[], &mut out);
            out.into_iter().map(|r| r.rule).collect::<Vec<_>>()
        };
        for src in ["$=~[];$={___:++$};", "$ = ~ []; $ = { ___ : ++$ };", "x~[]"] {
            let want = if src == "x~[]" {
                vec![]
            } else {
                vec![RuleId::ObfuscationJjencode]
            };
            assert_eq!(rules(src), want, "{src}");
        }
        // at the very end of the text, and a `~` with no brackets after it
        assert!(rules("a = ~").is_empty());
        assert!(rules("a = ~b; c = {___: ++d}").is_empty());
    }
}
