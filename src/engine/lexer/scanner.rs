//! The scanner behind every entry point: one pass over a line or a source, emitting tokens
//! that tile it and carrying the [`LineState`] across lines.

use super::words::*;
use super::{LineState, Mode, Prev, Token, TokenKind, MAX_TEMPLATE_DEPTH, MAX_TRACKED_PARENS};

pub(super) struct Lexer<'a, 'o> {
    src: &'a str,
    b: &'a [u8],
    pos: usize,
    /// End of the last emitted token (the next token's start).
    emitted: usize,
    out: &'o mut Vec<Token>,
    st: LineState,
    /// A regex attempt found no closing `/` before this offset (the end of its line): a `/`
    /// before it is division. Keeps the fallback linear.
    no_regex_before: usize,
}

impl<'a, 'o> Lexer<'a, 'o> {
    pub(super) fn new(src: &'a str, st: LineState, out: &'o mut Vec<Token>) -> Self {
        Lexer {
            src,
            b: src.as_bytes(),
            pos: 0,
            emitted: 0,
            out,
            st,
            no_regex_before: 0,
        }
    }

    #[inline]
    fn peek(&self, ahead: usize) -> u8 {
        self.b.get(self.pos + ahead).copied().unwrap_or(0)
    }

    #[inline]
    fn at_end(&self) -> bool {
        self.pos >= self.b.len()
    }

    /// The char at `pos` (only called on non-ASCII bytes, which start a char).
    fn char_at(&self, pos: usize) -> Option<char> {
        self.src.get(pos..).and_then(|s| s.chars().next())
    }

    /// Emits `[emitted, pos)` as `kind`, merging with the previous token when both are
    /// whitespace or invalid.
    fn emit(&mut self, kind: TokenKind) {
        let (start, end) = (self.emitted, self.pos);
        if end <= start {
            return;
        }
        if matches!(kind, TokenKind::Whitespace | TokenKind::Invalid) {
            if let Some(last) = self.out.last_mut() {
                if last.kind == kind && last.end == start {
                    last.end = end;
                    self.emitted = end;
                    return;
                }
            }
        }
        self.out.push(Token { kind, start, end });
        self.emitted = end;
    }

    pub(super) fn run(mut self) -> LineState {
        match self.st.mode {
            Mode::Code => {}
            Mode::BlockComment => self.block_comment_body(),
            Mode::Str(q) => self.string_body(q),
            Mode::Template => self.template_text(),
        }
        if !self.st.started && self.src.starts_with("#!") && self.pos == 0 {
            self.skip_to_line_end();
            self.emit(TokenKind::Comment);
        }
        while !self.at_end() {
            match self.st.mode {
                Mode::Code => self.code_token(),
                // Reached when a `}` closes a substitution or a string/comment opens.
                Mode::BlockComment => self.block_comment_body(),
                Mode::Str(q) => self.string_body(q),
                Mode::Template => self.template_text(),
            }
        }
        self.st.started = true;
        self.st
    }

    fn skip_to_line_end(&mut self) {
        let rest = &self.b[self.pos..];
        let n = rest
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .unwrap_or(rest.len());
        self.pos += n;
    }

    /// One token in code mode (may switch mode).
    fn code_token(&mut self) {
        let c = self.b[self.pos];
        match c {
            b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c => {
                self.pos += 1;
                while matches!(self.peek(0), b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                    self.pos += 1;
                }
                self.emit(TokenKind::Whitespace);
            }
            b'a'..=b'z' | b'A'..=b'Z' | b'_' | b'$' => self.word(false),
            b'0'..=b'9' => self.number(),
            b'"' | b'\'' => {
                self.pos += 1;
                self.string_body(c);
            }
            b'`' => {
                self.pos += 1;
                self.st.mode = Mode::Template;
                self.template_text();
            }
            b'/' => match self.peek(1) {
                b'/' => {
                    self.skip_to_line_end();
                    self.emit(TokenKind::Comment);
                }
                b'*' => {
                    self.pos += 2;
                    self.st.mode = Mode::BlockComment;
                    self.block_comment_body();
                }
                _ => {
                    if self.st.prev != Prev::Operand
                        && self.pos >= self.no_regex_before
                        && self.regex()
                    {
                        self.st.prev = Prev::Operand;
                        self.emit(TokenKind::Regex);
                    } else {
                        self.pos += if self.peek(1) == b'=' { 2 } else { 1 };
                        self.st.prev = Prev::ExprStart;
                        self.emit(TokenKind::Operator);
                    }
                }
            },
            b'.' => {
                if self.peek(1).is_ascii_digit() {
                    self.number();
                } else if self.peek(1) == b'.' && self.peek(2) == b'.' {
                    self.pos += 3;
                    self.st.prev = Prev::ExprStart;
                    self.emit(TokenKind::Operator);
                } else {
                    self.pos += 1;
                    self.st.prev = Prev::Dot;
                    self.emit(TokenKind::Punctuation);
                }
            }
            b'#' => {
                let next = self.peek(1);
                let starts_ident = is_ascii_ident_start(next)
                    || next == b'\\'
                    || (next >= 0x80
                        && self
                            .char_at(self.pos + 1)
                            .is_some_and(is_unicode_ident_start));
                if starts_ident {
                    self.pos += 1;
                    self.word(true);
                } else {
                    self.pos += 1;
                    self.emit(TokenKind::Invalid);
                }
            }
            b'{' => {
                if let Some(d) = self.open_substitution() {
                    self.st.braces[d] = self.st.braces[d].saturating_add(1);
                }
                self.punct(1, Prev::ExprStart);
            }
            b'}' => match self.open_substitution() {
                Some(d) if self.st.braces[d] == 0 => {
                    self.pos += 1;
                    self.emit(TokenKind::Punctuation);
                    self.st.depth -= 1;
                    self.st.mode = Mode::Template;
                }
                Some(d) => {
                    self.st.braces[d] -= 1;
                    self.punct(1, Prev::ExprStart);
                }
                None => self.punct(1, Prev::ExprStart),
            },
            b'(' => {
                let depth = self.st.parens;
                if depth < MAX_TRACKED_PARENS {
                    let bit = 1u64 << depth;
                    if self.st.prev == Prev::Condition {
                        self.st.cond_parens |= bit;
                    } else {
                        self.st.cond_parens &= !bit;
                    }
                }
                self.st.parens = depth.saturating_add(1);
                self.punct(1, Prev::ExprStart);
            }
            b')' => {
                let mut prev = Prev::Operand;
                if let Some(depth) = self.st.parens.checked_sub(1) {
                    self.st.parens = depth;
                    if depth < MAX_TRACKED_PARENS {
                        let bit = 1u64 << depth;
                        if self.st.cond_parens & bit != 0 {
                            prev = Prev::ExprStart;
                        }
                        self.st.cond_parens &= !bit;
                    }
                }
                self.punct(1, prev);
            }
            b'[' | b';' | b',' => self.punct(1, Prev::ExprStart),
            b']' => self.punct(1, Prev::Operand),
            b'@' => self.punct(1, Prev::ExprStart),
            b'?' => {
                if self.peek(1) == b'.' && !self.peek(2).is_ascii_digit() {
                    self.op(2, Prev::Dot);
                } else if self.peek(1) == b'?' {
                    self.op(if self.peek(2) == b'=' { 3 } else { 2 }, Prev::ExprStart);
                } else {
                    self.op(1, Prev::ExprStart);
                }
            }
            b'+' | b'-' => {
                if self.peek(1) == c {
                    // `++`/`--`: usually postfix after an operand; keep what came before.
                    let prev = if self.st.prev == Prev::Operand {
                        Prev::Operand
                    } else {
                        Prev::ExprStart
                    };
                    self.op(2, prev);
                } else {
                    self.op(if self.peek(1) == b'=' { 2 } else { 1 }, Prev::ExprStart);
                }
            }
            b'=' => {
                let n = match (self.peek(1), self.peek(2)) {
                    (b'=', b'=') => 3,
                    (b'=', _) | (b'>', _) => 2,
                    _ => 1,
                };
                self.op(n, Prev::ExprStart);
            }
            b'!' => {
                let n = match (self.peek(1), self.peek(2)) {
                    (b'=', b'=') => 3,
                    (b'=', _) => 2,
                    _ => 1,
                };
                self.op(n, Prev::ExprStart);
            }
            // `*`, `**`, `*=`, `**=`; `&`, `&&`, `&=`, `&&=`; the same for `|` and `<`.
            b'*' | b'&' | b'|' | b'<' => self.op_run(c, 2),
            // `>`, `>>`, `>>>`, each with or without `=`.
            b'>' => self.op_run(c, 3),
            b'%' | b'^' => self.op(if self.peek(1) == b'=' { 2 } else { 1 }, Prev::ExprStart),
            b'~' | b':' => self.op(1, Prev::ExprStart),
            b'\\' => {
                if self.unicode_escape_len(self.pos).is_some() {
                    self.word(false);
                } else {
                    self.pos += 1;
                    self.emit(TokenKind::Invalid);
                }
            }
            0x80.. => self.non_ascii(),
            _ => {
                // Other ASCII: control characters, and nothing else is left.
                self.pos += 1;
                self.emit(TokenKind::Invalid);
            }
        }
    }

    /// Index of the innermost open substitution, if any.
    fn open_substitution(&self) -> Option<usize> {
        usize::from(self.st.depth).checked_sub(1)
    }

    fn punct(&mut self, n: usize, prev: Prev) {
        self.pos += n;
        self.st.prev = prev;
        self.emit(TokenKind::Punctuation);
    }

    /// An operator of up to `max` copies of `c`, then an optional `=`.
    fn op_run(&mut self, c: u8, max: usize) {
        let mut n = 1;
        while n < max && self.peek(n) == c {
            n += 1;
        }
        if self.peek(n) == b'=' {
            n += 1;
        }
        self.op(n, Prev::ExprStart);
    }

    fn op(&mut self, n: usize, prev: Prev) {
        self.pos += n;
        self.st.prev = prev;
        self.emit(TokenKind::Operator);
    }

    fn non_ascii(&mut self) {
        let Some(c) = self.char_at(self.pos) else {
            // Not on a char boundary cannot happen (we only stop on boundaries); be safe.
            self.pos += 1;
            while self.pos < self.b.len() && !self.src.is_char_boundary(self.pos) {
                self.pos += 1;
            }
            self.emit(TokenKind::Invalid);
            return;
        };
        if is_unicode_space(c) {
            self.pos += c.len_utf8();
            self.skip_while(
                |b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c),
                is_unicode_space,
            );
            self.emit(TokenKind::Whitespace);
        } else if is_unicode_ident_start(c) {
            self.word(false);
        } else {
            self.pos += c.len_utf8();
            self.emit(TokenKind::Invalid);
        }
    }

    /// Length of a `\uXXXX` or `\u{X…}` escape at `at`, if one is there.
    fn unicode_escape_len(&self, at: usize) -> Option<usize> {
        let b = self.b;
        if b.get(at) != Some(&b'\\') || b.get(at + 1) != Some(&b'u') {
            return None;
        }
        if b.get(at + 2) == Some(&b'{') {
            let mut i = at + 3;
            while b.get(i).is_some_and(u8::is_ascii_hexdigit) {
                i += 1;
                if i - (at + 3) > 8 {
                    return None;
                }
            }
            (i > at + 3 && b.get(i) == Some(&b'}')).then(|| i + 1 - at)
        } else {
            let hex = b.get(at + 2..at + 6)?;
            hex.iter().all(u8::is_ascii_hexdigit).then_some(6)
        }
    }

    /// An identifier, keyword or builtin starting at `pos` (after a `#` when `private`).
    fn word(&mut self, private: bool) {
        let start = self.pos;
        let mut escaped = false;
        while let Some(&c) = self.b.get(self.pos) {
            if is_ascii_ident_continue(c) {
                self.pos += 1;
            } else if c == b'\\' {
                match self.unicode_escape_len(self.pos) {
                    Some(n) => {
                        self.pos += n;
                        escaped = true;
                    }
                    None => break,
                }
            } else if c >= 0x80 {
                match self.char_at(self.pos) {
                    Some(ch) if is_unicode_ident_continue(ch) => self.pos += ch.len_utf8(),
                    _ => break,
                }
            } else {
                break;
            }
        }
        let after_dot = self.st.prev == Prev::Dot;
        let mut decoded = [0u8; 32];
        let word: &[u8] = if escaped {
            decode_escaped_word(&self.src[start..self.pos], &mut decoded).unwrap_or(b"")
        } else {
            &self.b[start..self.pos]
        };
        let kind = if private {
            TokenKind::Identifier
        } else if is_builtin(word) {
            TokenKind::Builtin
        } else if !after_dot && is_keyword(word) {
            TokenKind::Keyword
        } else {
            TokenKind::Identifier
        };
        let condition = matches!(word, b"if" | b"while" | b"for" | b"with")
            || (word == b"await" && self.st.prev == Prev::Condition);
        self.st.prev = if kind != TokenKind::Keyword || keyword_is_operand(word) {
            Prev::Operand
        } else if condition {
            Prev::Condition
        } else {
            Prev::ExprStart
        };
        self.emit(kind);
    }

    fn digits(&mut self, ok: fn(&u8) -> bool) {
        while let Some(c) = self.b.get(self.pos) {
            if ok(c) || *c == b'_' {
                self.pos += 1;
            } else {
                break;
            }
        }
    }

    /// A numeric literal at `pos` (a digit, or `.` followed by a digit).
    fn number(&mut self) {
        let radix_prefix =
            self.peek(0) == b'0' && matches!(self.peek(1) | 0x20, b'x' | b'o' | b'b');
        if radix_prefix {
            self.pos += 2;
            self.digits(u8::is_ascii_hexdigit);
            if self.peek(0) == b'n' {
                self.pos += 1;
            }
        } else {
            let start = self.pos;
            self.digits(u8::is_ascii_digit);
            // Legacy octal `017`: no fraction, exponent or BigInt (`01.a` is a member access).
            let digits = &self.b[start..self.pos];
            let legacy_octal = digits.len() > 1
                && digits[0] == b'0'
                && digits.iter().all(|d| (b'0'..=b'7').contains(d));
            let mut integer = true;
            if legacy_octal {
                // Nothing more belongs to the literal.
            } else if self.peek(0) == b'.' {
                self.pos += 1;
                integer = false;
                self.digits(u8::is_ascii_digit);
            }
            let e = self.peek(0) | 0x20 == b'e';
            let sign = matches!(self.peek(1), b'+' | b'-');
            let exponent =
                e && (self.peek(1).is_ascii_digit() || (sign && self.peek(2).is_ascii_digit()));
            if exponent && !legacy_octal {
                self.pos += if sign { 2 } else { 1 };
                integer = false;
                self.digits(u8::is_ascii_digit);
            }
            if integer && !legacy_octal && self.peek(0) == b'n' {
                self.pos += 1;
            }
        }
        self.st.prev = Prev::Operand;
        // A number run straight into letters (`3px`, `0xZ`) is an error: show it.
        let next = self.peek(0);
        let glued = is_ascii_ident_continue(next)
            || (next >= 0x80
                && self
                    .char_at(self.pos)
                    .is_some_and(is_unicode_ident_continue));
        if glued {
            self.word_tail();
            self.emit(TokenKind::Invalid);
        } else {
            self.emit(TokenKind::Number);
        }
    }

    /// Skips identifier-continue characters.
    fn word_tail(&mut self) {
        self.skip_while(is_ascii_ident_continue, is_unicode_ident_continue);
    }

    /// Skips ASCII bytes `ascii` accepts and non-ASCII characters `unicode` accepts.
    #[inline]
    fn skip_while(&mut self, ascii: impl Fn(u8) -> bool, unicode: impl Fn(char) -> bool) {
        while let Some(&b) = self.b.get(self.pos) {
            if b < 0x80 {
                if !ascii(b) {
                    break;
                }
                self.pos += 1;
            } else {
                match self.char_at(self.pos) {
                    Some(c) if unicode(c) => self.pos += c.len_utf8(),
                    _ => break,
                }
            }
        }
    }

    /// Inside a `'` or `"` string (the opening quote, if on this line, is already consumed).
    fn string_body(&mut self, quote: u8) {
        self.st.mode = Mode::Code;
        self.st.prev = Prev::Operand;
        while let Some(&c) = self.b.get(self.pos) {
            if c == quote {
                self.pos += 1;
                break;
            } else if c == b'\\' {
                match self.b.get(self.pos + 1) {
                    None => {
                        // Trailing backslash: the string continues on the next line.
                        self.pos += 1;
                        self.st.mode = Mode::Str(quote);
                        break;
                    }
                    Some(b'\r') if self.pos + 2 == self.b.len() => {
                        self.pos += 2;
                        self.st.mode = Mode::Str(quote);
                        break;
                    }
                    Some(b'\r') if self.b.get(self.pos + 2) == Some(&b'\n') => self.pos += 3,
                    // Any other escaped byte; a multi-byte char's tail bytes are skipped by
                    // the loop since they never match a quote, backslash or newline.
                    Some(_) => self.pos += 2,
                }
            } else if c == b'\n' || c == b'\r' {
                // Unterminated at the end of the line.
                break;
            } else {
                self.pos += 1;
            }
        }
        self.emit(TokenKind::String);
    }

    fn block_comment_body(&mut self) {
        match self.src[self.pos..].find("*/") {
            Some(i) => {
                self.pos += i + 2;
                self.st.mode = Mode::Code;
            }
            None => {
                self.pos = self.b.len();
                self.st.mode = Mode::BlockComment;
            }
        }
        self.emit(TokenKind::Comment);
    }

    /// Inside template text (after the backtick or a closing `}`).
    fn template_text(&mut self) {
        self.st.mode = Mode::Template;
        while let Some(&c) = self.b.get(self.pos) {
            match c {
                b'`' => {
                    self.pos += 1;
                    self.emit(TokenKind::Template);
                    self.st.mode = Mode::Code;
                    self.st.prev = Prev::Operand;
                    return;
                }
                b'\\' => {
                    self.pos = (self.pos + 2).min(self.b.len());
                    // An escaped multi-byte char: move to the end of it.
                    while !self.src.is_char_boundary(self.pos) {
                        self.pos += 1;
                    }
                }
                b'$' if self.peek(1) == b'{' && usize::from(self.st.depth) < MAX_TEMPLATE_DEPTH => {
                    self.emit(TokenKind::Template);
                    self.pos += 2;
                    self.emit(TokenKind::Punctuation);
                    self.st.braces[usize::from(self.st.depth)] = 0;
                    self.st.depth += 1;
                    self.st.mode = Mode::Code;
                    self.st.prev = Prev::ExprStart;
                    return;
                }
                _ => self.pos += 1,
            }
        }
        self.emit(TokenKind::Template);
    }

    /// Tries a regex literal at `pos` (a `/` that is not a comment). On success advances past
    /// it and its flags; on failure (no closing `/` before the end of the line) leaves `pos`
    /// and remembers the line end so later attempts on this line are skipped.
    fn regex(&mut self) -> bool {
        let b = self.b;
        let mut i = self.pos + 1;
        let mut class = false;
        while let Some(&c) = b.get(i) {
            match c {
                b'\n' | b'\r' => break,
                b'\\' => {
                    if matches!(b.get(i + 1), None | Some(b'\n') | Some(b'\r')) {
                        break;
                    }
                    i += 2;
                }
                b'[' => {
                    class = true;
                    i += 1;
                }
                b']' => {
                    class = false;
                    i += 1;
                }
                b'/' if !class => {
                    self.pos = i + 1;
                    self.word_tail();
                    return true;
                }
                _ => i += 1,
            }
        }
        // No closing `/` on this line: remember where the line ends.
        let rest = &b[self.pos..];
        let line_end = rest
            .iter()
            .position(|&c| c == b'\n' || c == b'\r')
            .map_or(b.len(), |n| self.pos + n);
        self.no_regex_before = line_end;
        false
    }
}
