//! `sandbench bench` from a directory that is not the project: the exec suite's workloads are
//! built in, and a suite that cannot run says why.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::sandbench;

fn bench_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    sandbench()
        .current_dir(dir)
        .arg("bench")
        .args(args)
        .output()
        .expect("run")
}

#[test]
fn the_exec_workloads_are_built_in() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out = bench_in(dir.path(), &["--peer-child", "mem"]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("one JSON object");
    assert_eq!(v["peer"], "sandbench");
    assert!(v["mem_per_sandbox_mb"].is_number(), "{v}");

    // A workloads file given by name is still read (and its absence is an error).
    let out = bench_in(
        dir.path(),
        &["--peer-child", "mem", "--workloads", "missing.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.json"));
}

#[test]
fn the_scan_suite_asked_for_without_a_corpus_is_an_error_that_says_how_to_fetch_one() {
    let dir = tempfile::tempdir().expect("tempdir");
    for json in [false, true] {
        let mut args = vec!["--suite", "scan"];
        if json {
            args.push("--json");
        }
        let out = bench_in(dir.path(), &args);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("tests/corpus/fetch.sh"), "{stderr}");
        assert!(out.stdout.is_empty());
    }
}
