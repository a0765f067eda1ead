//! The capability benchmark: what a granted `fetch` and a granted `fs` read cost over the same
//! operation done natively, on both executors. `cargo bench --bench capabilities`; the process
//! executor runs the `sandbench-worker` cargo builds for it (never this binary).
//!
//! - `fetch`: a loopback HTTP server (the tests' server, on 127.0.0.1, `Connection: close`);
//!   the native baseline opens a connection, sends a GET and reads the answer to the end, the
//!   way the broker does (one connection per request). The sandbox awaits `fetch(url)` and
//!   `text()` N times in one run; the host times the run (its `duration_ms`) against the same
//!   run with 0 iterations and divides the difference by N (the sandbox's own `Date.now()` is
//!   a virtual clock that does not advance while it waits on the host). Reported: ms per
//!   request, and the overhead over the baseline (the acceptance asks ≤ 1 ms in the process
//!   executor).
//! - `fs`: `readFileSync(name, 'utf8')` of a 1 KiB file N times in one run vs `std::fs::read`,
//!   timed by the host the same way.
//! - `cold`: a run of `1 + 1` with no permissions, and the same with a directory and a host
//!   granted but unused: what a grant costs before it is used (host wall of the whole run).
//! - `modules`: what the first `require` of `path`, `util` and `stream` adds to a whole run.
//!
//! Rounds alternate between native and the executors; medians of the rounds are printed.
// A measurement harness: a failed setup step ends it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

// (The file allows its own dead code: the tests use more of it.)
#[path = "../tests/common/http.rs"]
mod http;

use sandbench::engine::exec::process::ProcessExecutor;
use sandbench::engine::exec::quickjs::QuickJsExecutor;
use sandbench::engine::exec::{CancelToken, ExecRequest, Executor, Outcome};
use sandbench::engine::policy::NetGrant;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::time::Instant;

const ROUNDS: usize = 7;
const FETCHES: usize = 200;
const READS: usize = 2000;
const COLD_RUNS: usize = 60;

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    v[v.len() / 2]
}

fn executors() -> Vec<Box<dyn Executor>> {
    vec![
        Box::new(QuickJsExecutor::new()),
        Box::new(
            ProcessExecutor::with_program(env!("CARGO_BIN_EXE_sandbench-worker")).with_pool(1),
        ),
    ]
}

/// The run's duration as the executor measured it (ms), checking it ended `ok`.
fn run_duration(ex: &dyn Executor, req: &ExecRequest) -> f64 {
    let out = ex.run(req, &CancelToken::new(), &mut |_| {});
    assert_eq!(out.outcome, Outcome::Ok, "{}: {:?}", ex.name(), out.error);
    out.duration_ms
}

/// ms per operation: (run of `n` operations − the same run of 0) ÷ n.
fn per_op_ms(ex: &dyn Executor, with_n: &ExecRequest, with_0: &ExecRequest, n: usize) -> f64 {
    let empty = run_duration(ex, with_0);
    (run_duration(ex, with_n) - empty) / n as f64
}

/// One native GET over a new connection, read to the end.
fn native_get(port: u16) -> usize {
    let mut s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.write_all(b"GET /text HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
        .expect("write");
    let mut buf = Vec::new();
    s.read_to_end(&mut buf).expect("read");
    buf.len()
}

fn bench_fetch() {
    let exs = executors();
    let mut native = Vec::new();
    let mut sandboxed: Vec<Vec<f64>> = vec![Vec::new(); exs.len()];
    for _ in 0..ROUNDS {
        // A fresh server per round (it keeps a record of every request).
        let server = http::Server::start();
        let t = Instant::now();
        for _ in 0..FETCHES {
            assert!(native_get(server.port()) > 0);
        }
        native.push(t.elapsed().as_secs_f64() * 1000.0 / FETCHES as f64);
        let request = |n: usize| {
            let code = format!(
                "(async () => {{ let n = 0; for (let i = 0; i < {n}; i++) {{ const r = await fetch({url:?}); n += (await r.text()).length; }} return n; }})()",
                url = server.url("/text")
            );
            let mut req = ExecRequest::new(code);
            req.permissions.limits.net_max_requests = FETCHES as u64;
            for g in NetGrant::parse_flag(&server.host()).expect("grant") {
                req.permissions.add_net(g);
            }
            req
        };
        let (with_n, with_0) = (request(FETCHES), request(0));
        for (i, ex) in exs.iter().enumerate() {
            sandboxed[i].push(per_op_ms(ex.as_ref(), &with_n, &with_0, FETCHES));
        }
    }
    let base = median(native);
    println!("fetch   native (new connection, GET, read to end): {base:.3} ms/request");
    for (i, ex) in exs.iter().enumerate() {
        let m = median(sandboxed[i].clone());
        println!(
            "fetch   {:<16} {m:.3} ms/request, overhead {:+.3} ms over native (rounds: {:?})",
            ex.name(),
            m - base,
            sandboxed[i]
                .iter()
                .map(|x| (x * 1000.0).round() / 1000.0)
                .collect::<Vec<_>>()
        );
    }
}

fn bench_fs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("data.txt");
    std::fs::write(&file, "x".repeat(1024)).expect("write");
    let exs = executors();
    let mut native = Vec::new();
    let mut sandboxed: Vec<Vec<f64>> = vec![Vec::new(); exs.len()];
    let request = |n: usize| {
        let code = format!(
            "const fs = require('fs'); let n = 0; for (let i = 0; i < {n}; i++) n += fs.readFileSync('data.txt', 'utf8').length; if (n !== {n} * 1024) throw new Error('short read'); n"
        );
        let mut req = ExecRequest::new(code);
        req.permissions.add_read(dir.path().to_path_buf());
        req.permissions.limits.fs_max_ops = READS as u64;
        req
    };
    let (with_n, with_0) = (request(READS), request(0));
    for _ in 0..ROUNDS {
        let t = Instant::now();
        for _ in 0..READS {
            assert_eq!(std::fs::read(&file).expect("read").len(), 1024);
        }
        native.push(t.elapsed().as_secs_f64() * 1000.0 / READS as f64);
        for (i, ex) in exs.iter().enumerate() {
            sandboxed[i].push(per_op_ms(ex.as_ref(), &with_n, &with_0, READS));
        }
    }
    let base = median(native);
    println!(
        "fs      native std::fs::read of 1 KiB: {:.1} µs/read",
        base * 1000.0
    );
    for (i, ex) in exs.iter().enumerate() {
        let m = median(sandboxed[i].clone());
        println!(
            "fs      {:<16} {:.1} µs/read (readFileSync, utf8)",
            ex.name(),
            m * 1000.0
        );
    }
}

fn bench_cold() {
    let dir = tempfile::tempdir().expect("tempdir");
    let plain = ExecRequest::new("1 + 1");
    let mut read = ExecRequest::new("1 + 1");
    read.permissions.add_read(dir.path().to_path_buf());
    let mut net = ExecRequest::new("1 + 1");
    for g in NetGrant::parse_flag("127.0.0.1:9").expect("grant") {
        net.permissions.add_net(g);
    }
    let mut both = read.clone();
    both.permissions = net.permissions.clone();
    both.permissions.add_read(dir.path().to_path_buf());
    let variants: [(&str, &ExecRequest); 4] = [
        ("no permissions", &plain),
        ("a directory granted", &read),
        ("a host granted", &net),
        ("both", &both),
    ];
    for ex in executors() {
        let mut wall: Vec<Vec<f64>> = vec![Vec::new(); variants.len()];
        for _ in 0..COLD_RUNS {
            for (i, (_, req)) in variants.iter().enumerate() {
                let t = Instant::now();
                let r = ex.run(req, &CancelToken::new(), &mut |_| {});
                wall[i].push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.error);
            }
        }
        let cells: Vec<String> = variants
            .iter()
            .zip(wall)
            .map(|((name, _), w)| format!("{name} {:.3} ms", median(w)))
            .collect();
        println!(
            "cold    {:<16} {} (host wall of a whole run of `1 + 1`, grants unused, median of {COLD_RUNS})",
            ex.name(),
            cells.join(" · ")
        );
    }
}

/// What a module's first `require` adds to a whole run (host wall, run with the `require`
/// minus the same run without), per executor: in the process executor every run is a fresh
/// worker, whose modules come compiled from the parent.
fn bench_modules() {
    let plain = ExecRequest::new("1 + 1");
    for ex in executors() {
        let mut base = Vec::new();
        let mut rows: Vec<(&str, Vec<f64>)> = ["path", "util", "stream"]
            .into_iter()
            .map(|m| (m, Vec::new()))
            .collect();
        let reqs: Vec<ExecRequest> = rows
            .iter()
            .map(|(m, _)| ExecRequest::new(format!("require('{m}'); 1 + 1")))
            .collect();
        // One warm-up run each (the in-process executor compiles a module once per process).
        for req in std::iter::once(&plain).chain(&reqs) {
            ex.run(req, &CancelToken::new(), &mut |_| {});
        }
        for _ in 0..COLD_RUNS {
            let t = Instant::now();
            let r = ex.run(&plain, &CancelToken::new(), &mut |_| {});
            base.push(t.elapsed().as_secs_f64() * 1000.0);
            assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.error);
            for ((_, out), req) in rows.iter_mut().zip(&reqs) {
                let t = Instant::now();
                let r = ex.run(req, &CancelToken::new(), &mut |_| {});
                out.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.error);
            }
        }
        let base = median(base);
        let cells: Vec<String> = rows
            .into_iter()
            .map(|(m, w)| format!("{m} +{:.3} ms", median(w) - base))
            .collect();
        println!(
            "modules {:<16} first require per run: {} (over a run of `1 + 1`, {base:.3} ms; medians of {COLD_RUNS})",
            ex.name(),
            cells.join(" · ")
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is taken.
    bench_fetch();
    bench_fs();
    bench_cold();
    bench_modules();
}
