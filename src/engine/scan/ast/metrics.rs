//! The shape of the code, gathered on the same visit: nesting depth, cyclomatic complexity,
//! identifier statistics (entropy, length, `_0x…` names) and the look-alike identifier rule,
//! which looks at the same names.

use super::AstScan;
use crate::engine::scan::RuleId;
use oxc_ast::AstKind;
use oxc_span::Span;

/// Nesting, complexity and identifier statistics of one visit.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    depth: u32,
    pub max_nesting: u32,
    pub complexity: u32,
    /// Occurrences of each byte in identifiers (the statistics count every byte from 127
    /// up as 127; they are folded there when read, which keeps the count loop branch-free).
    ident_hist: [u32; 256],
    ident_chars: u64,
    ident_count: u64,
    /// Bindings named like `_0x1f2e`.
    pub hex_names: u32,
    /// Names made only of `$` and `_`, two characters or more (`$_`, `__$`).
    pub symbol_names: u32,
    /// Literals coerced to strings to take letters from (`![] + ''`, `{} + ''`).
    pub coercions: u32,
    pub first_hex: Option<Span>,
}

impl Default for Shape {
    fn default() -> Self {
        Shape {
            depth: 0,
            max_nesting: 0,
            complexity: 1,
            ident_hist: [0; 256],
            ident_chars: 0,
            ident_count: 0,
            hex_names: 0,
            first_hex: None,
            symbol_names: 0,
            coercions: 0,
        }
    }
}

impl Shape {
    pub(super) fn enter(&mut self, kind: &AstKind<'_>) {
        match kind {
            AstKind::IfStatement(_)
            | AstKind::ForStatement(_)
            | AstKind::ForInStatement(_)
            | AstKind::ForOfStatement(_)
            | AstKind::WhileStatement(_)
            | AstKind::DoWhileStatement(_)
            | AstKind::SwitchCase(_)
            | AstKind::CatchClause(_)
            | AstKind::ConditionalExpression(_)
            | AstKind::LogicalExpression(_) => self.complexity = self.complexity.saturating_add(1),
            AstKind::BlockStatement(_) | AstKind::FunctionBody(_) => {
                self.depth += 1;
                self.max_nesting = self.max_nesting.max(self.depth);
            }
            _ => {}
        }
    }

    pub(super) fn leave(&mut self, kind: &AstKind<'_>) {
        if let AstKind::BlockStatement(_) | AstKind::FunctionBody(_) = kind {
            self.depth = self.depth.saturating_sub(1);
        }
    }

    fn count(&mut self, name: &str, span: Span, binding: bool) {
        self.ident_count += 1;
        for b in name.bytes() {
            self.ident_hist[usize::from(b)] += 1;
        }
        self.ident_chars += name.len() as u64;
        if binding && name.starts_with("_0x") && name.len() >= 5 {
            self.hex_names += 1;
            self.first_hex.get_or_insert(span);
        }
    }

    pub(super) fn symbol_name(&mut self, name: &str) {
        if name.len() >= 2 && name.bytes().all(|b| b == b'$' || b == b'_') {
            self.symbol_names += 1;
        }
    }

    /// `![] + ''`, `{} + ''`, `[][[]] + ''`: letters taken from coerced literals.
    pub(super) fn coercion(&mut self, b: &oxc_ast::ast::BinaryExpression<'_>) {
        use oxc_ast::ast::Expression as E;
        let empty =
            |e: &E| matches!(e.without_parentheses(), E::StringLiteral(s) if s.value.is_empty());
        let literal = |e: &E| match e.without_parentheses() {
            E::UnaryExpression(u) => matches!(
                u.argument.without_parentheses(),
                E::ArrayExpression(_) | E::UnaryExpression(_)
            ),
            E::ObjectExpression(o) => o.properties.is_empty(),
            E::ArrayExpression(_) => true,
            E::ComputedMemberExpression(m) => {
                matches!(m.object.without_parentheses(), E::ArrayExpression(a) if a.elements.is_empty())
            }
            _ => false,
        };
        if (empty(&b.right) && literal(&b.left)) || (empty(&b.left) && literal(&b.right)) {
            self.coercions += 1;
        }
    }

    /// Shannon entropy of the identifier characters, in bits, rounded to 3 decimals.
    pub(crate) fn entropy(&self) -> f64 {
        let mut hist = [0u32; 128];
        hist.copy_from_slice(&self.ident_hist[..128]);
        hist[127] = self.ident_hist[127..]
            .iter()
            .fold(0u32, |a, &n| a.wrapping_add(n));
        let total: u64 = hist.iter().map(|&n| u64::from(n)).sum();
        if total == 0 {
            return 0.0;
        }
        let bits: f64 = hist
            .iter()
            .filter(|&&n| n > 0)
            .map(|&n| {
                let p = f64::from(n) / total as f64;
                -p * p.log2()
            })
            .sum();
        (bits * 1000.0).round() / 1000.0
    }

    /// Mean identifier length in bytes (0 without identifiers).
    pub(crate) fn avg_ident_len(&self) -> f64 {
        if self.ident_count == 0 {
            0.0
        } else {
            self.ident_chars as f64 / self.ident_count as f64
        }
    }
}

impl AstScan<'_> {
    /// Counts an identifier and checks it for look-alike letters.
    pub(super) fn ident(&mut self, name: &str, span: Span, binding: bool) {
        self.shape.count(name, span, binding);
        if !name.is_ascii() {
            let latin = name.chars().any(|c| c.is_ascii_alphabetic());
            let lookalike = name.chars().any(|c| matches!(c as u32, 0x0370..=0x04FF));
            if latin && lookalike {
                let detail = format!("`{}`", crate::engine::text::escape(name, false));
                self.add(RuleId::HomoglyphIdentifier, span, None, detail);
            }
        }
    }
}
