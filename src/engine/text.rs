//! Making untrusted text safe to show: control characters and bidi overrides escaped, length
//! bounded. Everything a script prints or returns goes through here before any output.

use std::borrow::Cow;

/// True for characters that must never reach a terminal raw: C0 controls (except `\n` and
/// `\t` when `keep_newlines`), DEL, C1 controls, bidi embeddings/overrides/isolates, and
/// other invisible format characters that can reorder or hide text.
pub fn is_unsafe_char(c: char, keep_newlines: bool) -> bool {
    match c {
        '\n' | '\t' => !keep_newlines,
        '\u{0}'..='\u{1f}' | '\u{7f}'..='\u{9f}' => true,
        // bidi: LRM/RLM/ALM, embeddings and overrides, isolates
        '\u{200e}'
        | '\u{200f}'
        | '\u{061c}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => true,
        // zero-width and other invisible formatting, line/paragraph separators
        '\u{200b}'..='\u{200d}'
        | '\u{2028}'
        | '\u{2029}'
        | '\u{2060}'..='\u{2064}'
        | '\u{feff}' => true,
        _ => false,
    }
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

    #[test]
    fn truncates_on_char_boundaries() {
        assert_eq!(truncate("héllo", 2), "hé…");
        assert_eq!(truncate("hi", 2), "hi");
    }
}
