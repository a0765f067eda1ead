//! Code made from text: eval / Function / timers / vm given strings, the packer's call,
//! a function of unseen origin given host-reaching code, code URLs (`Blob`, `createObjectURL`),
//! and the scan of constant code handed to eval / Function / timers.

use super::fold::{Folded, Sym};
use super::AstScan;
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;
use oxc_span::Span;

/// How many levels of code-in-strings are scanned (`eval("eval('…')")`).
const MAX_NEST: u8 = 2;

impl AstScan<'_> {
    /// Whether an argument is code in a string (literal, template, concatenation, folded).
    pub(super) fn stringish(&self, e: &Expression) -> bool {
        match e.without_parentheses() {
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => true,
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                self.stringish(&b.left) || self.stringish(&b.right)
            }
            other => self.fold(other).is_some(),
        }
    }

    /// Scans constant code handed to eval / Function / timers (also decoded payloads) and
    /// reports what it does at the call, e.g. `eval("require('child_process')…")`.
    fn check_evaluated_code(&mut self, args: &[Argument], span: Span) {
        if self.nest >= MAX_NEST {
            return;
        }
        let Some(code) = args
            .last()
            .and_then(|a| a.as_expression())
            .and_then(|a| self.fold(a))
        else {
            return;
        };
        self.scan_code_text(&code, span);
    }

    /// Scans code found as text (an argument of eval, a data: URL, a script element's
    /// text) and reports what it does at `span`.
    pub(super) fn scan_code_text(&mut self, code: &Folded, span: Span) {
        if self.nest >= MAX_NEST {
            return;
        }
        if code.value.len() < 4 || code.value.len() > self.nested_budget {
            return;
        }
        // Nested scans share a budget of the source's own size, so repeating one short call
        // on a long aliased string cannot multiply the work.
        self.nested_budget -= code.value.len();
        let opts = self.opts;
        for inner in crate::engine::scan::nested_raws(&code.value, self.nest + 1, &opts)
            .into_iter()
            .take(20)
        {
            if inner.rule == RuleId::FunctionGlobalIdiom {
                continue;
            }
            let text = code
                .value
                .get(inner.start as usize..inner.end as usize)
                .unwrap_or("");
            let detail = format!(
                "in evaluated code: `{}`",
                crate::engine::text::truncate(text, 60)
            );
            let mut raw = crate::engine::scan::Raw::new(inner.rule, span.start, span.end, detail);
            raw.folded = inner.folded;
            raw.hidden = true;
            raw.evidence = inner.evidence;
            raw.dead = self.dead > 0 || inner.dead;
            if code.decoded {
                raw.evidence.push(crate::engine::scan::Evidence::Decoded);
            }
            self.findings.push(raw);
        }
    }

    pub(super) fn check_code_arg(&mut self, args: &[Argument], span: Span, what: &str) -> bool {
        self.check_evaluated_code(args, span);
        // eval(atob(…)), Function(Buffer.from(…).toString())
        // eval(decode(BLOB)) with a decoder of the code's own, run by the evaluator
        if args
            .iter()
            .filter_map(|a| a.as_expression())
            .any(|a| self.has_decoder(a) || self.fold(a).is_some_and(|f| f.decoded))
        {
            let f = args
                .iter()
                .filter_map(|a| a.as_expression())
                .find_map(|a| self.fold(a));
            let detail = format!("{what} runs decoded text");
            self.add(RuleId::EncodedExec, span, f.as_ref(), detail);
            return true;
        }
        false
    }

    /// `F('return process')()`: code text that reaches for the host handed to a function
    /// value whose origin the code does not show (read off `.constructor`, out of a walk over
    /// keys, a host callback's property, a descriptor's `value`). That is the Function
    /// constructor's signature, however the code got hold of it. Functions the code wrote,
    /// parameters and unbound globals are not such values.
    pub(super) fn check_code_to_opaque_fn(&mut self, c: &CallExpression<'_>) {
        let Some(arg) = c.arguments.first().and_then(|a| a.as_expression()) else {
            return;
        };
        if !matches!(
            arg.without_parentheses(),
            Expression::StringLiteral(_)
                | Expression::TemplateLiteral(_)
                | Expression::Identifier(_)
                | Expression::BinaryExpression(_)
        ) {
            return;
        }
        let callee = c.callee.without_parentheses();
        let opaque = match callee {
            Expression::Identifier(id) => {
                self.env
                    .ref_key(id)
                    .is_some_and(|k| self.value_bindings.contains(&k))
                    // `%Fn`: some function value, which is what an opaque origin gives
                    && self.resolve(callee).is_none_or(|s| s.path.starts_with('%'))
            }
            _ => callee.as_member_expression().is_some_and(|m| {
                self.env
                    .member_key(m, self.src, 0)
                    .is_some_and(|k| k.value == "constructor")
            }),
        };
        if !opaque {
            return;
        }
        let Some(text) = self.fold(arg) else {
            return;
        };
        if !host_code_text(&text.value) {
            return;
        }
        let detail = format!(
            "calls a function of unseen origin with code `{}`: the Function constructor",
            text.value.chars().take(40).collect::<String>()
        );
        let ev = [crate::engine::scan::Evidence::ConstructorChain];
        self.add_ev(RuleId::ConstructorChain, c.span, None, detail, &ev);
    }

    pub(super) fn function_ctor(&mut self, args: &[Argument], span: Span, sym: &Sym) {
        if sym.chain {
            // Reported as `constructor-chain` where the chain is spelled; a call through a
            // name bound to it (a descriptor's value, a destructured binding) is reported here.
            if sym.hidden {
                let detail = "calls the Function constructor reached through a binding".to_string();
                let ev = [crate::engine::scan::Evidence::ConstructorChain];
                self.add_ev(RuleId::ConstructorChain, span, None, detail, &ev);
            }
            return;
        }
        if let [Argument::StringLiteral(s)] = args {
            let body = s.value.as_str().trim().trim_end_matches(';').trim();
            if body == "return this" {
                let detail = "`Function('return this')` finds the global object".to_string();
                self.add(RuleId::FunctionGlobalIdiom, span, None, detail);
                return;
            }
        }
        if self.check_code_arg(args, span, "Function") {
            return;
        }
        let f = args
            .last()
            .and_then(|a| a.as_expression())
            .and_then(|a| self.fold(a));
        let detail = if sym.path == "Function" {
            String::new()
        } else {
            format!("reaches `{}`", sym.path)
        };
        let f = f.or_else(|| {
            sym.hidden.then(|| Folded {
                value: sym.path.clone(),
                hidden: true,
                decoded: false,
            })
        });
        self.add(RuleId::FunctionConstructor, span, f.as_ref(), detail);
    }

    /// Code run through the vm module or the module compiler; decoded code is evidence.
    pub(super) fn vm_run(&mut self, args: &[Argument], span: Span, what: &str) {
        self.check_evaluated_code(args, span);
        let decoded = args
            .iter()
            .filter_map(|a| a.as_expression())
            .any(|a| self.has_decoder(a) || self.fold(a).is_some_and(|f| f.decoded));
        let ev: &[crate::engine::scan::Evidence] = if decoded {
            &[crate::engine::scan::Evidence::Decoded]
        } else {
            &[]
        };
        let detail = format!("`{}`", what.trim_start_matches("module:"));
        self.add_ev(RuleId::VmRun, span, None, detail, ev);
    }

    /// The packer family's call, whatever its parameters are named: an unpacker applied to
    /// (a packed string, a radix, a word count, `'w1|w2|…'.split('|')`, …).
    pub(super) fn check_packer_shape(&mut self, c: &CallExpression<'_>) {
        let a = |i: usize| c.arguments.get(i).and_then(|a| a.as_expression());
        let packed = a(0).is_some_and(|e| matches!(e.without_parentheses(), Expression::StringLiteral(s) if s.value.len() >= 16));
        let num = |e: Option<&Expression>| {
            matches!(
                e.map(|e| e.without_parentheses()),
                Some(Expression::NumericLiteral(_))
            )
        };
        let radix = a(1).is_some_and(|e| {
            matches!(e.without_parentheses(), Expression::NumericLiteral(n) if (10.0..=95.0).contains(&n.value))
        });
        let words = a(3).is_some_and(|e| {
            let Expression::CallExpression(s) = e.without_parentheses() else {
                return false;
            };
            s.callee.as_member_expression().and_then(|m| m.static_property_name()) == Some("split")
                && matches!(s.arguments.first(), Some(Argument::StringLiteral(sep)) if sep.value == "|")
        });
        if packed && radix && num(a(2)) && words {
            let detail = "an unpacker applied to (payload, radix, count, words)".to_string();
            self.add(RuleId::ObfuscationPacker, c.span, None, detail);
        }
    }

    /// `new Blob([text])` or `URL.createObjectURL` of one (directly or through a name):
    /// code made from text. `Some(decoded)` says whether that text was decoded.
    pub(super) fn code_url(&self, e: &Expression<'_>) -> Option<bool> {
        match e.without_parentheses() {
            Expression::Identifier(id) => {
                let k = self.env.ref_key(id)?;
                self.code_values.get(&k).copied()
            }
            Expression::NewExpression(n) => {
                if self.resolve(&n.callee)?.path != "Blob" {
                    return None;
                }
                let Some(Argument::ArrayExpression(parts)) = n.arguments.first() else {
                    return None;
                };
                let mut decoded = false;
                let mut text = false;
                for p in parts.elements.iter().filter_map(|p| p.as_expression()) {
                    if self.has_decoder(p) || self.fold(p).is_some_and(|f| f.decoded) {
                        decoded = true;
                        text = true;
                    } else if self.stringish(p) {
                        text = true;
                    }
                }
                text.then_some(decoded)
            }
            Expression::CallExpression(c) => {
                if self.resolve(&c.callee)?.path != "URL.createObjectURL" {
                    return None;
                }
                self.code_url(c.arguments.first()?.as_expression()?)
            }
            _ => None,
        }
    }
}

/// Text that, run as a function body, reaches for the host: `return this`, `return process`,
/// `return global`, `return require(…)`…
fn host_code_text(t: &str) -> bool {
    let Some(rest) = t.trim_start().strip_prefix("return") else {
        return false;
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || c == '(');
    [
        "this",
        "process",
        "global",
        "globalThis",
        "require",
        "module",
        "self",
        "window",
        "import(",
    ]
    .iter()
    .any(|w| {
        rest.strip_prefix(w).is_some_and(|after| match *w {
            // `return this` alone finds the global; `return this.name` reads a field
            "this" => after.trim_start_matches([';', ')', ' ']).is_empty(),
            "import(" => true,
            _ => !after.starts_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$'),
        })
    })
}
