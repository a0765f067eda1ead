//! The out-of-process executor's parent side against hostile and broken workers, and the real
//! locked-down worker.
//!
//! Hostile workers are small shell scripts standing in for a compromised `sandbench worker`:
//! they read the request, then misbehave as the code asks (`MODE_GARBAGE`, `MODE_SEGV`, …).
//! The parent must turn each into a clear outcome, never a panic, a hang or an unbounded
//! buffer, and the same executor instance must run the next request normally.
#![cfg(target_os = "linux")]
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{message, samples, slack};
use sandbench::engine::exec::process::{self, ProcessExecutor};
use sandbench::engine::exec::{
    CancelToken, ExecEvent, ExecOutcome, ExecRequest, Executor, Outcome,
};
use sandbench::engine::policy::Limits;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

struct Fake {
    _dir: tempfile::TempDir,
    script: PathBuf,
    pid_file: PathBuf,
}

/// Writes `script` to `dir/name`, executable, and returns its path.
fn executable(dir: &Path, name: &str, script: &str) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, script).expect("write script");
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    path
}

/// A worker stand-in whose behaviour is chosen by a keyword in the request's code.
fn fake() -> &'static Fake {
    static FAKE: OnceLock<Fake> = OnceLock::new();
    FAKE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("temp dir");
        let pid_file = dir.path().join("pid");
        let mut ok = ExecOutcome::not_run(
            "forged-name",
            &ExecRequest::new("not the code"),
            Outcome::Ok,
            None,
        );
        ok.value = Some(serde_json::json!(4));
        ok.value_display = "4".into();
        ok.code_sha256 = "0".repeat(64);
        let finished = serde_json::to_string(&ExecEvent::Finished(Box::new(ok))).expect("json");
        let console = r#"{"event":"console","level":"log","text":"line"}"#;
        let script = format!(
            r#"#!/bin/sh
echo ready
req=$(cat)
case "$req" in
  *MODE_GARBAGE*) echo 'this is not a frame'; exit 0 ;;
  *MODE_UNKNOWN_EVENT*) echo '{{"event":"format_disk"}}'; exit 0 ;;
  *MODE_HUGE_FRAME*) head -c 20000000 /dev/zero | tr '\000' 'a'; exit 0 ;;
  *MODE_SEGV*) echo '{console}'; kill -SEGV $$ ;;
  *MODE_EXIT3*) echo 'worker exploded: details here' >&2; exit 3 ;;
  *MODE_SILENT_EXIT*) exit 0 ;;
  *MODE_ALLOC_ABORT*) echo 'memory allocation of 1048576 bytes failed' >&2; kill -ABRT $$ ;;
  *MODE_HANG*) echo $$ > '{pid}'; exec sleep 30 ;;
  *MODE_TALK_FOREVER*) while :; do echo '{console}'; done ;;
  *MODE_STDERR_FOREVER*) while :; do echo 'noise on stderr, never a report' >&2; done ;;
  *MODE_FLOOD*) i=0; while [ $i -lt 2000 ]; do echo '{console}'; i=$((i+1)); done; echo '{finished}' ;;
  *) echo '{console}'; echo '{finished}' ;;
esac
"#,
            pid = pid_file.display()
        );
        let path = executable(dir.path(), "fake-worker", &script);
        Fake {
            _dir: dir,
            script: path,
            pid_file,
        }
    })
}

fn run_with(
    exec: &ProcessExecutor,
    code: &str,
    limits: Limits,
    cancel: &CancelToken,
) -> (ExecOutcome, Vec<ExecEvent>) {
    let mut req = ExecRequest::new(code);
    req.limits = limits;
    let mut events = Vec::new();
    let out = exec.run(&req, cancel, &mut |e| events.push(e));
    (out, events)
}

/// Runs `mode` on a fresh executor using the fake worker, with [`quick_limits`]: the outcome,
/// its events and how long the run took.
fn run_fake(mode: &str) -> (ExecOutcome, Vec<ExecEvent>, Duration) {
    let exec = ProcessExecutor::with_program(&fake().script);
    let t0 = Instant::now();
    let (out, events) = run_with(&exec, mode, quick_limits(), &CancelToken::new());
    (out, events, t0.elapsed())
}

fn quick_limits() -> Limits {
    budget(300, 600)
}

/// Default limits with a CPU budget and a wall deadline, in milliseconds.
fn budget(timeout_ms: u64, wall_timeout_ms: u64) -> Limits {
    Limits {
        timeout_ms,
        wall_timeout_ms,
        ..Limits::default()
    }
}

#[test]
fn a_well_behaved_worker_report_is_accepted_with_the_parents_identity_fields() {
    let exec = ProcessExecutor::with_program(&fake().script);
    let code = "2 + 2";
    let (out, events) = run_with(&exec, code, quick_limits(), &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Ok, "{out:?}");
    assert_eq!(out.value, Some(serde_json::json!(4)));
    // The worker forged these: the parent's own values stand.
    assert_eq!(out.executor, "quickjs-process");
    assert_eq!(
        out.code_sha256,
        sandbench::engine::hash::sha256_hex(code.as_bytes())
    );
    assert_eq!(out.limits.wall_timeout_ms, 600);
    assert!(
        matches!(events.first(), Some(ExecEvent::Started { executor, .. }) if executor == "quickjs-process")
    );
    assert!(matches!(events.last(), Some(ExecEvent::Finished(_))));
    assert!(events
        .iter()
        .any(|e| matches!(e, ExecEvent::Console(l) if l.text == "line")));
}

#[test]
fn malformed_frames_are_reported_as_crashed() {
    let exec = ProcessExecutor::with_program(&fake().script);
    for (mode, expect) in [
        ("MODE_GARBAGE", "malformed frame"),
        ("MODE_UNKNOWN_EVENT", "malformed frame"),
    ] {
        let (out, _) = run_with(&exec, mode, quick_limits(), &CancelToken::new());
        assert_eq!(out.outcome, Outcome::Crashed, "{mode}: {out:?}");
        assert!(message(&out).contains(expect), "{mode}: {}", message(&out));
    }
    // The same executor still runs the next request.
    let (out, _) = run_with(&exec, "ok", quick_limits(), &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Ok);
}

#[test]
fn an_oversized_frame_is_cut_off_not_buffered() {
    let exec = ProcessExecutor::with_program(&fake().script);
    let limits = Limits {
        console_max_bytes: 1024,
        ..quick_limits()
    };
    let cap = process::max_frame_bytes(1024);
    assert!(cap < 20_000_000, "the fake must send more than the cap");
    let (out, _) = run_with(&exec, "MODE_HUGE_FRAME", limits, &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Crashed);
    assert!(
        message(&out).contains(&format!("frame over {cap} bytes")),
        "{}",
        message(&out)
    );
}

#[test]
fn a_worker_dying_by_a_signal_is_crashed_with_the_signal_named() {
    let (out, _, _) = run_fake("MODE_SEGV");
    assert_eq!(out.outcome, Outcome::Crashed);
    assert!(message(&out).contains("SIGSEGV"), "{}", message(&out));
    // What it printed before dying is kept.
    assert_eq!(out.console.len(), 1);
}

#[test]
fn a_worker_aborting_on_a_failed_allocation_is_a_memory_limit() {
    let (out, _, _) = run_fake("MODE_ALLOC_ABORT");
    assert_eq!(out.outcome, Outcome::MemoryLimit, "{out:?}");
    assert!(message(&out).contains("SIGABRT"), "{}", message(&out));
}

#[test]
fn an_abnormal_exit_is_crashed_with_status_and_stderr() {
    let (out, _, _) = run_fake("MODE_EXIT3");
    assert_eq!(out.outcome, Outcome::Crashed);
    let m = message(&out);
    assert!(
        m.contains("exit status 3") && m.contains("worker exploded"),
        "{m}"
    );
    let (out, _, _) = run_fake("MODE_SILENT_EXIT");
    assert_eq!(out.outcome, Outcome::Crashed);
    assert!(message(&out).contains("exit status 0 before finishing"));
}

#[test]
fn a_hung_worker_is_killed_at_the_wall_deadline_with_samples_meanwhile() {
    let (out, events, took) = run_fake("MODE_HANG");
    assert_eq!(out.outcome, Outcome::Timeout);
    assert!(took >= Duration::from_millis(600), "{took:?}");
    assert!(
        took < Duration::from_millis(600) + slack(Duration::from_millis(500)),
        "{took:?}"
    );
    // ≥ 20 samples a second of the child's real RSS.
    let samples = samples(&events);
    assert!(samples.len() >= 12, "{} samples", samples.len());
    assert!(samples.iter().all(|s| s.memory_bytes > 0));
}

/// A thread that looks for a process with `find` (every 5 ms, for up to 2 s) and, `grace`
/// after it is found, kills it with SIGKILL. It returns whether it found one.
fn kill_when_found(
    grace: Duration,
    find: impl Fn() -> Option<i32> + Send + 'static,
) -> std::thread::JoinHandle<bool> {
    std::thread::spawn(move || {
        for _ in 0..400 {
            if let Some(pid) = find() {
                std::thread::sleep(grace);
                // SAFETY: a pid of a worker this test started.
                unsafe { libc::kill(pid, libc::SIGKILL) };
                return true;
            }
            std::thread::sleep(Duration::from_millis(5));
        }
        false
    })
}

/// Runs `code` on `exec` while `killer` kills its worker: the run ends `crashed` by SIGKILL,
/// within 5 s.
#[track_caller]
fn assert_killed(
    exec: &ProcessExecutor,
    code: &str,
    limits: Limits,
    killer: std::thread::JoinHandle<bool>,
) {
    let t0 = Instant::now();
    let (out, _) = run_with(exec, code, limits, &CancelToken::new());
    assert!(
        killer.join().expect("killer thread"),
        "no worker found to kill"
    );
    assert_eq!(out.outcome, Outcome::Crashed, "{out:?}");
    assert!(message(&out).contains("SIGKILL"), "{}", message(&out));
    assert!(t0.elapsed() < slack(Duration::from_secs(5)));
}

#[test]
fn a_worker_killed_from_outside_is_crashed_and_the_next_run_works() {
    let f = fake();
    let exec = ProcessExecutor::with_program(&f.script);
    let _ = std::fs::remove_file(&f.pid_file);
    let limits = budget(5000, 10_000);
    // The pid the fake worker wrote for us.
    let killer = kill_when_found(Duration::ZERO, || {
        std::fs::read_to_string(&fake().pid_file)
            .ok()
            .and_then(|s| s.trim().parse::<i32>().ok())
    });
    assert_killed(&exec, "MODE_HANG", limits, killer);
    let (out, _) = run_with(&exec, "2 + 2", limits, &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Ok);
}

#[test]
fn cancel_kills_the_worker_promptly() {
    let exec = ProcessExecutor::with_program(&fake().script);
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(150));
        c2.cancel();
        Instant::now()
    });
    let limits = budget(5000, 10_000);
    let (out, _) = run_with(&exec, "MODE_HANG", limits, &cancel);
    let returned = Instant::now();
    let cancelled_at = canceller.join().expect("canceller");
    assert_eq!(out.outcome, Outcome::Cancelled);
    // The brief's bound is 50 ms; allow scheduling noise on a loaded 2-core machine.
    let lag = returned.saturating_duration_since(cancelled_at);
    assert!(
        lag < Duration::from_millis(50) + slack(Duration::from_millis(200)),
        "{lag:?}"
    );
}

#[test]
fn a_console_flood_from_the_worker_is_capped_by_the_parent() {
    let exec = ProcessExecutor::with_program(&fake().script);
    let limits = Limits {
        console_max_lines: 10,
        ..quick_limits()
    };
    let (out, events) = run_with(&exec, "MODE_FLOOD", limits, &CancelToken::new());
    let forwarded = events
        .iter()
        .filter(|e| matches!(e, ExecEvent::Console(_)))
        .count();
    assert!(forwarded <= 11, "{forwarded} console events forwarded");
    assert!(out.console_truncated);
    assert!(out.console.len() <= 11);
}

#[test]
fn a_missing_worker_program_is_a_clear_crash_and_probe_explains_it() {
    let exec = ProcessExecutor::with_program("/nonexistent/sandbench");
    let (out, _) = run_with(&exec, "1", quick_limits(), &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Crashed);
    assert!(message(&out).contains("cannot start worker /nonexistent/sandbench"));
    // A program that starts but never becomes a worker.
    let exec = ProcessExecutor::with_program("/bin/false");
    let (out, _) = run_with(&exec, "1", quick_limits(), &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Crashed);
    assert!(
        message(&out).contains("exit status 1 while starting"),
        "{}",
        message(&out)
    );
    let err = process::probe(std::path::Path::new("/nonexistent/sandbench"))
        .expect_err("probe")
        .to_string();
    assert!(err.contains("cannot start worker"), "{err}");
    // A program that runs but is not a worker.
    let err = process::probe(std::path::Path::new("/bin/false"))
        .expect_err("probe")
        .to_string();
    assert!(err.contains("not runnable as a sandbench worker"), "{err}");
}

/// The worker programs of this build: the dedicated one `sandbench` prefers, and `sandbench`
/// itself re-executed in worker mode (its fallback).
const WORKER_PROGRAMS: [&str; 2] = [
    env!("CARGO_BIN_EXE_sandbench-worker"),
    env!("CARGO_BIN_EXE_sandbench"),
];

#[test]
fn the_real_worker_passes_its_probe() {
    for program in WORKER_PROGRAMS {
        // It reports one of the Landlock states (a word it cannot name fails the probe).
        process::probe(std::path::Path::new(program)).expect("probe");
    }
}

#[test]
fn a_worker_from_another_build_is_refused_by_the_probe() {
    let dir = tempfile::tempdir().expect("temp dir");
    let path = executable(
        dir.path(),
        "sandbench-worker",
        "#!/bin/sh\necho 'sandbench-worker-probe v2 build 0123456789abcdef Landlock unsupported'\n",
    );
    let err = process::probe(&path)
        .expect_err("a stale worker must not pass")
        .to_string();
    assert!(err.contains("a worker from another build"), "{err}");
    assert!(err.contains(process::BUILD_ID), "{err}");
}

#[test]
fn both_worker_programs_run_the_same_locked_down_engine() {
    let code = r#"
        let reached = [];
        try { reached.push(typeof this.constructor.constructor('return process')()); } catch (e) {}
        try { require('fs'); } catch (e) { reached.push(e.message); }
        try { reached.push(typeof process.env); } catch (e) { reached.push(e.message); }
        reached.join(' | ')
    "#;
    for program in WORKER_PROGRAMS {
        let exec = ProcessExecutor::with_program(program);
        let (out, _) = run_with(&exec, code, Limits::default(), &CancelToken::new());
        assert_eq!(out.outcome, Outcome::Ok, "{program}: {out:?}");
        assert_eq!(
            out.value,
            Some(serde_json::json!(
                "Module 'fs' is not allowed in sandbox | process is not available in sandbox"
            )),
            "{program}"
        );
        let caps: Vec<&str> = out.blocked.iter().map(|b| b.capability.as_str()).collect();
        assert!(caps.contains(&"Function"), "{program}: {caps:?}");
        assert!(caps.contains(&"fs"), "{program}: {caps:?}");
        assert!(caps.contains(&"process"), "{program}: {caps:?}");
    }
}

/// Runs the dedicated worker by hand with `stdin` as its whole input: (exit code, stdout).
fn drive_worker(stdin: &[u8]) -> (Option<i32>, String) {
    drive_worker_with_stack(stdin, None)
}

/// As [`drive_worker`], with the worker's RLIMIT_STACK set to `stack` bytes.
fn drive_worker_with_stack(stdin: &[u8], stack: Option<u64>) -> (Option<i32>, String) {
    use std::io::Write;
    use std::os::unix::process::CommandExt;
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_sandbench-worker"));
    if let Some(bytes) = stack {
        // SAFETY: only setrlimit (async-signal-safe) runs between fork and exec.
        unsafe {
            cmd.pre_exec(move || {
                let lim = libc::rlimit {
                    rlim_cur: bytes,
                    rlim_max: libc::RLIM_INFINITY,
                };
                if libc::setrlimit(libc::RLIMIT_STACK, &lim) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
    }
    let mut child = cmd
        .args(["worker", "--memory-mb", "128", "--wall-timeout-ms", "10000"])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("start the worker");
    let mut input = child.stdin.take().expect("stdin");
    let bytes = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&bytes);
    });
    let out = child.wait_with_output().expect("worker output");
    let _ = writer.join();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
    )
}

#[test]
fn a_waiting_worker_has_no_environment_and_an_empty_removed_working_directory() {
    // The parent starts it as for every run (this test process has an environment to lose).
    let exec = real(1);
    exec.prewarm(&Limits::default());
    let me = std::process::id();
    // Every worker child of this process (other tests run theirs meanwhile; one may end
    // between listing and reading: those are skipped).
    let mut checked = 0;
    for pid in std::fs::read_dir("/proc")
        .expect("/proc")
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.parse::<u32>().ok())
    {
        let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
        // pid (comm) state ppid …: comm may hold spaces, so split after the last ')'.
        let ppid = stat
            .rsplit_once(')')
            .and_then(|(_, rest)| rest.split_whitespace().nth(1))
            .and_then(|p| p.parse::<u32>().ok());
        if ppid != Some(me) || !stat.contains("(sandbench-work") {
            continue;
        }
        let (Ok(environ), Ok(cwd)) = (
            std::fs::read(format!("/proc/{pid}/environ")),
            std::fs::read_link(format!("/proc/{pid}/cwd")),
        ) else {
            continue;
        };
        assert!(environ.is_empty(), "{}", String::from_utf8_lossy(&environ));
        let cwd = cwd.to_string_lossy().into_owned();
        if cwd == "/" {
            continue; // another test's worker, started but not yet locked down
        }
        assert!(cwd.ends_with(" (deleted)"), "{cwd}");
        assert!(cwd.contains("sandbench-cwd-"), "{cwd}");
        checked += 1;
    }
    // At least the pooled worker (locked down before it said it was ready).
    assert!(checked >= 1, "no locked-down worker found");
    // The pool's worker still serves a run.
    let (out, _) = run_with(&exec, "6 * 7", Limits::default(), &CancelToken::new());
    assert_eq!(out.value, Some(serde_json::json!(42)));
}

fn preamble(build: &[u8], bytecode: &[u8]) -> Vec<u8> {
    let mut v = process::SETUP_MAGIC.to_vec();
    v.extend_from_slice(build);
    v.extend_from_slice(&(bytecode.len() as u32).to_le_bytes());
    v.extend_from_slice(bytecode);
    v
}

/// The host code section with `entries` (name, bytecode).
fn host_code(entries: &[(&str, &[u8])]) -> Vec<u8> {
    let mut v = process::HOST_CODE_MAGIC.to_vec();
    v.extend_from_slice(&(entries.len() as u16).to_le_bytes());
    for (name, bytes) in entries {
        v.push(name.len() as u8);
        v.extend_from_slice(name.as_bytes());
        v.extend_from_slice(&(bytes.len() as u32).to_le_bytes());
        v.extend_from_slice(bytes);
    }
    v
}

/// A request as the parent sends it: an empty host code section, then the request.
fn request_json(code: &str) -> Vec<u8> {
    let mut v = host_code(&[]);
    v.extend(serde_json::to_vec(&ExecRequest::new(code)).expect("json"));
    v
}

#[test]
fn the_worker_takes_the_setup_bytecode_only_from_a_parent_of_its_own_build() {
    let ours = process::BUILD_ID.as_bytes();
    let setup = sandbench::engine::exec::quickjs::setup_bytecode().expect("setup compiles");
    // Our build, our bytecode: the normal case.
    let mut input = preamble(ours, setup);
    input.extend(request_json("6 * 7"));
    let (code, out) = drive_worker(&input);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(r#""outcome":"ok","value":42"#), "{out}");
    // Another build: its bytecode (here junk) is ignored and the worker compiles its own.
    let mut input = preamble(b"0123456789abcdef", b"not bytecode");
    input.extend(request_json("6 * 7"));
    let (code, out) = drive_worker(&input);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(r#""outcome":"ok","value":42"#), "{out}");
    // Another build's host code (here junk in place of `path`) is ignored too: the worker
    // compiles `path` itself.
    let mut input = preamble(b"0123456789abcdef", b"not bytecode");
    input.extend(host_code(&[("path", b"not bytecode")]));
    input.extend(
        serde_json::to_vec(&ExecRequest::new("require('path').join('a', 'b')")).expect("json"),
    );
    let (code, out) = drive_worker(&input);
    assert_eq!(code, Some(0), "{out}");
    assert!(out.contains(r#""outcome":"ok","value":"a/b""#), "{out}");
    // A request without the host code section: a clear report, not a run.
    let mut input = preamble(ours, setup);
    input.extend(serde_json::to_vec(&ExecRequest::new("6 * 7")).expect("json"));
    let (_, out) = drive_worker(&input);
    assert!(!out.contains(r#""value":42"#), "{out}");
    assert!(out.contains("host code section"), "{out}");
    // Our build id with bytes QuickJS cannot read: a clear report, not a crash.
    let mut input = preamble(ours, b"junk");
    input.extend(request_json("6 * 7"));
    let (_, out) = drive_worker(&input);
    assert!(out.contains(r#""outcome":"crashed""#), "{out}");
    assert!(out.contains("host bridge setup failed"), "{out}");
}

#[test]
fn deep_nesting_is_a_stack_overflow_not_a_crash_even_with_a_small_main_stack() {
    let setup = sandbench::engine::exec::quickjs::setup_bytecode().expect("setup compiles");
    let code = format!("{}1{}", "[".repeat(45_000), "]".repeat(45_000));
    let mut input = preamble(process::BUILD_ID.as_bytes(), setup);
    input.extend(request_json(&code));
    // The main thread compiles when its stack may grow enough; the engine thread otherwise.
    for stack in [None, Some(256 * 1024)] {
        let (code, out) = drive_worker_with_stack(&input, stack);
        assert_eq!(code, Some(0), "{stack:?}: {out}");
        // The parser ran out of the run's stack: the run's limit, reported as such.
        assert!(
            out.contains(r#""outcome":"stack_overflow""#),
            "{stack:?}: {out}"
        );
        assert!(
            out.contains("Maximum call stack size exceeded"),
            "{stack:?}: {out}"
        );
    }
}

#[test]
fn a_worker_refuses_input_without_a_well_formed_setup_preamble() {
    // A bare request (no preamble).
    let (_, out) = drive_worker(&request_json("1"));
    assert!(out.contains(r#""outcome":"crashed""#), "{out}");
    assert!(
        out.contains("does not start with the setup preamble"),
        "{out}"
    );
    // A declared bytecode length over the limit.
    let mut input = process::SETUP_MAGIC.to_vec();
    input.extend_from_slice(process::BUILD_ID.as_bytes());
    input.extend_from_slice(&u32::MAX.to_le_bytes());
    let (_, out) = drive_worker(&input);
    assert!(out.contains("is over the limit"), "{out}");
    // Cut short inside the header, and inside the bytecode.
    let (_, out) = drive_worker(&process::SETUP_MAGIC[..5]);
    assert!(out.contains("the setup preamble ended early"), "{out}");
    let mut input = preamble(process::BUILD_ID.as_bytes(), b"0123456789");
    input.truncate(input.len() - 4);
    let (_, out) = drive_worker(&input);
    assert!(out.contains("reading the setup bytecode"), "{out}");
    // Nothing at all (a worker the parent gave up on before it was ready): a quiet exit.
    let (code, out) = drive_worker(b"");
    assert_eq!((code, out.as_str()), (Some(0), ""));
}

#[test]
fn a_pooled_worker_serves_the_next_request() {
    let exec = ProcessExecutor::with_program(&fake().script).with_pool(2);
    exec.prewarm(&quick_limits());
    assert_eq!(exec.idle_workers(), 2);
    let (out, _) = run_with(&exec, "2 + 2", quick_limits(), &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Ok);
    // Different limits: the pool's workers are locked for other limits and are not used.
    let (out, _) = run_with(&exec, "2 + 2", Limits::default(), &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Ok);
}

fn p50(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Benchmark, not a timed test: run with
/// `cargo test --release --test exec_process -- --ignored --nocapture bench_`.
#[test]
#[ignore = "benchmark: run explicitly in release mode"]
fn bench_cold_child_and_warm_pool_latency() {
    let bin = env!("CARGO_BIN_EXE_sandbench-worker");
    let limits = Limits::default();
    let n = 200;
    let cold = ProcessExecutor::with_program(bin);
    let mut cold_times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let (out, _) = run_with(&cold, "2 + 2", limits, &CancelToken::new());
        cold_times.push(t.elapsed());
        assert_ne!(
            out.error.as_ref().map(|e| e.name.as_str()),
            Some("WorkerError")
        );
    }
    let warm = ProcessExecutor::with_program(bin).with_pool(1);
    warm.prewarm(&limits);
    let mut warm_times = Vec::with_capacity(n);
    for _ in 0..n {
        // Untimed: wait for the pool to refill, as it does between interactive runs.
        let t = Instant::now();
        while warm.idle_workers() == 0 && t.elapsed() < Duration::from_secs(2) {
            std::thread::sleep(Duration::from_micros(200));
        }
        let t = Instant::now();
        let (out, _) = run_with(&warm, "2 + 2", limits, &CancelToken::new());
        warm_times.push(t.elapsed());
        assert_ne!(
            out.error.as_ref().map(|e| e.name.as_str()),
            Some("WorkerError")
        );
    }
    // Cancel latency: cancel a busy worker, time until `run` returns.
    let mut cancel_lags = Vec::new();
    for _ in 0..20 {
        let cancel = CancelToken::new();
        let c2 = cancel.clone();
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(30));
            c2.cancel();
            Instant::now()
        });
        let (out, _) = run_with(&warm, "for (;;) {}", limits, &cancel);
        let lag = Instant::now().saturating_duration_since(t.join().expect("canceller"));
        assert_eq!(out.outcome, Outcome::Cancelled);
        cancel_lags.push(lag);
    }
    let cancel_max = cancel_lags.iter().max().copied().unwrap_or_default();
    // For reference: the same run in process (fresh runtime on a fresh thread).
    let inproc = sandbench::engine::exec::quickjs::QuickJsExecutor::new();
    let mut in_times = Vec::with_capacity(n);
    for _ in 0..n {
        let t = Instant::now();
        let (out, _) = {
            let mut req = ExecRequest::new("2 + 2");
            req.limits = limits;
            (inproc.run(&req, &CancelToken::new(), &mut |_| {}), ())
        };
        in_times.push(t.elapsed());
        assert_eq!(out.outcome, Outcome::Ok);
    }
    println!(
        "quickjs-process `2 + 2`: cold child p50 {:.3} ms, warm pool p50 {:.3} ms; \
         in-process quickjs p50 {:.3} ms ({n} runs each); cancel→return p50 {:.2} ms, \
         max {:.2} ms (20 runs)",
        p50(cold_times).as_secs_f64() * 1000.0,
        p50(warm_times).as_secs_f64() * 1000.0,
        p50(in_times).as_secs_f64() * 1000.0,
        p50(cancel_lags).as_secs_f64() * 1000.0,
        cancel_max.as_secs_f64() * 1000.0
    );
}

#[test]
fn executors_lists_both_and_auto_picks_the_process_executor() {
    let out = assert_cmd::Command::new(env!("CARGO_BIN_EXE_sandbench"))
        .args(["executors", "--json"])
        .output()
        .expect("run sandbench");
    assert!(out.status.success());
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(v["auto"], "quickjs-process");
    let list = v["executors"].as_array().expect("executors array");
    let find = |name: &str| {
        list.iter()
            .find(|e| e["name"] == name)
            .cloned()
            .unwrap_or_else(|| panic!("{name} missing from {v}"))
    };
    let proc = find("quickjs-process");
    assert_eq!(proc["available"], true, "{proc}");
    assert!(proc["reason"]
        .as_str()
        .is_some_and(|r| r.contains("seccomp")));
    let inproc = find("quickjs");
    assert!(inproc["strength"].as_u64() < proc["strength"].as_u64());
    assert!(inproc["warning"]
        .as_str()
        .is_some_and(|w| w.contains("affects the workbench itself")));

    let text = assert_cmd::Command::new(env!("CARGO_BIN_EXE_sandbench"))
        .arg("executors")
        .output()
        .expect("run sandbench");
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.lines().any(|l| l.starts_with("* quickjs-process")),
        "{text}"
    );
    assert!(text.contains("auto → quickjs-process"), "{text}");
}

#[test]
fn executors_says_why_the_process_executor_is_unavailable() {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_sandbench"));
    cmd.env(process::WORKER_ENV, "/bin/false");
    let (v, proc) = executors_json(cmd);
    assert_eq!(v["auto"], "quickjs", "{v}");
    assert_eq!(proc["available"], false);
    assert_reason(&proc, "/bin/false is not runnable as a sandbench worker");
}

/// `executors --json` of `cmd`: the whole document and the process executor's entry.
fn executors_json(mut cmd: assert_cmd::Command) -> (serde_json::Value, serde_json::Value) {
    let out = cmd
        .args(["executors", "--json"])
        .output()
        .expect("run sandbench");
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).expect("json");
    let proc = v["executors"]
        .as_array()
        .and_then(|l| l.iter().find(|e| e["name"] == "quickjs-process"))
        .cloned()
        .expect("listed");
    (v, proc)
}

fn assert_reason(entry: &serde_json::Value, part: &str) {
    assert!(
        entry["reason"].as_str().is_some_and(|r| r.contains(part)),
        "{entry}"
    );
}

#[test]
fn sandbench_alone_re_executes_itself_as_the_worker() {
    // `sandbench` with no `sandbench-worker` next to it: it declares that it serves `worker`,
    // so it is its own worker (the guard against self-probing must not refuse it).
    let dir = tempfile::tempdir().expect("temp dir");
    let alone = dir.path().join("sandbench");
    let bin = env!("CARGO_BIN_EXE_sandbench");
    if std::fs::hard_link(bin, &alone).is_err() {
        std::fs::copy(bin, &alone).expect("copy sandbench");
    }
    let mut cmd = assert_cmd::Command::new(&alone);
    cmd.env_remove(process::WORKER_ENV);
    let (_, proc) = executors_json(cmd);
    assert_eq!(proc["available"], true, "{proc}");
    assert_reason(&proc, "worker program sandbench");
}

#[test]
fn a_probe_that_times_out_kills_the_whole_process_group() {
    // A worker stand-in that starts a helper of its own, then never answers the probe.
    let dir = tempfile::tempdir().expect("temp dir");
    let pid_file = dir.path().join("helper-pid");
    let script = executable(
        dir.path(),
        "silent-worker",
        &format!(
            "#!/bin/sh\nsleep 60 &\necho $! > '{}'\nexec sleep 60\n",
            pid_file.display()
        ),
    );
    let err = process::probe(&script).expect_err("it never answers");
    assert!(matches!(err, process::ProbeError::Timeout { .. }), "{err}");
    let helper = std::fs::read_to_string(&pid_file).expect("the helper started");
    let stat = PathBuf::from(format!("/proc/{}/stat", helper.trim()));
    // Killed with its group: gone, or a zombie until init reaps it.
    let deadline = Instant::now() + Duration::from_secs(5);
    loop {
        let state = std::fs::read_to_string(&stat)
            .ok()
            .and_then(|s| s.rsplit(") ").next().and_then(|r| r.chars().next()));
        if matches!(state, None | Some('Z')) {
            break;
        }
        assert!(
            Instant::now() < deadline,
            "the helper {} outlived the probe",
            helper.trim()
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn real(pool: usize) -> ProcessExecutor {
    ProcessExecutor::with_program(env!("CARGO_BIN_EXE_sandbench-worker")).with_pool(pool)
}

fn threads_of_this_process() -> usize {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("Threads:"))
                .and_then(|n| n.trim().parse().ok())
        })
        .unwrap_or(0)
}

#[test]
fn the_real_worker_gives_the_same_results_as_the_in_process_engine() {
    use sandbench::engine::exec::quickjs::QuickJsExecutor;
    let inproc = QuickJsExecutor::new();
    let outproc = real(1);
    let scripts = [
        "2 + 2",
        "console.log('a', 1); console.warn('b'); ({x: [1, 2n.toString(), 'é\\u0000']})",
        "class A { #v = 3; get v() { return this.#v } }; new A().v * 2",
        "new Date(Date.UTC(2020, 1, 29)).toISOString()",
        "JSON.stringify([...new Map([[1, 'a']])])",
        "(async () => { await null; return 'later' })()",
        "new Promise(() => {})",
        "throw new TypeError('nope')",
        "require('fs')",
        "process.exit(1)",
        "[].constructor.constructor('return this')()",
        "Object.prototype.polluted = 1",
        "function f() { f() } f()",
        "'x'.repeat(10)",
    ];
    for code in scripts {
        let mut req = ExecRequest::new(code);
        req.limits = quick_limits();
        let a = inproc.run(&req, &CancelToken::new(), &mut |_| {});
        let b = outproc.run(&req, &CancelToken::new(), &mut |_| {});
        assert_eq!(b.executor, "quickjs-process");
        assert_eq!(a.outcome, b.outcome, "{code}: {b:?}");
        assert_eq!(a.value, b.value, "{code}");
        assert_eq!(a.value_display, b.value_display, "{code}");
        assert_eq!(a.console, b.console, "{code}");
        assert_eq!(a.blocked, b.blocked, "{code}");
        assert_eq!(
            a.error.as_ref().map(|e| (&e.name, &e.message)),
            b.error.as_ref().map(|e| (&e.name, &e.message)),
            "{code}"
        );
    }
}

#[test]
fn a_builtin_that_ignores_the_interrupt_is_killed_by_the_wall_deadline() {
    let exec = real(0);
    let limits = budget(100, 300);
    let threads_before = threads_of_this_process();
    let t0 = Instant::now();
    let (out, _) = run_with(
        &exec,
        "Array.prototype.copyWithin.call({length: 2**32-1, 0: 1}, 0, 1)",
        limits,
        &CancelToken::new(),
    );
    let took = t0.elapsed();
    assert_eq!(out.outcome, Outcome::Timeout, "{out:?}");
    assert!(
        took < Duration::from_millis(300) + slack(Duration::from_millis(500)),
        "{took:?}"
    );
    // Out of process nothing is left behind in the host: no runaway thread.
    assert_eq!(out.runaway_threads, 0);
    assert!(threads_of_this_process() <= threads_before + 1);
    let (out, _) = run_with(&exec, "6 * 7", limits, &CancelToken::new());
    assert_eq!(out.value, Some(serde_json::json!(42)));
}

/// Pids of this process's live children whose command line contains `needle`.
fn children_matching(needle: &str) -> Vec<i32> {
    let me = std::process::id().to_string();
    let mut pids = Vec::new();
    for entry in std::fs::read_dir("/proc").into_iter().flatten().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let stat = std::fs::read_to_string(entry.path().join("stat")).unwrap_or_default();
        let after = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let mut f = after.split_whitespace();
        let (state, ppid) = (f.next(), f.next());
        if ppid != Some(me.as_str()) || state == Some("Z") {
            continue;
        }
        let cmd = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        if String::from_utf8_lossy(&cmd)
            .replace('\0', " ")
            .contains(needle)
        {
            pids.push(pid);
        }
    }
    pids
}

#[test]
fn a_real_worker_killed_mid_run_is_crashed_and_the_next_run_works() {
    let exec = real(0);
    // A wall timeout no other test uses, to find this run's worker among our children.
    let limits = budget(9_000, 9_871);
    // Our own child; given 50 ms to get into the loop.
    let killer = kill_when_found(Duration::from_millis(50), || {
        children_matching("--wall-timeout-ms 9871").first().copied()
    });
    assert_killed(&exec, "for (;;) {}", limits, killer);
    let (out, _) = run_with(&exec, "'still ' + 'fine'", limits, &CancelToken::new());
    assert_eq!(out.value, Some(serde_json::json!("still fine")));
}

#[test]
fn cancelling_a_real_busy_worker_is_prompt() {
    let exec = real(0);
    let cancel = CancelToken::new();
    let c2 = cancel.clone();
    let canceller = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(200));
        c2.cancel();
        Instant::now()
    });
    let (out, events) = run_with(&exec, "for (;;) {}", Limits::default(), &cancel);
    let lag = Instant::now().saturating_duration_since(canceller.join().expect("canceller"));
    assert_eq!(out.outcome, Outcome::Cancelled);
    assert!(
        lag < Duration::from_millis(50) + slack(Duration::from_millis(200)),
        "{lag:?}"
    );
    // The busy child was sampled while it ran: CPU time climbs.
    let cpu: Vec<f64> = events
        .iter()
        .filter_map(|e| match e {
            ExecEvent::Sample(s) => Some(s.cpu_ms),
            _ => None,
        })
        .collect();
    assert!(cpu.len() >= 4, "{} samples", cpu.len());
    assert!(cpu.last() > cpu.first(), "{cpu:?}");
}

#[test]
fn the_address_space_rlimit_leaves_room_for_every_memory_limit() {
    use sandbench::engine::exec::quickjs::QuickJsExecutor;
    let inproc = QuickJsExecutor::new();
    let exec = real(0);
    for memory_mb in [1, 16, 512] {
        for code in [
            "2 + 2",
            "let a = []; for (;;) a.push('x'.repeat(1 << 20) + a.length)",
        ] {
            let mut req = ExecRequest::new(code);
            req.limits = Limits {
                memory_mb,
                timeout_ms: 5_000,
                wall_timeout_ms: 10_000,
                ..Limits::default()
            };
            let a = inproc.run(&req, &CancelToken::new(), &mut |_| {});
            let b = exec.run(&req, &CancelToken::new(), &mut |_| {});
            assert_eq!(a.outcome, b.outcome, "{memory_mb} MB, {code}: {b:?}");
            assert_ne!(b.outcome, Outcome::Crashed, "{memory_mb} MB, {code}");
        }
    }
}

#[test]
fn the_smallest_wall_timeout_is_a_timeout_not_a_startup_failure() {
    // Starting a worker takes longer than 1 ms; that time is not the script's.
    let exec = real(0);
    let limits = budget(1, 1);
    let (out, _) = run_with(&exec, "for (;;) {}", limits, &CancelToken::new());
    assert_eq!(out.outcome, Outcome::Timeout, "{out:?}");
}

#[test]
fn a_worker_that_never_stops_talking_is_still_killed_on_a_bound() {
    let (out, _, took) = run_fake("MODE_TALK_FOREVER");
    // Whichever bound comes first: the wall deadline, or (a fast machine fills it in time)
    // the cap on the total output of one run.
    let output_cap = out.outcome == Outcome::Crashed && message(&out).contains("output exceeded");
    assert!(
        out.outcome == Outcome::Timeout || output_cap,
        "{:?}: {}",
        out.outcome,
        message(&out)
    );
    // Killed at the wall deadline of 600 ms, however much it is still sending.
    assert!(
        took < Duration::from_millis(600) + slack(Duration::from_millis(300)),
        "{took:?}"
    );
    assert!(out.console.len() <= quick_limits().console_max_lines + 1);
}

#[test]
fn a_worker_flooding_stderr_is_killed_at_the_deadline() {
    let (out, _, took) = run_fake("MODE_STDERR_FOREVER");
    assert_eq!(out.outcome, Outcome::Timeout, "{}", message(&out));
    // Stderr is not a report: killed at the wall deadline of 600 ms.
    assert!(
        took < Duration::from_millis(600) + slack(Duration::from_millis(300)),
        "{took:?}"
    );
}

#[test]
fn console_lines_stream_while_the_script_still_runs() {
    let exec = real(0);
    let mut req = ExecRequest::new("console.log('early'); for (;;) {}");
    req.limits = quick_limits();
    let t0 = Instant::now();
    let mut seen_at = None;
    let out = exec.run(&req, &CancelToken::new(), &mut |e| {
        if matches!(&e, ExecEvent::Console(l) if l.text == "early") {
            seen_at = Some(t0.elapsed());
        }
    });
    let done = t0.elapsed();
    assert_eq!(out.outcome, Outcome::Timeout);
    let seen = seen_at.expect("the console line arrived");
    // Delivered live (batched at the engine's 40 ms tick), not with the final report.
    assert!(
        done.saturating_sub(seen) > Duration::from_millis(100),
        "{seen:?} vs {done:?}"
    );
}

/// Waits (bounded) until the pool has a worker ready, so the next run takes the pooled path.
fn wait_for_pool(exec: &ProcessExecutor) {
    let t = Instant::now();
    while exec.idle_workers() == 0 && t.elapsed() < Duration::from_secs(10) {
        std::thread::sleep(Duration::from_millis(2));
    }
    assert_eq!(exec.idle_workers(), 1, "the pool did not refill");
}

#[test]
fn pooled_workers_run_each_request_fresh_and_with_its_own_settings() {
    let exec = real(1);
    exec.prewarm(&Limits::default());
    // The sandbox a pooled worker prepared ahead (default settings) has run nothing: global
    // state from the warm-up or an earlier request is never visible.
    for _ in 0..2 {
        wait_for_pool(&exec);
        let (out, _) = run_with(
            &exec,
            "globalThis.seen = (globalThis.seen || 0) + 1; seen",
            Limits::default(),
            &CancelToken::new(),
        );
        assert_eq!(out.value, Some(serde_json::json!(1)), "{out:?}");
    }
    // Other settings than the prepared sandbox's: the request gets a sandbox built for it.
    wait_for_pool(&exec);
    let mut req = ExecRequest::new("throw new Error('from ' + input.who)");
    req.filename = "mine.js".to_string();
    req.input = Some(serde_json::json!({"who": "input"}));
    let out = exec.run(&req, &CancelToken::new(), &mut |_| {});
    assert_eq!(out.outcome, Outcome::Error, "{out:?}");
    let err = out.result.error.expect("an error");
    assert_eq!(err.message, "from input");
    assert!(err.stack.contains("mine.js"), "{}", err.stack);
    wait_for_pool(&exec);
    // Other limits: the engine applies the request's own (a two-line console here).
    let mut req = ExecRequest::new("for (let i = 0; i < 5; i++) console.log(i); 2");
    req.limits.console_max_lines = 2;
    let out = exec.run(&req, &CancelToken::new(), &mut |_| {});
    assert_eq!(out.value, Some(serde_json::json!(2)), "{out:?}");
    assert!(out.console_truncated, "{out:?}");
    assert!(out.console.len() <= 3, "{:?}", out.console);
}

#[test]
fn the_next_pooled_worker_prepares_for_the_last_requests_settings() {
    let exec = real(1);
    let mut req = ExecRequest::new("21 * 2");
    req.filename = "prepared-for-me.js".to_string();
    let out = exec.run(&req, &CancelToken::new(), &mut |_| {});
    assert_eq!(out.value, Some(serde_json::json!(42)), "{out:?}");
    // The replacement worker was told which settings to build its sandbox for.
    wait_for_pool(&exec);
    assert_eq!(
        children_matching("\"filename\":\"prepared-for-me.js\"").len(),
        1
    );
    // And a request with those settings runs there normally.
    let out = exec.run(&req, &CancelToken::new(), &mut |_| {});
    assert_eq!(out.value, Some(serde_json::json!(42)), "{out:?}");
}
