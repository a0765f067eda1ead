//! A bounded constant evaluator: runs the code's own pure helpers on constants so that what
//! they compute reaches the rules like a literal would. It covers what decoders are made of —
//! multi-statement functions, `typeof` conditionals that pick a decoder, string tables rotated
//! with `push(shift())`, memo caches, `split`/`map`/`join`/`reverse`/`replace`/`slice`/
//! `charCodeAt`/`fromCharCode`/`atob`/`Buffer` — and nothing with an effect outside itself:
//! an unknown call is an unknown value, never a guess.
//!
//! Why an interpreter of our own rather than the QuickJS sandbox: a helper runs on values the
//! scanner already holds (folded strings, arrays, the program's top-level constants), most
//! calls take a few hundred steps, and a fresh sandbox costs ~200 µs before the first step —
//! more than scanning a typical file. Here a step costs tens of nanoseconds and no thread.
//!
//! Bounds, per file: [`Budget`] steps (a floor plus a quarter step per source byte, so the
//! evaluator's share of a scan stays a fixed fraction) and bytes of strings built; strings
//! longer than [`fold::MAX_FOLD`] and arrays longer than [`MAX_ARRAY`] are unknown; calls nest
//! at most [`MAX_CALL_DEPTH`]. Out of budget, everything still unevaluated is unknown.
//!
//! Top-level statements run once in order (function declarations first, as JavaScript
//! hoists them); the string and string-array values of top-level bindings that are never
//! reassigned become aliases for the visit ([`Evaluator::seeds`]).

use super::decode::{decode_base64, decode_hex};
use super::fold::{self, Alias, Folded, Key, MAX_FOLD};
use oxc_ast::ast::*;
use rustc_hash::FxHashMap;
use std::cell::{Cell, RefCell};
use std::rc::Rc;

mod builtins;
mod expr;
mod stmt;

/// Longest array the evaluator keeps.
pub const MAX_ARRAY: usize = 4096;
/// Deepest nesting of arrays turned into a string (also the end of a cyclic one).
const MAX_VALUE_NEST: u32 = 32;
/// Arrays and objects stored inside arrays and objects, per file: past it the value stored
/// is unknown. Nesting a value one level deeper takes one such store, so values nest at most
/// this deep, and dropping one (a recursion per level) costs a bounded stack: a loop of
/// `a = [a]` under the step budget of a large file nested them deep enough to overflow it.
const MAX_HELD: usize = 1024;
/// Deepest call nesting.
pub const MAX_CALL_DEPTH: u32 = 16;
/// Deepest nesting of expressions and statements being evaluated, across calls: calls nest
/// [`MAX_CALL_DEPTH`] deep and each body as deep as the code, so without it the evaluator's
/// recursion could reach many times the depth of the syntax tree; with it the stack it uses
/// is a constant the scan reserves ([`super::STACK_BASE`]). Beyond it the value is unknown.
pub const MAX_NEST: u32 = 512;
/// Steps every file may take whatever its size.
const STEP_FLOOR: u64 = 4_000;
/// Bytes of strings every file may build whatever its size.
const BYTES_FLOOR: u64 = 256 * 1024;

/// The step and size budget of one file.
#[derive(Debug, Clone, Copy)]
pub struct Budget {
    pub steps: u64,
    pub bytes: u64,
}

impl Budget {
    pub fn for_source(len: usize) -> Budget {
        Budget {
            steps: STEP_FLOOR + len as u64 / 4,
            bytes: BYTES_FLOOR + len as u64,
        }
    }
}

/// A value of the evaluated code.
#[derive(Debug, Clone)]
pub enum V {
    Unknown,
    Undef,
    Null,
    Bool(bool),
    Num(f64),
    Str(Rc<str>),
    Arr(Rc<RefCell<Vec<V>>>),
    Obj(Rc<RefCell<FxHashMap<String, V>>>),
    /// A function of the code (index into the function table).
    Fn(usize),
    /// A host function the evaluator knows (`atob`, `String.fromCharCode`…).
    Builtin(&'static str),
}

impl V {
    fn str(s: &str) -> V {
        V::Str(Rc::from(s))
    }

    fn known(&self) -> bool {
        !matches!(self, V::Unknown)
    }

    /// `ToString` for the values where it is certain.
    fn to_str(&self) -> Option<String> {
        self.to_str_in(0)
    }

    /// [`V::to_str`] inside `depth` arrays: past [`MAX_VALUE_NEST`] unknown, which also ends a
    /// cycle (`a.push(a); a + ''` recursed until the host's stack overflowed).
    fn to_str_in(&self, depth: u32) -> Option<String> {
        if depth > MAX_VALUE_NEST {
            return None;
        }
        Some(match self {
            V::Str(s) => s.to_string(),
            V::Num(n) => num_to_string(*n),
            V::Bool(b) => b.to_string(),
            V::Undef => "undefined".into(),
            V::Null => "null".into(),
            V::Arr(a) => {
                let a = a.borrow();
                let mut out = String::new();
                for (i, x) in a.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    match x {
                        V::Undef | V::Null => {}
                        other => out.push_str(&other.to_str_in(depth + 1)?),
                    }
                    if out.len() > MAX_FOLD {
                        return None;
                    }
                }
                out
            }
            _ => return None,
        })
    }

    fn to_num(&self) -> Option<f64> {
        Some(match self {
            V::Num(n) => *n,
            V::Bool(b) => f64::from(u8::from(*b)),
            V::Null => 0.0,
            V::Undef => f64::NAN,
            V::Str(s) => {
                let t = s.trim();
                if t.is_empty() {
                    0.0
                } else if let Some(h) = t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
                    i64::from_str_radix(h, 16).map_or(f64::NAN, |v| v as f64)
                } else {
                    t.parse::<f64>().unwrap_or(f64::NAN)
                }
            }
            _ => return None,
        })
    }

    fn truthy(&self) -> Option<bool> {
        Some(match self {
            V::Unknown => return None,
            V::Undef | V::Null => false,
            V::Bool(b) => *b,
            V::Num(n) => *n != 0.0 && !n.is_nan(),
            V::Str(s) => !s.is_empty(),
            V::Arr(_) | V::Obj(_) | V::Fn(_) | V::Builtin(_) => true,
        })
    }

    fn type_of(&self) -> Option<&'static str> {
        Some(match self {
            V::Unknown => return None,
            V::Undef => "undefined",
            V::Null | V::Arr(_) | V::Obj(_) => "object",
            V::Bool(_) => "boolean",
            V::Num(_) => "number",
            V::Str(_) => "string",
            V::Fn(_) | V::Builtin(_) => "function",
        })
    }
}

fn num_to_string(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i64)
    } else if n.is_nan() {
        "NaN".into()
    } else {
        format!("{n}")
    }
}

fn to_i32(n: f64) -> i32 {
    if !n.is_finite() {
        return 0;
    }
    (n.trunc() as i64 & 0xffff_ffff) as u32 as i32
}

/// A function of the code: its parameters and body.
#[derive(Clone, Copy)]
enum FnBody<'a> {
    Block(&'a FunctionBody<'a>),
    Expr(&'a Expression<'a>),
}

#[derive(Clone, Copy)]
struct FnRef<'a> {
    params: &'a FormalParameters<'a>,
    body: FnBody<'a>,
}

/// What a statement did.
enum Flow {
    Normal,
    Return(V),
    Break,
    Continue,
    /// Something unknown decided the path: the rest of this function is not evaluated.
    Abort,
}

/// An argument handed in from the visit.
#[derive(Debug, Clone)]
pub enum Arg {
    Str(String),
    Num(f64),
    /// A binding the evaluator may know (a top-level table).
    Ref(Key),
    Unknown,
}

/// The questions the visit asks the evaluator (an object-safe view, so the visit does not
/// carry the evaluator's lifetime).
pub trait ConstEval {
    /// Whether `callee` is one of the code's functions [`ConstEval::call_str`] can run (the
    /// caller folds the arguments only then).
    fn runs(&self, callee: Key) -> bool;
    /// The string a call of the code's function `callee` returns for `args`, if certain.
    fn call_str(&self, callee: Key, args: &[Arg]) -> Option<String>;
    /// `(p) => p[k1][k2]…`: the constant keys a one-parameter getter reads off its argument.
    fn getter_keys(&self, callee: Key) -> Option<Vec<String>>;
    /// Steps used so far (for the benchmark's accounting).
    fn steps_used(&self) -> u64;
}

pub struct Evaluator<'a> {
    scoping: Option<&'a oxc_semantic::Scoping>,
    fns: RefCell<Vec<FnRef<'a>>>,
    /// Function bindings of the code (top level and the top-level IIFEs' bodies).
    fn_keys: FxHashMap<Key, usize>,
    globals: RefCell<FxHashMap<Key, V>>,
    frames: RefCell<Vec<FxHashMap<Key, V>>>,
    steps: Cell<u64>,
    bytes: Cell<u64>,
    budget: Budget,
    depth: Cell<u32>,
    /// Expressions and statements being evaluated, nested ([`MAX_NEST`]).
    nest: Cell<u32>,
    /// Arrays and objects stored inside arrays and objects so far (at most [`MAX_HELD`]),
    /// emptied when the evaluator is dropped: a cycle
    /// (`a.push(a)`, `o.self = o`) can only pass through a value stored inside another, so
    /// emptying them frees every cycle, which reference counting alone would leak (the
    /// workbench rescans on every keystroke).
    held_values: RefCell<Vec<V>>,
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        // Each one still held here stays alive until it is emptied, so emptying one drops
        // no held value's contents recursively: no deep drop, whatever the nesting.
        for v in self.held_values.get_mut().drain(..) {
            match v {
                V::Arr(a) => {
                    if let Ok(mut items) = a.try_borrow_mut() {
                        items.clear();
                    }
                }
                V::Obj(o) => {
                    if let Ok(mut map) = o.try_borrow_mut() {
                        map.clear();
                    }
                }
                _ => {}
            }
        }
    }
}

impl<'a> Evaluator<'a> {
    /// Registers the functions of `program` and runs its top level within `budget`.
    pub fn new(
        program: &'a Program<'a>,
        scoping: Option<&'a oxc_semantic::Scoping>,
        budget: Budget,
    ) -> Self {
        let mut ev = Evaluator {
            scoping,
            fns: RefCell::new(Vec::new()),
            fn_keys: FxHashMap::default(),
            globals: RefCell::new(FxHashMap::default()),
            frames: RefCell::new(Vec::new()),
            steps: Cell::new(0),
            bytes: Cell::new(0),
            budget,
            depth: Cell::new(0),
            nest: Cell::new(0),
            held_values: RefCell::new(Vec::new()),
        };
        ev.register(&program.body, 0);
        let fn_keys: Vec<(Key, usize)> = ev.fn_keys.iter().map(|(k, i)| (*k, *i)).collect();
        for (k, i) in fn_keys {
            ev.globals.borrow_mut().insert(k, V::Fn(i));
        }
        ev.run_block(&program.body);
        ev
    }

    /// Function declarations and `const f = function/arrow` at the top level and inside
    /// top-level immediately called functions (a common wrapper), so calls resolve.
    fn register(&mut self, stmts: &'a [Statement<'a>], depth: u32) {
        for st in stmts {
            match st {
                Statement::FunctionDeclaration(f) => {
                    if let (Some(id), Some(body)) = (&f.id, &f.body) {
                        let i = self.push_fn(FnRef {
                            params: &f.params,
                            body: FnBody::Block(body),
                        });
                        self.fn_keys.insert(self.binding_key(id), i);
                    }
                }
                Statement::VariableDeclaration(v) => {
                    for d in &v.declarations {
                        if let (BindingPattern::BindingIdentifier(id), Some(init)) =
                            (&d.id, &d.init)
                        {
                            if let Some(f) = fn_ref(init) {
                                let i = self.push_fn(f);
                                self.fn_keys.insert(self.binding_key(id), i);
                            }
                        }
                    }
                }
                Statement::ExpressionStatement(e) if depth == 0 => {
                    let call = match e.expression.without_parentheses() {
                        Expression::CallExpression(c) => Some(c),
                        Expression::UnaryExpression(u) => match u.argument.without_parentheses() {
                            Expression::CallExpression(c) => Some(c),
                            _ => None,
                        },
                        _ => None,
                    };
                    if let Some(c) = call {
                        if let Some(FnRef {
                            body: FnBody::Block(b),
                            ..
                        }) = fn_ref(&c.callee)
                        {
                            self.register(&b.statements, depth + 1);
                        }
                    }
                }
                _ => {}
            }
        }
    }

    fn push_fn(&self, f: FnRef<'a>) -> usize {
        let mut fns = self.fns.borrow_mut();
        fns.push(f);
        fns.len() - 1
    }

    fn binding_key(&self, id: &BindingIdentifier) -> Key {
        fold::binding_key_of(self.scoping, id)
    }

    /// `v` as it may be stored inside an array or object: an array or object counts towards
    /// [`MAX_HELD`], and past it is unknown.
    fn hold(&self, v: V) -> V {
        if matches!(v, V::Arr(_) | V::Obj(_)) {
            let mut held = self.held_values.borrow_mut();
            if held.len() >= MAX_HELD {
                return V::Unknown;
            }
            held.push(v.clone());
        }
        v
    }

    /// `f` one level of nesting deeper, as one step of work; `None` (the caller answers
    /// unknown) at [`MAX_NEST`] or when the step budget is spent.
    fn nested<T>(&self, f: impl FnOnce() -> T) -> Option<T> {
        let n = self.nest.get();
        if n >= MAX_NEST {
            return None;
        }
        self.nest.set(n + 1);
        let out = self.step().then(f);
        self.nest.set(self.nest.get().saturating_sub(1));
        out
    }

    /// One step of work; false when the budget is spent.
    fn step(&self) -> bool {
        let s = self.steps.get();
        if s >= self.budget.steps {
            return false;
        }
        self.steps.set(s + 1);
        true
    }

    /// Accounts for a string built; false (and unknown) past the budget or the size cap.
    fn made(&self, s: String) -> V {
        let b = self.bytes.get() + s.len() as u64;
        if s.len() > MAX_FOLD || b > self.budget.bytes {
            return V::Unknown;
        }
        self.bytes.set(b);
        V::Str(Rc::from(s))
    }

    /// The values of top-level bindings never written after their declaration, as aliases.
    pub fn seeds(&self) -> FxHashMap<Key, Alias> {
        let mut out = FxHashMap::default();
        let Some(sc) = self.scoping else {
            return out;
        };
        let globals = self.globals.borrow();
        for (k, v) in globals.iter() {
            let sid = oxc_semantic::SymbolId::from_usize(*k as usize);
            if (*k >> 63) != 0
                || (*k as usize) >= sc.symbols_len()
                || sc.get_resolved_references(sid).any(|r| r.is_write())
            {
                continue;
            }
            match v {
                V::Str(s) => {
                    out.insert(
                        *k,
                        Alias::Str(Folded {
                            value: s.as_ref().into(),
                            hidden: true,
                            decoded: true,
                        }),
                    );
                }
                V::Arr(a) => {
                    let a = a.borrow();
                    let strs: Option<Vec<String>> = a
                        .iter()
                        .map(|x| match x {
                            V::Str(s) => Some(s.to_string()),
                            _ => None,
                        })
                        .collect();
                    if let Some(strs) =
                        strs.filter(|s| s.iter().map(String::len).sum::<usize>() <= MAX_FOLD)
                    {
                        out.insert(*k, Alias::Arr(strs));
                    }
                }
                _ => {}
            }
        }
        out
    }

    fn run_block(&self, stmts: &'a [Statement<'a>]) {
        for st in stmts {
            if self.steps.get() >= self.budget.steps {
                return;
            }
            // A top-level statement that cannot be followed is skipped, not fatal.
            let _ = self.exec(st);
        }
    }

    fn lookup(&self, id: &IdentifierReference) -> V {
        let Some(k) = fold::ref_key_of(self.scoping, id) else {
            return match id.name.as_str() {
                "undefined" => V::Undef,
                "NaN" => V::Num(f64::NAN),
                "Infinity" => V::Num(f64::INFINITY),
                "atob" => V::Builtin("atob"),
                "String" => V::Builtin("String"),
                "Number" => V::Builtin("Number"),
                "parseInt" => V::Builtin("parseInt"),
                "Buffer" => V::Builtin("Buffer"),
                "JSON" => V::Builtin("JSON"),
                "Object" => V::Builtin("Object"),
                "Math" => V::Builtin("Math"),
                "unescape" | "decodeURIComponent" => V::Builtin("unescape"),
                _ => V::Unknown,
            };
        };
        if let Some(v) = self.frames.borrow().iter().rev().find_map(|f| f.get(&k)) {
            return v.clone();
        }
        self.globals.borrow().get(&k).cloned().unwrap_or(V::Unknown)
    }

    fn declare(&self, key: Key, v: V) {
        let mut frames = self.frames.borrow_mut();
        match frames.last_mut() {
            Some(f) => {
                f.insert(key, v);
            }
            None => {
                self.globals.borrow_mut().insert(key, v);
            }
        }
    }

    fn assign(&self, id: &IdentifierReference, v: V) {
        let Some(k) = fold::ref_key_of(self.scoping, id) else {
            return;
        };
        let mut frames = self.frames.borrow_mut();
        for f in frames.iter_mut().rev() {
            if let Some(slot) = f.get_mut(&k) {
                *slot = v;
                return;
            }
        }
        drop(frames);
        self.globals.borrow_mut().insert(k, v);
    }
}

/// A parsed JSON value as an evaluator value (bounded depth).
fn from_json(j: &serde_json::Value, depth: u32) -> V {
    if depth > 16 {
        return V::Unknown;
    }
    match j {
        serde_json::Value::Null => V::Null,
        serde_json::Value::Bool(b) => V::Bool(*b),
        serde_json::Value::Number(n) => n.as_f64().map_or(V::Unknown, V::Num),
        serde_json::Value::String(s) => V::str(s),
        serde_json::Value::Array(a) => V::Arr(Rc::new(RefCell::new(
            a.iter()
                .take(MAX_ARRAY)
                .map(|x| from_json(x, depth + 1))
                .collect(),
        ))),
        serde_json::Value::Object(o) => V::Obj(Rc::new(RefCell::new(
            o.iter()
                .take(MAX_ARRAY)
                .map(|(k, v)| (k.clone(), from_json(v, depth + 1)))
                .collect(),
        ))),
    }
}

/// The function an expression is, when it is written there.
fn fn_ref<'a>(e: &'a Expression<'a>) -> Option<FnRef<'a>> {
    match e.without_parentheses() {
        Expression::FunctionExpression(f) => Some(FnRef {
            params: &f.params,
            body: FnBody::Block(f.body.as_ref()?),
        }),
        Expression::ArrowFunctionExpression(f) => Some(FnRef {
            params: &f.params,
            body: match &f.body {
                ArrowFunctionBody::FunctionBody(b) => FnBody::Block(b),
                other => FnBody::Expr(other.as_expression()?),
            },
        }),
        _ => None,
    }
}

impl ConstEval for Evaluator<'_> {
    fn runs(&self, callee: Key) -> bool {
        self.fn_keys.contains_key(&callee)
    }

    fn call_str(&self, callee: Key, args: &[Arg]) -> Option<String> {
        let i = *self.fn_keys.get(&callee)?;
        let args = args
            .iter()
            .map(|a| match a {
                Arg::Str(s) => V::str(s),
                Arg::Num(n) => V::Num(*n),
                Arg::Ref(k) => self.globals.borrow().get(k).cloned().unwrap_or(V::Unknown),
                Arg::Unknown => V::Unknown,
            })
            .collect();
        match self.call_fn(i, args) {
            V::Str(s) => Some(s.to_string()),
            _ => None,
        }
    }

    fn getter_keys(&self, callee: Key) -> Option<Vec<String>> {
        let i = *self.fn_keys.get(&callee)?;
        let f = *self.fns.borrow().get(i)?;
        let [p] = f.params.items.as_slice() else {
            return None;
        };
        let BindingPattern::BindingIdentifier(param) = &p.pattern else {
            return None;
        };
        let pkey = self.binding_key(param);
        let mut e = match f.body {
            FnBody::Expr(e) => e,
            FnBody::Block(b) => match b.statements.as_slice() {
                [Statement::ReturnStatement(r)] => r.argument.as_ref()?,
                _ => return None,
            },
        };
        let mut keys = Vec::new();
        loop {
            match e.without_parentheses() {
                Expression::ComputedMemberExpression(m) => {
                    // the key is evaluated with the parameter unknown
                    self.frames
                        .borrow_mut()
                        .push(FxHashMap::from_iter([(pkey, V::Unknown)]));
                    let k = self.eval(&m.expression);
                    self.frames.borrow_mut().pop();
                    keys.push(k.to_str()?);
                    e = &m.object;
                }
                Expression::StaticMemberExpression(m) => {
                    keys.push(m.property.name.to_string());
                    e = &m.object;
                }
                Expression::Identifier(id) if fold::ref_key_of(self.scoping, id) == Some(pkey) => {
                    keys.reverse();
                    return (!keys.is_empty()).then_some(keys);
                }
                _ => return None,
            }
        }
    }

    fn steps_used(&self) -> u64 {
        self.steps.get()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the evaluator over `src` (with scopes) and hands it to `f`.
    fn evaluated<R>(
        src: &str,
        f: impl for<'a> FnOnce(Evaluator<'a>, &'a oxc_semantic::Scoping) -> R,
    ) -> R {
        let alloc = oxc_allocator::Allocator::default();
        let ret = oxc_parser::Parser::new(&alloc, src, oxc_span::SourceType::mjs()).parse();
        let sem = oxc_semantic::SemanticBuilder::new()
            .build(&ret.program)
            .semantic;
        let ev = Evaluator::new(
            &ret.program,
            Some(sem.scoping()),
            Budget::for_source(src.len()),
        );
        f(ev, sem.scoping())
    }

    fn top_level(src: &str, name: &str) -> Option<String> {
        evaluated(src, |ev, sc| {
            let seeds = ev.seeds();
            let sid = sc.get_root_binding(name.into())?;
            match seeds.get(&(sid.index() as Key))? {
                Alias::Str(f) => Some(f.value.to_string()),
                _ => None,
            }
        })
    }

    #[test]
    fn multi_statement_decoders_tables_and_conditionals_evaluate() {
        let cases = [
            ("function u(s){let o='';for(let i=0;i<s.length;i++){o+=String.fromCharCode(s.charCodeAt(i)-1)}return o} const k=u('dpotusvdups');", "constructor"),
            ("const d = typeof atob === 'function' ? atob : (s) => Buffer.from(s, 'base64').toString(); const k = d('Y29uc3RydWN0b3I=');", "constructor"),
            ("var T=['x','cons','tructor']; (function(a,n){while(n--){a.push(a.shift())}})(T,1); function t(i){return T[i]} var k=t(0)+t(1);", "constructor"),
            ("const k = '99 111 110'.split(' ').map((n) => String.fromCharCode(Number(n))).join('');", "con"),
            ("const c = Object.create(null); const tb = 'YWJj|ZGVm'.split('|'); function s(i){ if(!(i in c)){ c[i]=atob(tb[i]) } return c[i] } const k = s(1) + s(1);", "defdef"),
            ("const k = 'rotcurtsnoc'.split('').reverse().join('');", "constructor"),
            ("const k = [0x63,0x6f].map(function (c) { return String.fromCharCode(c ^ 0) }).join('');", "co"),
            ("const k = (35).toString(36) + (13).toString(36);", "zd"),
        ];
        for (src, want) in cases {
            assert_eq!(top_level(src, "k").as_deref(), Some(want), "{src}");
        }
    }

    /// Weak references to every array and object the evaluator holds, after running `src`.
    fn held_after(src: &str) -> Vec<std::rc::Weak<RefCell<Vec<V>>>> {
        evaluated(src, |ev, _| {
            let weak = ev
                .held_values
                .borrow()
                .iter()
                .filter_map(|v| match v {
                    V::Arr(a) => Some(Rc::downgrade(a)),
                    _ => None,
                })
                .collect();
            drop(ev);
            weak
        })
    }

    #[test]
    fn cyclic_values_are_freed_with_the_evaluator() {
        // A cycle through an array, and one through an array and an object: nothing of them
        // outlives the scan (before, each scan of such a file leaked them).
        for src in [
            "var a = []; a.push(a); var s = a.length;",
            "var o = {}; var a = [o]; o.a = a; a.push(o); var s = a.length;",
            "var a = []; for (var i = 0; i < 5000; i++) { a = [a]; } a.push(a);",
        ] {
            let weak = held_after(src);
            assert!(!weak.is_empty(), "{src}: the evaluator held the arrays");
            assert!(
                weak.iter().all(|w| w.upgrade().is_none()),
                "{src}: a value outlived its evaluator"
            );
        }
    }

    #[test]
    fn runaway_helpers_stop_at_the_budget() {
        // An endless loop and a huge string are unknown, not hangs or allocations.
        assert_eq!(
            top_level("function f(){ while(true){} } const k = f();", "k"),
            None
        );
        assert_eq!(
            top_level("let s='a'; for(;;){ s = s + s } const k = s;", "k"),
            None
        );
        assert_eq!(
            top_level("function f(n){ return f(n+1) } const k = f(0);", "k"),
            None
        );
        // A reassigned binding is never seeded.
        assert_eq!(top_level("let k = 'a'; k = 'b';", "k"), None);
    }
}
