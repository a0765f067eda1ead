//! Making untrusted text safe to show: every invisible or reordering code point escaped, length
//! bounded. Everything a script prints or returns goes through here before any output.

use std::borrow::Cow;

/// Code points a terminal must never receive raw, as inclusive ranges, sorted: every control
/// (`Cc`), every format character (`Cf`: bidi marks, embeddings, overrides and isolates,
/// zero-width characters, the soft hyphen, tag characters, interlinear annotation marks,
/// musical formatting, …), the line and paragraph separators (`Zl`, `Zp`) and every
/// `Default_Ignorable_Code_Point` (variation selectors, Hangul fillers, Mongolian free
/// variation selectors, the combining grapheme joiner, and the reserved code points Unicode
/// keeps ignorable). Unicode 16.0.0.
///
/// Generated from the Unicode data that the `regex` crate embeds (regex-syntax's
/// `ucd-generate` tables) by printing the runs of code points matching
/// `[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]`; the test
/// `the_table_is_exactly_the_unicode_properties` checks every code point against that class.
const INVISIBLE: [(u32, u32); 27] = [
    (0x0000, 0x001F),
    (0x007F, 0x009F),
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x0600, 0x0605),
    (0x061C, 0x061C),
    (0x06DD, 0x06DD),
    (0x070F, 0x070F),
    (0x0890, 0x0891),
    (0x08E2, 0x08E2),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x2028, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFFB),
    (0x110BD, 0x110BD),
    (0x110CD, 0x110CD),
    (0x13430, 0x1343F),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
];

/// True for characters that must never reach a terminal raw: see [`INVISIBLE`] (`\n` and
/// `\t` are kept when `keep_newlines`).
pub fn is_unsafe_char(c: char, keep_newlines: bool) -> bool {
    let n = c as u32;
    // Printable ASCII, the bulk of all text.
    if (0x20..0x7F).contains(&n) {
        return false;
    }
    if c == '\n' || c == '\t' {
        return !keep_newlines;
    }
    INVISIBLE
        .binary_search_by(|&(lo, hi)| {
            if hi < n {
                std::cmp::Ordering::Less
            } else if lo > n {
                std::cmp::Ordering::Greater
            } else {
                std::cmp::Ordering::Equal
            }
        })
        .is_ok()
}

/// Escapes unsafe characters as `\x1b` / `\u{202e}`; keeps newlines and tabs when asked.
pub fn escape(s: &str, keep_newlines: bool) -> Cow<'_, str> {
    if !s.chars().any(|c| is_unsafe_char(c, keep_newlines)) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 16);
    for c in s.chars() {
        if is_unsafe_char(c, keep_newlines) {
            let n = c as u32;
            if n < 0x100 {
                out.push_str(&format!("\\x{n:02x}"));
            } else {
                out.push_str(&format!("\\u{{{n:x}}}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Writes a JSON `\uXXXX` escape (a surrogate pair beyond the BMP) for every unsafe character
/// of serialised JSON. Such characters can only occur inside JSON strings (serde_json escapes
/// C0 controls itself; the rest is never structural), so the result is the same JSON value.
pub fn escape_json(json: &str) -> Cow<'_, str> {
    if !json.chars().any(|c| is_unsafe_char(c, false)) {
        return Cow::Borrowed(json);
    }
    let mut out = String::with_capacity(json.len() + 16);
    let mut units = [0u16; 2];
    for c in json.chars() {
        if is_unsafe_char(c, false) {
            for u in c.encode_utf16(&mut units) {
                out.push_str(&format!("\\u{u:04x}"));
            }
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Truncates to at most `max_chars` characters, appending `…` when cut.
pub fn truncate(s: &str, max_chars: usize) -> Cow<'_, str> {
    match s.char_indices().nth(max_chars) {
        None => Cow::Borrowed(s),
        Some((i, _)) => Cow::Owned(format!("{}…", &s[..i])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_terminal_controls_and_bidi() {
        assert_eq!(escape("plain text", false), "plain text");
        assert_eq!(escape("\x1b[2J\x07", false), "\\x1b[2J\\x07");
        assert_eq!(escape("a\u{202e}b", false), "a\\u{202e}b");
        assert_eq!(escape("\u{9b}31m", false), "\\x9b31m");
        assert_eq!(escape("l1\nl2", true), "l1\nl2");
        assert_eq!(escape("l1\nl2", false), "l1\\x0al2");
    }

    /// The code points the red team found reaching stdout raw.
    #[test]
    fn invisible_code_points_found_by_the_red_team_are_escaped() {
        let found = [
            '\u{E0001}',
            '\u{E0041}',
            '\u{E007F}',
            '\u{206A}',
            '\u{206F}',
            '\u{00AD}',
            '\u{180E}',
            '\u{115F}',
            '\u{1160}',
            '\u{3164}',
            '\u{FFA0}',
            '\u{FE00}',
            '\u{FE0F}',
            '\u{E0100}',
            '\u{FFF9}',
            '\u{FFFB}',
            '\u{1D173}',
            '\u{1D17A}',
        ];
        for c in found {
            let s = format!("a{c}b");
            let shown = escape(&s, false);
            assert!(!shown.contains(c), "{:x} shown raw", c as u32);
            let n = c as u32;
            let want = if n < 0x100 {
                format!("a\\x{n:02x}b")
            } else {
                format!("a\\u{{{n:x}}}b")
            };
            assert_eq!(shown, want);
        }
        // Visible text is left alone, emoji and combining accents included.
        for s in ["héllo wörld", "日本語", "e\u{301}", "😀", "\u{A0}"] {
            assert_eq!(escape(s, false), s);
        }
    }

    /// Exhaustive over the whole Unicode range, against the Unicode data `regex` embeds.
    #[test]
    fn the_table_is_exactly_the_unicode_properties() {
        let class =
            regex::Regex::new(r"^[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Default_Ignorable_Code_Point}]$")
                .expect("class");
        let mut buf = [0u8; 4];
        let mut unsafe_count = 0;
        for n in 0..=0x10FFFFu32 {
            let Some(c) = char::from_u32(n) else { continue };
            let want = class.is_match(c.encode_utf8(&mut buf));
            assert_eq!(is_unsafe_char(c, false), want, "U+{n:04X}");
            if c != '\n' && c != '\t' {
                assert_eq!(is_unsafe_char(c, true), want, "U+{n:04X}");
            }
            unsafe_count += usize::from(want);
        }
        // Not vacuous: the tag block alone is 4096 code points, the rest ~180 (Unicode 16).
        assert!(unsafe_count > 4096 + 150, "{unsafe_count}");
        for w in INVISIBLE.windows(2) {
            assert!(w[0].1 + 1 < w[1].0, "ranges sorted and merged: {w:?}");
        }
    }

    #[test]
    fn json_escapes_round_trip_beyond_the_bmp() {
        let v = serde_json::json!({ "k\u{E0041}": "x\u{200B}y\u{1D173}z\u{202E}" });
        let raw = serde_json::to_string(&v).expect("json");
        let safe = escape_json(&raw);
        assert!(safe.chars().all(|c| !is_unsafe_char(c, false)), "{safe}");
        assert!(safe.contains("\\udb40\\udc41"), "{safe}");
        let back: serde_json::Value = serde_json::from_str(&safe).expect("parses");
        assert_eq!(back, v);
        assert!(matches!(escape_json("{\"a\":1}"), Cow::Borrowed(_)));
    }

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "hé…");
        assert_eq!(truncate("hi", 2), "hi");
    }
}
