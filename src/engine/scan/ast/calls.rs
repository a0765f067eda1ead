//! Calls and `new`: what calling a resolved name means (eval, the Function constructor,
//! timers with strings, process internals, module loading, network sinks, merges of
//! polluting payloads), and the scan of constant code handed to eval / Function / timers.

use super::fold::{self, Folded, Sym};
use super::{is_builtin_target, AstScan, SENSITIVE_PATH};
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;
use oxc_span::Span;

/// How many levels of code-in-strings are scanned (`eval("eval('…')")`).
const MAX_NEST: u8 = 2;

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

    fn check_code_arg(&mut self, args: &[Argument], span: Span, what: &str) -> bool {
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

    pub(super) fn check_call(&mut self, c: &CallExpression<'_>) {
        self.check_packer_shape(c);
        self.check_path_writer_call(c);
        self.check_code_to_opaque_fn(c);
        self.check_form_submit(c);
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
        // `m._compile(code, filename)`: Node's module compiler, whatever `m` is.
        if let Some(m) = callee.as_member_expression() {
            if m.static_property_name() == Some("_compile") && !c.arguments.is_empty() {
                self.vm_run(&c.arguments, c.span, "Module.prototype._compile");
            }
        }
        // `hop(x)` where `hop = (v) => v[K]`: a member read through a helper.
        if let Some(keys) = self.env.getter_keys(c) {
            let n = keys.len();
            let twice = n >= 2 && keys[n - 2] == "constructor" && keys[n - 1] == "constructor";
            let once = n >= 1
                && keys[n - 1] == "constructor"
                && c.arguments
                    .first()
                    .and_then(|a| a.as_expression())
                    .is_some_and(|a| fold::function_valued(a, &self.env, self.src, 0));
            if twice || once {
                let detail = "a helper reads `constructor` off its argument".to_string();
                let ev = [crate::engine::scan::Evidence::ConstructorChain];
                let f = Folded {
                    value: keys.join("."),
                    hidden: true,
                    decoded: false,
                };
                self.add_ev(RuleId::ConstructorChain, c.span, Some(&f), detail, &ev);
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
            // `fetch.call(globalThis, url, init)`: the same request.
            "fetch.call" | "fetch.apply" => {
                let args = c.arguments.get(1..).unwrap_or(&[]);
                if let Some(secret) = self.mentions_secret(args) {
                    self.exfiltration(c.span, secret, path);
                } else {
                    self.add_sym(RuleId::NetworkFetch, c.span, &sym, String::new());
                }
            }
            "fetch" | "navigator.sendBeacon" | "importScripts" => {
                if let Some(secret) = self.mentions_secret(&c.arguments) {
                    self.exfiltration(c.span, secret, path);
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
                    self.check_env_assign(c);
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
            _ if path.starts_with("module:vm.")
                && matches!(
                    path.trim_start_matches("module:vm."),
                    "runInThisContext"
                        | "runInNewContext"
                        | "runInContext"
                        | "compileFunction"
                        | "Script"
                ) =>
            {
                self.vm_run(&c.arguments, c.span, path);
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
            // Other runtimes' process APIs: `Bun.spawn(['sh', …])`, `Deno.run({ cmd })`.
            "Bun.spawn" | "Bun.spawnSync" | "Bun.$" | "Deno.run" => {
                self.add_sym(RuleId::ChildProcess, c.span, &sym, String::new())
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

    /// `parts.reduce((o, p) => (o[p] = o[p] || {}), obj)`: a walk down a key path, counted
    /// for the function it is in.
    fn check_reduce_descent(&mut self, c: &CallExpression<'_>) {
        // `merge(dst[key], src[key])` inside `merge`: recursion one key down.
        if let Expression::Identifier(id) = c.callee.without_parentheses() {
            let own = self
                .env
                .ref_key(id)
                .is_some_and(|k| self.writer_names.last().copied().flatten() == Some(k));
            let down = c.arguments.iter().any(|a| {
                matches!(
                    a.as_expression().map(|e| e.without_parentheses()),
                    Some(Expression::ComputedMemberExpression(_))
                )
            });
            if own && down {
                if let Some(top) = self.writers.last_mut() {
                    top.0 += 1;
                }
            }
        }
        let Some(m) = c.callee.without_parentheses().as_member_expression() else {
            return;
        };
        if m.static_property_name() != Some("reduce") {
            return;
        }
        let Some(Expression::ArrowFunctionExpression(f)) = c
            .arguments
            .first()
            .and_then(|a| a.as_expression())
            .map(|e| e.without_parentheses())
        else {
            return;
        };
        let Some(BindingPattern::BindingIdentifier(acc)) =
            f.params.items.first().map(|p| &p.pattern)
        else {
            return;
        };
        let body = match &f.body {
            ArrowFunctionBody::FunctionBody(b) => super::fold::Env::returned(b),
            other => other.as_expression(),
        };
        let Some(body) = body else {
            return;
        };
        let name = acc.name.as_str();
        let walks = match body.without_parentheses() {
            Expression::AssignmentExpression(a) => a
                .left
                .as_member_expression()
                .is_some_and(|t| matches!(t, MemberExpression::ComputedMemberExpression(cm)
                    if matches!(cm.object.without_parentheses(), Expression::Identifier(o) if o.name == name))),
            Expression::ComputedMemberExpression(cm) => {
                matches!(cm.object.without_parentheses(), Expression::Identifier(o) if o.name == name)
            }
            Expression::LogicalExpression(l) => matches!(l.left.without_parentheses(),
                Expression::ComputedMemberExpression(cm)
                    if matches!(cm.object.without_parentheses(), Expression::Identifier(o) if o.name == name)),
            _ => false,
        };
        if walks {
            if let Some(top) = self.writers.last_mut() {
                top.0 += 1;
            }
        }
    }

    /// `F('return process')()`: code text that reaches for the host handed to a function
    /// value whose origin the code does not show (read off `.constructor`, out of a walk over
    /// keys, a host callback's property, a descriptor's `value`). That is the Function
    /// constructor's signature, however the code got hold of it. Functions the code wrote,
    /// parameters and unbound globals are not such values.
    fn check_code_to_opaque_fn(&mut self, c: &CallExpression<'_>) {
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

    /// `form.submit()` of a form the code built: a request carrying its fields.
    fn check_form_submit(&mut self, c: &CallExpression<'_>) {
        let Some(m) = c.callee.without_parentheses().as_member_expression() else {
            return;
        };
        if !matches!(m.static_property_name(), Some("submit" | "requestSubmit")) {
            return;
        }
        let Expression::Identifier(id) = m.object().without_parentheses() else {
            return;
        };
        let form = self
            .env
            .ref_key(id)
            .and_then(|k| self.elements.get(&k).copied())
            == Some(super::Element::Form);
        if !form {
            return;
        }
        match self.form_secret {
            Some(secret) => self.exfiltration(c.span, secret, "a form the code built"),
            None => {
                let detail = "submits a form the code built".to_string();
                self.add(RuleId::NetworkFetch, c.span, None, detail);
            }
        }
    }

    /// An unguarded path writer of the code's own (deep set, merge, unflatten, query parser)
    /// called with a key path through `__proto__` or `constructor.prototype`.
    fn check_path_writer_call(&mut self, c: &CallExpression<'_>) {
        self.check_reduce_descent(c);
        let Expression::Identifier(id) = c.callee.without_parentheses() else {
            return;
        };
        if !self
            .env
            .ref_key(id)
            .is_some_and(|k| self.path_writers.contains(&k))
        {
            return;
        }
        if c.arguments
            .iter()
            .filter_map(|a| a.as_expression())
            .any(|a| self.polluting_arg(a))
        {
            let detail = format!(
                "`{}` writes key paths unguarded and is given one through the prototype",
                id.name
            );
            let ev = [crate::engine::scan::Evidence::ProtoWrite];
            self.add_ev(RuleId::ProtoPollution, c.span, None, detail, &ev);
        }
    }

    /// `Object.assign(process.env, { LD_PRELOAD: … })`.
    fn check_env_assign(&mut self, c: &CallExpression<'_>) {
        let mut args = c.arguments.iter().filter_map(|a| a.as_expression());
        if args
            .next()
            .and_then(|a| self.resolve(a))
            .is_none_or(|s| s.path != "process.env")
        {
            return;
        }
        for a in args {
            let Expression::ObjectExpression(o) = a.without_parentheses() else {
                continue;
            };
            for p in &o.properties {
                if let ObjectPropertyKind::ObjectProperty(p) = p {
                    if let Some(k) = p
                        .key
                        .static_name()
                        .filter(|k| super::members::is_tamper_var(k))
                    {
                        let detail = format!("sets `{k}`");
                        self.add(RuleId::EnvTamper, c.span, None, detail);
                        return;
                    }
                }
            }
        }
    }

    /// The packer family's call, whatever its parameters are named: an unpacker applied to
    /// (a packed string, a radix, a word count, `'w1|w2|…'.split('|')`, …).
    fn check_packer_shape(&mut self, c: &CallExpression<'_>) {
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

    /// Code run through the vm module or the module compiler; decoded code is evidence.
    fn vm_run(&mut self, args: &[Argument], span: Span, what: &str) {
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
        let member = c.callee.without_parentheses().as_member_expression();
        let method = member.and_then(|m| m.static_property_name());
        // `.send`/`.write`/`.end` count only on a client this code made (a server writing
        // its response is not sending secrets away).
        let client = member.is_some_and(|m| match m.object().without_parentheses() {
            Expression::Identifier(id) => self
                .env
                .ref_key(id)
                .is_some_and(|k| self.clients.contains(&k)),
            other => self.is_client(other),
        });
        let sink = (net_module && method.is_none_or(|m| m != "createServer"))
            || (client && method.is_some_and(|m| NET_SINK_METHODS.contains(&m) || m == "end"))
            || method.is_some_and(|m| m == "sendBeacon");
        if sink && !c.arguments.is_empty() {
            if let Some(secret) = self.mentions_secret(&c.arguments) {
                self.exfiltration(c.span, secret, method.unwrap_or("call"));
            }
        }
    }

    /// Secret data reaches a request: exfiltration; the environment sent away is also the
    /// process access it is.
    pub(super) fn exfiltration(&mut self, span: Span, secret: super::finder::Secret, via: &str) {
        let detail = format!("{} reach `{via}`", secret.name());
        let ev = [crate::engine::scan::Evidence::SecretToNetwork];
        self.add_ev(RuleId::Exfiltration, span, None, detail.clone(), &ev);
        if secret == super::finder::Secret::Env {
            self.add_ev(RuleId::ProcessEnv, span, None, detail, &ev);
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

    pub(super) fn check_new(&mut self, n: &NewExpression<'_>) {
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
            "Deno.Command" => self.add_sym(RuleId::ChildProcess, n.span, &sym, String::new()),
            "module:vm.Script" | "module:vm.SourceTextModule" => {
                self.vm_run(&n.arguments, n.span, &sym.path)
            }
            "Worker" | "SharedWorker" => {
                let arg = n.arguments.first().and_then(|a| a.as_expression());
                if let Some(decoded) = arg.and_then(|a| self.code_url(a)) {
                    let ev: &[crate::engine::scan::Evidence] = if decoded {
                        &[crate::engine::scan::Evidence::Decoded]
                    } else {
                        &[]
                    };
                    let detail = "a worker runs code built as text (a Blob URL)".to_string();
                    self.add_ev(RuleId::DomCodeInjection, n.span, None, detail, ev);
                }
            }
            _ => {}
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

    /// `import(…)`: a constant module name is a module load; a URL or a computed name is a
    /// dynamic import.
    pub(super) fn check_dynamic_import(&mut self, i: &ImportExpression<'_>) {
        match self.fold(&i.source) {
            Some(name) if name.value.starts_with("data:") => {
                // import('data:text/javascript;base64,…'): code from text
                let (meta, body) = name.value.split_once(',').unwrap_or(("", ""));
                let decoded = meta.ends_with(";base64");
                let text = if decoded {
                    crate::engine::scan::decode::decode_base64(body)
                } else {
                    crate::engine::scan::decode::percent_decode(body)
                };
                let ev: &[crate::engine::scan::Evidence] = if decoded {
                    &[crate::engine::scan::Evidence::Decoded]
                } else {
                    &[]
                };
                let detail = "imports code from a data: URL".to_string();
                self.add_ev(RuleId::DomCodeInjection, i.span, Some(&name), detail, ev);
                if let Some(t) = text {
                    let code = Folded {
                        value: t,
                        hidden: true,
                        decoded,
                    };
                    self.scan_code_text(&code, i.span);
                }
            }
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
