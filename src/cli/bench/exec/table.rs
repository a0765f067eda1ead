//! The exec suite's human table: each figure with the target beside it.

use super::workloads::Workloads;
use super::{
    TARGET_COLD_P50_US, TARGET_MEMLIMIT_MS, TARGET_MEMLIMIT_RSS_GROWTH_MB,
    TARGET_MEM_PER_SANDBOX_MB, TARGET_MODULE_FIRST_LOAD_US, TARGET_PLUGIN100_MS,
    TARGET_PROCESS_COLD_P50_US, TARGET_PROCESS_WARM_POOL_P50_US,
};
use serde_json::Value;

/// A row of the table: its label, where its figure is in the results, and the issue's
/// target beside it when there is one.
type Row = (&'static str, &'static [&'static str], Option<f64>);

/// The rows above the warm workloads'.
const ROWS_BEFORE_WARM: &[Row] = &[
    (
        "cold run p50 us (Sandbox)",
        &["cold_p50_us"],
        Some(TARGET_COLD_P50_US),
    ),
    ("cold run p95 us (Sandbox)", &["cold_p95_us"], None),
    ("create+dispose only p50 us", &["create_only_p50_us"], None),
    (
        "cold p50 us, bare rquickjs floor",
        &["extra_floor_rquickjs_cold_p50_us"],
        None,
    ),
    ("cold run p50 us (executor)", &["exec_cold_p50_us"], None),
    ("cold run p95 us (executor)", &["exec_cold_p95_us"], None),
    (
        "cold run p50 us (fresh worker process)",
        &["process_cold_p50_us"],
        Some(TARGET_PROCESS_COLD_P50_US),
    ),
    (
        "  same, sandbench re-executed as worker",
        &["extra_process_cold_reexec_p50_us"],
        None,
    ),
    (
        "run p50 us (pre-started worker)",
        &["process_warm_pool_p50_us"],
        Some(TARGET_PROCESS_WARM_POOL_P50_US),
    ),
];

/// The rows below the warm workloads'.
const ROWS_AFTER_WARM: &[Row] = &[
    ("timeout 50ms: p50 wall ms", &["timeout50_p50_ms"], None),
    ("timeout 50ms: max wall ms", &["timeout50_max_ms"], None),
    (
        "100 fresh plugin runs ms",
        &["plugin100_fresh_ms"],
        Some(TARGET_PLUGIN100_MS),
    ),
    (
        "100 fresh plugin runs ms (Sandbox)",
        &["extra_plugin100_sandbox_ms"],
        None,
    ),
    (
        "require('path') first load µs",
        &["extra_module_first_load_p50_us", "path"],
        Some(TARGET_MODULE_FIRST_LOAD_US),
    ),
    (
        "require('stream') first load µs",
        &["extra_module_first_load_p50_us", "stream"],
        None,
    ),
    (
        "mem per live sandbox MB",
        &["mem", "mem_per_sandbox_mb"],
        Some(TARGET_MEM_PER_SANDBOX_MB),
    ),
    (
        "32MB limit: ms to return",
        &["memlimit", "memlimit_ms"],
        Some(TARGET_MEMLIMIT_MS),
    ),
    (
        "32MB limit: RSS growth MB",
        &["memlimit", "rss_growth_mb"],
        Some(TARGET_MEMLIMIT_RSS_GROWTH_MB),
    ),
];

fn num(v: &Value) -> Option<f64> {
    v.as_f64()
}

fn cell(v: Option<f64>) -> String {
    v.map_or_else(|| "n/a".to_string(), |x| format!("{x}"))
}

/// `≤ target` with a tick or a cross.
fn verdict(v: Option<f64>, target: f64) -> String {
    match v {
        Some(x) if x <= target => format!("≤ {target}  ok"),
        Some(_) => format!("≤ {target}  MISSED"),
        None => format!("≤ {target}"),
    }
}

/// The human table: our figure, the target beside it.
pub fn table(res: &Value, w: &Workloads) -> String {
    use std::fmt::Write as _;
    // One row: label, the figure at `v`, and the target beside it when there is one.
    let row = |label: String, v: &Value, target: Option<f64>| {
        let x = num(v);
        (
            label,
            cell(x),
            target.map(|t| verdict(x, t)).unwrap_or_default(),
        )
    };
    let listed = |rows: &'static [Row]| {
        rows.iter().map(|(label, path, target)| {
            let v = path.iter().fold(res, |v, k| &v[*k]);
            row(label.to_string(), v, *target)
        })
    };
    let mut rows: Vec<_> = listed(ROWS_BEFORE_WARM).collect();
    for x in &w.warm {
        rows.push(row(
            format!("warm {} p50 us", x.name),
            &res["warm_p50_us"][&x.name],
            None,
        ));
    }
    rows.extend(listed(ROWS_AFTER_WARM));
    let mut t = String::new();
    let _ = writeln!(t, "| metric (sandbench exec) | value | target |");
    let _ = writeln!(t, "|---|---|---|");
    for (k, v, target) in rows {
        let _ = writeln!(t, "| {k} | {v} | {target} |");
    }
    let m = &res["memlimit"];
    let _ = writeln!(
        t,
        "| 32MB limit: outcome | {} \"{}\", host ok={}, child peak RSS {} MB | |",
        m["memlimit_outcome"].as_str().unwrap_or("n/a"),
        crate::engine::text::escape(m["memlimit_error"].as_str().unwrap_or(""), false),
        m["host_usable_after"],
        cell(num(&m["child_maxrss_mb"]))
    );
    let _ = writeln!(
        t,
        "| deep recursion: outcome | {} in {} ms | |",
        m["stack_overflow_outcome"].as_str().unwrap_or("n/a"),
        cell(num(&m["stack_overflow_ms"]))
    );
    if res["overrun_cpu50_inprocess_ms"].is_object() {
        let _ = writeln!(
            t,
            "\n| builtin runaway, 50 ms budget: wall ms to return | process, CPU 50 | \
             in-process, CPU 50 | process, wall 50 | in-process, wall 50 |"
        );
        let _ = writeln!(t, "|---|---|---|---|---|");
        for (name, _) in super::builtins::RUNAWAYS {
            let at = |k: &str| cell(num(&res[k][*name]));
            let _ = writeln!(
                t,
                "| {name} | {} | {} | {} | {} |",
                at("overrun_cpu50_process_ms"),
                at("overrun_cpu50_inprocess_ms"),
                at("overrun_wall50_process_ms"),
                at("overrun_wall50_inprocess_ms"),
            );
        }
        let _ = writeln!(
            t,
            "(target: budget + 10 ms; a negative figure is a run that did not end as timeout)"
        );
    }
    if let Some(e) = res["mem"]["error"].as_str() {
        let _ = writeln!(t, "mem: {e}");
    }
    let _ = writeln!(t, "version: {}", res["version"].as_str().unwrap_or("?"));
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_table_puts_each_target_beside_the_number() {
        let w: Workloads = serde_json::from_value(json!({"setup":"","cold_code":"2+2",
            "warm":[{"name":"2+2","code":"2+2","n":1}],"timeout_code":"","memlimit_code":"",
            "plugin_code":"","plugin_input":"","limits":{"memory_mb":32,"stack_kb":1024,
            "timeout_ms":50,"default_timeout_ms":5000}}))
        .expect("workloads");
        let res = json!({"cold_p50_us": 180.5, "plugin100_fresh_ms": 55.0,
            "warm_p50_us": {"2+2": 3.5}, "mem": {"mem_per_sandbox_mb": 0.3},
            "process_cold_p50_us": 2345.6, "process_warm_pool_p50_us": 420.0,
            "memlimit": {"memlimit_ms": 90.0, "rss_growth_mb": 30.0,
                "memlimit_error": "InternalError: out of \u{1b}[31mmemory"}});
        let t = table(&res, &w);
        for row in [
            "| cold run p50 us (Sandbox) | 180.5 | ≤ 250  ok |",
            "| 100 fresh plugin runs ms | 55 | ≤ 40  MISSED |",
            "| warm 2+2 p50 us | 3.5 |",
            "| mem per live sandbox MB | 0.3 | ≤ 0.5  ok |",
            "| timeout 50ms: p50 wall ms | n/a |",
            "| cold run p50 us (fresh worker process) | 2345.6 | ≤ 2000  MISSED |",
            "| run p50 us (pre-started worker) | 420 | ≤ 500  ok |",
        ] {
            assert!(t.contains(row), "{row} in {t}");
        }
        assert!(!t.contains('\x1b'), "error text is escaped: {t}");
        assert!(
            !t.contains("builtin runaway"),
            "no overrun table without figures"
        );
        let mut res = res;
        res["overrun_cpu50_inprocess_ms"] = json!({"String indexOf": 61.5});
        res["overrun_cpu50_process_ms"] = json!({"String indexOf": 55.0});
        let t = table(&res, &w);
        assert!(
            t.contains("| String indexOf | 55 | 61.5 | n/a | n/a |"),
            "{t}"
        );
    }
}
