use super::*;

fn real_workloads() -> Workloads {
    serde_json::from_value(json!({"setup":"var S='{}'","cold_code":"2+2",
        "warm":[{"name":"2+2","code":"2+2","n":2}],"timeout_code":"while(true){}",
        "memlimit_code":"let a=[];while(true)a.push('x'.repeat(1e4))",
        "plugin_code":"JSON.stringify({n: JSON.parse(input).records.length})",
        "plugin_input":"{\"records\":[]}",
        "limits":{"memory_mb":32,"stack_kb":1024,"timeout_ms":50,"default_timeout_ms":5000}}))
    .expect("workloads")
}

#[test]
fn every_host_module_loads_in_the_module_bench_fs_included() {
    let (load, compile) = module_first_load(&real_workloads(), 1).expect("module bench");
    for m in crate::engine::exec::modules::MODULES {
        assert!(load[m.name].is_number(), "{}: {load}", m.name);
        assert!(compile[m.name].is_number(), "{}: {compile}", m.name);
    }
}

#[test]
fn the_memlimit_child_reports_the_stack_test_first_then_a_contained_bomb() {
    let mut lines = Vec::new();
    let res =
        memlimit(&real_workloads(), "quickjs", &mut |v| lines.push(v.clone())).expect("memlimit");
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0]["partial"], true);
    assert_eq!(lines[0]["stack_overflow_outcome"], "stack_overflow");
    assert_eq!(res["memlimit_outcome"], "memory_limit", "{res}");
    assert_eq!(res["host_usable_after"], true);
    assert!(
        res["memlimit_peak_memory_mb"]
            .as_f64()
            .is_some_and(|m| m <= 32.5),
        "{res}"
    );
    for key in [
        "memlimit_ms",
        "rss_growth_mb",
        "child_maxrss_mb",
        "stack_overflow_ms",
    ] {
        assert!(res[key].is_number(), "{key} in {res}");
    }
}

#[test]
fn the_mem_child_holds_live_sandboxes_and_reports_per_sandbox_memory() {
    let res = mem(&real_workloads(), "quickjs").expect("mem");
    assert_eq!(res["peer"], "sandbench");
    assert!(
        res["counted_per_sandbox_mb"]
            .as_f64()
            .is_some_and(|m| m > 0.0),
        "{res}"
    );
    assert!(res["mem_per_sandbox_mb"].is_number(), "{res}");
    assert!(res["rss_100_mb"].is_number(), "{res}");
}

#[test]
fn rounds_aggregate_by_median_like_peers_mjs() {
    let rounds = [
        json!({"peer":"sandbench","cold_p50_us":300.0,"warm_p50_us":{"2+2":4.0}}),
        json!({"peer":"sandbench","cold_p50_us":200.0,"warm_p50_us":{"2+2":3.0}}),
        json!({"peer":"sandbench","cold_p50_us":250.0,"warm_p50_us":{"2+2":9.0}}),
    ];
    let m = median_of_rounds(&rounds);
    assert_eq!(m["cold_p50_us"], 250.0);
    assert_eq!(m["warm_p50_us"]["2+2"], 4.0);
    assert_eq!(m["peer"], "sandbench");
    assert_eq!(m["rounds"], 3);
    assert_eq!(m["rounds_cold_p50_us"], json!([300.0, 200.0, 250.0]));
    assert_eq!(median_of_rounds(&[]), Value::Null);
}

#[test]
fn rss_is_readable() {
    let r = rss_bytes().expect("statm");
    assert!(r > 0);
    assert!(peak_rss_bytes().expect("status") >= r / 2);
}
