//! Error-tolerant JavaScript tokens for syntax highlighting.
//!
//! The lexer accepts any text (broken, half-typed, hostile), never panics and always makes
//! progress, so its running time is linear in the input. Tokens cover the input exactly: they
//! are contiguous, never empty, and every offset is on a UTF-8 character boundary.
//!
//! Two entry points share one scanner:
//! - [`tokenize`] lexes a whole source;
//! - [`tokenize_line`] lexes one editor line starting from the [`LineState`] the previous line
//!   ended in (inside a block comment, a template literal with its `${}` nesting, a string
//!   continued by a trailing backslash, or whether a `/` would start a regex). An editor can
//!   cache the state at the start of each line ([`line_states`]) and re-lex only what it shows.
//!
//! Lexing line by line gives every byte the same [`TokenKind`] as lexing the whole source.
//!
//! Regex-versus-division is decided from the previous significant token (the classic
//! heuristic): after an operand (identifier, literal, `)`, `]`, `this`, postfix `++`) a `/`
//! divides; anywhere else it starts a regex. The `)` closing the condition of `if`, `while`,
//! `for` or `with` is not an operand (`if (x) /re/.test(s)`). A regex with no closing `/` on
//! its line falls back to a division operator, so a wrong guess never swallows the rest of
//! the line. On 1,288 real files (82,546 literals, 1,649 regexes) every regex, string, number
//! and template agreed with oxc's parser (`tests/lexer.rs`, `corpus_agreement_…`).
//!
//! Known limits, as in most highlighters: a `/` right after a block's `}` is taken as a regex
//! (`x = {} / 2` is lexed as a failed regex, then division); keywords used as object keys
//! (`{ if: 1 }`) are coloured as keywords; identifiers use `char::is_alphabetic` /
//! `is_alphanumeric` plus the usual joiners and marks rather than the exact `ID_Start` /
//! `ID_Continue` tables.

/// What a token is, for colouring.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TokenKind {
    Keyword,
    Identifier,
    /// Globals and properties that matter for sandbox escapes and host access: `globalThis`,
    /// `process`, `require`, `eval`, `Function`, `constructor`, `__proto__`…
    Builtin,
    Number,
    String,
    /// Template literal text, including its backticks (the `${` and `}` around substitutions
    /// are [`TokenKind::Punctuation`]).
    Template,
    Regex,
    Comment,
    Operator,
    Punctuation,
    Whitespace,
    /// Characters that cannot start any token here (`\` outside an escape, a lone `#`,
    /// control characters, a number run into letters like `3px`).
    Invalid,
}

impl TokenKind {
    pub const ALL: [TokenKind; 12] = [
        TokenKind::Keyword,
        TokenKind::Identifier,
        TokenKind::Builtin,
        TokenKind::Number,
        TokenKind::String,
        TokenKind::Template,
        TokenKind::Regex,
        TokenKind::Comment,
        TokenKind::Operator,
        TokenKind::Punctuation,
        TokenKind::Whitespace,
        TokenKind::Invalid,
    ];

    /// The kind's name, as used for theme keys (`[syntax] keyword = …`).
    pub fn as_str(self) -> &'static str {
        match self {
            TokenKind::Keyword => "keyword",
            TokenKind::Identifier => "identifier",
            TokenKind::Builtin => "builtin",
            TokenKind::Number => "number",
            TokenKind::String => "string",
            TokenKind::Template => "template",
            TokenKind::Regex => "regex",
            TokenKind::Comment => "comment",
            TokenKind::Operator => "operator",
            TokenKind::Punctuation => "punctuation",
            TokenKind::Whitespace => "whitespace",
            TokenKind::Invalid => "invalid",
        }
    }
}

/// One token: `src[start..end]` (byte offsets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
}

impl Token {
    pub fn len(&self) -> usize {
        self.end - self.start
    }
    pub fn is_empty(&self) -> bool {
        self.end == self.start
    }
    /// The token's text in `src` (the string it was lexed from), or `""` if it does not fit.
    pub fn text<'a>(&self, src: &'a str) -> &'a str {
        src.get(self.start..self.end).unwrap_or("")
    }
}

/// Template substitutions nested deeper than this are lexed as template text (`${` is not
/// treated as opening a substitution); highlighting degrades, nothing breaks.
pub const MAX_TEMPLATE_DEPTH: usize = 16;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
enum Mode {
    #[default]
    Code,
    BlockComment,
    /// Inside a string continued by a trailing backslash; the byte is the quote.
    Str(u8),
    /// Inside template literal text.
    Template,
}

/// What the previous significant token allows next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
enum Prev {
    /// Start of input, an operator, `(`, `{`, a keyword like `return`: `/` starts a regex.
    #[default]
    ExprStart,
    /// An identifier, literal, `)` or `]`: `/` divides.
    Operand,
    /// `.` or `?.`: the next word is a property name, not a keyword.
    Dot,
    /// `if`, `while`, `for`, `with`: the `(` that follows opens a condition, and a `/` after
    /// its `)` starts a regex (`if (x) /re/.test(s)`).
    Condition,
}

/// Parentheses tracked for [`Prev::Condition`]; deeper ones count as ordinary.
const MAX_TRACKED_PARENS: u8 = 64;

/// Lexer state carried from the end of one line to the start of the next (inside a block
/// comment, a template literal including nested `${}` depth, a string with a trailing
/// backslash continuation, what a `/` would mean, whether this is the first line).
/// `Default` is the start of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Hash)]
pub struct LineState {
    mode: Mode,
    prev: Prev,
    /// Past the first line (a hashbang is only recognised on the first).
    started: bool,
    /// Open `${` substitutions.
    depth: u8,
    /// Open `{` inside each open substitution; entries at and above `depth` are 0.
    braces: [u8; MAX_TEMPLATE_DEPTH],
    /// Open `(` (saturating).
    parens: u8,
    /// Bit `i`: the `(` at depth `i` opened a condition; bits at and above `parens` are 0.
    cond_parens: u64,
}

impl LineState {
    /// True when the line ended inside a block comment.
    pub fn in_comment(&self) -> bool {
        self.mode == Mode::BlockComment
    }
    /// True when the line ended inside a template literal's text.
    pub fn in_template(&self) -> bool {
        self.mode == Mode::Template
    }
    /// True when the line ended inside a string continued by a trailing backslash.
    pub fn in_string(&self) -> bool {
        matches!(self.mode, Mode::Str(_))
    }
    /// Number of template `${` substitutions open at the end of the line.
    pub fn template_depth(&self) -> usize {
        usize::from(self.depth)
    }
}

/// Tokenizes a whole source.
pub fn tokenize(src: &str) -> Vec<Token> {
    let mut out = Vec::with_capacity(src.len() / 3 + 1);
    Lexer::new(src, LineState::default(), &mut out).run();
    out
}

/// Tokenizes one line (without its `'\n'`) starting in `state`; returns the tokens (offsets
/// relative to `line`) and the state the next line starts in. A line that does contain
/// newlines is lexed correctly all the same.
pub fn tokenize_line(line: &str, state: LineState) -> (Vec<Token>, LineState) {
    let mut out = Vec::with_capacity(line.len() / 3 + 1);
    let end = Lexer::new(line, state, &mut out).run();
    (out, end)
}

/// Like [`tokenize_line`], but appends to `out` (offsets relative to `line`), so a caller can
/// reuse one buffer for every visible line.
pub fn tokenize_line_into(line: &str, state: LineState, out: &mut Vec<Token>) -> LineState {
    Lexer::new(line, state, out).run()
}

/// The state at the start of every line of `src` (lines split on `'\n'`; the result has one
/// entry per line, `src.split('\n').count()` in all). Element 0 is the default state.
pub fn line_states(src: &str) -> Vec<LineState> {
    let mut states = Vec::with_capacity(src.len() / 32 + 1);
    let mut state = LineState::default();
    let mut scratch = Vec::new();
    for line in src.split('\n') {
        states.push(state);
        scratch.clear();
        state = tokenize_line_into(line, state, &mut scratch);
    }
    states
}

/// Words that are keywords wherever they appear outside a property name.
fn is_keyword(w: &[u8]) -> bool {
    matches!(
        w,
        b"async"
            | b"await"
            | b"break"
            | b"case"
            | b"catch"
            | b"class"
            | b"const"
            | b"continue"
            | b"debugger"
            | b"default"
            | b"delete"
            | b"do"
            | b"else"
            | b"enum"
            | b"export"
            | b"extends"
            | b"false"
            | b"finally"
            | b"for"
            | b"function"
            | b"if"
            | b"import"
            | b"in"
            | b"instanceof"
            | b"let"
            | b"new"
            | b"null"
            | b"of"
            | b"return"
            | b"static"
            | b"super"
            | b"switch"
            | b"this"
            | b"throw"
            | b"true"
            | b"try"
            | b"typeof"
            | b"var"
            | b"void"
            | b"while"
            | b"with"
            | b"yield"
    )
}

/// Keywords after which a value follows (`/` divides).
fn keyword_is_operand(w: &[u8]) -> bool {
    matches!(w, b"this" | b"super" | b"true" | b"false" | b"null")
}

/// Globals and properties worth seeing at a glance in untrusted code.
fn is_builtin(w: &[u8]) -> bool {
    matches!(
        w,
        b"globalThis"
            | b"global"
            | b"window"
            | b"self"
            | b"process"
            | b"require"
            | b"module"
            | b"exports"
            | b"eval"
            | b"Function"
            | b"AsyncFunction"
            | b"GeneratorFunction"
            | b"constructor"
            | b"prototype"
            | b"__proto__"
            | b"__defineGetter__"
            | b"__defineSetter__"
            | b"__lookupGetter__"
            | b"__lookupSetter__"
            | b"arguments"
            | b"callee"
            | b"caller"
            | b"Reflect"
            | b"Proxy"
            | b"Symbol"
            | b"Object"
            | b"Array"
            | b"String"
            | b"Number"
            | b"Boolean"
            | b"BigInt"
            | b"Math"
            | b"JSON"
            | b"Date"
            | b"RegExp"
            | b"Error"
            | b"Promise"
            | b"Map"
            | b"Set"
            | b"WeakMap"
            | b"WeakSet"
            | b"WeakRef"
            | b"ArrayBuffer"
            | b"SharedArrayBuffer"
            | b"Atomics"
            | b"DataView"
            | b"WebAssembly"
            | b"Buffer"
            | b"console"
            | b"setTimeout"
            | b"setInterval"
            | b"setImmediate"
            | b"queueMicrotask"
            | b"fetch"
            | b"XMLHttpRequest"
            | b"WebSocket"
            | b"importScripts"
            | b"atob"
            | b"btoa"
            | b"escape"
            | b"unescape"
            | b"decodeURIComponent"
            | b"encodeURIComponent"
            | b"fromCharCode"
            | b"setPrototypeOf"
            | b"getPrototypeOf"
            | b"defineProperty"
            | b"getOwnPropertyDescriptor"
            | b"prepareStackTrace"
            | b"captureStackTrace"
            | b"undefined"
            | b"NaN"
            | b"Infinity"
    )
}

#[inline]
fn is_ascii_ident_start(b: u8) -> bool {
    b.is_ascii_alphabetic() || b == b'_' || b == b'$'
}

#[inline]
fn is_ascii_ident_continue(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$'
}

fn is_unicode_ident_start(c: char) -> bool {
    c.is_alphabetic()
}

fn is_unicode_ident_continue(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c,
            '\u{200c}' | '\u{200d}'                 // ZWNJ, ZWJ
            | '\u{b7}' | '\u{387}' | '\u{1369}'..='\u{1371}' | '\u{19da}' // Other_ID_Continue
            | '\u{30fb}' | '\u{ff65}'
            | '\u{0300}'..='\u{036f}'               // combining diacritical marks
            | '\u{1ab0}'..='\u{1aff}'
            | '\u{1dc0}'..='\u{1dff}'
            | '\u{20d0}'..='\u{20ff}'
            | '\u{fe20}'..='\u{fe2f}'
            | '\u{203f}' | '\u{2040}' | '\u{2054}'  // connector punctuation
            | '\u{fe33}' | '\u{fe34}' | '\u{fe4d}'..='\u{fe4f}' | '\u{ff3f}')
}

fn is_unicode_space(c: char) -> bool {
    c.is_whitespace() || c == '\u{feff}'
}

struct Lexer<'a, 'o> {
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
    fn new(src: &'a str, st: LineState, out: &'o mut Vec<Token>) -> Self {
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

    fn run(mut self) -> LineState {
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
            b'*' | b'&' | b'|' => {
                // `*`, `**`, `*=`, `**=`; `&`, `&&`, `&=`, `&&=`; same for `|`.
                let mut n = 1;
                if self.peek(1) == c {
                    n = 2;
                }
                if self.peek(n) == b'=' {
                    n += 1;
                }
                self.op(n, Prev::ExprStart);
            }
            b'<' => {
                let mut n = 1;
                if self.peek(1) == b'<' {
                    n = 2;
                }
                if self.peek(n) == b'=' {
                    n += 1;
                }
                self.op(n, Prev::ExprStart);
            }
            b'>' => {
                let mut n = 1;
                while n < 3 && self.peek(n) == b'>' {
                    n += 1;
                }
                if self.peek(n) == b'=' {
                    n += 1;
                }
                self.op(n, Prev::ExprStart);
            }
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
            while let Some(b) = self.b.get(self.pos).copied() {
                if matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c) {
                    self.pos += 1;
                } else if b >= 0x80 {
                    match self.char_at(self.pos) {
                        Some(c) if is_unicode_space(c) => self.pos += c.len_utf8(),
                        _ => break,
                    }
                } else {
                    break;
                }
            }
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
        while let Some(&c) = self.b.get(self.pos) {
            if is_ascii_ident_continue(c) {
                self.pos += 1;
            } else if c >= 0x80 {
                match self.char_at(self.pos) {
                    Some(ch) if is_unicode_ident_continue(ch) => self.pos += ch.len_utf8(),
                    _ => break,
                }
            } else {
                break;
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

/// Decodes `\u` escapes in an identifier into `buf` (ASCII only: enough to recognise keywords
/// and builtins, which are all ASCII). `None` when the result would not be ASCII or too long.
fn decode_escaped_word<'b>(word: &str, buf: &'b mut [u8; 32]) -> Option<&'b [u8]> {
    let b = word.as_bytes();
    let (mut i, mut n) = (0, 0);
    while i < b.len() {
        let c = if b[i] == b'\\' {
            // The lexer only let well-formed escapes into the word.
            let (hex, len) = if b.get(i + 2) == Some(&b'{') {
                let close = word[i..].find('}')? + i;
                (word.get(i + 3..close)?, close + 1 - i)
            } else {
                (word.get(i + 2..i + 6)?, 6)
            };
            i += len;
            u8::try_from(u32::from_str_radix(hex, 16).ok()?).ok()?
        } else {
            i += 1;
            b[i - 1]
        };
        if !c.is_ascii() || n == buf.len() {
            return None;
        }
        buf[n] = c;
        n += 1;
    }
    Some(&buf[..n])
}

#[cfg(test)]
mod tests {
    use super::TokenKind::*;
    use super::*;

    /// `(kind, text)` of every token, whitespace left out.
    fn lex(src: &str) -> Vec<(TokenKind, &str)> {
        tokenize(src)
            .into_iter()
            .filter(|t| t.kind != Whitespace)
            .map(|t| (t.kind, t.text(src)))
            .collect()
    }

    fn kinds(src: &str) -> Vec<TokenKind> {
        lex(src).into_iter().map(|(k, _)| k).collect()
    }

    #[test]
    fn keywords_identifiers_and_builtins() {
        assert_eq!(
            lex("const x = globalThis.process"),
            vec![
                (Keyword, "const"),
                (Identifier, "x"),
                (Operator, "="),
                (Builtin, "globalThis"),
                (Punctuation, "."),
                (Builtin, "process"),
            ]
        );
        assert_eq!(
            lex("this.constructor.constructor('return this')()")[..5],
            [
                (Keyword, "this"),
                (Punctuation, "."),
                (Builtin, "constructor"),
                (Punctuation, "."),
                (Builtin, "constructor"),
            ]
        );
    }

    #[test]
    fn escape_vectors_stand_out_as_builtins() {
        for src in [
            "Error.prepareStackTrace = f",
            "Object.setPrototypeOf(a, b)",
            "x.__proto__.polluted = 1",
            "String.fromCharCode(99)",
        ] {
            let toks = lex(src);
            assert_eq!(toks[2].0, Builtin, "{src}: {toks:?}");
        }
    }

    #[test]
    fn keywords_after_a_dot_are_property_names() {
        assert_eq!(
            lex("a.return / b.if"),
            vec![
                (Identifier, "a"),
                (Punctuation, "."),
                (Identifier, "return"),
                (Operator, "/"),
                (Identifier, "b"),
                (Punctuation, "."),
                (Identifier, "if"),
            ]
        );
    }

    #[test]
    fn unicode_escapes_in_identifiers_are_decoded_for_classification() {
        assert_eq!(lex(r"\u0065val(x)")[0], (Builtin, r"\u0065val"));
        assert_eq!(lex(r"\u{72}equire")[0], (Builtin, r"\u{72}equire"));
        assert_eq!(lex(r"a\u0062c")[0], (Identifier, r"a\u0062c"));
        assert_eq!(lex(r"\u{110000}x")[0], (Identifier, r"\u{110000}x"));
        // A backslash that is not an escape is invalid, and lexing carries on.
        assert_eq!(
            lex(r"\x41 y"),
            vec![(Invalid, "\\"), (Identifier, "x41"), (Identifier, "y")]
        );
    }

    #[test]
    fn unicode_identifiers_and_whitespace() {
        assert_eq!(
            lex("const café = π\u{a0}+ naïve"),
            vec![
                (Keyword, "const"),
                (Identifier, "café"),
                (Operator, "="),
                (Identifier, "π"),
                (Operator, "+"),
                (Identifier, "naïve"),
            ]
        );
        assert_eq!(lex("a \u{1F600} b")[1], (Invalid, "\u{1F600}"));
    }

    #[test]
    fn numbers_bigint_and_separators() {
        for n in [
            "0",
            "10n",
            "1_000_000",
            "0x1F",
            "0XffN",
            "0o17",
            "0b1010n",
            "1.5e-3",
            ".5",
            "5.",
            "1e10",
            "0x1_F",
            "017",
        ] {
            let got = lex(n);
            let want = if n == "0XffN" {
                // `N` is not the BigInt suffix.
                vec![(Invalid, n)]
            } else {
                vec![(Number, n)]
            };
            assert_eq!(got, want, "{n}");
        }
        assert_eq!(lex("3px"), vec![(Invalid, "3px")]);
        assert_eq!(
            lex("1..toString()")[..3],
            [(Number, "1."), (Punctuation, "."), (Identifier, "toString")]
        );
        assert_eq!(lex("1.5.x")[..2], [(Number, "1.5"), (Punctuation, ".")]);
        assert_eq!(lex("1e")[0], (Invalid, "1e"));
        // Legacy octal takes no fraction: `01.a` is a member access; `08.5` is decimal.
        assert_eq!(
            lex("01.a"),
            vec![(Number, "01"), (Punctuation, "."), (Identifier, "a")]
        );
        assert_eq!(lex("08.5"), vec![(Number, "08.5")]);
        assert_eq!(lex("a·b"), vec![(Identifier, "a·b")]);
    }

    #[test]
    fn private_names() {
        assert_eq!(
            lex("this.#secret = #x in o"),
            vec![
                (Keyword, "this"),
                (Punctuation, "."),
                (Identifier, "#secret"),
                (Operator, "="),
                (Identifier, "#x"),
                (Keyword, "in"),
                (Identifier, "o"),
            ]
        );
        assert_eq!(lex("# x")[0], (Invalid, "#"));
    }

    #[test]
    fn optional_chaining_versus_conditional_with_decimal() {
        assert_eq!(
            lex("a?.b"),
            vec![(Identifier, "a"), (Operator, "?."), (Identifier, "b")]
        );
        assert_eq!(
            lex("a?.5:1"),
            vec![
                (Identifier, "a"),
                (Operator, "?"),
                (Number, ".5"),
                (Operator, ":"),
                (Number, "1"),
            ]
        );
        assert_eq!(lex("a ? .5 : 1")[1..3], [(Operator, "?"), (Number, ".5")]);
        assert_eq!(lex("a?.[0]")[1], (Operator, "?."));
        assert_eq!(lex("a ?? b ??= c")[1], (Operator, "??"));
        assert_eq!(lex("a ?? b ??= c")[3], (Operator, "??="));
    }

    #[test]
    fn operators_take_the_longest_match() {
        let src = "a >>>= b === c !== d ** e => ... &&= ||= <<= >>> ++ -- %= ^=";
        let ops: Vec<&str> = lex(src)
            .into_iter()
            .filter(|(k, _)| *k == Operator)
            .map(|(_, t)| t)
            .collect();
        assert_eq!(
            ops,
            vec![
                ">>>=", "===", "!==", "**", "=>", "...", "&&=", "||=", "<<=", ">>>", "++", "--",
                "%=", "^="
            ]
        );
    }

    #[test]
    fn regex_or_division_from_the_previous_token() {
        assert_eq!(
            kinds("a / b / c"),
            vec![Identifier, Operator, Identifier, Operator, Identifier]
        );
        assert_eq!(lex("x = /ab+c/gi.test(s)")[2], (Regex, "/ab+c/gi"));
        assert_eq!(lex("return /x/")[1], (Regex, "/x/"));
        assert_eq!(lex("(1) / 2")[3], (Operator, "/"));
        assert_eq!(lex("a[0] / 2")[4], (Operator, "/"));
        assert_eq!(lex("i++ / 2")[2], (Operator, "/"));
        assert_eq!(lex("f(/[/]/)")[2], (Regex, "/[/]/"));
        assert_eq!(lex(r"s.split(/\//)")[4], (Regex, r"/\//"));
        assert_eq!(lex("x /= 2")[1], (Operator, "/="));
        assert_eq!(lex("typeof /x/")[1], (Regex, "/x/"));
        assert_eq!(lex("this / 2")[1], (Operator, "/"));
        // After the `)` of a condition a statement starts: `/` is a regex.
        assert_eq!(lex("if (f(x)) /re/.test(s)")[7], (Regex, "/re/"));
        assert_eq!(lex("while (a) /b/g.exec(s)")[4], (Regex, "/b/g"));
        assert_eq!(lex("for await (x of y) /z/")[7], (Regex, "/z/"));
        assert_eq!(lex("g(if_(x)) / 2")[7], (Operator, "/"));
        assert_eq!(lex("o.if(x) / 2")[6], (Operator, "/"));
    }

    #[test]
    fn an_unterminated_regex_falls_back_to_division() {
        assert_eq!(
            kinds("x = / 2"),
            vec![Identifier, Operator, Operator, Number]
        );
        // Linear even for a pathological line.
        let evil = "(/[".repeat(20_000);
        let toks = tokenize(&evil);
        assert!(toks.iter().all(|t| t.kind != Regex));
    }

    #[test]
    fn comments_and_hashbang() {
        assert_eq!(
            lex("#!/usr/bin/env node\nx // hi\n/* a\nb */ y"),
            vec![
                (Comment, "#!/usr/bin/env node"),
                (Identifier, "x"),
                (Comment, "// hi"),
                (Comment, "/* a\nb */"),
                (Identifier, "y"),
            ]
        );
        // Only at the very start.
        assert_eq!(lex(" #!x")[0], (Invalid, "#"));
        assert_eq!(lex("/* never closed"), vec![(Comment, "/* never closed")]);
    }

    #[test]
    fn strings_escapes_and_unterminated() {
        assert_eq!(
            lex(r#""a\"b" 'c\'d'"#),
            vec![(String, r#""a\"b""#), (String, r"'c\'d'")]
        );
        assert_eq!(lex("'open\nx"), vec![(String, "'open"), (Identifier, "x")]);
        assert_eq!(
            lex("'a\\\nb' c"),
            vec![(String, "'a\\\nb'"), (Identifier, "c")]
        );
        assert_eq!(lex("'é\\é'"), vec![(String, "'é\\é'")]);
    }

    #[test]
    fn templates_with_nested_substitutions() {
        let src = "`a${ {x: `b${c}`}.x }d` / 2";
        assert_eq!(
            lex(src),
            vec![
                (Template, "`a"),
                (Punctuation, "${"),
                (Punctuation, "{"),
                (Identifier, "x"),
                (Operator, ":"),
                (Template, "`b"),
                (Punctuation, "${"),
                (Identifier, "c"),
                (Punctuation, "}"),
                (Template, "`"),
                (Punctuation, "}"),
                (Punctuation, "."),
                (Identifier, "x"),
                (Punctuation, "}"),
                (Template, "d`"),
                (Operator, "/"),
                (Number, "2"),
            ]
        );
        assert_eq!(lex(r"`\${x}`"), vec![(Template, r"`\${x}`")]);
    }

    #[test]
    fn line_state_carries_block_comments_templates_and_strings() {
        let (t, s) = tokenize_line("x /* open", LineState::default());
        assert_eq!(t.last().map(|t| t.kind), Some(Comment));
        assert!(s.in_comment());
        let (t, s) = tokenize_line("still */ y", s);
        assert_eq!(
            t[0],
            Token {
                kind: Comment,
                start: 0,
                end: 8
            }
        );
        assert!(!s.in_comment());

        let (_, s) = tokenize_line("const t = `a ${ f({", LineState::default());
        assert!(!s.in_template());
        assert_eq!(s.template_depth(), 1);
        let (t, s) = tokenize_line("}) } tail", s);
        assert_eq!(t.last().map(|t| t.kind), Some(Template));
        assert!(s.in_template());
        let (t, s) = tokenize_line("end` / 2", s);
        assert_eq!(t[0].kind, Template);
        assert_eq!(t[2].kind, Operator);
        assert_eq!(s.template_depth(), 0);

        let (_, s) = tokenize_line("s = 'abc\\", LineState::default());
        assert!(s.in_string());
        let (t, s) = tokenize_line("def' + 1", s);
        assert_eq!(
            t[0],
            Token {
                kind: String,
                start: 0,
                end: 4
            }
        );
        assert!(!s.in_string());
    }

    #[test]
    fn regex_context_crosses_lines() {
        let (_, s) = tokenize_line("x = a", LineState::default());
        let (t, _) = tokenize_line("/ b / c", s);
        assert_eq!(t[0].kind, Operator);
        let (_, s) = tokenize_line("x =", LineState::default());
        let (t, _) = tokenize_line("/ b / c", s);
        assert_eq!(t[0].kind, Regex);
    }

    #[test]
    fn line_states_has_one_entry_per_line() {
        let src = "a\n/*\n*/\n`\n`";
        let states = line_states(src);
        assert_eq!(states.len(), 5);
        assert!(states[2].in_comment());
        assert!(states[4].in_template());
        assert!(!states[3].in_comment());
    }

    #[test]
    fn deep_template_nesting_degrades_without_breaking() {
        let src = "`${".repeat(100) + &"}`".repeat(100);
        let toks = tokenize(&src);
        assert_eq!(toks.last().map(|t| t.end), Some(src.len()));
    }
}
