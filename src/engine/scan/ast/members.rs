//! Member expressions, read and written: `.constructor` chains and `process.mainModule`
//! reached through any spelling, and writes through `__proto__`, `constructor.prototype`,
//! built-in prototypes, `require.cache` and the module loader.

use super::fold::{self, Folded};
use super::{is_builtin_target, AstScan};
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;
use oxc_span::GetSpan;

impl AstScan<'_> {
    pub(super) fn check_member(&mut self, e: &Expression<'_>) {
        if let Some(m) = e.as_member_expression() {
            if let Some(k) = fold::cheap_key(m, self.src) {
                if k != "constructor" && k != "mainModule" && k != "value" {
                    return;
                }
            }
        }
        let Some((obj, key)) = self.env.member_view(e, self.src, 0) else {
            return;
        };
        let span = e.span();
        if key.value == "constructor" && fold::function_valued(obj, &self.env, self.src, 0) {
            let kind = fold::function_kind(obj);
            let detail = format!("reaches `{kind}`");
            let shown = Folded {
                value: key.value.clone(),
                hidden: key.hidden,
                decoded: key.decoded,
            };
            self.add(RuleId::ConstructorChain, span, Some(&shown), detail);
            return;
        }
        if key.value != "mainModule" && !key.hidden {
            return;
        }
        let Some(sym) = self.resolve(e) else {
            return;
        };
        match sym.path.as_str() {
            "process.mainModule" => {
                self.add_sym(RuleId::ProcessMainmodule, span, &sym, String::new());
            }
            // A dangerous global looked up by a hidden spelling, e.g. globalThis['ev'+'al'].
            "eval" if sym.hidden => self.add_sym(RuleId::EvalIndirect, span, &sym, String::new()),
            "Function" if sym.hidden && !sym.chain => {
                self.add_sym(RuleId::FunctionConstructor, span, &sym, String::new())
            }
            _ => {}
        }
    }

    pub(super) fn check_assign(&mut self, a: &AssignmentExpression<'_>) {
        let (AssignmentTarget::StaticMemberExpression(_)
        | AssignmentTarget::ComputedMemberExpression(_)) = &a.left
        else {
            return;
        };
        let Some(m) = a.left.as_member_expression() else {
            return;
        };
        let span = a.span;
        // script.text = …, script.src = 'data:…': code handed to the page
        if let Expression::Identifier(id) = m.object().without_parentheses() {
            let script = self
                .env
                .ref_key(id)
                .is_some_and(|k| self.scripts.contains(&k));
            let prop = m.static_property_name();
            if script
                && matches!(
                    prop,
                    Some("text" | "textContent" | "innerText" | "innerHTML" | "src")
                )
            {
                let folded = self.fold(&a.right);
                let decoded =
                    self.has_decoder(&a.right) || folded.as_ref().is_some_and(|f| f.decoded);
                let is_src = prop == Some("src");
                let data_src = folded
                    .as_ref()
                    .is_some_and(|f| f.value.starts_with("data:"));
                if !is_src || data_src || decoded {
                    let ev: &[crate::engine::scan::Evidence] = if decoded {
                        &[crate::engine::scan::Evidence::Decoded]
                    } else {
                        &[]
                    };
                    let detail = "a script element gets code built at run time".to_string();
                    self.add_ev(RuleId::DomCodeInjection, span, None, detail, ev);
                    if let Some(f) = folded.filter(|_| !is_src) {
                        self.scan_code_text(&f, span);
                    }
                }
            }
        }
        // Walk the chain of keys from the outside in.
        let mut keys: Vec<Folded> = Vec::new();
        if let Some(k) = self.env.member_key(m, self.src, 0) {
            keys.push(k);
        }
        let mut obj = m.object();
        let mut steps = 0;
        while let Some((o, k)) = self.env.member_view(obj, self.src, 0) {
            keys.push(k);
            obj = o;
            steps += 1;
            if steps > 32 {
                break;
            }
        }
        // The nearest object in the chain that names something (`require.cache` in
        // `require.cache[p].exports = …`).
        let mut target = m.object();
        let mut resolved = None;
        for _ in 0..16 {
            if let Some(s) = self.resolve(target) {
                resolved = Some(s);
                break;
            }
            match target.as_member_expression() {
                Some(inner) => target = inner.object(),
                None => break,
            }
        }
        if let Some(t) = &resolved {
            let p = t.path.as_str();
            if p.starts_with("require.cache")
                || p.starts_with("module:module._cache")
                || p.starts_with("module.constructor._cache")
                || p.starts_with("module:module")
                || p.starts_with("module.constructor")
            {
                let detail = format!("writes `{p}`");
                let t = t.clone();
                self.add_sym(RuleId::RequireCache, span, &t, detail);
                return;
            }
        }
        // keys[0] is the written property; the rest are the path to it (outermost first).
        for (i, k) in keys.iter().enumerate().skip(1) {
            let via_proto = k.value == "__proto__";
            let via_ctor_proto =
                k.value == "prototype" && keys.get(i + 1).is_some_and(|n| n.value == "constructor");
            if via_proto || via_ctor_proto {
                let detail = format!("writes `{}` through `{}`", keys[0].value, k.value);
                self.add(RuleId::ProtoPollution, span, Some(k), detail);
                return;
            }
        }
        if keys.first().is_some_and(|k| k.value == "__proto__") {
            let first = keys.first().cloned();
            self.add(RuleId::ProtoSet, span, first.as_ref(), String::new());
            return;
        }
        if let Some(t) = resolved {
            let p = t.path.as_str();
            if (p.ends_with(".prototype") && is_builtin_target(p) && !self.shadowed(p))
                || (fold::is_global_object(p)
                    && keys.first().is_some_and(|k| {
                        matches!(k.value.as_str(), "eval" | "Function" | "fetch" | "require")
                    }))
            {
                let detail = format!(
                    "writes `{p}.{}`",
                    keys.first().map(|k| k.value.as_str()).unwrap_or("?")
                );
                self.add_sym(RuleId::BuiltinPrototypeWrite, span, &t, detail);
            }
        }
    }

    /// `typeof eval` and friends are not uses of eval as a value; `delete require.cache[k]`
    /// tampers with the module cache.
    pub(super) fn check_unary(&mut self, u: &UnaryExpression<'_>) {
        if let Expression::Identifier(id) = u.argument.without_parentheses() {
            self.handled.insert(id.span.start);
        }
        if u.operator != UnaryOperator::Delete {
            return;
        }
        let target = match u.argument.as_member_expression() {
            Some(m) => m.object(),
            None => &u.argument,
        };
        if let Some(s) = self.resolve(target) {
            if s.path.starts_with("require.cache") || s.path.starts_with("module:module._cache") {
                self.add_sym(
                    RuleId::RequireCache,
                    u.span,
                    &s,
                    "deletes a cache entry".into(),
                );
            }
        }
    }
}
