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
use rquickjs::{qjs, Ctx, Value};
use std::ffi::c_void;
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
    map: Collection<'js>,
    set: Collection<'js>,
    error_stack: Value<'js>,
    symbol_description: Value<'js>,
    regexp_source: Value<'js>,
    /// The flag getters in `RegExp.prototype.flags` order, each with its letter.
    regexp_flags: Vec<(char, Value<'js>)>,
}

/// What walking a Map or a Set calls: the `size` getter, the iterator method (`entries` for a
/// map, `values` for a set) and its iterator's `next`.
pub(crate) struct Collection<'js> {
    size: Value<'js>,
    iter: Value<'js>,
    next: Value<'js>,
}

impl<'js> Intrinsics<'js> {
    fn collection(&self, is_map: bool) -> &Collection<'js> {
        if is_map {
            &self.map
        } else {
            &self.set
        }
    }
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
    let own = |o: &Value<'js>, name: &std::ffi::CStr| -> Own<'js> {
        if o.is_object() {
            own_named(o, name)
        } else {
            Own::Missing
        }
    };
    let data = |o: &Value<'js>, name: &std::ffi::CStr| match own(o, name) {
        Own::Data(d) => d,
        _ => undef(),
    };
    let getter = |o: &Value<'js>, name: &std::ffi::CStr| match own(o, name) {
        Own::Accessor(g) => g,
        _ => undef(),
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
    // The iterators' `next` live on their own hidden prototypes: reach them through a fresh
    // Map and Set (no script has run yet, so nothing here is the script's).
    let collection = |ctor: &str, proto: &Value<'js>, iter: &std::ffi::CStr| -> Collection<'js> {
        let iter = data(proto, iter);
        let next = ctx
            .globals()
            .get::<_, rquickjs::Constructor>(ctor)
            .and_then(|c| c.construct::<_, Value>(()))
            .ok()
            .and_then(|inst| call_native(&inst, &iter))
            .and_then(|it| prototype(&it))
            .map_or_else(undef, |p| data(&p, c"next"));
        Collection {
            size: getter(proto, c"size"),
            iter,
            next,
        }
    };
    let intr = Intrinsics {
        slice,
        bigint_to_string: data(&bp, c"toString"),
        get_time: data(&dp, c"getTime"),
        map: collection("Map", &mp, c"entries"),
        set: collection("Set", &setp, c"values"),
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
    let mut desc = empty_descriptor();
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

mod display;
mod walk;

pub(crate) use walk::to_node;

/// A property descriptor for `JS_GetOwnProperty` to fill: no flags, every value undefined
/// (nothing to free if the lookup finds nothing).
pub(crate) fn empty_descriptor() -> qjs::JSPropertyDescriptor {
    qjs::JSPropertyDescriptor {
        flags: 0,
        value: qjs::JS_UNDEFINED,
        getter: qjs::JS_UNDEFINED,
        setter: qjs::JS_UNDEFINED,
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
