//! The syntax-level rules: one visit over the oxc AST, resolving names through
//! [`fold::Env`] so that spelling tricks reach the same rules as plain code.

use super::fold::{self, Env, Folded, Sym};
use super::{Raw, RuleId};
use oxc_ast::ast::*;
use oxc_ast::AstKind;
use oxc_ast_visit::{walk, Visit};
use oxc_span::{GetSpan, Span};
use regex::bytes::Regex;
use rustc_hash::{FxHashMap, FxHashSet};
use std::sync::LazyLock;

static SENSITIVE_PATH: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i-u)(\.ssh(/|\\|$)|id_rsa|id_ed25519|/etc/passwd|/etc/shadow|/etc/sudoers|(^|[/\\~])\.npmrc|(^|[/\\~])\.aws(/|\\|$)|\.aws/credentials|\.docker/config\.json|\.kube/config|\.gnupg|\.bash_history|\.git-credentials|\.netrc|wallet\.dat)",
    )
    .expect("static regex")
});

/// Longest string remembered for a name (`const k = '…'`).
const MAX_ALIAS: usize = 512;

/// How many levels of code-in-strings are scanned (`eval("eval('…')")`).
const MAX_NEST: u8 = 2;

/// Modules and what loading them means.
fn module_rule(name: &str) -> Option<RuleId> {
    let base = fold::module_name(name);
    let base = base.split('/').next().unwrap_or(base);
    Some(match base {
        "child_process" => RuleId::ChildProcess,
        "fs" | "fs-extra" | "graceful-fs" => RuleId::FsAccess,
        "vm" | "v8" | "inspector" | "worker_threads" | "cluster" | "repl" | "wasi" | "vm2" => {
            RuleId::RequireDangerous
        }
        "http" | "https" | "http2" | "net" | "dgram" | "dns" | "tls" => RuleId::NetworkModule,
        _ => return None,
    })
}

/// Module-loader internals: `Module._load`, `module.constructor._compile`, `module.require`…
fn is_loader_internal(path: &str) -> bool {
    let tail = path
        .strip_prefix("module:module.")
        .or_else(|| path.strip_prefix("module.constructor."));
    match tail {
        Some(t) => {
            let t = t.split('.').next().unwrap_or(t);
            matches!(
                t,
                "_load"
                    | "_resolveFilename"
                    | "_compile"
                    | "wrap"
                    | "_extensions"
                    | "prototype"
                    | "_cache"
                    | "_findPath"
                    | "_nodeModulePaths"
                    | "Module"
            )
        }
        None => path == "module.require" || path == "module.constructor",
    }
}

const BUILTINS: &[&str] = &[
    "Object", "Array", "Function", "String", "Number", "Boolean", "Symbol", "Promise", "RegExp",
    "Date", "Error", "Map", "Set", "WeakMap", "JSON", "Math", "Reflect",
];

/// Whether `path` names a built-in constructor, its prototype, or the global object.
fn is_builtin_target(path: &str) -> bool {
    let base = path.strip_suffix(".prototype").unwrap_or(path);
    BUILTINS.contains(&base) || fold::is_global_object(path)
}

const MERGE_HELPERS: &[&str] = &[
    "merge",
    "mergeWith",
    "defaultsDeep",
    "extend",
    "deepmerge",
    "deepMerge",
    "mergeDeep",
    "assignDeep",
    "deepExtend",
    "set",
    "setWith",
    "setPath",
    "setValue",
];

const NET_SINK_METHODS: &[&str] = &["send", "write", "request", "post", "put", "sendBeacon"];

/// The syntax-level scanner state.
pub struct AstScan<'s> {
    src: &'s str,
    env: Env,
    pub findings: Vec<Raw>,
    /// Byte spans of string literals and template text (for the trojan-source rule).
    pub string_spans: Vec<(u32, u32)>,
    handled: FxHashSet<u32>,
    tainted: FxHashSet<String>,
    /// How often each name is bound anywhere (aliases are trusted only for unique names).
    bindings: FxHashMap<String, u32>,
    /// How deep inside evaluated strings this scan is.
    nest: u8,
    /// Bytes of evaluated strings still to scan.
    nested_budget: usize,
    /// Names assigned with `name = …` so far.
    assigned: FxHashSet<String>,
    depth: u32,
    pub max_nesting: u32,
    pub complexity: u32,
    pub ident_hist: [u32; 128],
    pub ident_chars: u64,
    pub ident_count: u64,
    pub hex_names: u32,
    pub first_hex: Option<Span>,
}

impl<'s> AstScan<'s> {
    pub fn new(src: &'s str) -> Self {
        Self::nested(src, 0)
    }

    /// A scanner for code found inside code (`eval("…")`), `nest` levels deep.
    pub fn nested(src: &'s str, nest: u8) -> Self {
        AstScan {
            nest,
            // top level: the source's size (at least 64 KB); nested: its own size, so the
            // total work stays a small multiple of the input
            nested_budget: if nest == 0 {
                src.len().max(64 * 1024)
            } else {
                src.len()
            },
            src,
            env: Env::default(),
            findings: Vec::new(),
            string_spans: Vec::new(),
            handled: FxHashSet::default(),
            tainted: FxHashSet::default(),
            bindings: FxHashMap::default(),
            assigned: FxHashSet::default(),
            depth: 0,
            max_nesting: 0,
            complexity: 1,
            ident_hist: [0; 128],
            ident_chars: 0,
            ident_count: 0,
            hex_names: 0,
            first_hex: None,
        }
    }

    fn add(&mut self, rule: RuleId, span: Span, folded: Option<&Folded>, detail: String) {
        let hidden = folded.is_some_and(|f| f.hidden);
        self.findings.push(Raw {
            rule,
            start: span.start,
            end: span.end,
            folded: folded.filter(|f| f.hidden).map(|f| f.value.clone()),
            hidden,
            detail,
        });
    }

    fn add_sym(&mut self, rule: RuleId, span: Span, sym: &Sym, detail: String) {
        let value = match sym.path.strip_prefix("module:") {
            Some(rest) => match rest.split_once('.') {
                Some((m, tail)) => format!("require('{m}').{tail}"),
                None => format!("require('{rest}')"),
            },
            None => sym.path.clone(),
        };
        let f = Folded {
            value,
            hidden: sym.hidden,
            decoded: false,
        };
        self.add(rule, span, Some(&f), detail);
    }

    fn resolve(&self, e: &Expression) -> Option<Sym> {
        self.env.resolve(e, self.src)
    }

    fn fold(&self, e: &Expression) -> Option<Folded> {
        self.env.fold(e, self.src)
    }

    fn module_finding(&mut self, name: &Folded, span: Span) {
        if let Some(rule) = module_rule(&name.value) {
            let detail = format!("loads `{}`", fold::module_name(&name.value));
            self.add(rule, span, Some(name), detail);
        }
    }

    /// Whether an argument is code in a string (literal, template, concatenation, folded).
    fn stringish(&self, e: &Expression) -> bool {
        match e.without_parentheses() {
            Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => true,
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                self.stringish(&b.left) || self.stringish(&b.right)
            }
            other => self.fold(other).is_some(),
        }
    }

    /// Whether `e` contains a run-time decoder call (atob, Buffer.from, fromCharCode…).
    fn has_decoder(&self, e: &Expression) -> bool {
        let mut f = self.finder(Want::Decoder);
        f.visit_expression(e);
        f.found
    }

    /// A bounded search of an expression for what `want` names.
    fn finder(&self, want: Want) -> Finder<'_, '_> {
        Finder {
            env: &self.env,
            src: self.src,
            tainted: &self.tainted,
            want,
            found: false,
            budget: 2000,
        }
    }

    /// Whether `process.env` (the whole object) appears anywhere in the arguments.
    fn mentions_env(&self, args: &[Argument]) -> bool {
        let mut f = self.finder(Want::Env);
        for a in args {
            f.visit_argument(a);
        }
        f.found
    }

    fn mentions_secret(&self, args: &[Argument]) -> bool {
        let mut f = self.finder(Want::Secret);
        for a in args {
            f.visit_argument(a);
        }
        f.found
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
        if code.value.len() < 4 || code.value.len() > self.nested_budget {
            return;
        }
        // Nested scans share a budget of the source's own size, so repeating one short call
        // on a long aliased string cannot multiply the work.
        self.nested_budget -= code.value.len();
        for inner in super::nested_raws(&code.value, self.nest + 1)
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
            self.findings.push(super::Raw {
                rule: inner.rule,
                start: span.start,
                end: span.end,
                folded: inner.folded,
                hidden: true,
                detail,
            });
        }
    }

    fn check_code_arg(&mut self, args: &[Argument], span: Span, what: &str) -> bool {
        self.check_evaluated_code(args, span);
        // eval(atob(…)), Function(Buffer.from(…).toString())
        if args
            .iter()
            .filter_map(|a| a.as_expression())
            .any(|a| self.has_decoder(a))
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

    fn check_call(&mut self, c: &CallExpression<'_>) {
        let callee = c.callee.without_parentheses();
        if let Expression::Identifier(id) = callee {
            if id.name == "eval" {
                self.handled.insert(id.span.start);
            }
        }
        // X.constructor(code)(): the JSFuck signature.
        if let Expression::CallExpression(inner) = callee {
            if let Some((_, key)) = self.env.member_view(&inner.callee, self.src, 0) {
                if key.value == "constructor" && !inner.arguments.is_empty() {
                    let detail = "calls the code built by `….constructor(…)`".to_string();
                    self.add(RuleId::ConstructorChain, c.span, Some(&key), detail);
                }
            }
        }
        let Some(sym) = self.resolve(callee) else {
            self.check_merge(c);
            self.check_net_sink(c, None);
            return;
        };
        let path = sym.path.as_str();
        let arg0 = c.arguments.first().and_then(|a| a.as_expression());
        match path {
            "eval.call" | "eval.apply" | "eval.bind" => {
                self.add_sym(RuleId::EvalIndirect, c.span, &sym, String::new())
            }
            "eval" | "execScript" => {
                let folded = arg0.and_then(|a| self.fold(a));
                if folded.as_ref().is_some_and(|f| f.value.trim() == "this") {
                    let detail = "evaluates `this` to find the global object".to_string();
                    self.add(RuleId::FunctionGlobalIdiom, c.span, folded.as_ref(), detail);
                    return;
                }
                if self.check_code_arg(&c.arguments, c.span, "eval") {
                    return;
                }
                if sym.plain && path == "eval" {
                    let shown = folded.or_else(|| {
                        sym.hidden.then(|| Folded {
                            value: "eval".into(),
                            hidden: true,
                            decoded: false,
                        })
                    });
                    self.add(RuleId::EvalDirect, c.span, shown.as_ref(), String::new());
                } else {
                    self.add_sym(RuleId::EvalIndirect, c.span, &sym, String::new());
                }
            }
            "Function"
            | "AsyncFunction"
            | "GeneratorFunction"
            | "AsyncGeneratorFunction"
            | "Function.prototype.constructor"
            | "Function.constructor" => self.function_ctor(&c.arguments, c.span, &sym),
            "Function.apply" | "Function.call" | "Function.bind" => {
                self.function_ctor(&[], c.span, &sym)
            }
            "Reflect.construct" | "Reflect.apply" => match arg0.and_then(|a| self.resolve(a)) {
                Some(s) if s.path == "Function" => self.function_ctor(&[], c.span, &sym),
                Some(s) if s.path == "eval" => {
                    self.add_sym(RuleId::EvalIndirect, c.span, &s, format!("via `{path}`"))
                }
                _ => {}
            },
            "setTimeout" | "setInterval" | "setImmediate" => {
                if arg0.is_some_and(|a| self.stringish(a))
                    && !self.check_code_arg(&c.arguments[..1], c.span, path)
                {
                    {
                        let f = arg0.and_then(|a| self.fold(a));
                        let detail = format!("`{path}` with a string");
                        self.add(RuleId::TimerString, c.span, f.as_ref(), detail);
                    }
                }
            }
            "process.binding" | "process._linkedBinding" | "process.dlopen" => {
                self.add_sym(RuleId::ProcessBinding, c.span, &sym, String::new())
            }
            "process.exit" | "process.kill" | "process.abort" | "process.reallyExit" => {
                self.add_sym(RuleId::ProcessExit, c.span, &sym, String::new())
            }
            "fetch" | "navigator.sendBeacon" | "importScripts" => {
                if self.mentions_secret(&c.arguments) {
                    self.add_sym(RuleId::Exfiltration, c.span, &sym, String::new());
                } else {
                    self.add_sym(RuleId::NetworkFetch, c.span, &sym, String::new());
                }
            }
            "JSON.stringify"
            | "Object.keys"
            | "Object.values"
            | "Object.entries"
            | "Object.assign"
            | "Object.getOwnPropertyNames"
            | "Reflect.ownKeys" => {
                let whole_env = c
                    .arguments
                    .iter()
                    .filter_map(|a| a.as_expression())
                    .any(|a| self.resolve(a).is_some_and(|s| s.path == "process.env"));
                let inside = path == "JSON.stringify" && self.mentions_env(&c.arguments);
                if whole_env || inside {
                    let detail = format!("`{path}` of `process.env`");
                    self.add(RuleId::ProcessEnv, c.span, None, detail);
                }
                if path == "Object.assign" {
                    self.check_builtin_arg(c, &sym);
                }
            }
            "Object.defineProperty"
            | "Object.defineProperties"
            | "Object.setPrototypeOf"
            | "Reflect.defineProperty"
            | "Reflect.setPrototypeOf"
            | "Reflect.set" => self.check_builtin_arg(c, &sym),
            "atob" | "Buffer.from" => {
                if let Some(f) = arg0.and_then(|a| self.fold(a)) {
                    if f.value.len() >= 200 {
                        let detail = format!("decodes a {}-character blob", f.value.len());
                        self.add(RuleId::EncodedBlob, c.span, None, detail);
                    }
                }
            }
            _ if fold::is_require_path(path) => {
                match arg0.and_then(|a| self.fold(a)) {
                    Some(name) => {
                        let name = Folded {
                            hidden: name.hidden || sym.hidden,
                            ..name
                        };
                        self.module_finding(&name, c.span);
                    }
                    None if path == "require" => {
                        self.add(RuleId::RequireDynamic, c.span, None, String::new())
                    }
                    None => {}
                }
                if is_loader_internal(path) {
                    self.add_sym(RuleId::ModuleLoad, c.span, &sym, String::new());
                }
            }
            _ if path.starts_with("module:child_process.") => {
                let detached = c.arguments.iter().any(|a| {
                    matches!(a, Argument::ObjectExpression(o) if o.properties.iter().any(|p| {
                        matches!(p, ObjectPropertyKind::ObjectProperty(p)
                            if p.key.static_name().is_some_and(|n| n == "detached")
                            && matches!(&p.value, Expression::BooleanLiteral(b) if b.value))
                    }))
                });
                let rule = if detached {
                    RuleId::ChildProcessDetached
                } else {
                    RuleId::ChildProcess
                };
                self.add_sym(rule, c.span, &sym, String::new());
            }
            _ if path.starts_with("module:fs.") || path.starts_with("Deno.") => {
                let fs_call = path.contains("read")
                    || path.contains("write")
                    || path.contains("append")
                    || path.contains("open")
                    || path.contains("unlink")
                    || path.contains("rm");
                if fs_call {
                    if let Some(p) = arg0.and_then(|a| self.fold(a)) {
                        if SENSITIVE_PATH.is_match(p.value.as_bytes()) {
                            let detail = format!("`{path}` on `{}`", p.value);
                            self.add(RuleId::SensitivePath, c.span, Some(&p), detail);
                        }
                    }
                }
            }
            _ => {
                if is_loader_internal(path) {
                    self.add_sym(RuleId::ModuleLoad, c.span, &sym, String::new());
                }
                self.check_merge(c);
            }
        }
        self.check_net_sink(c, Some(&sym));
    }

    fn check_net_sink(&mut self, c: &CallExpression<'_>, sym: Option<&Sym>) {
        let net_module = sym.is_some_and(|s| {
            [
                "module:http",
                "module:https",
                "module:net",
                "module:dgram",
                "module:dns",
                "module:tls",
            ]
            .iter()
            .any(|m| s.path.starts_with(m))
        });
        let method = c
            .callee
            .without_parentheses()
            .as_member_expression()
            .and_then(|m| m.static_property_name());
        let sink = net_module || method.is_some_and(|m| NET_SINK_METHODS.contains(&m));
        if sink && !c.arguments.is_empty() && self.mentions_secret(&c.arguments) {
            let detail = format!("`{}` sends secret data", method.unwrap_or("call"));
            self.add(RuleId::Exfiltration, c.span, None, detail);
        }
    }

    fn check_builtin_arg(&mut self, c: &CallExpression<'_>, sym: &Sym) {
        if let Some(t) = c
            .arguments
            .first()
            .and_then(|a| a.as_expression())
            .and_then(|a| self.resolve(a))
        {
            if is_builtin_target(&t.path) && !self.shadowed(&t.path) {
                let detail = format!("`{}` on `{}`", sym.path, t.path);
                self.add_sym(RuleId::BuiltinPrototypeWrite, c.span, &t, detail);
            }
        }
    }

    fn check_merge(&mut self, c: &CallExpression<'_>) {
        let name = match c.callee.without_parentheses() {
            Expression::Identifier(id) => Some(id.name.as_str()),
            e => e
                .as_member_expression()
                .and_then(|m| m.static_property_name()),
        };
        if !name.is_some_and(|n| MERGE_HELPERS.contains(&n)) {
            return;
        }
        for a in c.arguments.iter().filter_map(|a| a.as_expression()) {
            if let Some(p) = self.polluting_payload(a) {
                let detail = "merges a payload that writes `__proto__`".to_string();
                self.add(RuleId::ProtoPollution, c.span, Some(&p), detail);
                return;
            }
        }
    }

    /// `JSON.parse('{"__proto__":…}')`, `'__proto__.x'` paths, `{['__proto__']: …}`.
    fn polluting_payload(&self, e: &Expression) -> Option<Folded> {
        let bad = |s: &str| s.contains("__proto__") || s.contains("constructor.prototype");
        match e.without_parentheses() {
            Expression::CallExpression(c) => {
                let s = self.resolve(&c.callee)?;
                if s.path != "JSON.parse" {
                    return None;
                }
                let f = self.fold(c.arguments.first()?.as_expression()?)?;
                bad(&f.value).then_some(f)
            }
            Expression::ObjectExpression(o) => o.properties.iter().find_map(|p| match p {
                ObjectPropertyKind::ObjectProperty(p) if p.computed => {
                    let f = self.fold(p.key.as_expression()?)?;
                    (f.value == "__proto__").then_some(f)
                }
                _ => None,
            }),
            Expression::ArrayExpression(a) => {
                let first = a.elements.first()?.as_expression()?;
                let f = self.fold(first)?;
                (f.value == "__proto__" || f.value == "constructor").then_some(f)
            }
            other => {
                let f = self.fold(other)?;
                bad(&f.value).then_some(f)
            }
        }
    }

    fn function_ctor(&mut self, args: &[Argument], span: Span, sym: &Sym) {
        if sym.chain {
            // Already reported as `constructor-chain` at the member access.
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

    fn check_new(&mut self, n: &NewExpression<'_>) {
        let Some(sym) = self.resolve(&n.callee) else {
            return;
        };
        match sym.path.as_str() {
            "Function" | "AsyncFunction" | "GeneratorFunction" | "AsyncGeneratorFunction" => {
                self.function_ctor(&n.arguments, n.span, &sym)
            }
            "XMLHttpRequest" | "WebSocket" | "EventSource" => {
                self.add_sym(RuleId::NetworkFetch, n.span, &sym, String::new())
            }
            _ => {}
        }
    }

    fn check_member(&mut self, e: &Expression<'_>) {
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

    fn check_assign(&mut self, a: &AssignmentExpression<'_>) {
        let (AssignmentTarget::StaticMemberExpression(_)
        | AssignmentTarget::ComputedMemberExpression(_)) = &a.left
        else {
            if let AssignmentTarget::AssignmentTargetIdentifier(id) = &a.left {
                let name = id.name.as_str();
                let first = !self.assigned.contains(name);
                if first {
                    self.assigned.insert(name.to_string());
                }
                // `var k; k = 'constructor'`: the first assignment to a name declared without
                // a value (or not at all) is an alias like a declaration; any other makes it
                // unknown.
                let known = self.env.aliases.contains_key(name);
                if first
                    && !known
                    && a.operator == AssignmentOperator::Assign
                    && self.bindings.get(name).copied().unwrap_or(0) <= 1
                {
                    if let Some(v) = self.alias_value(&a.right) {
                        self.env.bind(name, Some(v));
                    }
                } else {
                    self.env.reassigned(name);
                }
            }
            return;
        };
        let Some(m) = a.left.as_member_expression() else {
            return;
        };
        let span = a.span;
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

    /// What a name bound to `init` stands for: a constant string, an array of them, or a
    /// host object.
    fn alias_value(&self, init: &Expression<'_>) -> Option<fold::Alias> {
        if let Some(f) = self.fold(init) {
            // Every use copies the value: keep aliases short so uses stay cheap.
            (f.value.len() <= MAX_ALIAS).then_some(fold::Alias::Str(f))
        } else if let Some(a) = self.env.fold_array_expr(init, self.src) {
            (a.iter().map(String::len).sum::<usize>() <= MAX_ALIAS).then_some(fold::Alias::Arr(a))
        } else {
            self.resolve(init).map(fold::Alias::Sym)
        }
    }

    fn bind_declarator(&mut self, d: &VariableDeclarator<'_>) {
        let Some(init) = &d.init else {
            return;
        };
        match &d.id {
            BindingPattern::BindingIdentifier(id) => {
                let name = id.name.as_str();
                let value = match init.without_parentheses() {
                    Expression::FunctionExpression(f) => f
                        .body
                        .as_ref()
                        .and_then(|b| Env::returned(b))
                        .and_then(|r| self.env.decoder_of(&f.params, r, self.src))
                        .map(fold::Alias::Decoder),
                    Expression::ArrowFunctionExpression(f) => {
                        let ret = match &f.body {
                            ArrowFunctionBody::FunctionBody(b) => Env::returned(b),
                            other => other.as_expression(),
                        };
                        ret.and_then(|r| self.env.decoder_of(&f.params, r, self.src))
                            .map(fold::Alias::Decoder)
                    }
                    _ => self.alias_value(init),
                };
                if self.bindings.get(name).copied().unwrap_or(0) <= 1
                    && self.mentions_secret_expr(init)
                {
                    self.tainted.insert(name.to_string());
                }
                if self.bindings.get(name).copied().unwrap_or(0) <= 1 {
                    if let Some(v) = value {
                        self.env.bind(name, Some(v));
                    }
                }
            }
            BindingPattern::ObjectPattern(p) => {
                // const { constructor: F } = function () {}
                if fold::function_valued(init, &self.env, self.src, 0) {
                    for prop in &p.properties {
                        if prop.key.static_name().is_some_and(|k| k == "constructor") {
                            let detail = "destructures `constructor` from a function".into();
                            self.add(RuleId::ConstructorChain, d.span, None, detail);
                            if let BindingPattern::BindingIdentifier(id) = &prop.value {
                                let sym = Sym {
                                    path: "Function".into(),
                                    hidden: true,
                                    plain: false,
                                    chain: true,
                                };
                                self.env.bind(id.name.as_str(), Some(fold::Alias::Sym(sym)));
                            }
                        }
                    }
                }
                let Some(s) = self.resolve(init) else {
                    return;
                };
                for prop in &p.properties {
                    let (Some(k), BindingPattern::BindingIdentifier(id)) =
                        (prop.key.static_name(), &prop.value)
                    else {
                        continue;
                    };
                    let sym = Sym {
                        path: format!("{}.{}", s.path, k),
                        ..s.clone()
                    };
                    if self.bindings.get(id.name.as_str()).copied().unwrap_or(0) <= 1 {
                        self.env.bind(id.name.as_str(), Some(fold::Alias::Sym(sym)));
                    }
                }
            }
            _ => {}
        }
    }

    /// Whether the root of `path` (e.g. `Promise` in `Promise.prototype`) is a name the code
    /// binds itself (its own `Promise` class or polyfill), so writes to it are not to a builtin.
    fn shadowed(&self, path: &str) -> bool {
        let root = path.split('.').next().unwrap_or(path);
        self.bindings.contains_key(root)
    }

    fn mentions_secret_expr(&self, e: &Expression) -> bool {
        let mut f = self.finder(Want::Secret);
        f.visit_expression(e);
        f.found
    }

    fn ident(&mut self, name: &str, span: Span, binding: bool) {
        self.ident_count += 1;
        for b in name.bytes() {
            self.ident_hist[b.min(127) as usize] += 1;
        }
        self.ident_chars += name.len() as u64;
        if binding && name.starts_with("_0x") && name.len() >= 5 {
            self.hex_names += 1;
            self.first_hex.get_or_insert(span);
        }
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

impl<'a> Visit<'a> for AstScan<'_> {
    fn enter_node(&mut self, kind: AstKind<'a>) {
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

    fn leave_node(&mut self, kind: AstKind<'a>) {
        if let AstKind::BlockStatement(_) | AstKind::FunctionBody(_) = kind {
            self.depth = self.depth.saturating_sub(1);
        }
    }

    fn visit_expression(&mut self, e: &Expression<'a>) {
        match e {
            Expression::ChainExpression(_) => self.check_member(e),
            Expression::CallExpression(c)
                if c.callee
                    .as_member_expression()
                    .and_then(|m| m.static_property_name())
                    == Some("get") =>
            {
                self.check_member(e)
            }
            Expression::NewExpression(n) => self.check_new(n),
            Expression::StaticMemberExpression(_) | Expression::ComputedMemberExpression(_) => {
                self.check_member(e)
            }
            Expression::AssignmentExpression(a) => self.check_assign(a),
            Expression::Identifier(id)
                if id.name == "eval" && !self.handled.contains(&id.span.start) =>
            {
                self.add(
                    RuleId::EvalIndirect,
                    id.span,
                    None,
                    "`eval` used as a value".into(),
                );
            }
            Expression::UnaryExpression(u) => {
                if let Expression::Identifier(id) = u.argument.without_parentheses() {
                    self.handled.insert(id.span.start);
                }
                if u.operator == UnaryOperator::Delete {
                    let target = match u.argument.as_member_expression() {
                        Some(m) => m.object(),
                        None => &u.argument,
                    };
                    if let Some(s) = self.resolve(target) {
                        if s.path.starts_with("require.cache")
                            || s.path.starts_with("module:module._cache")
                        {
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
            Expression::ImportExpression(i) => match self.fold(&i.source) {
                Some(name)
                    if ["data:", "blob:", "http:", "https:"]
                        .iter()
                        .any(|p| name.value.starts_with(p)) =>
                {
                    let detail = "imports code from a URL".to_string();
                    self.add(RuleId::DynamicImport, i.span, Some(&name), detail);
                }
                Some(name) => self.module_finding(&name, i.span),
                None => self.add(RuleId::DynamicImport, i.span, None, String::new()),
            },
            _ => {}
        }
        walk::walk_expression(self, e);
    }

    fn visit_function(&mut self, f: &Function<'a>, flags: oxc_syntax::scope::ScopeFlags) {
        walk::walk_function(self, f, flags);
        if let (Some(id), Some(body)) = (&f.id, &f.body) {
            let name = id.name.as_str();
            if f.is_declaration() && self.bindings.get(name).copied().unwrap_or(0) <= 1 {
                if let Some(k) =
                    Env::returned(body).and_then(|r| self.env.decoder_of(&f.params, r, self.src))
                {
                    self.env.bind(name, Some(fold::Alias::Decoder(k)));
                }
            }
        }
    }

    fn visit_call_expression(&mut self, c: &CallExpression<'a>) {
        // Here rather than in visit_expression: optional calls (`eval?.(x)`) arrive only here.
        self.check_call(c);
        walk::walk_call_expression(self, c);
    }

    fn visit_variable_declarator(&mut self, d: &VariableDeclarator<'a>) {
        walk::walk_variable_declarator(self, d);
        self.bind_declarator(d);
    }

    fn visit_import_declaration(&mut self, it: &ImportDeclaration<'a>) {
        walk::walk_import_declaration(self, it);
        let name = it.source.value.as_str();
        let f = Folded {
            value: name.to_string(),
            hidden: false,
            decoded: false,
        };
        self.module_finding(&f, it.span);
        let module = format!("module:{}", fold::module_name(name));
        if let Some(specs) = &it.specifiers {
            for s in specs {
                let (local, path) = match s {
                    ImportDeclarationSpecifier::ImportSpecifier(s) => {
                        (&s.local, format!("{module}.{}", s.imported.name()))
                    }
                    ImportDeclarationSpecifier::ImportDefaultSpecifier(s) => {
                        (&s.local, module.clone())
                    }
                    ImportDeclarationSpecifier::ImportNamespaceSpecifier(s) => {
                        (&s.local, module.clone())
                    }
                };
                let sym = Sym {
                    path,
                    hidden: false,
                    plain: false,
                    chain: false,
                };
                if self.bindings.get(local.name.as_str()).copied().unwrap_or(0) <= 1 {
                    self.env
                        .bind(local.name.as_str(), Some(fold::Alias::Sym(sym)));
                }
            }
        }
    }

    fn visit_for_in_statement(&mut self, it: &ForInStatement<'a>) {
        if self
            .resolve(&it.right)
            .is_some_and(|s| s.path == "process.env")
        {
            self.add(
                RuleId::ProcessEnv,
                it.span,
                None,
                "enumerates `process.env`".into(),
            );
        }
        walk::walk_for_in_statement(self, it);
    }

    fn visit_spread_element(&mut self, it: &SpreadElement<'a>) {
        if self
            .resolve(&it.argument)
            .is_some_and(|s| s.path == "process.env")
        {
            self.add(
                RuleId::ProcessEnv,
                it.span,
                None,
                "spreads `process.env`".into(),
            );
        }
        walk::walk_spread_element(self, it);
    }

    fn visit_string_literal(&mut self, it: &StringLiteral<'a>) {
        self.string_spans.push((it.span.start, it.span.end));
        let v = it.value.as_str();
        if v.len() >= 5
            && v.len() < 4096
            && v.bytes().any(|b| matches!(b, b'.' | b'/' | b'_'))
            && SENSITIVE_PATH.is_match(v.as_bytes())
        {
            let detail = format!("`{}`", crate::engine::text::truncate(v, 60));
            self.add(RuleId::SensitivePath, it.span, None, detail);
        }
    }

    fn visit_reg_exp_literal(&mut self, it: &RegExpLiteral<'a>) {
        // Regex literals hold text like strings do (locale patterns with ZWNJ, RTL marks).
        self.string_spans.push((it.span.start, it.span.end));
    }

    fn visit_template_literal(&mut self, it: &TemplateLiteral<'a>) {
        for q in &it.quasis {
            self.string_spans.push((q.span.start, q.span.end));
        }
        for q in &it.quasis {
            let v = q.value.cooked.as_ref().map_or("", |c| c.as_str());
            if v.len() >= 5
                && v.len() < 4096
                && v.bytes().any(|b| matches!(b, b'.' | b'/' | b'_'))
                && SENSITIVE_PATH.is_match(v.as_bytes())
            {
                let detail = format!("`{}`", crate::engine::text::truncate(v, 60));
                self.add(RuleId::SensitivePath, q.span, None, detail);
            }
        }
        walk::walk_template_literal(self, it);
    }

    fn visit_binding_identifier(&mut self, it: &BindingIdentifier<'a>) {
        let name = it.name.as_str();
        let repeated = match self.bindings.get_mut(name) {
            Some(n) => {
                *n += 1;
                true
            }
            None => {
                self.bindings.insert(name.to_string(), 1);
                false
            }
        };
        if repeated {
            self.env.reassigned(name);
        }
        self.ident(name, it.span, true);
    }

    fn visit_identifier_reference(&mut self, it: &IdentifierReference<'a>) {
        self.ident(it.name.as_str(), it.span, false);
    }

    fn visit_identifier_name(&mut self, it: &IdentifierName<'a>) {
        // Property names: only the look-alike check (entropy counts bindings and references).
        if !it.name.is_ascii() {
            self.ident(it.name.as_str(), it.span, false);
        }
    }
}

/// What a [`Finder`] looks for inside an expression.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Decoder,
    Secret,
    Env,
}

/// A bounded search inside one expression.
struct Finder<'e, 's> {
    env: &'e Env,
    src: &'s str,
    tainted: &'e FxHashSet<String>,
    want: Want,
    found: bool,
    budget: u32,
}

impl<'a> Visit<'a> for Finder<'_, '_> {
    fn visit_expression(&mut self, e: &Expression<'a>) {
        if self.found || self.budget == 0 {
            return;
        }
        self.budget -= 1;
        let hit = match self.want {
            Want::Decoder => match e {
                Expression::CallExpression(c)
                    if matches!(c.callee.without_parentheses(), Expression::Identifier(i)
                        if matches!(self.env.aliases.get(i.name.as_str()), Some(fold::Alias::Decoder(_)))) =>
                {
                    true
                }
                Expression::CallExpression(c) => {
                    self.env.resolve(&c.callee, self.src).is_some_and(|s| {
                        matches!(
                            s.path.as_str(),
                            "atob"
                                | "Buffer.from"
                                | "String.fromCharCode"
                                | "String.fromCodePoint"
                                | "unescape"
                                | "decodeURIComponent"
                        )
                    })
                }
                _ => false,
            },
            Want::Env => {
                matches!(e, Expression::StaticMemberExpression(_))
                    && self
                        .env
                        .resolve(e, self.src)
                        .is_some_and(|s| s.path == "process.env")
            }
            Want::Secret => match e {
                Expression::Identifier(id) => self.tainted.contains(id.name.as_str()),
                Expression::StaticMemberExpression(_) | Expression::CallExpression(_) => {
                    let callee = match e {
                        Expression::CallExpression(c) => &c.callee,
                        other => other,
                    };
                    self.env.resolve(callee, self.src).is_some_and(|s| {
                        let p = s.path.as_str();
                        p == "process.env"
                            || p == "document.cookie"
                            || p.starts_with("localStorage")
                            || p.starts_with("sessionStorage")
                            || (p.starts_with("module:fs.") && p.contains("read"))
                            || p == "module:os.userInfo"
                    })
                }
                _ => false,
            },
        };
        if hit {
            self.found = true;
            return;
        }
        walk::walk_expression(self, e);
    }
}
