//! Override taming (SES's `enablePropertyOverrides`), natively: the strict profile's frozen
//! prototypes keep, for the properties ordinary code overrides on its own objects
//! (`toString`, `constructor`, an error's `name` and `message`, …), an accessor pair instead
//! of read-only data, so that `this.name = …` in an `Error` subclass or `obj.toString = …`
//! defines an own property instead of failing (the "override mistake").
//!
//! Per property: a native getter holding the original value (also its own `originalValue`,
//! SES's convention) and a native setter holding (home, key, shown name) that hands the
//! receiver and the value to the setup script's `tamedSet`, which defines the own property, or
//! refuses and records a write to a shared prototype. Made here rather than in JavaScript
//! because this runs for every strict sandbox: two function objects per property, no closures,
//! no descriptor objects (~117 properties: ~3.4 M instructions per sandbox in JavaScript,
//! ~0.7 M here; see `benches/sandbox_create.rs`).

use crate::engine::exec::freeze::{clear, ptr, HardenError};
use rquickjs::{qjs, Ctx, Value};
use rustc_hash::FxHashMap;

/// One prototype's share of override taming: the label its properties are shown with in
/// messages (`Object.prototype`) and the keys to tame (strings or symbols).
pub(crate) struct TameSpec<'js> {
    pub home: Value<'js>,
    pub label: String,
    pub keys: Vec<Value<'js>>,
}

/// The getter of a tamed property: the original value, held as the function's data.
unsafe extern "C" fn tamed_get(
    ctx: *mut qjs::JSContext,
    _this: qjs::JSValue,
    _argc: std::ffi::c_int,
    _argv: *mut qjs::JSValue,
    _magic: std::ffi::c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: data holds the one value the getter was made with (see `tame_one`).
    unsafe { qjs::JS_DupValue(ctx, *data) }
}

/// The setter of a tamed property: calls `tamedSet(receiver, value, home, key, shown)`.
unsafe extern "C" fn tamed_set(
    ctx: *mut qjs::JSContext,
    this: qjs::JSValue,
    argc: std::ffi::c_int,
    argv: *mut qjs::JSValue,
    _magic: std::ffi::c_int,
    data: *mut qjs::JSValue,
) -> qjs::JSValue {
    // SAFETY: data holds [home, key, shown, tamedSet] (see `tame_one`); argv holds argc
    // values; every value is borrowed for the duration of the call.
    unsafe {
        let v = if argc > 0 { *argv } else { qjs::JS_UNDEFINED };
        let mut args = [this, v, *data, *data.add(1), *data.add(2)];
        qjs::JS_Call(ctx, *data.add(3), qjs::JS_UNDEFINED, 5, args.as_mut_ptr())
    }
}

/// The text a key is shown with: `toString`, or `[Symbol.iterator]` for a symbol (as the
/// engine names a method with a symbol key). Read from the atom, never through a getter: no
/// JavaScript runs (and no stack check can fail) while the intrinsics are tamed.
fn key_text(ctx: &Ctx<'_>, atom: qjs::JSAtom, symbol: bool) -> Option<String> {
    // SAFETY: a live atom; for a symbol the engine answers its description. The string is
    // owned by the Value.
    let s = unsafe {
        Value::from_raw(
            ctx.clone(),
            qjs::JS_AtomToString(ctx.as_raw().as_ptr(), atom),
        )
    };
    let s = s.as_string()?.to_string().ok()?;
    Some(if symbol { format!("[{s}]") } else { s })
}

/// Tames every spec's keys that are writable data properties of its home (a key that is
/// missing, already an accessor, or read-only is left alone): each becomes a non-configurable
/// accessor pair with the same enumerability, whose setter calls `set_impl`. Returns the
/// getters (by address) and the values they stand for: the host reads a tamed property as
/// the data it was (`freeze::tamed_value`).
pub(crate) fn tame<'js>(
    ctx: &Ctx<'js>,
    specs: &[TameSpec<'js>],
    set_impl: &Value<'js>,
) -> Result<FxHashMap<usize, Value<'js>>, HardenError> {
    let raw = ctx.as_raw().as_ptr();
    if !set_impl.is_function() {
        return Err(HardenError::Engine);
    }
    let mut tamed = FxHashMap::default();
    // "get NAME\0" / "set NAME\0", reused.
    let mut name: Vec<u8> = Vec::with_capacity(64);
    for spec in specs {
        if !spec.home.is_object() {
            return Err(HardenError::Engine);
        }
        for key in &spec.keys {
            if !key.is_string() && !key.is_symbol() {
                return Err(HardenError::Engine);
            }
            // SAFETY: raw is live; a string or symbol converts without running code; the atom
            // is freed below.
            let atom = unsafe { qjs::JS_ValueToAtom(raw, key.as_raw()) };
            if atom == qjs::JS_ATOM_NULL {
                clear(raw);
                return Err(HardenError::Engine);
            }
            let Some(text) = key_text(ctx, atom, key.is_symbol()) else {
                // SAFETY: the atom made above.
                unsafe { qjs::JS_FreeAtom(raw, atom) };
                clear(raw);
                return Err(HardenError::Engine);
            };
            let one = One {
                home: spec.home.as_raw(),
                atom,
                key,
                label: &spec.label,
                text: &text,
            };
            let r = tame_one(ctx, &one, set_impl, &mut name);
            // SAFETY: the atom made above.
            unsafe { qjs::JS_FreeAtom(raw, atom) };
            if let Some((getter, value)) = r? {
                tamed.insert(getter, value);
            }
        }
    }
    Ok(tamed)
}

/// One property to tame.
struct One<'a, 'js> {
    home: qjs::JSValue,
    atom: qjs::JSAtom,
    key: &'a Value<'js>,
    label: &'a str,
    text: &'a str,
}

/// Sets `buf` to `prefix text\0` (a text with a NUL, never one of ours, is cut there).
fn c_name<'b>(buf: &'b mut Vec<u8>, prefix: &str, text: &str) -> &'b std::ffi::CStr {
    buf.clear();
    buf.extend_from_slice(prefix.as_bytes());
    buf.extend_from_slice(text.as_bytes());
    buf.push(0);
    match std::ffi::CStr::from_bytes_until_nul(buf) {
        Ok(c) => c,
        Err(_) => c"",
    }
}

fn tame_one<'js>(
    ctx: &Ctx<'js>,
    one: &One<'_, 'js>,
    set_impl: &Value<'js>,
    name: &mut Vec<u8>,
) -> Result<Option<(usize, Value<'js>)>, HardenError> {
    let raw = ctx.as_raw().as_ptr();
    let mut desc = crate::engine::exec::value::empty_descriptor();
    // SAFETY: home is a live intrinsic and no Proxy (none exists before user code), so no
    // script code runs.
    let rc = unsafe { qjs::JS_GetOwnProperty(raw, &mut desc, one.home, one.atom) };
    if rc < 0 {
        clear(raw);
        return Err(HardenError::Engine);
    }
    if rc == 0 {
        return Ok(None);
    }
    // SAFETY: the descriptor's three values are owned: they move into Values (freed on drop).
    let (value, getter, setter) = unsafe {
        (
            Value::from_raw(ctx.clone(), desc.value),
            Value::from_raw(ctx.clone(), desc.getter),
            Value::from_raw(ctx.clone(), desc.setter),
        )
    };
    drop((getter, setter));
    let accessor = desc.flags & (qjs::JS_PROP_GETSET as i32) != 0;
    let writable = desc.flags & (qjs::JS_PROP_WRITABLE as i32) != 0;
    if accessor || !writable {
        return Ok(None);
    }
    let shown = format!("{}.{}", one.label, one.text);
    let shown = rquickjs::String::from_str(ctx.clone(), &shown).map_err(|_| HardenError::Engine)?;
    let mut get_data = [value.as_raw()];
    // SAFETY: the data value is duplicated into the function; the result is owned.
    let get = unsafe {
        let n = c_name(name, "get ", one.text).as_ptr();
        Value::from_raw(
            ctx.clone(),
            qjs::JS_NewCFunctionData2(raw, Some(tamed_get), n, 0, 0, 1, get_data.as_mut_ptr()),
        )
    };
    let mut set_data = [
        one.home,
        one.key.as_raw(),
        shown.as_raw(),
        set_impl.as_raw(),
    ];
    // SAFETY: as above (the data values are duplicated into the function).
    let set = unsafe {
        let n = c_name(name, "set ", one.text).as_ptr();
        Value::from_raw(
            ctx.clone(),
            qjs::JS_NewCFunctionData2(raw, Some(tamed_set), n, 1, 0, 4, set_data.as_mut_ptr()),
        )
    };
    if get.is_exception() || set.is_exception() {
        clear(raw);
        return Err(HardenError::Engine);
    }
    let mut flags = qjs::JS_PROP_HAS_GET
        | qjs::JS_PROP_HAS_SET
        | qjs::JS_PROP_HAS_CONFIGURABLE
        | qjs::JS_PROP_HAS_ENUMERABLE
        | qjs::JS_PROP_THROW;
    if desc.flags & (qjs::JS_PROP_ENUMERABLE as i32) != 0 {
        flags |= qjs::JS_PROP_ENUMERABLE;
    }
    // SAFETY: live values. JS_DefinePropertyValueStr takes the duplicate it is given (as a
    // read-only, non-enumerable, non-configurable property); JS_DefineProperty duplicates the
    // getter and setter it keeps.
    let ok = unsafe {
        qjs::JS_DefinePropertyValueStr(
            raw,
            get.as_raw(),
            c"originalValue".as_ptr(),
            qjs::JS_DupValue(raw, value.as_raw()),
            qjs::JS_PROP_THROW as i32,
        ) >= 0
            && qjs::JS_DefineProperty(
                raw,
                one.home,
                one.atom,
                qjs::JS_UNDEFINED,
                get.as_raw(),
                set.as_raw(),
                flags as i32,
            ) >= 0
    };
    if !ok {
        clear(raw);
        return Err(HardenError::Engine);
    }
    Ok(Some((ptr(get.as_raw()), value)))
}
