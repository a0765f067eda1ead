//! Attacks that really run: every one must leave the host capability unreachable and, where a
//! capability was asked for, a `Blocked` event naming the script line that asked.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{each, run_on, run_with_on, slack_ms};
use sandbench::engine::exec::{ExecOutcome, ExecRequest, Outcome};
use sandbench::engine::policy::Profile;
use sandbench::engine::Category;

fn assert_blocked(out: &ExecOutcome, capability: &str, category: Category, line: u32) {
    assert!(
        out.blocked
            .iter()
            .any(|b| b.capability == capability && b.category == category && b.line == Some(line)),
        "expected Blocked {{{capability}, {category}, line {line}}}, got {:?} (outcome {:?}, error {:?})",
        out.blocked,
        out.outcome,
        out.error
    );
    assert_ne!(
        out.outcome,
        Outcome::Ok,
        "a refused capability must not complete normally"
    );
}

#[test]
fn constructor_chains_are_refused_and_located() {
    each(|ex| {
        let cases: [(&str, &str, u32); 8] = [
            (
                "const F = this.constructor.constructor;\n\nF('return process')()",
                "Function",
                3,
            ),
            (
                "\n[]['constructor']['constructor']('return this')()",
                "Function",
                2,
            ),
            (
                "const k = '\\x63onstructor';\nconst F = ({})[k][k];\nF('return 1')()",
                "Function",
                3,
            ),
            (
                "try { null.f() } catch (e) {\n  e.constructor.constructor('return process')()\n}",
                "Function",
                2,
            ),
            (
                "const f = async function () {};\nf.constructor('return 1')",
                "AsyncFunction",
                2,
            ),
            (
                "const g = function* () {};\n\ng.constructor('yield 1')",
                "GeneratorFunction",
                3,
            ),
            (
                "const h = async function* () {};\nh.constructor('yield 1')",
                "AsyncGeneratorFunction",
                2,
            ),
            (
                "Object.getPrototypeOf(async () => {}).constructor('return 1')",
                "AsyncFunction",
                1,
            ),
        ];
        for (code, cap, line) in cases {
            let out = run_on(ex, code);
            assert_blocked(&out, cap, Category::CodeGeneration, line);
            let err = out.error.as_ref().expect("an error");
            assert_eq!(err.name, "EvalError", "{code}");
        }
    });
}

/// On every executor, each `(code, capability, line)` is refused and recorded as a `Blocked`
/// attempt of `category` at that capability and line.
fn refused_at(category: Category, cases: &[(&str, &str, u32)]) {
    each(|ex| {
        for &(code, capability, line) in cases {
            let out = run_on(ex, code);
            assert_blocked(&out, capability, category, line);
        }
    });
}

#[test]
fn function_constructor_and_eval_are_refused() {
    refused_at(
        Category::CodeGeneration,
        &[
            ("Function('return 1')()", "Function", 1),
            (
                "let x = 1;\nnew Function('a', 'return a')(2)",
                "Function",
                2,
            ),
            ("eval('1 + 1')", "eval", 1),
            ("\n(0, eval)('1')", "eval", 2),
            (
                "const e = globalThis['ev' + 'al'];\ne('process')",
                "eval",
                2,
            ),
        ],
    );
}

#[test]
fn process_require_module_and_network_are_refused() {
    each(|ex| {
        for (code, capability, category, line) in [
            (
                "const a = 1;\nprocess.binding('spawn_wrap')",
                "process",
                Category::ProcessAccess,
                2,
            ),
            (
                "\n\nmodule.exports = { x: 1 }",
                "module",
                Category::ModuleLoading,
                3,
            ),
            (
                "fetch('http://127.0.0.1:1/')",
                "fetch",
                Category::Network,
                1,
            ),
            (
                "\nconst x = new XMLHttpRequest()",
                "XMLHttpRequest",
                Category::Network,
                2,
            ),
            ("Deno.version", "Deno", Category::ProcessAccess, 1),
            (
                "\nconst { env } = process",
                "process",
                Category::ProcessAccess,
                2,
            ),
            ("typeof process.env", "process", Category::ProcessAccess, 1),
        ] {
            assert_blocked(&run_on(ex, code), capability, category, line);
        }
    });
}

#[test]
fn fs_and_child_process_stay_unreachable() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = dir.path().join("pwned");
    let target_s = target.display().to_string();
    each(|ex| {
        let out = run_on(
            ex,
            "const fs = require('fs');\nfs.readFileSync('/etc/passwd', 'utf8')",
        );
        assert_blocked(&out, "fs", Category::Filesystem, 1);
        let err = out.error.as_ref().expect("error");
        assert_eq!(err.message, "Module 'fs' is not allowed in sandbox");

        let code = format!("\nrequire('fs').writeFileSync({target_s:?}, 'x')");
        let out = run_on(ex, &code);
        assert_blocked(&out, "fs", Category::Filesystem, 2);

        let code = format!("const cp = require('child_process');\ncp.exec('touch {target_s}')");
        let out = run_on(ex, &code);
        assert_blocked(&out, "child_process", Category::ChildProcess, 1);

        let out = run_on(ex, "const p = import('fs');\np");
        assert_blocked(&out, "import()", Category::Filesystem, 1);
        assert_eq!(out.outcome, Outcome::Error);
    });
    assert!(!target.exists(), "the sandbox must not write host files");
}

#[test]
fn prototype_pollution_is_refused_and_gone_next_run() {
    refused_at(
        Category::PrototypePollution,
        &[
            ("const o = {};\no.__proto__.polluted = 1", "__proto__", 2),
            (
                "const evil = { isAdmin: true };\nconst o = {};\no.__proto__ = evil",
                "__proto__",
                3,
            ),
            (
                "\nObject.assign(Object.prototype, { polluted: 1 })",
                "assign",
                2,
            ),
            (
                "Object.setPrototypeOf(Array.prototype, null)",
                "setPrototypeOf",
                1,
            ),
            ("Reflect.set(Object.prototype, 'polluted', 1)", "set", 1),
        ],
    );
    each(|ex| {
        // Plain assignment to a frozen intrinsic throws (strict profile runs strict code); left
        // uncaught, it is recorded at the line that tried.
        let out = run_on(ex, "const x = 1;\nObject.prototype.polluted = 'yes'");
        assert_eq!(
            out.error.as_ref().map(|e| e.name.as_str()),
            Some("TypeError")
        );
        assert_blocked(&out, "prototype", Category::PrototypePollution, 2);
        let out = run_on(ex, "\n\n({}).constructor.prototype.isAdmin = true");
        assert_blocked(&out, "prototype", Category::PrototypePollution, 3);
        // Caught, the write still fails.
        let out = run_on(
            ex,
            "try {\n  ({}).constructor.prototype.isAdmin = true\n} catch (e) {}\n[typeof ({}).isAdmin]",
        );
        assert_eq!(out.value, Some(serde_json::json!(["undefined"])));
        // The script's own frozen objects are not shared intrinsics: nothing is recorded.
        let out = run_on(ex, "const o = Object.freeze({ a: 1 });\no.a = 2");
        assert_eq!(out.outcome, Outcome::Error);
        assert!(out.blocked.is_empty(), "{:?}", out.blocked);
        let out = run_on(ex, "Array.prototype.map = function () { return 'owned' }");
        assert_eq!(out.outcome, Outcome::Error);
        for code in [
            "String.prototype.evil = 1",
            "Promise.prototype.then = null",
            "Function.prototype.call = null",
            "Object.keys = () => []",
        ] {
            let out = run_on(ex, code);
            assert_eq!(out.outcome, Outcome::Error, "{code}");
        }

        // Lab profile: nothing frozen, so pollution succeeds — inside that run only.
        let mut lab = ExecRequest::new("Object.prototype.polluted = 'yes'; ({}).polluted");
        lab.profile = Profile::Lab;
        let out = run_with_on(ex, &lab);
        assert_eq!(out.value, Some(serde_json::json!("yes")));
        let mut next = ExecRequest::new("[typeof ({}).polluted, [1].map(x => x + 1)]");
        next.profile = Profile::Lab;
        let out = run_with_on(ex, &next);
        assert_eq!(out.value, Some(serde_json::json!(["undefined", [2]])));
    });
}

#[test]
fn prepare_stack_trace_call_sites_reach_nothing() {
    each(|ex| {
        let out = run_on(
            ex,
            "\nError.prepareStackTrace = (e, cs) => cs.map(c => c.getFunction());\nnew Error().stack",
        );
        assert_blocked(&out, "Error.prepareStackTrace", Category::VmEscape, 2);

        // Lab refuses it too: the engine calls it while building errors, where an interrupt
        // would be swallowed — a catch loop around a throwing line would become unstoppable.
        let mut lab = sandbench::engine::exec::ExecRequest::new(
            "let n = 0;\ntry { Error.prepareStackTrace = (e, cs) => 'x' } catch (e) {}\nwhile (true) { try { null.x } catch (e) { n++ } }",
        );
        lab.profile = Profile::Lab;
        lab.limits = sandbench::engine::policy::Limits::with_timeout(200);
        let out = run_with_on(ex, &lab);
        assert_blocked(&out, "Error.prepareStackTrace", Category::VmEscape, 2);
        assert_eq!(out.outcome, Outcome::Timeout);
        assert_eq!(out.runaway_threads, 0, "the run stopped by itself");
        // And a trap never runs script code while it builds its error.
        let mut lab = ExecRequest::new(
            "let calls = 0;\nError.stackTraceLimit = { valueOf() { calls++; return 5 } };\ntry { process } catch (e) {}\ntry { require('fs') } catch (e) {}\ncalls",
        );
        lab.profile = Profile::Lab;
        let out = run_with_on(ex, &lab);
        assert_eq!(out.outcome, Outcome::Ok, "{:?}", out.error);
        assert_eq!(out.value, Some(serde_json::json!(0)));
        assert_eq!(out.blocked.len(), 2);
        assert_eq!(out.blocked[0].line, Some(3));
        assert_eq!(out.blocked[1].line, Some(4));
    });
}

#[test]
fn thrown_proxies_species_and_custom_inspect_reach_nothing() {
    each(|ex| {
        // A thrown Proxy: the host describes it without running a single trap.
        let out = run_on(
            ex,
            "const h = {}; for (const k of ['get','has','ownKeys','getPrototypeOf','getOwnPropertyDescriptor']) h[k] = () => { console.log('trap ran: ' + k); while (true) {} };\nthrow new Proxy({}, h)",
        );
        assert_eq!(out.outcome, Outcome::Error);
        assert!(out.console.is_empty(), "{:?}", out.console);
        assert_eq!(
            out.error.as_ref().map(|e| e.message.as_str()),
            Some("[Proxy]")
        );

        // Symbol.species handing back a function that reaches for process: refused.
        let out = run_on(
            ex,
            "class Evil extends Array {\n  static get [Symbol.species]() { return function () { return process } }\n}\nEvil.from([1, 2]).map(x => x)",
        );
        assert_blocked(&out, "process", Category::ProcessAccess, 2);

        // Custom inspect / toJSON / toString / valueOf on the returned value never run.
        let out = run_on(
            ex,
            "({ a: 1,\n [Symbol.for('nodejs.util.inspect.custom')]() { console.log('inspect'); return process },\n toJSON() { console.log('toJSON'); return process },\n toString() { console.log('toString'); return 'x' },\n valueOf() { console.log('valueOf'); return 1 } })",
        );
        assert_eq!(out.outcome, Outcome::Ok);
        assert!(out.console.is_empty(), "{:?}", out.console);
        assert!(out.blocked.is_empty());
        assert_eq!(out.value, Some(serde_json::json!({"a": 1})));
    });
}

#[test]
fn ambient_capabilities_do_not_exist() {
    each(|ex| {
        let out = run_on(
            ex,
            "[typeof std, typeof os, typeof setTimeout, typeof globalThis.require, Object.isFrozen(Object.prototype)]",
        );
        // `require` exists when a module may be loaded (the pure default modules are).
        assert_eq!(
            out.value,
            Some(serde_json::json!([
                "undefined",
                "undefined",
                "undefined",
                "function",
                true
            ]))
        );
        // Engine hooks that leak or call back into script code are kept to plain numbers.
        let out = run_on(
            ex,
            "const o = { valueOf() { while (true) {} } };\nError.stackTraceLimit = o; Error.stackTraceLimit = o;\n[Error.stackTraceLimit === o, typeof new Error('x').stack]",
        );
        assert_eq!(out.value, Some(serde_json::json!([true, "string"])));
        // Atomics.wait cannot block the executor thread.
        let out = run_on(
            ex,
            "const a = new Int32Array(new SharedArrayBuffer(4));\nAtomics.wait(a, 0, 0, 1000000)",
        );
        assert_eq!(out.outcome, Outcome::Error);
        assert!(out.duration_ms < slack_ms(1000.0));
    });
}
