//! The host bridge's part for granted capabilities: the native functions of the `fs` module
//! and of the global `fetch`, and the pending asynchronous calls of a run.
//!
//! Natives take and return plain values (strings, numbers, `Uint8Array`, plain objects and
//! arrays), read with bounded converters and built with define semantics (no script setter
//! runs). No RefCell borrow of the host state is held while JS runs. Every call goes to the
//! run's broker [`Port`]: a [`LocalPort`] in process, the parent in a worker (installed with
//! [`crate::engine::broker::install_remote`]). A refusal is recorded here as a `Blocked`
//! event naming the path or URL, at the script location of the call.
//!
//! Asynchronous calls (`fetch`) return a promise whose resolving functions are kept until the
//! answer arrives; [`await_host`] waits for answers when the job queue is empty (waiting costs
//! no CPU budget, but counts against the wall deadline), and [`Caps::end`] drops what is
//! left when an evaluation ends (before the runtime can go).

use super::{script_location, BlockedAttempt, SharedHost, MAX_STACK_CHARS};
use crate::engine::broker::{
    self, Answer, BrokerUsage, Bytes, CallResult, FailKind, Failure, FetchRequest, LocalPort,
    Location, Op, Port, RedirectMode,
};
use crate::engine::exec::limits::Control;
use crate::engine::exec::value;
use rquickjs::function::IntoJsFunc;
use rquickjs::object::Property;
use rquickjs::{Array, Ctx, Function, Object, Persistent, TypedArray, Value};
use std::collections::HashMap;
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// `fetch`, `Request`, `Response`, `Headers`, `AbortController`, `AbortSignal`.
pub(crate) const FETCH_SOURCE: &str = include_str!("../modules/fetch.js");

/// Longest header name or value read from a request, in characters.
const MAX_HEADER_CHARS: usize = 16 * 1024;
/// How often a wait for the host looks at the interrupt conditions (cancel, deadline).
const WAIT_SLICE: Duration = Duration::from_millis(5);

/// An asynchronous call waiting for its answer.
struct Pending {
    resolve: Persistent<Function<'static>>,
    reject: Persistent<Function<'static>>,
    at: Location,
}

/// A run's capability state (in [`super::HostState`]).
pub(crate) struct Caps {
    port: Option<Box<dyn Port>>,
    next_id: u64,
    pending: HashMap<u64, Pending>,
    started: Instant,
    /// Modules `require` loaded in this evaluation.
    pub modules_loaded: u64,
}

impl Default for Caps {
    fn default() -> Self {
        Caps {
            port: None,
            next_id: 1,
            pending: HashMap::new(),
            started: Instant::now(),
            modules_loaded: 0,
        }
    }
}

impl Caps {
    /// A new evaluation starts (its wall deadline counts from now).
    pub(crate) fn reset(&mut self) {
        self.end();
        self.started = Instant::now();
        self.modules_loaded = 0;
    }

    /// Whether an asynchronous call is waiting for its answer.
    pub(crate) fn waiting(&self) -> bool {
        !self.pending.is_empty()
    }

    /// The evaluation is over: cancels what is in flight and drops the resolving functions
    /// (while the runtime is still alive).
    pub(crate) fn end(&mut self) {
        let ids: Vec<u64> = self.pending.keys().copied().collect();
        if let Some(port) = self.port.as_mut() {
            for id in ids {
                port.abort(id);
            }
        }
        self.pending.clear();
    }

    /// What the in-process broker counted (`None` across the worker protocol: the parent
    /// counts).
    pub(crate) fn usage(&self) -> Option<BrokerUsage> {
        self.port.as_ref().and_then(|p| p.usage())
    }

    fn id(&mut self) -> u64 {
        let id = self.next_id;
        self.next_id += 1;
        id
    }
}

/// The run's port, made on first use: the parent's when this is a worker, else a broker of
/// this process.
fn port(st: &mut super::HostState) -> Result<&mut Box<dyn Port>, Failure> {
    if st.caps.port.is_none() {
        let port: Box<dyn Port> = match broker::take_remote() {
            Some(remote) => remote,
            None if broker::is_worker() => {
                return Err(Failure::new(
                    FailKind::Failed,
                    "ERR_SANDBOX",
                    "no capability broker is connected to this worker",
                ))
            }
            None => Box::new(LocalPort::new(
                st.permissions.clone(),
                st.caps.started + Duration::from_millis(st.limits.wall_timeout_ms),
            )),
        };
        st.caps.port = Some(port);
    }
    match st.caps.port.as_mut() {
        Some(p) => Ok(p),
        None => Err(Failure::new(FailKind::Failed, "ERR_SANDBOX", "no broker")),
    }
}

/// The script location of a call, from the setup's call-site based `where()`.
fn locate<'js>(host: &SharedHost, wh: &Option<Function<'js>>) -> Location {
    let Some(f) = wh else {
        return (None, None);
    };
    let text = match f.call::<_, Value>(()) {
        Ok(v) => value::js_string(&v, MAX_STACK_CHARS),
        Err(_) => {
            let _ = f.ctx().catch();
            String::new()
        }
    };
    let filename = host.borrow().filename.clone();
    script_location(&text, &filename)
}

/// Records a refused call as a Blocked event.
fn record(host: &SharedHost, f: &Failure, at: Location) {
    if let Some(r) = &f.refusal {
        host.borrow_mut().push_blocked(BlockedAttempt {
            capability: r.target.clone(),
            category: r.category,
            message: r.message.clone(),
            line: at.0,
            column: at.1,
            count: 1,
        });
    }
}

/// Defines `key` on `obj` as an ordinary data property (no setter of the script runs).
fn define<'js, V: rquickjs::IntoJs<'js>>(
    obj: &Object<'js>,
    key: &str,
    v: V,
) -> rquickjs::Result<()> {
    obj.prop(
        key,
        Property::from(v).writable().enumerable().configurable(),
    )
}

fn define_at<'js, V: rquickjs::IntoJs<'js>>(
    arr: &Array<'js>,
    i: usize,
    v: V,
) -> rquickjs::Result<()> {
    let i = u32::try_from(i).unwrap_or(u32::MAX);
    arr.as_object()
        .prop(i, Property::from(v).writable().enumerable().configurable())
}

/// A failure as the plain object the JS half turns into an error: `{ code, message, kind }`.
fn failure_js<'js>(ctx: &Ctx<'js>, f: &Failure) -> rquickjs::Result<Value<'js>> {
    let o = Object::new(ctx.clone())?;
    define(&o, "code", f.code.as_str())?;
    define(&o, "message", f.message.as_str())?;
    let kind = match f.kind {
        FailKind::Refused => "refused",
        FailKind::Limit => "limit",
        FailKind::Invalid => "invalid",
        FailKind::Failed => "failed",
        FailKind::Timeout => "timeout",
        FailKind::Aborted => "aborted",
    };
    define(&o, "kind", kind)?;
    Ok(o.into_value())
}

fn bytes_js<'js>(ctx: &Ctx<'js>, b: &[u8]) -> rquickjs::Result<Value<'js>> {
    Ok(TypedArray::<u8>::new_copy(ctx.clone(), b)?.into_value())
}

/// Bytes of a `Uint8Array` (or any typed array, DataView's buffer view) or `ArrayBuffer`, if
/// at most `max`; `Err(len)` when longer.
fn read_bytes(v: &Value<'_>, max: usize) -> Option<Result<Vec<u8>, usize>> {
    let raw = if let Ok(t) = TypedArray::<u8>::from_value(v.clone()) {
        t.as_raw()
    } else {
        rquickjs::ArrayBuffer::from_value(v.clone()).and_then(|b| b.as_raw())
    }?;
    let len = raw.len();
    if len > max {
        return Some(Err(len));
    }
    // SAFETY: the pointer is valid for `len` bytes until JS runs again; it is copied at once.
    let bytes = unsafe { raw.as_ref() }.to_vec();
    Some(Ok(bytes))
}

/// Text decoded host-side for `readFileSync(path, encoding)`.
fn decode(bytes: &[u8], encoding: &str) -> Option<String> {
    use base64::Engine as _;
    Some(match encoding.to_ascii_lowercase().as_str() {
        "utf8" | "utf-8" => String::from_utf8_lossy(bytes).into_owned(),
        "latin1" | "binary" => bytes.iter().map(|&b| char::from(b)).collect(),
        "ascii" => bytes.iter().map(|&b| char::from(b & 0x7f)).collect(),
        "hex" => bytes.iter().map(|b| format!("{b:02x}")).collect(),
        "base64" => base64::engine::general_purpose::STANDARD.encode(bytes),
        "base64url" => base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes),
        "ucs2" | "ucs-2" | "utf16le" | "utf-16le" => {
            let units: Vec<u16> = bytes
                .chunks_exact(2)
                .map(|c| u16::from_le_bytes([c[0], c[1]]))
                .collect();
            String::from_utf16_lossy(&units)
        }
        _ => return None,
    })
}

static FETCH: OnceLock<Result<Vec<u8>, String>> = OnceLock::new();

/// The `fetch` source compiled once per process (trusted, like the host modules; stripped of
/// its source text so a script's `toString` shows nothing of it), unless a parent provided it.
pub(crate) fn fetch_bytecode() -> Result<&'static [u8], String> {
    FETCH
        .get_or_init(|| {
            super::super::quickjs::compile_host_source(FETCH_SOURCE, "sandbench:fetch")
                .map_err(|e| format!("{}: {}", e.name, e.message))
        })
        .as_ref()
        .map(Vec::as_slice)
        .map_err(Clone::clone)
}

/// Uses `bytes` as this process's `fetch` bytecode (a worker receives it from its parent of
/// the same build). False if it was already settled.
///
/// Only for bytecode from a trusted producer: QuickJS does not validate bytecode it loads.
pub(crate) fn provide_fetch_bytecode(bytes: Vec<u8>) -> bool {
    FETCH.set(Ok(bytes)).is_ok()
}

/// Evaluates the `fetch` source and calls it with (host, require, { name }), as the loader
/// calls a host module (`fetch` is a global, not a module `require` can name).
fn instantiate_fetch<'js>(ctx: &Ctx<'js>, host_obj: Object<'js>) -> rquickjs::Result<Value<'js>> {
    let bytes = fetch_bytecode()
        .map_err(|e| rquickjs::Error::new_from_js_message("module", "function", e))?;
    let f = super::super::quickjs::run_bytecode(ctx, bytes)?;
    let f = Function::from_value(f)?;
    let require: Value = ctx.globals().get("require")?;
    let module = Object::new(ctx.clone())?;
    define(&module, "name", "fetch")?;
    f.call((host_obj, require, module))
}

/// The global `fetch` and its classes, for a run granted the network.
pub(super) fn fetch_globals<'js>(
    ctx: &Ctx<'js>,
    host: &SharedHost,
    wh: Option<Function<'js>>,
) -> rquickjs::Result<Value<'js>> {
    let h = fetch_host(HostObject::new(ctx, host, wh)?)?;
    instantiate_fetch(ctx, h)
}

/// A module's `host` object being built. It carries the script-location function `where` when
/// there is one; each native is given its own handle on the run's host. `where` travels as a
/// property and an argument, never captured by a native: a JS value held by Rust is invisible
/// to the cycle collector.
pub(super) struct HostObject<'js> {
    obj: Object<'js>,
    host: SharedHost,
}

impl<'js> HostObject<'js> {
    pub(super) fn new(
        ctx: &Ctx<'js>,
        host: &SharedHost,
        wh: Option<Function<'js>>,
    ) -> rquickjs::Result<Self> {
        let obj = Object::new(ctx.clone())?;
        if let Some(w) = wh {
            define(&obj, "where", w)?;
        }
        Ok(HostObject {
            obj,
            host: SharedHost::clone(host),
        })
    }

    /// Defines the native `name`, made by `make` from its own handle on the run's host.
    fn native<P, F>(&self, name: &str, make: impl FnOnce(SharedHost) -> F) -> rquickjs::Result<()>
    where
        F: IntoJsFunc<'js, P> + 'js,
    {
        let f = Function::new(self.obj.ctx().clone(), make(SharedHost::clone(&self.host)))?;
        define(&self.obj, name, f)
    }
}

/// `host` of the `fs` module: `fs(op, path, encoding)` → `[error, value]`,
/// `refuseWrite(name)` → message, `allows(module)`, `where`.
pub(super) fn fs_host<'js>(h: HostObject<'js>) -> rquickjs::Result<Object<'js>> {
    h.native("fs", |hs| {
        move |ctx: Ctx<'js>,
              op: String,
              path: Value<'js>,
              encoding: Value<'js>,
              where_fn: rquickjs::function::Opt<Function<'js>>|
              -> rquickjs::Result<Array<'js>> {
            let where_fn = where_fn.0;
            let out = Array::new(ctx.clone())?;
            let path = value::js_string(&path, broker::MAX_PATH_BYTES + 1);
            let encoding = if encoding.is_string() {
                Some(value::js_string(&encoding, 32))
            } else {
                None
            };
            let op = match op.as_str() {
                "read" => Op::FsRead { path },
                "readdir" => Op::FsReaddir { path },
                "stat" => Op::FsStat { path },
                _ => Op::FsExists { path },
            };
            let result = {
                let mut st = hs.borrow_mut();
                let id = st.caps.id();
                match port(&mut st) {
                    Ok(p) => p.call(id, (None, None), op),
                    Err(f) => Err(f),
                }
            };
            match result {
                Ok(answer) => {
                    define_at(&out, 0, Value::new_null(ctx.clone()))?;
                    let v = answer_js(&ctx, answer, encoding.as_deref())?;
                    define_at(&out, 1, v)?;
                }
                Err(f) => {
                    if f.refusal.is_some() {
                        let at = locate(&hs, &where_fn);
                        record(&hs, &f, at);
                    }
                    define_at(&out, 0, failure_js(&ctx, &f)?)?;
                }
            }
            Ok(out)
        }
    })?;

    h.native("refuseWrite", |hs| {
        move |name: String, where_fn: rquickjs::function::Opt<Function<'js>>| -> String {
            let where_fn = where_fn.0;
            let shown = crate::engine::text::truncate(&name, 100).into_owned();
            let message = format!(
                "fs.{shown} is refused: this version of sandbench grants filesystem reads only (filesystem.write cannot be granted)"
            );
            let at = locate(&hs, &where_fn);
            hs.borrow_mut().push_blocked(BlockedAttempt {
                capability: format!("fs.{shown}"),
                category: crate::engine::Category::Filesystem,
                message: message.clone(),
                line: at.0,
                column: at.1,
                count: 1,
            });
            message
        }
    })?;

    h.native("allows", |hs| {
        move |name: String| -> bool { hs.borrow().permissions.allows_module(&name) }
    })?;
    Ok(h.obj)
}

/// An answer as the JS half expects it.
fn answer_js<'js>(
    ctx: &Ctx<'js>,
    a: Answer,
    encoding: Option<&str>,
) -> rquickjs::Result<Value<'js>> {
    Ok(match a {
        Answer::Bytes(b) => match encoding {
            Some(enc) => match decode(&b.0, enc) {
                Some(text) => rquickjs::String::from_str(ctx.clone(), &text)?.into_value(),
                None => {
                    return Err(rquickjs::Exception::throw_type(
                        ctx,
                        &format!(
                            "Unknown encoding: {}",
                            crate::engine::text::truncate(enc, 32)
                        ),
                    ))
                }
            },
            None => bytes_js(ctx, &b.0)?,
        },
        Answer::Entries(entries) => {
            let arr = Array::new(ctx.clone())?;
            for (i, e) in entries.iter().enumerate() {
                let pair = Array::new(ctx.clone())?;
                define_at(&pair, 0, e.name.as_str())?;
                let kind = match e.kind {
                    broker::EntryKind::File => "file",
                    broker::EntryKind::Dir => "dir",
                    broker::EntryKind::Symlink => "symlink",
                    broker::EntryKind::Other => "other",
                };
                define_at(&pair, 1, kind)?;
                define_at(&arr, i, pair)?;
            }
            arr.into_value()
        }
        Answer::Stat(s) => {
            let o = Object::new(ctx.clone())?;
            define(&o, "isDir", s.is_dir)?;
            define(&o, "size", s.size as f64)?;
            define(&o, "mode", s.mode)?;
            define(&o, "mtimeMs", s.mtime_ms as f64)?;
            define(&o, "atimeMs", s.atime_ms as f64)?;
            define(&o, "ctimeMs", s.ctime_ms as f64)?;
            o.into_value()
        }
        Answer::Exists(b) => Value::new_bool(ctx.clone(), b),
        Answer::Response(r) => {
            let o = Object::new(ctx.clone())?;
            define(&o, "status", r.status)?;
            define(&o, "statusText", r.status_text.as_str())?;
            define(&o, "url", r.url.as_str())?;
            define(&o, "redirected", r.redirected)?;
            let headers = Array::new(ctx.clone())?;
            for (i, (k, v)) in r.headers.iter().enumerate() {
                let pair = Array::new(ctx.clone())?;
                define_at(&pair, 0, k.as_str())?;
                define_at(&pair, 1, v.as_str())?;
                define_at(&headers, i, pair)?;
            }
            define(&o, "headers", headers)?;
            define(&o, "body", bytes_js(ctx, &r.body.0)?)?;
            o.into_value()
        }
        Answer::Done => Value::new_undefined(ctx.clone()),
    })
}

/// Reads a string property of the request object (bounded).
fn str_prop<'js>(o: &Object<'js>, key: &str, max: usize) -> rquickjs::Result<Option<String>> {
    let v: Value = o.get(key)?;
    Ok(if v.is_string() {
        Some(value::js_string(&v, max))
    } else {
        None
    })
}

/// The request the JS half built, read with bounds (the broker checks it again).
fn fetch_request<'js>(
    ctx: &Ctx<'js>,
    o: &Object<'js>,
    max_body: usize,
) -> Result<FetchRequest, Failure> {
    let bad = |m: String| Failure::new(FailKind::Invalid, "ERR_INVALID_ARG_VALUE", m);
    let js = |e: rquickjs::Error| {
        let _ = ctx.catch();
        bad(format!("the request could not be read: {e}"))
    };
    let url = str_prop(o, "url", broker::MAX_URL_BYTES + 1)
        .map_err(js)?
        .ok_or_else(|| bad("the URL must be a string".into()))?;
    let method = str_prop(o, "method", 64)
        .map_err(js)?
        .unwrap_or_else(|| "GET".into());
    let mut headers = Vec::new();
    let hv: Value = o.get("headers").map_err(js)?;
    if let Some(arr) = hv.as_array() {
        if arr.len() > broker::net::MAX_HEADERS {
            return Err(Failure::new(
                FailKind::Limit,
                "ERR_SANDBOX_LIMIT",
                format!(
                    "a request may carry at most {} headers",
                    broker::net::MAX_HEADERS
                ),
            ));
        }
        for i in 0..arr.len() {
            let pair: Value = arr.get(i).map_err(js)?;
            let Some(pair) = pair.as_array() else {
                continue;
            };
            let k: Value = pair.get(0).map_err(js)?;
            let v: Value = pair.get(1).map_err(js)?;
            headers.push((
                value::js_string(&k, MAX_HEADER_CHARS),
                value::js_string(&v, MAX_HEADER_CHARS),
            ));
        }
    }
    let bv: Value = o.get("body").map_err(js)?;
    let body = if bv.is_null() || bv.is_undefined() {
        None
    } else {
        match read_bytes(&bv, max_body) {
            Some(Ok(b)) => Some(Bytes(b)),
            Some(Err(len)) => {
                return Err(Failure::new(
                    FailKind::Limit,
                    "ERR_SANDBOX_LIMIT",
                    format!("the request body is {len} bytes; the limit is {max_body}"),
                ))
            }
            None => return Err(bad("the body must be bytes".into())),
        }
    };
    let redirect = match str_prop(o, "redirect", 16).map_err(js)?.as_deref() {
        Some("error") => RedirectMode::Error,
        Some("manual") => RedirectMode::Manual,
        _ => RedirectMode::Follow,
    };
    let tv: Value = o.get("timeoutMs").map_err(js)?;
    let timeout_ms = tv
        .as_number()
        .filter(|n| n.is_finite() && *n >= 0.0)
        .map(|n| n.min(u64::MAX as f64) as u64);
    Ok(FetchRequest {
        url,
        method,
        headers,
        body,
        redirect,
        timeout_ms,
    })
}

/// `host` of the fetch module: `fetch(request)` → `[id, promise]`, `abort(id)`,
/// `decode(bytes)` (UTF-8, lossy), `encode(string)` (UTF-8).
fn fetch_host<'js>(h: HostObject<'js>) -> rquickjs::Result<Object<'js>> {
    h.native("fetch", |hs| {
        move |ctx: Ctx<'js>,
              req: Object<'js>,
              where_fn: rquickjs::function::Opt<Function<'js>>|
              -> rquickjs::Result<Array<'js>> {
            let where_fn = where_fn.0;
            let at = locate(&hs, &where_fn);
            let max_body = usize::try_from(hs.borrow().permissions.limits.net_max_request_bytes)
                .unwrap_or(usize::MAX);
            let (promise, resolve, reject) = ctx.promise()?;
            let out = Array::new(ctx.clone())?;
            let request = fetch_request(&ctx, &req, max_body);
            let id = {
                let mut st = hs.borrow_mut();
                let id = st.caps.id();
                match request {
                    Ok(request) => match port(&mut st) {
                        Ok(p) => {
                            p.start(id, at, Op::Fetch { request });
                            st.caps.pending.insert(
                                id,
                                Pending {
                                    resolve: Persistent::save(&ctx, resolve),
                                    reject: Persistent::save(&ctx, reject),
                                    at,
                                },
                            );
                            Ok(id)
                        }
                        Err(f) => Err((f, reject)),
                    },
                    Err(f) => Err((f, reject)),
                }
            };
            let id = match id {
                Ok(id) => id,
                Err((f, reject)) => {
                    record(&hs, &f, at);
                    reject.call::<_, ()>((failure_js(&ctx, &f)?,))?;
                    0
                }
            };
            define_at(&out, 0, id as f64)?;
            define_at(&out, 1, promise)?;
            Ok(out)
        }
    })?;

    h.native("abort", |hs| {
        move |id: f64| {
            let id = id as u64;
            let mut st = hs.borrow_mut();
            if st.caps.pending.remove(&id).is_some() {
                if let Some(p) = st.caps.port.as_mut() {
                    p.abort(id);
                }
            }
        }
    })?;

    h.native("decode", |_| {
        move |ctx: Ctx<'js>, v: Value<'js>| -> rquickjs::Result<Value<'js>> {
            let bytes = match read_bytes(&v, usize::MAX) {
                Some(Ok(b)) => b,
                _ => Vec::new(),
            };
            Ok(rquickjs::String::from_str(ctx, &String::from_utf8_lossy(&bytes))?.into_value())
        }
    })?;
    h.native("encode", |_| {
        move |ctx: Ctx<'js>, v: Value<'js>| -> rquickjs::Result<Value<'js>> {
            let text = value::js_string(&v, usize::MAX / 8);
            bytes_js(&ctx, text.as_bytes())
        }
    })?;
    Ok(h.obj)
}

/// Waits (when the job queue is empty) for the next answer to an asynchronous call and settles
/// its promise. False when nothing is pending or the run must stop (cancel, a limit).
pub(crate) fn await_host<'js>(ctx: &Ctx<'js>, host: &SharedHost, control: &Control) -> bool {
    loop {
        if !host.borrow().caps.waiting() {
            return false;
        }
        if control.should_interrupt() {
            return false;
        }
        let got = {
            let mut st = host.borrow_mut();
            match st.caps.port.as_mut() {
                Some(p) => p.wait(WAIT_SLICE),
                None => return false,
            }
        };
        let Some((id, result)) = got else { continue };
        let pending = host.borrow_mut().caps.pending.remove(&id);
        let Some(p) = pending else { continue };
        settle(ctx, host, p, result);
        return true;
    }
}

fn settle<'js>(ctx: &Ctx<'js>, host: &SharedHost, p: Pending, result: CallResult) {
    let (Ok(resolve), Ok(reject)) = (p.resolve.restore(ctx), p.reject.restore(ctx)) else {
        return;
    };
    let r = match result {
        Ok(answer) => match answer_js(ctx, answer, None) {
            Ok(v) => resolve.call::<_, ()>((v,)),
            Err(e) => Err(e),
        },
        Err(f) => {
            record(host, &f, p.at);
            match failure_js(ctx, &f) {
                Ok(v) => reject.call::<_, ()>((v,)),
                Err(e) => Err(e),
            }
        }
    };
    if r.is_err() {
        // Out of memory building the answer: the promise stays pending; the error is dropped
        // here as an uncaught job error would be.
        let _ = ctx.catch();
    }
}
