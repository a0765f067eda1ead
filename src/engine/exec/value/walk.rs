//! The bounded walk of a JS value into a [`Node`] tree: depth, width, node and character
//! budgets, cycle detection, own data properties only (no script code runs).

use super::{
    bigint_text, call_native, clear_exception, intrinsic, is_proxy, js_string, own_atom, own_index,
    own_named, prototype, ptr_of, string_prop, Intrinsics, Node, Own, MAX_DEPTH, MAX_NODES,
    MAX_STRING_CHARS, MAX_TOTAL_CHARS, MAX_WIDTH,
};
use rquickjs::{qjs, Type, Value};
use std::ffi::c_void;

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
        let size = intrinsic(v, |i| i.collection(is_map).size.clone())
            .and_then(|g| call_native(v, &g))
            .and_then(|n| n.as_number())
            .filter(|n| n.is_finite() && *n >= 0.0)
            .map_or(0, |n| n as usize);
        let mut items = Vec::new();
        let iter =
            intrinsic(v, |i| i.collection(is_map).iter.clone()).and_then(|f| call_native(v, &f));
        if let Some(it) = iter.filter(|i| i.is_object()) {
            if let Some(next) = intrinsic(v, |i| i.collection(is_map).next.clone()) {
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

/// Converts a JS value into a bounded tree.
pub(crate) fn to_node(v: &Value<'_>) -> Node {
    let mut w = Walker {
        nodes: 0,
        chars_left: MAX_TOTAL_CHARS,
        path: Vec::new(),
    };
    w.walk(v, 0)
}
