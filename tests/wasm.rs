//! The wasm executor through the real binary (`sandbench run x.wat`), its samples, its limits,
//! its refusals and their benign twins, and the worker's lockdown.
#![cfg(target_os = "linux")]
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::{json_lines, sandbench, strs, write};
use common::slack_ms;
use sandbench::engine::exec::wasm::{WasmExecutor, WasmRequest};
use sandbench::engine::exec::{CancelToken, ExecEvent, Outcome};
use sandbench::engine::policy::Limits;
use sandbench::samples::{self, header_value, Sample};
use serde_json::Value;
use std::path::Path;

/// `sandbench run --json ARGS… FILE` (ARGS before the file, `tail` after it).
fn run_json(dir: &Path, name: &str, body: &[u8], args: &[&str], tail: &[&str]) -> (Value, i32) {
    let path = write(dir, name, body);
    let out = sandbench()
        .arg("run")
        .arg("--json")
        .args(args)
        .arg(&path)
        .args(tail)
        .output()
        .expect("run binary");
    let stdout = String::from_utf8(out.stdout).expect("utf-8");
    let lines = json_lines(&stdout);
    assert_eq!(
        lines.len(),
        1,
        "one line per file: {stdout}\nstderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    (lines[0].clone(), out.status.code().unwrap_or(-1))
}

/// The sample's `run-options`, split into those before the file and `--invoke …` after it.
fn options(s: &Sample) -> (Vec<&'static str>, Vec<&'static str>) {
    let all: Vec<&str> = header_value(s.source, "run-options")
        .map(|o| o.split_whitespace().collect())
        .unwrap_or_default();
    match all.iter().position(|a| *a == "--invoke") {
        Some(i) => (all[..i].to_vec(), all[i..].to_vec()),
        None => (all, Vec::new()),
    }
}

#[test]
fn there_are_wasm_samples_for_every_case_the_issue_lists() {
    common::assert_a_sample_for_each(
        samples::wasm(),
        &[
            "hello",
            "fuel-loop",
            "memory-grower",
            "path-open",
            "host-import",
            "deep-recursion",
        ],
    );
    // They are not JavaScript samples (the JS suites never see them).
    assert!(samples::all().iter().all(|s| s.name.ends_with(".js")));
}

#[test]
fn every_wasm_sample_runs_through_the_binary_as_its_header_says() {
    let dir = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    for s in samples::wasm() {
        let (before, after) = options(s);
        let mut args = before.clone();
        // The gate would stop a `block` module before it runs: force it, so the refusal seen
        // is the sandbox's own.
        args.push("--force");
        let (v, code) = run_json(dir.path(), s.name, s.source.as_bytes(), &args, &after);
        let want = header_value(s.source, "expect-outcome").unwrap();
        if v["outcome"] != want {
            failures.push(format!(
                "{}: outcome {} (want {want}): {v}",
                s.name, v["outcome"]
            ));
            continue;
        }
        assert_eq!(v["executor"], "wasm");
        assert_eq!(
            code,
            if want == "ok" { 0 } else { 1 },
            "{}: exit code",
            s.name
        );
        if let Some(val) = header_value(s.source, "expect-value") {
            let want: Value = serde_json::from_str(val).unwrap();
            if v["value"] != want {
                failures.push(format!("{}: value {} (want {want})", s.name, v["value"]));
            }
        }
        if let Some(needle) = header_value(s.source, "expect-console") {
            let console = v["console"].to_string();
            if !console.contains(needle) {
                failures.push(format!("{}: console lacks {needle:?}: {console}", s.name));
            }
        }
        let blocked: Vec<&str> = strs(&v["blocked"], "category");
        match header_value(s.source, "expect-blocked") {
            Some("none") if !blocked.is_empty() => {
                failures.push(format!("{}: blocked {blocked:?} (want none)", s.name));
            }
            Some("none") | None => {}
            Some(cats) => {
                for c in cats.split(',').map(str::trim) {
                    if !blocked.contains(&c) {
                        failures.push(format!("{}: no blocked {c}: {blocked:?}", s.name));
                    }
                }
            }
        }
        if let Some(verdict) = header_value(s.source, "expect-verdict") {
            if v["verdict"] != verdict {
                failures.push(format!(
                    "{}: verdict {} (want {verdict})",
                    s.name, v["verdict"]
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_cpu_budget_stops_an_infinite_loop_within_50_ms() {
    let s = samples::wasm()
        .iter()
        .find(|s| s.name.contains("fuel-loop"))
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    for timeout in [100u64, 300] {
        let t = timeout.to_string();
        // A far wall deadline: on a busy machine the worker may get less CPU than wall time,
        // and this measures the CPU budget, not the wall kill behind it.
        let (v, _) = run_json(
            dir.path(),
            s.name,
            s.source.as_bytes(),
            &["--timeout", &t, "--wall-timeout", "20000"],
            &[],
        );
        assert_eq!(v["outcome"], "timeout", "{v}");
        // The worker's own measure of the run (start-up excluded): the budget plus 50 ms.
        let cpu = v["cpu_ms"].as_f64().unwrap();
        assert!(
            cpu >= timeout as f64 * 0.9 && cpu <= timeout as f64 + slack_ms(50.0),
            "stopped after {cpu} ms of CPU for a {timeout} ms budget: {v}"
        );
        let msg = v["error"]["message"].as_str().unwrap();
        assert!(msg.contains("CPU budget"), "{msg}");
    }
}

#[test]
fn memory_growth_past_the_limit_is_memory_limit_and_within_it_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let under_32_mb =
        |name: &str, body: &[u8]| run_json(dir.path(), name, body, &["--memory", "32"], &[]);
    let grow = |mb: u32| {
        format!(
            r#"(module (memory (export "memory") 1)
                 (func (export "_start")
                   (if (i32.eq (memory.grow (i32.const {})) (i32.const -1)) (then unreachable))))"#,
            mb * 16 - 1
        )
    };
    let (v, code) = under_32_mb("big.wat", grow(40).as_bytes());
    assert_eq!(
        (v["outcome"].as_str(), code),
        (Some("memory_limit"), 1),
        "{v}"
    );
    assert!(
        v["error"]["message"].as_str().unwrap().contains("32 MB"),
        "{v}"
    );
    // The benign twin: 24 MB under a 32 MB limit.
    let (v, code) = under_32_mb("ok.wat", grow(24).as_bytes());
    assert_eq!((v["outcome"].as_str(), code), (Some("ok"), 0), "{v}");
    assert!(v["peak_memory_bytes"].as_u64().unwrap() >= 24 << 20, "{v}");
    // A memory declared larger than the limit fails at instantiation, before any code runs.
    let (v, _) = under_32_mb(
        "declared.wat",
        br#"(module (memory 1000) (func (export "_start")))"#,
    );
    assert_eq!(v["outcome"], "memory_limit", "{v}");
}

#[test]
fn deep_recursion_is_stack_overflow_and_shallow_recursion_is_fine() {
    let dir = tempfile::tempdir().unwrap();
    let rec = br#"(module
        (func $r (export "r") (param i32) (result i32)
          (if (result i32) (i32.eqz (local.get 0)) (then (i32.const 0))
            (else (i32.add (i32.const 1) (call $r (i32.sub (local.get 0) (i32.const 1))))))))"#;
    let recurse = |args: &[&str], depth: &str| {
        run_json(dir.path(), "rec.wat", rec, args, &["--invoke", "r", depth])
    };
    let (v, _) = recurse(&[], "1000");
    assert_eq!(v["outcome"], "ok", "{v}");
    assert_eq!(v["value"], 1000);
    let (v, code) = recurse(&[], "100000000");
    assert_eq!(
        (v["outcome"].as_str(), code),
        (Some("stack_overflow"), 1),
        "{v}"
    );
    // A smaller stack limit overflows sooner.
    let (v, _) = recurse(&["--stack", "16"], "100000");
    assert_eq!(v["outcome"], "stack_overflow", "{v}");
}

#[test]
fn imports_outside_wasi_are_refused_by_name_and_wasi_ones_link() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = run_json(
        dir.path(),
        "imp.wat",
        br#"(module (import "env" "get_secret" (func)) (import "host" "mem" (memory 1))
              (func (export "_start")))"#,
        &["--force"],
        &[],
    );
    assert_eq!(v["outcome"], "blocked", "{v}");
    let caps: Vec<&str> = strs(&v["blocked"], "capability");
    assert_eq!(caps, ["env.get_secret", "host.mem"], "{v}");
    // A made-up function in the WASI module's name is foreign too.
    let (v, _) = run_json(
        dir.path(),
        "fake.wat",
        br#"(module (import "wasi_snapshot_preview1" "spawn_shell" (func)) (func (export "_start")))"#,
        &["--force"],
        &[],
    );
    assert_eq!(v["outcome"], "blocked", "{v}");
    // The benign twin: every WASI function it imports links, none is called.
    let (v, code) = run_json(
        dir.path(),
        "wasi.wat",
        br#"(module
              (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "sock_send" (func (param i32 i32 i32 i32 i32) (result i32)))
              (import "wasi_snapshot_preview1" "random_get" (func (param i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "_start")))"#,
        &[],
        &[],
    );
    assert_eq!((v["outcome"].as_str(), code), (Some("ok"), 0), "{v}");
    assert_eq!(v["blocked"], serde_json::json!([]));
}

#[test]
fn sockets_are_refused_and_recorded_as_network() {
    let dir = tempfile::tempdir().unwrap();
    let (v, _) = run_json(
        dir.path(),
        "sock.wat",
        br#"(module
              (import "wasi_snapshot_preview1" "sock_send" (func $send (param i32 i32 i32 i32 i32) (result i32)))
              (memory (export "memory") 1)
              (func (export "e") (result i32) (call $send (i32.const 3) (i32.const 0) (i32.const 0) (i32.const 0) (i32.const 0))))"#,
        &[],
        &["--invoke", "e"],
    );
    assert_eq!(v["outcome"], "ok", "{v}");
    assert_eq!(v["value"], 76, "ENOTCAPABLE: {v}");
    assert_eq!(v["blocked"][0]["category"], "network", "{v}");
    assert_eq!(v["blocked"][0]["capability"], "sock_send", "{v}");
}

#[test]
fn proc_exit_is_a_normal_outcome_with_its_code() {
    let dir = tempfile::tempdir().unwrap();
    let m = |c: i32| {
        format!(
            r#"(module (import "wasi_snapshot_preview1" "proc_exit" (func $x (param i32)))
                 (func (export "_start") (call $x (i32.const {c})) unreachable))"#
        )
    };
    let (v, code) = run_json(dir.path(), "x0.wat", m(0).as_bytes(), &[], &[]);
    assert_eq!((v["outcome"].as_str(), code), (Some("ok"), 0), "{v}");
    assert_eq!(v["value"]["exit_code"], 0);
    let (v, code) = run_json(dir.path(), "x3.wat", m(3).as_bytes(), &[], &[]);
    assert_eq!((v["outcome"].as_str(), code), (Some("error"), 1), "{v}");
    assert_eq!(v["value"]["exit_code"], 3);
}

#[test]
fn console_output_is_bounded_like_a_scripts() {
    let dir = tempfile::tempdir().unwrap();
    // Writes a 1 KB line forever (until the CPU budget).
    let flood = br#"(module
        (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
        (memory (export "memory") 1)
        (data (i32.const 0) "\10\00\00\00\00\04\00\00")
        (func (export "_start")
          (i32.store8 (i32.const 1039) (i32.const 10))
          (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l))))"#;
    // A far wall deadline: a module that floods its pipe waits on the parent, which parses
    // every line; on a loaded machine 2 × 300 ms of wall time can end the run (as `timeout`,
    // correctly not truncated) before 1 MB was written. The CPU budget is what must end it.
    let (v, _) = run_json(
        dir.path(),
        "flood.wat",
        flood,
        &["--timeout", "300", "--wall-timeout", "20000"],
        &[],
    );
    assert_eq!(v["outcome"], "timeout", "{v}");
    assert_eq!(
        v["console_truncated"],
        true,
        "{} lines, error {}, cpu {} ms, duration {} ms",
        v["console"].as_array().map_or(0, Vec::len),
        v["error"],
        v["cpu_ms"],
        v["duration_ms"]
    );
    let bytes: usize = v["console"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l["text"].as_str().unwrap().len())
        .sum();
    assert!(bytes <= Limits::default().console_max_bytes, "{bytes}");
    let last = v["console"].as_array().and_then(|c| c.last()).cloned();
    assert_eq!(
        last.as_ref().map(|l| l["level"].clone()),
        Some("warn".into())
    );
    assert!(
        last.as_ref()
            .and_then(|l| l["text"].as_str())
            .is_some_and(|t| t.starts_with("[console output truncated")),
        "{last:?}"
    );
}

#[test]
fn grants_a_module_cannot_use_are_refused_not_silently_dropped() {
    // A module can be granted directories to read, nothing else: a host or module grant is a
    // usage error naming why, before anything runs. The benign twin: the same module with a
    // read grant runs.
    let dir = tempfile::tempdir().unwrap();
    let path = write(dir.path(), "m.wat", br#"(module (func (export "_start")))"#);
    let data = dir.path().to_string_lossy().into_owned();
    for flags in [
        vec!["--allow-net", "example.com"],
        vec!["--allow-module", "path"],
    ] {
        let out = sandbench()
            .arg("run")
            .args(&flags)
            .arg(&path)
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{flags:?}: {stderr}");
        assert!(out.stdout.is_empty(), "{flags:?}");
        assert!(
            stderr.contains("a WebAssembly module can only be granted directories to read"),
            "{flags:?}: {stderr}"
        );
    }
    // A manifest granting a host is refused for a module too (named in the message).
    let manifest = write(
        dir.path(),
        "net.toml",
        b"[[permissions.network]]\nhost = \"example.com\"\nprotocol = \"https\"\n",
    );
    let out = sandbench()
        .arg("run")
        .arg("--manifest")
        .arg(&manifest)
        .arg(&path)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("cannot be granted hosts"), "{stderr}");
    assert!(stderr.contains("net.toml"), "{stderr}");
    let (v, code) = run_json(
        dir.path(),
        "m.wat",
        br#"(module (func (export "_start")))"#,
        &["--allow-read", data.as_str()],
        &[],
    );
    assert_eq!((v["outcome"].as_str(), code), (Some("ok"), 0), "{v}");
}

/// A module that opens `path` beneath descriptor `dirfd` and copies its content to stdout:
/// `cat DIRFD OFLAGS RIGHTS` returns the bytes read, or minus the WASI errno.
fn cat_module(path: &str) -> String {
    format!(
        r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func $open (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_read" (func $read (param i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 1024) "{path}")
  (func (export "cat") (param $dirfd i32) (param $oflags i32) (param $rights i64) (result i32)
    (local $e i32) (local $fd i32)
    (local.set $e (call $open (local.get $dirfd) (i32.const 1) (i32.const 1024) (i32.const {len})
      (local.get $oflags) (local.get $rights) (i64.const 0) (i32.const 0) (i32.const 16)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (local.set $fd (i32.load (i32.const 16)))
    (i32.store (i32.const 0) (i32.const 4096))
    (i32.store (i32.const 4) (i32.const 60000))
    (local.set $e (call $read (local.get $fd) (i32.const 0) (i32.const 1) (i32.const 20)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (i32.store (i32.const 4) (i32.load (i32.const 20)))
    (drop (call $write (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 24)))
    (i32.load (i32.const 20))))"#,
        len = path.len()
    )
}

/// WASI rights: `fd_read`, and `fd_write`.
const FD_READ: &str = "2";
const FD_READ_WRITE: &str = "66";

/// A granted directory with a file, a subdirectory, a symlink inside and, next to it, a secret
/// reached by a symlink out, a hard link and `..`.
fn granted_tree() -> (tempfile::TempDir, std::path::PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    std::fs::create_dir_all(data.join("sub")).unwrap();
    std::fs::write(data.join("hello.txt"), "hello wasm").unwrap();
    std::fs::write(dir.path().join("secret.txt"), "SECRET").unwrap();
    std::os::unix::fs::symlink("hello.txt", data.join("inside")).unwrap();
    std::os::unix::fs::symlink("../secret.txt", data.join("out")).unwrap();
    std::os::unix::fs::symlink("/proc/self/environ", data.join("environ")).unwrap();
    std::fs::hard_link(dir.path().join("secret.txt"), data.join("hard")).unwrap();
    let fifo = std::ffi::CString::new(data.join("fifo").to_string_lossy().as_bytes()).unwrap();
    // SAFETY: mkfifo(3) with a valid NUL-terminated path.
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o600) }, 0);
    (dir, data)
}

fn cat(dir: &Path, data: &Path, path: &str, oflags: &str, rights: &str) -> Value {
    let grant = data.to_string_lossy().into_owned();
    let (v, _) = run_json(
        dir,
        "cat.wat",
        cat_module(path).as_bytes(),
        &["--allow-read", grant.as_str()],
        &["--invoke", "cat", "3", oflags, rights],
    );
    assert_eq!(v["outcome"], "ok", "{path}: {v}");
    v
}

#[test]
fn a_granted_directory_is_a_read_only_preopen_whose_files_read() {
    let (dir, data) = granted_tree();
    // The benign twins: a file, one through a symlink that stays inside, one through `..`
    // that stays inside; each read through the broker, counted in the report.
    for path in ["hello.txt", "inside", "sub/../hello.txt", "./hello.txt"] {
        let v = cat(dir.path(), &data, path, "0", FD_READ);
        assert_eq!(v["value"], 10, "{path}: {v}");
        assert_eq!(v["console"][0]["text"], "hello wasm", "{path}: {v}");
        assert_eq!(v["blocked"], serde_json::json!([]), "{path}: {v}");
        assert_eq!(v["usage"]["fs_reads"], 1, "{path}: {v}");
        assert_eq!(v["usage"]["fs_bytes_read"], 10, "{path}: {v}");
    }
    // A missing file is the plain WASI error, not a refusal.
    let v = cat(dir.path(), &data, "missing.txt", "0", FD_READ);
    assert_eq!(v["value"], -44, "ENOENT: {v}");
    assert_eq!(v["blocked"], serde_json::json!([]), "{v}");
}

#[test]
fn escapes_from_a_preopen_are_refused_and_recorded_with_the_path() {
    let (dir, data) = granted_tree();
    let root = data.to_string_lossy().into_owned();
    for (path, shown) in [
        ("../secret.txt", format!("{root}/../secret.txt")),
        ("out", format!("{root}/out")),
        ("hard", format!("{root}/hard")),
        ("environ", format!("{root}/environ")),
        ("fifo", format!("{root}/fifo")),
        ("/etc/passwd", "/etc/passwd".to_string()),
        ("/proc/self/environ", "/proc/self/environ".to_string()),
    ] {
        let v = cat(dir.path(), &data, path, "0", FD_READ);
        assert_eq!(v["value"], -76, "{path}: ENOTCAPABLE: {v}");
        assert_eq!(
            v["console"],
            serde_json::json!([]),
            "{path}: nothing read: {v}"
        );
        let blocked = v["blocked"].as_array().unwrap();
        assert_eq!(blocked.len(), 1, "{path}: one attempt, recorded once: {v}");
        assert_eq!(blocked[0]["category"], "filesystem", "{path}: {v}");
        assert_eq!(blocked[0]["capability"], shown.as_str(), "{path}: {v}");
        assert_eq!(v["usage"]["fs_bytes_read"], 0, "{path}: {v}");
        assert!(!v.to_string().contains("SECRET"), "{path}: {v}");
    }
}

#[test]
fn write_intent_beneath_a_preopen_is_refused_and_nothing_changes() {
    let (dir, data) = granted_tree();
    let root = data.to_string_lossy().into_owned();
    // O_CREAT of a new file, O_TRUNC of an existing one, write rights, O_EXCL.
    for (path, oflags, rights, why) in [
        ("new.txt", "1", FD_READ, "O_CREAT"),
        ("hello.txt", "8", FD_READ, "O_TRUNC"),
        ("hello.txt", "0", FD_READ_WRITE, "write rights"),
        ("new.txt", "5", FD_READ, "O_EXCL"),
    ] {
        let v = cat(dir.path(), &data, path, oflags, rights);
        assert_eq!(v["value"], -76, "{why}: {v}");
        assert_eq!(v["blocked"][0]["category"], "filesystem", "{why}: {v}");
        assert_eq!(
            v["blocked"][0]["capability"],
            format!("{root}/{path}").as_str(),
            "{why}: {v}"
        );
        let msg = v["blocked"][0]["message"].as_str().unwrap();
        assert!(
            msg.contains("read-only") && msg.contains(why),
            "{why}: {msg}"
        );
    }
    assert!(!data.join("new.txt").exists());
    assert_eq!(
        std::fs::read_to_string(data.join("hello.txt")).unwrap(),
        "hello wasm"
    );
    // The run goes on after a refusal: the same module's read of the file still works.
    let v = cat(dir.path(), &data, "hello.txt", "0", FD_READ);
    assert_eq!(v["value"], 10, "{v}");
}

#[test]
fn the_read_caps_of_the_manifest_hold_for_a_module() {
    let (dir, data) = granted_tree();
    std::fs::write(data.join("small.txt"), "tiny").unwrap();
    let manifest = write(
        dir.path(),
        "caps.toml",
        format!(
            "[permissions.filesystem]\nread = [\"{}\"]\n[permissions.limits]\nfs_max_file_bytes = 5\n",
            data.display()
        )
        .as_bytes(),
    );
    let m = manifest.to_string_lossy().into_owned();
    let run = |path: &str| {
        let (v, _) = run_json(
            dir.path(),
            "cat.wat",
            cat_module(path).as_bytes(),
            &["--manifest", m.as_str()],
            &["--invoke", "cat", "3", "0", FD_READ],
        );
        v
    };
    // Over the per-file cap: an I/O error, nothing read or shown.
    let v = run("hello.txt");
    assert_eq!(v["value"], -29, "EIO: {v}");
    assert_eq!(v["console"], serde_json::json!([]), "{v}");
    assert_eq!(v["usage"]["fs_bytes_read"], 0, "{v}");
    // The benign twin: a file within the cap.
    let v = run("small.txt");
    assert_eq!(v["value"], 4, "{v}");
    assert_eq!(v["console"][0]["text"], "tiny", "{v}");
}

#[test]
fn the_manifest_beside_a_module_grants_its_directory_and_sets_its_limits() {
    let (dir, data) = granted_tree();
    write(
        dir.path(),
        "sandbench.toml",
        b"[limits]\ntimeout_ms = 1234\n[permissions.filesystem]\nread = [\"data\"]\n",
    );
    let (v, code) = run_json(
        dir.path(),
        "cat.wat",
        cat_module("hello.txt").as_bytes(),
        &[],
        &["--invoke", "cat", "3", "0", FD_READ],
    );
    assert_eq!((v["value"].as_i64(), code), (Some(10), 0), "{v}");
    assert_eq!(v["limits"]["timeout_ms"], 1234, "{v}");
    // Its twin without the manifest: nothing granted, the default limits.
    std::fs::remove_file(dir.path().join("sandbench.toml")).unwrap();
    let (v, _) = run_json(
        dir.path(),
        "cat.wat",
        cat_module("hello.txt").as_bytes(),
        &[],
        &["--invoke", "cat", "3", "0", FD_READ],
    );
    assert_eq!(v["value"], -76, "{v}");
    assert_eq!(v["blocked"][0]["capability"], "path_open", "{v}");
    assert_eq!(
        v["limits"]["timeout_ms"],
        Limits::default().timeout_ms,
        "{v}"
    );
    let _ = data;
}

#[test]
fn a_wasi_libc_finds_the_preopen_by_its_name_and_lists_and_stats_beneath_it() {
    let (dir, data) = granted_tree();
    let root = data.to_string_lossy().into_owned();
    // prestat of fd 3 and 4; the name of fd 3 to stdout; readdir of fd 3; stat of hello.txt.
    let module = r#"(module
  (import "wasi_snapshot_preview1" "fd_prestat_get" (func $pre (param i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_prestat_dir_name" (func $name (param i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_readdir" (func $readdir (param i32 i32 i32 i64 i32) (result i32)))
  (import "wasi_snapshot_preview1" "path_filestat_get" (func $stat (param i32 i32 i32 i32 i32) (result i32)))
  (import "wasi_snapshot_preview1" "fd_write" (func $write (param i32 i32 i32 i32) (result i32)))
  (memory (export "memory") 2)
  (data (i32.const 2048) "hello.txt")
  (func (export "prestat") (param $fd i32) (result i32)
    (local $e i32)
    (local.set $e (call $pre (local.get $fd) (i32.const 0)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (local.set $e (call $name (local.get $fd) (i32.const 4096) (i32.load (i32.const 4))))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (i32.store (i32.const 16) (i32.const 4096))
    (i32.store (i32.const 20) (i32.load (i32.const 4)))
    (drop (call $write (i32.const 1) (i32.const 16) (i32.const 1) (i32.const 24)))
    (i32.load (i32.const 4)))
  (func (export "readdir") (result i32)
    (local $e i32)
    (local.set $e (call $readdir (i32.const 3) (i32.const 8192) (i32.const 4096) (i64.const 0) (i32.const 0)))
    (if (local.get $e) (then (return (i32.sub (i32.const 0) (local.get $e)))))
    (i32.load (i32.const 0)))
  (func (export "size") (result i64)
    (local $e i32)
    (local.set $e (call $stat (i32.const 3) (i32.const 1) (i32.const 2048) (i32.const 9) (i32.const 64)))
    (if (local.get $e) (then (return (i64.extend_i32_s (i32.sub (i32.const 0) (local.get $e))))))
    (i64.load (i32.const 96))))"#;
    let run = |invoke: &[&str]| {
        let mut tail = vec!["--invoke"];
        tail.extend_from_slice(invoke);
        let (v, _) = run_json(
            dir.path(),
            "libc.wat",
            module.as_bytes(),
            &["--allow-read", root.as_str()],
            &tail,
        );
        assert_eq!(v["outcome"], "ok", "{invoke:?}: {v}");
        v
    };
    let v = run(&["prestat", "3"]);
    assert_eq!(v["value"], root.len(), "{v}");
    assert_eq!(
        v["console"][0]["text"],
        root.as_str(),
        "the guest name is the grant: {v}"
    );
    let v = run(&["prestat", "4"]);
    assert_eq!(
        v["value"], -8,
        "one grant, one preopen (EBADF ends the scan): {v}"
    );
    // environ, fifo, hard, hello.txt, inside, out, sub: 7 dirents of 24 bytes + their names.
    let names = [
        "environ",
        "fifo",
        "hard",
        "hello.txt",
        "inside",
        "out",
        "sub",
    ];
    let want: usize = names.iter().map(|n| 24 + n.len()).sum();
    let v = run(&["readdir"]);
    assert_eq!(v["value"], want, "{v}");
    let v = run(&["size"]);
    assert_eq!(v["value"], 10, "{v}");
    // Without a grant, the same calls find no preopen (as before).
    let (v, _) = run_json(
        dir.path(),
        "libc.wat",
        module.as_bytes(),
        &[],
        &["--invoke", "prestat", "3"],
    );
    assert_eq!(v["value"], -8, "{v}");
}

#[test]
fn invalid_and_oversized_modules_are_usage_errors() {
    let dir = tempfile::tempdir().unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        (
            "bad.wat",
            b"(module (func (result i32)))".to_vec(),
            "invalid module",
        ),
        (
            "syntax.wat",
            b"(module (fnuc))".to_vec(),
            "not a WebAssembly module",
        ),
        (
            "trunc.wasm",
            b"\0asm\x01\0\0\0\x01".to_vec(),
            "invalid module",
        ),
        ("huge.wasm", vec![0u8; 8 * 1024 * 1024 + 1], "limit"),
    ];
    for (name, body, needle) in cases {
        let path = write(dir.path(), name, &body);
        let out = sandbench().arg("run").arg(&path).output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
        assert!(out.stdout.is_empty(), "{name}: no partial output");
        assert!(stderr.contains(needle), "{name}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{name}: one line: {stderr}");
    }
    // A missing export, and wrong arguments, are run errors that say what exists.
    let path = write(
        dir.path(),
        "f.wat",
        br#"(module (func (export "f") (param i32)))"#,
    );
    let out = sandbench()
        .args(["run", "--json"])
        .arg(&path)
        .output()
        .unwrap();
    let v = &json_lines(&String::from_utf8_lossy(&out.stdout))[0];
    assert_eq!(v["outcome"], "error");
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("exports: f"),
        "{v}"
    );
    let out = sandbench()
        .args(["run", "--json"])
        .arg(&path)
        .args(["--invoke", "f", "x"])
        .output()
        .unwrap();
    let v = &json_lines(&String::from_utf8_lossy(&out.stdout))[0];
    assert!(
        v["error"]["message"]
            .as_str()
            .unwrap()
            .contains("not a i32"),
        "{v}"
    );
    // Mixing scripts and modules, or --invoke on a script, are usage errors.
    let js = write(dir.path(), "a.js", "1");
    let out = sandbench().arg("run").arg(&js).arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = sandbench()
        .arg("run")
        .arg(&js)
        .args(["--invoke", "f"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn the_binary_module_runs_like_its_text_and_reports_the_hash_of_the_module() {
    let dir = tempfile::tempdir().unwrap();
    let text = br#"(module (func (export "add") (param i64 i64) (result i64) (i64.add (local.get 0) (local.get 1))))"#;
    let binary = wat::parse_bytes(text).unwrap().into_owned();
    let (a, _) = run_json(
        dir.path(),
        "add.wat",
        text,
        &[],
        &["--invoke", "add", "-5", "9"],
    );
    let (b, _) = run_json(
        dir.path(),
        "add.wasm",
        &binary,
        &[],
        &["--invoke", "add", "-5", "9"],
    );
    assert_eq!(a["value"], 4, "{a}");
    assert_eq!(b["value"], 4, "{b}");
    assert_eq!(a["code_sha256"], b["code_sha256"]);
    assert_eq!(
        b["code_sha256"],
        sandbench::engine::hash::sha256_hex(&binary).as_str()
    );
}

/// The wasm executor over this build's worker, and a request for the module of `wat` with a
/// CPU budget of `timeout_ms` and a wall deadline of `wall_timeout_ms`.
fn on_the_worker(wat: &[u8], timeout_ms: u64, wall_timeout_ms: u64) -> (WasmExecutor, WasmRequest) {
    std::env::set_var(
        "SANDBENCH_WASM_WORKER",
        env!("CARGO_BIN_EXE_sandbench-wasm-worker"),
    );
    let ex = WasmExecutor::new().expect("wasm worker probes fine");
    let module = sandbench::engine::exec::wasm::module_bytes(wat).expect("valid module text");
    let mut limits = Limits::with_timeout(timeout_ms);
    limits.wall_timeout_ms = wall_timeout_ms;
    (ex, WasmRequest::new(module, "t.wat", limits))
}

#[test]
fn the_executor_streams_events_and_the_wall_deadline_kills_the_worker() {
    let (ex, req) = on_the_worker(
        br#"(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1) (data (i32.const 0) "\10\00\00\00\03\00\00\00") (data (i32.const 16) "hi\n")
             (func (export "_start") (drop (call $w (i32.const 2) (i32.const 0) (i32.const 1) (i32.const 8)))
               (loop $l (br $l))))"#,
        300,
        600,
    );
    let mut events = Vec::new();
    let out = ex.run_module(&req, &CancelToken::new(), &mut |e| events.push(e));
    assert_eq!(out.outcome, Outcome::Timeout, "{out:?}");
    assert!(matches!(events.first(), Some(ExecEvent::Started { .. })));
    assert!(matches!(events.last(), Some(ExecEvent::Finished(_))));
    assert!(events.iter().any(
        |e| matches!(e, ExecEvent::Console(c) if c.text == "hi" && c.level == sandbench::engine::exec::ConsoleLevel::Error)
    ));
    // Cancel from another thread ends the run as `cancelled`, promptly.
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let t = std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_millis(100));
        c2.cancel();
    });
    let mut limits = Limits::with_timeout(5000);
    limits.wall_timeout_ms = 10_000;
    let req = WasmRequest { limits, ..req };
    let started = std::time::Instant::now();
    let out = ex.run_module(&req, &cancel, &mut |_| {});
    t.join().unwrap();
    assert_eq!(out.outcome, Outcome::Cancelled, "{out:?}");
    assert!(started.elapsed().as_millis() < 2000);
}

#[test]
fn a_worker_killed_at_the_wall_deadline_keeps_the_console_it_streamed() {
    // Prints 1 KiB lines forever. The consumer is slow (30 ms an event), so the pipe and the
    // parent's bounded queue fill (~300 lines) long before the console cap (1 MiB: ~1,000
    // lines) and the worker waits on the pipe, spending little CPU: the wall deadline, not
    // the CPU budget, ends the run, and the lines that reached the parent are the run's
    // console. (With 4 KiB lines the cap came first: the worker then stopped writing and
    // spun until the deadline, which is the CPU budget's case, not this one.)
    let (ex, req) = on_the_worker(
        br#"(module (import "wasi_snapshot_preview1" "fd_write" (func $w (param i32 i32 i32 i32) (result i32)))
             (memory (export "memory") 1) (data (i32.const 0) "\10\00\00\00\00\04\00\00")
             (func (export "_start")
               (i32.store8 (i32.const 1039) (i32.const 10))
               (loop $l (drop (call $w (i32.const 1) (i32.const 0) (i32.const 1) (i32.const 8))) (br $l))))"#,
        500,
        500,
    );
    // On a thread, so that a parent that hangs fails the test instead of stalling the suite
    // (it did: its frame reader waited forever on a full queue nobody read after the kill).
    let (done_tx, done_rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut relayed = 0usize;
        let out = ex.run_module(&req, &CancelToken::new(), &mut |e| {
            if matches!(e, ExecEvent::Console(_)) {
                relayed += 1;
                std::thread::sleep(std::time::Duration::from_millis(30));
            }
        });
        let _ = done_tx.send((out, relayed));
    });
    let (out, relayed) = done_rx
        .recv_timeout(std::time::Duration::from_secs(60))
        .expect("the run returns after its wall deadline");
    assert_eq!(out.outcome, Outcome::Timeout, "{:?}", out.error);
    assert!(
        out.error
            .as_ref()
            .is_some_and(|e| e.message.contains("wall deadline")),
        "{:?}",
        out.error
    );
    assert!(relayed > 0);
    assert_eq!(
        out.console.len(),
        relayed,
        "the report lists what was shown"
    );
    assert!(!out.console_truncated);
    assert!(out.cpu_ms < 500.0, "{}", out.cpu_ms);
}

#[test]
fn scan_lists_a_modules_imports_and_scores_them() {
    let dir = tempfile::tempdir().unwrap();
    let s = samples::wasm()
        .iter()
        .find(|s| s.name.contains("host-import"))
        .unwrap();
    let path = write(dir.path(), s.name, s.source);
    let out = sandbench()
        .args(["scan", "--format", "json"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "block verdict fails the scan");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let f = &v["files"][0];
    assert_eq!(f["verdict"], "block", "{f}");
    assert_eq!(f["wasm"]["imports"][0], "env.system (func)", "{f}");
    assert_eq!(f["wasm"]["exports"][1], "_start (func)", "{f}");
    // The text report lists the same; a directory walk picks modules up.
    let hello = samples::wasm()
        .iter()
        .find(|s| s.name.contains("hello"))
        .unwrap();
    write(dir.path(), hello.name, hello.source);
    let out = sandbench().arg("scan").arg(dir.path()).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("imports   env.system (func)"), "{text}");
    assert!(
        text.contains("imports   wasi_snapshot_preview1.fd_write (func)"),
        "{text}"
    );
}

#[test]
fn the_wasm_worker_passes_the_lockdown_probe() {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sandbench-wasm-worker"))
        .arg("--probe")
        .env_clear()
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let line = String::from_utf8_lossy(&out.stdout);
    assert!(
        line.starts_with(sandbench::engine::exec::process::PROBE_HANDSHAKE),
        "{line}"
    );
    assert!(
        line.contains(sandbench::engine::exec::process::BUILD_ID),
        "{line}"
    );
    // Run by hand with anything else, it says what it is.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_sandbench-wasm-worker"))
        .arg("--help")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}
