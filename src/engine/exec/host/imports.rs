//! ES module imports: the runtime's module normaliser and loader (only an ES module run's
//! static imports of granted host modules load; every dynamic `import()` is refused and
//! recorded at its call), and the host modules' exports.

use super::{module_category, not_allowed_message, HostState, SharedHost};
use crate::engine::exec::modules;
use crate::engine::exec::BlockedAttempt;
use rquickjs::{qjs, Ctx, Function, Object, Value};
use std::cell::RefCell;

/// The host state behind the module loader's opaque pointer, when it can be borrowed.
///
/// # Safety
/// `opaque` is null or the pointer produced by `Rc::into_raw` of the sandbox's `SharedHost`,
/// alive for as long as the runtime is (see `Sandbox`'s `Drop`).
unsafe fn host_of<'a>(opaque: *mut std::ffi::c_void) -> Option<&'a RefCell<HostState>> {
    if opaque.is_null() {
        return None;
    }
    // SAFETY: see the function contract.
    Some(unsafe { &*(opaque as *const RefCell<HostState>) })
}

/// A module name QuickJS hands over, lossily, cut to 200 characters.
///
/// # Safety
/// `name` is null or a NUL-terminated string.
unsafe fn name_of(name: *const std::ffi::c_char) -> String {
    if name.is_null() {
        return String::from("<unknown>");
    }
    // SAFETY: QuickJS passes a NUL-terminated string.
    let c = unsafe { std::ffi::CStr::from_ptr(name) };
    crate::engine::text::truncate(&c.to_string_lossy(), 200).into_owned()
}

/// Throws `message` as a ReferenceError in `ctx`.
///
/// # Safety
/// `ctx` is a live context.
unsafe fn throw_reference(ctx: *mut qjs::JSContext, message: &str) {
    let msg = std::ffi::CString::new(message.replace('\0', "")).unwrap_or_default();
    // SAFETY: ctx is live; "%s" consumes one C string.
    unsafe {
        qjs::JS_ThrowReferenceError(ctx, c"%s".as_ptr(), msg.as_ptr());
    }
}

/// Refuses a dynamic `import()` of `name`: recorded with the call's location, then thrown.
fn refuse_dynamic_import(host: Option<&RefCell<HostState>>, name: &str) -> String {
    let message = not_allowed_message(name);
    if let Some(Ok(mut st)) = host.map(|h| h.try_borrow_mut()) {
        let st = &mut *st;
        // Real `import(` tokens, found once per evaluation (comments and strings skipped).
        let calls = st
            .import_calls
            .get_or_insert_with(|| import_calls(&st.source));
        let (line, column) = locate_import(&st.source, calls, name, st.imports_seen);
        st.imports_seen += 1;
        st.push_blocked(BlockedAttempt {
            capability: "import()".to_string(),
            category: module_category(name),
            message: message.clone(),
            line,
            column,
            count: 1,
        });
    }
    message
}

/// Module name normaliser. A dynamic `import()` (anything asked while no ES module run's
/// static imports are being resolved) is refused here, before QuickJS looks for an already
/// loaded module of that name, so `import()` stays refused even for a host module the run
/// imported statically. A static import keeps its name (`node:` dropped): relative and
/// absolute specifiers are never resolved against the script's name (there is no file).
///
/// # Safety
/// QuickJS calls it as the runtime's normaliser: `ctx` is live, the names are null or
/// NUL-terminated, `opaque` is as for [`module_loader`].
pub(crate) unsafe extern "C" fn module_normalize(
    ctx: *mut qjs::JSContext,
    _base: *const std::ffi::c_char,
    module_name: *const std::ffi::c_char,
    opaque: *mut std::ffi::c_void,
) -> *mut std::ffi::c_char {
    // SAFETY: per the contract.
    let host = unsafe { host_of(opaque) };
    // SAFETY: per the contract.
    let name = unsafe { name_of(module_name) };
    let linking = host
        .and_then(|h| h.try_borrow().ok())
        .is_some_and(|st| st.linking);
    if !linking {
        let message = refuse_dynamic_import(host, &name);
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    let base = modules::base_name(&name);
    let c = std::ffi::CString::new(base.replace('\0', "")).unwrap_or_default();
    // SAFETY: ctx is live; js_strdup copies the NUL-terminated string into QuickJS memory,
    // which QuickJS frees.
    unsafe { qjs::js_strdup(ctx, c.as_ptr()) }
}

/// Module loader: only an ES module run's static imports get here (see
/// [`module_normalize`]). A host module the run may load becomes a native module whose
/// exports are the `require`d module's (`default` = the exports object, plus each own data
/// property by name); it is evaluated now, at link time, before any of the run's code. Any
/// other name is refused with the exact message and a Blocked event at its `import` line.
///
/// # Safety
/// QuickJS calls it, as the runtime's module loader: `ctx` is a live context of that runtime,
/// `module_name` null or a NUL-terminated string, and `opaque` null or the pointer produced by
/// `Rc::into_raw` of the sandbox's `SharedHost`, alive for as long as the runtime is.
pub(crate) unsafe extern "C" fn module_loader(
    ctx: *mut qjs::JSContext,
    module_name: *const std::ffi::c_char,
    opaque: *mut std::ffi::c_void,
) -> *mut qjs::JSModuleDef {
    // SAFETY: per the contract.
    let host = unsafe { host_of(opaque) };
    // SAFETY: per the contract.
    let name = unsafe { name_of(module_name) };
    let state = host.and_then(|h| h.try_borrow().ok()).map(|st| {
        (
            st.linking,
            st.permissions.allows_module(&name),
            modules::find(&name).is_some(),
        )
    });
    let Some((linking, allowed, provided)) = state else {
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &not_allowed_message(&name)) };
        return std::ptr::null_mut();
    };
    if !linking {
        let message = refuse_dynamic_import(host, &name);
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    if !allowed {
        let message = not_allowed_message(&name);
        if let Some(Ok(mut st)) = host.map(|h| h.try_borrow_mut()) {
            let (line, column) = modules::import_location(&st.source, &name);
            st.push_blocked(BlockedAttempt {
                capability: name.clone(),
                category: module_category(&name),
                message: message.clone(),
                line,
                column,
                count: 1,
            });
        }
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    if !provided {
        let message = format!("Module '{name}' is allowed but not provided by this host");
        // SAFETY: ctx is live.
        unsafe { throw_reference(ctx, &message) };
        return std::ptr::null_mut();
    }
    let cname = std::ffi::CString::new(name.as_str()).unwrap_or_default();
    // SAFETY: ctx is live; the name is copied by QuickJS.
    let m = unsafe { qjs::JS_NewCModule(ctx, cname.as_ptr(), Some(host_module_init)) };
    if m.is_null() {
        return std::ptr::null_mut();
    }
    // Its exports are declared once reading is over (see `declare_host_imports`): QuickJS
    // calls this loader while it is still reading the run's bytecode, where no script may run.
    if let Some(Ok(mut st)) = host.map(|h| h.try_borrow_mut()) {
        st.pending_imports.push((m as usize, name));
    }
    m
}

/// Declares the exports of the host modules an ES module run imports (created by
/// [`module_loader`] while its bytecode was read): evaluates each (`require`, cached) and
/// adds `default` and each own data property's name. Runs before linking, after reading.
pub(crate) fn declare_host_imports(ctx: &Ctx<'_>, host: &SharedHost) -> rquickjs::Result<()> {
    let pending = std::mem::take(&mut host.borrow_mut().pending_imports);
    let raw = ctx.as_raw().as_ptr();
    for (m, name) in pending {
        let m = m as *mut qjs::JSModuleDef;
        let names = export_names(ctx, &name)?;
        for export in std::iter::once("default".to_string()).chain(names) {
            let Ok(e) = std::ffi::CString::new(export) else {
                continue;
            };
            // SAFETY: m is a module of this context created by the loader during this
            // evaluation's read, not yet linked; the name is copied.
            if unsafe { qjs::JS_AddModuleExport(raw, m, e.as_ptr()) } < 0 {
                return Err(rquickjs::Error::Exception);
            }
        }
    }
    Ok(())
}

/// The host module's exports as `require` gives them, and its own data properties' names
/// (accessors such as `crypto.subtle` are left to `default`: reading them would run code).
fn export_names<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Vec<String>> {
    let exports = required_exports(ctx, name)?;
    let Some(obj) = exports.as_object() else {
        return Ok(Vec::new());
    };
    let mut names = Vec::new();
    for key in obj.keys::<String>() {
        let key = key?;
        if key == "default" {
            continue;
        }
        if is_data_property(ctx, obj, &key) {
            names.push(key);
        }
    }
    Ok(names)
}

/// `require(name)` through the sandbox's own (frozen, non-configurable) `require`: the same
/// cached exports a `require` call gets.
fn required_exports<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Value<'js>> {
    let require: Function = ctx.globals().get("require")?;
    require.call((name,))
}

fn is_data_property<'js>(ctx: &Ctx<'js>, obj: &Object<'js>, key: &str) -> bool {
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: key's bytes are valid for len; the atom is freed right after use.
    let atom = unsafe { qjs::JS_NewAtomLen(raw, key.as_ptr().cast(), key.len() as _) };
    if atom == qjs::JS_ATOM_NULL {
        let _ = ctx.catch();
        return false;
    }
    let mut desc = std::mem::MaybeUninit::<qjs::JSPropertyDescriptor>::uninit();
    // SAFETY: obj and atom are live; a found descriptor's values are freed below.
    let found = unsafe { qjs::JS_GetOwnProperty(raw, desc.as_mut_ptr(), obj.as_raw(), atom) };
    // SAFETY: the atom was created above and is no longer used.
    unsafe { qjs::JS_FreeAtom(raw, atom) };
    if found <= 0 {
        if found < 0 {
            let _ = ctx.catch();
        }
        return false;
    }
    // SAFETY: JS_GetOwnProperty filled the descriptor (found > 0).
    let desc = unsafe { desc.assume_init() };
    let accessor = (desc.flags & qjs::JS_PROP_GETSET as i32) != 0;
    // SAFETY: the descriptor's three values are owned by us.
    unsafe {
        qjs::JS_FreeValue(raw, desc.value);
        qjs::JS_FreeValue(raw, desc.getter);
        qjs::JS_FreeValue(raw, desc.setter);
    }
    !accessor
}

/// Evaluation of a host module imported by an ES module run: sets its exports from the
/// cached `require` result.
///
/// # Safety
/// QuickJS calls it with a live context and the module created by [`module_loader`].
unsafe extern "C" fn host_module_init(
    ctx: *mut qjs::JSContext,
    m: *mut qjs::JSModuleDef,
) -> std::ffi::c_int {
    let Some(nn) = std::ptr::NonNull::new(ctx) else {
        return -1;
    };
    // SAFETY: ctx is live and on this thread.
    let c = unsafe { Ctx::from_raw(nn) };
    // SAFETY: m is live; the atom is freed below.
    let name = unsafe {
        let atom = qjs::JS_GetModuleName(ctx, m);
        let s = qjs::JS_AtomToCStringLen(ctx, std::ptr::null_mut(), atom);
        qjs::JS_FreeAtom(ctx, atom);
        if s.is_null() {
            return -1;
        }
        let owned = std::ffi::CStr::from_ptr(s).to_string_lossy().into_owned();
        qjs::JS_FreeCString(ctx, s);
        owned
    };
    let Ok(names) = export_names(&c, &name) else {
        return -1;
    };
    let Ok(exports) = required_exports(&c, &name) else {
        return -1;
    };
    let set = |export: &str, v: &Value<'_>| -> bool {
        let Ok(e) = std::ffi::CString::new(export) else {
            return true;
        };
        // SAFETY: m is live; JS_SetModuleExport takes the new reference.
        unsafe {
            qjs::JS_SetModuleExport(ctx, m, e.as_ptr(), qjs::JS_DupValue(ctx, v.as_raw())) >= 0
        }
    };
    if !set("default", &exports) {
        return -1;
    }
    if let Some(obj) = exports.as_object() {
        for n in names {
            let Ok(v) = obj.get::<_, Value>(n.as_str()) else {
                return -1;
            };
            set(&n, &v);
        }
    }
    0
}

/// `import()` runs its loader from a job, after the calling frame is gone, so its location is
/// found in the source: the call whose string argument names the module, else the n-th call.
#[cfg(test)]
fn import_location(source: &str, name: &str, nth: usize) -> (Option<u32>, Option<u32>) {
    locate_import(source, &import_calls(source), name, nth)
}

/// The real `import(` calls of `source` (keyword tokens; never text in comments, strings or
/// templates, never `x.import(`): the byte offset of each and the text of its first argument
/// when that is a string or template literal.
fn import_calls(source: &str) -> Vec<(usize, String)> {
    use crate::engine::lexer::{tokenize, TokenKind};
    let toks = tokenize(source);
    let sig: Vec<_> = toks
        .iter()
        .filter(|t| !matches!(t.kind, TokenKind::Whitespace | TokenKind::Comment))
        .collect();
    let mut calls = Vec::new();
    for (i, t) in sig.iter().enumerate() {
        if t.kind != TokenKind::Keyword || t.text(source) != "import" {
            continue;
        }
        if i > 0 && matches!(sig[i - 1].text(source), "." | "?.") {
            continue;
        }
        if sig.get(i + 1).map(|n| n.text(source)) != Some("(") {
            continue;
        }
        let arg = sig
            .get(i + 2)
            .filter(|a| matches!(a.kind, TokenKind::String | TokenKind::Template))
            .map(|a| crate::engine::text::truncate(a.text(source), 1024).into_owned())
            .unwrap_or_default();
        calls.push((t.start, arg));
        if calls.len() > 10_000 {
            break;
        }
    }
    calls
}

/// Picks the call that names `name` literally, else the `nth` call, else the first.
fn locate_import(
    source: &str,
    calls: &[(usize, String)],
    name: &str,
    nth: usize,
) -> (Option<u32>, Option<u32>) {
    let quoted = [
        format!("'{name}'"),
        format!("\"{name}\""),
        format!("`{name}`"),
    ];
    let pick = calls
        .iter()
        .find(|c| quoted.contains(&c.1))
        .or_else(|| calls.get(nth))
        .or_else(|| calls.first());
    pick.and_then(|&(at, _)| crate::engine::exec::locate::line_col(source, at))
        .unzip()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_location_prefers_the_named_call() {
        let src = "let a = 1;\nconst x = import('os');\n  import(\"fs\").then(f => f);\n";
        assert_eq!(import_location(src, "fs", 0), (Some(3), Some(3)));
        assert_eq!(import_location(src, "zzz", 0), (Some(2), Some(11)));
        assert_eq!(import_location("no calls", "fs", 0), (None, None));
        let src = "// import('fs')\nconst s = \"import('fs')\"; x.import('fs');\n/* import('fs') */ import('fs');\n";
        assert_eq!(import_location(src, "fs", 0), (Some(3), Some(20)));
    }
}
