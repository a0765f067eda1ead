//! The `exec` benchmark suite: the workloads of the peer benchmark (a built-in copy of
//! `../shared/bench/peers/workloads.json`, see `workloads.rs`), reported under the same field names as
//! `peers.mjs` so our figures stand beside isolated-vm's, node:vm's, vm2's and
//! quickjs-emscripten's.
//!
//! - timing (in this process): `cold_p50_us`/`cold_p95_us`/`create_only_p50_us`/`warm_p50_us`
//!   through the engine's `Sandbox`; `exec_cold_p50_us` (what `sandbench run` users get),
//!   `timeout50_*` and `plugin100_fresh_ms` through the `Executor`;
//! - `mem` and `memlimit` in child processes (`bench --peer-child mem|memlimit`), so one
//!   measurement cannot disturb another and a crash cannot take the benchmark down.
//!
//! `--peer-child timing|mem|memlimit` prints exactly what a peer child of `peers.mjs` prints
//! (one JSON object per line), so the peers' own driver can run us as its `rquickjs` peer
//! (it calls `$RQ_BIN <kind> <workloads.json>`) through a two-line wrapper:
//!
//! ```sh
//! printf '#!/bin/sh\nexec %s bench --peer-child "$1" --workloads "$2"\n' \
//!   "$PWD/target/release/sandbench" > /tmp/rq-sandbench && chmod +x /tmp/rq-sandbench
//! cd ../shared/bench/peers && PEERS=isolated-vm,quickjs-emscripten,rquickjs \
//!   RQ_BIN=/tmp/rq-sandbench PERFBASE=/tmp/perfbase node peers.mjs --rounds 3
//! ```

pub mod builtins;
mod sandbox;
mod table;
mod workloads;

use sandbox::{
    eval_ok, floor_cold, lockdown_cost, module_first_load, new_sandbox, plugin100_sandbox,
    sandbox_cold, sandbox_create_only, sandbox_warm,
};
pub use table::table;
pub use workloads::{load_workloads, Warm, WorkloadLimits, Workloads};

use super::stats::{median, quantile};
use super::BenchArgs;
use crate::engine::exec::quickjs::Sandbox;
use crate::engine::exec::{self, CancelToken, ExecOutcome, ExecRequest, Executor, Outcome};
use crate::engine::policy::Limits;
use crate::engine::procfs;
use serde_json::{json, Value};
use std::time::Instant;

/// The issue's targets.
pub const TARGET_COLD_P50_US: f64 = 250.0;
pub const TARGET_PLUGIN100_MS: f64 = 40.0;
/// Issue 11: `require('path')` first load in a fresh sandbox (µs).
pub const TARGET_MODULE_FIRST_LOAD_US: f64 = 50.0;
pub const TARGET_MEM_PER_SANDBOX_MB: f64 = 0.5;
pub const TARGET_MEMLIMIT_MS: f64 = 150.0;
pub const TARGET_MEMLIMIT_RSS_GROWTH_MB: f64 = 40.0;
/// Issue 5: `2+2` in a fresh locked-down child process, and with a pre-started worker.
pub const TARGET_PROCESS_COLD_P50_US: f64 = 2000.0;
pub const TARGET_PROCESS_WARM_POOL_P50_US: f64 = 500.0;

fn r2(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

fn us_since(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1e6
}

/// `warmup + n` samples from `sample`, the first `warmup` dropped.
fn after_warmup(
    warmup: usize,
    n: usize,
    mut sample: impl FnMut() -> Result<f64, String>,
) -> Result<Vec<f64>, String> {
    let mut xs = Vec::with_capacity(n);
    for i in 0..warmup + n {
        let x = sample()?;
        if i >= warmup {
            xs.push(x);
        }
    }
    Ok(xs)
}

/// The plugin workload's value: a JSON string whose `n` is 50.
fn plugin_ok(v: &Option<Value>) -> Result<(), String> {
    let n = v
        .as_ref()
        .and_then(Value::as_str)
        .and_then(|s| serde_json::from_str::<Value>(s).ok())
        .and_then(|v| v["n"].as_u64());
    if n == Some(50) {
        Ok(())
    } else {
        Err(format!("bench: plugin gave {v:?}"))
    }
}

// ---------- process memory ----------

const MB: f64 = 1024.0 * 1024.0;

/// Resident set size of this process, in bytes.
pub fn rss_bytes() -> Option<u64> {
    procfs::Process::Current.rss_bytes()
}

/// Peak resident set size of this process, in bytes.
pub fn peak_rss_bytes() -> Option<u64> {
    procfs::Process::Current.peak_rss_bytes()
}

// ---------- measurements ----------

fn request(code: &str, timeout_ms: u64) -> ExecRequest {
    let mut req = ExecRequest::new(code);
    req.filename = "bench.js".to_string();
    req.limits = Limits::with_timeout(timeout_ms);
    req
}

fn run_exec(x: &dyn Executor, req: &ExecRequest) -> ExecOutcome {
    x.run(req, &CancelToken::new(), &mut |_| {})
}

fn expect_ok(o: &ExecOutcome, what: &str) -> Result<(), String> {
    if o.outcome == Outcome::Ok {
        Ok(())
    } else {
        Err(format!(
            "bench: {what} ended {} ({})",
            o.outcome.as_str(),
            o.error.as_ref().map_or("", |e| e.message.as_str())
        ))
    }
}

/// The executor behind the peer-named full-path fields (`plugin100_fresh_ms`,
/// `timeout50_*`, `exec_cold_*`): the in-process one, because every peer (isolated-vm,
/// node:vm, vm2, quickjs-emscripten) runs in-process too. The out-of-process executor has
/// its own fields (`process_cold_p50_us`, `process_warm_pool_p50_us`).
const DEFAULT_EXECUTOR: &str = crate::engine::exec::quickjs::NAME;

/// Fresh executor run of `2+2` (create, run, read 4 back): what a `sandbench run` user pays.
fn exec_cold(x: &dyn Executor, w: &Workloads) -> Result<Vec<f64>, String> {
    let req = request(&w.cold_code, w.limits.default_timeout_ms);
    after_warmup(20, 300, || {
        let t0 = Instant::now();
        let o = run_exec(x, &req);
        let t = us_since(t0);
        expect_ok(&o, "cold 2+2")?;
        if o.value != Some(json!(4)) {
            return Err(format!("bench: cold 2+2 gave {:?}", o.value));
        }
        Ok(t)
    })
}

/// Microseconds per run through the out-of-process executor.
struct ProcessTimes {
    /// A fresh worker each run, from the program `sandbench` uses (`sandbench-worker`).
    cold: Vec<f64>,
    /// A pre-started worker.
    warm: Vec<f64>,
    /// A fresh worker each run, `sandbench` itself re-executed in worker mode (the fallback
    /// when there is no `sandbench-worker`); `None` when that is already what `cold` used.
    cold_reexec: Option<Vec<f64>>,
}

/// `2+2` through the out-of-process executor: a fresh worker process per run (`cold`), and a
/// pool of one pre-started worker (`warm`; the untimed wait lets the pool refill, as it does
/// between interactive runs). `None` where the process executor is unavailable.
fn process_runs(w: &Workloads) -> Result<Option<ProcessTimes>, String> {
    use crate::engine::exec::process::ProcessExecutor;
    let req = request(&w.cold_code, w.limits.default_timeout_ms);
    let Ok(cold) = ProcessExecutor::new() else {
        return Ok(None);
    };
    let one = |x: &ProcessExecutor| -> Result<f64, String> {
        let t0 = Instant::now();
        let o = run_exec(x, &req);
        let t = us_since(t0);
        expect_ok(&o, "process 2+2")?;
        Ok(t)
    };
    let cold_series = |x: &ProcessExecutor| after_warmup(10, 100, || one(x));
    let cold_us = cold_series(&cold)?;
    let this = std::env::current_exe().ok();
    let cold_reexec = match this {
        Some(exe) if exe != cold.program() => {
            Some(cold_series(&ProcessExecutor::with_program(exe))?)
        }
        _ => None,
    };
    let Ok(warm) = ProcessExecutor::new() else {
        return Ok(None);
    };
    let warm = warm.with_pool(1);
    warm.prewarm(&req.limits);
    let warm_us = after_warmup(10, 100, || {
        let wait = Instant::now();
        while warm.idle_workers() == 0 && wait.elapsed() < std::time::Duration::from_secs(2) {
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        one(&warm)
    })?;
    Ok(Some(ProcessTimes {
        cold: cold_us,
        warm: warm_us,
        cold_reexec,
    }))
}

/// `while(true){}` under a 50 ms timeout: wall time until control returns (ms).
fn timeout50(x: &dyn Executor, w: &Workloads) -> Result<(Vec<f64>, String), String> {
    let req = request(&w.timeout_code, w.limits.timeout_ms);
    let mut xs = Vec::new();
    let mut last = String::new();
    for _ in 0..20 {
        let t0 = Instant::now();
        let o = run_exec(x, &req);
        xs.push(us_since(t0) / 1e3);
        if o.outcome != Outcome::Timeout {
            return Err(format!(
                "bench: the timeout workload ended {}",
                o.outcome.as_str()
            ));
        }
        last = o.error.as_ref().map_or_else(
            || "timeout".to_string(),
            |e| format!("{}: {}", e.name, e.message),
        );
    }
    Ok((xs, last))
}

/// How long each builtin runaway of [`builtins::RUNAWAYS`] takes to return under a 50 ms
/// budget (issue 10, point 1): wall ms from the call to the outcome, the median of three runs,
/// per executor, with the CPU budget as the limit (wall 1 s) and with the wall deadline as the
/// limit (wall 50 ms). Four maps, builtin → ms, under `overrun_{cpu50,wall50}_{process,inprocess}_ms`
/// (a run that did not end as `timeout` is recorded as its negated time, so it shows).
fn builtin_overruns(out: &mut serde_json::Map<String, Value>) {
    use crate::engine::exec::process::ProcessExecutor;
    use crate::engine::exec::quickjs::QuickJsExecutor;
    let inproc: Box<dyn Executor> = Box::new(QuickJsExecutor::new());
    let mut executors = vec![("inprocess", inproc)];
    if let Ok(p) = ProcessExecutor::new() {
        executors.push(("process", Box::new(p)));
    }
    for (limit, wall_ms) in [("cpu50", 1000), ("wall50", 50)] {
        for (tag, x) in &executors {
            let mut row = serde_json::Map::new();
            for (name, code) in builtins::RUNAWAYS {
                let mut req = ExecRequest::new(*code);
                req.limits = Limits {
                    timeout_ms: 50,
                    wall_timeout_ms: wall_ms,
                    memory_mb: 256,
                    ..Limits::default()
                };
                let mut ms = Vec::new();
                for _ in 0..3 {
                    let t0 = Instant::now();
                    let o = run_exec(x.as_ref(), &req);
                    let t = us_since(t0) / 1e3;
                    ms.push(if o.outcome == Outcome::Timeout { t } else { -t });
                    // An abandoned in-process thread ends when its call returns: wait for it
                    // (bounded), so it does not slow the next measurement down.
                    let wait = Instant::now();
                    while QuickJsExecutor::live_runaway_threads() > 0
                        && wait.elapsed() < std::time::Duration::from_secs(10)
                    {
                        std::thread::sleep(std::time::Duration::from_millis(20));
                    }
                }
                row.insert((*name).to_string(), json!(r2(median(&ms))));
            }
            out.insert(format!("overrun_{limit}_{tag}_ms"), Value::Object(row));
        }
    }
}

/// 100 × (fresh sandbox, global `input` = the plugin input string, run, parse the result),
/// total ms; six repetitions, the first dropped, median of the rest.
fn plugin100(x: &dyn Executor, w: &Workloads) -> Result<f64, String> {
    let mut req = request(&w.plugin_code, w.limits.default_timeout_ms);
    req.input = Some(Value::String(w.plugin_input.clone()));
    let totals = after_warmup(1, 5, || {
        let t0 = Instant::now();
        for _ in 0..100 {
            let o = run_exec(x, &req);
            expect_ok(&o, "plugin")?;
            plugin_ok(&o.value)?;
        }
        Ok(us_since(t0) / 1e3)
    })?;
    Ok(median(&totals))
}

/// The timing child: everything measured in one process.
pub fn timing(w: &Workloads, executor: &str) -> Result<Value, String> {
    let x = exec::create(executor).map_err(|e| format!("bench: {e}"))?;
    let mut out = serde_json::Map::new();
    out.insert("peer".into(), json!("sandbench"));
    out.insert(
        "version".into(),
        json!(format!(
            "sandbench {} (rquickjs 0.14 / quickjs-ng), executor {}",
            env!("CARGO_PKG_VERSION"),
            x.name()
        )),
    );
    let cold = sandbox_cold(w)?;
    out.insert("cold_p50_us".into(), json!(r2(quantile(&cold, 0.5))));
    out.insert("cold_p95_us".into(), json!(r2(quantile(&cold, 0.95))));
    let create = sandbox_create_only(w)?;
    out.insert(
        "create_only_p50_us".into(),
        json!(r2(quantile(&create, 0.5))),
    );
    out.insert("warm_p50_us".into(), Value::Object(sandbox_warm(w)?));
    out.insert("extra_lockdown".into(), lockdown_cost(w)?);
    let (load, compile) = module_first_load(w, 200)?;
    out.insert("extra_module_first_load_p50_us".into(), load);
    out.insert("extra_module_compile_us".into(), compile);
    let floor = floor_cold()?;
    out.insert(
        "extra_floor_rquickjs_cold_p50_us".into(),
        json!(r2(quantile(&floor, 0.5))),
    );
    out.insert(
        "extra_plugin100_sandbox_ms".into(),
        json!(r2(plugin100_sandbox(w)?)),
    );
    let cold = exec_cold(x.as_ref(), w)?;
    out.insert("exec_cold_p50_us".into(), json!(r2(quantile(&cold, 0.5))));
    out.insert("exec_cold_p95_us".into(), json!(r2(quantile(&cold, 0.95))));
    if let Some(p) = process_runs(w)? {
        out.insert(
            "process_cold_p50_us".into(),
            json!(r2(quantile(&p.cold, 0.5))),
        );
        out.insert(
            "process_warm_pool_p50_us".into(),
            json!(r2(quantile(&p.warm, 0.5))),
        );
        if let Some(r) = p.cold_reexec {
            out.insert(
                "extra_process_cold_reexec_p50_us".into(),
                json!(r2(quantile(&r, 0.5))),
            );
        }
    }
    let (to, err) = timeout50(x.as_ref(), w)?;
    out.insert("timeout50_p50_ms".into(), json!(r2(quantile(&to, 0.5))));
    out.insert(
        "timeout50_max_ms".into(),
        json!(r2(to.iter().copied().fold(0.0, f64::max))),
    );
    out.insert("timeout_error".into(), json!(err));
    out.insert(
        "plugin100_fresh_ms".into(),
        json!(r2(plugin100(x.as_ref(), w)?)),
    );
    // Last: in-process runaways are abandoned threads that run on for a while.
    builtin_overruns(&mut out);
    Ok(Value::Object(out))
}

/// The memory-limit child: deep recursion first, then the 32 MB bomb, then `2+2`.
/// Prints a partial line after the stack test (as peers.mjs does) in case the bomb kills us.
pub fn memlimit(
    w: &Workloads,
    executor: &str,
    emit: &mut dyn FnMut(&Value),
) -> Result<Value, String> {
    let x = exec::create(executor).map_err(|e| format!("bench: {e}"))?;
    let mut req = request("function f(n){return f(n+1)+1} f(0)", 10_000);
    req.limits.stack_kb = w.limits.stack_kb;
    let t0 = Instant::now();
    let o = run_exec(x.as_ref(), &req);
    let stack_ms = us_since(t0) / 1e3;
    let stack_err = o.error.as_ref().map_or_else(
        || o.outcome.as_str().to_string(),
        |e| format!("{}: {}", e.name, e.message),
    );
    let stack = json!({
        "stack_overflow_error": crate::engine::text::truncate(&stack_err, 120),
        "stack_overflow_ms": r2(stack_ms),
        "stack_overflow_outcome": o.outcome.as_str(),
    });
    let mut partial = stack.clone();
    partial["partial"] = json!(true);
    emit(&partial);

    let mut req = request(&w.memlimit_code, crate::engine::policy::MAX_TIMEOUT_MS);
    req.limits.memory_mb = w.limits.memory_mb;
    let rss_before = rss_bytes().unwrap_or(0);
    let t0 = Instant::now();
    let o = run_exec(x.as_ref(), &req);
    let ms = us_since(t0) / 1e3;
    let peak = peak_rss_bytes().unwrap_or(0);
    let err = o.error.as_ref().map_or_else(
        || o.outcome.as_str().to_string(),
        |e| format!("{}: {}", e.name, e.message),
    );
    let after = run_exec(x.as_ref(), &request("2+2", 1000));
    let mut res = json!({
        "peer": "sandbench",
        "memlimit_ms": r2(ms),
        "memlimit_outcome": o.outcome.as_str(),
        "memlimit_error": crate::engine::text::truncate(&err, 160),
        "memlimit_peak_memory_mb": r2(o.peak_memory_bytes as f64 / MB),
        "rss_before_mb": r2(rss_before as f64 / MB),
        "rss_growth_mb": r2(peak.saturating_sub(rss_before) as f64 / MB),
        "child_maxrss_mb": r2(peak as f64 / MB),
        "host_usable_after": after.outcome == Outcome::Ok && after.value == Some(json!(4)),
    });
    if let (Some(r), Some(s)) = (res.as_object_mut(), stack.as_object()) {
        r.extend(s.clone());
    }
    Ok(res)
}

/// Runs one peer-style child measurement and prints its JSON line(s). Used by
/// `bench --peer-child KIND` (our own child processes and the peers' driver).
pub fn peer_child(kind: &str, args: &BenchArgs) -> u8 {
    let w = match Workloads::for_args(args.workloads.as_deref()) {
        Ok(w) => w,
        Err(e) => return crate::cli::usage_error(e),
    };
    let exec = args.executor.as_deref().unwrap_or(DEFAULT_EXECUTOR);
    let print = |v: &Value| println!("{v}");
    let res = match kind {
        "timing" => timing(&w, exec),
        "memlimit" => memlimit(&w, exec, &mut |v| print(v)),
        "mem" => mem(&w, exec),
        other => {
            return crate::cli::usage_error(format!(
                "bench: unknown --peer-child '{other}' (timing, mem or memlimit)"
            ))
        }
    };
    match res {
        Ok(v) => {
            print(&v);
            crate::cli::EXIT_OK
        }
        Err(e) => {
            eprintln!("sandbench: {e}");
            crate::cli::EXIT_FAIL
        }
    }
}

/// Memory per live sandbox: RSS growth of 100 live sandboxes that each ran `2+2`, ÷ 100.
/// Also reports what the sandboxes' own allocator counted, which excludes allocator slack.
pub fn mem(w: &Workloads, _executor: &str) -> Result<Value, String> {
    let req = request("", w.limits.default_timeout_ms);
    // One-time initialisation (per-thread compiler, setup bytecode) out of the delta.
    {
        let mut sb = new_sandbox(&req)?;
        eval_ok(&mut sb, "2+2", "2+2")?;
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let base = rss_bytes().ok_or("bench: cannot read /proc/self/statm")?;
    let mut hold = Vec::with_capacity(100);
    for _ in 0..100 {
        let mut sb = new_sandbox(&req)?;
        eval_ok(&mut sb, "2+2", "2+2")?;
        hold.push(sb);
    }
    std::thread::sleep(std::time::Duration::from_millis(200));
    let after = rss_bytes().ok_or("bench: cannot read /proc/self/statm")?;
    let counted: u64 = hold.iter().map(Sandbox::memory_bytes).sum();
    let res = json!({
        "peer": "sandbench",
        "mem_per_sandbox_mb": r2(after.saturating_sub(base) as f64 / 100.0 / MB),
        "rss_base_mb": r2(base as f64 / MB),
        "rss_100_mb": r2(after as f64 / MB),
        "counted_per_sandbox_mb": r2(counted as f64 / 100.0 / MB),
    });
    drop(hold);
    Ok(res)
}

/// Runs `bench --peer-child KIND` in a child process and returns its last full JSON line,
/// the partial line (if any), and the child's exit status.
fn spawn_child(kind: &str, args: &BenchArgs) -> Result<(Option<Value>, Value, String), String> {
    let exe = std::env::current_exe().map_err(|e| format!("bench: cannot find myself: {e}"))?;
    let mut cmd = std::process::Command::new(exe);
    cmd.args(["bench", "--peer-child", kind]);
    if let Some(w) = &args.workloads {
        cmd.arg("--workloads").arg(w);
    }
    if let Some(x) = &args.executor {
        cmd.args(["--executor", x]);
    }
    let out = cmd
        .stderr(std::process::Stdio::inherit())
        .output()
        .map_err(|e| format!("bench: cannot start the {kind} child: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let objs: Vec<Value> = text
        .lines()
        .filter_map(|l| serde_json::from_str::<Value>(l).ok())
        .filter(Value::is_object)
        .collect();
    let partial = objs
        .iter()
        .find(|o| o["partial"] == json!(true))
        .cloned()
        .unwrap_or(Value::Null);
    let fin = objs.into_iter().rfind(|o| o["partial"] != json!(true));
    Ok((fin, partial, out.status.to_string()))
}

/// `bench --suite exec`: runs everything and prints a table (or one JSON object).
pub fn run(args: &BenchArgs) -> u8 {
    let w = match Workloads::for_args(args.workloads.as_deref()) {
        Ok(w) => w,
        Err(e) => return crate::cli::usage_error(e),
    };
    let exec = args.executor.as_deref().unwrap_or(DEFAULT_EXECUTOR);
    let rounds = args.rounds;
    let timed = if rounds == 1 {
        if !args.json {
            eprintln!("bench exec: timing (in process)…");
        }
        timing(&w, exec)
    } else {
        // Like peers.mjs: each round in its own process, then the median of every number.
        let mut all = Vec::new();
        for r in 0..rounds {
            if !args.json {
                eprintln!(
                    "bench exec: timing round {}/{rounds} (child process)…",
                    r + 1
                );
            }
            match spawn_child("timing", args) {
                Ok((Some(v), _, _)) => all.push(v),
                Ok((None, _, status)) => {
                    eprintln!("sandbench: bench: timing round failed ({status})");
                    return crate::cli::EXIT_FAIL;
                }
                Err(e) => {
                    eprintln!("sandbench: {e}");
                    return crate::cli::EXIT_FAIL;
                }
            }
        }
        Ok(median_of_rounds(&all))
    };
    let mut res = match timed {
        Ok(v) => v,
        Err(e) => {
            eprintln!("sandbench: {e}");
            return crate::cli::EXIT_FAIL;
        }
    };
    for kind in ["mem", "memlimit"] {
        if !args.json {
            eprintln!("bench exec: {kind} (child process)…");
        }
        let v = match spawn_child(kind, args) {
            Ok((Some(v), _, _)) => v,
            Ok((None, partial, status)) => {
                let mut v = json!({"host_survived": false, "child_status": status});
                if let (Some(m), Some(p)) = (v.as_object_mut(), partial.as_object()) {
                    m.extend(p.clone());
                }
                v
            }
            Err(e) => json!({"error": e}),
        };
        res[kind] = v;
    }
    if res["memlimit"]["host_usable_after"].is_boolean() {
        res["memlimit"]["host_survived"] = json!(true);
    }
    res["targets"] = json!({
        "cold_p50_us": TARGET_COLD_P50_US,
        "plugin100_fresh_ms": TARGET_PLUGIN100_MS,
        "mem_per_sandbox_mb": TARGET_MEM_PER_SANDBOX_MB,
        "memlimit_ms": TARGET_MEMLIMIT_MS,
        "memlimit_rss_growth_mb": TARGET_MEMLIMIT_RSS_GROWTH_MB,
        "process_cold_p50_us": TARGET_PROCESS_COLD_P50_US,
        "process_warm_pool_p50_us": TARGET_PROCESS_WARM_POOL_P50_US,
    });
    if args.json {
        println!("{res}");
    } else {
        print!("{}", table(&res, &w));
    }
    crate::cli::EXIT_OK
}

/// The median across rounds of every numeric field (and of each `warm_p50_us` entry); other
/// fields from the first round. Adds `rounds` and `rounds_cold_p50_us`, as peers.mjs does.
pub fn median_of_rounds(all: &[Value]) -> Value {
    let Some(Value::Object(first)) = all.first() else {
        return Value::Null;
    };
    let med = |get: &dyn Fn(&Value) -> Option<f64>| {
        let xs: Vec<f64> = all.iter().filter_map(get).collect();
        json!(r2(median(&xs)))
    };
    let mut out = serde_json::Map::new();
    for (k, v) in first {
        let agg = match v {
            Value::Number(_) => med(&|t: &Value| t[k].as_f64()),
            Value::Object(inner) => Value::Object(
                inner
                    .keys()
                    .map(|w| (w.clone(), med(&|t: &Value| t[k][w].as_f64())))
                    .collect(),
            ),
            other => other.clone(),
        };
        out.insert(k.clone(), agg);
    }
    out.insert("rounds".into(), json!(all.len()));
    out.insert(
        "rounds_cold_p50_us".into(),
        Value::Array(all.iter().map(|t| t["cold_p50_us"].clone()).collect()),
    );
    Value::Object(out)
}

#[cfg(test)]
mod tests;
