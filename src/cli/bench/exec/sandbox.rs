//! The in-process timings through the engine's `Sandbox` (no `Executor` around it): cold,
//! create-only and warm runs, the lockdown's cost, first module loads, the empty-runtime
//! floor and a hundred plugins in one sandbox.

use super::{after_warmup, plugin_ok, r2, request, us_since, Workloads};
use crate::cli::bench::stats::{median, quantile};
use crate::engine::exec::quickjs::Sandbox;
use crate::engine::exec::{ExecRequest, Outcome};
use serde_json::{json, Value};
use std::time::Instant;

pub(super) fn new_sandbox(req: &ExecRequest) -> Result<Sandbox, String> {
    Sandbox::new(req).map_err(|e| format!("bench: {e}"))
}

/// Evaluates and checks that the run ended `ok`.
pub(super) fn eval_ok(sb: &mut Sandbox, code: &str, what: &str) -> Result<Option<Value>, String> {
    let r = sb.eval(code);
    if r.outcome == Outcome::Ok {
        Ok(r.value)
    } else {
        Err(format!(
            "bench: {what} ended {} ({})",
            r.outcome.as_str(),
            r.error.as_ref().map_or("", |e| e.message.as_str())
        ))
    }
}

/// Fresh `Sandbox` per iteration: create, run `2+2`, read 4 back, dispose (µs).
pub(super) fn sandbox_cold(w: &Workloads) -> Result<Vec<f64>, String> {
    cold_runs(&request("", w.limits.default_timeout_ms), w, "cold 2+2")
}

/// `2+2` in a fresh `Sandbox` made from `req`, 300 times after 20 unmeasured (µs).
fn cold_runs(req: &ExecRequest, w: &Workloads, what: &str) -> Result<Vec<f64>, String> {
    after_warmup(20, 300, || {
        let t0 = Instant::now();
        let mut sb = new_sandbox(req)?;
        let v = eval_ok(&mut sb, &w.cold_code, what)?;
        drop(sb);
        let t = us_since(t0);
        if v != Some(json!(4)) {
            return Err(format!("bench: {what} gave {v:?}"));
        }
        Ok(t)
    })
}

/// What the strict profile's lockdown costs (issue 10): `2+2` in a fresh `lab` sandbox (no
/// freeze, no taming, no guards), p50 µs, and the live bytes of a fresh sandbox in each
/// profile (KB). `cold_p50_us` minus the first is the lockdown's time per sandbox.
pub(super) fn lockdown_cost(w: &Workloads) -> Result<Value, String> {
    let mut lab = request("", w.limits.default_timeout_ms);
    lab.profile = crate::engine::policy::Profile::Lab;
    let xs = cold_runs(&lab, w, "cold 2+2 (lab)")?;
    let strict = request("", w.limits.default_timeout_ms);
    let kb = |req: &ExecRequest| -> Result<f64, String> {
        let sb = new_sandbox(req)?;
        Ok(sb.memory_bytes() as f64 / 1024.0)
    };
    Ok(json!({
        "cold_lab_p50_us": r2(quantile(&xs, 0.5)),
        "strict_kb": r2(kb(&strict)?),
        "lab_kb": r2(kb(&lab)?),
    }))
}

/// Create and dispose a `Sandbox` without evaluating anything (µs).
pub(super) fn sandbox_create_only(w: &Workloads) -> Result<Vec<f64>, String> {
    let req = request("", w.limits.default_timeout_ms);
    after_warmup(20, 200, || {
        let t0 = Instant::now();
        drop(new_sandbox(&req)?);
        Ok(us_since(t0))
    })
}

/// One `Sandbox` reused after `setup`: p50 µs of each warm workload.
pub(super) fn sandbox_warm(w: &Workloads) -> Result<serde_json::Map<String, Value>, String> {
    let req = request("", w.limits.default_timeout_ms);
    let mut sb = new_sandbox(&req)?;
    eval_ok(&mut sb, &w.setup, "setup")?;
    let mut out = serde_json::Map::new();
    for x in &w.warm {
        let xs = after_warmup((x.n / 10).max(5), x.n, || {
            let t0 = Instant::now();
            eval_ok(&mut sb, &x.code, &x.name)?;
            Ok(us_since(t0))
        })?;
        out.insert(x.name.clone(), json!(r2(quantile(&xs, 0.5))));
    }
    Ok(out)
}

/// First load of each host module: p50 of `require('<name>')` as a fresh sandbox's first
/// evaluation, minus p50 of `0` as one (µs; the bytecode is already compiled, as it is for
/// every run after a process's first). Also the once-per-process compile of each (µs).
pub(super) fn module_first_load(w: &Workloads, n: usize) -> Result<(Value, Value), String> {
    use crate::engine::exec::modules::MODULES;
    let mut req = request("", w.limits.default_timeout_ms);
    // `fs` and `fs/promises` load only when a directory is granted; loading one does not
    // touch the directory.
    req.permissions.add_read(std::env::temp_dir());
    let first_eval = |code: &str, n: usize| -> Result<f64, String> {
        let xs = after_warmup(n.min(10), n, || {
            let mut sb = new_sandbox(&req)?;
            let t0 = Instant::now();
            eval_ok(&mut sb, code, code)?;
            Ok(us_since(t0))
        })?;
        Ok(quantile(&xs, 0.5))
    };
    let base = first_eval("0", n)?;
    let mut load = serde_json::Map::new();
    let mut compile = serde_json::Map::new();
    load.insert("baseline_eval_p50_us".into(), json!(r2(base)));
    for m in MODULES {
        let t = first_eval(&format!("require('{}'), 0", m.name), n)?;
        load.insert(m.name.into(), json!(r2((t - base).max(0.0))));
        let t0 = Instant::now();
        crate::engine::exec::quickjs::compile_host_source(m.source(), &m.filename())
            .map_err(|e| format!("bench: {} does not compile: {}", m.name, e.message))?;
        compile.insert(m.name.into(), json!(r2(us_since(t0))));
    }
    Ok((Value::Object(load), Value::Object(compile)))
}

/// The floor: a bare rquickjs runtime + full context, `2+2`, dropped — no host bridge, no
/// limits, no freezing. The gap to `cold_p50_us` is what our sandbox setup costs.
pub(super) fn floor_cold() -> Result<Vec<f64>, String> {
    after_warmup(20, 300, || {
        let t0 = Instant::now();
        let rt = rquickjs::Runtime::new().map_err(|e| format!("bench: {e}"))?;
        let ctx = rquickjs::Context::full(&rt).map_err(|e| format!("bench: {e}"))?;
        let v: i32 = ctx
            .with(|ctx| ctx.eval("2+2"))
            .map_err(|e| format!("bench: floor 2+2: {e}"))?;
        drop(ctx);
        drop(rt);
        let t = us_since(t0);
        if v != 4 {
            return Err(format!("bench: floor 2+2 gave {v}"));
        }
        Ok(t)
    })
}

/// `plugin100` through a fresh `Sandbox` per run on this thread (no executor thread hand-off).
pub(super) fn plugin100_sandbox(w: &Workloads) -> Result<f64, String> {
    let mut req = request("", w.limits.default_timeout_ms);
    req.input = Some(Value::String(w.plugin_input.clone()));
    let totals = after_warmup(1, 5, || {
        let t0 = Instant::now();
        for _ in 0..100 {
            let mut sb = new_sandbox(&req)?;
            plugin_ok(&eval_ok(&mut sb, &w.plugin_code, "plugin")?)?;
        }
        Ok(us_since(t0) / 1e3)
    })?;
    Ok(median(&totals))
}
