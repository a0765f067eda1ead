//! Constant folding and symbolic resolution: what string an expression spells
//! (`'con'+'structor'`, escapes, `String.fromCharCode`, `atob`, `Buffer.from(…).toString()`,
//! `join`, `split('').reverse().join('')`, aliases) and what host object it names
//! (`globalThis['ev'+'al']` → `eval`, `require('child_process').exec`, …).
//!
//! Everything is bounded: folded strings are capped at [`MAX_FOLD`] bytes and recursion at
//! [`MAX_DEPTH`], so hostile input cannot make folding slow.

use super::decode::{decode_base64, decode_hex, percent_decode, Decoder};
use compact_str::CompactString;
use oxc_ast::ast::*;

// The scanner's small name maps hash with rustc-hash's Fx hasher rather than SipHash: keys
// come from the scanned code, but the maps are per scan and bounded by its size, so flooding
// buys nothing over the linear cost of the input itself.
use rustc_hash::FxHashMap;

mod resolve;
mod strings;

/// Longest folded string kept (bytes).
pub(crate) const MAX_FOLD: usize = 4096;
/// Deepest expression folded.
pub(crate) const MAX_DEPTH: u32 = 48;

/// The depth one level below `d`; `None` past [`MAX_DEPTH`].
fn deeper(d: u32) -> Option<u32> {
    (d <= MAX_DEPTH).then_some(d + 1)
}

/// A folded string and whether it was spelled indirectly (anything but a plain literal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub value: CompactString,
    pub hidden: bool,
    /// A run-time decoder (atob, base64/hex Buffer, fromCharCode, unescape) produced it.
    pub decoded: bool,
}

/// What an expression names on the host side: a dotted path from a known root such as
/// `eval`, `process.binding`, `module:child_process.exec` or `Function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sym {
    pub path: CompactString,
    /// Spelled indirectly: through an alias, a computed key that needed folding, or a global
    /// object (`window.eval`).
    pub hidden: bool,
    /// A bare, unaliased identifier (`eval(...)` as opposed to `(0, eval)(...)`).
    pub plain: bool,
    /// Reached through a `.constructor` chain.
    pub chain: bool,
}

/// What a declared name stands for.
#[derive(Debug, Clone)]
pub enum Alias {
    Str(Folded),
    Arr(Vec<String>),
    Sym(Sym),
    /// A one-line decoder function of the code itself (`function d(s){return atob(s)}`).
    Decoder(Decoder),
    /// Declared or assigned more than once: unknown.
    Ambiguous,
}

/// Names that resolve to host objects when not shadowed by an alias.
fn is_root(name: &str) -> bool {
    matches!(
        name,
        "eval"
            | "Function"
            | "process"
            | "require"
            | "module"
            | "Reflect"
            | "Object"
            | "setTimeout"
            | "setInterval"
            | "setImmediate"
            | "execScript"
            | "fetch"
            | "XMLHttpRequest"
            | "WebSocket"
            | "EventSource"
            | "navigator"
            | "Buffer"
            | "JSON"
            | "Array"
            | "String"
            | "Number"
            | "Boolean"
            | "Symbol"
            | "Promise"
            | "RegExp"
            | "Date"
            | "Error"
            | "Math"
            | "Map"
            | "Set"
            | "WeakMap"
            | "document"
            | "localStorage"
            | "sessionStorage"
            | "importScripts"
            | "WebAssembly"
            | "Deno"
            | "Bun"
            | "atob"
            | "unescape"
            | "decodeURIComponent"
            | "decodeURI"
            | "Worker"
            | "SharedWorker"
            | "Blob"
            | "URL"
            | "FormData"
            | "Image"
            | "os"
    )
}

/// Names of the global object itself.
pub(crate) fn is_global_object(name: &str) -> bool {
    matches!(
        name,
        "globalThis" | "window" | "self" | "global" | "frames" | "top" | "parent"
    )
}

/// What a name is keyed by: its symbol under scope analysis (so two bindings of one name in
/// different scopes never share an alias), else a hash of its spelling (top bit set).
pub(crate) type Key = u64;

/// How an identifier reference resolves.
pub(crate) enum Lookup<'e> {
    /// Bound to an alias (a constant, a host object, a decoder).
    Alias(&'e Alias),
    /// A binding of the code's own with no known value (a parameter, a local): never the host
    /// object of the same name.
    Local,
    /// Not bound anywhere in the code: a global, so host names (`eval`, `process`) apply.
    Global,
}

/// The folding and resolution context: aliases collected so far (in source order), and the
/// scope analysis that says which binding each reference reads.
#[derive(Default)]
pub(crate) struct Env<'s> {
    pub aliases: FxHashMap<Key, Alias>,
    scoping: Option<&'s oxc_semantic::Scoping>,
    /// Top-level values the constant evaluator computed (read when no alias is bound).
    seeds: FxHashMap<Key, Alias>,
    /// The constant evaluator, for calls of the code's own helpers.
    eval: Option<&'s dyn super::eval::ConstEval>,
    /// Under scope analysis: how many references write each symbol (by symbol index),
    /// counted in one pass over the references rather than per question.
    write_counts: Vec<u32>,
    /// Symbol keys (see [`Key`]) that have an alias or a seed, one bit each: most references
    /// read a local with neither, and this answers them without probing two hash maps.
    known: Vec<u64>,
    /// Under scope analysis: the names the code binds, gathered on first use.
    bound_names: std::cell::OnceCell<rustc_hash::FxHashSet<&'s str>>,
}

/// [`Env::ref_key`] without an `Env`.
pub(crate) fn ref_key_of(
    scoping: Option<&oxc_semantic::Scoping>,
    id: &IdentifierReference,
) -> Option<Key> {
    let Some(sc) = scoping else {
        return Some(name_key(id.name.as_str()));
    };
    match id.reference_id.get() {
        Some(rid) => sc.get_reference(rid).symbol_id().map(|s| s.index() as Key),
        None => Some(name_key(id.name.as_str())),
    }
}

/// [`Env::binding_key`] without an `Env`.
pub(crate) fn binding_key_of(
    scoping: Option<&oxc_semantic::Scoping>,
    id: &BindingIdentifier,
) -> Key {
    match (scoping, id.symbol_id.get()) {
        (Some(_), Some(sid)) => sid.index() as Key,
        _ => name_key(id.name.as_str()),
    }
}

/// How many references write each symbol, by symbol index: one pass over the references
/// (each resolved reference names its symbol, so these are the counts of
/// `get_resolved_references(s).filter(is_write)`).
fn write_counts(sc: &oxc_semantic::Scoping) -> Vec<u32> {
    let mut counts = vec![0u32; sc.symbols_len()];
    for i in 0..sc.references_len() {
        let r = sc.get_reference(oxc_syntax::reference::ReferenceId::new(i));
        if r.is_write() {
            if let Some(n) = r.symbol_id().and_then(|s| counts.get_mut(s.index())) {
                *n = n.saturating_add(1);
            }
        }
    }
    counts
}

/// The symbol index a key stands for; `None` for a spelling's key (top bit set).
fn symbol_index(key: Key) -> Option<usize> {
    (key >> 63 == 0)
        .then(|| usize::try_from(key).ok())
        .flatten()
}

pub(crate) fn name_key(name: &str) -> Key {
    use std::hash::{BuildHasher, BuildHasherDefault};
    let h = BuildHasherDefault::<rustc_hash::FxHasher>::default().hash_one(name);
    h | (1 << 63)
}

impl<'s> Env<'s> {
    pub(crate) fn new(scoping: Option<&'s oxc_semantic::Scoping>) -> Self {
        Env {
            aliases: FxHashMap::default(),
            scoping,
            seeds: FxHashMap::default(),
            eval: None,
            write_counts: scoping.map(write_counts).unwrap_or_default(),
            bound_names: std::cell::OnceCell::new(),
            known: Vec::new(),
        }
    }

    /// Attaches the constant evaluator and the top-level values it computed.
    pub(crate) fn with_eval(
        mut self,
        eval: &'s dyn super::eval::ConstEval,
        seeds: FxHashMap<Key, Alias>,
    ) -> Self {
        self.eval = Some(eval);
        for &k in seeds.keys() {
            self.mark_known(k);
        }
        self.seeds = seeds;
        self
    }

    /// `f(…)` where `f` is a getter of the code's own (`(p) => p[K]`): the keys it reads.
    pub(crate) fn getter_keys(&self, c: &CallExpression) -> Option<Vec<String>> {
        let ev = self.eval?;
        let Expression::Identifier(id) = c.callee.without_parentheses() else {
            return None;
        };
        ev.getter_keys(self.ref_key(id)?)
    }

    /// Whether scope analysis is on.
    pub(crate) fn scoped(&self) -> bool {
        self.scoping.is_some()
    }

    /// Whether the code binds `name` anywhere (a symbol of that name in any scope), or
    /// `None` without scope analysis.
    pub(crate) fn binds_name(&self, name: &str) -> Option<bool> {
        let sc = self.scoping?;
        Some(
            self.bound_names
                .get_or_init(|| sc.symbol_names().collect())
                .contains(name),
        )
    }

    /// The key of the binding a reference reads; `None` for a global (under scope analysis).
    pub(crate) fn ref_key(&self, id: &IdentifierReference) -> Option<Key> {
        ref_key_of(self.scoping, id)
    }

    /// The key of a binding.
    pub(crate) fn binding_key(&self, id: &BindingIdentifier) -> Key {
        binding_key_of(self.scoping, id)
    }

    /// How many times a binding is written after its declaration (assignments, `++`…), or
    /// `None` without scope analysis.
    pub(crate) fn writes(&self, id: &BindingIdentifier) -> Option<usize> {
        let sc = self.scoping?;
        let sid = id.symbol_id.get()?;
        Some(self.symbol_writes(sid) + sc.symbol_redeclarations(sid).len())
    }

    /// How many references write a symbol.
    fn symbol_writes(&self, sid: oxc_syntax::symbol::SymbolId) -> usize {
        self.write_counts
            .get(sid.index())
            .map_or(0, |&n| n as usize)
    }

    /// How many times the binding a reference reads is written (assignments, `++`…), or
    /// `None` without scope analysis or for a global.
    pub(crate) fn ref_writes(&self, id: &IdentifierReference) -> Option<usize> {
        let sc = self.scoping?;
        let sid = sc.get_reference(id.reference_id.get()?).symbol_id()?;
        Some(self.symbol_writes(sid))
    }

    /// Whether a reference reads a function of the code (a declaration, or a name bound to a
    /// function value), so its `.constructor` is the Function constructor.
    pub(crate) fn function_binding(&self, id: &IdentifierReference) -> bool {
        if let Some(Alias::Sym(s)) = self.alias(id) {
            return s.path == "%Fn" || (s.path == "Function" && s.chain);
        }
        let Some(sc) = self.scoping else {
            return false;
        };
        id.reference_id
            .get()
            .and_then(|r| sc.get_reference(r).symbol_id())
            .is_some_and(|sid| sc.symbol_flags(sid).is_function())
    }

    /// Notes that `key` has an alias or a seed (symbol keys only; a spelling's key is
    /// always looked up).
    fn mark_known(&mut self, key: Key) {
        if let Some(i) = symbol_index(key) {
            let w = i / 64;
            if w >= self.known.len() {
                self.known.resize(w + 1, 0);
            }
            self.known[w] |= 1 << (i % 64);
        }
    }

    /// Whether `key` may have an alias or a seed.
    fn maybe_known(&self, key: Key) -> bool {
        match symbol_index(key) {
            Some(i) => self
                .known
                .get(i / 64)
                .is_some_and(|w| w & (1 << (i % 64)) != 0),
            None => true,
        }
    }

    /// Adds an alias.
    fn insert_alias(&mut self, key: Key, value: Alias) {
        self.mark_known(key);
        self.aliases.insert(key, value);
    }

    /// What a reference stands for.
    pub(crate) fn lookup(&self, id: &IdentifierReference) -> Lookup<'_> {
        match self.ref_key(id) {
            None => Lookup::Global,
            Some(k) => match self
                .maybe_known(k)
                .then(|| self.aliases.get(&k).or_else(|| self.seeds.get(&k)))
                .flatten()
            {
                Some(a) => Lookup::Alias(a),
                None if self.scoping.is_some() => Lookup::Local,
                None => Lookup::Global,
            },
        }
    }

    /// The alias a reference reads, if any.
    pub(crate) fn alias(&self, id: &IdentifierReference) -> Option<&Alias> {
        match self.lookup(id) {
            Lookup::Alias(a) => Some(a),
            _ => None,
        }
    }

    /// Records `name = value`; a second binding of the same key makes it ambiguous.
    pub(crate) fn bind(&mut self, key: Key, name: &str, value: Option<Alias>) {
        match self.aliases.get_mut(&key) {
            Some(a) => *a = Alias::Ambiguous,
            None => {
                if let Some(v) = value {
                    self.insert_alias(key, v);
                } else if self.scoping.is_none()
                    && self.aliases.len() < 100_000
                    && is_root_or_global(name)
                {
                    // A local binding that shadows a host name: no longer that host object
                    // (under scope analysis, the reference resolves to the local instead).
                    self.insert_alias(key, Alias::Ambiguous);
                }
            }
        }
    }

    /// Binds `key` to `value`, replacing what it had (a parameter bound per call site).
    pub(crate) fn set(&mut self, key: Key, value: Alias) {
        if self.aliases.len() < 100_000 {
            self.insert_alias(key, value);
        }
    }

    /// Marks a key as reassigned (unknown from now on) if it was an alias.
    pub(crate) fn reassigned(&mut self, key: Key) {
        if let Some(a) = self.aliases.get_mut(&key) {
            *a = Alias::Ambiguous;
        }
    }
}

/// `this`, `(function () { return this })()`, `Function('return this')()`: the global
/// object at the top level of a script.
pub(crate) fn this_idiom(e: &Expression) -> bool {
    match e.without_parentheses() {
        Expression::ThisExpression(_) => true,
        Expression::CallExpression(c) if c.arguments.is_empty() => {
            match c.callee.without_parentheses() {
                Expression::FunctionExpression(f) => f.body.as_ref().is_some_and(|b| {
                    matches!(b.statements.as_slice(), [Statement::ReturnStatement(r)]
                        if matches!(r.argument.as_ref().map(|a| a.without_parentheses()),
                            Some(Expression::ThisExpression(_))))
                }),
                Expression::CallExpression(inner) => matches!(
                    (inner.callee.without_parentheses(), inner.arguments.first()),
                    (Expression::Identifier(f), Some(Argument::StringLiteral(s)))
                        if f.name == "Function"
                            && s.value.trim().trim_end_matches(';') == "return this"
                ),
                _ => false,
            }
        }
        _ => false,
    }
}

/// The callee path and argument expressions of a call, seeing through `.call(this, …)` and
/// `.apply(this, [ … ])`. Nothing is collected: the arguments are read where they are.
pub(crate) fn call_args<'b, 'a>(
    path: &'b str,
    args: &'b [Argument<'a>],
) -> (&'b str, CallArgs<'b, 'a>) {
    if let Some(p) = path.strip_suffix(".call") {
        return (p, CallArgs::Args(args.get(1..).unwrap_or_default()));
    }
    if let Some(p) = path.strip_suffix(".apply") {
        if let Some(Argument::ArrayExpression(arr)) = args.get(1) {
            return (p, CallArgs::Array(&arr.elements));
        }
        return (p, CallArgs::Args(&[]));
    }
    (path, CallArgs::Args(args))
}

/// The argument expressions of a call as [`call_args`] sees them (spread elements and holes
/// skipped).
#[derive(Clone, Copy)]
pub(crate) enum CallArgs<'b, 'a> {
    Args(&'b [Argument<'a>]),
    Array(&'b [ArrayExpressionElement<'a>]),
}

impl<'b, 'a> CallArgs<'b, 'a> {
    pub(crate) fn iter(self) -> impl Iterator<Item = &'b Expression<'a>> {
        let (args, elements) = match self {
            CallArgs::Args(a) => (a, &[][..]),
            CallArgs::Array(e) => (&[][..], e),
        };
        args.iter()
            .filter_map(|a| a.as_expression())
            .chain(elements.iter().filter_map(|e| e.as_expression()))
    }

    pub(crate) fn first(self) -> Option<&'b Expression<'a>> {
        self.iter().next()
    }

    pub(crate) fn get(self, i: usize) -> Option<&'b Expression<'a>> {
        self.iter().nth(i)
    }
}

/// `o.k` as a symbol: keys of the global object become roots (`window.eval` → `eval`).
pub(crate) fn extend(o: Sym, k: &str, key_hidden: bool) -> Sym {
    // The descriptors of a function's prototype: `.constructor` is the constructor's
    // descriptor, whose `.value` is the Function constructor.
    match (o.path.as_str(), k) {
        ("%FnDescs", "constructor") => {
            return Sym {
                path: "%FnDesc".into(),
                ..o
            }
        }
        ("%FnDesc", "value" | "get") => {
            return Sym {
                path: "Function".into(),
                hidden: true,
                plain: false,
                chain: true,
            }
        }
        ("%Fn", "constructor") => {
            return Sym {
                path: "Function".into(),
                hidden: true,
                plain: false,
                chain: true,
            }
        }
        _ => {}
    }
    if is_global_object(&o.path) {
        // `window.fetch` spelled plainly is feature detection or plain use, not hiding;
        // `window['ev' + 'al']` or an alias of the global (`g.eval`) is.
        return Sym {
            path: k.into(),
            hidden: key_hidden || o.hidden,
            plain: false,
            chain: false,
        };
    }
    let mut path = o.path;
    if path.len() + k.len() <= 256 {
        path.push('.');
        path.push_str(k);
    }
    Sym {
        path,
        hidden: o.hidden || key_hidden,
        plain: false,
        chain: o.chain,
    }
}

/// Whether resolving `e` can name a path whose last key is one of `keys`. A plainly spelled
/// `o.k` names a path that ends in `k` (or `Function` and the descriptor stand-ins, which no
/// caller looks for), so for any other `k` the answer is no without resolving anything.
pub(crate) fn may_name(e: &Expression, src: &str, keys: &[&str]) -> bool {
    plain_static_key(e, src).is_none_or(|(_, k)| keys.contains(&k))
}

/// The object and key of `o.k` when `e` is one spelled plainly (no escapes in the key).
pub(crate) fn plain_static_key<'b, 'a>(
    e: &'b Expression<'a>,
    src: &str,
) -> Option<(&'b Expression<'a>, &'b str)> {
    match e.as_member_expression()? {
        m @ MemberExpression::StaticMemberExpression(_) => Some((m.object(), cheap_key(m, src)?)),
        _ => None,
    }
}

/// The key of `o.k` or `o['k']` without allocating, when it is spelled plainly.
pub(crate) fn cheap_key<'a>(m: &'a MemberExpression, src: &str) -> Option<&'a str> {
    match m {
        MemberExpression::StaticMemberExpression(s) => {
            let name = s.property.name.as_str();
            (raw(src, s.property.span).len() == name.len()).then_some(name)
        }
        MemberExpression::ComputedMemberExpression(c) => match &c.expression {
            Expression::StringLiteral(s) if !raw(src, s.span).contains('\\') => {
                Some(s.value.as_str())
            }
            _ => None,
        },
        MemberExpression::PrivateFieldExpression(_) => None,
    }
}

fn is_root_or_global(name: &str) -> bool {
    is_root(name) || is_global_object(name)
}

/// `require`, `module.require`, `process.mainModule.require`, `module.constructor._load`…
pub(crate) fn is_require_path(p: &str) -> bool {
    matches!(
        p,
        "require"
            | "module.require"
            | "process.mainModule.require"
            | "module.constructor._load"
            | "module:module._load"
            | "module:module.createRequire"
            | "process.getBuiltinModule"
    )
}

/// Module name without the `node:` prefix.
pub(crate) fn module_name(s: &str) -> &str {
    s.strip_prefix("node:").unwrap_or(s)
}

/// True when `e` certainly evaluates to a function (so `e.constructor` is `Function` or one of
/// its async/generator siblings): function/arrow/class expressions, `X.constructor` itself,
/// `Object.getPrototypeOf(fn)`, empty array/string literals' methods (`[].filter`).
pub(crate) fn function_valued(e: &Expression, env: &Env<'_>, src: &str, d: u32) -> bool {
    if d > MAX_DEPTH {
        return false;
    }
    match e.without_parentheses() {
        Expression::FunctionExpression(_)
        | Expression::ArrowFunctionExpression(_)
        | Expression::ClassExpression(_) => true,
        Expression::Identifier(id) => env.function_binding(id),
        Expression::CallExpression(c)
            if env
                .member_view(e, src, d + 1)
                .is_some_and(|(_, k)| k.value == "constructor") =>
        {
            true
        }
        Expression::CallExpression(c) => {
            may_name(&c.callee, src, &["getPrototypeOf", "call", "apply"])
                && env.resolve_d(&c.callee, src, d + 1).is_some_and(|s| {
                    let (path, args) = call_args(&s.path, &c.arguments);
                    matches!(path, "Object.getPrototypeOf" | "Reflect.getPrototypeOf")
                        && args
                            .first()
                            .is_some_and(|a| function_valued(a, env, src, d + 1))
                })
        }
        other => {
            // `o.k` spelled plainly (most member expressions): no copy of the key.
            if let Some((obj, k)) = plain_static_key(other, src)
                .filter(|(_, k)| !matches!(*k, "constructor" | "__proto__" | "value"))
            {
                return literal_method(obj, k);
            }
            let Some((obj, key)) = env.member_view(other, src, d + 1) else {
                return false;
            };
            match key.value.as_str() {
                "constructor" => true,
                "__proto__" => function_valued(obj, env, src, d + 1),
                k => literal_method(obj, k),
            }
        }
    }
}

/// `[].filter`, `''.sub`, `(0).toFixed`: methods of literals are functions.
fn literal_method(obj: &Expression, key: &str) -> bool {
    matches!(
        obj.without_parentheses(),
        Expression::ArrayExpression(_)
            | Expression::StringLiteral(_)
            | Expression::TemplateLiteral(_)
            | Expression::NumericLiteral(_)
            | Expression::BooleanLiteral(_)
            | Expression::ObjectExpression(_)
    ) && !matches!(key, "length" | "prototype")
}

/// The kind of function whose constructor `e.constructor` reaches (for messages).
pub(crate) fn function_kind(e: &Expression) -> &'static str {
    let f = match e.without_parentheses() {
        Expression::FunctionExpression(f) => (f.r#async, f.generator),
        Expression::ArrowFunctionExpression(a) => (a.r#async, false),
        Expression::CallExpression(c) => {
            return c
                .arguments
                .first()
                .and_then(|a| a.as_expression())
                .map_or("Function", function_kind)
        }
        _ => (false, false),
    };
    match f {
        (true, true) => "AsyncGeneratorFunction",
        (true, false) => "AsyncFunction",
        (false, true) => "GeneratorFunction",
        _ => "Function",
    }
}

/// The source text of a span (empty when out of range).
pub(crate) fn raw(src: &str, span: oxc_span::Span) -> &str {
    src.get(span.start as usize..span.end as usize)
        .unwrap_or("")
}

/// `null`, `undefined`, `void 0`.
fn null_like(e: &Expression) -> bool {
    match e.without_parentheses() {
        Expression::NullLiteral(_) => true,
        Expression::Identifier(id) => id.name == "undefined",
        Expression::UnaryExpression(u) => u.operator == oxc_syntax::operator::UnaryOperator::Void,
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use oxc_ast_visit::{walk, Visit};

    /// The key and resolved path of every plainly spelled `o.k` in `src`, with scope analysis
    /// and the constant evaluator as the scanner runs them.
    fn resolved_members(src: &str) -> Vec<(String, Option<String>)> {
        struct Members<'e, 's> {
            env: &'e Env<'s>,
            src: &'e str,
            out: Vec<(String, Option<String>)>,
        }
        impl<'a> Visit<'a> for Members<'_, '_> {
            fn visit_expression(&mut self, e: &Expression<'a>) {
                if let Some((_, k)) = plain_static_key(e, self.src) {
                    let path = self.env.resolve(e, self.src).map(|s| s.path.to_string());
                    self.out.push((k.to_string(), path));
                }
                walk::walk_expression(self, e);
            }
        }
        let alloc = oxc_allocator::Allocator::default();
        let ret = oxc_parser::Parser::new(&alloc, src, oxc_span::SourceType::mjs()).parse();
        assert!(!ret.diagnostics.has_errors(), "{src}");
        let sem = oxc_semantic::SemanticBuilder::new()
            .build(&ret.program)
            .semantic;
        let ev = super::super::eval::Evaluator::new(
            &ret.program,
            Some(sem.scoping()),
            super::super::eval::Budget::for_source(src.len()),
        );
        let env = Env::new(Some(sem.scoping())).with_eval(&ev, ev.seeds());
        let mut v = Members {
            env: &env,
            src,
            out: Vec::new(),
        };
        v.visit_program(&ret.program);
        v.out
    }

    #[test]
    fn a_plain_member_names_a_path_ending_in_its_key() {
        // what `may_name` relies on: `o.k` resolves to nothing, to a path whose last key is
        // `k`, or to the Function constructor and its descriptors' stand-ins
        let src = r#"
            const g = globalThis, w = typeof window !== 'undefined' ? window : self;
            const cp = require('child_process'), { promises } = require('fs');
            const d = Object.getOwnPropertyDescriptor(function () {}, 'constructor');
            const ds = Object.getOwnPropertyDescriptors(Object.getPrototypeOf(function () {}));
            g.eval; w.atob; window.String.fromCharCode; cp.exec; promises.readFile;
            process.env.HOME; process.mainModule.require; require.cache; module.constructor._load;
            d.value; d.get; ds.constructor.value; (function () {}).constructor;
            String.fromCharCode.apply; Reflect.get; Object.getPrototypeOf.call; x.y.z;
            Function.prototype.bind.call; new Function('a').constructor; [].filter.constructor;
        "#;
        let members = resolved_members(src);
        assert!(members.len() > 30, "{members:?}");
        let mut named = 0;
        for (k, path) in &members {
            let Some(p) = path else { continue };
            named += 1;
            let last = p.rsplit('.').next().unwrap_or(p);
            assert!(
                last == k || matches!(p.as_str(), "Function" | "%FnDesc" | "%FnDescs"),
                "`.{k}` resolved to `{p}`"
            );
        }
        assert!(named > 20, "{members:?}");
    }

    /// `may_name` on `o.k` for a plain key.
    fn may_name_key(k: &str, keys: &[&str]) -> bool {
        let src = format!("o.{k};");
        let alloc = oxc_allocator::Allocator::default();
        let ret = oxc_parser::Parser::new(&alloc, &src, oxc_span::SourceType::mjs()).parse();
        let Some(Statement::ExpressionStatement(s)) = ret.program.body.first() else {
            return false;
        };
        may_name(&s.expression, &src, keys)
    }

    #[test]
    fn may_name_passes_over_only_plain_keys_not_looked_for() {
        assert!(may_name_key("atob", &["atob", "apply"]));
        assert!(!may_name_key("map", &["atob", "apply"]));
        // anything but a plainly spelled static key is always resolved
        for (src, want) in [
            ("o['map'];", true),
            ("o?.map;", true),
            ("f();", true),
            (r"o.\u0061tob;", true),
        ] {
            let alloc = oxc_allocator::Allocator::default();
            let ret = oxc_parser::Parser::new(&alloc, src, oxc_span::SourceType::mjs()).parse();
            let Some(Statement::ExpressionStatement(s)) = ret.program.body.first() else {
                panic!("{src}");
            };
            assert_eq!(may_name(&s.expression, src, &["atob"]), want, "{src}");
        }
    }
}
