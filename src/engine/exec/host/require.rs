//! Host modules (see `exec::modules`): loading one, and the native functions each is handed.
//! Natives take and return plain values only (strings, numbers, booleans, Uint8Arrays); each
//! checks its arguments itself, so a script that reached a module's `host` object directly
//! would gain nothing the module does not already offer.

use super::{capabilities, SharedHost};
use crate::engine::exec::modules::{self, crypto};
use crate::engine::exec::value;
use crate::engine::Category;
use rquickjs::{qjs, Ctx, Function, Object, TypedArray, Value};

/// Category of a module name refused by `require` / `import()`.
pub(crate) fn module_category(name: &str) -> Category {
    let base = name.strip_prefix("node:").unwrap_or(name);
    let root = base.split('/').next().unwrap_or(base);
    match root {
        "fs" | "path" => Category::Filesystem,
        "child_process" => Category::ChildProcess,
        "http" | "https" | "http2" | "net" | "dgram" | "tls" | "dns" => Category::Network,
        "vm" | "v8" | "inspector" => Category::VmEscape,
        "process" | "os" | "worker_threads" | "cluster" => Category::ProcessAccess,
        _ => Category::ModuleLoading,
    }
}

pub(super) fn not_allowed_message(name: &str) -> String {
    format!("Module '{name}' is not allowed in sandbox")
}

/// Longest algorithm name read from a script.
const MAX_ALGORITHM_CHARS: usize = 32;

/// Evaluates host module `m`'s bytecode (compiled once per process) in `ctx` and answers
/// `{ factory, host }` (null prototype) for the setup script to call and cache.
pub(super) fn load_module<'js>(
    ctx: &Ctx<'js>,
    m: &'static modules::HostModule,
    host: &SharedHost,
    wh: Option<Function<'js>>,
) -> rquickjs::Result<Value<'js>> {
    let bytes = modules::bytecode(m)
        .map_err(|e| rquickjs::Exception::throw_internal(ctx, &e.to_string()))?;
    let factory = crate::engine::exec::quickjs::run_bytecode(ctx, &bytes)?;
    let natives = if m.name == "fs" {
        // The broker's natives (`host/capabilities.rs`); `where` locates a refusal.
        capabilities::fs_host(capabilities::HostObject::new(ctx, host, wh)?)?
    } else {
        module_natives(ctx, m.name)?
    };
    let raw = ctx.as_raw().as_ptr();
    // SAFETY: a live object of this context, created just above.
    unsafe { qjs::JS_FreezeObject(raw, natives.as_raw()) };
    let out = Object::new(ctx.clone())?;
    // SAFETY: a live object of this context; a null prototype keeps `factory`/`host` reads
    // from reaching Object.prototype.
    unsafe { qjs::JS_SetPrototype(raw, out.as_raw(), qjs::JS_NULL) };
    out.set("factory", factory)?;
    out.set("host", natives)?;
    let mut st = host.borrow_mut();
    st.modules_loaded.push(m.name);
    st.caps.modules_loaded += 1;
    Ok(out.into_value())
}

/// The bytes of a `Uint8Array` argument (a `Buffer` is one), or a TypeError naming `what`.
fn bytes_arg<'js>(
    ctx: &Ctx<'js>,
    v: &Value<'js>,
    what: &str,
) -> rquickjs::Result<TypedArray<'js, u8>> {
    TypedArray::<u8>::from_value(v.clone())
        .map_err(|_| rquickjs::Exception::throw_type(ctx, &format!("{what} must be a Uint8Array")))
}

/// Runs `f` over the bytes of `a` (empty when detached). No script runs meanwhile.
fn read_bytes<R>(a: &TypedArray<'_, u8>, f: impl FnOnce(&[u8]) -> R) -> R {
    // SAFETY: the slice is used only inside `f`, which is host code that runs no JS, so the
    // script cannot write, detach or resize the buffer while it is read.
    f(unsafe { a.as_bytes() }.unwrap_or_default())
}

fn algorithm_arg(ctx: &Ctx<'_>, v: &Value<'_>) -> rquickjs::Result<crypto::Algorithm> {
    let name = value::js_string(v, MAX_ALGORITHM_CHARS);
    crypto::Algorithm::parse(&name)
        .ok_or_else(|| rquickjs::Exception::throw_type(ctx, "Digest method not supported"))
}

/// A new `Uint8Array` holding `bytes`.
fn new_bytes<'js>(ctx: &Ctx<'js>, bytes: Vec<u8>) -> rquickjs::Result<Value<'js>> {
    Ok(TypedArray::<u8>::new(ctx.clone(), bytes)?.into_value())
}

/// The native functions module `name` is handed as `host` (none for the modules written
/// wholly in JS).
fn module_natives<'js>(ctx: &Ctx<'js>, name: &str) -> rquickjs::Result<Object<'js>> {
    let h = Object::new(ctx.clone())?;
    if name == "util" {
        // promiseState(p) / promiseResult(p): what `util.inspect` shows of a promise (a
        // script cannot read either without running code on it).
        let state = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, p: Value<'js>| -> rquickjs::Result<&'static str> {
                if !p.is_promise() {
                    return Err(rquickjs::Exception::throw_type(&ctx, "not a promise"));
                }
                // SAFETY: p is a live promise of this context.
                let st = unsafe { qjs::JS_PromiseState(ctx.as_raw().as_ptr(), p.as_raw()) };
                Ok(match st {
                    qjs::JSPromiseStateEnum_JS_PROMISE_FULFILLED => "fulfilled",
                    qjs::JSPromiseStateEnum_JS_PROMISE_REJECTED => "rejected",
                    _ => "pending",
                })
            },
        )?;
        h.set("promiseState", state)?;
        let result = Function::new(
            ctx.clone(),
            move |ctx: Ctx<'js>, p: Value<'js>| -> rquickjs::Result<Value<'js>> {
                if !p.is_promise() {
                    return Err(rquickjs::Exception::throw_type(&ctx, "not a promise"));
                }
                // SAFETY: p is a live promise; the result is a new reference we own.
                Ok(unsafe {
                    Value::from_raw(
                        ctx.clone(),
                        qjs::JS_PromiseResult(ctx.as_raw().as_ptr(), p.as_raw()),
                    )
                })
            },
        )?;
        h.set("promiseResult", result)?;
        return Ok(h);
    }
    if name != "crypto" {
        return Ok(h);
    }
    // hash(alg, data): the digest of a Uint8Array.
    let hash = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, alg: Value<'js>, data: Value<'js>| -> rquickjs::Result<Value<'js>> {
            let alg = algorithm_arg(&ctx, &alg)?;
            let data = bytes_arg(&ctx, &data, "data")?;
            let out = read_bytes(&data, |d| crypto::hash(alg, d));
            new_bytes(&ctx, out)
        },
    )?;
    h.set("hash", hash)?;
    // hmac(alg, key, data)
    let hmac = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>,
              alg: Value<'js>,
              key: Value<'js>,
              data: Value<'js>|
              -> rquickjs::Result<Value<'js>> {
            let alg = algorithm_arg(&ctx, &alg)?;
            let key = bytes_arg(&ctx, &key, "key")?;
            let data = bytes_arg(&ctx, &data, "data")?;
            let out = read_bytes(&key, |k| read_bytes(&data, |d| crypto::hmac(alg, k, d)));
            new_bytes(&ctx, out)
        },
    )?;
    h.set("hmac", hmac)?;
    // randomFill(u8): fills it in place, at most crypto::MAX_RANDOM_BYTES at a time.
    let fill = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, target: Value<'js>| -> rquickjs::Result<()> {
            let target = bytes_arg(&ctx, &target, "buffer")?;
            let Some(ptr) = target.as_raw() else {
                return Err(rquickjs::Exception::throw_type(&ctx, "buffer is detached"));
            };
            if ptr.len() > crypto::MAX_RANDOM_BYTES {
                return Err(rquickjs::Exception::throw_range(
                    &ctx,
                    "at most 65536 random bytes per call",
                ));
            }
            // SAFETY: the pointer covers the typed array's live bytes, which `target` keeps
            // alive; no script runs while they are written.
            let buf = unsafe { &mut *ptr.as_ptr() };
            if crypto::fill_random(buf) {
                Ok(())
            } else {
                Err(rquickjs::Exception::throw_internal(
                    &ctx,
                    "the random source failed",
                ))
            }
        },
    )?;
    h.set("randomFill", fill)?;
    // timingSafeEqual(a, b): lengths are checked by the module (Node throws on a mismatch).
    let eq = Function::new(
        ctx.clone(),
        move |ctx: Ctx<'js>, a: Value<'js>, b: Value<'js>| -> rquickjs::Result<bool> {
            let a = bytes_arg(&ctx, &a, "a")?;
            let b = bytes_arg(&ctx, &b, "b")?;
            Ok(read_bytes(&a, |a| {
                read_bytes(&b, |b| crypto::equal_constant_time(a, b))
            }))
        },
    )?;
    h.set("timingSafeEqual", eq)?;
    Ok(h)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_get_their_category() {
        assert_eq!(module_category("fs"), Category::Filesystem);
        assert_eq!(
            module_category("node:child_process"),
            Category::ChildProcess
        );
        assert_eq!(module_category("fs/promises"), Category::Filesystem);
        assert_eq!(module_category("https"), Category::Network);
        assert_eq!(module_category("lodash"), Category::ModuleLoading);
    }
}
