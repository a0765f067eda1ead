//! Where a stopped script was running, where QuickJS's own answer is stale.
//!
//! QuickJS saves a frame's bytecode position only before operations that may throw or call
//! (calls, property reads, the slow paths of arithmetic), not at a loop's backward jump,
//! where the interrupt handler runs: a timeout's stack shows the last position saved, not
//! the running one. A loop that calls nothing (`while (true) {}`, `for (;;) i++` on a number)
//! is reported at the last call before it, or at its function's start (`1:1` at the top
//! level of a script). The exact position is not reachable from outside the interpreter.
//! [`refine_stop_location`] moves the top frame to the loop when the answer is certain: the
//! reported position is the start of the frame's own function (nothing was saved since it
//! was entered), it is inside no loop, and the function has exactly one loop (loops in nested
//! functions and inner loops aside). Otherwise QuickJS's position is kept: a position saved
//! by a call (a builtin that timed out, a loop that calls) is the running line already.

use oxc_allocator::Allocator;
use oxc_ast::ast::{
    ArrowFunctionExpression, DoWhileStatement, ForInStatement, ForOfStatement, ForStatement,
    Function, WhileStatement,
};
use oxc_ast_visit::{walk, Visit};
use oxc_parser::Parser;
use oxc_span::{SourceType, Span};
use oxc_syntax::scope::ScopeFlags;

/// Longest script parsed to refine a location (a larger one keeps QuickJS's location: the
/// refinement must stay cheap next to the run it describes).
const MAX_REFINE_BYTES: usize = 4 * 1024 * 1024;

/// `stack` with its top frame moved to the position-less loop that was running, when the
/// top frame is in `filename` and such a loop exists; `None` to keep `stack` as it is.
pub(crate) fn refine_stop_location(
    code: &str,
    filename: &str,
    module: bool,
    stack: &str,
) -> Option<String> {
    if code.len() > MAX_REFINE_BYTES {
        return None;
    }
    let first = stack.lines().next()?;
    let frame = parse_frame(first)?;
    if frame.file != filename {
        return None;
    }
    let offset = offset_of(code, frame.line, frame.col)?;
    let alloc = Allocator::default();
    let st = if module {
        SourceType::mjs()
    } else {
        SourceType::cjs()
    };
    let ret = Parser::new(&alloc, code, st).parse();
    if ret.panicked || ret.diagnostics.has_errors() {
        return None;
    }
    // A stale position is the start of the frame's own function (nothing saved since it
    // was entered): the script's for `<eval>`, else the function that starts there. Any
    // other position was saved by a call or a throwing operation, and is kept.
    let scope = if frame.name == "<eval>" {
        if offset != ret.program.span.start {
            return None;
        }
        ret.program.span
    } else {
        let mut f = StartingAt {
            at: offset,
            found: None,
        };
        f.visit_program(&ret.program);
        f.found?
    };
    let mut loops = Loops {
        scope,
        at: offset,
        functions: 0,
        loops: 0,
        after: Vec::new(),
        around: false,
    };
    loops.visit_program(&ret.program);
    let at = match loops.after[..] {
        [only] if !loops.around => only,
        _ => return None,
    };
    let (line, col) = line_col(code, at as usize)?;
    let rest: String = stack.lines().skip(1).map(|l| format!("{l}\n")).collect();
    Some(format!(
        "{}({}:{line}:{col})\n{rest}",
        &first[..frame.paren],
        frame.file
    ))
}

struct Frame<'s> {
    name: &'s str,
    file: &'s str,
    line: u32,
    col: u32,
    /// Byte index of the `(` that opens the location.
    paren: usize,
}

/// `    at NAME (FILE:LINE:COL)`.
fn parse_frame(l: &str) -> Option<Frame<'_>> {
    let body = l.trim_start().strip_prefix("at ")?;
    let paren = l.rfind(" (")? + 1;
    let name = body.get(..body.rfind(" (")?)?;
    let loc = l.get(paren + 1..)?.strip_suffix(')')?;
    let mut parts = loc.rsplitn(3, ':');
    let col = parts.next()?.parse().ok()?;
    let line = parts.next()?.parse().ok()?;
    let file = parts.next()?;
    Some(Frame {
        name,
        file,
        line,
        col,
        paren,
    })
}

/// Byte offset of a 1-based line and byte column (QuickJS counts columns in bytes).
fn offset_of(code: &str, line: u32, col: u32) -> Option<u32> {
    let mut start = 0usize;
    for _ in 1..line {
        start += code.get(start..)?.find('\n')? + 1;
    }
    let at = start + (col as usize).checked_sub(1)?;
    if at > code.len() {
        return None;
    }
    u32::try_from(at).ok()
}

/// 1-based line and byte column of byte offset `at` (None off a character boundary or past
/// the end).
pub(crate) fn line_col(code: &str, at: usize) -> Option<(u32, u32)> {
    let before = code.get(..at)?;
    let line = before.matches('\n').count() + 1;
    let col = at - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    Some((u32::try_from(line).ok()?, u32::try_from(col).ok()?))
}

/// The outermost function that starts at `at`.
struct StartingAt {
    at: u32,
    found: Option<Span>,
}

impl StartingAt {
    fn consider(&mut self, span: Span) {
        if span.start == self.at && self.found.is_none() {
            self.found = Some(span);
        }
    }
}

impl<'a> Visit<'a> for StartingAt {
    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        self.consider(it.span);
        walk::walk_function(self, it, flags);
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        self.consider(it.span);
        walk::walk_arrow_function_expression(self, it);
    }
}

/// The loops of the function `scope` (not of functions nested in it) around `at`, and its
/// outermost loops after `at`.
struct Loops {
    scope: Span,
    at: u32,
    /// Functions entered inside `scope`.
    functions: u32,
    /// Loops entered inside `scope`'s own code.
    loops: u32,
    after: Vec<u32>,
    around: bool,
}

impl Loops {
    fn own(&self, span: Span) -> bool {
        self.functions == 0 && self.scope.start <= span.start && span.end <= self.scope.end
    }

    fn enter_loop(&mut self, span: Span) {
        if self.own(span) {
            if span.start <= self.at && self.at < span.end {
                self.around = true;
            } else if span.start >= self.at && self.loops == 0 {
                self.after.push(span.start);
            }
        }
        self.loops += 1;
    }

    fn enter_function(&mut self, span: Span) -> bool {
        // The scope's own function is not "nested".
        let nested =
            span != self.scope && self.scope.start <= span.start && span.end <= self.scope.end;
        if nested {
            self.functions += 1;
        }
        nested
    }
}

/// Visitor methods for the loop statements: each counts as a loop while it is walked.
macro_rules! visit_loops {
    ($($visit:ident, $walk:ident, $ty:ident;)*) => {$(
        fn $visit(&mut self, it: &$ty<'a>) {
            self.enter_loop(it.span);
            walk::$walk(self, it);
            self.loops -= 1;
        }
    )*};
}

impl<'a> Visit<'a> for Loops {
    fn visit_function(&mut self, it: &Function<'a>, flags: ScopeFlags) {
        let nested = self.enter_function(it.span);
        walk::walk_function(self, it, flags);
        if nested {
            self.functions -= 1;
        }
    }

    fn visit_arrow_function_expression(&mut self, it: &ArrowFunctionExpression<'a>) {
        let nested = self.enter_function(it.span);
        walk::walk_arrow_function_expression(self, it);
        if nested {
            self.functions -= 1;
        }
    }

    visit_loops! {
        visit_while_statement, walk_while_statement, WhileStatement;
        visit_do_while_statement, walk_do_while_statement, DoWhileStatement;
        visit_for_statement, walk_for_statement, ForStatement;
        visit_for_in_statement, walk_for_in_statement, ForInStatement;
        visit_for_of_statement, walk_for_of_statement, ForOfStatement;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn refine(code: &str, stack: &str) -> Option<String> {
        refine_stop_location(code, "a.js", false, stack)
    }

    #[test]
    fn a_top_level_loop_is_located() {
        let s = refine(
            "let x = 1;\nx++;\n  while (true) {}\n",
            "    at <eval> (a.js:1:1)\n",
        );
        assert_eq!(s.as_deref(), Some("    at <eval> (a.js:3:3)\n"));
        // A loop whose body calls nothing QuickJS saves a position for.
        let s = refine(
            "let i = 0;\nwhile (true) {\n  i++;\n}",
            "    at <eval> (a.js:1:1)\n",
        );
        assert_eq!(s.as_deref(), Some("    at <eval> (a.js:2:1)\n"));
        // Already at the loop.
        assert_eq!(refine("for (;;);", "    at <eval> (a.js:1:1)\n"), None);
    }

    #[test]
    fn a_loop_in_a_function_is_located_and_the_caller_kept() {
        let code = "function f() {\n  while (true) {}\n}\nwhile (true) {}\nf();\n";
        let s = refine(code, "    at f (a.js:1:1)\n    at <eval> (a.js:5:1)\n");
        assert_eq!(
            s.as_deref(),
            Some("    at f (a.js:2:3)\n    at <eval> (a.js:5:1)\n")
        );
        // The script's own frame skips the function's loop.
        let s = refine(code, "    at <eval> (a.js:1:1)\n");
        assert_eq!(s.as_deref(), Some("    at <eval> (a.js:4:1)\n"));
    }

    #[test]
    fn a_located_frame_is_kept() {
        // Inside a loop already: QuickJS saw a call in it.
        assert_eq!(
            refine(
                "let i = 0;\nwhile (i >= 0) { f(); }",
                "    at <eval> (a.js:2:17)\n"
            ),
            None
        );
        // Two loops after the position: which one runs is not certain.
        assert_eq!(
            refine(
                "f();\nfor (;;) break;\nwhile (true) {}",
                "    at <eval> (a.js:1:1)\n"
            ),
            None
        );
        // Another file, or a frame that is not one, or code that does not parse.
        assert_eq!(
            refine("while (true) {}", "    at <eval> (b.js:1:1)\n"),
            None
        );
        assert_eq!(refine("while (true) {}", "oops"), None);
        assert_eq!(refine("while (true) {", "    at <eval> (a.js:1:1)\n"), None);
        // A position saved by a call (here a builtin's) is kept.
        assert_eq!(
            refine(
                "const a = [];\na.sort();\nfor (;;) {}",
                "    at <eval> (a.js:2:1)\n"
            ),
            None
        );
        // No loop after the position.
        assert_eq!(
            refine(
                "for (;;) break;\nlet y = 2; y++;",
                "    at <eval> (a.js:2:12)\n"
            ),
            None
        );
    }
}
