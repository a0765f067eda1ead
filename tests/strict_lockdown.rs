//! Issue 10, points 3–7: the strict profile's full lockdown (everything reachable frozen, the
//! override mistake tamed, guards that cannot be switched off), the engine's internal
//! placeholder never reaching a script, no host facts (seeded random, virtual UTC clock, no
//! host frames), and the ordinary code real libraries run. Every attack has a benign twin; each
//! runs on both executors.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use sandbench::engine::exec::{ExecOutcome, ExecRequest, Outcome};
use sandbench::engine::Category;

fn ok_value(
    ex: &dyn sandbench::engine::exec::Executor,
    req: &ExecRequest,
) -> (serde_json::Value, ExecOutcome) {
    let out = run_with_on(ex, req);
    assert_outcome(ex, &out, Outcome::Ok);
    (out.value.clone().unwrap_or(serde_json::Value::Null), out)
}

/// The walk SES's `harden` does, inside the sandbox: from the global object's own properties
/// and from the prototypes of objects that only syntax creates (iterator helpers, `Iterator.zip`
/// / `concat` results, generators, async-from-sync iterators, `%ThrowTypeError%`, template
/// objects, `Array.prototype[@@unscopables]`, …), over own properties (values, getters,
/// setters, symbols) and prototypes: every object met must be frozen.
const WALK: &str = r#"
const seen = new Set();
const todo = [];
const notFrozen = [];
const add = (v, path) => { if ((typeof v === 'object' || typeof v === 'function') && v !== null && !seen.has(v)) { seen.add(v); todo.push([v, path]); } };
for (const k of Reflect.ownKeys(globalThis)) {
  const d = Object.getOwnPropertyDescriptor(globalThis, k);
  if (d.get || d.set) { add(d.get, String(k) + '.get'); add(d.set, String(k) + '.set'); continue; }
  if (k === 'globalThis') continue;
  // `console` is the run's own object (left writable, documented): what it holds is walked.
  if (k === 'console') { for (const m of Reflect.ownKeys(console)) add(console[m], 'console.' + String(m)); continue; }
  add(d.value, String(k));
}
add(Object.getPrototypeOf(globalThis), 'globalThis.__proto__');
const tag = (s) => s;
const tpl = tag`a${1}b`;
const argsStrict = (function () { 'use strict'; return arguments; })();
// The script's own generator functions (and their `prototype` objects) are not intrinsics:
// the walk starts from the intrinsic prototypes behind them.
const ag = async function* () {};
const g = function* () {};
const afs = async function* () { yield* [1]; };
const own = new Set([ag.prototype, g.prototype, afs.prototype]);
const syntax = {
  iteratorHelper: [].values().map((x) => x),
  wrapForValid: Iterator.from({ next() { return { done: true }; } }),
  zip: typeof Iterator.zip === 'function' ? Iterator.zip([]) : {},
  concat: typeof Iterator.concat === 'function' ? Iterator.concat([]) : {},
  generator: g(),
  asyncGenerator: ag(),
  asyncFromSync: afs(),
  regexpString: /a/g[Symbol.matchAll]('a'),
  stringIter: ''[Symbol.iterator](),
  mapIter: new Map().entries(),
  setIter: new Set().values(),
  arrayIter: [][Symbol.iterator](),
  promise: Promise.resolve(),
  asyncFn: async () => {},
  arrow: () => {},
  klass: class {},
  error: new Error('x'),
  regexp: /x/,
  typed: new Uint8Array(1),
  buffer: new ArrayBuffer(1),
  weakRef: new WeakRef({}),
  proxyCtor: Proxy,
};
for (const k of Object.keys(syntax)) {
  const p = Object.getPrototypeOf(syntax[k]);
  if (own.has(p)) add(Object.getPrototypeOf(p), k + '.__proto__.__proto__'); else add(p, k + '.__proto__');
}
// The async-from-sync iterator: what `yield*` over a sync iterable makes inside an async
// generator, reachable through its `next`'s result in the engine; its prototype is a class
// prototype the host's walk covers (the in-sandbox walk reaches what syntax exposes).
add(Object.getOwnPropertyDescriptor(argsStrict, 'callee').get, '%ThrowTypeError%');
add(Array.prototype[Symbol.unscopables], 'Array.prototype[@@unscopables]');
let count = 0;
while (todo.length > 0) {
  const [o, path] = todo.pop();
  count++;
  if (!Object.isFrozen(o)) notFrozen.push(path);
  for (const k of Reflect.ownKeys(o)) {
    const d = Object.getOwnPropertyDescriptor(o, k);
    const p = path + '.' + String(k);
    if ('value' in d) add(d.value, p); else { add(d.get, p + '.get'); add(d.set, p + '.set'); }
  }
  add(Object.getPrototypeOf(o), path + '.__proto__');
}
[count, notFrozen.slice(0, 20), Object.isFrozen(tpl), Object.isFrozen(tpl.raw)]
"#;

/// Point 4 (hidden intrinsics) and the full freeze: nothing reachable stays mutable.
#[test]
fn everything_reachable_from_globals_and_syntax_is_frozen() {
    each(|ex| {
        let (v, _) = ok_value(ex, &limited(WALK, 5000));
        let count = v[0].as_u64().unwrap_or(0);
        // ~830 objects with quickjs-ng 0.10 (rquickjs 0.14).
        assert!(
            count > 600,
            "{}: the walk met only {count} objects",
            ex.name()
        );
        assert_eq!(v[1], serde_json::json!([]), "{}: not frozen", ex.name());
        // The objects the walk met are what a script can change in lab: the twin.
        let mut lab = limited(WALK, 5000);
        lab.profile = sandbench::engine::policy::Profile::Lab;
        let (v, _) = ok_value(ex, &lab);
        assert!(
            v[1].as_array().is_some_and(|a| a.len() >= 20),
            "{}: lab freezes nothing: {:?}",
            ex.name(),
            v[1]
        );
    });
}

/// Point 4: writes to hidden intrinsics are refused (they used to succeed).
#[test]
fn hidden_intrinsics_refuse_new_properties() {
    let code = "const r = [];\n\
        const targets = [Object.getPrototypeOf([].values().map(x => x)), Object.getPrototypeOf(Iterator.from({ next() { return { done: true }; } })), Array.prototype[Symbol.unscopables]];\n\
        for (const t of targets) { try { t.polluted = 1; r.push('ESCAPED'); } catch (e) { r.push(e.name); } }\n\
        r";
    each(|ex| {
        let (v, _) = ok_value(ex, &limited(code, 2000));
        assert_eq!(
            v,
            serde_json::json!(["TypeError", "TypeError", "TypeError"]),
            "{}",
            ex.name()
        );
    });
}

/// Point 4: a forwarding Proxy around a shared prototype does not get past the guards; the
/// refusal is recorded. Twin: a Proxy around the script's own object works.
#[test]
fn a_proxy_around_a_shared_prototype_is_refused_and_recorded() {
    let code = "let r;\n\
        try { Object.defineProperty(new Proxy(Map.prototype, {}), 'size', { get() { return 42; } }); r = 'ESCAPED'; } catch (e) { r = e.name; }\n\
        const own = {}; Object.defineProperty(new Proxy(own, {}), 'size', { value: 7 });\n\
        [r, new Map().size, own.size]";
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(code, 2000));
        assert_eq!(v, serde_json::json!(["TypeError", 0, 7]), "{}", ex.name());
        assert_blocked_at(ex, &out, "defineProperty", Category::PrototypePollution, 2);
        assert_eq!(out.blocked.len(), 1, "{}: {:?}", ex.name(), out.blocked);
    });
}

/// Point 4: the legacy accessor definers' guard cannot be switched off by replacing anything a
/// script can reach (WeakSet.prototype.has, global bindings), nor by a Proxy.
#[test]
fn the_define_getter_guard_uses_only_what_setup_captured() {
    let code = "try { WeakSet.prototype.has = () => false; } catch (e) {}\n\
        const OP = Object.prototype; globalThis.WeakSet = globalThis.Reflect = null;\n\
        let r = [];\n\
        try { OP.__defineGetter__('isAdmin', () => true); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        try { ({}).__defineGetter__.call(new Proxy(OP, {}), 'isAdmin', () => true); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        const mine = {}; mine.__defineGetter__('x', () => 5);\n\
        r.push(({}).isAdmin === undefined, mine.x);\n\
        r";
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(code, 2000));
        assert_eq!(
            v,
            serde_json::json!(["TypeError", "TypeError", true, 5]),
            "{}",
            ex.name()
        );
        for line in [4, 5] {
            assert!(
                out.blocked
                    .iter()
                    .any(|b| b.capability == "__defineGetter__"
                        && b.category == Category::PrototypePollution
                        && b.line == Some(line)),
                "{}: line {line}: {:?}",
                ex.name(),
                out.blocked
            );
        }
    });
}

/// Point 5 (override mistake), the benign side: what ordinary code does to its own objects
/// works in strict, and records nothing.
#[test]
fn overriding_inherited_properties_on_own_objects_works_and_records_nothing() {
    let code = "class ValidationError extends Error {\n\
          constructor(m) { super(m); this.name = 'ValidationError'; }\n\
        }\n\
        const e = new ValidationError('bad');\n\
        const err = new Error('x'); err.message = 'changed'; err.name = 'Custom';\n\
        function Foo() {}\n\
        Foo.prototype.toString = function () { return 'Foo!'; };\n\
        Foo.prototype.valueOf = function () { return 41; };\n\
        const obj = {}; obj.toString = () => 'obj'; obj.constructor = Foo; obj.hasOwnProperty = () => 'mine';\n\
        const d = { toJSON() { return 'J'; } }; const dd = new Date(0); dd.toJSON = () => 'D';\n\
        class Money { toString() { return '$1'; } }\n\
        const arr = [1]; arr.push = function (x) { return 'pushed ' + x; };\n\
        const quiet = console.log; console.log = () => {}; console.log('silenced'); console.log = quiet;\n\
        [e.name, e.message, String(e), e instanceof ValidationError, e instanceof Error,\n\
         err.message, err.name, String(new Foo()), new Foo() + 1, String(obj), obj.constructor === Foo, obj.hasOwnProperty(),\n\
         JSON.stringify([d, dd]), `${new Money()}`, arr.push(2), Error.prototype.name, Object.prototype.toString.call([])]";
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(code, 2000));
        assert_eq!(
            v,
            serde_json::json!([
                "ValidationError",
                "bad",
                "ValidationError: bad",
                true,
                true,
                "changed",
                "Custom",
                "Foo!",
                42,
                "obj",
                true,
                "mine",
                "[\"J\",\"D\"]",
                "$1",
                "pushed 2",
                "Error",
                "[object Array]"
            ]),
            "{}",
            ex.name()
        );
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
        assert!(out.console.is_empty(), "{}: {:?}", ex.name(), out.console);
    });
}

/// Point 5, the attack twin: the same assignments aimed at the shared prototypes are refused
/// and recorded, and change nothing.
#[test]
fn overriding_on_the_shared_prototypes_is_refused_and_recorded() {
    let code = "const r = [];\n\
        try { Object.prototype.toString = () => 'pwned'; r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        try { Error.prototype.message = 'pwned'; r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        try { Array.prototype.push = () => 0; r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        const d = Object.getOwnPropertyDescriptor(Object.prototype, 'valueOf');\n\
        try { d.set.call(Object.prototype, () => 1); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        r.push(String({}), new Error().message, [].push(1));\n\
        r";
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(code, 2000));
        assert_eq!(
            v,
            serde_json::json!([
                "TypeError",
                "TypeError",
                "TypeError",
                "TypeError",
                "[object Object]",
                "",
                1
            ]),
            "{}",
            ex.name()
        );
        for line in [2, 3, 4, 6] {
            assert!(
                out.blocked
                    .iter()
                    .any(|b| b.category == Category::PrototypePollution && b.line == Some(line)),
                "{}: line {line}: {:?}",
                ex.name(),
                out.blocked
            );
        }
    });
}

/// Point 5: `typeof` of an absent host global answers 'undefined' and is recorded as a probe,
/// not as a refusal; any other read is refused and recorded (the twin).
#[test]
fn typeof_probes_answer_undefined_and_reads_are_refused() {
    let umd = "(function (root, factory) {\n\
          if (typeof module === 'object' && module.exports) { module.exports = factory(); }\n\
          else if (typeof define === 'function' && define.amd) { define([], factory); }\n\
          else { root.lib = factory(); }\n\
        })(globalThis, function () { return { ok: 1 }; });\n\
        const env = typeof process !== 'undefined' && process.env.NODE_ENV;\n\
        [lib.ok, env, typeof process, typeof (module), typeof globalThis.Deno]";
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(umd, 2000));
        assert_eq!(
            v,
            serde_json::json!([1, false, "undefined", "undefined", "undefined"]),
            "{}",
            ex.name()
        );
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
        for (cap, line) in [
            ("module", 2),
            ("process", 6),
            ("process", 7),
            ("module", 7),
            ("Deno", 7),
        ] {
            assert!(
                out.probes
                    .iter()
                    .any(|p| p.capability == cap && p.line == Some(line)),
                "{}: probe of {cap} on line {line}: {:?}",
                ex.name(),
                out.probes
            );
        }
        // The attack twin: reading it for real.
        let out = run_with_on(ex, &limited("const x = 1;\nprocess.env.HOME", 2000));
        assert_eq!(out.outcome, Outcome::Error, "{}", ex.name());
        assert_blocked_at(ex, &out, "process", Category::ProcessAccess, 2);
        assert!(out.probes.is_empty(), "{}: {:?}", ex.name(), out.probes);
    });
}

/// Point 5: `input` exists only when given; a script may declare its own.
#[test]
fn input_exists_only_when_given() {
    each(|ex| {
        let (v, _) = ok_value(ex, &limited("const input = 5;\ninput * 2", 2000));
        assert_eq!(v, serde_json::json!(10), "{}", ex.name());
        let (v, _) = ok_value(ex, &limited("typeof input", 2000));
        assert_eq!(v, serde_json::json!("undefined"), "{}", ex.name());
        let mut req = limited("[input.a, Object.isFrozen(input)]", 2000);
        req.input = Some(serde_json::json!({ "a": 3 }));
        let (v, _) = ok_value(ex, &req);
        assert_eq!(v, serde_json::json!([3, true]), "{}", ex.name());
    });
}

/// Point 3: the engine's "uninitialized" placeholder never reaches a script: a builtin that
/// runs out of memory without creating an error gives a proper InternalError.
#[test]
fn out_of_memory_inside_normalize_is_a_proper_error() {
    // Normalising latin-1 text to NFD doubles it in a buffer grown with the runtime's raw
    // allocator: with 12 MB, some lengths fail that growth (the placeholder on main: `typeof e`
    // is 'unknown'), others fail earlier with a proper error, others fit.
    let code = "const r = new Set();\n\
        const s = '\\u00e9'.repeat(1 << 20);\n\
        for (let k = 1; k <= 16; k++) {\n\
          const t = s.slice(0, (s.length * k) >> 4);\n\
          try { t.normalize('NFD'); r.add('ok'); } catch (e) { r.add(typeof e + ' ' + (e instanceof InternalError) + ' ' + (e && e.message)); }\n\
        }\n\
        [...r]";
    each(|ex| {
        let mut req = limited(code, 5000);
        req.limits.memory_mb = 12;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        let v = out.value.clone().unwrap_or_default();
        assert!(
            v.as_array()
                .is_some_and(|a| a.contains(&serde_json::json!("object true out of memory"))),
            "{}: {v}",
            ex.name()
        );
        assert!(
            !v.to_string().contains("unknown"),
            "{}: the placeholder reached the script: {v}",
            ex.name()
        );
        // The twin: the same work within the limit.
        let mut req = limited("'\\u00e9'.repeat(1000).normalize('NFD').length", 2000);
        req.limits.memory_mb = 64;
        let (v, _) = ok_value(ex, &req);
        assert_eq!(v, serde_json::json!(2000), "{}", ex.name());
    });
}

const FACTS: &str = "[Math.random(), Math.random(), Date.now(), new Date().toISOString(), performance.now() >= 0,\n\
    new Date(0).getHours(), new Date(0).getTimezoneOffset(), new Date(0).toString(), new Date(2020, 0, 1).toISOString()]";

/// Point 6: with a seed, a run is replayed exactly (random numbers and dates); another seed
/// gives other numbers; the time zone is UTC; the seed is reported.
#[test]
fn a_seeded_run_is_replayed_exactly_in_utc() {
    each(|ex| {
        let mut req = limited(FACTS, 2000);
        req.seed = Some(42);
        let (a, oa) = ok_value(ex, &req);
        let (b, _) = ok_value(ex, &req);
        assert_eq!(a, b, "{}: same seed, same output", ex.name());
        assert_eq!(oa.seed, 42, "{}", ex.name());
        assert_eq!(a[5], serde_json::json!(0), "{}: UTC hours", ex.name());
        assert_eq!(a[6], serde_json::json!(0), "{}: UTC offset", ex.name());
        assert_eq!(
            a[8],
            serde_json::json!("2020-01-01T00:00:00.000Z"),
            "{}: local time is UTC",
            ex.name()
        );
        assert!(
            a[3].as_str()
                .is_some_and(|s| s.starts_with("2024-01-01T00:00:0")),
            "{}: the virtual clock starts at the seeded epoch: {}",
            ex.name(),
            a[3]
        );
        req.seed = Some(43);
        let (c, _) = ok_value(ex, &req);
        assert_ne!(a[0], c[0], "{}: another seed, other numbers", ex.name());
        // Unseeded: a seed from the OS, different per run, reported.
        let (d, od) = ok_value(ex, &limited(FACTS, 2000));
        let (e, oe) = ok_value(ex, &limited(FACTS, 2000));
        assert_ne!(od.seed, oe.seed, "{}", ex.name());
        assert_ne!(d[0], e[0], "{}", ex.name());
    });
}

/// Point 6: Math.random does not leak the host clock: consecutive runs started within the
/// same millisecond still differ, and a run's numbers are uniform-looking (no clock bits).
#[test]
fn math_random_is_not_seeded_from_the_clock() {
    each(|ex| {
        let code = "const a = []; for (let i = 0; i < 1000; i++) a.push(Math.random()); \
                    [a.reduce((x, y) => x + y, 0) / a.length, new Set(a).size]";
        let (v, _) = ok_value(ex, &limited(code, 2000));
        let mean = v[0].as_f64().unwrap_or(0.0);
        assert!((0.4..0.6).contains(&mean), "{}: mean {mean}", ex.name());
        assert_eq!(v[1], serde_json::json!(1000), "{}", ex.name());
    });
}

/// Point 6: no host frame in any stack a script or a user sees.
#[test]
fn host_frames_are_removed_from_every_stack() {
    let code = "const r = [];\n\
        try { require('fs'); } catch (e) { r.push(e.stack); }\n\
        try { process.env; } catch (e) { r.push(e.stack); }\n\
        try { Function('x'); } catch (e) { r.push(e.stack); }\n\
        try { Object.prototype.toString = 1; } catch (e) { r.push(e.stack); }\n\
        r";
    each(|ex| {
        let (v, _) = ok_value(ex, &limited(code, 2000));
        let stacks = v.as_array().cloned().unwrap_or_default();
        assert_eq!(stacks.len(), 4, "{}: {v}", ex.name());
        for (i, s) in stacks.iter().enumerate() {
            let s = s.as_str().unwrap_or("");
            assert!(
                s.contains(&format!("(script.js:{}:", i + 2))
                    || s.contains(&format!(":{}:", i + 2)),
                "{}: stack {i} does not start at the script: {s:?}",
                ex.name()
            );
            for host in [
                "<null>",
                "at quiet",
                "at refuse",
                "at hostError",
                "sandbench:host",
            ] {
                assert!(!s.contains(host), "{}: {host} in {s:?}", ex.name());
            }
        }
        // An uncaught refusal: the outcome's stack is the script's only.
        let out = run_with_on(ex, &limited("\nrequire('child_process')", 2000));
        let stack = out
            .error
            .as_ref()
            .map(|e| e.stack.clone())
            .unwrap_or_default();
        assert!(
            !stack.contains("<null>") && stack.contains(":2:"),
            "{}: {stack:?}",
            ex.name()
        );
    });
}

/// The benign suite: what real libraries do, in strict, on both executors, with nothing
/// recorded.
#[test]
fn ordinary_library_code_runs_in_strict() {
    let code = r#"
// lodash-style mixin onto a fresh function object
function _(v) { if (!(this instanceof _)) return new _(v); this.v = v; }
_.mixin = function (src) { Object.keys(src).forEach((k) => { _[k] = src[k]; _.prototype[k] = function () { return src[k](this.v); }; }); return _; };
_.mixin({ double: (x) => x * 2 });
// class hierarchies overriding toString, Symbol.toStringTag on own classes
class Shape { toString() { return 'Shape'; } get [Symbol.toStringTag]() { return 'Shape'; } }
class Circle extends Shape { toString() { return 'Circle < ' + super.toString(); } }
// polyfill-style feature checks (do not replace what exists)
if (!Array.prototype.flat) { Array.prototype.flat = function () { return this; }; }
const hasFetch = typeof fetch === 'function';
// Object.assign onto fresh objects, spreading, defineProperty on own objects
const cfg = Object.assign({}, { a: 1 }, { b: 2 });
const frozenCopy = Object.freeze({ ...cfg, c: 3 });
const withGetter = Object.defineProperty({}, 'x', { get() { return 9; }, enumerable: true });
// JSON with toJSON overrides
class Point { constructor(x) { this.x = x; } toJSON() { return { px: this.x }; } }
// Error subclasses with custom properties and a prototype-assigned name
function LegacyError(m) { this.message = m; }
LegacyError.prototype = Object.create(Error.prototype);
LegacyError.prototype.constructor = LegacyError;
LegacyError.prototype.name = 'LegacyError';
class HttpError extends Error { constructor(s) { super('HTTP ' + s); this.name = 'HttpError'; this.status = s; } }
// Prototype assignment on own constructors, Object.setPrototypeOf on own objects
const base = { greet() { return 'hi ' + this.n; } };
const child = Object.setPrototypeOf({ n: 'x' }, base);
// Getters/setters with __defineGetter__ on own objects, Reflect on own objects
const legacy = {}; legacy.__defineGetter__('y', () => 3);
Reflect.set(cfg, 'd', 4);
// Iterators and generators
function* range(n) { for (let i = 0; i < n; i++) yield i; }
const it = range(3).map((x) => x + 1).toArray();
// Tagged templates
const tagged = ((s, ...v) => s.raw.join('|') + v.join(','))`a${1}b${2}c`;
// Dates and Intl-free formatting
const dt = new Date(Date.UTC(2020, 4, 17, 10, 30));
[
  _(21).double(), _.double(4), String(new Circle()), Object.prototype.toString.call(new Circle()),
  [1, [2]].flat().length, hasFetch, cfg, frozenCopy.c, withGetter.x, JSON.stringify({ p: new Point(2) }),
  String(new LegacyError('boom')), new LegacyError('x') instanceof Error, String(new HttpError(404)), new HttpError(500).status,
  child.greet(), legacy.y, cfg.d, it, tagged, dt.toISOString(), dt.getHours(), dt.toLocaleDateString(),
]
"#;
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(code, 3000));
        assert_eq!(
            v,
            serde_json::json!([
                42,
                8,
                "Circle < Shape",
                "[object Shape]",
                2,
                false,
                { "a": 1, "b": 2, "d": 4 },
                3,
                9,
                "{\"p\":{\"px\":2}}",
                "LegacyError: boom",
                true,
                "HttpError: HTTP 404",
                500,
                "hi x",
                3,
                4,
                [1, 2, 3],
                "a|b|c1,2",
                "2020-05-17T10:30:00.000Z",
                10,
                "05/17/2020"
            ]),
            "{}",
            ex.name()
        );
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
    });
}

/// Point 5, benign: a script's own binding of a host name (a CommonJS shim, a `process`
/// stand-in, its own `fetch`) replaces the trap for that run and records nothing.
#[test]
fn scripts_may_declare_their_own_host_named_bindings() {
    for (code, want) in [
        (
            "var module = { exports: {} };\nmodule.exports.a = 1;\nmodule.exports.a",
            serde_json::json!(1),
        ),
        (
            "let process = { env: { NODE_ENV: 'x' } };\nprocess.env.NODE_ENV",
            serde_json::json!("x"),
        ),
        (
            "function fetch() { return 3; }\nfetch()",
            serde_json::json!(3),
        ),
        (
            "globalThis.exports = {};\nexports.b = 2;\nexports.b",
            serde_json::json!(2),
        ),
    ] {
        each(|ex| {
            let (v, out) = ok_value(ex, &limited(code, 2000));
            assert_eq!(v, want, "{}: {code}", ex.name());
            assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
        });
    }
}

/// Override taming, property by property (the README's list): each is a non-configurable
/// accessor pair whose getter returns the original value (also its `originalValue`) and whose
/// setter gives an inheriting object its own property and refuses (and records) the shared
/// prototype itself; the accessors are frozen, not constructors, named as the engine names
/// accessors, and their errors start at the script's line. The host still reads a tamed
/// property as the data it was (an uncaught error's inherited `name`).
#[test]
fn every_listed_property_is_a_tamed_accessor() {
    let code = r#"const bad = [];
const list = [
  [Object.prototype, 'Object.prototype', ['constructor', 'toString', 'toLocaleString', 'valueOf', 'hasOwnProperty', 'isPrototypeOf', 'propertyIsEnumerable']],
  [Function.prototype, 'Function.prototype', ['constructor', 'toString', 'bind']],
  [Error.prototype, 'Error.prototype', ['constructor', 'name', 'message', 'toString']],
  [Array.prototype, 'Array.prototype', ['constructor', 'toString', 'toLocaleString', 'push', 'concat', Symbol.iterator]],
  [Iterator.prototype, 'Iterator.prototype', [Symbol.iterator]],
  [Date.prototype, 'Date.prototype', ['toJSON', 'toString', 'valueOf', 'constructor']],
  [Object.getPrototypeOf(function* () {}), '%GeneratorFunction.prototype%', ['constructor']],
];
for (const n of ['EvalError', 'RangeError', 'ReferenceError', 'SyntaxError', 'TypeError', 'URIError', 'AggregateError', 'InternalError'])
  list.push([globalThis[n].prototype, n + '.prototype', ['constructor', 'name', 'message']]);
for (const n of ['Promise', 'Map', 'Set', 'WeakMap', 'WeakSet', 'RegExp', 'ArrayBuffer', 'DataView', 'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array', 'BigInt64Array', 'BigUint64Array', 'Float32Array', 'Float64Array'])
  list.push([globalThis[n].prototype, n + '.prototype', ['constructor']]);
const TA = Object.getPrototypeOf(Int8Array.prototype);
list.push([TA, '%TypedArray%.prototype', Reflect.ownKeys(TA).filter((k) => typeof Object.getOwnPropertyDescriptor(TA, k).get !== 'function' || 'originalValue' in Object.getOwnPropertyDescriptor(TA, k).get)]);
let count = 0;
for (const [home, label, keys] of list) for (const key of keys) {
  const shown = label + '.' + (typeof key === 'symbol' ? '[' + key.description + ']' : key);
  const text = typeof key === 'symbol' ? '[' + key.description + ']' : key;
  const d = Object.getOwnPropertyDescriptor(home, key);
  if (!d || 'value' in d || typeof d.get !== 'function' || typeof d.set !== 'function' || d.configurable) { bad.push(shown + ' not an accessor'); continue; }
  count++;
  const v = d.get.call(undefined);
  if (d.get.originalValue !== v || home[key] !== v) bad.push(shown + ' value');
  if (d.get.name !== 'get ' + text || d.set.name !== 'set ' + text || d.get.length !== 0 || d.set.length !== 1) bad.push(shown + ' names');
  if (!Object.isFrozen(d.get) || !Object.isFrozen(d.set)) bad.push(shown + ' accessor not frozen');
  try { new d.get(); bad.push(shown + ' constructs'); } catch (e) { if (!(e instanceof TypeError)) bad.push(shown + ' new'); }
  const o = Object.create(home);
  o[key] = 7;
  const own = Object.getOwnPropertyDescriptor(o, key);
  if (!own || own.value !== 7 || !own.writable || !own.enumerable || !own.configurable) bad.push(shown + ' no own property');
  o[key] = 8;
  if (o[key] !== 8) bad.push(shown + ' second write');
  try { d.set.call(home, 1); bad.push(shown + ' home written'); } catch (e) { if (!(e instanceof TypeError)) bad.push(shown + ' home error'); }
  if (home[key] !== v) bad.push(shown + ' changed');
}
const sealed = Object.freeze({});
let stack = '';
try { sealed.toString = 1; } catch (e) { stack = e.message + '|' + e.stack; }
[count, bad.slice(0, 10), stack]
"#;
    each(|ex| {
        let (v, out) = ok_value(ex, &limited(code, 5000));
        let count = v[0].as_u64().unwrap_or(0);
        // 7 + 3 + 4 + 6 + 1 + 4 + 1 + 8×3 + 19, and %TypedArray%.prototype's data properties.
        assert!(count >= 69 + 30, "{}: {v}", ex.name());
        assert_eq!(v[1], serde_json::json!([]), "{}", ex.name());
        assert_eq!(
            v[2],
            serde_json::json!("object is not extensible|    at <eval> (sandbox.js:40:7)\n"),
            "{}",
            ex.name()
        );
        // Every write aimed at a shared prototype (the setter called on its home) is recorded.
        let refused: u64 = out
            .blocked
            .iter()
            .filter(|b| b.category == Category::PrototypePollution && b.line == Some(35))
            .map(|b| u64::from(b.count))
            .sum();
        assert_eq!(refused, count, "{}: {:?}", ex.name(), out.blocked);
        // The host reads an error's inherited (tamed) name and message as the data they were.
        let thrown = run_with_on(
            ex,
            &limited("class E extends RangeError {}\nthrow new E('r')", 2000),
        );
        let e = thrown.error.clone().expect("error");
        assert_eq!((e.name.as_str(), e.message.as_str()), ("RangeError", "r"));
    });
}
