//! Host modules (`require` and `import`) on both executors: Node's behaviour for what they
//! cover (tests/fixtures/modules, made by Node 20), the permission that decides what loads,
//! the exact refusal and its Blocked event, ES module runs, lazy loading, and that modules are
//! no way around the strict profile.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    assert_error, assert_module_refused, assert_ok_value, assert_outcome, each, message, run_on,
    run_with_on,
};
use sandbench::engine::exec::quickjs::Sandbox;
use sandbench::engine::exec::{ExecRequest, Executor, Outcome};
use sandbench::engine::Category;
use serde_json::{json, Value};

const CASES: &str = include_str!("fixtures/modules/cases.js");
const RUNNER: &str = include_str!("fixtures/modules/runner.js");
const EXPECTED: &str = include_str!("fixtures/modules/node-expected.json");

#[test]
fn every_case_matches_node() {
    let expected: serde_json::Map<String, Value> = serde_json::from_str(EXPECTED).unwrap();
    let code = format!("{CASES}\n{RUNNER}");
    each(|ex| {
        let mut req = ExecRequest::new(code.clone());
        req.filename = "cases.js".into();
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        let got = out.value.clone().unwrap();
        let mut bad = Vec::new();
        let mut compared = 0;
        for (name, want) in &expected {
            if name.starts_with('$') {
                continue;
            }
            compared += 1;
            if got.get(name) != Some(want) {
                bad.push(format!(
                    "{name}\n  node:    {want}\n  sandbox: {:?}",
                    got.get(name)
                ));
            }
        }
        assert!(compared >= 80, "{compared} cases");
        assert!(
            bad.is_empty(),
            "{}: {} of {compared} differ from Node:\n{}",
            ex.name(),
            bad.len(),
            bad.join("\n")
        );
    });
}

#[test]
fn refused_modules_give_the_exact_message_and_a_blocked_event() {
    let refused = [
        ("child_process", Category::ChildProcess),
        ("node:child_process", Category::ChildProcess),
        ("fs", Category::Filesystem),
        ("fs/promises", Category::Filesystem),
        ("vm", Category::VmEscape),
        ("worker_threads", Category::ProcessAccess),
        ("cluster", Category::ProcessAccess),
        ("process", Category::ProcessAccess),
        ("os", Category::ProcessAccess),
        ("net", Category::Network),
        ("http", Category::Network),
        ("./local.js", Category::ModuleLoading),
        ("lodash", Category::ModuleLoading),
    ];
    each(|ex| {
        for (name, category) in refused {
            let code =
                format!("let m;\ntry {{ require('{name}'); }} catch (e) {{ m = e.message; }}\nm");
            let out = run_on(ex, &code);
            assert_outcome(ex, &out, Outcome::Ok);
            let msg = format!("Module '{name}' is not allowed in sandbox");
            assert_eq!(out.value, Some(json!(msg)), "{}: {name}", ex.name());
            let b = out
                .blocked
                .iter()
                .find(|b| b.capability == name)
                .unwrap_or_else(|| {
                    panic!("{}: no Blocked for {name}: {:?}", ex.name(), out.blocked)
                });
            assert_eq!(
                (b.category, b.line, b.message.as_str()),
                (category, Some(2), msg.as_str()),
                "{}",
                ex.name()
            );
        }
        // The benign twin: the pure modules load, nothing is recorded.
        let out = run_on(ex, "const p = require('path');\n[p === require('node:path'), p.join('a', 'b'), typeof require('crypto').createHash]");
        assert_ok_value(ex, &out, json!([true, "a/b", "function"]));
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
    });
}

#[test]
fn the_permission_decides_and_cannot_grant_the_host() {
    each(|ex| {
        // Granting a module no host module provides, or one that would hand over the host, is
        // an error of the request (it does not run), naming the module.
        for (name, says) in [
            ("leftpad", "there is no host module 'leftpad'"),
            ("child_process", "'child_process' can never be granted"),
            ("vm", "'vm' can never be granted"),
        ] {
            let mut req = ExecRequest::new("1");
            req.permissions.modules.push(name.into());
            let out = run_with_on(ex, &req);
            assert_error(ex, &out, Outcome::Error, says);
            assert_eq!(out.value, None, "{}", ex.name());
        }
        // Without a grant a never-grantable module stays refused, with the exact message.
        let req = ExecRequest::new("let m;\ntry { require('child_process'); } catch (e) { m = e.message; }\ntry { require('vm'); } catch (e) { m += '|' + e.message; }\nm");
        let out = run_with_on(ex, &req);
        assert_eq!(out.value, Some(json!("Module 'child_process' is not allowed in sandbox|Module 'vm' is not allowed in sandbox")), "{}", ex.name());
        assert_eq!(out.blocked.len(), 2, "{}: {:?}", ex.name(), out.blocked);
    });
    // A sandbox built directly checks the request the same way.
    let mut req = ExecRequest::new("");
    req.permissions.modules = vec!["path".into(), "child_process".into()];
    let err = Sandbox::new(&req)
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(
        err.contains("'child_process' can never be granted"),
        "{err}"
    );
}

#[test]
fn es_module_runs_import_host_modules() {
    let code = "import path, { join } from 'path';\nimport { createHash } from 'node:crypto';\nimport * as util from 'util';\nconst v = await Promise.resolve(join('/a', '../b'));\nexport default [v, path.sep, createHash('sha1').update('abc').digest('hex'), typeof util.inspect, util.default === util.default.inspect ? 0 : 1];\n";
    each(|ex| {
        let mut req = ExecRequest::new(code);
        req.filename = "plugin.mjs".into();
        let out = run_with_on(ex, &req);
        assert_ok_value(
            ex,
            &out,
            json!([
                "/b",
                "/",
                "a9993e364706816aba3e25717850c26c9cd0d89d",
                "function",
                1
            ]),
        );
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
        // Detected from the source too (a .js file with an import declaration).
        req.filename = "plugin.js".into();
        assert_eq!(run_with_on(ex, &req).outcome, Outcome::Ok, "{}", ex.name());
    });
}

#[test]
fn a_refused_import_fails_at_link_time_before_any_code_runs() {
    let code = "import path from 'path';\nconsole.log('body ran');\nimport { readFileSync } from 'fs';\nexport default readFileSync('/etc/passwd', 'utf8');\n";
    each(|ex| {
        let out = run_on(ex, code);
        assert_module_refused(ex, &out, "fs");
        assert!(
            out.console.is_empty(),
            "{}: the body must not run: {:?}",
            ex.name(),
            out.console
        );
        let b = out
            .blocked
            .iter()
            .find(|b| b.capability == "fs")
            .unwrap_or_else(|| panic!("{}: {:?}", ex.name(), out.blocked));
        assert_eq!(
            (b.category, b.line, b.column),
            (Category::Filesystem, Some(3), Some(1)),
            "{}",
            ex.name()
        );
        // Relative imports resolve to nothing: there is no file system to read them from.
        let out = run_on(ex, "import x from './helper.js';\nexport default x;\n");
        assert_eq!(
            message(&out),
            "Module './helper.js' is not allowed in sandbox",
            "{}",
            ex.name()
        );
    });
}

#[test]
fn dynamic_import_stays_refused_even_for_an_imported_module() {
    let code = "import path from 'path';\nlet r = [];\ntry { await import('path'); r.push('IMPORTED'); } catch (e) { r.push(e.message); }\ntry { await import('node:crypto'); r.push('IMPORTED'); } catch (e) { r.push(e.message); }\nexport default r;\n";
    each(|ex| {
        let out = run_on(ex, code);
        assert_ok_value(
            ex,
            &out,
            json!([
                "Module 'path' is not allowed in sandbox",
                "Module 'node:crypto' is not allowed in sandbox"
            ]),
        );
        let lines: Vec<_> = out
            .blocked
            .iter()
            .filter(|b| b.capability == "import()")
            .map(|b| b.line)
            .collect();
        assert_eq!(
            lines,
            vec![Some(3), Some(4)],
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
    });
}

#[test]
fn module_runs_keep_the_limits() {
    each(|ex| {
        let mut req = common::limited("import { EventEmitter } from 'events';\nconst e = new EventEmitter();\ne.on('x', () => { for (;;) {} });\ne.emit('x');\n", 200);
        req.filename = "loop.mjs".into();
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Timeout);
        let mut req = ExecRequest::new("import { Buffer } from 'buffer';\nconst keep = [];\nfor (;;) keep.push(Buffer.alloc(1 << 20, 1));\n");
        req.limits.memory_mb = 16;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::MemoryLimit);
    });
}

#[test]
fn modules_are_no_way_around_the_strict_profile() {
    // Every function a module hands out shares the sandbox's Function.prototype, whose
    // constructor is the code-generation trap.
    let code = "const r = [];\n\
        const fns = [require('events'), require('util').inspect, require('crypto').createHash, require('stream').Readable, require('buffer').Buffer.from, require('assert').AssertionError];\n\
        for (const f of fns) { try { f.constructor('return 1')(); r.push('ESCAPED'); } catch (e) { r.push(e.name); } }\n\
        try { Object.getPrototypeOf(async function () {}).constructor('return 1'); r.push('ESCAPED'); } catch (e) { r.push(e.name); }\n\
        r";
    each(|ex| {
        let out = run_on(ex, code);
        assert_outcome(ex, &out, Outcome::Ok);
        let v = out.value.clone().unwrap();
        assert!(
            v.as_array().unwrap().iter().all(|x| x == "EvalError"),
            "{}: {v}",
            ex.name()
        );
        assert!(
            out.blocked
                .iter()
                .all(|b| b.category == Category::CodeGeneration),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert!(!out.blocked.is_empty(), "{}", ex.name());
    });
}

#[test]
fn no_host_function_is_reachable_from_a_module() {
    // Walks everything reachable from every module's exports (own properties, prototypes,
    // getters read only by descriptor) looking for the objects the host hands the modules.
    let code = "const names = ['assert','buffer','crypto','events','path','querystring','stream','string_decoder','url','util'];\n\
        const seen = new Set(); const todo = names.map((n) => require(n)); let found = [];\n\
        while (todo.length && seen.size < 200000) {\n\
          const o = todo.pop();\n\
          if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue;\n\
          seen.add(o);\n\
          const keys = Reflect.ownKeys(o);\n\
          for (const k of ['hash', 'hmac', 'randomFill', 'timingSafeEqual', 'promiseState', 'factory']) if (keys.includes(k) && Object.isFrozen(o) && typeof o[k] === 'function' && !String(o[k]).includes('return')) found.push(String(k));\n\
          todo.push(Object.getPrototypeOf(o));\n\
          for (const k of keys) { const d = Object.getOwnPropertyDescriptor(o, k); if (d) todo.push(d.value, d.get, d.set); }\n\
        }\n\
        [seen.size > 300, found]";
    each(|ex| {
        let out = run_on(ex, code);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(json!([true, []])), "{}", ex.name());
    });
}

#[test]
fn modules_work_under_a_full_freeze_of_the_intrinsics() {
    // What the lockdown is building: every reachable intrinsic frozen before any module loads.
    let code = "const seen = new Set(); const todo = [globalThis];\n\
        while (todo.length) { const o = todo.pop(); if ((typeof o !== 'object' && typeof o !== 'function') || o === null || seen.has(o)) continue; seen.add(o);\n\
          for (const k of Reflect.ownKeys(o)) { const d = Object.getOwnPropertyDescriptor(o, k); if (d) todo.push(d.value, d.get, d.set); } todo.push(Object.getPrototypeOf(o)); Object.freeze(o); }\n\
        const EventEmitter = require('events'); const util = require('util'); const { Buffer } = require('buffer');\n\
        const stream = require('stream'); const crypto = require('crypto'); const assert = require('assert'); const url = require('url');\n\
        class MyEmitter extends EventEmitter { emit(n, ...a) { return super.emit(n, ...a.map((x) => x + 1)); } }\n\
        const m = new MyEmitter(); let got; m.on('v', (x) => { got = x; }); m.emit('v', 1);\n\
        const Legacy = function () { EventEmitter.call(this); }; util.inherits(Legacy, EventEmitter);\n\
        const l = new Legacy(); l.on = function () { return 'mine'; };\n\
        const b = Buffer.from('héllo'); b.writeUInt8(72, 0);\n\
        const h = crypto.createHash('sha256').update(b).digest('hex').slice(0, 8);\n\
        assert.deepStrictEqual({ a: [1] }, { a: [1] });\n\
        const chunks = [];\n\
        (async () => { for await (const c of stream.Readable.from(['a', 'b'])) chunks.push(c);\n\
          return [Object.isFrozen(Object.prototype), got, l.on(), b.toString(), h, util.inspect(new Map([[1, 2]])), chunks, new url.URL('http://x/y?z=1').searchParams.get('z')]; })()";
    each(|ex| {
        assert_ok_value(
            ex,
            &run_on(ex, code),
            json!([
                true,
                2,
                "mine",
                "Héllo",
                "e55e7494",
                "Map(1) { 1 => 2 }",
                ["a", "b"],
                "1"
            ]),
        );
    });
}

#[test]
fn a_run_changes_to_a_module_stay_in_that_run() {
    each(|ex| {
        let out = run_on(ex, "require('path').join = () => 'patched';\nrequire('events').prototype.emit = () => 'x';\nrequire('path').join('a')");
        assert_eq!(out.value, Some(json!("patched")), "{}", ex.name());
        let out = run_on(
            ex,
            "[require('path').join('a', 'b'), new (require('events'))().emit('none')]",
        );
        assert_eq!(out.value, Some(json!(["a/b", false])), "{}", ex.name());
    });
}

#[test]
fn nothing_is_loaded_before_the_first_require() {
    let mut sb = Sandbox::new(&ExecRequest::new("")).unwrap();
    let r = sb.eval("[1, 2].map((x) => x * 2)");
    assert_eq!(r.outcome, Outcome::Ok);
    assert!(sb.modules_loaded().is_empty(), "{:?}", sb.modules_loaded());
    let r = sb.eval("require('path').sep");
    assert_eq!(r.value, Some(json!("/")));
    assert_eq!(sb.modules_loaded(), vec!["path"]);
    // A module's own dependencies load with it, once.
    let r = sb.eval("require('stream'); require('stream'); typeof require('events')");
    assert_eq!(r.value, Some(json!("function")));
    let loaded = sb.modules_loaded();
    for m in ["stream", "events", "buffer", "string_decoder"] {
        assert_eq!(
            loaded.iter().filter(|x| **x == m).count(),
            1,
            "{m}: {loaded:?}"
        );
    }
    // A refused name loads nothing.
    let before = sb.modules_loaded().len();
    let _ = sb.eval("try { require('fs') } catch (e) {}");
    assert_eq!(sb.modules_loaded().len(), before);
}

#[test]
fn random_output_is_random_and_bounded() {
    each(|ex: &dyn Executor| {
        let out = run_on(ex, "const c = require('crypto');\n[c.randomBytes(16).toString('hex'), c.randomBytes(16).toString('hex'), c.randomUUID() !== c.randomUUID(), c.randomBytes(200000).length]");
        let v = out.value.clone().unwrap();
        assert_ne!(v[0], v[1], "{}", ex.name());
        assert_ne!(
            v[0],
            json!("00000000000000000000000000000000"),
            "{}",
            ex.name()
        );
        assert_eq!(
            (v[2].clone(), v[3].clone()),
            (json!(true), json!(200000)),
            "{}",
            ex.name()
        );
    });
}

#[test]
fn modules_named_by_a_constant_or_computed_name_load_alike() {
    // The process executor's parent sends the bytecode of the modules the code names in quotes;
    // a computed name is compiled by the worker itself. Both must give the same module.
    each(|ex| {
        let code = "const a = require('node:util');\n\
                    const b = require(['ut', 'il'].join(''));\n\
                    const p = require(String.fromCharCode(112, 97, 116, 104));\n\
                    [a === b, typeof a.format, a.format('%s=%d', 'x', 1), p.join('a', '..', 'b')]";
        let out = run_on(ex, code);
        assert_ok_value(ex, &out, json!([true, "function", "x=1", "b"]));
    });
}

#[test]
fn path_basename_answers_as_node_does() {
    // Node's answers (v20, `path.posix`), its quirk included: a suffix that ends with the whole
    // last part keeps the trailing slashes (`basename('a/b/', 'xb')` is `'b/'`).
    let code = "const { basename } = require('path');\n\
        [['a/b/', 'xb'], ['ab//', 'xab'], ['/a/b.js', '.js'], ['/a/b.js', 'b.js'], ['a/b', 'b'],\n\
         ['/a/b/', 'b'], ['//', 'x'], ['a.js', 'js'], ['/x/y.txt', undefined], ['a/b/', 'ab']]\n\
        .map(([p, s]) => basename(p, s))";
    each(|ex| {
        let out = run_on(ex, code);
        assert_ok_value(
            ex,
            &out,
            json!(["b/", "ab//", "b", "b.js", "b", "b", "//", "a.", "y.txt", "b/"]),
        );
    });
}
