//! Constant folding and symbolic resolution: what string an expression spells
//! (`'con'+'structor'`, escapes, `String.fromCharCode`, `atob`, `Buffer.from(…).toString()`,
//! `join`, `split('').reverse().join('')`, aliases) and what host object it names
//! (`globalThis['ev'+'al']` → `eval`, `require('child_process').exec`, …).
//!
//! Everything is bounded: folded strings are capped at [`MAX_FOLD`] bytes and recursion at
//! [`MAX_DEPTH`], so hostile input cannot make folding slow.

use super::decode::{decode_base64, decode_hex, percent_decode, Decoder};
use oxc_ast::ast::*;

// The scanner's small name maps hash with rustc-hash's Fx hasher rather than SipHash: keys
// come from the scanned code, but the maps are per scan and bounded by its size, so flooding
// buys nothing over the linear cost of the input itself.
use rustc_hash::FxHashMap;

/// Longest folded string kept (bytes).
pub(crate) const MAX_FOLD: usize = 4096;
/// Deepest expression folded.
pub(crate) const MAX_DEPTH: u32 = 48;

/// A folded string and whether it was spelled indirectly (anything but a plain literal).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Folded {
    pub value: String,
    pub hidden: bool,
    /// A run-time decoder (atob, base64/hex Buffer, fromCharCode, unescape) produced it.
    pub decoded: bool,
}

/// What an expression names on the host side: a dotted path from a known root such as
/// `eval`, `process.binding`, `module:child_process.exec` or `Function`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sym {
    pub path: String,
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
        }
    }

    /// Attaches the constant evaluator and the top-level values it computed.
    pub(crate) fn with_eval(
        mut self,
        eval: &'s dyn super::eval::ConstEval,
        seeds: FxHashMap<Key, Alias>,
    ) -> Self {
        self.eval = Some(eval);
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
        Some(
            sc.get_resolved_references(sid)
                .filter(|r| r.is_write())
                .count()
                + sc.symbol_redeclarations(sid).len(),
        )
    }

    /// How many times the binding a reference reads is written (assignments, `++`…), or
    /// `None` without scope analysis or for a global.
    pub(crate) fn ref_writes(&self, id: &IdentifierReference) -> Option<usize> {
        let sc = self.scoping?;
        let sid = sc.get_reference(id.reference_id.get()?).symbol_id()?;
        Some(
            sc.get_resolved_references(sid)
                .filter(|r| r.is_write())
                .count(),
        )
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

    /// What a reference stands for.
    pub(crate) fn lookup(&self, id: &IdentifierReference) -> Lookup<'_> {
        match self.ref_key(id) {
            None => Lookup::Global,
            Some(k) => match self.aliases.get(&k).or_else(|| self.seeds.get(&k)) {
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
                    self.aliases.insert(key, v);
                } else if self.scoping.is_none()
                    && self.aliases.len() < 100_000
                    && is_root_or_global(name)
                {
                    // A local binding that shadows a host name: no longer that host object
                    // (under scope analysis, the reference resolves to the local instead).
                    self.aliases.insert(key, Alias::Ambiguous);
                }
            }
        }
    }

    /// Binds `key` to `value`, replacing what it had (a parameter bound per call site).
    pub(crate) fn set(&mut self, key: Key, value: Alias) {
        if self.aliases.len() < 100_000 {
            self.aliases.insert(key, value);
        }
    }

    /// Marks a key as reassigned (unknown from now on) if it was an alias.
    pub(crate) fn reassigned(&mut self, key: Key) {
        if let Some(a) = self.aliases.get_mut(&key) {
            *a = Alias::Ambiguous;
        }
    }

    /// Folds `e` to a constant string, if it is one.
    pub(crate) fn fold(&self, e: &Expression, src: &str) -> Option<Folded> {
        self.fold_d(e, src, 0)
    }

    fn fold_d(&self, e: &Expression, src: &str, d: u32) -> Option<Folded> {
        if d > MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        match e {
            Expression::StringLiteral(s) => Some(Folded {
                value: s.value.as_str().to_string(),
                hidden: raw(src, s.span).contains('\\'),
                decoded: false,
            }),
            Expression::NumericLiteral(n) => {
                let v = n.value;
                (v.fract() == 0.0 && v.abs() < 1e15).then(|| Folded {
                    value: format!("{}", v as i64),
                    hidden: false,
                    decoded: false,
                })
            }
            Expression::TemplateLiteral(t) => {
                let mut out = String::new();
                let mut hidden = !t.expressions.is_empty();
                let mut decoded = false;
                for (i, q) in t.quasis.iter().enumerate() {
                    let cooked = q.value.cooked.as_ref()?;
                    if q.value.raw.as_str().contains('\\') {
                        hidden = true;
                    }
                    out.push_str(cooked.as_str());
                    if let Some(x) = t.expressions.get(i) {
                        let f = self.fold_d(x, src, d)?;
                        decoded |= f.decoded;
                        out.push_str(&f.value);
                    }
                    if out.len() > MAX_FOLD {
                        return None;
                    }
                }
                Some(Folded {
                    value: out,
                    hidden,
                    decoded,
                })
            }
            Expression::BinaryExpression(b) if b.operator == BinaryOperator::Addition => {
                let l = self.fold_d(&b.left, src, d)?;
                let r = self.fold_d(&b.right, src, d)?;
                if l.value.len() + r.value.len() > MAX_FOLD {
                    return None;
                }
                Some(Folded {
                    value: l.value + &r.value,
                    hidden: true,
                    decoded: l.decoded || r.decoded,
                })
            }
            Expression::ParenthesizedExpression(p) => self.fold_d(&p.expression, src, d),
            Expression::SequenceExpression(s) => self.fold_d(s.expressions.last()?, src, d),
            Expression::Identifier(id) => match self.alias(id)? {
                Alias::Str(f) => Some(Folded {
                    hidden: true,
                    ..f.clone()
                }),
                _ => None,
            },
            Expression::CallExpression(c) => self.fold_call(c, src, d),
            // T[3] with T a constant table
            Expression::ComputedMemberExpression(m) => {
                let i: usize = self.fold_d(&m.expression, src, d)?.value.parse().ok()?;
                let table = self.fold_array(&m.object, src, d)?;
                let v = table.get(i)?.clone();
                Some(Folded {
                    value: v,
                    hidden: true,
                    decoded: false,
                })
            }
            _ => None,
        }
    }

    /// Folds a call (`atob('…')`, a decoder of the code's own applied to a constant).
    pub(crate) fn fold_call_expr(&self, c: &CallExpression, src: &str) -> Option<Folded> {
        self.fold_call(c, src, 0)
    }

    fn fold_call(&self, c: &CallExpression, src: &str, d: u32) -> Option<Folded> {
        let args = &c.arguments;
        let arg = |i: usize| args.get(i).and_then(|a| a.as_expression());
        let hidden = |value: String, decoded: bool| {
            (value.len() <= MAX_FOLD).then_some(Folded {
                value,
                hidden: true,
                decoded,
            })
        };
        let callee = c.callee.without_parentheses();
        if let Expression::Identifier(id) = callee {
            if let Some(Alias::Decoder(k)) = self.alias(id) {
                let v = self.fold_d(arg(0)?, src, d)?;
                return hidden(k.apply(&v.value)?, true);
            }
            // A helper of the code's own, run by the constant evaluator on constant arguments.
            if let (Some(ev), Some(key)) = (self.eval, self.ref_key(id)) {
                let args: Vec<super::eval::Arg> = args
                    .iter()
                    .map(
                        |a| match a.as_expression().map(|e| e.without_parentheses()) {
                            Some(Expression::NumericLiteral(n)) => super::eval::Arg::Num(n.value),
                            Some(e @ Expression::Identifier(i)) => match self.fold_d(e, src, d) {
                                Some(f) => super::eval::Arg::Str(f.value),
                                None => self
                                    .ref_key(i)
                                    .map_or(super::eval::Arg::Unknown, super::eval::Arg::Ref),
                            },
                            Some(e) => self
                                .fold_d(e, src, d)
                                .map_or(super::eval::Arg::Unknown, |f| {
                                    super::eval::Arg::Str(f.value)
                                }),
                            None => super::eval::Arg::Unknown,
                        },
                    )
                    .collect();
                if let Some(v) = ev.call_str(key, &args) {
                    return hidden(v, true);
                }
            }
        }
        // atob(x), window.atob(x)
        if let Some(s) = self.resolve_d(callee, src, d) {
            match s.path.as_str() {
                "atob" => {
                    let v = self.fold_d(arg(0)?, src, d)?;
                    return hidden(decode_base64(&v.value)?, true);
                }
                "String.fromCharCode" | "String.fromCodePoint" => {
                    let mut out = String::new();
                    for a in args.iter() {
                        let n = self.fold_d(a.as_expression()?, src, d)?;
                        let n: u32 = n.value.parse().ok()?;
                        out.push(char::from_u32(n)?);
                        if out.len() > MAX_FOLD {
                            return None;
                        }
                    }
                    return hidden(out, true);
                }
                "unescape" | "decodeURIComponent" | "decodeURI" => {
                    let v = self.fold_d(arg(0)?, src, d)?;
                    return hidden(percent_decode(&v.value)?, true);
                }
                // String.fromCharCode.apply(String, codes)
                "String.fromCharCode.apply" | "String.fromCodePoint.apply" => {
                    let mut out = String::new();
                    for n in self.fold_array(arg(1)?, src, d)? {
                        let n: u32 = n.parse().ok()?;
                        out.push(char::from_u32(n)?);
                        if out.len() > MAX_FOLD {
                            return None;
                        }
                    }
                    return hidden(out, true);
                }
                _ => {}
            }
        }
        let Some(m) = callee.as_member_expression() else {
            if let Expression::Identifier(id) = callee {
                if matches!(id.name.as_str(), "unescape" | "decodeURIComponent") {
                    let v = self.fold_d(arg(0)?, src, d)?;
                    return hidden(percent_decode(&v.value)?, true);
                }
            }
            return None;
        };
        let method = m.static_property_name()?;
        let obj = m.object().without_parentheses();
        match method {
            "join" => {
                let parts = self.fold_array(obj, src, d)?;
                let sep = match arg(0) {
                    Some(a) => self.fold_d(a, src, d)?.value,
                    None => ",".to_string(),
                };
                let out = parts.join(&sep);
                hidden(out, false)
            }
            "toString" => {
                // Buffer.from(x, 'base64' | 'hex').toString()
                let Expression::CallExpression(inner) = obj else {
                    let v = self.fold_d(obj, src, d)?;
                    return hidden(v.value, v.decoded);
                };
                let s = self.resolve_d(&inner.callee, src, d)?;
                if s.path != "Buffer.from" {
                    return None;
                }
                let data = self.fold_d(inner.arguments.first()?.as_expression()?, src, d)?;
                let enc = match inner.arguments.get(1) {
                    Some(a) => self.fold_d(a.as_expression()?, src, d)?.value,
                    None => "utf8".to_string(),
                };
                let out = match enc.as_str() {
                    "base64" | "base64url" => decode_base64(&data.value)?,
                    "hex" => decode_hex(&data.value)?,
                    "utf8" | "utf-8" | "latin1" | "ascii" => data.value,
                    _ => return None,
                };
                hidden(out, true)
            }
            "toLowerCase" | "toUpperCase" | "trim" => {
                let v = self.fold_d(obj, src, d)?;
                let out = match method {
                    "toLowerCase" => v.value.to_lowercase(),
                    "toUpperCase" => v.value.to_uppercase(),
                    _ => v.value.trim().to_string(),
                };
                hidden(out, v.decoded)
            }
            "concat" => {
                let mut v = self.fold_d(obj, src, d)?;
                for a in args.iter() {
                    v.value
                        .push_str(&self.fold_d(a.as_expression()?, src, d)?.value);
                    if v.value.len() > MAX_FOLD {
                        return None;
                    }
                }
                hidden(v.value, v.decoded)
            }
            "slice" | "substring" | "substr" => {
                let v = self.fold_d(obj, src, d)?;
                let chars: Vec<char> = v.value.chars().collect();
                let len = chars.len() as i64;
                let num = |i: usize| -> Option<Option<i64>> {
                    match arg(i) {
                        None => Some(None),
                        Some(a) => Some(Some(self.fold_d(a, src, d)?.value.parse().ok()?)),
                    }
                };
                let a = num(0)?.unwrap_or(0);
                let b = num(1)?;
                let clamp = |x: i64| x.clamp(0, len) as usize;
                let (s, e) = match method {
                    "slice" => {
                        let n = |x: i64| if x < 0 { clamp(len + x) } else { clamp(x) };
                        (n(a), n(b.unwrap_or(len)))
                    }
                    "substring" => {
                        let (x, y) = (clamp(a), clamp(b.unwrap_or(len)));
                        (x.min(y), x.max(y))
                    }
                    _ => {
                        let s = if a < 0 { clamp(len + a) } else { clamp(a) };
                        (s, clamp(s as i64 + b.unwrap_or(len)))
                    }
                };
                let out: String = chars.get(s..e.max(s))?.iter().collect();
                hidden(out, v.decoded)
            }
            _ => None,
        }
    }

    /// Folds an array of constant strings: literals, aliases, `s.split(sep)`, `.reverse()`.
    fn fold_array(&self, e: &Expression, src: &str, d: u32) -> Option<Vec<String>> {
        if d > MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        match e.without_parentheses() {
            Expression::ArrayExpression(a) => {
                let mut out = Vec::with_capacity(a.elements.len());
                let mut total = 0;
                for el in &a.elements {
                    let v = self.fold_d(el.as_expression()?, src, d)?.value;
                    total += v.len();
                    if total > MAX_FOLD {
                        return None;
                    }
                    out.push(v);
                }
                Some(out)
            }
            Expression::Identifier(id) => match self.alias(id)? {
                Alias::Arr(v) => Some(v.clone()),
                _ => None,
            },
            Expression::CallExpression(c) => {
                let m = c.callee.as_member_expression()?;
                let obj = m.object();
                match m.static_property_name()? {
                    "split" => {
                        let s = self.fold_d(obj, src, d)?.value;
                        let sep = self
                            .fold_d(c.arguments.first()?.as_expression()?, src, d)?
                            .value;
                        Some(if sep.is_empty() {
                            s.chars().map(String::from).collect()
                        } else {
                            s.split(sep.as_str()).map(String::from).collect()
                        })
                    }
                    "reverse" => {
                        let mut v = self.fold_array(obj, src, d)?;
                        v.reverse();
                        Some(v)
                    }
                    "slice" | "concat" if c.arguments.is_empty() => self.fold_array(obj, src, d),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// Recognises a one-parameter function whose only statement returns a decoding of the
    /// parameter: `atob(p)`, `Buffer.from(p, 'hex'|'base64').toString()`,
    /// `p.split('').reverse().join('')`.
    pub(crate) fn decoder_of(
        &self,
        params: &FormalParameters,
        ret: &Expression,
        src: &str,
    ) -> Option<Decoder> {
        let [param] = params.items.as_slice() else {
            return None;
        };
        let BindingPattern::BindingIdentifier(p) = &param.pattern else {
            return None;
        };
        let is_p = |e: &Expression| matches!(e.without_parentheses(), Expression::Identifier(i) if i.name == p.name);
        let Expression::CallExpression(c) = ret.without_parentheses() else {
            return None;
        };
        let arg0 = c.arguments.first().and_then(|a| a.as_expression());
        if self
            .resolve(&c.callee, src)
            .is_some_and(|s| s.path == "atob")
            && arg0.is_some_and(is_p)
        {
            return Some(Decoder::Base64);
        }
        let m = c.callee.as_member_expression()?;
        match m.static_property_name()? {
            "toString" => {
                let Expression::CallExpression(inner) = m.object().without_parentheses() else {
                    return None;
                };
                if self.resolve(&inner.callee, src)?.path != "Buffer.from" {
                    return None;
                }
                if !inner.arguments.first()?.as_expression().is_some_and(is_p) {
                    return None;
                }
                match self
                    .fold(inner.arguments.get(1)?.as_expression()?, src)?
                    .value
                    .as_str()
                {
                    "hex" => Some(Decoder::Hex),
                    "base64" | "base64url" => Some(Decoder::Base64),
                    _ => None,
                }
            }
            "join" => {
                // p.split('').reverse().join('')
                let Expression::CallExpression(rev) = m.object().without_parentheses() else {
                    return None;
                };
                let rm = rev.callee.as_member_expression()?;
                let Expression::CallExpression(split) = rm.object().without_parentheses() else {
                    return None;
                };
                let sm = split.callee.as_member_expression()?;
                (rm.static_property_name()? == "reverse"
                    && sm.static_property_name()? == "split"
                    && is_p(sm.object()))
                .then_some(Decoder::Reverse)
            }
            _ => None,
        }
    }

    /// The expression a one-statement function body returns.
    pub(crate) fn returned<'b, 'a>(body: &'b FunctionBody<'a>) -> Option<&'b Expression<'a>> {
        match body.statements.as_slice() {
            [Statement::ReturnStatement(r)] => r.argument.as_ref(),
            [Statement::ExpressionStatement(e)] => Some(&e.expression),
            _ => None,
        }
    }

    /// Public entry for array folding (used to record array aliases).
    pub(crate) fn fold_array_expr(&self, e: &Expression, src: &str) -> Option<Vec<String>> {
        self.fold_array(e, src, 0)
    }

    /// The property key of a member-like expression, folded.
    pub(crate) fn member_key(&self, m: &MemberExpression, src: &str, d: u32) -> Option<Folded> {
        match m {
            MemberExpression::StaticMemberExpression(s) => Some(Folded {
                value: s.property.name.as_str().to_string(),
                hidden: raw(src, s.property.span).contains('\\'),
                decoded: false,
            }),
            MemberExpression::ComputedMemberExpression(c) => self.fold_d(&c.expression, src, d),
            MemberExpression::PrivateFieldExpression(_) => None,
        }
    }

    /// A member-like view of `e`: `o.k`, `o[k]`, `Reflect.get(o, k)` and
    /// `Object.getOwnPropertyDescriptor(o, k).value` all give `(o, k)`.
    pub(crate) fn member_view<'b, 'a>(
        &self,
        e: &'b Expression<'a>,
        src: &str,
        d: u32,
    ) -> Option<(&'b Expression<'a>, Folded)> {
        let e = e.without_parentheses();
        let member = match e {
            Expression::ChainExpression(ch) => ch.expression.as_member_expression(),
            other => other.as_member_expression(),
        };
        if let Some(m) = member {
            let key = self.member_key(m, src, d)?;
            // Object.getOwnPropertyDescriptor(o, k).value
            if key.value == "value" {
                if let Expression::CallExpression(c) = m.object().without_parentheses() {
                    if self.resolve_d(&c.callee, src, d).is_some_and(|s| {
                        matches!(
                            s.path.as_str(),
                            "Object.getOwnPropertyDescriptor" | "Reflect.getOwnPropertyDescriptor"
                        )
                    }) {
                        let o = c.arguments.first()?.as_expression()?;
                        let k = self.fold_d(c.arguments.get(1)?.as_expression()?, src, d)?;
                        return Some((o, Folded { hidden: true, ..k }));
                    }
                }
            }
            return Some((m.object(), key));
        }
        if let Expression::CallExpression(c) = e {
            // `up(x)` where `const up = (p) => p[K]`: a member of the argument.
            if let Some(keys) = self.getter_keys(c) {
                if let [k] = keys.as_slice() {
                    let o = c.arguments.first()?.as_expression()?;
                    let key = Folded {
                        value: k.clone(),
                        hidden: true,
                        decoded: false,
                    };
                    return Some((o, key));
                }
            }
            if self
                .resolve_d(&c.callee, src, d)
                .is_some_and(|s| s.path == "Reflect.get")
            {
                let o = c.arguments.first()?.as_expression()?;
                let k = self.fold_d(c.arguments.get(1)?.as_expression()?, src, d)?;
                return Some((o, Folded { hidden: true, ..k }));
            }
        }
        None
    }

    /// What host object `e` names, if any.
    pub(crate) fn resolve(&self, e: &Expression, src: &str) -> Option<Sym> {
        self.resolve_d(e, src, 0)
    }

    fn resolve_d(&self, e: &Expression, src: &str, d: u32) -> Option<Sym> {
        if d > MAX_DEPTH {
            return None;
        }
        let d = d + 1;
        let e = e.without_parentheses();
        match e {
            Expression::Identifier(id) => {
                let name = id.name.as_str();
                match self.lookup(id) {
                    // A name bound to a host object is not concealment by itself
                    // (`const { execFile } = require('child_process')` is how everyone
                    // writes it); a name bound to the global object is (`g.eval`).
                    Lookup::Alias(Alias::Sym(s)) => Some(Sym {
                        hidden: s.hidden || is_global_object(&s.path),
                        plain: false,
                        ..s.clone()
                    }),
                    Lookup::Alias(_) | Lookup::Local => None,
                    Lookup::Global if is_root(name) || is_global_object(name) => Some(Sym {
                        path: name.to_string(),
                        // `\u0065val`: an escaped identifier is a hidden spelling
                        hidden: raw(src, id.span).contains('\\'),
                        plain: true,
                        chain: false,
                    }),
                    Lookup::Global => None,
                }
            }
            Expression::SequenceExpression(s) => {
                let last = s.expressions.last()?;
                self.resolve_d(last, src, d)
                    .map(|s| Sym { plain: false, ..s })
            }
            // `typeof window !== 'undefined' ? window : self`: the global object whichever
            // branch runs (the other may be `this` or `{}` at the top level).
            Expression::ConditionalExpression(c) => {
                let a = self.resolve_d(&c.consequent, src, d);
                let b = self.resolve_d(&c.alternate, src, d);
                let stand_in = |e: &Expression| {
                    matches!(e.without_parentheses(), Expression::ObjectExpression(_))
                        || this_idiom(e)
                };
                let pick = match (a, b) {
                    (Some(x), Some(y)) if x.path == y.path => x,
                    (Some(x), Some(y))
                        if is_global_object(&x.path) && is_global_object(&y.path) =>
                    {
                        x
                    }
                    (Some(x), None) if is_global_object(&x.path) && stand_in(&c.alternate) => x,
                    (None, Some(y)) if is_global_object(&y.path) && stand_in(&c.consequent) => y,
                    // `typeof require === 'function' ? require : null`: the host object
                    // when it exists, nothing otherwise.
                    // Not concealment by itself (bundles write it to find `require`).
                    (Some(x), None) if null_like(&c.alternate) => return Some(x),
                    (None, Some(y)) if null_like(&c.consequent) => return Some(y),
                    _ => return None,
                };
                Some(Sym {
                    hidden: true,
                    plain: false,
                    ..pick
                })
            }
            // `w.execScript || w.eval`, `(a.eval || b.eval)`, `x.process ?? process`
            Expression::LogicalExpression(l)
                if matches!(l.operator, LogicalOperator::Or | LogicalOperator::Coalesce) =>
            {
                let a = self.resolve_d(&l.left, src, d);
                let b = self.resolve_d(&l.right, src, d);
                let code = |p: &str| matches!(p, "eval" | "execScript");
                match (a, b) {
                    // (function () { return this })() || globalThis
                    (None, Some(y)) if is_global_object(&y.path) && this_idiom(&l.left) => {
                        Some(Sym {
                            hidden: true,
                            plain: false,
                            ..y
                        })
                    }
                    (Some(x), None) if is_global_object(&x.path) && this_idiom(&l.right) => {
                        Some(Sym {
                            hidden: true,
                            plain: false,
                            ..x
                        })
                    }
                    (Some(x), Some(y)) if x.path == y.path || (code(&x.path) && code(&y.path)) => {
                        Some(Sym {
                            path: if code(&x.path) { "eval".into() } else { x.path },
                            hidden: x.hidden || y.hidden,
                            plain: false,
                            chain: x.chain,
                        })
                    }
                    _ => None,
                }
            }
            Expression::CallExpression(c) => {
                // require('x') / process.mainModule.require('x') → module:x
                let callee = self.resolve_d(&c.callee, src, d)?;
                if is_require_path(&callee.path) {
                    let name = self.fold_d(c.arguments.first()?.as_expression()?, src, d)?;
                    return Some(Sym {
                        path: format!("module:{}", module_name(&name.value)),
                        hidden: callee.hidden || name.hidden,
                        plain: false,
                        chain: false,
                    });
                }
                // `f.call(this, …)` / `f.apply(this, [ … ])` are calls of `f`.
                let (path, args) = call_args(&callee.path, &c.arguments);
                // Descriptors of the Function constructor: `.value` is the constructor.
                match path {
                    "Object.getOwnPropertyDescriptor" | "Reflect.getOwnPropertyDescriptor" => {
                        let (o, k) = (args.first()?, args.get(1)?);
                        if self.fold_d(k, src, d)?.value == "constructor"
                            && function_valued(o, self, src, d)
                        {
                            return Some(Sym {
                                path: "%FnDesc".into(),
                                hidden: true,
                                plain: false,
                                chain: true,
                            });
                        }
                        return None;
                    }
                    "Object.getOwnPropertyDescriptors" => {
                        return function_valued(args.first()?, self, src, d).then(|| Sym {
                            path: "%FnDescs".into(),
                            hidden: true,
                            plain: false,
                            chain: true,
                        });
                    }
                    _ => {}
                }
                // Object.getPrototypeOf({}) is Object.prototype, of [] Array.prototype…
                if matches!(path, "Object.getPrototypeOf" | "Reflect.getPrototypeOf") {
                    let base = match args.first()?.without_parentheses() {
                        Expression::ObjectExpression(_) => "Object",
                        Expression::ArrayExpression(_) => "Array",
                        Expression::StringLiteral(_) | Expression::TemplateLiteral(_) => "String",
                        Expression::NumericLiteral(_) => "Number",
                        _ => return None,
                    };
                    return Some(Sym {
                        path: format!("{base}.prototype"),
                        hidden: true,
                        plain: false,
                        chain: false,
                    });
                }
                // `f.bind(this)` is `f`.
                if let Some(p) = callee.path.strip_suffix(".bind") {
                    return Some(Sym {
                        path: p.to_string(),
                        plain: false,
                        ..callee
                    });
                }
                // Member-like calls (Reflect.get) fall through to member_view below.
                if callee.path != "Reflect.get" {
                    return None;
                }
                self.resolve_member(e, src, d)
            }
            _ => self.resolve_member(e, src, d),
        }
    }

    fn resolve_member(&self, e: &Expression, src: &str, d: u32) -> Option<Sym> {
        // Fast path: a plain key on an object that names nothing (most member expressions).
        if let Some(m) = e.as_member_expression() {
            if let Some(k) = cheap_key(m, src) {
                if k != "constructor" && k != "value" {
                    let o = self.resolve_d(m.object(), src, d)?;
                    return Some(extend(o, k, false));
                }
            }
        }
        let (obj, key) = self.member_view(e, src, d)?;
        if key.value == "constructor" && function_valued(obj, self, src, d) {
            return Some(Sym {
                path: "Function".to_string(),
                hidden: key.hidden,
                plain: false,
                chain: true,
            });
        }
        let o = self.resolve_d(obj, src, d)?;
        Some(extend(o, &key.value, key.hidden))
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
/// `.apply(this, [ … ])`.
pub(crate) fn call_args<'b, 'a>(
    path: &'b str,
    args: &'b [Argument<'a>],
) -> (&'b str, Vec<&'b Expression<'a>>) {
    if let Some(p) = path.strip_suffix(".call") {
        return (
            p,
            args.iter()
                .skip(1)
                .filter_map(|a| a.as_expression())
                .collect(),
        );
    }
    if let Some(p) = path.strip_suffix(".apply") {
        if let Some(Argument::ArrayExpression(arr)) = args.get(1) {
            return (
                p,
                arr.elements
                    .iter()
                    .filter_map(|e| e.as_expression())
                    .collect(),
            );
        }
        return (p, Vec::new());
    }
    (
        path,
        args.iter().filter_map(|a| a.as_expression()).collect(),
    )
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
            path: k.to_string(),
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
        Expression::CallExpression(c) => env.resolve_d(&c.callee, src, d + 1).is_some_and(|s| {
            let (path, args) = call_args(&s.path, &c.arguments);
            matches!(path, "Object.getPrototypeOf" | "Reflect.getPrototypeOf")
                && args
                    .first()
                    .is_some_and(|a| function_valued(a, env, src, d + 1))
        }),
        other => {
            let Some((obj, key)) = env.member_view(other, src, d + 1) else {
                return false;
            };
            match key.value.as_str() {
                "constructor" => true,
                "__proto__" => function_valued(obj, env, src, d + 1),
                // [].filter, ''.sub, (0).toFixed: methods of literals are functions
                _ => {
                    matches!(
                        obj.without_parentheses(),
                        Expression::ArrayExpression(_)
                            | Expression::StringLiteral(_)
                            | Expression::TemplateLiteral(_)
                            | Expression::NumericLiteral(_)
                            | Expression::BooleanLiteral(_)
                            | Expression::ObjectExpression(_)
                    ) && !matches!(key.value.as_str(), "length" | "prototype")
                }
            }
        }
    }
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
