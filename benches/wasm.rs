//! The wasm executor's costs (`cargo bench --bench wasm`; optimised build):
//!
//! - cold run: a trivial WASI module through the out-of-process executor (worker start,
//!   lockdown, compile, instantiate, call, report), p50 of N runs; and a module reading a file
//!   of a read-only preopen (through the broker) against the same module with no grant;
//! - in-process cold: compile + instantiate + call in this process, p50;
//! - cached compilation: instantiate + call of an already compiled module, p50;
//! - CPU metering: a compute loop with epoch interruption, with fuel, and with no metering
//!   (median of several runs each, and the ratios to no metering).
//!
//! The worker program is `sandbench-wasm-worker` of this build (set `SANDBENCH_WASM_WORKER` to
//! use another); the bench never runs itself as a worker.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sandbench::engine::exec::wasm::{module_bytes, WasmExecutor, WasmRequest};
use sandbench::engine::exec::{CancelToken, Outcome};
use sandbench::engine::policy::Limits;
// The engine as the worker program has it (its modules, compiled into this bench: a binary's
// modules are not a library).
#[allow(dead_code, unreachable_pub)]
#[path = "../src/bin/sandbench-wasm-worker/engine.rs"]
mod engine;
// (its unit tests are compiled but not run in a bench without a harness: their imports unused)
#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../src/bin/sandbench-wasm-worker/files.rs"]
mod files;
#[allow(dead_code, unreachable_pub, unused_imports)]
#[path = "../src/bin/sandbench-wasm-worker/wasi.rs"]
mod wasi;

use engine::Metering;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::Instant;

const TRIVIAL: &str = r#"(module
  (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 0) "\10\00\00\00\03\00\00\00") (data (i32.const 16) "hi\n")
  (func (export "_start") (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8)))))"#;

/// Opens `f.txt` beneath fd 3 and reads it (1 KB at most); the errno is dropped, so the same
/// module runs with and without a grant.
const READ: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 1)
  (data (i32.const 1024) "f.txt")
  (func (export "_start")
    (if (i32.eqz (call $open (i32.const 3) (i32.const 1) (i32.const 1024) (i32.const 5) (i32.const 0) (i64.const 2) (i64.const 0) (i32.const 0) (i32.const 16)))
      (then
        (i32.store (i32.const 0) (i32.const 4096))
        (i32.store (i32.const 4) (i32.const 1024))
        (drop (call $read (i32.load (i32.const 16)) (i32.const 0) (i32.const 1) (i32.const 20)))))))"#;

/// A loop of `n` iterations of integer arithmetic and a memory store (so it is not folded).
const COMPUTE: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "run") (param $n i64) (result i64)
    (local $i i64) (local $acc i64)
    (loop $l
      (local.set $acc (i64.add (i64.mul (local.get $acc) (i64.const 6364136223846793005)) (local.get $i)))
      (i64.store (i32.const 0) (local.get $acc))
      (local.set $i (i64.add (local.get $i) (i64.const 1)))
      (br_if $l (i64.lt_u (local.get $i) (local.get $n))))
    (local.get $acc)))"#;

fn p50(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn worker_program() {
    if std::env::var_os("SANDBENCH_WASM_WORKER").is_none() {
        let exe = std::env::current_exe().unwrap();
        // target/release/deps/wasm-HASH → target/release/sandbench-wasm-worker
        let dir = exe.parent().and_then(|d| d.parent()).unwrap();
        std::env::set_var("SANDBENCH_WASM_WORKER", dir.join("sandbench-wasm-worker"));
    }
}

fn main() {
    worker_program();
    let n: usize = std::env::var("BENCH_N")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40);
    let trivial = module_bytes(TRIVIAL.as_bytes()).unwrap();
    let limits = Limits::default();

    match WasmExecutor::new() {
        Ok(ex) => {
            let req = WasmRequest::new(trivial.clone(), "t.wat", limits);
            let mut times = Vec::new();
            for _ in 0..n {
                let t = Instant::now();
                let o = ex.run_module(&req, &CancelToken::new(), &mut |_| {});
                times.push(t.elapsed().as_secs_f64() * 1000.0);
                assert_eq!(o.outcome, Outcome::Ok, "{o:?}");
            }
            println!(
                "out-of-process cold run (worker start + lockdown + compile + instantiate + call): p50 {:.2} ms  (n={n})",
                p50(times)
            );
            // The same with a read grant: the module opens and reads a 1 KB file of the
            // preopen, each step a call to the broker in this process (stat, read).
            let dir = std::env::temp_dir().join(format!("sandbench-bench-{}", std::process::id()));
            std::fs::create_dir_all(&dir).unwrap();
            std::fs::write(dir.join("f.txt"), vec![b'x'; 1024]).unwrap();
            let mut req = WasmRequest::new(module_bytes(READ.as_bytes()).unwrap(), "r.wat", limits);
            req.permissions.add_read(dir.clone());
            let (mut plain, mut granted) = (Vec::new(), Vec::new());
            let bare = WasmRequest::new(module_bytes(READ.as_bytes()).unwrap(), "r.wat", limits);
            // Alternate with and without the grant (the same module; without it path_open is
            // refused at once), so load hits both alike.
            for _ in 0..n {
                for (r, into) in [(&bare, &mut plain), (&req, &mut granted)] {
                    let t = Instant::now();
                    let o = ex.run_module(r, &CancelToken::new(), &mut |_| {});
                    into.push(t.elapsed().as_secs_f64() * 1000.0);
                    assert_eq!(o.outcome, Outcome::Ok, "{o:?}");
                }
            }
            let _ = std::fs::remove_dir_all(&dir);
            let (a, b) = (p50(plain), p50(granted));
            println!(
                "out-of-process run opening + reading 1 KB: no grant (refused) p50 {a:.2} ms, read-only preopen through the broker p50 {b:.2} ms (+{:.2} ms)",
                b - a
            );
        }
        Err(e) => {
            println!("out-of-process cold run: skipped ({e}); build with cargo build --release")
        }
    }

    let req = WasmRequest::new(trivial.clone(), "t.wat", limits);
    let mut cold = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let c = engine::compile(&req, Metering::Epoch).unwrap();
        let r = engine::run(
            &c,
            &req,
            Arc::new(AtomicBool::new(false)),
            Box::new(|_: sandbench::engine::exec::ExecEvent| {}),
        );
        cold.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.outcome, Outcome::Ok);
    }
    println!(
        "in-process cold (compile + instantiate + call): p50 {:.3} ms",
        p50(cold)
    );
    let c = engine::compile(&req, Metering::Epoch).unwrap();
    let mut warm = Vec::new();
    for _ in 0..n {
        let t = Instant::now();
        let r = engine::run(
            &c,
            &req,
            Arc::new(AtomicBool::new(false)),
            Box::new(|_: sandbench::engine::exec::ExecEvent| {}),
        );
        warm.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(r.outcome, Outcome::Ok);
    }
    println!(
        "cached compilation rerun (instantiate + call): p50 {:.3} ms",
        p50(warm)
    );

    let compute = module_bytes(COMPUTE.as_bytes()).unwrap();
    let mut limits = Limits::with_timeout(30_000);
    limits.wall_timeout_ms = 60_000;
    let mut req = WasmRequest::new(compute, "c.wat", limits);
    req.invoke = Some("run".into());
    req.args = vec!["100000000".into()];
    let mut medians = Vec::new();
    let modes = [Metering::None, Metering::Epoch, Metering::Fuel];
    let compiled: Vec<_> = modes
        .iter()
        .map(|m| engine::compile(&req, *m).unwrap())
        .collect();
    let mut samples: Vec<Vec<f64>> = vec![Vec::new(); modes.len()];
    // Alternate the modes, so that load on the machine hits all of them alike.
    for _ in 0..5 {
        for (i, c) in compiled.iter().enumerate() {
            let r = engine::run(
                c,
                &req,
                Arc::new(AtomicBool::new(false)),
                Box::new(|_: sandbench::engine::exec::ExecEvent| {}),
            );
            assert_eq!(r.outcome, Outcome::Ok, "{:?}", r.error);
            samples[i].push(r.cpu_ms);
        }
    }
    for (m, s) in modes.iter().zip(samples) {
        medians.push((m, p50(s)));
    }
    let base = medians[0].1;
    for (m, ms) in &medians {
        println!(
            "compute loop, 1e8 iterations, metering {m:?}: median {ms:.1} ms CPU ({:.2}x of none)",
            ms / base
        );
    }
}
