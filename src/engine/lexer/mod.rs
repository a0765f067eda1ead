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
//! the line. On the 5,423 `.js` files of the scan corpus (`tests/corpus/fetch.sh`; 664,660
//! literals) every regex, string, number and template agreed with oxc's parser
//! (`tests/lexer.rs`, `corpus_agreement_…`, which fails above 10 disagreements per million).
//!
//! Known limits, as in most highlighters: a `/` right after a block's `}` is taken as a regex
//! (`x = {} / 2` is lexed as a failed regex, then division); keywords used as object keys
//! (`{ if: 1 }`) are coloured as keywords; identifiers use `char::is_alphabetic` /
//! `is_alphanumeric` plus the usual joiners and marks rather than the exact `ID_Start` /
//! `ID_Continue` tables.

mod scanner;
#[cfg(test)]
mod tests;
mod words;

use scanner::Lexer;

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
