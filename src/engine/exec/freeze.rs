//! The strict profile's full freeze, done natively: a walk over everything reachable from the
//! global object and from the prototype of every class the engine knows (which is where the
//! hidden intrinsics live: `%IteratorHelperPrototype%`, `%WrapForValidIteratorPrototype%`,
//! the async-from-sync iterator, generator and call-site prototypes, …), following own
//! properties (values, getters and setters, symbols included) and prototypes, freezing each
//! object it meets (as SES's `harden` does, over the engine's API instead of in JavaScript).
//!
//! The objects walked are the run's *shared intrinsics*: [`is_shared`] answers from the set the
//! walk built (seeing through Proxies), so the reflective guards of `host_setup.js` never rely
//! on anything a script can reach. The set holds addresses; every object in it stays alive for
//! as long as the context, because it is reachable from the roots through frozen (immutable)
//! edges and the roots are held here.
//!
//! The walk also proves that none of the engine's own code generators (the original `eval`,
//! `Function` and the async/generator function constructors, replaced by traps before the
//! walk) is reachable: a sandbox where one is fails to start.

use rquickjs::{qjs, Ctx, Value};
use rustc_hash::{FxHashMap, FxHashSet};

/// The class ids a runtime can have (QuickJS's own are below 70; rquickjs registers a few more).
const MAX_CLASS_ID: u32 = 1024;

/// Deepest chain of Proxies [`is_shared`] looks through (a script can nest them at will; the
/// walk to the target is linear and never runs script code).
const MAX_PROXY_CHAIN: usize = 1 << 20;

/// What the walk froze.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct HardenStats {
    /// Objects frozen (functions included).
    pub objects: usize,
    /// Own properties visited.
    pub properties: usize,
}

/// The frozen intrinsics of one context (its userdata).
pub struct Shared<'js> {
    addresses: FxHashSet<usize>,
    /// Override taming's getters (by address) and the values they return: the host reads
    /// a tamed property as the data property it was (see [`tamed_value`]).
    tamed: FxHashMap<usize, Value<'js>>,
    /// Keeps every walked object alive (see the module doc).
    _roots: Vec<Value<'js>>,
    pub stats: HardenStats,
}

// SAFETY: the struct only holds values of the context it is stored in.
unsafe impl<'js> rquickjs::JsLifetime<'js> for Shared<'js> {
    type Changed<'to> = Shared<'to>;
}

/// Why the freeze failed.
#[derive(Debug, thiserror::Error)]
pub enum HardenError {
    #[error("the engine failed while freezing the intrinsics")]
    Engine,
    #[error("a code generator of the engine is still reachable after setup")]
    GeneratorReachable,
    #[error("the intrinsics were already frozen in this context")]
    Twice,
}

pub(crate) fn ptr(v: qjs::JSValue) -> usize {
    // SAFETY: only called on object values.
    unsafe { qjs::JS_VALUE_GET_PTR(v) as usize }
}

fn is_object(v: qjs::JSValue) -> bool {
    // SAFETY: reads the tag of a value.
    unsafe { qjs::JS_VALUE_GET_TAG(v) == qjs::JS_TAG_OBJECT }
}

/// Takes the pending exception off the context (the caller reports the failure itself).
pub(crate) fn clear(raw: *mut qjs::JSContext) {
    // SAFETY: raw is a live context; the exception value is owned and freed here.
    unsafe {
        let e = qjs::JS_GetException(raw);
        qjs::JS_FreeValue(raw, e);
    }
}

/// Freezes everything reachable from the global object's own properties, from `roots` and
/// from every class prototype, and stores the set of frozen objects in `ctx`. The global
/// object itself stays extensible (scripts declare globals), and so do its properties.
/// `mutable` are the run's own host objects (`console`): walked (what they hold is frozen)
/// but left as they are and not shared, so a script may replace `console.log` for itself.
/// `tamed` are override taming's getters (by address) and the original values they return
/// (made by the host bridge just before, see `host::tame`): the values are walked as roots.
pub fn harden<'js>(
    ctx: &Ctx<'js>,
    roots: &[Value<'js>],
    generators: &[Value<'js>],
    tamed: FxHashMap<usize, Value<'js>>,
    mutable: &[Value<'js>],
) -> Result<HardenStats, HardenError> {
    let mutable: FxHashSet<usize> = mutable
        .iter()
        .filter(|v| v.is_object())
        .map(|v| ptr(v.as_raw()))
        .collect();
    if ctx.userdata::<Shared>().is_some() {
        return Err(HardenError::Twice);
    }
    let raw = ctx.as_raw().as_ptr();
    let global = ctx.globals().into_value();
    let mut kept: Vec<Value<'js>> = roots.to_vec();
    // The original values are walked (and kept alive) like every other root.
    kept.extend(tamed.values().cloned());
    // Owned values still to visit.
    let mut todo: Vec<qjs::JSValue> = Vec::with_capacity(256);
    let push = |todo: &mut Vec<qjs::JSValue>, v: qjs::JSValue| {
        if is_object(v) {
            todo.push(v);
        } else {
            // SAFETY: an owned value the walk does not keep.
            unsafe { qjs::JS_FreeValue(raw, v) };
        }
    };
    for r in &kept {
        // SAFETY: a live value; the duplicate is owned by `todo`.
        push(&mut todo, unsafe { qjs::JS_DupValue(raw, r.as_raw()) });
    }
    // The global object's own properties and its prototype, not the object itself.
    // Their values are kept too: a script may delete a global binding, and what it held
    // must stay alive while its address is in the set.
    let mut stats = HardenStats::default();
    let mut result = own_properties(
        raw,
        global.as_raw(),
        false,
        &mut |v| {
            if is_object(v) {
                // SAFETY: v is live; the duplicate for `kept` is owned by the Value.
                kept.push(unsafe { Value::from_raw(ctx.clone(), qjs::JS_DupValue(raw, v)) });
            }
            push(&mut todo, v);
        },
        &mut stats,
    );
    // SAFETY: the global object is live; the prototype is owned.
    push(&mut todo, unsafe {
        qjs::JS_GetPrototype(raw, global.as_raw())
    });
    // The prototype of every class: the hidden intrinsics.
    // SAFETY: the context's runtime.
    let rt = unsafe { qjs::JS_GetRuntime(raw) };
    for id in 1..MAX_CLASS_ID {
        // SAFETY: a range-checked query of the runtime's class table.
        if !unsafe { qjs::JS_IsRegisteredClass(rt, id) } {
            continue;
        }
        // SAFETY: id is registered, so within the context's class table; the value is owned.
        let proto = unsafe { qjs::JS_GetClassProto(raw, id) };
        if is_object(proto) {
            // SAFETY: the prototype is live; the duplicate for `kept` is owned by the Value.
            kept.push(unsafe { Value::from_raw(ctx.clone(), qjs::JS_DupValue(raw, proto)) });
        }
        push(&mut todo, proto);
    }
    let mut seen: FxHashSet<usize> = FxHashSet::default();
    seen.reserve(1024);
    // The global object is reachable from itself (`globalThis.globalThis`) but is no shared
    // intrinsic: scripts declare their globals on it.
    let global_ptr = ptr(global.as_raw());
    while let Some(v) = todo.pop() {
        if result.is_err() || ptr(v) == global_ptr || !seen.insert(ptr(v)) {
            // SAFETY: an owned value already handled.
            unsafe { qjs::JS_FreeValue(raw, v) };
            continue;
        }
        // SAFETY: v is a live object owned by this loop.
        if unsafe { qjs::JS_IsProxy(v) } {
            // No Proxy exists before user code runs; never walk one (its traps would run).
            // SAFETY: an owned value not used afterwards.
            unsafe { qjs::JS_FreeValue(raw, v) };
            continue;
        }
        let freeze = !mutable.contains(&ptr(v));
        stats.objects += usize::from(freeze);
        result = own_properties(raw, v, freeze, &mut |x| push(&mut todo, x), &mut stats);
        if result.is_ok() {
            // SAFETY: v is live; the prototype is owned.
            let p = unsafe { qjs::JS_GetPrototype(raw, v) };
            // SAFETY: reads the tag of an owned value.
            if unsafe { qjs::JS_IsException(p) } {
                clear(raw);
                result = Err(HardenError::Engine);
            } else {
                push(&mut todo, p);
            }
        }
        // SAFETY: v is owned by this loop and not used afterwards.
        unsafe { qjs::JS_FreeValue(raw, v) };
    }
    result?;
    if generators
        .iter()
        .any(|g| g.is_object() && seen.contains(&ptr(g.as_raw())))
    {
        return Err(HardenError::GeneratorReachable);
    }
    seen.retain(|a| !mutable.contains(a));
    let shared = Shared {
        addresses: seen,
        tamed,
        _roots: kept,
        stats,
    };
    ctx.store_userdata(shared).map_err(|_| HardenError::Twice)?;
    Ok(stats)
}

/// Visits the own properties of `obj`: hands every value, getter and setter (owned) to
/// `found`, and (when `freeze`) makes `obj` non-extensible and every property
/// non-configurable and, for data properties, non-writable. Reading a property instantiates
/// it if the engine created it lazily (QuickJS's autoinit builtins).
fn own_properties(
    raw: *mut qjs::JSContext,
    obj: qjs::JSValue,
    freeze: bool,
    found: &mut dyn FnMut(qjs::JSValue),
    stats: &mut HardenStats,
) -> Result<(), HardenError> {
    if freeze {
        // SAFETY: obj is a live non-Proxy object.
        if unsafe { qjs::JS_PreventExtensions(raw, obj) } < 0 {
            clear(raw);
            return Err(HardenError::Engine);
        }
    }
    let mut tab: *mut qjs::JSPropertyEnum = std::ptr::null_mut();
    let mut len: u32 = 0;
    let flags = (qjs::JS_GPN_STRING_MASK | qjs::JS_GPN_SYMBOL_MASK) as i32;
    // SAFETY: obj is a live non-Proxy object: no script code runs; tab is freed below.
    if unsafe { qjs::JS_GetOwnPropertyNames(raw, &mut tab, &mut len, obj, flags) } < 0 {
        clear(raw);
        return Err(HardenError::Engine);
    }
    // SAFETY: tab holds len entries until freed.
    let entries = unsafe { std::slice::from_raw_parts(tab, len as usize) };
    let mut result = Ok(());
    for e in entries {
        stats.properties += 1;
        let mut desc = super::value::empty_descriptor();
        // SAFETY: as above; the descriptor's values become owned by us.
        let rc = unsafe { qjs::JS_GetOwnProperty(raw, &mut desc, obj, e.atom) };
        if rc < 0 {
            clear(raw);
            result = Err(HardenError::Engine);
            break;
        }
        if rc == 0 {
            continue;
        }
        let accessor = desc.flags & (qjs::JS_PROP_GETSET as i32) != 0;
        let writable = desc.flags & (qjs::JS_PROP_WRITABLE as i32) != 0;
        let configurable = desc.flags & (qjs::JS_PROP_CONFIGURABLE as i32) != 0;
        found(desc.value);
        found(desc.getter);
        found(desc.setter);
        if freeze && (configurable || (!accessor && writable)) {
            let mut f = qjs::JS_PROP_HAS_CONFIGURABLE | qjs::JS_PROP_THROW;
            if !accessor {
                f |= qjs::JS_PROP_HAS_WRITABLE;
            }
            // SAFETY: only the attribute flags change (no value, getter or setter given).
            let rc = unsafe {
                qjs::JS_DefineProperty(
                    raw,
                    obj,
                    e.atom,
                    qjs::JS_UNDEFINED,
                    qjs::JS_UNDEFINED,
                    qjs::JS_UNDEFINED,
                    f as i32,
                )
            };
            if rc < 0 {
                clear(raw);
                result = Err(HardenError::Engine);
                break;
            }
        }
    }
    // SAFETY: tab/len came from JS_GetOwnPropertyNames on this context.
    unsafe { qjs::JS_FreePropertyEnum(raw, tab, len) };
    result
}

/// Whether `v` (or the target at the end of its chain of Proxies) is one of the shared
/// intrinsics frozen by [`harden`]. False before the freeze (lab profile: nothing is shared).
pub fn is_shared<'js>(ctx: &Ctx<'js>, v: &Value<'js>) -> bool {
    if !v.is_object() {
        return false;
    }
    let Some(shared) = ctx.userdata::<Shared>() else {
        return false;
    };
    let raw = ctx.as_raw().as_ptr();
    let mut cur = v.clone();
    for _ in 0..MAX_PROXY_CHAIN {
        // SAFETY: cur is a live value of this context.
        if !unsafe { qjs::JS_IsProxy(cur.as_raw()) } {
            return shared.addresses.contains(&ptr(cur.as_raw()));
        }
        // SAFETY: cur is a Proxy; the target is owned (an exception for a revoked Proxy).
        let t = unsafe { qjs::JS_GetProxyTarget(raw, cur.as_raw()) };
        // SAFETY: ownership moves into the Value.
        let t = unsafe { Value::from_raw(ctx.clone(), t) };
        if t.is_exception() {
            clear(raw);
            return false;
        }
        if !t.is_object() {
            return false;
        }
        cur = t;
    }
    false
}

/// The value a tamed property had, when `getter` is one of override taming's getters (the
/// host reads such a property as the data property it was: an error's inherited `name`,
/// `message`).
pub fn tamed_value<'js>(ctx: &Ctx<'js>, getter: &Value<'js>) -> Option<Value<'js>> {
    if !getter.is_object() {
        return None;
    }
    let shared = ctx.userdata::<Shared>()?;
    shared.tamed.get(&ptr(getter.as_raw())).cloned()
}

/// What the freeze of this context walked (`None` before it, or in the lab profile).
pub fn stats(ctx: &Ctx<'_>) -> Option<HardenStats> {
    ctx.userdata::<Shared>().map(|s| s.stats)
}
