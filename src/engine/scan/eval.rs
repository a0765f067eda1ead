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

/// Longest array the evaluator keeps.
pub const MAX_ARRAY: usize = 4096;
/// Deepest call nesting.
pub const MAX_CALL_DEPTH: u32 = 16;
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
                        other => out.push_str(&other.to_str()?),
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
                            value: s.to_string(),
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

    fn exec_all(&self, stmts: &'a [Statement<'a>]) -> Flow {
        for st in stmts {
            match self.exec(st) {
                Flow::Normal => {}
                other => return other,
            }
        }
        Flow::Normal
    }

    fn exec(&self, st: &'a Statement<'a>) -> Flow {
        if !self.step() {
            return Flow::Abort;
        }
        match st {
            Statement::ExpressionStatement(e) => {
                self.eval(&e.expression);
                Flow::Normal
            }
            Statement::VariableDeclaration(v) => {
                for d in &v.declarations {
                    let BindingPattern::BindingIdentifier(id) = &d.id else {
                        continue;
                    };
                    let val = match &d.init {
                        Some(init) => self.eval(init),
                        None => V::Undef,
                    };
                    self.declare(self.binding_key(id), val);
                }
                Flow::Normal
            }
            Statement::FunctionDeclaration(_) | Statement::EmptyStatement(_) => Flow::Normal,
            Statement::ReturnStatement(r) => Flow::Return(match &r.argument {
                Some(a) => self.eval(a),
                None => V::Undef,
            }),
            Statement::BlockStatement(b) => self.exec_all(&b.body),
            Statement::IfStatement(i) => match self.eval(&i.test).truthy() {
                Some(true) => self.exec(&i.consequent),
                Some(false) => match &i.alternate {
                    Some(a) => self.exec(a),
                    None => Flow::Normal,
                },
                None => Flow::Abort,
            },
            Statement::BreakStatement(b) if b.label.is_none() => Flow::Break,
            Statement::ContinueStatement(c) if c.label.is_none() => Flow::Continue,
            Statement::ForStatement(f) => {
                match &f.init {
                    Some(ForStatementInit::VariableDeclaration(v)) => {
                        for d in &v.declarations {
                            if let BindingPattern::BindingIdentifier(id) = &d.id {
                                let val = d.init.as_ref().map_or(V::Undef, |i| self.eval(i));
                                self.declare(self.binding_key(id), val);
                            }
                        }
                    }
                    Some(other) => {
                        if let Some(e) = other.as_expression() {
                            self.eval(e);
                        }
                    }
                    None => {}
                }
                loop {
                    if let Some(t) = &f.test {
                        match self.eval(t).truthy() {
                            Some(true) => {}
                            Some(false) => break,
                            None => return Flow::Abort,
                        }
                    }
                    match self.exec(&f.body) {
                        Flow::Normal | Flow::Continue => {}
                        Flow::Break => break,
                        other => return other,
                    }
                    if let Some(u) = &f.update {
                        self.eval(u);
                    }
                    if !self.step() {
                        return Flow::Abort;
                    }
                }
                Flow::Normal
            }
            Statement::WhileStatement(w) => {
                loop {
                    match self.eval(&w.test).truthy() {
                        Some(true) => {}
                        Some(false) => break,
                        None => return Flow::Abort,
                    }
                    match self.exec(&w.body) {
                        Flow::Normal | Flow::Continue => {}
                        Flow::Break => break,
                        other => return other,
                    }
                    if !self.step() {
                        return Flow::Abort;
                    }
                }
                Flow::Normal
            }
            Statement::ForOfStatement(f) => {
                let ForStatementLeft::VariableDeclaration(v) = &f.left else {
                    return Flow::Abort;
                };
                let Some(BindingPattern::BindingIdentifier(id)) =
                    v.declarations.first().map(|d| &d.id)
                else {
                    return Flow::Abort;
                };
                let items: Vec<V> = match self.eval(&f.right) {
                    V::Arr(a) => a.borrow().clone(),
                    V::Str(s) => s.chars().map(|c| V::str(&c.to_string())).collect(),
                    _ => return Flow::Abort,
                };
                let key = self.binding_key(id);
                for it in items {
                    self.declare(key, it);
                    match self.exec(&f.body) {
                        Flow::Normal | Flow::Continue => {}
                        Flow::Break => break,
                        other => return other,
                    }
                }
                Flow::Normal
            }
            _ => Flow::Abort,
        }
    }

    fn call_fn(&self, i: usize, args: Vec<V>) -> V {
        let Some(f) = self.fns.borrow().get(i).copied() else {
            return V::Unknown;
        };
        if self.depth.get() >= MAX_CALL_DEPTH || !self.step() {
            return V::Unknown;
        }
        let mut frame = FxHashMap::default();
        let n_params = f.params.items.len();
        for (n, p) in f.params.items.iter().enumerate() {
            match &p.pattern {
                BindingPattern::BindingIdentifier(id) => {
                    frame.insert(
                        self.binding_key(id),
                        args.get(n).cloned().unwrap_or(V::Undef),
                    );
                }
                _ => return V::Unknown,
            }
        }
        // (...rest)
        if let Some(rest) = &f.params.rest {
            let BindingPattern::BindingIdentifier(id) = &rest.rest.argument else {
                return V::Unknown;
            };
            let tail: Vec<V> = args.iter().skip(n_params).cloned().collect();
            frame.insert(self.binding_key(id), V::Arr(Rc::new(RefCell::new(tail))));
        }
        self.frames.borrow_mut().push(frame);
        self.depth.set(self.depth.get() + 1);
        let out = match f.body {
            FnBody::Expr(e) => self.eval(e),
            FnBody::Block(b) => match self.exec_all(&b.statements) {
                Flow::Return(v) => v,
                Flow::Normal => V::Undef,
                _ => V::Unknown,
            },
        };
        self.depth.set(self.depth.get() - 1);
        self.frames.borrow_mut().pop();
        out
    }

    fn call_value(&self, f: &V, this: Option<&V>, args: Vec<V>) -> V {
        match f {
            V::Fn(i) => self.call_fn(*i, args),
            V::Builtin(b) => self.builtin(b, this, args),
            _ => V::Unknown,
        }
    }

    fn builtin(&self, name: &str, _this: Option<&V>, args: Vec<V>) -> V {
        let a0 = args.first().cloned().unwrap_or(V::Undef);
        match name {
            "atob" => match a0.to_str().and_then(|s| decode_base64(&s)) {
                Some(s) => self.made(s),
                None => V::Unknown,
            },
            "unescape" => match a0.to_str().and_then(|s| super::decode::percent_decode(&s)) {
                Some(s) => self.made(s),
                None => V::Unknown,
            },
            "String" => a0.to_str().map_or(V::Unknown, |s| self.made(s)),
            "Number" => a0.to_num().map_or(V::Unknown, V::Num),
            "parseInt" => {
                let (Some(s), radix) = (a0.to_str(), args.get(1).and_then(V::to_num)) else {
                    return V::Unknown;
                };
                let radix = radix.map_or(10, |r| r as u32);
                if !(2..=36).contains(&radix) {
                    return V::Unknown;
                }
                let t = s.trim();
                let digits: String = t.chars().take_while(|c| c.is_digit(radix)).collect();
                i64::from_str_radix(&digits, radix).map_or(V::Num(f64::NAN), |v| V::Num(v as f64))
            }
            "String.fromCharCode" | "String.fromCodePoint" => {
                let mut out = String::new();
                for a in &args {
                    let Some(n) = a.to_num() else {
                        return V::Unknown;
                    };
                    let n = if name == "String.fromCharCode" {
                        u32::from(to_i32(n) as u16)
                    } else {
                        n as u32
                    };
                    let Some(c) = char::from_u32(n) else {
                        return V::Unknown;
                    };
                    out.push(c);
                }
                self.made(out)
            }
            "Object.create" | "Object" => V::Obj(Rc::new(RefCell::new(FxHashMap::default()))),
            "Buffer.from" => {
                let (Some(s), enc) = (a0.to_str(), args.get(1).and_then(V::to_str)) else {
                    return V::Unknown;
                };
                let out = match enc.as_deref().unwrap_or("utf8") {
                    "base64" | "base64url" => decode_base64(&s),
                    "hex" => decode_hex(&s),
                    "utf8" | "utf-8" | "latin1" | "binary" | "ascii" => Some(s),
                    _ => None,
                };
                // A buffer is kept as its decoded text; `.toString()` returns it.
                out.map_or(V::Unknown, |s| self.made(s))
            }
            "JSON.parse" => match a0.to_str() {
                Some(s) if s.len() <= MAX_FOLD => serde_json::from_str::<serde_json::Value>(&s)
                    .ok()
                    .map_or(V::Unknown, |j| from_json(&j, 0)),
                _ => V::Unknown,
            },
            "Math.floor" => a0.to_num().map_or(V::Unknown, |n| V::Num(n.floor())),
            "Math.abs" => a0.to_num().map_or(V::Unknown, |n| V::Num(n.abs())),
            _ => V::Unknown,
        }
    }

    /// `obj[key]` for the values the evaluator models.
    fn get(&self, obj: &V, key: &V) -> V {
        match obj {
            V::Arr(a) => {
                if let V::Str(k) = key {
                    if &**k == "length" {
                        return V::Num(a.borrow().len() as f64);
                    }
                    return self.method(obj, k);
                }
                let Some(i) = key.to_num() else {
                    return V::Unknown;
                };
                if i < 0.0 || i.fract() != 0.0 {
                    return V::Undef;
                }
                a.borrow().get(i as usize).cloned().unwrap_or(V::Undef)
            }
            V::Str(s) => match key {
                V::Str(k) if &**k == "length" => V::Num(s.chars().count() as f64),
                V::Str(k) => self.method(obj, k),
                other => match other.to_num() {
                    Some(i) if i >= 0.0 && i.fract() == 0.0 => s
                        .chars()
                        .nth(i as usize)
                        .map_or(V::Undef, |c| V::str(&c.to_string())),
                    _ => V::Unknown,
                },
            },
            V::Obj(o) => match key.to_str() {
                Some(k) => o.borrow().get(&k).cloned().unwrap_or(V::Undef),
                None => V::Unknown,
            },
            V::Builtin(b) => match (b, key) {
                (&"String", V::Str(k)) if &**k == "fromCharCode" => {
                    V::Builtin("String.fromCharCode")
                }
                (&"String", V::Str(k)) if &**k == "fromCodePoint" => {
                    V::Builtin("String.fromCodePoint")
                }
                (&"Object", V::Str(k)) if &**k == "create" => V::Builtin("Object.create"),
                (&"Buffer", V::Str(k)) if &**k == "from" => V::Builtin("Buffer.from"),
                (&"JSON", V::Str(k)) if &**k == "parse" => V::Builtin("JSON.parse"),
                (&"Math", V::Str(k)) if &**k == "floor" => V::Builtin("Math.floor"),
                (&"Math", V::Str(k)) if &**k == "abs" => V::Builtin("Math.abs"),
                _ => V::Unknown,
            },
            _ => V::Unknown,
        }
    }

    /// A method value of a string or array: `Method(receiver, name)` is modelled by calling
    /// it directly in [`Evaluator::call_method`]; as a bare value it is unknown.
    fn method(&self, _obj: &V, _name: &str) -> V {
        V::Unknown
    }

    fn call_method(&self, obj: &V, name: &str, args: Vec<V>) -> V {
        let a = |i: usize| args.get(i).cloned().unwrap_or(V::Undef);
        match obj {
            V::Str(s) => {
                let s: &str = s;
                match name {
                    "charCodeAt" | "codePointAt" => {
                        let i = a(0).to_num().unwrap_or(0.0);
                        if i < 0.0 {
                            return V::Num(f64::NAN);
                        }
                        // UTF-16 code units, as JavaScript counts them
                        let units: Vec<u16> = s.encode_utf16().collect();
                        units
                            .get(i as usize)
                            .map_or(V::Num(f64::NAN), |u| V::Num(f64::from(*u)))
                    }
                    "charAt" => {
                        let i = a(0).to_num().unwrap_or(0.0);
                        s.chars()
                            .nth(i.max(0.0) as usize)
                            .map_or(V::str(""), |c| V::str(&c.to_string()))
                    }
                    "split" => {
                        let sep = a(0);
                        let parts: Vec<V> = match &sep {
                            V::Str(p) if p.is_empty() => {
                                s.chars().map(|c| V::str(&c.to_string())).collect()
                            }
                            V::Str(p) => s.split(&**p).map(V::str).collect(),
                            V::Undef => vec![V::str(s)],
                            _ => return V::Unknown,
                        };
                        if parts.len() > MAX_ARRAY {
                            return V::Unknown;
                        }
                        V::Arr(Rc::new(RefCell::new(parts)))
                    }
                    "slice" | "substring" | "substr" => {
                        let chars: Vec<char> = s.chars().collect();
                        let len = chars.len() as i64;
                        let x = a(0).to_num().unwrap_or(0.0) as i64;
                        let y = match a(1) {
                            V::Undef => None,
                            v => v.to_num().map(|n| n as i64),
                        };
                        let clamp = |v: i64| v.clamp(0, len) as usize;
                        let rel = |v: i64| if v < 0 { clamp(len + v) } else { clamp(v) };
                        let (st, en) = match name {
                            "slice" => (rel(x), rel(y.unwrap_or(len))),
                            "substring" => {
                                let (p, q) = (clamp(x), clamp(y.unwrap_or(len)));
                                (p.min(q), p.max(q))
                            }
                            _ => {
                                let st = rel(x);
                                (st, clamp(st as i64 + y.unwrap_or(len)))
                            }
                        };
                        V::str(
                            &chars
                                .get(st..en.max(st))
                                .map(|c| c.iter().collect::<String>())
                                .unwrap_or_default(),
                        )
                    }
                    "toUpperCase" => self.made(s.to_uppercase()),
                    "toLowerCase" => self.made(s.to_lowercase()),
                    "trim" => V::str(s.trim()),
                    "toString" | "valueOf" => V::str(s),
                    "concat" => {
                        let mut out = s.to_string();
                        for x in &args {
                            match x.to_str() {
                                Some(t) => out.push_str(&t),
                                None => return V::Unknown,
                            }
                        }
                        self.made(out)
                    }
                    "replace" | "replaceAll" => {
                        let (V::Str(from), Some(to)) = (a(0), a(1).to_str()) else {
                            return V::Unknown;
                        };
                        let out = if name == "replace" {
                            s.replacen(&*from, &to, 1)
                        } else {
                            s.replace(&*from, &to)
                        };
                        self.made(out)
                    }
                    "indexOf" => {
                        let Some(p) = a(0).to_str() else {
                            return V::Unknown;
                        };
                        V::Num(s.find(&p).map_or(-1.0, |b| s[..b].chars().count() as f64))
                    }
                    "repeat" => {
                        let n = a(0).to_num().unwrap_or(0.0);
                        if n < 0.0 || (n as usize).saturating_mul(s.len()) > MAX_FOLD {
                            return V::Unknown;
                        }
                        self.made(s.repeat(n as usize))
                    }
                    _ => V::Unknown,
                }
            }
            V::Arr(arr) => match name {
                "join" => {
                    let sep = match a(0) {
                        V::Undef => ",".to_string(),
                        v => match v.to_str() {
                            Some(s) => s,
                            None => return V::Unknown,
                        },
                    };
                    let items = arr.borrow();
                    let mut out = String::new();
                    for (i, x) in items.iter().enumerate() {
                        if i > 0 {
                            out.push_str(&sep);
                        }
                        match x {
                            V::Undef | V::Null => {}
                            other => match other.to_str() {
                                Some(t) => out.push_str(&t),
                                None => return V::Unknown,
                            },
                        }
                        if out.len() > MAX_FOLD {
                            return V::Unknown;
                        }
                    }
                    drop(items);
                    self.made(out)
                }
                "reverse" => {
                    arr.borrow_mut().reverse();
                    obj.clone()
                }
                "push" => {
                    let mut items = arr.borrow_mut();
                    if items.len() + args.len() > MAX_ARRAY {
                        return V::Unknown;
                    }
                    items.extend(args);
                    V::Num(items.len() as f64)
                }
                "shift" => {
                    let mut items = arr.borrow_mut();
                    if items.is_empty() {
                        V::Undef
                    } else {
                        items.remove(0)
                    }
                }
                "pop" => arr.borrow_mut().pop().unwrap_or(V::Undef),
                "unshift" => {
                    let mut items = arr.borrow_mut();
                    for (i, x) in args.into_iter().enumerate() {
                        if items.len() >= MAX_ARRAY {
                            return V::Unknown;
                        }
                        items.insert(i, x);
                    }
                    V::Num(items.len() as f64)
                }
                "slice" | "concat" if args.is_empty() => {
                    V::Arr(Rc::new(RefCell::new(arr.borrow().clone())))
                }
                "map" | "filter" => {
                    let f = a(0);
                    let items = arr.borrow().clone();
                    let mut out = Vec::with_capacity(items.len());
                    for (i, x) in items.into_iter().enumerate() {
                        let r = self.call_value(&f, None, vec![x.clone(), V::Num(i as f64)]);
                        if !r.known() {
                            return V::Unknown;
                        }
                        if name == "map" {
                            out.push(r);
                        } else if r.truthy() == Some(true) {
                            out.push(x);
                        }
                    }
                    V::Arr(Rc::new(RefCell::new(out)))
                }
                "indexOf" => {
                    let Some(p) = a(0).to_str() else {
                        return V::Unknown;
                    };
                    let items = arr.borrow();
                    V::Num(
                        items
                            .iter()
                            .position(|x| x.to_str().as_deref() == Some(p.as_str()))
                            .map_or(-1.0, |i| i as f64),
                    )
                }
                _ => V::Unknown,
            },
            V::Num(n) if name == "toString" => {
                let radix = a(0).to_num().map_or(10, |r| r as u32);
                if radix == 10 {
                    return V::str(&num_to_string(*n));
                }
                if !(2..=36).contains(&radix) || n.fract() != 0.0 || *n < 0.0 || *n > 1e15 {
                    return V::Unknown;
                }
                let mut v = *n as u64;
                let mut digits = Vec::new();
                loop {
                    digits.push(
                        std::char::from_digit((v % u64::from(radix)) as u32, radix).unwrap_or('0'),
                    );
                    v /= u64::from(radix);
                    if v == 0 {
                        break;
                    }
                }
                V::str(&digits.iter().rev().collect::<String>())
            }
            V::Builtin(_) | V::Fn(_) if matches!(name, "call" | "apply") => {
                let mut rest: Vec<V> = args.into_iter().skip(1).collect();
                if name == "apply" {
                    rest = match rest.first() {
                        Some(V::Arr(a)) => a.borrow().clone(),
                        _ => return V::Unknown,
                    };
                }
                self.call_value(obj, None, rest)
            }
            _ => V::Unknown,
        }
    }

    fn eval(&self, e: &'a Expression<'a>) -> V {
        if !self.step() {
            return V::Unknown;
        }
        match e {
            Expression::StringLiteral(s) => V::str(s.value.as_str()),
            Expression::NumericLiteral(n) => V::Num(n.value),
            Expression::BooleanLiteral(b) => V::Bool(b.value),
            Expression::NullLiteral(_) => V::Null,
            Expression::ParenthesizedExpression(p) => self.eval(&p.expression),
            Expression::Identifier(id) => self.lookup(id),
            Expression::TemplateLiteral(t) => {
                let mut out = String::new();
                for (i, q) in t.quasis.iter().enumerate() {
                    let Some(c) = q.value.cooked.as_ref() else {
                        return V::Unknown;
                    };
                    out.push_str(c.as_str());
                    if let Some(x) = t.expressions.get(i) {
                        match self.eval(x).to_str() {
                            Some(s) => out.push_str(&s),
                            None => return V::Unknown,
                        }
                    }
                }
                self.made(out)
            }
            Expression::ArrayExpression(a) => {
                if a.elements.len() > MAX_ARRAY {
                    return V::Unknown;
                }
                let mut out = Vec::with_capacity(a.elements.len());
                for el in &a.elements {
                    match el {
                        ArrayExpressionElement::SpreadElement(sp) => {
                            match self.eval(&sp.argument) {
                                V::Arr(x) => out.extend(x.borrow().iter().cloned()),
                                V::Str(t) => out.extend(t.chars().map(|c| V::str(&c.to_string()))),
                                _ => return V::Unknown,
                            }
                        }
                        other => match other.as_expression() {
                            Some(x) => out.push(self.eval(x)),
                            None => return V::Unknown,
                        },
                    }
                    if out.len() > MAX_ARRAY {
                        return V::Unknown;
                    }
                }
                V::Arr(Rc::new(RefCell::new(out)))
            }
            Expression::ObjectExpression(o) => {
                let mut map = FxHashMap::default();
                for p in &o.properties {
                    let ObjectPropertyKind::ObjectProperty(p) = p else {
                        return V::Unknown;
                    };
                    let Some(k) = p.key.static_name() else {
                        return V::Unknown;
                    };
                    let v = self.eval(&p.value);
                    map.insert(k.to_string(), v);
                }
                V::Obj(Rc::new(RefCell::new(map)))
            }
            Expression::FunctionExpression(_) | Expression::ArrowFunctionExpression(_) => {
                match fn_ref(e) {
                    Some(f) => V::Fn(self.push_fn(f)),
                    None => V::Unknown,
                }
            }
            Expression::SequenceExpression(s) => {
                let mut last = V::Undef;
                for x in &s.expressions {
                    last = self.eval(x);
                }
                last
            }
            Expression::ConditionalExpression(c) => match self.eval(&c.test).truthy() {
                Some(true) => self.eval(&c.consequent),
                Some(false) => self.eval(&c.alternate),
                None => V::Unknown,
            },
            Expression::LogicalExpression(l) => {
                let left = self.eval(&l.left);
                match (l.operator, left.truthy()) {
                    (LogicalOperator::Or, Some(true)) | (LogicalOperator::And, Some(false)) => left,
                    (LogicalOperator::Or, Some(false)) | (LogicalOperator::And, Some(true)) => {
                        self.eval(&l.right)
                    }
                    (LogicalOperator::Coalesce, _) if matches!(left, V::Undef | V::Null) => {
                        self.eval(&l.right)
                    }
                    (LogicalOperator::Coalesce, _) if left.known() => left,
                    _ => V::Unknown,
                }
            }
            Expression::UnaryExpression(u) => {
                if u.operator == UnaryOperator::Typeof {
                    if let Expression::Identifier(id) = u.argument.without_parentheses() {
                        if fold::ref_key_of(self.scoping, id).is_none() {
                            // a global: known for the decoders the code may pick between
                            return match id.name.as_str() {
                                "atob" | "btoa" | "String" | "Number" | "parseInt" => {
                                    V::str("function")
                                }
                                "undefined" => V::str("undefined"),
                                _ => V::Unknown,
                            };
                        }
                    }
                    return self.eval(&u.argument).type_of().map_or(V::Unknown, V::str);
                }
                let v = self.eval(&u.argument);
                match u.operator {
                    UnaryOperator::LogicalNot => v.truthy().map_or(V::Unknown, |b| V::Bool(!b)),
                    UnaryOperator::UnaryNegation => v.to_num().map_or(V::Unknown, |n| V::Num(-n)),
                    UnaryOperator::UnaryPlus => v.to_num().map_or(V::Unknown, V::Num),
                    UnaryOperator::BitwiseNot => v
                        .to_num()
                        .map_or(V::Unknown, |n| V::Num(f64::from(!to_i32(n)))),
                    UnaryOperator::Void => V::Undef,
                    _ => V::Unknown,
                }
            }
            Expression::BinaryExpression(b) => {
                let l = self.eval(&b.left);
                let r = self.eval(&b.right);
                self.binary(b.operator, &l, &r)
            }
            Expression::AssignmentExpression(a) => {
                let rhs = self.eval(&a.right);
                match &a.left {
                    AssignmentTarget::AssignmentTargetIdentifier(id) => {
                        let v = match a.operator {
                            AssignmentOperator::Assign => rhs,
                            op => {
                                let cur = self.lookup(id);
                                match op.to_binary_operator() {
                                    Some(bop) => self.binary(bop, &cur, &rhs),
                                    None => V::Unknown,
                                }
                            }
                        };
                        self.assign(id, v.clone());
                        v
                    }
                    AssignmentTarget::ComputedMemberExpression(m)
                        if a.operator == AssignmentOperator::Assign =>
                    {
                        let obj = self.eval(&m.object);
                        let key = self.eval(&m.expression);
                        self.set(&obj, &key, rhs.clone());
                        rhs
                    }
                    AssignmentTarget::StaticMemberExpression(m)
                        if a.operator == AssignmentOperator::Assign =>
                    {
                        let obj = self.eval(&m.object);
                        self.set(&obj, &V::str(m.property.name.as_str()), rhs.clone());
                        rhs
                    }
                    _ => V::Unknown,
                }
            }
            Expression::UpdateExpression(u) => {
                let SimpleAssignmentTarget::AssignmentTargetIdentifier(id) = &u.argument else {
                    return V::Unknown;
                };
                let Some(n) = self.lookup(id).to_num() else {
                    self.assign(id, V::Unknown);
                    return V::Unknown;
                };
                let new = if u.operator == UpdateOperator::Increment {
                    n + 1.0
                } else {
                    n - 1.0
                };
                self.assign(id, V::Num(new));
                V::Num(if u.prefix { new } else { n })
            }
            Expression::StaticMemberExpression(m) => {
                let obj = self.eval(&m.object);
                self.get(&obj, &V::str(m.property.name.as_str()))
            }
            Expression::ComputedMemberExpression(m) => {
                let obj = self.eval(&m.object);
                let key = self.eval(&m.expression);
                self.get(&obj, &key)
            }
            Expression::CallExpression(c) => {
                let mut args = Vec::with_capacity(c.arguments.len());
                for a in &c.arguments {
                    match a.as_expression() {
                        Some(x) => args.push(self.eval(x)),
                        None => return V::Unknown,
                    }
                }
                let callee = c.callee.without_parentheses();
                if let Some(m) = callee.as_member_expression() {
                    let obj = self.eval(m.object());
                    let name = match m {
                        MemberExpression::StaticMemberExpression(s) => {
                            V::str(s.property.name.as_str())
                        }
                        MemberExpression::ComputedMemberExpression(c) => self.eval(&c.expression),
                        MemberExpression::PrivateFieldExpression(_) => return V::Unknown,
                    };
                    let V::Str(name) = name else {
                        return V::Unknown;
                    };
                    if matches!(&*name, "call" | "apply") {
                        return self.call_method(&obj, &name, args);
                    }
                    // Buffer.from(…).toString(enc): the buffer is held as its text.
                    if matches!(obj, V::Builtin(_)) {
                        let f = self.get(&obj, &V::Str(name));
                        return self.call_value(&f, None, args);
                    }
                    if let V::Obj(o) = &obj {
                        let f = o.borrow().get(&*name).cloned().unwrap_or(V::Unknown);
                        return self.call_value(&f, Some(&obj), args);
                    }
                    return self.call_method(&obj, &name, args);
                }
                let f = self.eval(callee);
                self.call_value(&f, None, args)
            }
            _ => V::Unknown,
        }
    }

    fn set(&self, obj: &V, key: &V, v: V) {
        match obj {
            V::Obj(o) => {
                if let Some(k) = key.to_str() {
                    let mut o = o.borrow_mut();
                    if o.len() < MAX_ARRAY || o.contains_key(&k) {
                        o.insert(k, v);
                    }
                }
            }
            V::Arr(a) => {
                if let Some(i) = key.to_num().filter(|i| *i >= 0.0 && i.fract() == 0.0) {
                    let i = i as usize;
                    let mut a = a.borrow_mut();
                    if i < a.len() {
                        a[i] = v;
                    } else if i == a.len() && i < MAX_ARRAY {
                        a.push(v);
                    }
                }
            }
            _ => {}
        }
    }

    fn binary(&self, op: BinaryOperator, l: &V, r: &V) -> V {
        use BinaryOperator as B;
        if !l.known() || !r.known() {
            return V::Unknown;
        }
        let num = |f: fn(f64, f64) -> f64| match (l.to_num(), r.to_num()) {
            (Some(a), Some(b)) => V::Num(f(a, b)),
            _ => V::Unknown,
        };
        let int = |f: fn(i32, i32) -> i64| match (l.to_num(), r.to_num()) {
            (Some(a), Some(b)) => V::Num(f(to_i32(a), to_i32(b)) as f64),
            _ => V::Unknown,
        };
        match op {
            B::Addition => match (l, r) {
                (V::Str(_), _) | (_, V::Str(_)) | (V::Arr(_), _) | (_, V::Arr(_)) => {
                    match (l.to_str(), r.to_str()) {
                        (Some(a), Some(b)) => self.made(a + &b),
                        _ => V::Unknown,
                    }
                }
                _ => num(|a, b| a + b),
            },
            B::Subtraction => num(|a, b| a - b),
            B::Multiplication => num(|a, b| a * b),
            B::Division => num(|a, b| a / b),
            B::Remainder => num(|a, b| a % b),
            B::BitwiseXOR => int(|a, b| i64::from(a ^ b)),
            B::BitwiseAnd => int(|a, b| i64::from(a & b)),
            B::BitwiseOR => int(|a, b| i64::from(a | b)),
            B::ShiftLeft => int(|a, b| i64::from(a.wrapping_shl(b as u32 & 31))),
            B::ShiftRight => int(|a, b| i64::from(a >> (b as u32 & 31))),
            B::ShiftRightZeroFill => int(|a, b| i64::from((a as u32) >> (b as u32 & 31))),
            B::StrictEquality | B::Equality | B::StrictInequality | B::Inequality => {
                let eq = match (l, r) {
                    (V::Str(a), V::Str(b)) => Some(a == b),
                    (V::Num(a), V::Num(b)) => Some(a == b),
                    (V::Bool(a), V::Bool(b)) => Some(a == b),
                    (V::Undef | V::Null, V::Undef | V::Null)
                        if matches!(op, B::Equality | B::Inequality) =>
                    {
                        Some(true)
                    }
                    (V::Undef, V::Undef) | (V::Null, V::Null) => Some(true),
                    (V::Str(_) | V::Num(_) | V::Bool(_) | V::Undef | V::Null, _)
                        if matches!(op, B::StrictEquality | B::StrictInequality)
                            && !matches!(r, V::Arr(_) | V::Obj(_) | V::Fn(_) | V::Builtin(_)) =>
                    {
                        Some(false)
                    }
                    _ => None,
                };
                match eq {
                    Some(e) => V::Bool(if matches!(op, B::StrictEquality | B::Equality) {
                        e
                    } else {
                        !e
                    }),
                    None => V::Unknown,
                }
            }
            B::LessThan | B::GreaterThan | B::LessEqualThan | B::GreaterEqualThan => {
                let (Some(a), Some(b)) = (l.to_num(), r.to_num()) else {
                    return V::Unknown;
                };
                V::Bool(match op {
                    B::LessThan => a < b,
                    B::GreaterThan => a > b,
                    B::LessEqualThan => a <= b,
                    _ => a >= b,
                })
            }
            B::In => match (l.to_str(), r) {
                (Some(k), V::Obj(o)) => V::Bool(o.borrow().contains_key(&k)),
                _ => V::Unknown,
            },
            _ => V::Unknown,
        }
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

    fn top_level(src: &str, name: &str) -> Option<String> {
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
        let seeds = ev.seeds();
        let sc = sem.scoping();
        let sid = sc.get_root_binding(name.into())?;
        match seeds.get(&(sid.index() as Key))? {
            Alias::Str(f) => Some(f.value.clone()),
            _ => None,
        }
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
