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

/// The text pass 64 bytes at a time (AVX2; in tests also a portable classifier).
#[cfg(any(target_arch = "x86_64", test))]
mod blocks;

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
