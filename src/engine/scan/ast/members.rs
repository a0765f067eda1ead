//! Member expressions, read and written: `.constructor` chains and `process.mainModule`
//! reached through any spelling, and writes through `__proto__`, `constructor.prototype`,
//! built-in prototypes, `require.cache` and the module loader.

use super::fold::{self, Folded};
use super::{is_builtin_target, AstScan};
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;
use oxc_span::GetSpan;

/// What reading `process.<key>` means (`None`: nothing the scanner reports).
fn process_key(key: &str) -> Option<RuleId> {
    Some(match key {
        "env" => RuleId::ProcessEnvRead,
        "binding" | "_linkedBinding" | "dlopen" => RuleId::ProcessBinding,
        "getBuiltinModule"
        | "report"
        | "setuid"
        | "setgid"
        | "seteuid"
        | "setegid"
        | "setgroups"
        | "initgroups"
        | "setUncaughtExceptionCaptureCallback"
        | "permission"
        | "chdir"
        | "umask"
        | "argv"
        | "execArgv"
        | "execPath"
        | "cwd"
        | "pid"
        | "ppid"
        | "title"
        | "memoryUsage"
        | "resourceUsage"
        | "cpuUsage"
        | "uptime"
        | "execve" => RuleId::ProcessInternals,
        _ => return None,
    })
}

/// Environment variables that make later processes load code or trust anything.
const TAMPER_VARS: &[&str] = &[
    "LD_PRELOAD",
    "LD_LIBRARY_PATH",
    "DYLD_INSERT_LIBRARIES",
    "DYLD_LIBRARY_PATH",
    "NODE_OPTIONS",
    "NODE_PATH",
    "NODE_TLS_REJECT_UNAUTHORIZED",
    "NODE_EXTRA_CA_CERTS",
    "BASH_ENV",
    "PROMPT_COMMAND",
    "GIT_SSH_COMMAND",
    "PYTHONSTARTUP",
];

/// Whether setting `name` in the environment injects code into later processes.
pub(super) fn is_tamper_var(name: &str) -> bool {
    TAMPER_VARS.contains(&name)
}

impl AstScan<'_> {
    pub(super) fn check_member(&mut self, e: &Expression<'_>) {
        if let Some(m) = e.as_member_expression() {
            if let Some(k) = fold::cheap_key(m, self.src) {
                if matches!(k, "main" | "parent" | "children") {
                    self.check_module_graph(e, m, k);
                    return;
                }
                if let Some(rule) = process_key(k) {
                    self.check_process_member(e, m, k, rule);
                    return;
                }
                if k != "constructor" && k != "mainModule" && k != "value" {
                    return;
                }
            } else {
                self.check_process_table(e, m);
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
        if let Some(k) = sym.path.strip_prefix("process.") {
            if let Some(rule) = process_key(k).filter(|_| sym.hidden) {
                let detail = format!("reaches `process.{k}`");
                self.add_sym(rule, span, &sym, detail);
                return;
            }
        }
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

    /// `require.main`, `module.parent`, `module.children`: the host's module graph, from
    /// which a plugin reaches the application's own modules and their exports.
    fn check_module_graph(&mut self, e: &Expression<'_>, m: &MemberExpression<'_>, key: &str) {
        let obj = m.object().without_parentheses();
        let root = match obj {
            Expression::Identifier(id)
                if self
                    .env
                    .ref_key(id)
                    .is_some_and(|k| self.module_objs.contains(&k)) =>
            {
                "module".into()
            }
            _ => match self.resolve(obj) {
                Some(s) => s.path,
                None => return,
            },
        };
        let hit = match key {
            "main" => root == "require" || root == "module:module",
            _ => root == "module",
        };
        // `require.main === module`, `if (!module.parent)`: is this file the entry point?
        let span = e.span();
        let before = self.src[..span.start as usize].trim_end();
        let after = self.src[span.end as usize..].trim_start();
        let test = before.ends_with('!')
            || before.ends_with("==")
            || after.starts_with("==")
            || after.starts_with("!=");
        if hit && !test {
            let detail = format!("reads `{root}.{key}`");
            self.add(RuleId::ModuleGraph, e.span(), None, detail);
        }
    }

    /// `process.env`, `process.report`, … spelled plainly: the object must be the host's
    /// `process` (a local named `process` is not).
    fn check_process_member(
        &mut self,
        e: &Expression<'_>,
        m: &MemberExpression<'_>,
        key: &str,
        rule: RuleId,
    ) {
        let Some(obj) = self.resolve(m.object()) else {
            return;
        };
        if obj.path != "process" {
            return;
        }
        // process.binding(…) and friends are reported at the call.
        if rule == RuleId::ProcessBinding && !obj.hidden {
            return;
        }
        let sym = fold::extend(obj, key, false);
        let detail = format!("reaches `process.{key}`");
        self.add_sym(rule, e.span(), &sym, detail);
    }

    /// `process[T[i]]` with `T` a constant table: the key is one of the table's entries, so
    /// every dangerous entry is a possible reach (and the table is concealment).
    fn check_process_table(&mut self, e: &Expression<'_>, m: &MemberExpression<'_>) {
        let MemberExpression::ComputedMemberExpression(c) = m else {
            return;
        };
        let Expression::ComputedMemberExpression(idx) = c.expression.without_parentheses() else {
            return;
        };
        let Some(table) = self.env.fold_array_expr(&idx.object, self.src) else {
            return;
        };
        if self.resolve(&c.object).is_none_or(|o| o.path != "process") {
            return;
        }
        for k in table.iter().filter(|k| process_key(k).is_some()).take(4) {
            let rule = process_key(k).unwrap_or(RuleId::ProcessInternals);
            let detail = format!("may reach `process.{k}` (a key from a table)");
            let f = Folded {
                value: compact_str::format_compact!("process.{k}"),
                hidden: true,
                decoded: false,
            };
            self.add(rule, e.span(), Some(&f), detail);
        }
    }

    /// `process.env.NODE_OPTIONS = …`: environment tampering.
    fn check_env_write(&mut self, m: &MemberExpression<'_>, span: oxc_span::Span) -> bool {
        let Some(key) = self.env.member_key(m, self.src, 0) else {
            return false;
        };
        if !TAMPER_VARS.contains(&key.value.as_str()) {
            return false;
        }
        if self
            .resolve(m.object())
            .is_none_or(|o| o.path != "process.env")
        {
            return false;
        }
        let detail = format!("sets `{}`", key.value);
        self.add(RuleId::EnvTamper, span, Some(&key), detail);
        true
    }

    /// `img.src = url + cookie` sends a GET; `field.value = secret` is what a form sends.
    fn check_element_write(&mut self, m: &MemberExpression<'_>, a: &AssignmentExpression<'_>) {
        let Expression::Identifier(id) = m.object().without_parentheses() else {
            return;
        };
        let Some(el) = self
            .env
            .ref_key(id)
            .and_then(|k| self.elements.get(&k).copied())
        else {
            return;
        };
        match (el, m.static_property_name()) {
            (super::Element::Image, Some("src")) => {
                if let Some(secret) = self.mentions_secret_expr(&a.right) {
                    self.exfiltration(a.span, secret, "an image's src");
                }
            }
            (super::Element::Field, Some("value")) => {
                if let Some(secret) = self.mentions_secret_expr(&a.right) {
                    self.form_secret = Some(secret);
                }
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
        if self.check_env_write(m, span) {
            return;
        }
        self.check_element_write(m, a);
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
        let mut keys: smallvec::SmallVec<[Folded; 4]> = smallvec::SmallVec::new();
        // The written key, known or not (`o[k][name] = v` writes through `k` either way).
        keys.push(self.env.member_key(m, self.src, 0).unwrap_or(Folded {
            value: "?".into(),
            hidden: false,
            decoded: false,
        }));
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
            // (only an `eval` is ever looked up there)
            if id.name == "eval" {
                self.handled.insert(id.span.start);
            }
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
