//! Granted capabilities (issue 11): the `fs` module beneath granted directories and `fetch` to
//! granted hosts, on both executors. Every attack asserts that the host capability stayed out
//! of reach and that the refusal was recorded; each has a benign twin that works. The network
//! tests use a loopback server started here, never any other address.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::http::Server;
use common::{
    assert_error, assert_module_refused, assert_ok_value, assert_outcome, each, run_with_on,
};
use sandbench::engine::exec::{ExecOutcome, ExecRequest, Executor, Outcome};
use sandbench::engine::policy::NetGrant;
use sandbench::engine::Category;
use serde_json::json;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// A plugin directory `root/` (config, data) beside `outside/secret.txt`.
struct Plugin {
    dir: tempfile::TempDir,
}

impl Plugin {
    fn new() -> Plugin {
        let dir = tempfile::tempdir().expect("tempdir");
        let root = dir.path().join("root");
        std::fs::create_dir_all(root.join("data")).expect("dirs");
        std::fs::write(root.join("config.json"), r#"{"name":"demo","limit":3}"#).expect("write");
        std::fs::write(root.join("data/a.txt"), "alpha").expect("write");
        std::fs::write(root.join("data/b.txt"), "beta").expect("write");
        std::fs::create_dir(dir.path().join("outside")).expect("dir");
        std::fs::write(dir.path().join("outside/secret.txt"), "TOP SECRET").expect("write");
        Plugin { dir }
    }
    fn root(&self) -> PathBuf {
        self.dir.path().join("root")
    }
    fn outside(&self) -> PathBuf {
        self.dir.path().join("outside")
    }
}

fn fs_request(code: &str, root: &Path) -> ExecRequest {
    let mut req = ExecRequest::new(code);
    req.permissions.add_read(root.to_path_buf());
    req
}

fn net_request(code: &str, grants: &[&str]) -> ExecRequest {
    let mut req = ExecRequest::new(code);
    for g in grants {
        for n in NetGrant::parse_flag(g).expect("grant") {
            req.permissions.add_net(n);
        }
    }
    req
}

fn blocked(out: &ExecOutcome, category: Category) -> Vec<String> {
    out.blocked
        .iter()
        .filter(|b| b.category == category)
        .map(|b| b.capability.clone())
        .collect()
}

fn no_secret(ex: &dyn Executor, out: &ExecOutcome) {
    let text = serde_json::to_string(out).expect("json");
    assert!(
        !text.contains("TOP SECRET"),
        "{}: the secret leaked: {text}",
        ex.name()
    );
}

#[test]
fn a_plugin_reads_its_config_and_data_from_a_granted_directory() {
    let p = Plugin::new();
    each(|ex| {
        let code = "const fs = require('fs');\n\
            const cfg = JSON.parse(fs.readFileSync('config.json', 'utf8'));\n\
            const names = fs.readdirSync('data');\n\
            const texts = names.map((n) => fs.readFileSync('data/' + n).length);\n\
            const st = fs.statSync('data');\n\
            const types = fs.readdirSync('.', { withFileTypes: true }).map((d) => d.name + (d.isDirectory() ? '/' : ''));\n\
            [cfg.name, names, texts, st.isDirectory(), fs.existsSync('config.json'), fs.existsSync('nope'), types]";
        let out = run_with_on(ex, &fs_request(code, &p.root()));
        assert_ok_value(
            ex,
            &out,
            json!([
                "demo",
                ["a.txt", "b.txt"],
                [5, 4],
                true,
                true,
                false,
                ["config.json", "data/"]
            ]),
        );
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
        assert_eq!(out.usage.fs_reads, 3, "{}", ex.name());
        assert_eq!(out.usage.fs_bytes_read, 25 + 5 + 4, "{}", ex.name());
        // fs, and buffer for the Buffers readFileSync returns without an encoding.
        assert_eq!(out.usage.modules_loaded, 2, "{}", ex.name());
    });
}

#[test]
fn absolute_paths_and_the_promise_forms_work_inside_the_root() {
    let p = Plugin::new();
    each(|ex| {
        let abs = p.root().join("config.json");
        let code = format!(
            "const fs = require('node:fs');\n\
             const fsp = require('fs/promises');\n\
             (async () => {{\n\
               const a = fs.readFileSync({abs:?}, 'utf8');\n\
               const b = await fsp.readFile('config.json', {{ encoding: 'utf8' }});\n\
               const s = await fs.promises.stat('data/a.txt');\n\
               const c = await new Promise((res, rej) => fs.readFile('data/b.txt', 'utf8', (e, d) => e ? rej(e) : res(d)));\n\
               return [a === b, s.size, s.isFile(), c];\n\
             }})()",
            abs = abs.display().to_string()
        );
        let out = run_with_on(ex, &fs_request(&code, &p.root()));
        assert_ok_value(ex, &out, json!([true, 5, true, "beta"]));
    });
}

#[test]
fn es_module_runs_import_fs_when_granted_and_fs_promises_is_one_object() {
    let p = Plugin::new();
    let code = "import fs, { readFileSync } from 'fs';\n\
        import { readFile } from 'node:fs/promises';\n\
        const a = readFileSync('config.json', 'utf8');\n\
        const b = await readFile('config.json', 'utf8');\n\
        let code;\n\
        try { readFileSync('../outside/secret.txt'); } catch (e) { code = e.code; }\n\
        export default [a === b, JSON.parse(a).name, fs.readFileSync === readFileSync, require('fs/promises') === require('fs').promises, code];\n";
    each(|ex| {
        let out = run_with_on(ex, &fs_request(code, &p.root()));
        assert_ok_value(
            ex,
            &out,
            json!([true, "demo", true, true, "ERR_ACCESS_DENIED"]),
        );
        no_secret(ex, &out);
        let lines: Vec<_> = out
            .blocked
            .iter()
            .map(|b| (b.capability.as_str(), b.line))
            .collect();
        assert_eq!(lines, [("../outside/secret.txt", Some(6))], "{}", ex.name());
        // The benign twin's attack: without a grant the import fails at link time, at its line.
        let out = run_with_on(ex, &ExecRequest::new(code));
        assert_module_refused(ex, &out, "fs");
        let b = &out.blocked[0];
        assert_eq!(
            (b.category, b.line),
            (Category::Filesystem, Some(1)),
            "{}",
            ex.name()
        );
        assert_eq!(out.usage.fs_reads, 0, "{}", ex.name());
    });
}

#[test]
fn walking_out_of_the_root_is_refused_and_recorded_with_the_path() {
    let p = Plugin::new();
    symlink(p.outside().join("secret.txt"), p.root().join("abs-link")).expect("symlink");
    symlink("../outside/secret.txt", p.root().join("rel-link")).expect("symlink");
    symlink("../outside", p.root().join("dir-link")).expect("symlink");
    std::fs::hard_link(p.outside().join("secret.txt"), p.root().join("hard")).expect("link");
    let secret = p.outside().join("secret.txt").display().to_string();
    let attempts = [
        "../outside/secret.txt".to_string(),
        "data/../../outside/secret.txt".to_string(),
        secret.clone(),
        format!("{}/../outside/secret.txt", p.root().display()),
        "abs-link".into(),
        "rel-link".into(),
        "dir-link/secret.txt".into(),
        "hard".into(),
        "/etc/passwd".into(),
        "/proc/self/environ".into(),
        "config.json\0.png".into(),
    ];
    each(|ex| {
        let list = attempts
            .iter()
            .map(|a| format!("{a:?}"))
            .collect::<Vec<_>>()
            .join(",");
        let code = format!(
            "const fs = require('fs');\n\
             const out = [];\n\
             for (const p of [{list}]) {{\n\
               try {{ out.push('READ ' + fs.readFileSync(p, 'utf8')); }}\n\
               catch (e) {{ out.push(e.code); }}\n\
             }}\n\
             out.push(fs.existsSync('../outside/secret.txt'));\n\
             out"
        );
        let out = run_with_on(ex, &fs_request(&code, &p.root()));
        assert_outcome(ex, &out, Outcome::Ok);
        no_secret(ex, &out);
        let mut want = vec![json!("ERR_ACCESS_DENIED"); attempts.len()];
        want.push(json!(false));
        assert_eq!(out.value, Some(json!(want)), "{}", ex.name());
        let caps = blocked(&out, Category::Filesystem);
        for a in attempts.iter().filter(|a| !a.contains('\0')) {
            assert!(
                caps.contains(a),
                "{}: no Blocked event for {a}: {caps:?}",
                ex.name()
            );
        }
        for b in out
            .blocked
            .iter()
            .filter(|b| b.capability != "../outside/secret.txt")
        {
            assert_eq!(b.line, Some(4), "{}: {b:?}", ex.name());
        }
        // existsSync's refusal is recorded at its own line.
        let lines: Vec<Option<u32>> = out
            .blocked
            .iter()
            .filter(|b| b.capability == "../outside/secret.txt")
            .map(|b| b.line)
            .collect();
        assert_eq!(lines, [Some(4), Some(7)], "{}", ex.name());
        assert_eq!(out.usage.fs_reads, 0, "{}", ex.name());
    });
}

#[test]
fn writes_are_refused_in_this_version_and_fs_needs_a_grant() {
    let p = Plugin::new();
    each(|ex| {
        let code = "const fs = require('fs');\n\
            let r = [];\n\
            try { fs.writeFileSync('out.txt', 'x'); } catch (e) { r.push(e.code, e.message); }\n\
            try { fs.promises.writeFile('out.txt', 'x'); } catch (e) { r.push('sync?'); }\n\
            r";
        let out = run_with_on(ex, &fs_request(code, &p.root()));
        assert_outcome(ex, &out, Outcome::Ok);
        let v = out.value.clone().expect("value");
        assert_eq!(v[0], "ERR_ACCESS_DENIED");
        assert!(
            v[1].as_str()
                .unwrap()
                .contains("grants filesystem reads only"),
            "{v}"
        );
        assert!(!p.root().join("out.txt").exists());
        assert!(blocked(&out, Category::Filesystem).contains(&"fs.writeFileSync".to_string()));
        // Without a grant the module itself is refused, with the exact message.
        let out = run_with_on(ex, &ExecRequest::new("require('fs')"));
        assert_module_refused(ex, &out, "fs");
        assert_eq!(blocked(&out, Category::Filesystem), ["fs"]);
    });
}

#[test]
fn a_granted_fetch_reaches_the_loopback_server() {
    let server = Server::start();
    each(|ex| {
        let code = format!(
            "(async () => {{\n\
               const r = await fetch({u:?});\n\
               const j = await r.json();\n\
               const e = await fetch({e:?}, {{ method: 'POST', headers: {{ 'x-plugin': 'demo' }}, body: 'hi' }}).then((r) => r.json());\n\
               return [r.status, r.ok, r.headers.get('content-type'), j.items.length, e.method, e.body, e.headers.some((h) => h[0] === 'x-plugin')];\n\
             }})()",
            u = server.url("/json"),
            e = server.url("/echo")
        );
        let out = run_with_on(ex, &net_request(&code, &[&server.host()]));
        assert_ok_value(
            ex,
            &out,
            json!([200, true, "application/json", 2, "POST", "hi", true]),
        );
        assert!(out.blocked.is_empty(), "{}: {:?}", ex.name(), out.blocked);
        assert_eq!(out.usage.network_requests, 2, "{}", ex.name());
        assert!(
            out.usage.network_bytes_in > 50 && out.usage.network_bytes_out >= 2,
            "{}: {:?}",
            ex.name(),
            out.usage
        );
    });
}

#[test]
fn ungranted_hosts_and_schemes_are_refused_before_anything_is_sent() {
    let server = Server::start();
    each(|ex| {
        let other_port = format!("http://127.0.0.1:{}/text", server.port() as u32 + 1);
        let code = format!(
            "(async () => {{\n\
               const out = [];\n\
               for (const u of [{a:?}, {b:?}, 'file:///etc/passwd', 'http://evil.invalid/x']) {{\n\
                 try {{ await fetch(u); out.push('fetched'); }} catch (e) {{ out.push(e.name + ':' + e.code); }}\n\
               }}\n\
               return out;\n\
             }})()",
            a = other_port,
            b = server.url("/text").replace("http://", "https://"),
        );
        let out = run_with_on(
            ex,
            &net_request(&code, &[&format!("http://{}", server.host())]),
        );
        assert_ok_value(ex, &out, json!(vec!["TypeError:ERR_ACCESS_DENIED"; 4]));
        let caps = blocked(&out, Category::Network);
        assert!(
            caps.contains(&other_port) && caps.contains(&"file:///etc/passwd".to_string()),
            "{}: {caps:?}",
            ex.name()
        );
        assert!(
            out.blocked.iter().all(|b| b.line == Some(4)),
            "{}: {:?}",
            ex.name(),
            out.blocked
        );
        assert_eq!(out.usage.network_requests, 0, "{}", ex.name());
        assert!(
            server.requests().is_empty(),
            "{}: {:?}",
            ex.name(),
            server.requests()
        );
        // No grant at all: fetch is not even there (`typeof` answers 'undefined', recorded as
        // a probe; a call is refused).
        let out = run_with_on(ex, &ExecRequest::new("typeof fetch"));
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(json!("undefined")), "{}", ex.name());
        assert_eq!(out.probes.len(), 1, "{}", ex.name());
        let out = run_with_on(ex, &ExecRequest::new("fetch('http://localhost/')"));
        assert_outcome(ex, &out, Outcome::Error);
        assert_eq!(blocked(&out, Category::Network), vec!["fetch".to_string()]);
    });
}

#[test]
fn a_redirect_to_an_ungranted_host_is_refused_and_named() {
    let server = Server::start();
    each(|ex| {
        let target = format!("http://localhost:{}/text", server.port());
        let code = format!(
            "(async () => {{\n\
               const ok = await fetch({same:?}).then((r) => r.text());\n\
               try {{ await fetch({evil:?}); return 'followed'; }}\n\
               catch (e) {{ return [ok, e.message]; }}\n\
             }})()",
            same = server.url("/redirect?to=/text"),
            evil = server.url(&format!("/redirect?to={target}")),
        );
        let out = run_with_on(ex, &net_request(&code, &[&server.host()]));
        assert_outcome(ex, &out, Outcome::Ok);
        let v = out.value.clone().expect("value");
        assert_eq!(v[0], "hello from loopback", "{}", ex.name());
        assert!(
            v[1].as_str().unwrap().contains(&target),
            "{}: {v}",
            ex.name()
        );
        assert_eq!(
            blocked(&out, Category::Network),
            std::slice::from_ref(&target),
            "{}",
            ex.name()
        );
        // The redirect itself was fetched; the ungranted target never was (it is the same
        // server, so it would show).
        let reqs = server.requests();
        assert_eq!(
            reqs.iter().filter(|r| r.starts_with("GET /text")).count(),
            1,
            "{}: {reqs:?}",
            ex.name()
        );
        assert_eq!(out.usage.network_requests, 3, "{}", ex.name());
        drop(reqs);
        server.seen.lock().unwrap().requests.clear();
    });
}

#[test]
fn a_granted_name_that_resolves_to_loopback_is_refused_unless_the_address_is_granted() {
    let server = Server::start();
    each(|ex| {
        let url = format!("http://localhost:{}/text", server.port());
        let code = format!("fetch({url:?}).then((r) => r.text(), (e) => 'refused: ' + e.message)");
        let name_only = format!("localhost:{}", server.port());
        let out = run_with_on(ex, &net_request(&code, &[&name_only]));
        assert_outcome(ex, &out, Outcome::Ok);
        let v = out.value.clone().expect("value");
        assert!(
            v.as_str().unwrap().contains("not granted itself"),
            "{}: {v}",
            ex.name()
        );
        assert_eq!(
            blocked(&out, Category::Network),
            std::slice::from_ref(&url),
            "{}",
            ex.name()
        );
        assert!(server.requests().is_empty(), "{}", ex.name());
        // Granting the address too lets the name through.
        let out = run_with_on(ex, &net_request(&code, &[&name_only, &server.host()]));
        assert_ok_value(ex, &out, json!("hello from loopback"));
        server.seen.lock().unwrap().requests.clear();
    });
}

#[test]
fn bodies_headers_and_request_counts_are_capped() {
    let server = Server::start();
    each(|ex| {
        let code = format!(
            "(async () => {{\n\
               const out = [];\n\
               for (const u of [{big:?}, {fat:?}, {small:?}, {small:?}]) {{\n\
                 try {{ const r = await fetch(u); out.push((await r.arrayBuffer()).byteLength); }}\n\
                 catch (e) {{ out.push(e.code); }}\n\
               }}\n\
               return out;\n\
             }})()",
            big = server.url("/big?n=5000"),
            fat = server.url("/fat-headers?n=3000"),
            small = server.url("/big?n=10"),
        );
        let mut req = net_request(&code, &[&server.host()]);
        req.permissions.limits.net_max_response_bytes = 4096;
        req.permissions.limits.net_max_header_bytes = 2048;
        req.permissions.limits.net_max_requests = 3;
        let out = run_with_on(ex, &req);
        assert_ok_value(
            ex,
            &out,
            json!([
                "ERR_SANDBOX_LIMIT",
                "ERR_SANDBOX_LIMIT",
                10,
                "ERR_SANDBOX_LIMIT"
            ]),
        );
        assert_eq!(out.usage.network_requests, 3, "{}", ex.name());
    });
}

#[test]
fn a_slow_server_meets_the_request_timeout_and_the_abort_signal() {
    let server = Server::start();
    each(|ex| {
        let code = format!(
            "(async () => {{\n\
               const out = [];\n\
               try {{ await fetch({slow:?}, {{ signal: AbortSignal.timeout(100) }}); }} catch (e) {{ out.push(e.name); }}\n\
               try {{ await fetch({slow:?}); }} catch (e) {{ out.push(e.code); }}\n\
               const c = new AbortController();\n\
               const p = fetch({slow:?}, {{ signal: c.signal }});\n\
               c.abort();\n\
               try {{ await p; }} catch (e) {{ out.push(e.name); }}\n\
               return out;\n\
             }})()",
            slow = server.url("/slow?ms=3000"),
        );
        let mut req = net_request(&code, &[&server.host()]);
        req.permissions.limits.net_timeout_ms = 300;
        let started = Instant::now();
        let out = run_with_on(ex, &req);
        assert_ok_value(ex, &out, json!(["TimeoutError", "ETIMEDOUT", "AbortError"]));
        assert!(
            started.elapsed() < common::slack(Duration::from_millis(2000)),
            "{}: {:?}",
            ex.name(),
            started.elapsed()
        );
        // Waiting for the network is not CPU time.
        assert!(out.cpu_ms < 300.0, "{}: cpu {}", ex.name(), out.cpu_ms);
    });
}

/// Waiting for a granted call's answer costs no CPU (the engine blocks; out of process the
/// worker blocks on its stdin): a request slower than the CPU budget succeeds, bounded by the
/// wall deadline alone. At that deadline a call still out keeps nothing alive: the run ends
/// at once, as any other run does.
#[test]
fn a_wait_for_the_broker_counts_against_the_wall_deadline_not_the_cpu_budget() {
    let server = Server::start();
    each(|ex| {
        let code = format!(
            "fetch({u:?}).then((r) => r.text())",
            u = server.url("/slow?ms=600")
        );
        let mut req = net_request(&code, &[&server.host()]);
        req.limits.timeout_ms = 100;
        req.limits.wall_timeout_ms = 10_000;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(json!("late")), "{}", ex.name());
        assert!(
            out.duration_ms >= 600.0,
            "{}: {}",
            ex.name(),
            out.duration_ms
        );
        assert!(out.cpu_ms < 100.0, "{}: cpu {}", ex.name(), out.cpu_ms);

        let path = format!("/slow?ms=10000&deadline={}", ex.name());
        let code = format!("fetch({u:?}).then((r) => r.text())", u = server.url(&path));
        let mut req = net_request(&code, &[&server.host()]);
        req.limits.timeout_ms = 100;
        req.limits.wall_timeout_ms = 400;
        let started = Instant::now();
        let out = run_with_on(ex, &req);
        let took = started.elapsed();
        assert_error(ex, &out, Outcome::Timeout, "wall");
        assert!(
            took < Duration::from_millis(400) + common::slack(Duration::from_millis(600)),
            "{}: {took:?}",
            ex.name()
        );
    });
}

#[test]
fn a_run_that_ends_mid_request_cancels_it() {
    let server = Server::start();
    each(|ex| {
        let path = format!("/slow?ms=5000&ex={}", ex.name());
        let code = format!("fetch({u:?}).then((r) => r.text())", u = server.url(&path));
        let mut req = net_request(&code, &[&server.host()]);
        req.limits.timeout_ms = 300;
        req.limits.wall_timeout_ms = 300;
        let out = run_with_on(ex, &req);
        let ended = Instant::now();
        assert_outcome(ex, &out, Outcome::Timeout);
        // The server sees the connection close soon after the run ends, not at 5 s.
        let deadline = ended + common::slack(Duration::from_millis(1000));
        loop {
            if server.hung_up().iter().any(|(p, _)| *p == path) {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "{}: the request outlived its run",
                ex.name()
            );
            std::thread::sleep(Duration::from_millis(10));
        }
    });
}

#[test]
fn the_grant_a_blocked_attempt_asks_for_lets_the_next_run_through() {
    let p = Plugin::new();
    let secret = p.outside().join("secret.txt").display().to_string();
    each(|ex| {
        let code = format!("require('fs').readFileSync({secret:?}, 'utf8')");
        let req = fs_request(&code, &p.root());
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Error);
        let b = out
            .blocked
            .iter()
            .find(|b| b.category == Category::Filesystem)
            .expect("blocked");
        let grant = req.permissions.grant_for(b).expect("a grant");
        let mut again = req.clone();
        grant.add_to(&mut again.permissions);
        let out = run_with_on(ex, &again);
        assert_outcome(ex, &out, Outcome::Ok);
        assert_eq!(out.value, Some(json!("TOP SECRET")), "{}", ex.name());
    });
}
