//! WebAssembly buffers. A buffer's language follows what it is: a `.wat` file or sample is
//! WebAssembly text (edited with WAT colours, scanned by the wasm scanner, run on `wasm`); a
//! `.wasm` file is a binary, shown as a read-only description of the module (see
//! [`crate::tui::wasm_view`]) and run from its bytes. Only `wasm` runs either, and `wasm`
//! runs nothing else: the executor a buffer runs on follows the buffer.

use super::App;
use crate::engine::exec::wasm::NAME as WASM;
use crate::engine::exec::ExecutorInfo;
use crate::engine::lexer::TokenKind;
use crate::engine::scan::{Finding, Report, RuleId};
use crate::tui::action::Action;
use crate::tui::recovery::Origin;
use crate::tui::wasm_view::is_import_rule;
use crate::tui::wat::WatState;

/// What the buffer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Language {
    #[default]
    JavaScript,
    /// `.wat`: edited as text.
    WasmText,
    /// `.wasm`: a read-only view of the module.
    WasmBinary,
}

impl Language {
    pub fn is_wasm(self) -> bool {
        self != Language::JavaScript
    }

    pub fn describe(self) -> &'static str {
        match self {
            Language::JavaScript => "JavaScript",
            Language::WasmText => "WebAssembly text",
            Language::WasmBinary => "WebAssembly binary",
        }
    }
}

/// Whether a name (file, sample or title) is WebAssembly text.
pub fn is_wat_name(name: &str) -> bool {
    std::path::Path::new(name)
        .extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wat"))
}

/// Whether a path names a WebAssembly binary (read as bytes, shown as a module view).
pub fn is_wasm_path(path: &std::path::Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("wasm"))
}

fn origin_is_wat(origin: &Origin) -> bool {
    match origin {
        Origin::File { path } => path.to_str().is_some_and(is_wat_name),
        Origin::Sample { name } => is_wat_name(name),
        Origin::Untitled { title } => is_wat_name(title),
    }
}

impl App {
    /// The language of the buffer shown.
    pub fn language(&self) -> Language {
        if self.module.is_some() {
            Language::WasmBinary
        } else if origin_is_wat(&self.origin) {
            Language::WasmText
        } else {
            Language::JavaScript
        }
    }

    /// Whether `e` can run this buffer, and if not why (shown in the executor selector).
    pub fn runs_here(&self, e: &ExecutorInfo) -> Result<(), String> {
        if !e.available {
            // Not on this machine at all: that reason comes first.
            return Err(e.reason.clone());
        }
        let wasm = e.name == WASM;
        match (self.language().is_wasm(), wasm) {
            (true, false) => Err(format!(
                "runs JavaScript; this buffer is {}",
                self.language().describe()
            )),
            (false, true) => Err("runs .wat/.wasm buffers only; this buffer is JavaScript".into()),
            _ => Ok(()),
        }
    }

    /// What `auto` picks for this buffer: `wasm` for WebAssembly, else the strongest
    /// available JavaScript executor.
    pub fn auto_here(&self) -> &str {
        if self.language().is_wasm() {
            WASM
        } else {
            &self.auto_name
        }
    }

    /// Why the chosen executor cannot run this buffer (a setting saved for another kind of
    /// buffer, or a JS buffer set to `wasm`): refused at F5 with this reason.
    pub(super) fn executor_mismatch(&self) -> Option<String> {
        if self.settings.executor == "auto" {
            return None;
        }
        let wasm_buffer = self.language().is_wasm();
        let wasm_exec = self.settings.executor == WASM;
        (wasm_buffer != wasm_exec).then(|| {
            format!(
                "{} cannot run this buffer ({}): choose another in Ctrl-E (auto picks {})",
                self.settings.executor,
                self.language().describe(),
                self.auto_here()
            )
        })
    }

    /// A `.wasm` view is read-only: an edit (or a save, which would write the description
    /// over the module) is refused with a status message and changes nothing.
    pub(super) fn refuse_edit(&mut self, action: &Action) -> bool {
        if self.language() != Language::WasmBinary {
            return false;
        }
        let edit = matches!(
            action,
            Action::Insert(_)
                | Action::Paste(_)
                | Action::PasteInternal
                | Action::Newline
                | Action::Indent
                | Action::Backspace
                | Action::Delete
                | Action::Cut
                | Action::Undo
                | Action::Redo
                | Action::Save
        ) || (matches!(action, Action::Enter) && self.focus == super::Focus::Editor);
        if edit {
            self.say(format!(
                "{} is a WebAssembly binary, shown read-only (what it declares, not its bytes): edit its .wat source instead",
                self.title
            ));
        }
        edit
    }

    /// A wasm scan's positions are offsets into the module binary; in the editor, a finding
    /// is placed where the text shown names the same import, string or memory (a `.wat`
    /// source or the `.wasm` view), and has no position (line 0) where it names none.
    pub(super) fn place_wasm_findings(&self, report: &mut Report) {
        let lang = self.language();
        if !lang.is_wasm() {
            return;
        }
        let text = self.buffer.text();
        // One pass of the lexer over the source: where its strings and keywords are.
        let tokens = if lang == Language::WasmText {
            source_tokens(&text)
        } else {
            Vec::new()
        };
        for f in &mut report.findings {
            let at = locate(&text, &tokens, f, lang);
            let ((l, c), (el, ec)) = at.unwrap_or(((0, 0), (0, 0)));
            f.line = l;
            f.column = c;
            f.end_line = el;
            f.end_column = ec;
        }
    }
}

/// 1-based (line, column in characters) of byte `at` in `text`.
fn span(text: &str, start: usize, end: usize) -> Option<((u32, u32), (u32, u32))> {
    use crate::engine::scan::line_col;
    Some((line_col(text, start), line_col(text, end)))
}

/// Where `f` is in the text shown (byte range), if the text names it.
fn locate(
    text: &str,
    tokens: &[(TokenKind, usize, usize)],
    f: &Finding,
    lang: Language,
) -> Option<((u32, u32), (u32, u32))> {
    // The snippet is the import's `module.field` or the data string, escaped and maybe cut.
    let what = f.snippet.strip_suffix('…').unwrap_or(&f.snippet);
    if what.is_empty() {
        return None;
    }
    if f.rule == RuleId::WasmUnboundedMemory {
        if lang == Language::WasmText {
            return in_tokens(text, tokens, TokenKind::Keyword, "memory");
        }
        let at = text.find("no maximum")?;
        return span(text, at, at + "no maximum".len());
    }
    if is_import_rule(f.rule) {
        if lang == Language::WasmBinary {
            let at = text.find(&format!("  {what} "))? + 2;
            return span(text, at, at + what.len());
        }
        // In the source: `(import "module" "field"`, the names quoted, split at any dot.
        for (i, _) in what.match_indices('.') {
            let (m, field) = (&what[..i], &what[i + 1..]);
            let open = format!("\"{m}\"");
            let mut from = 0;
            while let Some(p) = text[from..].find(&open) {
                let start = from + p;
                let rest = &text[start + open.len()..];
                let gap = rest.len() - rest.trim_start().len();
                let close = format!("\"{field}\"");
                if rest[gap..].starts_with(&close) {
                    return span(text, start, start + open.len() + gap + close.len());
                }
                from = start + open.len();
            }
        }
        return None;
    }
    if lang == Language::WasmText {
        // A data string: inside a string literal of the source, never a comment naming it.
        return in_tokens(text, tokens, TokenKind::String, what);
    }
    let at = text.find(what)?;
    span(text, at, at + what.len())
}

/// The source's string and keyword tokens, lexed as the editor colours them (byte ranges
/// into the whole text).
fn source_tokens(text: &str) -> Vec<(TokenKind, usize, usize)> {
    let mut state = WatState::default();
    let mut tokens = Vec::new();
    let mut out = Vec::new();
    let mut base = 0;
    for line in text.split_inclusive('\n') {
        tokens.clear();
        state = crate::tui::wat::tokenize_line_into(line, state, &mut tokens);
        out.extend(
            tokens
                .iter()
                .filter(|t| matches!(t.kind, TokenKind::String | TokenKind::Keyword))
                .map(|t| (t.kind, base + t.start, base + t.end)),
        );
        base += line.len();
    }
    out
}

/// The first token of `kind` that contains `what`: its part that is `what`.
fn in_tokens(
    text: &str,
    tokens: &[(TokenKind, usize, usize)],
    kind: TokenKind,
    what: &str,
) -> Option<((u32, u32), (u32, u32))> {
    tokens
        .iter()
        .filter(|(k, ..)| *k == kind)
        .find_map(|&(_, s, e)| Some(s + text.get(s..e)?.find(what)?))
        .and_then(|start| span(text, start, start + what.len()))
}
