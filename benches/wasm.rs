//! The wasm executor's costs (`cargo bench --bench wasm`; optimised build):
//!
//! - cold run: a trivial WASI module through the out-of-process executor (worker start,
//!   lockdown, compile, instantiate, call, report), p50 of N runs;
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
