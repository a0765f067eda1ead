//! Red-team suite: attacks a security reviewer would try, each run for real on every executor.
//! Every test asserts what a user sees (outcome, Blocked events with category and line, values,
//! console) and that the host survived and the next run is clean. Limits are kept small so every
//! test is bounded in time.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    assert_blocked_at, assert_clean_next_run, assert_ok_value, assert_outcome, each, limited,
    message, run_events_on, run_limited, run_on, run_with_on, slack, slack_ms,
};
use sandbench::engine::exec::quickjs::Sandbox;
use sandbench::engine::exec::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, Executor, Outcome,
};
use sandbench::engine::policy::{Profile, MAX_CODE_BYTES};
use sandbench::engine::Category;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

fn value_strings(out: &ExecOutcome) -> Vec<String> {
    match &out.value {
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| v.as_str().unwrap_or("<not a string>").to_string())
            .collect(),
        other => panic!(
            "expected an array of strings, got {other:?} ({:?})",
            out.error
        ),
    }
}

/// Every route to a function constructor or eval in `strict`: each case is one line, each must
/// throw EvalError (never run the generated code) and be recorded on its own line.
#[test]
fn every_code_generation_route_is_refused_on_its_line() {
    let routes = [
        ("bound Function", "Function.bind(null, 'return 1')()()", "Function"),
        ("Reflect.construct", "Reflect.construct(Function, ['return 1'])()", "Function"),
        ("Reflect.apply", "Reflect.apply(Function, null, ['return 1'])()", "Function"),
        ("Function.prototype.call", "Function.call(null, 'return 1')()", "Function"),
        ("async ctor", "(async function () {}).constructor('return 1')", "AsyncFunction"),
        ("generator ctor", "(function* () {}).constructor('yield 1')().next()", "GeneratorFunction"),
        ("async generator ctor", "Object.getPrototypeOf(async function* () {}).constructor('x')", "AsyncGeneratorFunction"),
        ("arrow ctor", "(() => 0).constructor('return 1')()", "Function"),
        ("class method ctor", "(class { m() {} }).prototype.m.constructor('return 1')()", "Function"),
        ("class heritage", "new (class extends Function { constructor() { super('return 7'); } })()()", "Function"),
        ("Symbol.species", "new (class extends Array { static get [Symbol.species]() { return Function; } })(1).map(() => 'return 3')", "Function"),
        ("new.target", "Reflect.construct(Function, ['return 1'], class {})()", "Function"),
        // Override taming turns `constructor` into an accessor pair whose getter returns the trap.
        ("descriptor of the trap", "((d) => d.value || d.get.call(null))(Object.getOwnPropertyDescriptor(Object.getPrototypeOf(() => 0), 'constructor'))('return 1')()", "Function"),
        ("error constructor chain", "new Error().constructor.constructor('return 1')()", "Function"),
        ("computed escaped key", "[]['\\x63onstructor']['\\u0063onstructor']('return 1')()", "Function"),
        ("getter on a frozen intrinsic", "Object.getOwnPropertyDescriptor(Function.prototype, 'caller') && 0 || Function('return 1')()", "Function"),
        ("indirect eval", "(0, eval)('1')", "eval"),
        ("computed eval", "globalThis['ev' + 'al']('1')", "eval"),
        ("eval via input", "input.constructor.constructor('return 1')()", "Function"),
        ("toPrimitive to Function", "Function({ [Symbol.toPrimitive]() { return 'return 1'; } })()", "Function"),
    ];
    let mut code = String::from("const out = [];\n");
    for (label, expr, _) in routes {
        code.push_str(&format!(
            "try {{ const v = {expr}; out.push('ESCAPED {label}: ' + typeof v); }} catch (e) {{ out.push(e.name); }}\n"
        ));
    }
    code.push_str("out");
    each(|ex| {
        let mut req = limited(&code, 2000);
        req.input = Some(serde_json::json!({ "a": [1] }));
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        let got = value_strings(&out);
        for (i, (label, _, capability)) in routes.iter().enumerate() {
            assert_eq!(got[i], "EvalError", "{}: route '{label}'", ex.name());
            let line = u32::try_from(i + 2).expect("small");
            assert_blocked_at(ex, &out, capability, Category::CodeGeneration, line);
        }
        assert_clean_next_run(ex);
    });
}

/// Stack-trace APIs: prepareStackTrace is refused; captureStackTrace only ever yields a string.
#[test]
fn stack_trace_apis_hand_out_no_call_sites() {
    each(|ex| {
        let code = "const o = {};\n\
                    Error.captureStackTrace(o);\n\
                    let r = typeof o.stack;\n\
                    try { Error.prepareStackTrace = (e, cs) => cs; } catch (e) { r += ' ' + e.name; }\n\
                    r + ' ' + typeof new Error().stack + ' ' + typeof Error.prepareStackTrace";
        let out = run_limited(ex, code, 1000);
        assert_ok_value(
            ex,
            &out,
            serde_json::json!("string TypeError string undefined"),
        );
        assert!(
            out.blocked
                .iter()
                .any(|b| b.capability == "Error.prepareStackTrace"
                    && b.category == Category::VmEscape
                    && b.line == Some(4)),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
    });
}

/// Host functions handed to the script expose nothing but their behaviour: the traps' getters,
/// when pulled out and called directly, still refuse and record; the setter only ever gives the
/// script its own binding (the receiver's own property), and refuses a shared intrinsic.
#[test]
fn pulled_out_trap_accessors_still_refuse_and_record() {
    each(|ex| {
        let code = "const d = Object.getOwnPropertyDescriptor(globalThis, 'process');\n\
                    const g = Object.prototype.__lookupGetter__.call(globalThis, 'fetch');\n\
                    const r = [];\n\
                    try { d.get.call({}); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
                    try { g(); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
                    try { d.set.call(Object.prototype, 1); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
                    const o = {}; d.set.call(o, 2); d.set.call(globalThis, 1);\n\
                    r.push(typeof process + ' ' + o.process + ' ' + typeof Object.prototype.process);\n\
                    r";
        let out = run_limited(ex, code, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(
            value_strings(&out),
            [
                "ReferenceError",
                "ReferenceError",
                "TypeError",
                "number 2 undefined"
            ],
            "{}",
            ex.name()
        );
        for (cap, cat, line) in [
            ("process", Category::ProcessAccess, 4),
            ("fetch", Category::Network, 5),
            ("process", Category::PrototypePollution, 6),
        ] {
            assert_blocked_at(ex, &out, cap, cat, line);
        }
    });
}

/// Values coming back: the host never calls toJSON, valueOf, toString, Symbol.toPrimitive,
/// inspect hooks, getters or Proxy traps of a returned or thrown value.
#[test]
fn host_conversion_runs_no_script_hooks() {
    each(|ex| {
        let returned = "const hook = (n) => function () { console.log('HOOK ' + n); return 1; };\n\
            const trap = new Proxy({}, { get: hook('get'), ownKeys: hook('ownKeys'), \
              getOwnPropertyDescriptor: hook('gopd'), getPrototypeOf: hook('proto'), has: hook('has') });\n\
            ({ toJSON: hook('toJSON'), valueOf: hook('valueOf'), toString: hook('toString'),\n\
               [Symbol.toPrimitive]: hook('prim'), [Symbol.for('nodejs.util.inspect.custom')]: hook('inspect'),\n\
               get g() { console.log('HOOK getter'); return 1; }, p: trap, list: [trap, { get x() { return 2; } }] })";
        let out = run_limited(ex, returned, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(out.console.is_empty(), "{}: {:?}", ex.name(), out.console);
        assert!(
            out.value_display.contains("[Getter]"),
            "{}",
            out.value_display
        );
        assert!(
            out.value_display.contains("[Proxy]"),
            "{}",
            out.value_display
        );

        // Thrown values: a Proxy, an error whose name/message/stack are getters, an object whose
        // prototype is a Proxy.
        for thrown in [
            "throw new Proxy(new Error('x'), { get() { console.log('HOOK'); return 'y'; }, getPrototypeOf() { console.log('HOOK'); return null; } });",
            "const e = new Error('m');\nfor (const k of ['name', 'message', 'stack']) Object.defineProperty(e, k, { get() { console.log('HOOK ' + k); return 'z'; } });\nthrow e;",
            "throw Object.create(new Proxy({}, { get() { console.log('HOOK'); return 1; } }));",
            "Promise.reject({ get message() { console.log('HOOK'); return 'x'; }, toString() { console.log('HOOK'); return 'x'; } })",
        ] {
            let out = run_limited(ex, thrown, 1000);
            assert_eq!(out.outcome, Outcome::Error, "{}: {thrown}", ex.name());
            assert!(
                out.console.is_empty(),
                "{}: {thrown}: {:?}",
                ex.name(),
                out.console
            );
            assert!(out.error.is_some(), "{}: {thrown}", ex.name());
        }
        assert_clean_next_run(ex);
    });
}

/// Conversion calls only the intrinsics captured at setup (Date getTime, Map/Set entries,
/// size and iterator `next`, the Error stack accessor), never methods the script put on the
/// value or its prototypes: swapped-in builtins whose callbacks would loop forever or count
/// calls never run, and the display shows the true contents.
#[test]
fn swapped_methods_never_run_during_host_conversion() {
    each(|ex| {
        // Lab: intrinsics are not frozen, so prototype swaps really take effect.
        let lab = |code: &str| {
            let mut req = limited(code, 300);
            req.profile = Profile::Lab;
            req
        };
        let loop_len =
            "Object.defineProperty(x, 'length', { get() { globalThis.calls++; for (;;) {} } });";
        for (setup, shown) in [
            ("const x = new Date(0);\nx.getTime = Array.prototype.join;", "1970-01-01T00:00:00.000Z"),
            ("const x = new Date(0);\nDate.prototype.getTime = Array.prototype.join;", "1970-01-01T00:00:00.000Z"),
            ("const x = new Map([[1, 2]]);\nx.entries = Array.prototype.values;\nObject.defineProperty(x, 'size', { get: Array.prototype.join });", "Map(1) { 1 => 2 }"),
            ("const x = new Map([[1, 2]]);\nMap.prototype.entries = Array.prototype.values;\nObject.getPrototypeOf(new Map().entries()).next = Array.prototype.join;", "Map(1) { 1 => 2 }"),
            ("const x = new Set(['a']);\nx.values = Array.prototype.values;\nSet.prototype.values = Array.prototype.keys;\nObject.getPrototypeOf(new Set().values()).next = Array.prototype.join;", "Set(1) { \"a\" }"),
        ] {
            let (create, swap) = setup.split_once('\n').expect("two lines");
            let code = format!("globalThis.calls = 0;\n{create}\n{loop_len}\n{swap}\nx");
            let out = run_with_on(ex, &lab(&code));
            assert_eq!(out.outcome, Outcome::Ok, "{}: {code}: {:?}", ex.name(), out.error);
            assert!(
                out.value_display.contains(shown),
                "{}: {code}: {}",
                ex.name(),
                out.value_display
            );
        }
        // RegExp and Symbol: shadowed flags and replaced getters are not what is shown.
        let code = "const x = /a+b/gi;\nObject.defineProperty(x, 'global', { get() { for (;;) {} } });\nObject.defineProperty(x, 'source', { value: 'forged' });\nObject.defineProperty(RegExp.prototype, 'flags', { get() { for (;;) {} } });\nObject.defineProperty(Symbol.prototype, 'description', { get() { for (;;) {} } });\n[x, Symbol('s')]";
        let out = run_with_on(ex, &lab(code));
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value_display, "[/a+b/gi, Symbol(s)]", "{}", ex.name());
        // A stack getter swapped for a builtin that would call back into the script.
        let code = "const x = new Error('boom');\nObject.defineProperty(x, 'stack', { get: Array.prototype.join });\nObject.defineProperty(x, 'length', { get() { for (;;) {} } });\nthrow x;";
        let out = run_with_on(ex, &lab(code));
        assert_outcome(ex, &out, Outcome::Error);
        let err = out.result.error.expect("an error");
        assert_eq!(err.message, "boom", "{}", ex.name());
        // On the prototype too: the original accessor is the only getter the host calls.
        let code = "Object.defineProperty(Error.prototype, 'stack', { get: Array.prototype.join, configurable: true });\nconst x = new Error('boom');\nObject.defineProperty(x, 'length', { get() { for (;;) {} } });\nthrow x;";
        let out = run_with_on(ex, &lab(code));
        assert_outcome(ex, &out, Outcome::Error);
        assert_eq!(
            out.result.error.map(|e| e.message),
            Some("boom".into()),
            "{}",
            ex.name()
        );
        assert_clean_next_run(ex);
    });
}

/// Runs `code` on `ex` with a CPU budget of `timeout_ms` and checks that it ended `ok`.
#[track_caller]
fn run_ok(ex: &dyn Executor, code: &str, timeout_ms: u64) -> ExecOutcome {
    let out = run_limited(ex, code, timeout_ms);
    assert_outcome(ex, &out, Outcome::Ok);
    out
}

/// Odd return values: sparse arrays of length 2^32-1, a 64 MB typed array, cycles, lone
/// surrogates and terminal escapes, symbols, a 100,000-digit BigInt, 100,000-deep nesting.
#[test]
fn odd_return_values_are_bounded_and_never_panic() {
    each(|ex| {
        let out = run_ok(
            ex,
            "const a = []; a.length = 2 ** 32 - 1; a[3] = 'x'; a",
            2000,
        );
        let shown = &out.value_display;
        assert!(
            shown.contains("… 4294967245 more"),
            "{}: {shown}",
            ex.name()
        );
        assert_eq!(
            out.value.as_ref().and_then(|v| v.as_array()).map(Vec::len),
            Some(1000)
        );

        let shown = run_ok(ex, "new Float64Array(8 * 1024 * 1024)", 2000)
            .value_display
            .clone();
        let want = "Float64Array(8388608) [0, 0";
        assert!(shown.starts_with(want), "{}: {shown}", ex.name());
        assert!(shown.chars().count() <= 4096);

        let out = run_limited(
            ex,
            "const o = { n: 1 }; o.self = o; const a = [o]; a.push(a); a",
            1000,
        );
        assert_eq!(out.outcome, Outcome::Ok);
        assert_eq!(
            out.value_display,
            "[{ n: 1, self: [Circular] }, [Circular]]",
            "{}",
            ex.name()
        );

        let out = run_limited(ex, "'a\\uD800b\\uDFFFc\\u001b[2J\\u0007\\u202e' + ''", 1000);
        assert_eq!(out.outcome, Outcome::Ok);
        let v = out.value.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        assert!(
            v.starts_with('a') && v.contains('b') && v.contains('c'),
            "{v:?}"
        );
        assert!(
            v.contains('\u{FFFD}'),
            "lone surrogates become U+FFFD: {v:?}"
        );
        assert!(
            !out.value_display.contains('\u{1b}')
                && !out.value_display.contains('\u{7}')
                && !out.value_display.contains('\u{202e}'),
            "{}: display must escape controls and bidi: {:?}",
            ex.name(),
            out.value_display
        );

        let out = run_limited(ex, "[Symbol('s\\uD800'), Symbol.iterator]", 1000);
        assert_eq!(out.outcome, Outcome::Ok);
        assert!(
            out.value_display.starts_with("[Symbol(s"),
            "{}",
            out.value_display
        );

        let out = run_limited(ex, "10n ** 100000n", 5000);
        assert_outcome(ex, &out, Outcome::Ok);
        let shown = out.value.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        assert!(
            shown.starts_with("0x") && shown.contains("decimal digits") && shown.len() <= 200,
            "{}: a huge BigInt is shown cut: {} chars",
            ex.name(),
            shown.len()
        );

        let out = run_limited(
            ex,
            "let v = 0; for (let i = 0; i < 100000; i++) v = [v]; v",
            2000,
        );
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(out.value_display.contains("[…]"), "{}", out.value_display);
    });
}

/// Huge results cost what the display caps allow, not what the value's size would: a
/// 10^6-bit BigInt is summarised (hex prefix, approximate digit count) instead of converted to
/// decimal, and 16M-character strings are cut in the engine before they are read.
#[test]
fn huge_bigints_and_strings_convert_in_bounded_time() {
    each(|ex| {
        let shown = run_ok(ex, "2n ** 1000000n - 1n", 1500)
            .value_display
            .clone();
        assert!(
            shown.starts_with("0xffffffff")
                && shown.ends_with("…n (≈301030 decimal digits)")
                && shown.len() < 200,
            "{}: {shown}",
            ex.name()
        );
        let out = run_limited(ex, "-(2n ** 4000n)", 1500);
        assert!(
            out.value_display.starts_with("-0x1000"),
            "{}",
            out.value_display
        );
        // Normal sizes stay exact.
        let out = run_limited(ex, "[10n ** 20n, -(3n ** 2000n) % 1000n]", 1500);
        assert_eq!(
            out.value_display,
            "[100000000000000000000n, -1n]",
            "{}",
            ex.name()
        );

        let code = "const s = 'y'.repeat(16 * 1024 * 1024);\n\
                    for (let i = 0; i < 20; i++) console.log(s, s, s, s);\n\
                    s";
        let mut req = limited(code, 1500);
        req.limits.memory_mb = 256;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(
            // Quoted: a string value is shown as a string.
            out.value_display.starts_with("\"yyyy") && out.value_display.len() <= 8 * 1024,
            "{}: {} bytes",
            ex.name(),
            out.value_display.len()
        );
        assert!(out.value_display.ends_with('…'), "{}", ex.name());
        let first = &out.console[0].text;
        assert!(
            first.len() < 1024 * 1024 && first.contains('…'),
            "{}: {}",
            ex.name(),
            first.len()
        );
        assert!(
            out.duration_ms < slack_ms(1500.0),
            "{}: {} ms",
            ex.name(),
            out.duration_ms
        );
        assert_clean_next_run(ex);
    });
}

/// Console floods: one 8 MB line, 64 huge arguments, lone surrogates; all cut, escaped on
/// display, and the total stays under the console cap with a visible marker.
#[test]
fn console_floods_with_huge_lines_stay_under_the_cap() {
    each(|ex| {
        let code = "const s = 'x'.repeat(8 * 1024 * 1024);\n\
                    console.log(s);\n\
                    console.warn('\\uD800\\u001b]0;title\\u0007');\n\
                    const many = []; for (let i = 0; i < 100; i++) many.push(s);\n\
                    for (let i = 0; i < 200; i++) console.log(...many);\n\
                    'done'";
        let mut req = limited(code, 3000);
        req.limits.memory_mb = 256;
        let (out, events) = run_events_on(ex, &req, &CancelToken::new());
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(out.console_truncated, "{}", ex.name());
        let total: usize = out.console.iter().map(|l| l.text.len()).sum();
        assert!(
            total <= req.limits.console_max_bytes + 4096,
            "{}: {total} bytes kept",
            ex.name()
        );
        assert!(
            out.console[0].text.len() < 100 * 1024,
            "{}: one argument is cut: {} bytes",
            ex.name(),
            out.console[0].text.len()
        );
        assert!(
            out.console[1].text.starts_with('\u{FFFD}'),
            "{:?}",
            out.console[1]
        );
        assert!(
            out.console
                .last()
                .is_some_and(|l| l.text.contains("truncated")),
            "{}: visible marker",
            ex.name()
        );
        let streamed = events
            .iter()
            .filter(|e| matches!(e, ExecEvent::Console(_)))
            .count();
        assert!(streamed <= out.console.len(), "{}", ex.name());
    });
}

/// A flood of refused capabilities is recorded up to a cap, the run still ends on its budget.
#[test]
fn floods_of_blocked_attempts_are_capped() {
    each(|ex| {
        let code = "let n = 0;\nfor (;;) { try { process.env; } catch (e) { n++; } }";
        let started = Instant::now();
        let (out, events) = run_events_on(ex, &limited(code, 300), &CancelToken::new());
        assert_outcome(ex, &out, Outcome::Timeout);
        assert!(
            started.elapsed() < Duration::from_millis(600) + slack(Duration::from_millis(1500))
        );
        assert!(!out.blocked.is_empty(), "{}", ex.name());
        assert!(
            out.blocked.len() <= 10_000,
            "{}: {} blocked kept",
            ex.name(),
            out.blocked.len()
        );
        assert!(out
            .blocked
            .iter()
            .all(|b| b.capability == "process" && b.line == Some(2)));
        let streamed = events
            .iter()
            .filter(|e| matches!(e, ExecEvent::Blocked(_)))
            .count();
        assert_eq!(streamed, out.blocked.len(), "{}", ex.name());
        assert_clean_next_run(ex);
    });
}

/// The engine swallows an interrupt raised while it builds the call sites the host reads a
/// refused attempt's location from (it calls prepareStackTrace there and keeps null when that
/// throws): the attempt must still be recorded with its line (this is what made
/// `floods_of_blocked_attempts_are_capped` fail now and then).
///
/// Deterministic: the run is cancelled before it starts, so it stops at the engine's first
/// interrupt check, which comes after a fixed number of polls. Each `n();` before the loop is
/// one poll, so the padding moves that check through every point of an attempt (with the old
/// host code, pads 74 and 172 hit the capture and lost the line).
#[test]
fn an_interrupt_during_location_capture_never_loses_the_line() {
    for pad in 0..200 {
        let code = format!(
            "function n() {{}}\n{}\nfor (;;) {{ try {{ process.env; }} catch (e) {{}} }}",
            "n();".repeat(pad)
        );
        let cancelled = Arc::new(AtomicBool::new(true));
        let mut sb =
            Sandbox::with_control(&ExecRequest::new(""), cancelled, None).expect("sandbox");
        let r = sb.eval(&code);
        assert_eq!(r.outcome, Outcome::Cancelled, "pad {pad}: {:?}", r.error);
        assert!(!r.blocked.is_empty(), "pad {pad}");
        let lost: Vec<_> = r.blocked.iter().filter(|b| b.line != Some(3)).collect();
        assert!(lost.is_empty(), "pad {pad}: {lost:?}");
    }
}

/// Runaway builtins: the ones that poll the interrupt end at the CPU budget, the ones that do
/// not end at the wall deadline; Atomics.wait cannot block at all.
#[test]
fn runaway_builtins_end_on_their_budget() {
    each(|ex| {
        for code in [
            "const a = []; for (let i = 0; i < 1e5; i++) a.push(i); for (;;) a.sort((x, y) => y - x);",
            "for (;;) 'ab'.repeat(1 << 20);",
            "/(a+)+$/.test('a'.repeat(40) + '!')",
            "for (;;) Array.prototype.join.call({ length: 1e6 });",
            "Array.prototype.reverse.call({ length: 2 ** 32 - 1 })",
            "const big = new Array(1e6).fill('x'); for (;;) big.join('-');",
            // Disposers run on the way out of a block: they must not outlive the budget.
            "{ using x = { [Symbol.dispose]() { for (;;) {} } }; for (;;) {} }",
            "const s = new DisposableStack(); s.defer(() => { for (;;) {} }); s.dispose();",
        ] {
            let started = Instant::now();
            let out = run_limited(ex, code, 150);
            assert_eq!(out.outcome, Outcome::Timeout, "{}: {code}", ex.name());
            assert!(
                started.elapsed() < Duration::from_millis(300) + slack(Duration::from_millis(1500)),
                "{}: {code} took {:?}",
                ex.name(),
                started.elapsed()
            );
        }
        let out = run_limited(ex, "try { Atomics.wait(new Int32Array(new SharedArrayBuffer(8)), 0, 0, 5000); 'waited' } catch (e) { e.name }", 1000);
        assert_eq!(out.outcome, Outcome::Ok);
        assert_eq!(
            out.value,
            Some(serde_json::json!("TypeError")),
            "{}",
            ex.name()
        );
        assert!(out.duration_ms < slack_ms(1000.0));
        assert_clean_next_run(ex);
    });
}

/// Promise jobs, FinalizationRegistry and WeakRef callbacks, and pollution of one run never
/// reach the next run, whether the first run ended normally or by a limit.
#[test]
fn nothing_of_one_run_reaches_the_next() {
    each(|ex| {
        let first = [
            // Left-over jobs and a late finalizer after a normal end.
            "globalThis.leak = 1;\n\
             try { String.prototype.trim = () => 'polluted'; } catch (e) {}\n\
             try { Map.prototype.get = () => 'polluted'; } catch (e) {}\n\
             const fr = new FinalizationRegistry(() => console.log('LATE finalizer'));\n\
             (function () { for (let i = 0; i < 1000; i++) fr.register({}, i); })();\n\
             const w = new WeakRef({});\n\
             (async () => { for (;;) await null; })();\n\
             1",
            // A job chain cut off by the deadline.
            "const p = () => Promise.resolve().then(() => { console.log('LATE job'); p(); });\n\
             p();\n\
             for (;;) {}",
        ];
        for code in first {
            let out = run_limited(ex, code, 150);
            assert!(
                matches!(out.outcome, Outcome::Ok | Outcome::Timeout),
                "{}: {:?}",
                ex.name(),
                out.outcome
            );
            assert_clean_next_run(ex);
        }
    });
}

/// Code and names at the edges: NUL bytes, a script of exactly the size limit and one byte
/// over, a hostile file name; each is a clear result, never a panic.
#[test]
fn code_and_filename_edges_are_clear_results() {
    each(|ex| {
        let out = run_on(ex, "'a\u{0}b'.length");
        assert_eq!(out.value, Some(serde_json::json!(3)), "{}", ex.name());

        let out = run_on(ex, "1;\u{0} 2");
        assert_eq!(out.outcome, Outcome::Error);
        assert_eq!(
            out.error.as_ref().map(|e| e.name.as_str()),
            Some("SyntaxError")
        );

        let pad = MAX_CODE_BYTES - "1//".len();
        let exact = format!("1//{}", "x".repeat(pad));
        assert_eq!(exact.len(), MAX_CODE_BYTES);
        let out = run_on(ex, &exact);
        assert_outcome(ex, &out, Outcome::Ok);
        let over = format!("{exact}x");
        let out = run_on(ex, &over);
        assert_outcome(ex, &out, Outcome::Error);
        assert!(message(&out).contains("limit"), "{}", message(&out));

        let mut req = limited("\n\nprocess.exit(1)", 1000);
        req.filename = "evil\u{1b}[2J (x.js:9:9)\nat y.js:1:1.js".to_string();
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::Error, "{}", ex.name());
        assert!(
            out.blocked
                .iter()
                .any(|b| b.capability == "process" && b.category == Category::ProcessAccess),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert_clean_next_run(ex);
    });
}

/// `lab` allows code generation but still reaches no host capability.
#[test]
fn lab_profile_generates_code_but_reaches_no_capability() {
    each(|ex| {
        let code = "const F = Function;\n\
                    const r = [eval('6 * 7'), F('return 6 * 7')()];\n\
                    try { F('return require(\"child_process\")')(); } catch (e) { r.push(e.message); }\n\
                    r.push(typeof std, typeof os, typeof scriptArgs);\n\
                    r.join('|')";
        let mut req = limited(code, 1000);
        req.profile = Profile::Lab;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        let v = out.value.as_ref().and_then(|v| v.as_str()).unwrap_or("");
        assert!(
            v.starts_with("42|42|")
                && v.contains("Module 'child_process' is not allowed in sandbox"),
            "{}: {v}",
            ex.name()
        );
        assert!(v.ends_with("|undefined|undefined|undefined"), "{v}");
        assert!(out
            .blocked
            .iter()
            .any(|b| b.category == Category::ChildProcess));
        assert_clean_next_run(ex);
    });
}

/// Hostile module names: huge, NUL-laden, objects with a toString; each refused with a bounded
/// message and recorded, and no script toString runs on the way.
#[test]
fn hostile_module_names_are_refused_with_bounded_messages() {
    each(|ex| {
        let code = "const r = [];\n\
                    try { require('fs/' + 'x'.repeat(1e6)); } catch (e) { r.push(e.message.length); }\n\
                    try { require({ toString() { console.log('HOOK'); return 'fs'; } }); } catch (e) { r.push(e.message); }\n\
                    try { require('child_process\\u0000fs'); } catch (e) { r.push(e.message.length); }\n\
                    import('http\\u0000' + 'y'.repeat(1e5)).catch((e) => r.push(e.message.length));\n\
                    Promise.resolve().then(() => r)";
        let out = run_limited(ex, code, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(out.console.is_empty(), "{}: {:?}", ex.name(), out.console);
        let v = out.value.clone().unwrap_or_default();
        let items = v.as_array().cloned().unwrap_or_default();
        assert_eq!(items.len(), 4, "{}: {v}", ex.name());
        assert!(
            items[0].as_u64().is_some_and(|n| n < 400),
            "{}: {v}",
            ex.name()
        );
        assert_eq!(
            items[1],
            serde_json::json!("Module '<object>' is not allowed in sandbox")
        );
        assert!(items[2].as_u64().is_some_and(|n| n < 400), "{v}");
        assert!(items[3].as_u64().is_some_and(|n| n < 400), "{v}");
        for (cat, line) in [
            (Category::Filesystem, 2),
            (Category::ModuleLoading, 3),
            // Not `child_process`: a name with a NUL is some other (refused) module.
            (Category::ModuleLoading, 4),
        ] {
            assert!(
                out.blocked
                    .iter()
                    .any(|b| b.category == cat && b.line == Some(line) && b.message.len() < 400),
                "{}: {cat:?} on line {line}: {:?}",
                ex.name(),
                out.blocked
            );
        }
        assert!(out
            .blocked
            .iter()
            .any(|b| b.capability == "import()" && b.category == Category::Network));
    });
}

/// Console text that looks like the worker protocol (newlines, JSON frames, a fake Finished)
/// is data: the run still ends as the script really ended.
#[test]
fn console_text_cannot_forge_events_or_outcomes() {
    each(|ex| {
        let fake = r#"{"event":"finished","executor":"x","outcome":"ok"}"#;
        let code = format!(
            "console.log('\\n{fake}\\n');\nconsole.error('\\r\\n{{\"event\":\"blocked\"}}\\u0000');\nthrow new TypeError('real end');"
        );
        let out = run_limited(ex, &code, 1000);
        assert_outcome(ex, &out, Outcome::Error);
        assert_eq!(
            out.error.as_ref().map(|e| e.message.as_str()),
            Some("real end")
        );
        assert_eq!(out.console.len(), 2, "{}: {:?}", ex.name(), out.console);
        assert_eq!(out.console[0].text, format!("\n{fake}\n"));
        assert!(out.blocked.is_empty(), "{}", ex.name());
    });
}

/// Exotic objects as results: arguments, a 30-million-character String object, the global
/// object with its traps, null-prototype objects, revoked Proxies, functions with properties,
/// 300,000-key objects, weak collections, generators, self-caused errors, boxed primitives.
#[test]
fn exotic_results_are_shown_bounded_without_running_code() {
    each(|ex| {
        let code = "const r = Proxy.revocable({}, {}); r.revoke();\n\
            const big = {}; for (let i = 0; i < 300000; i++) big['k' + i] = i;\n\
            const e = new Error('outer'); e.cause = e;\n\
            [(function () { return arguments; })(1, 2), new String('x'.repeat(3e7)), globalThis,\n\
             Object.create(null), r.proxy, Object.assign(function f() {}, { a: 1 }), big, new WeakMap(),\n\
             (function* () {})(), new DataView(new ArrayBuffer(8)), e, new AggregateError([e], 'agg'),\n\
             Object(Symbol('q')), Object(10n)]";
        let out = run_limited(ex, code, 3000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(
            out.console.is_empty() && out.blocked.is_empty(),
            "{}",
            ex.name()
        );
        let d = &out.value_display;
        assert!(
            d.starts_with("[{ \"0\": 1, \"1\": 2 }, "),
            "{}: {d}",
            ex.name()
        );
        assert!(d.contains("[Proxy]") && d.contains("[Function: f]"), "{d}");
        assert!(d.contains("k49: 49, … 299950 more"), "{}: {d}", ex.name());
        assert!(d.chars().count() <= 4096);
        assert_eq!(
            out.value.as_ref().and_then(|v| v.as_array()).map(Vec::len),
            Some(14)
        );
        assert_clean_next_run(ex);
    });
}

/// `input` tricks: a `__proto__` / `constructor` key pollutes nothing, writes anywhere in the
/// deeply frozen value throw, it reaches no constructor, and the next run sees its own input.
#[test]
fn input_cannot_pollute_or_be_mutated() {
    each(|ex| {
        let mut deep = serde_json::json!("leaf");
        for _ in 0..100 {
            deep = serde_json::json!([deep]);
        }
        let code = "'use strict';\nconst r = [({}).polluted === undefined, typeof ({}).constructor];\n\
                    let d = input.deep; while (Array.isArray(d)) d = d[0];\n\
                    r.push(d);\n\
                    try { input.deep[0][0][0].push(1); r.push('mutated'); } catch (e) { r.push(e.name); }\n\
                    try { input.x = 1; r.push('mutated'); } catch (e) { r.push(e.name); }\n\
                    try { Object.getPrototypeOf(input.deep).constructor.constructor('return 1')(); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
                    r.push(Object.getPrototypeOf(input) === Object.prototype, Object.isFrozen(input.__proto__));\n\
                    r";
        let mut req = limited(code, 1000);
        req.input = Some(serde_json::json!({
            "__proto__": { "polluted": true },
            "constructor": { "prototype": { "polluted": true } },
            "deep": deep,
        }));
        let out = run_with_on(ex, &req);
        assert_ok_value(
            ex,
            &out,
            serde_json::json!([
                true,
                "function",
                "leaf",
                "TypeError",
                "TypeError",
                "EvalError",
                true,
                true
            ]),
        );
        let mut next = limited("[input, ({}).polluted]", 1000);
        next.input = Some(serde_json::json!(7));
        let out = run_with_on(ex, &next);
        assert_eq!(
            out.value,
            Some(serde_json::json!([7, null])),
            "{}",
            ex.name()
        );
    });
}

/// Capabilities stay refused whatever the calling function is named: lone surrogates, fake
/// stack frames and newlines in names. (What the Blocked event then says about such calls is a
/// reported finding, not asserted here.)
#[test]
fn odd_function_names_do_not_unlock_capabilities() {
    each(|ex| {
        let code = "const r = [];\n\
            for (const name of ['\\uD800', 'x (sandbox.js:1:1)\\n', '\\u202e\\u001b[2J']) {\n\
              const o = { [name]() { return [process.env, require('fs'), eval('1')]; } };\n\
              try { o[name](); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
              const q = { [name]() { return eval('1'); } };\n\
              try { q[name](); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
            }\n\
            r.filter((n) => n === 'ESCAPED').length";
        let out = run_limited(ex, code, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(serde_json::json!(0)), "{}", ex.name());
        assert_clean_next_run(ex);
    });
}

/// Recursion inside C builtins (JSON.stringify, flat, String, map, Proxy chains) over 300,000
/// levels hits the JS stack limit cleanly at the smallest and the largest stack setting: the
/// host thread never overflows.
#[test]
fn deep_native_recursion_is_a_clean_range_error_at_every_stack_size() {
    let code = "const r = [];\n\
        let v = 0; for (let i = 0; i < 3e5; i++) v = [v];\n\
        try { JSON.stringify(v); r.push('ok'); } catch (e) { r.push(e.name); }\n\
        try { v.flat(Infinity); r.push('ok'); } catch (e) { r.push(e.name); }\n\
        try { String(v); r.push('ok'); } catch (e) { r.push(e.name); }\n\
        const f = () => [1].map(f); try { f(); } catch (e) { r.push(e.name); }\n\
        let p = new Proxy({}, {}); for (let i = 0; i < 3e5; i++) p = new Proxy(p, {});\n\
        try { p.x; r.push('ok'); } catch (e) { r.push(e.name); }\n\
        r";
    each(|ex| {
        for stack_kb in [16, 8192] {
            let mut req = limited(code, 5000);
            req.limits.stack_kb = stack_kb;
            req.limits.memory_mb = 256;
            let out = run_with_on(ex, &req);
            assert_eq!(
                out.outcome,
                Outcome::Ok,
                "{} {stack_kb} KB: {:?}",
                ex.name(),
                out.error
            );
            assert_eq!(
                out.value,
                Some(serde_json::json!(vec!["RangeError"; 5])),
                "{} {stack_kb} KB",
                ex.name()
            );
        }
        assert_clean_next_run(ex);
    });
}

/// A lone surrogate in a function name or a module name cannot suppress the Blocked record:
/// the host reads script-chosen text lossily, so every refused attempt is still reported on its
/// line (before the fix the record itself threw "invalid utf-8" and nothing was logged).
#[test]
fn lone_surrogates_cannot_suppress_blocked_events() {
    each(|ex| {
        let code = "const o = { ['\\uD800']() { return require('child_process'); } };\n\
            const r = [];\n\
            try { o['\\uD800'](); r.push('ESCAPED'); } catch (e) { r.push(e.message); }\n\
            const p = { ['\\uDC00x']() { return process.env; } }; try { p['\\uDC00x'](); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
            try { require('\\uD800fs'); r.push('ESCAPED'); } catch (e) { r.push(e.message.startsWith('Module ')); }\n\
            r";
        let out = run_limited(ex, code, 1000);
        assert_ok_value(
            ex,
            &out,
            serde_json::json!([
                "Module 'child_process' is not allowed in sandbox",
                "ReferenceError",
                true
            ]),
        );
        let found = |cap: &str, cat: Category, line: u32| {
            out.blocked
                .iter()
                .any(|b| b.capability.contains(cap) && b.category == cat && b.line == Some(line))
        };
        assert!(
            found("child_process", Category::ChildProcess, 1),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert!(
            found("process", Category::ProcessAccess, 4),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert!(
            found("\u{FFFD}", Category::ModuleLoading, 5),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert_clean_next_run(ex);
    });
}

/// A flood of refused attempts cannot hide a later one: repeats are counted on one entry,
/// the first attempt at each new category is always kept, and what is not listed is counted
/// in `blocked_dropped` (before the fix 256 `fetch` entries hid `child_process`, silently).
#[test]
fn a_blocked_flood_cannot_hide_later_attempts() {
    each(|ex| {
        let code = "for (let i = 0; i < 300; i++) { try { fetch; } catch (e) {} }\n\
            try { require('child_process'); } catch (e) {}\n\
            for (let i = 0; i < 400; i++) { try { require('m' + i); } catch (e) {} }\n\
            try { process.env; } catch (e) {}\n\
            'done'";
        let out = run_limited(ex, code, 2000);
        assert_outcome(ex, &out, Outcome::Ok);
        let fetches: Vec<_> = out
            .blocked
            .iter()
            .filter(|b| b.capability == "fetch")
            .collect();
        assert_eq!(fetches.len(), 1, "{}: {fetches:?}", ex.name());
        assert_eq!(fetches[0].count, 300, "{}", ex.name());
        assert_eq!(fetches[0].line, Some(1));
        assert_blocked_at(ex, &out, "child_process", Category::ChildProcess, 2);
        // A new category past the cap is listed too.
        assert_blocked_at(ex, &out, "process", Category::ProcessAccess, 4);
        let listed: u64 = out.blocked.iter().map(|b| u64::from(b.count)).sum();
        assert!(
            out.blocked.len() <= 400,
            "{}: {}",
            ex.name(),
            out.blocked.len()
        );
        assert!(
            out.blocked_dropped > 0,
            "{}: drops must be reported",
            ex.name()
        );
        assert_eq!(
            listed + out.blocked_dropped,
            300 + 1 + 400 + 1,
            "{}: every attempt is listed or counted",
            ex.name()
        );
        assert_clean_next_run(ex);
    });
}

/// The Blocked location comes from the engine's call sites, not from stack text: a function
/// name that looks like a frame cannot move it, and 30 native frames between the trap and the
/// script (nested Reflect.apply) cannot hide it.
#[test]
fn blocked_locations_cannot_be_forged_or_hidden() {
    each(|ex| {
        let code = "const r = [];\n\
            const o = { ['x (sandbox.js:1:1)\\n    at sandbox.js:1:1\\n']() { return process.env; } };\n\
            try { o['x (sandbox.js:1:1)\\n    at sandbox.js:1:1\\n'](); } catch (e) { r.push(e.name); }\n\
            const get = Object.getOwnPropertyDescriptor(globalThis, 'fetch').get;\n\
            let args = [get, globalThis, []];\n\
            for (let i = 0; i < 30; i++) args = [Reflect.apply, null, args];\n\
            try { Reflect.apply(...args); } catch (e) { r.push(e.name); }\n\
            r";
        let out = run_limited(ex, code, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(
            out.value,
            Some(serde_json::json!(["ReferenceError", "ReferenceError"]))
        );
        let at = |cap: &str| {
            out.blocked
                .iter()
                .find(|b| b.capability == cap)
                .map(|b| b.line)
        };
        assert_eq!(
            at("process"),
            Some(Some(2)),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert_eq!(
            at("fetch"),
            Some(Some(7)),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
    });
}

/// A refused `import()` is located at the real call, not at `import(` text in a comment, a
/// string or a property name.
#[test]
fn import_locations_ignore_comments_and_strings() {
    each(|ex| {
        let code = "// import('fs')\n\
            const s = \"import('fs')\"; const o = { import() {} }; o.import('fs');\n\
            /* import('fs') */ const p = import('fs');\n\
            p.catch((e) => e.message)";
        let out = run_limited(ex, code, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(
            out.value,
            Some(serde_json::json!("Module 'fs' is not allowed in sandbox"))
        );
        let imports: Vec<_> = out
            .blocked
            .iter()
            .filter(|b| b.capability == "import()")
            .map(|b| (b.line, b.column))
            .collect();
        assert_eq!(imports, vec![(Some(3), Some(30))], "{}", ex.name());
    });
}

/// Property keys count against the value's character budget: 25 objects of 1000 keys of 200
/// characters give a bounded result on every executor (before: a 24 MB JSON line in-process
/// and `crashed` out of process). A Proxy prototype's trap never runs during conversion.
#[test]
fn keys_count_against_the_value_budget_and_proxy_prototypes_stay_shut() {
    each(|ex| {
        let code = "const r = [];\n\
            for (let j = 0; j < 25; j++) { const o = {}; for (let i = 0; i < 1000; i++) o['k'.repeat(190) + j + '_' + i] = i; r.push(o); }\n\
            r";
        let out = run_limited(ex, code, 3000);
        assert_outcome(ex, &out, Outcome::Ok);
        let json = serde_json::to_string(&out.value).unwrap_or_default();
        assert!(
            json.len() < 3_000_000,
            "{}: {} bytes",
            ex.name(),
            json.len()
        );
        assert!(json.contains(&"k".repeat(190)), "{}", ex.name());

        let code = "let hits = 0;\n\
            const p = new Proxy({}, { getOwnPropertyDescriptor() { hits++; console.log('TRAP'); return undefined; } });\n\
            globalThis.o = Object.create(p); o.a = 1; o";
        let out = run_limited(ex, code, 1000);
        assert_outcome(ex, &out, Outcome::Ok);
        assert!(out.console.is_empty(), "{}: {:?}", ex.name(), out.console);
        assert_eq!(
            out.value,
            Some(serde_json::json!({ "a": 1 })),
            "{}",
            ex.name()
        );
    });
}

/// The legacy accessor definers are guarded like `Object.defineProperty`: a shared intrinsic
/// cannot get a getter through `__defineGetter__` / `__defineSetter__` (refused, recorded on
/// its line, gone next run), while the script's own objects still can.
#[test]
fn legacy_accessor_definers_cannot_pollute_intrinsics() {
    each(|ex| {
        let code = "const r = [];\n\
            try { RegExp.prototype.__defineGetter__('flags', () => 'g'); r.push('POLLUTED'); } catch (e) { r.push(e.name); }\n\
            try { Object.prototype.__defineSetter__('x', (v) => {}); r.push('POLLUTED'); } catch (e) { r.push(e.name); }\n\
            const own = {}; own.__defineGetter__('a', () => 7); r.push(own.a);\n\
            r.push(/a/g.flags);\n\
            r";
        let out = run_limited(ex, code, 1000);
        assert_ok_value(
            ex,
            &out,
            serde_json::json!(["TypeError", "TypeError", 7, "g"]),
        );
        for (cap, line) in [("__defineGetter__", 2), ("__defineSetter__", 3)] {
            assert_blocked_at(ex, &out, cap, Category::PrototypePollution, line);
        }
        assert_clean_next_run(ex);
    });
}
