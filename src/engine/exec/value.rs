//! JS → host conversion of values coming back across the boundary.
//!
//! Bounded in depth, width, node count and string length; detects cycles; reads own *data*
//! properties only, so no getter, Proxy trap, `toJSON` or `valueOf` of the script ever runs;
//! Proxies are opaque (`[Proxy]`); strings with lone surrogates convert lossily, never panic.
//! Builtin behaviour (Date time, Map/Set contents, RegExp source/flags, error stacks) comes only
//! from intrinsics captured at context setup ([`capture_intrinsics`]). Cost follows the display
//! caps: long strings are sliced in the engine, huge BigInts are summarised from linear hex.

use super::JsError;
use crate::engine::text;
use rquickjs::{qjs, Ctx, Type, Value};
use serde_json::{Map as JsonMap, Number, Value as Json};
use std::ffi::c_void;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU8, Ordering};

pub(crate) const MAX_DEPTH: usize = 32;
pub(crate) const MAX_WIDTH: usize = 1_000;
pub(crate) const MAX_NODES: usize = 20_000;
pub(crate) const MAX_STRING_CHARS: usize = 64 * 1024;
/// All strings of one converted value together keep at most this many characters.
pub(crate) const MAX_TOTAL_CHARS: usize = 1024 * 1024;
/// `value_display` never exceeds this many characters.
pub(crate) const MAX_DISPLAY_CHARS: usize = 4_096;
const DISPLAY_WIDTH: usize = 50;
const MAX_PROTO_WALK: usize = 32;

/// A converted value.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Node {
    Undefined,
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    BigInt(String),
    Symbol(Option<String>),
    Function(String),
    Array(Vec<Node>, usize),
    TypedArray(&'static str, Vec<Node>, usize),
    ArrayBuffer(usize),
    Object(Option<String>, Vec<(String, Node)>, usize),
    Error(String, String),
    Date(Option<f64>),
    /// Entries (`[key, value]` arrays for maps), entries not shown, map or set.
    Collection(bool, Vec<Node>, usize),
    RegExp(String),
    Promise(&'static str),
    Special(&'static str),
    Getter,
    Proxy,
    Circular,
    TooDeep,
    TooMany,
}

/// Intrinsic functions captured when a context is set up, before any script ran. Conversion
/// calls these (with the value as `this`), never a method found on the value or its prototype
/// chain, so a script cannot make the host run its code or forge what is shown.
pub(crate) struct Intrinsics<'js> {
    slice: Value<'js>,
    bigint_to_string: Value<'js>,
    get_time: Value<'js>,
    map_entries: Value<'js>,
    set_values: Value<'js>,
    map_size: Value<'js>,
    set_size: Value<'js>,
    map_next: Value<'js>,
    set_next: Value<'js>,
    error_stack: Value<'js>,
    symbol_description: Value<'js>,
    regexp_source: Value<'js>,
    /// The flag getters in `RegExp.prototype.flags` order, each with its letter.
    regexp_flags: Vec<(char, Value<'js>)>,
}

// SAFETY: the struct only holds values of the context it is stored in.
unsafe impl<'js> rquickjs::JsLifetime<'js> for Intrinsics<'js> {
    type Changed<'to> = Intrinsics<'to>;
}

/// Captures the intrinsics conversion uses. Call on a fresh context, before any script runs.
pub(crate) fn capture_intrinsics<'js>(ctx: &Ctx<'js>) -> rquickjs::Result<()> {
    let undef = || -> Value<'js> { Value::new_undefined(ctx.clone()) };
    let proto = |name: &str| -> Value<'js> {
        ctx.globals()
            .get::<_, rquickjs::Object>(name)
            .and_then(|c| c.get::<_, Value>("prototype"))
            .unwrap_or_else(|_| undef())
    };
    let data = |o: &Value<'js>, name: &std::ffi::CStr| -> Value<'js> {
        if !o.is_object() {
            return undef();
        }
        match own_named(o, name) {
            Own::Data(d) => d,
            _ => undef(),
        }
    };
    let getter = |o: &Value<'js>, name: &std::ffi::CStr| -> Value<'js> {
        if !o.is_object() {
            return undef();
        }
        match own_named(o, name) {
            Own::Accessor(g) => g,
            _ => undef(),
        }
    };
    let (rp, syp) = (proto("RegExp"), proto("Symbol"));
    let sp = proto("String");
    let slice = data(&sp, c"slice");
    // Before anything below calls a captured builtin.
    verify_native_class(&slice);
    let regexp_flags = [
        ('d', c"hasIndices"),
        ('g', c"global"),
        ('i', c"ignoreCase"),
        ('m', c"multiline"),
        ('s', c"dotAll"),
        ('u', c"unicode"),
        ('v', c"unicodeSets"),
        ('y', c"sticky"),
    ]
    .into_iter()
    .map(|(ch, name)| (ch, getter(&rp, name)))
    .filter(|(_, g)| g.is_object())
    .collect();
    let (bp, dp, mp, setp, ep) = (
        proto("BigInt"),
        proto("Date"),
        proto("Map"),
        proto("Set"),
        proto("Error"),
    );
    let map_entries = data(&mp, c"entries");
    let set_values = data(&setp, c"values");
    // The iterators' `next` live on their own hidden prototypes: reach them through a fresh
    // Map and Set (no script has run yet, so nothing here is the script's).
    let iter_next = |ctor: &str, method: &Value<'js>| -> Value<'js> {
        let Ok(c) = ctx.globals().get::<_, rquickjs::Constructor>(ctor) else {
            return undef();
        };
        let Ok(inst) = c.construct::<_, Value>(()) else {
            return undef();
        };
        call_native(&inst, method)
            .and_then(|it| prototype(&it))
            .map_or_else(undef, |p| data(&p, c"next"))
    };
    let intr = Intrinsics {
        slice,
        bigint_to_string: data(&bp, c"toString"),
        get_time: data(&dp, c"getTime"),
        map_size: getter(&mp, c"size"),
        set_size: getter(&setp, c"size"),
        map_next: iter_next("Map", &map_entries),
        set_next: iter_next("Set", &set_values),
        map_entries,
        set_values,
        error_stack: getter(&ep, c"stack"),
        symbol_description: getter(&syp, c"description"),
        regexp_source: getter(&rp, c"source"),
        regexp_flags,
    };
    // A context is set up once; a second capture keeps the first (earlier, so safer) set.
    let _ = ctx.store_userdata(intr);
    Ok(())
}

/// One captured intrinsic of `v`'s context, if the context was set up with them.
fn intrinsic<'js>(
    v: &Value<'js>,
    pick: impl Fn(&Intrinsics<'js>) -> Value<'js>,
) -> Option<Value<'js>> {
    let ctx = v.ctx();
    let g = ctx.userdata::<Intrinsics<'js>>()?;
    let f = pick(&g);
    f.is_object().then_some(f)
}

/// Length in UTF-16 units of a JS string (no script code runs for a primitive string).
fn string_units(v: &Value<'_>) -> Option<usize> {
    let raw = v.ctx().as_raw().as_ptr();
    // SAFETY: v is a primitive string: `length` is read directly, no getter runs.
    let l = unsafe { qjs::JS_GetPropertyStr(raw, v.as_raw(), c"length".as_ptr()) };
    // SAFETY: ownership moves into the Value.
    let l = unsafe { Value::from_raw(v.ctx().clone(), l) };
    if l.is_exception() {
        clear_exception(v.ctx());
        return None;
    }
    l.as_number()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n as usize)
}

/// Reads a JS string (or any primitive's string form for strings/BigInts) lossily and bounded.
/// A long string is first cut in the engine (the original `String.prototype.slice`), so the
/// cost follows `max_chars`, not the string's size.
pub(crate) fn js_string(v: &Value<'_>, max_chars: usize) -> String {
    if v.is_string() {
        let keep = max_chars.saturating_mul(2).saturating_add(2);
        if string_units(v).is_some_and(|n| n > keep) {
            let ctx = v.ctx();
            let end = i32::try_from(keep).unwrap_or(i32::MAX);
            let args = [
                Value::new_int(ctx.clone(), 0),
                Value::new_int(ctx.clone(), end),
            ];
            if let Some(head) = intrinsic(v, |i| i.slice.clone())
                .and_then(|f| call_native_with(v, &f, &args))
                .filter(|h| h.is_string())
            {
                return read_cstring(&head, max_chars, true);
            }
        }
    }
    read_cstring(v, max_chars, false)
}

fn read_cstring(v: &Value<'_>, max_chars: usize, already_cut: bool) -> String {
    let ctx = v.ctx().as_raw().as_ptr();
    let mut len: qjs::size_t = 0;
    // SAFETY: ctx is live; the value is a borrowed, live JSValue. For strings and BigInts no
    // script code runs.
    let p = unsafe { qjs::JS_ToCStringLen2(ctx, &mut len, v.as_raw(), false) };
    if p.is_null() {
        clear_exception(v.ctx());
        return "[unreadable string]".to_string();
    }
    let n = (len as usize).min(max_chars.saturating_mul(4));
    // SAFETY: p points at len bytes (plus NUL) owned by QuickJS until freed below.
    let bytes = unsafe { std::slice::from_raw_parts(p.cast::<u8>(), n) };
    let s = String::from_utf8_lossy(bytes).into_owned();
    // SAFETY: p came from JS_ToCStringLen2 on this context.
    unsafe { qjs::JS_FreeCString(ctx, p) };
    let cut = already_cut || (len as usize) > n;
    let t = text::truncate(&s, max_chars).into_owned();
    if cut && t.len() == s.len() {
        format!("{t}…")
    } else {
        t
    }
}

/// Decimal digits shown for a BigInt before it is summarised instead.
const MAX_BIGINT_DIGITS: usize = 1000;

/// A BigInt's text: exact decimal up to [`MAX_BIGINT_DIGITS`]; beyond, a hex prefix and the
/// approximate number of digits (decimal conversion is quadratic, hex is linear).
fn bigint_text(v: &Value<'_>) -> String {
    let ctx = v.ctx();
    let hex = intrinsic(v, |i| i.bigint_to_string.clone())
        .and_then(|f| call_native_with(v, &f, &[Value::new_int(ctx.clone(), 16)]))
        .filter(|h| h.is_string());
    let Some(hex) = hex else {
        return js_string(v, MAX_BIGINT_DIGITS);
    };
    let units = string_units(&hex).unwrap_or(0);
    // log10(16) decimal digits per hex digit.
    let digits = (units as f64 * std::f64::consts::LOG10_2 * 4.0).ceil() as usize;
    if digits <= MAX_BIGINT_DIGITS {
        return js_string(v, MAX_BIGINT_DIGITS);
    }
    let h = js_string(&hex, 32);
    let (sign, h) = match h.strip_prefix('-') {
        Some(rest) => ("-", rest.to_string()),
        None => ("", h),
    };
    format!("{sign}0x{h}n (≈{digits} decimal digits)")
}

fn clear_exception(ctx: &Ctx<'_>) {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: raw is live; the returned exception is owned and freed here.
    unsafe {
        let e = qjs::JS_GetException(raw);
        qjs::JS_FreeValue(raw, e);
    }
}

enum Own<'js> {
    Missing,
    Data(Value<'js>),
    Accessor(Value<'js>),
}

fn own_atom<'js>(v: &Value<'js>, atom: qjs::JSAtom) -> Own<'js> {
    let ctx = v.ctx();
    let raw = ctx.as_raw().as_ptr();
    let mut desc = qjs::JSPropertyDescriptor {
        flags: 0,
        value: qjs::JS_UNDEFINED,
        getter: qjs::JS_UNDEFINED,
        setter: qjs::JS_UNDEFINED,
    };
    // SAFETY: v is a live object that is not a Proxy (callers check), so no script code runs.
    let rc = unsafe { qjs::JS_GetOwnProperty(raw, &mut desc, v.as_raw(), atom) };
    if rc < 0 {
        clear_exception(ctx);
        return Own::Missing;
    }
    if rc == 0 {
        return Own::Missing;
    }
    // SAFETY: the descriptor's values are owned by us now.
    unsafe { qjs::JS_FreeValue(raw, desc.setter) };
    if desc.flags & (qjs::JS_PROP_GETSET as i32) != 0 {
        // SAFETY: as above (an accessor's value slot is unused).
        unsafe { qjs::JS_FreeValue(raw, desc.value) };
        // SAFETY: ownership of desc.getter moves into the Value.
        return Own::Accessor(unsafe { Value::from_raw(ctx.clone(), desc.getter) });
    }
    // SAFETY: as above.
    unsafe { qjs::JS_FreeValue(raw, desc.getter) };
    // SAFETY: ownership of desc.value moves into the Value.
    Own::Data(unsafe { Value::from_raw(ctx.clone(), desc.value) })
}

fn own_named<'js>(v: &Value<'js>, name: &std::ffi::CStr) -> Own<'js> {
    let raw = v.ctx().as_raw().as_ptr();
    // SAFETY: name is NUL-terminated; the atom is freed below.
    let atom = unsafe { qjs::JS_NewAtom(raw, name.as_ptr()) };
    let r = own_atom(v, atom);
    // SAFETY: atom came from JS_NewAtom on this context.
    unsafe { qjs::JS_FreeAtom(raw, atom) };
    r
}

fn own_index<'js>(v: &Value<'js>, i: u32) -> Own<'js> {
    let raw = v.ctx().as_raw().as_ptr();
    // SAFETY: the atom is freed below.
    let atom = unsafe { qjs::JS_NewAtomUInt32(raw, i) };
    let r = own_atom(v, atom);
    // SAFETY: atom came from this context.
    unsafe { qjs::JS_FreeAtom(raw, atom) };
    r
}

fn is_proxy(v: &Value<'_>) -> bool {
    // SAFETY: plain tag/class check.
    unsafe { qjs::JS_IsProxy(v.as_raw()) }
}

fn prototype<'js>(v: &Value<'js>) -> Option<Value<'js>> {
    if is_proxy(v) {
        return None;
    }
    let raw = v.ctx().as_raw().as_ptr();
    // SAFETY: for a non-Proxy object JS_GetPrototype runs no script code; result is owned.
    let p = unsafe { qjs::JS_GetPrototype(raw, v.as_raw()) };
    // SAFETY: ownership moves into the Value.
    let p = unsafe { Value::from_raw(v.ctx().clone(), p) };
    if p.is_exception() {
        clear_exception(v.ctx());
        return None;
    }
    p.is_object().then_some(p)
}

/// A data property found on the object or its prototype chain, without running getters (a
/// property that override taming turned into an accessor reads as the data it was).
fn lookup_data<'js>(v: &Value<'js>, name: &std::ffi::CStr) -> Option<Value<'js>> {
    let mut cur = v.clone();
    for _ in 0..MAX_PROTO_WALK {
        if is_proxy(&cur) {
            return None;
        }
        match own_named(&cur, name) {
            Own::Data(d) => return Some(d),
            Own::Accessor(g) => return super::freeze::tamed_value(v.ctx(), &g),
            Own::Missing => cur = prototype(&cur)?,
        }
    }
    None
}

/// QuickJS class id of C functions (quickjs.c `JS_CLASS_C_FUNCTION`): builtins written in C,
/// which run no script code when called as a plain getter. QuickJS does not export it, so it
/// is checked against a known C builtin whenever a context is set up ([`NATIVE_CLASS`]).
const JS_CLASS_C_FUNCTION: u32 = 12;

/// Whether [`JS_CLASS_C_FUNCTION`] is this QuickJS build's class of C functions: `UNCHECKED`
/// until the first context is set up, then `VERIFIED`, or `MISMATCH` for good once any check
/// fails. [`call_native_with`] calls nothing unless it is `VERIFIED` (fail closed: a stale
/// constant makes conversion show less, never call a script function).
static NATIVE_CLASS: AtomicU8 = AtomicU8::new(UNCHECKED);
const UNCHECKED: u8 = 0;
const VERIFIED: u8 = 1;
const MISMATCH: u8 = 2;

fn class_id(f: &Value<'_>) -> u32 {
    // SAFETY: reads the class of a live value (0 for a non-object).
    unsafe { qjs::JS_GetClassID(f.as_raw()) }
}

/// Checks [`JS_CLASS_C_FUNCTION`] against `known`, a C builtin captured before any script ran.
fn verify_native_class(known: &Value<'_>) {
    if known.is_object() && class_id(known) == JS_CLASS_C_FUNCTION {
        let _ =
            NATIVE_CLASS.compare_exchange(UNCHECKED, VERIFIED, Ordering::SeqCst, Ordering::SeqCst);
    } else {
        NATIVE_CLASS.store(MISMATCH, Ordering::SeqCst);
    }
}

/// Whether `f` is a C builtin, as far as a verified class id can tell (`state`: of
/// [`NATIVE_CLASS`]); never when the class id is not verified.
fn is_c_function(f: &Value<'_>, state: u8) -> bool {
    state == VERIFIED && f.is_object() && class_id(f) == JS_CLASS_C_FUNCTION
}

/// Calls `f` with `this = v` and no arguments, only if `f` is a C builtin.
fn call_native<'js>(v: &Value<'js>, f: &Value<'js>) -> Option<Value<'js>> {
    call_native_with(v, f, &[])
}

/// Calls `f` with `this = v` and `args`, only if `f` is a C builtin.
fn call_native_with<'js>(
    v: &Value<'js>,
    f: &Value<'js>,
    args: &[Value<'js>],
) -> Option<Value<'js>> {
    if !is_c_function(f, NATIVE_CLASS.load(Ordering::SeqCst)) {
        return None;
    }
    let raw = v.ctx().as_raw().as_ptr();
    let mut argv: Vec<qjs::JSValue> = args.iter().map(|a| a.as_raw()).collect();
    let argc = i32::try_from(argv.len()).unwrap_or(0);
    // SAFETY: f is a C builtin; the arguments are borrowed live values; the result is owned.
    let r = unsafe { qjs::JS_Call(raw, f.as_raw(), v.as_raw(), argc, argv.as_mut_ptr()) };
    // SAFETY: ownership moves into the Value.
    let r = unsafe { Value::from_raw(v.ctx().clone(), r) };
    if r.is_exception() {
        clear_exception(v.ctx());
        return None;
    }
    Some(r)
}

/// An error's `stack`: an own (or inherited) data property, or the original
/// `Error.prototype.stack` getter captured at setup; any other getter is not run.
fn stack_of<'js>(v: &Value<'js>) -> Option<Value<'js>> {
    let mut cur = v.clone();
    for _ in 0..MAX_PROTO_WALK {
        if is_proxy(&cur) {
            return None;
        }
        match own_named(&cur, c"stack") {
            Own::Data(d) => return Some(d),
            Own::Accessor(g) => {
                let orig = intrinsic(v, |i| i.error_stack.clone())?;
                if !g.is_object() || ptr_of(&g) != ptr_of(&orig) {
                    return None;
                }
                return call_native(v, &orig);
            }
            Own::Missing => cur = prototype(&cur)?,
        }
    }
    None
}

fn string_prop(v: &Value<'_>, name: &std::ffi::CStr, max: usize) -> Option<String> {
    lookup_data(v, name)
        .filter(|s| s.is_string())
        .map(|s| js_string(&s, max))
}

fn ptr_of(v: &Value<'_>) -> *mut c_void {
    // SAFETY: only called on objects.
    unsafe { qjs::JS_VALUE_GET_PTR(v.as_raw()) }
}

struct Walker {
    nodes: usize,
    chars_left: usize,
    path: Vec<*mut c_void>,
}

const TYPED_NAMES: [&str; 12] = [
    "Uint8ClampedArray",
    "Int8Array",
    "Uint8Array",
    "Int16Array",
    "Uint16Array",
    "Int32Array",
    "Uint32Array",
    "BigInt64Array",
    "BigUint64Array",
    "Float16Array",
    "Float32Array",
    "Float64Array",
];

impl Walker {
    fn walk<'js>(&mut self, v: &Value<'js>, depth: usize) -> Node {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return Node::TooMany;
        }
        if v.is_object() && is_proxy(v) {
            return Node::Proxy;
        }
        match v.type_of() {
            Type::Uninitialized | Type::Undefined => Node::Undefined,
            Type::Null => Node::Null,
            Type::Bool => Node::Bool(v.as_bool().unwrap_or(false)),
            Type::Int => Node::Num(f64::from(v.as_int().unwrap_or(0))),
            Type::Float => Node::Num(v.as_float().unwrap_or(f64::NAN)),
            Type::String => {
                let max = MAX_STRING_CHARS.min(self.chars_left);
                let t = js_string(v, max);
                self.chars_left = self.chars_left.saturating_sub(t.chars().count());
                Node::Str(t)
            }
            Type::BigInt => Node::BigInt(bigint_text(v)),
            Type::Symbol => Node::Symbol(
                intrinsic(v, |i| i.symbol_description.clone())
                    .and_then(|g| call_native(v, &g))
                    .filter(|d| d.is_string())
                    .map(|d| js_string(&d, 200)),
            ),
            Type::Function | Type::Constructor => {
                Node::Function(string_prop(v, c"name", 200).unwrap_or_default())
            }
            Type::Promise => {
                let raw = v.ctx().as_raw().as_ptr();
                // SAFETY: v is a live promise.
                let st = unsafe { qjs::JS_PromiseState(raw, v.as_raw()) };
                Node::Promise(match st {
                    qjs::JSPromiseStateEnum_JS_PROMISE_FULFILLED => "fulfilled",
                    qjs::JSPromiseStateEnum_JS_PROMISE_REJECTED => "rejected",
                    _ => "pending",
                })
            }
            Type::Exception => Node::Error(
                string_prop(v, c"name", 200).unwrap_or_else(|| "Error".into()),
                string_prop(v, c"message", 2000).unwrap_or_default(),
            ),
            Type::Array | Type::Object => self.walk_object(v, depth),
            _ => Node::Special("[unknown]"),
        }
    }

    fn walk_object<'js>(&mut self, v: &Value<'js>, depth: usize) -> Node {
        let p = ptr_of(v);
        if self.path.contains(&p) {
            return Node::Circular;
        }
        if depth >= MAX_DEPTH {
            return Node::TooDeep;
        }
        let raw = v.ctx().as_raw().as_ptr();
        let jv = v.as_raw();
        // SAFETY: class checks only.
        let (is_array, is_date, is_regexp, is_map, is_set, is_ab, ta) = unsafe {
            (
                qjs::JS_IsArray(jv),
                qjs::JS_IsDate(jv),
                qjs::JS_IsRegExp(jv),
                qjs::JS_IsMap(jv),
                qjs::JS_IsSet(jv),
                qjs::JS_IsArrayBuffer(jv),
                qjs::JS_GetTypedArrayType(jv),
            )
        };
        if is_date {
            let ms = intrinsic(v, |i| i.get_time.clone())
                .and_then(|f| call_native(v, &f))
                .and_then(|t| t.as_number());
            return Node::Date(ms);
        }
        if is_regexp {
            // The original getters read the regexp's internal pattern and flags: whatever the
            // script shadowed or replaced on it is not consulted.
            let src = intrinsic(v, |i| i.regexp_source.clone())
                .and_then(|g| call_native(v, &g))
                .filter(|x| x.is_string());
            let flags = v
                .ctx()
                .userdata::<Intrinsics>()
                .map(|i| i.regexp_flags.clone());
            let flags: Option<String> = flags.and_then(|fl| {
                fl.iter()
                    .map(|(ch, g)| call_native(v, g).and_then(|b| b.as_bool()).map(|b| (ch, b)))
                    .filter(|r| r.is_none_or(|(_, b)| b))
                    .map(|r| r.map(|(ch, _)| *ch))
                    .collect()
            });
            return match (src, flags) {
                (Some(s), Some(f)) => Node::RegExp(format!("/{}/{f}", js_string(&s, 2000))),
                _ => Node::Special("[RegExp]"),
            };
        }
        if is_map || is_set {
            self.path.push(p);
            let node = self.walk_collection(v, is_map, depth);
            self.path.pop();
            return node;
        }
        if is_ab {
            let mut size: qjs::size_t = 0;
            // SAFETY: v is an ArrayBuffer.
            let ptr = unsafe { qjs::JS_GetArrayBuffer(raw, &mut size, jv) };
            if ptr.is_null() {
                clear_exception(v.ctx());
            }
            return Node::ArrayBuffer(size as usize);
        }
        self.path.push(p);
        let node = if is_array || ta >= 0 {
            let len = if ta >= 0 {
                typed_len(v)
            } else {
                match own_named(v, c"length") {
                    Own::Data(l) => l.as_number().unwrap_or(0.0),
                    _ => 0.0,
                }
            };
            let len = if len.is_finite() && len > 0.0 {
                len.min(u32::MAX as f64) as usize
            } else {
                0
            };
            let shown = len.min(MAX_WIDTH);
            let mut items = Vec::with_capacity(shown);
            for i in 0..shown {
                if self.nodes > MAX_NODES {
                    break;
                }
                items.push(match own_index(v, i as u32) {
                    Own::Data(x) => self.walk(&x, depth + 1),
                    Own::Accessor(_) => Node::Getter,
                    Own::Missing => Node::Undefined,
                });
            }
            let more = len - items.len();
            if ta >= 0 {
                let name = usize::try_from(ta)
                    .ok()
                    .and_then(|i| TYPED_NAMES.get(i))
                    .copied()
                    .unwrap_or("TypedArray");
                Node::TypedArray(name, items, more)
            } else {
                Node::Array(items, more)
            }
        } else {
            self.walk_plain(v, depth)
        };
        self.path.pop();
        node
    }

    /// Map/Set contents through their C builtins (`entries`/`values` and the iterator's
    /// `next`); runs while the evaluation's limits are still armed.
    fn walk_collection<'js>(&mut self, v: &Value<'js>, is_map: bool, depth: usize) -> Node {
        let size = intrinsic(v, |i| {
            if is_map {
                i.map_size.clone()
            } else {
                i.set_size.clone()
            }
        })
        .and_then(|g| call_native(v, &g))
        .and_then(|n| n.as_number())
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map_or(0, |n| n as usize);
        let mut items = Vec::new();
        let iter = intrinsic(v, |i| {
            if is_map {
                i.map_entries.clone()
            } else {
                i.set_values.clone()
            }
        })
        .and_then(|f| call_native(v, &f));
        if let Some(it) = iter.filter(|i| i.is_object()) {
            if let Some(next) = intrinsic(v, |i| {
                if is_map {
                    i.map_next.clone()
                } else {
                    i.set_next.clone()
                }
            }) {
                while items.len() < MAX_WIDTH && self.nodes <= MAX_NODES {
                    let Some(r) = call_native(&it, &next).filter(|r| r.is_object()) else {
                        break;
                    };
                    if let Own::Data(d) = own_named(&r, c"done") {
                        if d.as_bool() != Some(false) {
                            break;
                        }
                    }
                    match own_named(&r, c"value") {
                        Own::Data(x) => items.push(self.walk(&x, depth + 1)),
                        _ => break,
                    }
                }
            }
        }
        let more = size.saturating_sub(items.len());
        Node::Collection(is_map, items, more)
    }

    fn walk_plain<'js>(&mut self, v: &Value<'js>, depth: usize) -> Node {
        let ctx = v.ctx();
        let raw = ctx.as_raw().as_ptr();
        // A Proxy prototype would run its getOwnPropertyDescriptor trap: no class name then.
        let class = prototype(v).filter(|p| !is_proxy(p)).and_then(|proto| {
            let ctor = match own_named(&proto, c"constructor") {
                Own::Data(c) => c,
                _ => return None,
            };
            if !ctor.is_function() || is_proxy(&ctor) {
                return None;
            }
            match own_named(&ctor, c"name") {
                Own::Data(n) if n.is_string() => Some(js_string(&n, 100)),
                _ => None,
            }
        });
        let class = class.filter(|c| c != "Object");
        let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
        let mut len: u32 = 0;
        let flags = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_ENUM_ONLY) as i32;
        // SAFETY: v is a non-Proxy object: no script code runs. tab is freed below.
        let rc = unsafe { qjs::JS_GetOwnPropertyNames(raw, &mut tab, &mut len, v.as_raw(), flags) };
        if rc < 0 || tab.is_null() {
            clear_exception(ctx);
            return Node::Object(class, Vec::new(), 0);
        }
        // SAFETY: tab holds len entries until freed.
        let entries = unsafe { std::slice::from_raw_parts(tab, len as usize) };
        let mut props = Vec::new();
        for e in entries.iter().take(MAX_WIDTH) {
            // Keys count against the character budget like string values do.
            if self.nodes > MAX_NODES || self.chars_left == 0 {
                break;
            }
            // SAFETY: atom is valid while tab lives; the key value is owned.
            let key = unsafe { Value::from_raw(ctx.clone(), qjs::JS_AtomToString(raw, e.atom)) };
            let key = if key.is_string() {
                js_string(&key, 200)
            } else {
                clear_exception(ctx);
                "?".to_string()
            };
            self.chars_left = self.chars_left.saturating_sub(key.chars().count());
            let node = match own_atom(v, e.atom) {
                Own::Data(x) => self.walk(&x, depth + 1),
                Own::Accessor(_) => Node::Getter,
                Own::Missing => continue,
            };
            props.push((key, node));
        }
        let more = (len as usize).saturating_sub(props.len());
        // SAFETY: tab/len came from JS_GetOwnPropertyNames on this context.
        unsafe { qjs::JS_FreePropertyEnum(raw, tab, len) };
        Node::Object(class, props, more)
    }
}

fn typed_len(v: &Value<'_>) -> f64 {
    let raw = v.ctx().as_raw().as_ptr();
    let (mut off, mut blen, mut bpe): (qjs::size_t, qjs::size_t, qjs::size_t) = (0, 0, 0);
    // SAFETY: v is a typed array; the returned buffer reference is freed here.
    let buf =
        unsafe { qjs::JS_GetTypedArrayBuffer(raw, v.as_raw(), &mut off, &mut blen, &mut bpe) };
    // SAFETY: ownership moves into the Value (dropped at once).
    let buf = unsafe { Value::from_raw(v.ctx().clone(), buf) };
    if buf.is_exception() {
        clear_exception(v.ctx());
        return 0.0;
    }
    blen.checked_div(bpe).map_or(0.0, |n| n as f64)
}

/// `YYYY-MM-DDTHH:MM:SS.mmmZ` of a time value, as `Date.prototype.toISOString` prints it.
pub(crate) fn iso_date(ms: f64) -> Option<String> {
    if !ms.is_finite() || ms.abs() > 8.64e15 {
        return None;
    }
    let ms = ms as i64;
    let days = ms.div_euclid(86_400_000);
    let rem = ms.rem_euclid(86_400_000);
    // Civil from days (H. Hinnant).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let (h, mi, s, milli) = (
        rem / 3_600_000,
        rem / 60_000 % 60,
        rem / 1000 % 60,
        rem % 1000,
    );
    let year = if (0..=9999).contains(&y) {
        format!("{y:04}")
    } else if y < 0 {
        format!("-{:06}", -y)
    } else {
        format!("+{y:06}")
    };
    Some(format!(
        "{year}-{m:02}-{d:02}T{h:02}:{mi:02}:{s:02}.{milli:03}Z"
    ))
}

/// Converts a JS value into a bounded tree.
pub(crate) fn to_node(v: &Value<'_>) -> Node {
    let mut w = Walker {
        nodes: 0,
        chars_left: MAX_TOTAL_CHARS,
        path: Vec::new(),
    };
    w.walk(v, 0)
}

fn num_json(n: f64) -> Json {
    if n.fract() == 0.0 && n.abs() < 9.007_199_254_740_992e15 {
        Json::Number(Number::from(n as i64))
    } else {
        Number::from_f64(n).map_or(Json::Null, Json::Number)
    }
}

impl Node {
    /// The value as JSON, following `JSON.stringify` where it can: `undefined`, functions and
    /// symbols are `None` (dropped from objects, `null` in arrays), BigInts become decimal
    /// strings, Proxies and getters stay unread.
    pub(crate) fn to_json(&self) -> Option<Json> {
        Some(match self {
            Node::Undefined | Node::Symbol(_) | Node::Function(_) => return None,
            Node::Null => Json::Null,
            Node::Bool(b) => Json::Bool(*b),
            Node::Num(n) => num_json(*n),
            Node::Str(s) => Json::String(s.clone()),
            Node::BigInt(s) => Json::String(s.clone()),
            Node::Array(items, _) | Node::TypedArray(_, items, _) => Json::Array(
                items
                    .iter()
                    .map(|i| i.to_json().unwrap_or(Json::Null))
                    .collect(),
            ),
            Node::ArrayBuffer(_) => Json::Object(JsonMap::new()),
            Node::Object(_, props, _) => {
                let mut m = JsonMap::new();
                for (k, v) in props {
                    if let Some(j) = v.to_json() {
                        m.insert(k.clone(), j);
                    }
                }
                Json::Object(m)
            }
            Node::Error(name, message) => {
                let mut m = JsonMap::new();
                m.insert("name".into(), Json::String(name.clone()));
                m.insert("message".into(), Json::String(message.clone()));
                Json::Object(m)
            }
            Node::Date(ms) => ms.and_then(iso_date).map_or(Json::Null, Json::String),
            Node::Collection(_, items, _) => Json::Array(
                items
                    .iter()
                    .map(|i| i.to_json().unwrap_or(Json::Null))
                    .collect(),
            ),
            Node::RegExp(_) | Node::Promise(_) | Node::Special(_) => Json::Object(JsonMap::new()),
            Node::Getter | Node::Proxy | Node::Circular | Node::TooDeep | Node::TooMany => {
                Json::String(self.display())
            }
        })
    }

    /// The display of a run's completion value: as [`Node::display`], but a string is quoted
    /// (with `\\` and `\"` escaped), so the string `"undefined"` never looks like `undefined`.
    pub(crate) fn value_display(&self) -> String {
        let Node::Str(s) = self else {
            return self.display();
        };
        // Two characters for the quotes, within the same bound as every display.
        let room = MAX_DISPLAY_CHARS - 2;
        let mut q = String::with_capacity(s.len().min(room) + 2);
        q.push('"');
        for c in s.chars().take(room) {
            if matches!(c, '"' | '\\') {
                q.push('\\');
            }
            q.push(c);
        }
        let cut = s.chars().nth(room).is_some();
        q.push_str(if cut { "…" } else { "\"" });
        text::escape(&q, false).into_owned()
    }

    /// A bounded, escaped one-line display (for terminals and logs).
    pub(crate) fn display(&self) -> String {
        let mut out = String::new();
        self.fmt_into(&mut out, true);
        let t = text::truncate(&out, MAX_DISPLAY_CHARS).into_owned();
        text::escape(&t, false).into_owned()
    }

    fn fmt_into(&self, out: &mut String, top: bool) {
        if out.len() > MAX_DISPLAY_CHARS * 4 {
            return;
        }
        match self {
            Node::Undefined => out.push_str("undefined"),
            Node::Null => out.push_str("null"),
            Node::Bool(b) => {
                let _ = write!(out, "{b}");
            }
            Node::Num(n) => out.push_str(&fmt_num(*n)),
            Node::Str(s) => {
                if top {
                    out.push_str(s);
                } else {
                    let _ = write!(out, "{s:?}");
                }
            }
            // A summarised huge BigInt already carries its `n` (see `bigint_text`).
            Node::BigInt(s) if s.contains('≈') => out.push_str(s),
            Node::BigInt(s) => {
                let _ = write!(out, "{s}n");
            }
            Node::Symbol(d) => {
                let _ = write!(out, "Symbol({})", d.as_deref().unwrap_or(""));
            }
            Node::Function(name) if name.is_empty() => out.push_str("[Function (anonymous)]"),
            Node::Function(name) => {
                let _ = write!(out, "[Function: {name}]");
            }
            Node::Array(items, more) => {
                out.push('[');
                list(out, items, *more);
                out.push(']');
            }
            Node::TypedArray(name, items, more) => {
                let _ = write!(out, "{name}({}) [", items.len() + more);
                list(out, items, *more);
                out.push(']');
            }
            Node::ArrayBuffer(n) => {
                let _ = write!(out, "ArrayBuffer {{ byteLength: {n} }}");
            }
            Node::Object(class, props, more) => {
                if let Some(c) = class {
                    out.push_str(c);
                    out.push(' ');
                }
                if props.is_empty() && *more == 0 {
                    out.push_str("{}");
                    return;
                }
                out.push_str("{ ");
                for (i, (k, v)) in props.iter().take(DISPLAY_WIDTH).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    if is_ident(k) {
                        out.push_str(k);
                    } else {
                        let _ = write!(out, "{k:?}");
                    }
                    out.push_str(": ");
                    v.fmt_into(out, false);
                }
                let hidden = more + props.len().saturating_sub(DISPLAY_WIDTH);
                more_marker(out, hidden, props.is_empty());
                out.push_str(" }");
            }
            Node::Error(name, msg) if msg.is_empty() => out.push_str(name),
            Node::Error(name, msg) => {
                let _ = write!(out, "{name}: {msg}");
            }
            Node::Date(ms) => match ms.and_then(iso_date) {
                Some(d) => out.push_str(&d),
                None => out.push_str("Invalid Date"),
            },
            Node::Promise(state) => {
                let _ = write!(out, "Promise {{ <{state}> }}");
            }
            Node::Special(s) => out.push_str(s),
            Node::RegExp(s) => out.push_str(s),
            Node::Collection(is_map, items, more) => {
                let n = items.len() + more;
                let _ = write!(out, "{}({n}) {{", if *is_map { "Map" } else { "Set" });
                if n == 0 {
                    out.push('}');
                    return;
                }
                out.push(' ');
                for (i, item) in items.iter().take(DISPLAY_WIDTH).enumerate() {
                    if i > 0 {
                        out.push_str(", ");
                    }
                    match (is_map, item) {
                        (true, Node::Array(kv, _)) if kv.len() == 2 => {
                            kv[0].fmt_into(out, false);
                            out.push_str(" => ");
                            kv[1].fmt_into(out, false);
                        }
                        _ => item.fmt_into(out, false),
                    }
                }
                let hidden = more + items.len().saturating_sub(DISPLAY_WIDTH);
                more_marker(out, hidden, items.is_empty());
                out.push_str(" }");
            }
            Node::Getter => out.push_str("[Getter]"),
            Node::Proxy => out.push_str("[Proxy]"),
            Node::Circular => out.push_str("[Circular]"),
            Node::TooDeep => out.push_str("[…]"),
            Node::TooMany => out.push('…'),
        }
    }
}

fn list(out: &mut String, items: &[Node], more: usize) {
    for (i, v) in items.iter().take(DISPLAY_WIDTH).enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        v.fmt_into(out, false);
    }
    let hidden = more + items.len().saturating_sub(DISPLAY_WIDTH);
    more_marker(out, hidden, items.is_empty());
}

fn more_marker(out: &mut String, hidden: usize, first: bool) {
    if hidden > 0 {
        let sep = if first { "" } else { ", " };
        let _ = write!(out, "{sep}… {hidden} more");
    }
}

fn is_ident(k: &str) -> bool {
    let mut cs = k.chars();
    matches!(cs.next(), Some(c) if c.is_alphabetic() || c == '_' || c == '$')
        && cs.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
}

fn fmt_num(n: f64) -> String {
    if n.is_nan() {
        "NaN".into()
    } else if n.is_infinite() {
        if n > 0.0 { "Infinity" } else { "-Infinity" }.into()
    } else if n == 0.0 && n.is_sign_negative() {
        "-0".into()
    } else if n.fract() == 0.0 && n.abs() < 1e21 {
        format!("{}", n as i128)
    } else {
        format!("{n}")
    }
}

/// Text of one console argument: strings as they are, everything else as a display.
pub(crate) fn console_text(v: &Value<'_>, max_chars: usize) -> String {
    if v.is_string() {
        js_string(v, max_chars)
    } else {
        text::truncate(&to_node(v).display(), max_chars).into_owned()
    }
}

/// The message of a TypeError the engine throws for a write to a frozen or non-extensible
/// object, read without running any script code; `None` for anything else.
pub(crate) fn refused_write_message(v: &Value<'_>) -> Option<String> {
    if !v.is_object() || is_proxy(v) || !v.is_error() {
        return None;
    }
    let msg = match own_named(v, c"message") {
        Own::Data(m) if m.is_string() => js_string(&m, 300),
        _ => return None,
    };
    (msg == "object is not extensible" || msg.ends_with("' is read-only")).then_some(msg)
}

/// A stack line of the host's own code: its bytecode is stripped of file names and line
/// tables, so QuickJS prints `(<null>:0:1)` (older builds named it `sandbench:host`).
pub(crate) fn is_host_frame(line: &str) -> bool {
    let l = line.trim_end();
    l.ends_with("(<null>:0:1)")
        || l.ends_with("(<null>)")
        || l.contains(&format!("({}:", super::host::HOST_FILENAME))
}

/// Describes a thrown value without running any of its code.
pub(crate) fn error_of(v: &Value<'_>) -> JsError {
    if v.is_object() && !is_proxy(v) && v.is_error() {
        let name = string_prop(v, c"name", 200).unwrap_or_else(|| "Error".into());
        let message = string_prop(v, c"message", 4000).unwrap_or_default();
        let stack = match stack_of(v) {
            Some(s) if s.is_string() => js_string(&s, 8000),
            _ => String::new(),
        };
        // The host bridge's own frames are not the script's business: its bytecode carries
        // no file name (`<null>`), which no script frame can have.
        let stack: String = stack
            .lines()
            .filter(|l| !is_host_frame(l))
            .map(|l| format!("{l}\n"))
            .collect();
        return JsError {
            name,
            message,
            stack,
        };
    }
    JsError {
        name: "Uncaught".into(),
        message: to_node(v).display(),
        stack: String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rquickjs::{Context, Runtime};

    #[test]
    fn the_c_function_class_is_checked_against_a_builtin_and_the_guard_fails_closed() {
        let rt = Runtime::new().expect("runtime");
        let ctx = Context::full(&rt).expect("context");
        ctx.with(|ctx| {
            capture_intrinsics(&ctx).expect("capture");
            assert_eq!(NATIVE_CLASS.load(Ordering::SeqCst), VERIFIED);
            let native: Value = ctx.eval("String.prototype.slice").expect("builtin");
            let script: Value = ctx.eval("(function () { return 1; })").expect("script");
            assert!(is_c_function(&native, VERIFIED));
            assert!(!is_c_function(&script, VERIFIED));
            // Not verified, or contradicted: even a real builtin is not called.
            assert!(!is_c_function(&native, UNCHECKED));
            assert!(!is_c_function(&native, MISMATCH));
        });
    }
}
