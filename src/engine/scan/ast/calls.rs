//! Calls and `new`: what calling a resolved name means (eval, the Function constructor,
//! timers with strings, process internals, module loading, file system, `import()`). This is
//! the dispatch; code in strings is checked in `code.rs`, network sinks in `network.rs`,
//! merges and path writers given polluting payloads in `pollution.rs`.

use super::fold::{self, Folded, Sym};
use super::{is_builtin_target, AstScan, SENSITIVE_PATH};
use crate::engine::scan::RuleId;
use oxc_ast::ast::*;

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

impl AstScan<'_> {
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
                    value: keys.join(".").into(),
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
                    if path == "fetch.call" {
                        self.set_url_target(args.first());
                    }
                }
            }
            "fetch" | "navigator.sendBeacon" | "importScripts" => {
                if let Some(secret) = self.mentions_secret(&c.arguments) {
                    self.exfiltration(c.span, secret, path);
                } else {
                    self.add_sym(RuleId::NetworkFetch, c.span, &sym, String::new());
                    if path == "fetch" && !sym.hidden {
                        self.set_url_target(c.arguments.first());
                    }
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
                        self.module_finding(&name, c.span, true);
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
                if fs_read_method(path) {
                    let at = arg0
                        .and_then(|a| self.fold(a))
                        .filter(|f| !f.hidden && !f.decoded);
                    let detail = match &at {
                        Some(p) => {
                            format!("reads `{}`", crate::engine::text::truncate(&p.value, 60))
                        }
                        None => "reads a computed path".to_string(),
                    };
                    self.add_sym(RuleId::FsAccess, c.span, &sym, detail);
                    if let Some(r) = self.findings.last_mut() {
                        r.target = Some(crate::engine::scan::Target::FsRead(
                            at.map(|f| f.value.into_string()),
                        ));
                    }
                }
                if let Some(method) = fs_write_method(path) {
                    let detail = format!("writes with `{}`", path.trim_start_matches("module:"));
                    self.add_sym(RuleId::FsAccess, c.span, &sym, detail);
                    if let Some(r) = self.findings.last_mut() {
                        r.target = Some(crate::engine::scan::Target::FsWrite(method.to_string()));
                    }
                }
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
                        value: t.into(),
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
            Some(name) => self.module_finding(&name, i.span, false),
            None => self.add(RuleId::DynamicImport, i.span, None, String::new()),
        }
    }
}

/// The method an `fs` call path names (`writeFileSync`), and it without `Sync`
/// (`writeFile`).
fn fs_method(path: &str) -> Option<(&str, &str)> {
    let rest = path
        .strip_prefix("module:fs.")
        .or_else(|| path.strip_prefix("module:fs/promises."))?;
    let method = rest.rsplit('.').next().unwrap_or(rest);
    Some((method, method.strip_suffix("Sync").unwrap_or(method)))
}

/// The write (or delete) method an `fs` call path names (`module:fs.writeFileSync`,
/// `module:fs.promises.rm`, `module:fs/promises.writeFile`), if it is one.
fn fs_write_method(path: &str) -> Option<&str> {
    let (method, base) = fs_method(path)?;
    const WRITES: [&str; 22] = [
        "writeFile",
        "appendFile",
        "write",
        "writev",
        "mkdir",
        "mkdtemp",
        "rm",
        "rmdir",
        "unlink",
        "rename",
        "copyFile",
        "cp",
        "symlink",
        "link",
        "chmod",
        "chown",
        "lchown",
        "truncate",
        "ftruncate",
        "utimes",
        "createWriteStream",
        "open",
    ];
    WRITES.contains(&base).then_some(method)
}

/// Whether an `fs` call path names a read (`readFileSync`, `promises.readdir`, `statSync`…).
fn fs_read_method(path: &str) -> bool {
    let Some((_, base)) = fs_method(path) else {
        return false;
    };
    const READS: [&str; 11] = [
        "readFile",
        "readdir",
        "stat",
        "lstat",
        "exists",
        "access",
        "readlink",
        "realpath",
        "createReadStream",
        "opendir",
        "read",
    ];
    READS.contains(&base)
}
