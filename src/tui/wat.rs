//! Syntax colours for WebAssembly text (`.wat`): a small hand-written lexer in the style of
//! the JavaScript one (`engine::lexer`), line by line from a carried state, so the editor
//! styles only the lines on screen. No crate on crates.io offers a line-resumable WAT
//! highlighter (`wast` parses whole modules and stops at the first error, which an editor
//! shows on every keystroke), so this is our own: error-tolerant, one pass, linear in the
//! line's length.
//!
//! Token classes are mapped onto the theme's syntax keys (which are named for JavaScript):
//! module-level keywords (`module`, `func`, `param`, …) are `keyword`; instructions
//! (`i32.add`, `local.get`, `call`, `br_if`, …) `builtin`; value and reference types
//! (`i32`, `f64`, `funcref`, …) `template`; `$identifiers` `identifier`; strings, numbers and
//! comments (`;;` and nested `(; ;)`) their own keys; parentheses `punctuation`; memory
//! arguments (`offset=8`) and other words `operator`; characters WAT never allows outside a
//! string or comment (a lone `;`, `{`, non-ASCII) `invalid`.

use crate::engine::lexer::{Token, TokenKind};

/// What a line starts inside: the nesting depth of `(; ;)` block comments (WAT's nest).
/// Strings cannot span lines in WAT, so nothing else carries over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct WatState {
    pub comment_depth: u32,
}

/// Module-level keywords (sorted, for binary search).
const KEYWORDS: &[&str] = &[
    "array", "data", "declare", "elem", "export", "field", "func", "global", "import", "item",
    "local", "memory", "module", "mut", "offset", "param", "rec", "result", "start", "struct",
    "sub", "table", "tag", "type",
];

/// Value and reference types (sorted).
const TYPES: &[&str] = &[
    "anyfunc",
    "anyref",
    "externref",
    "f32",
    "f64",
    "funcref",
    "i16",
    "i32",
    "i64",
    "i8",
    "v128",
];

/// Instructions without a `.` in their name (sorted); every dotted word (`i32.add`,
/// `local.get`, `memory.grow`) is an instruction too.
const PLAIN_INSTRUCTIONS: &[&str] = &[
    "block",
    "br",
    "br_if",
    "br_table",
    "call",
    "call_indirect",
    "catch",
    "catch_all",
    "delegate",
    "drop",
    "else",
    "end",
    "if",
    "loop",
    "nop",
    "rethrow",
    "return",
    "return_call",
    "return_call_indirect",
    "select",
    "then",
    "throw",
    "try",
    "unreachable",
];

/// Tokens of one line starting in `state`, and the state the next line starts in. Every
/// byte of the line is covered by exactly one token, in order.
pub fn tokenize_line(line: &str, state: WatState) -> (Vec<Token>, WatState) {
    let mut out = Vec::with_capacity(line.len() / 3 + 1);
    let end = tokenize_line_into(line, state, &mut out);
    (out, end)
}

/// [`tokenize_line`] into a caller's buffer (cleared first is the caller's business).
pub fn tokenize_line_into(line: &str, state: WatState, out: &mut Vec<Token>) -> WatState {
    let b = line.as_bytes();
    let mut depth = state.comment_depth;
    let mut i = 0;
    let push = |out: &mut Vec<Token>, kind, start, end| {
        if end > start {
            out.push(Token { kind, start, end });
        }
    };
    while i < b.len() {
        let start = i;
        if depth > 0 {
            (i, depth) = skip_comment(b, i, depth);
            push(out, TokenKind::Comment, start, i);
            continue;
        }
        let c = b[i];
        match c {
            b' ' | b'\t' | b'\r' | b'\n' => {
                while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r' | b'\n') {
                    i += 1;
                }
                push(out, TokenKind::Whitespace, start, i);
            }
            b';' if b.get(i + 1) == Some(&b';') => {
                push(out, TokenKind::Comment, start, b.len());
                i = b.len();
            }
            b'(' if b.get(i + 1) == Some(&b';') => {
                (i, depth) = skip_comment(b, i + 2, 1);
                push(out, TokenKind::Comment, start, i);
            }
            b'(' | b')' => {
                i += 1;
                push(out, TokenKind::Punctuation, start, i);
            }
            b'"' => {
                i += 1;
                while i < b.len() {
                    match b[i] {
                        b'\\' => i = (i + 2).min(b.len()),
                        b'"' => {
                            i += 1;
                            break;
                        }
                        _ => i += 1,
                    }
                }
                // Never split a character: a multi-byte one after a trailing `\` ends the line.
                while !line.is_char_boundary(i) {
                    i += 1;
                }
                push(out, TokenKind::String, start, i);
            }
            c if is_idchar(c) => {
                while i < b.len() && is_idchar(b[i]) {
                    i += 1;
                }
                push(out, classify(&line[start..i]), start, i);
            }
            _ => {
                // A lone `;`, brackets, commas, control characters, non-ASCII: one whole
                // character at a time.
                i += line[i..].chars().next().map_or(1, char::len_utf8);
                push(out, TokenKind::Invalid, start, i);
            }
        }
    }
    WatState {
        comment_depth: depth,
    }
}

/// From `i` inside a block comment `depth` deep: past its matching `;)` (counting nested
/// `(;`, saturating) or to the end of the line. Returns where it stopped and the depth left.
fn skip_comment(b: &[u8], mut i: usize, mut depth: u32) -> (usize, u32) {
    while i < b.len() && depth > 0 {
        if b[i] == b'(' && b.get(i + 1) == Some(&b';') {
            depth = depth.saturating_add(1);
            i += 2;
        } else if b[i] == b';' && b.get(i + 1) == Some(&b')') {
            depth -= 1;
            i += 2;
        } else {
            i += 1;
        }
    }
    (i.min(b.len()), depth)
}

/// WAT's `idchar`: printable ASCII but space, `"`, `,`, `;`, parentheses and brackets.
fn is_idchar(c: u8) -> bool {
    c.is_ascii_graphic()
        && !matches!(
            c,
            b'"' | b',' | b';' | b'(' | b')' | b'[' | b']' | b'{' | b'}'
        )
}

fn classify(word: &str) -> TokenKind {
    let first = word.as_bytes().first().copied().unwrap_or(b' ');
    let unsigned = word.trim_start_matches(['+', '-']);
    if first == b'$' {
        TokenKind::Identifier
    } else if unsigned.as_bytes().first().is_some_and(u8::is_ascii_digit)
        || matches!(unsigned, "inf" | "nan")
        || unsigned.starts_with("nan:0x")
    {
        TokenKind::Number
    } else if KEYWORDS.binary_search(&word).is_ok() {
        TokenKind::Keyword
    } else if TYPES.binary_search(&word).is_ok() {
        TokenKind::Template
    } else if word.contains('=') {
        // `offset=8`, `align=4`: arguments of a memory instruction.
        TokenKind::Operator
    } else if PLAIN_INSTRUCTIONS.binary_search(&word).is_ok()
        || (first.is_ascii_lowercase() && word.contains('.'))
    {
        TokenKind::Builtin
    } else {
        TokenKind::Operator
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(line: &str) -> Vec<(&str, TokenKind)> {
        let (t, _) = tokenize_line(line, WatState::default());
        t.iter()
            .filter(|t| t.kind != TokenKind::Whitespace)
            .map(|t| (t.text(line), t.kind))
            .collect()
    }

    #[test]
    fn word_lists_are_sorted_for_binary_search() {
        for list in [KEYWORDS, TYPES, PLAIN_INSTRUCTIONS] {
            assert!(list.windows(2).all(|w| w[0] < w[1]), "{list:?}");
        }
    }

    #[test]
    fn every_token_class() {
        use TokenKind::*;
        let line = r#"(func $f (param i32) (i32.load offset=8 (local.get 0)) call $g "s\"x" -1.5e3 0x1F ;; done"#;
        assert_eq!(
            kinds(line),
            vec![
                ("(", Punctuation),
                ("func", Keyword),
                ("$f", Identifier),
                ("(", Punctuation),
                ("param", Keyword),
                ("i32", Template),
                (")", Punctuation),
                ("(", Punctuation),
                ("i32.load", Builtin),
                ("offset=8", Operator),
                ("(", Punctuation),
                ("local.get", Builtin),
                ("0", Number),
                (")", Punctuation),
                (")", Punctuation),
                ("call", Builtin),
                ("$g", Identifier),
                ("\"s\\\"x\"", String),
                ("-1.5e3", Number),
                ("0x1F", Number),
                (";; done", Comment),
            ]
        );
        assert_eq!(
            kinds("(; a (; nested ;) still ;) nan inf +inf nan:0x1 funcref ; é"),
            vec![
                ("(; a (; nested ;) still ;)", Comment),
                ("nan", Number),
                ("inf", Number),
                ("+inf", Number),
                ("nan:0x1", Number),
                ("funcref", Template),
                (";", Invalid),
                ("é", Invalid),
            ]
        );
    }

    #[test]
    fn tokens_cover_the_line_in_order() {
        let line = "  (data (i32.const 0) \"\\10\\00\") (; x ;) ;; é";
        let (t, _) = tokenize_line(line, WatState::default());
        let mut at = 0;
        for tok in &t {
            assert_eq!(tok.start, at, "{t:?}");
            assert!(tok.end > tok.start);
            at = tok.end;
        }
        assert_eq!(at, line.len());
    }

    #[test]
    fn an_unterminated_block_comment_carries_to_the_next_lines() {
        let (t, s) = tokenize_line("(func (; start (; inner", WatState::default());
        assert_eq!(s.comment_depth, 2);
        assert_eq!(t.last().map(|t| t.kind), Some(TokenKind::Comment));
        let (t, s) = tokenize_line("still ;) comment", s);
        assert_eq!(s.comment_depth, 1);
        assert_eq!(t.len(), 1, "{t:?}");
        assert_eq!(t[0].kind, TokenKind::Comment);
        let (t, s) = tokenize_line("end ;) (module)", s);
        assert_eq!(s, WatState::default());
        assert_eq!(t[0].kind, TokenKind::Comment);
        assert_eq!(t[0].text("end ;) (module)"), "end ;)");
        let words: Vec<_> = t
            .iter()
            .filter(|t| t.kind == TokenKind::Keyword)
            .map(|t| t.text("end ;) (module)"))
            .collect();
        assert_eq!(words, ["module"]);
    }

    #[test]
    fn an_unterminated_string_ends_at_the_line_end() {
        let line = "(data \"abc\\";
        let (t, s) = tokenize_line(line, WatState::default());
        assert_eq!(s, WatState::default(), "strings do not span lines");
        let last = t.last().expect("a token");
        assert_eq!((last.kind, last.end), (TokenKind::String, line.len()));
        // A trailing backslash before a multi-byte character never splits it.
        let line = "\"\\é";
        let (t, _) = tokenize_line(line, WatState::default());
        assert_eq!(t.last().map(|t| t.end), Some(line.len()));
    }

    #[test]
    fn hostile_lines_cost_linear_work_and_never_overflow() {
        // 200,000 nested comment openers: the depth saturates, never wraps, and the line is
        // one token; a line of 200,000 lone characters is that many tokens at most.
        let opens = "(;".repeat(100_000);
        let started = std::time::Instant::now();
        let (t, s) = tokenize_line(&opens, WatState::default());
        assert_eq!(t.len(), 1);
        assert_eq!(s.comment_depth, 100_000);
        let (_, s) = tokenize_line(
            "(;",
            WatState {
                comment_depth: u32::MAX,
            },
        );
        assert_eq!(s.comment_depth, u32::MAX);
        let odd = ";{".repeat(100_000);
        let (t, _) = tokenize_line(&odd, WatState::default());
        assert!(t.len() <= odd.len());
        let quotes = "\"\\".repeat(100_000);
        let (t, _) = tokenize_line(&quotes, WatState::default());
        assert_eq!(t.len(), 1);
        assert!(
            started.elapsed() < std::time::Duration::from_secs(2),
            "took {:?}",
            started.elapsed()
        );
    }
}
