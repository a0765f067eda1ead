//! What a fresh sandbox costs, strict against lab: create (runtime, context, host bridge,
//! lockdown), evaluate `2+2`, drop, timed separately, 300 iterations interleaved strict/lab so
//! both see the same machine load. `cargo bench --bench sandbox_create [-- ITERATIONS]`.
//! p50/p95 of each phase and of the whole, per profile, and the strict/lab ratio; also the
//! thread's CPU time (wall time on a loaded machine is mostly waiting for a core), and the
//! memory a fresh sandbox holds. An argument `strict` or `lab` runs that profile alone.
//!
//! Splitting the strict−lab difference by part: time on this machine is too noisy for parts
//! of a millisecond, instruction counts are not. Run each profile alone under callgrind
//! (`valgrind --tool=callgrind target/release/deps/sandbox_create-* strict 40`, then `lab 40`)
//! and read inclusive counts with `callgrind_annotate --inclusive=yes`: `freeze::harden` (the
//! walk), `tame::tame` (override taming), `JS_CallInternal` minus those (the setup script),
//! `JS_ReadObject` (loading its bytecode), `JS_FreeRuntime` (teardown and its final GC),
//! `Context::custom` (the realm). Each run also makes 5 sandboxes of each profile to warm up:
//! with S and L the per-sandbox counts, a strict run counts 45 S + 5 L and a lab run 5 S + 45 L.
// A measurement harness: a failed step ends it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sandbench::engine::exec::quickjs::Sandbox;
use sandbench::engine::exec::{ExecRequest, Outcome};
use sandbench::engine::policy::Profile;
use std::time::Instant;

fn pct(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.total_cmp(b));
    let i = ((v.len() as f64 - 1.0) * p).round() as usize;
    v[i]
}

#[derive(Default)]
struct Times {
    create: Vec<f64>,
    eval: Vec<f64>,
    drop: Vec<f64>,
    total: Vec<f64>,
    /// The creating thread's CPU time for create and for the whole: unlike wall time, not
    /// inflated by waiting for a core on a loaded machine.
    create_cpu: Vec<f64>,
    total_cpu: Vec<f64>,
    /// Bytes held by the fresh sandbox (after creation, before any script).
    memory: Vec<f64>,
}

/// This thread's CPU time in ms.
fn cpu_ms() -> f64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: a valid clock id and a live timespec.
    unsafe { libc::clock_gettime(libc::CLOCK_THREAD_CPUTIME_ID, &mut ts) };
    ts.tv_sec as f64 * 1000.0 + ts.tv_nsec as f64 / 1e6
}

fn once(req: &ExecRequest, t: &mut Times) {
    let c0 = cpu_ms();
    let t0 = Instant::now();
    let mut sb = Sandbox::new(req).expect("sandbox");
    let t1 = Instant::now();
    let c1 = cpu_ms();
    t.memory.push(sb.memory_bytes() as f64 / 1024.0);
    let r = sb.eval("2+2");
    assert_eq!(r.outcome, Outcome::Ok, "{r:?}");
    let t2 = Instant::now();
    drop(sb);
    let t3 = Instant::now();
    let c3 = cpu_ms();
    t.create_cpu.push(c1 - c0);
    t.total_cpu.push(c3 - c0);
    let ms = |a: Instant, b: Instant| (b - a).as_secs_f64() * 1000.0;
    t.create.push(ms(t0, t1));
    t.eval.push(ms(t1, t2));
    t.drop.push(ms(t2, t3));
    t.total.push(ms(t0, t3));
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let n: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(300);
    // `strict` or `lab` runs one profile only (for a profiler); both by default.
    let only = |p: &str| args.iter().any(|a| a == p);
    let (run_strict, run_lab) = match (only("strict"), only("lab")) {
        (false, false) => (true, true),
        pair => pair,
    };
    let mut strict = ExecRequest::new("");
    strict.profile = Profile::Strict;
    let mut lab = ExecRequest::new("");
    lab.profile = Profile::Lab;
    let (mut ts, mut tl) = (Times::default(), Times::default());
    // Warm-up: the setup bytecode and the allocator's first pages.
    for _ in 0..5 {
        once(&strict, &mut Times::default());
        once(&lab, &mut Times::default());
    }
    for _ in 0..n {
        if run_strict {
            once(&strict, &mut ts);
        }
        if run_lab {
            once(&lab, &mut tl);
        }
    }
    println!("{n} iterations, interleaved; ms (p50 / p95)");
    println!(
        "{:<8} {:>17} {:>17} {:>17} {:>17} {:>17} {:>17} {:>8}",
        "", "create", "eval 2+2", "drop", "total", "create cpu", "total cpu", "KB"
    );
    let mut medians = Vec::new();
    for (name, t) in [("strict", &mut ts), ("lab", &mut tl)] {
        if t.total.is_empty() {
            continue;
        }
        let row: Vec<String> = [
            &mut t.create,
            &mut t.eval,
            &mut t.drop,
            &mut t.total,
            &mut t.create_cpu,
            &mut t.total_cpu,
        ]
        .into_iter()
        .map(|v| format!("{:>7.3} / {:>7.3}", pct(v, 0.5), pct(v, 0.95)))
        .collect();
        medians.push((pct(&mut t.total, 0.5), pct(&mut t.total_cpu, 0.5)));
        let kb = pct(&mut t.memory, 0.5);
        println!("{name:<8} {} {kb:>8.0}", row.join(" "));
    }
    if let [s, l] = medians[..] {
        println!(
            "strict/lab total p50: {:.2}x wall, {:.2}x cpu",
            s.0 / l.0,
            s.1 / l.1
        );
    }
}
