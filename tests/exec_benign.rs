//! Benign code gives exact values on every executor.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{each, run_on, run_with_on};
use sandbench::engine::exec::{ConsoleLevel, ExecRequest, Executor, Outcome};
use sandbench::engine::policy::Profile;
use serde_json::json;

fn value(ex: &dyn Executor, code: &str) -> (serde_json::Value, String) {
    let out = run_on(ex, code);
    assert_eq!(out.outcome, Outcome::Ok, "{code}: {:?}", out.error);
    assert!(out.blocked.is_empty(), "{code}: {:?}", out.blocked);
    (
        out.result.value.unwrap_or(serde_json::Value::Null),
        out.result.value_display,
    )
}

#[test]
fn classes_closures_and_generators() {
    each(|ex| {
        let (v, d) = value(
            ex,
            "class Point { constructor(x, y) { this.x = x; this.y = y }\n  sum() { return this.x + this.y }\n  static origin() { return new Point(0, 0) } }\nclass P3 extends Point { constructor(x, y, z) { super(x, y); this.z = z } sum() { return super.sum() + this.z } }\nconst p = new P3(1, 2, 3);\n[p.sum(), p instanceof Point, Point.origin(), p]",
        );
        assert_eq!(
            v,
            json!([6, true, {"x": 0, "y": 0}, {"x": 1, "y": 2, "z": 3}])
        );
        assert_eq!(
            d,
            "[6, true, Point { x: 0, y: 0 }, P3 { x: 1, y: 2, z: 3 }]"
        );

        let (v, _) = value(
            ex,
            "function counter() { let n = 0; return { inc: () => ++n, get: () => n } }\nconst c = counter(); c.inc(); c.inc(); c.inc();\n[c.get(), counter().get()]",
        );
        assert_eq!(v, json!([3, 0]));

        let (v, _) = value(
            ex,
            "function* fib() { let [a, b] = [0, 1]; for (;;) { yield a; [a, b] = [b, a + b] } }\nconst out = []; for (const x of fib()) { if (out.length === 10) break; out.push(x) }\nout",
        );
        assert_eq!(v, json!([0, 1, 1, 2, 3, 5, 8, 13, 21, 34]));
    });
}

#[test]
fn regex_bigint_and_typed_arrays() {
    each(|ex| {
        let (v, _) = value(
            ex,
            "const m = '2024-01-15'.match(/(?<y>\\d{4})-(?<m>\\d{2})-(?<d>\\d{2})/);\n[m.groups.y, m.groups.m, m.groups.d, 'a1b22c333'.replace(/\\d+/g, n => n.length), /^\\p{Lu}/u.test('Élan')]",
        );
        assert_eq!(v, json!(["2024", "01", "15", "a1b2c3", true]));

        let (v, d) = value(ex, "2n ** 64n");
        assert_eq!(v, json!("18446744073709551616"));
        assert_eq!(d, "18446744073709551616n");
        let (v, _) = value(ex, "String(BigInt.asUintN(8, 257n) + 10n ** 20n)");
        assert_eq!(v, json!("100000000000000000001"));

        let (v, d) = value(ex, "new Float64Array([1.5, 2.5]).map(x => x * 2)");
        assert_eq!(v, json!([3, 5]));
        assert_eq!(d, "Float64Array(2) [3, 5]");
        let (v, _) = value(
            ex,
            "const b = new ArrayBuffer(8); const dv = new DataView(b); dv.setUint32(0, 0xdeadbeef);\nArray.from(new Uint8Array(b, 0, 4))",
        );
        assert_eq!(v, json!([0xde, 0xad, 0xbe, 0xef]));
    });
}

#[test]
fn async_await_and_promises() {
    each(|ex| {
        let (v, _) = value(
            ex,
            "async function add(a, b) { await null; return a + b }\n(async () => { const xs = await Promise.all([add(1, 2), add(3, 4)]); return xs.concat(await add(20, 22)) })()",
        );
        assert_eq!(v, json!([3, 7, 42]));
        let (v, _) = value(
            ex,
            "Promise.allSettled([Promise.reject(new Error('no')), 1]).then(r => r.map(x => x.status))",
        );
        assert_eq!(v, json!(["rejected", "fulfilled"]));
    });
}

#[test]
fn maps_sets_json_and_dates() {
    each(|ex| {
        let (v, d) = value(
            ex,
            "const m = new Map([['a', 1]]); m.set('b', 2);\n[[...m], [...new Set([1, 1, 2, 3])], m.size, m.get('b')]",
        );
        assert_eq!(v, json!([[["a", 1], ["b", 2]], [1, 2, 3], 2, 2]));
        assert!(d.starts_with("[[[\"a\", 1]"), "{d}");
        let (v, d) = value(
            ex,
            "[new Map([['a', 1], [{ k: 2 }, [3]]]), new Set(['x', 'y']), new Map(), /a+b/gi, Symbol('tag')]",
        );
        assert_eq!(
            v,
            json!([[["a", 1], [{"k": 2}, [3]]], ["x", "y"], [], {}, null])
        );
        assert_eq!(
            d,
            "[Map(2) { \"a\" => 1, { k: 2 } => [3] }, Set(2) { \"x\", \"y\" }, Map(0) {}, /a+b/gi, Symbol(tag)]"
        );

        let (v, _) = value(
            ex,
            "const o = JSON.parse('{\"a\":[1,{\"b\":null}],\"c\":\"\\\\u00e9\"}');\n[JSON.stringify(o), o.c]",
        );
        assert_eq!(v, json!(["{\"a\":[1,{\"b\":null}],\"c\":\"é\"}", "é"]));

        let (v, _) = value(
            ex,
            "const d = new Date(Date.UTC(2024, 0, 31)); d.setUTCDate(d.getUTCDate() + 1);\nconst days = (Date.UTC(2024, 2, 1) - Date.UTC(2024, 1, 1)) / 86400000;\n[d.toISOString(), days, new Date(0).getUTCFullYear()]",
        );
        assert_eq!(v, json!(["2024-02-01T00:00:00.000Z", 29, 1970]));
        let (v, d) = value(ex, "new Date(Date.UTC(2000, 1, 29, 12, 30))");
        assert_eq!(v, json!("2000-02-29T12:30:00.000Z"));
        assert_eq!(d, "2000-02-29T12:30:00.000Z");
    });
}

#[test]
fn honest_proxy_and_reflect() {
    each(|ex| {
        let (v, _) = value(
            ex,
            "const log = [];\nconst p = new Proxy({ a: 1 }, { get(t, k, r) { log.push(String(k)); return k === 'answer' ? 42 : Reflect.get(t, k, r) } });\n[p.answer, p.a, Reflect.ownKeys({ x: 1, y: 2 }), Reflect.has(p, 'a'), log]",
        );
        assert_eq!(v, json!([42, 1, ["x", "y"], true, ["answer", "a"]]));
    });
}

#[test]
fn console_levels_input_and_lab_profile() {
    each(|ex| {
        let out = run_on(
            ex,
            "console.log('a', 1, { b: [2] }); console.info('i'); console.warn('w'); console.error('e'); console.debug('d'); 'ok'",
        );
        let levels: Vec<_> = out.console.iter().map(|l| l.level).collect();
        assert_eq!(
            levels,
            [
                ConsoleLevel::Log,
                ConsoleLevel::Info,
                ConsoleLevel::Warn,
                ConsoleLevel::Error,
                ConsoleLevel::Debug
            ]
        );
        assert_eq!(out.console[0].text, "a 1 { b: [2] }");

        let mut req = ExecRequest::new(
            "const total = input.items.reduce((s, x) => s + x.price, 0);\nlet frozen; try { input.items.push(1); frozen = false } catch (e) { frozen = true }\n[total, frozen, Object.isFrozen(input.items[0])]",
        );
        req.input = Some(json!({"items": [{"price": 2}, {"price": 40}]}));
        let out = run_with_on(ex, &req);
        assert_eq!(out.value, Some(json!([42, true, true])), "{:?}", out.error);
        // A `__proto__` key in the input is plain data, as with JSON.parse.
        let mut req = ExecRequest::new(
            "[Object.getPrototypeOf(input) === Object.prototype, Object.keys(input), input.a.length, typeof ({}).polluted]",
        );
        req.input = Some(json!({"__proto__": {"polluted": 1}, "a": [1, [2], {"b": null}]}));
        let out = run_with_on(ex, &req);
        assert!(out.blocked.is_empty(), "{:?}", out.blocked);
        assert_eq!(
            out.value,
            Some(json!([true, ["__proto__", "a"], 3, "undefined"])),
            "{:?}",
            out.error
        );

        let mut lab =
            ExecRequest::new("[eval('1 + 2'), new Function('a', 'b', 'return a * b')(6, 7)]");
        lab.profile = Profile::Lab;
        let out = run_with_on(ex, &lab);
        assert_eq!(out.value, Some(json!([3, 42])), "{:?}", out.error);
        assert!(out.blocked.is_empty());
        // Lab still has no host capability.
        let mut lab = ExecRequest::new("\nrequire('fs')");
        lab.profile = Profile::Lab;
        let out = run_with_on(ex, &lab);
        assert_eq!(out.blocked.len(), 1);
        assert_eq!(out.blocked[0].line, Some(2));
    });
}

#[test]
fn odd_strings_and_syntax_errors_are_reported_not_panics() {
    each(|ex| {
        let (v, d) = value(ex, "['\\ud800', 'ok\\u0000', '\\udfff\\ud83d\\ude00']");
        assert_eq!(v.as_array().map(Vec::len), Some(3));
        assert!(d.contains("\\0") && !d.contains('\0'), "{d}");
        let out = run_on(ex, "console.log('\\ud800x'); 1");
        assert_eq!(out.console.len(), 1);

        let out = run_on(ex, "let x = ;\n");
        assert_eq!(out.outcome, Outcome::Error);
        let e = out.result.error.expect("error");
        assert_eq!(e.name, "SyntaxError");
        assert!(e.stack.contains("sandbox.js:1"), "{}", e.stack);

        let out = run_on(ex, "throw 42");
        assert_eq!(out.outcome, Outcome::Error);
        assert_eq!(out.result.error.expect("error").message, "42");

        let out = run_on(ex, "(function () { 'use strict'; return this })()");
        assert_eq!(out.value_display, "undefined");
        assert_eq!(out.value, None);
        let out = run_on(ex, "");
        assert_eq!(out.outcome, Outcome::Ok);
    });
}
