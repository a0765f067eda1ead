//! The run's `input`, built natively as a deeply frozen JS value.

use rquickjs::{qjs, Array, Ctx, Object, Value};

/// Deepest `input` built (a valid request is never deeper: see [`ExecRequest::validate`]);
/// checked again here because the build recurses.
///
/// [`ExecRequest::validate`]: crate::engine::exec::ExecRequest::validate
const MAX_INPUT_DEPTH: usize = crate::engine::exec::MAX_INPUT_DEPTH;

/// Builds `input` as a deeply frozen JS value, natively.
pub(super) fn frozen_js<'js>(
    ctx: &Ctx<'js>,
    v: &serde_json::Value,
    depth: usize,
) -> rquickjs::Result<Value<'js>> {
    use serde_json::Value as J;
    let raw = ctx.as_raw().as_ptr();
    if depth > MAX_INPUT_DEPTH {
        return Err(rquickjs::Error::new_from_js_message(
            "input",
            "JSON",
            format!("input is nested deeper than {MAX_INPUT_DEPTH} levels"),
        ));
    }
    let out: Value = match v {
        J::Null => Value::new_null(ctx.clone()),
        J::Bool(b) => Value::new_bool(ctx.clone(), *b),
        J::Number(n) => match n.as_i64().and_then(|i| i32::try_from(i).ok()) {
            Some(i) => Value::new_int(ctx.clone(), i),
            None => Value::new_number(ctx.clone(), n.as_f64().unwrap_or(f64::NAN)),
        },
        J::String(s) => rquickjs::String::from_str(ctx.clone(), s)?.into_value(),
        // Properties are *defined* (as JSON.parse does), never set: a key `__proto__` must
        // not reach the `__proto__` setter.
        J::Array(items) => {
            let a = Array::new(ctx.clone())?.into_value();
            for (i, item) in items.iter().enumerate() {
                let x = frozen_js(ctx, item, depth + 1)?;
                let i = u32::try_from(i).map_err(|_| {
                    rquickjs::Error::new_from_js_message("input", "JSON", "array too long")
                })?;
                // SAFETY: a is a live array; the value's reference moves into the array.
                let rc = unsafe {
                    qjs::JS_DefinePropertyValueUint32(
                        raw,
                        a.as_raw(),
                        i,
                        qjs::JS_DupValue(raw, x.as_raw()),
                        qjs::JS_PROP_C_W_E as i32,
                    )
                };
                if rc < 0 {
                    return Err(rquickjs::Error::Exception);
                }
            }
            a
        }
        J::Object(map) => {
            let o = Object::new(ctx.clone())?.into_value();
            for (k, item) in map {
                let x = frozen_js(ctx, item, depth + 1)?;
                // SAFETY: k's bytes are valid for len; the atom is freed below and the value's
                // reference moves into the object.
                let rc = unsafe {
                    let atom = qjs::JS_NewAtomLen(raw, k.as_ptr().cast(), k.len() as _);
                    let rc = qjs::JS_DefinePropertyValue(
                        raw,
                        o.as_raw(),
                        atom,
                        qjs::JS_DupValue(raw, x.as_raw()),
                        qjs::JS_PROP_C_W_E as i32,
                    );
                    qjs::JS_FreeAtom(raw, atom);
                    rc
                };
                if rc < 0 {
                    return Err(rquickjs::Error::Exception);
                }
            }
            o
        }
    };
    if out.is_object() {
        // SAFETY: a live object of this context, created just above.
        unsafe { qjs::JS_FreezeObject(raw, out.as_raw()) };
    }
    Ok(out)
}
