//! Resource attacks: each ends with the right outcome within its limit, the host unaffected and
//! the next run clean. Timing bounds are generous (CI is noisy); precise figures live in the
//! benchmark.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{
    assert_clean_next_run, assert_outcome, each, limited, message, run_events_on, run_limited,
    run_on, run_with_on, samples, slack, slack_ms,
};
use sandbench::engine::exec::{
    CancelToken, ExecEvent, ExecRequest, Executor, Outcome, MAX_INPUT_DEPTH,
};
use sandbench::engine::policy::Limits;
use std::time::{Duration, Instant};

fn assert_cpu_limited(ex: &dyn Executor, code: &str, timeout_ms: u64) {
    let out = run_limited(ex, code, timeout_ms);
    assert_eq!(out.outcome, Outcome::Timeout, "{code}: {:?}", out.error);
    assert!(
        out.duration_ms < timeout_ms as f64 + slack_ms(1000.0),
        "{code}: took {} ms",
        out.duration_ms
    );
    assert!(
        out.cpu_ms <= timeout_ms as f64 + slack_ms(1000.0),
        "{code}: cpu {}",
        out.cpu_ms
    );
    assert_clean_next_run(ex);
}

#[test]
fn busy_loops_and_loops_that_catch_their_termination_time_out() {
    each(|ex| {
        assert_cpu_limited(ex, "while (true) {}", 200);
        assert_cpu_limited(
            ex,
            "for (;;) { try { while (true) {} } catch (e) { } finally { continue; } }",
            200,
        );
    });
}

#[test]
fn microtask_chains_time_out_and_never_reach_the_next_run() {
    each(|ex| {
        assert_cpu_limited(ex, "function f() { Promise.resolve().then(f) }\nf()", 200);
        assert_cpu_limited(ex, "(async () => { for (;;) await null })()", 200);
        // Jobs queued by one run never execute in a later one.
        let out = run_limited(ex, "let n = 0; function f() { n++; if (n % 1000 === 0) console.log('tick'); Promise.resolve().then(f) }\nf()", 100);
        assert_eq!(out.outcome, Outcome::Timeout);
        let next = run_on(ex, "Promise.resolve(1).then(x => x + 1)");
        assert_eq!(next.value, Some(serde_json::json!(2)));
        assert!(next.console.is_empty(), "{:?}", next.console);
    });
}

#[test]
fn catastrophic_regex_times_out() {
    each(|ex| {
        assert_cpu_limited(ex, "/^(a+)+$/.test('a'.repeat(40) + 'b')", 200);
    });
}

#[test]
fn memory_bombs_stop_at_the_limit_even_when_they_catch_oom() {
    each(|ex| {
        let mut req = limited(
            "const keep = [];\nwhile (true) { try { keep.push('x'.repeat(1 << 20) + keep.length) } catch (e) { } }",
            5000,
        );
        req.limits.memory_mb = 32;
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::MemoryLimit, "{:?}", out.error);
        assert!(
            out.peak_memory_bytes <= 32 * 1024 * 1024,
            "{}",
            out.peak_memory_bytes
        );
        assert!(
            out.peak_memory_bytes > 16 * 1024 * 1024,
            "{}",
            out.peak_memory_bytes
        );
        assert!(out.duration_ms < slack_ms(2000.0), "{}", out.duration_ms);

        // An OOM the script catches and then finishes normally is a normal run.
        let mut req = ExecRequest::new(
            "let caught = false;\ntry { const a = []; while (true) a.push(new Array(1e6).fill(0)) } catch (e) { caught = String(e) }\ncaught",
        );
        req.limits.memory_mb = 16;
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::Ok, "{:?}", out.error);
        assert_eq!(
            out.value,
            Some(serde_json::json!("InternalError: out of memory"))
        );
        assert_clean_next_run(ex);
    });
}

#[test]
fn deep_recursion_is_a_stack_overflow() {
    each(|ex| {
        let out = run_on(ex, "function f(n) { return f(n + 1) + 1 }\nf(0)");
        assert_eq!(out.outcome, Outcome::StackOverflow, "{:?}", out.error);
        // Recursion that catches its overflow and recurses again ends by the CPU budget.
        assert_cpu_limited(
            ex,
            "function g() { try { g() } catch (e) { g() } }\ng()",
            300,
        );
    });
}

#[test]
fn console_floods_are_capped_with_a_visible_marker() {
    each(|ex| {
        // The CPU budget ends it; the wall deadline is far (a busy machine gives the worker
        // and the parent reading its stream only a share of a core: the cap must be reached
        // by CPU, not raced against the wall clock).
        let mut req = limited("while (true) console.log('x'.repeat(100))", 300);
        req.limits.wall_timeout_ms = 10_000;
        let out = run_with_on(ex, &req);
        assert_outcome(ex, &out, Outcome::Timeout);
        assert!(
            out.console_truncated,
            "{}: {} lines, {:?}",
            ex.name(),
            out.console.len(),
            out.error
        );
        let limits = Limits::default();
        assert!(out.console.len() <= limits.console_max_lines + 1);
        let bytes: usize = out.console.iter().map(|l| l.text.len() + 1).sum();
        assert!(bytes <= limits.console_max_bytes + 200, "{bytes}");
        let last = out.console.last().expect("lines");
        assert!(
            last.text.contains("console output truncated"),
            "{}",
            last.text
        );

        let mut req = ExecRequest::new("for (let i = 0; i < 50; i++) console.log(i); 'done'");
        req.limits.console_max_lines = 10;
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::Ok);
        assert_eq!(out.console.len(), 11);
        assert_eq!(out.console[9].text, "9");
        assert!(out.console_truncated);
        assert_clean_next_run(ex);
    });
}

#[test]
fn returned_proxies_getters_and_deep_values_are_read_safely() {
    each(|ex| {
        let t = Instant::now();
        let out = run_on(
            ex,
            "new Proxy({}, { get() { while (true) {} }, ownKeys() { while (true) {} }, getOwnPropertyDescriptor() { while (true) {} } })",
        );
        assert_eq!(out.outcome, Outcome::Ok);
        assert_eq!(out.value_display, "[Proxy]");
        assert!(t.elapsed() < slack(Duration::from_secs(2)));

        let out = run_on(ex, "({ a: 1, get b() { while (true) {} } })");
        assert_eq!(out.outcome, Outcome::Ok);
        assert_eq!(out.value_display, "{ a: 1, b: [Getter] }");

        let out = run_on(ex, "let a = []; for (let i = 0; i < 10000; i++) a = [a]; a");
        assert_eq!(out.outcome, Outcome::Ok);
        assert!(out.value_display.contains("[…]"));
        assert!(out.value_display.len() < 10_000);

        let out = run_on(ex, "const o = { name: 'loop' }; o.self = o; o");
        assert_eq!(out.value_display, "{ name: \"loop\", self: [Circular] }");

        // Script functions planted where the host reads collections never run.
        let mut lab = ExecRequest::new(
            "const m = new Map([[1, 2]]);\nm.entries = () => { console.log('ran'); while (true) {} };\nm",
        );
        lab.profile = sandbench::engine::policy::Profile::Lab;
        let out = run_with_on(ex, &lab);
        assert_eq!(out.outcome, Outcome::Ok);
        assert!(out.console.is_empty());
        assert_eq!(out.value_display, "Map(1) { 1 => 2 }");

        // Many large strings: the converted value stays bounded in total.
        let out = run_on(ex, "Array.from({ length: 200 }, () => 'x'.repeat(60000))");
        let total: usize = out
            .value
            .as_ref()
            .and_then(|v| v.as_array())
            .map_or(0, |a| {
                a.iter().map(|s| s.as_str().map_or(0, str::len)).sum()
            });
        assert!(total <= 1024 * 1024 + 200 * 4, "{total}");

        let out = run_on(ex, "'\\u001b[2J\\u202e' + 'x'.repeat(100000)");
        assert!(out.value_display.starts_with("\"\\x1b[2J\\u{202e}x"));
        assert!(
            out.value_display.ends_with('…'),
            "cut, without a closing quote"
        );
        assert!(out.value_display.chars().count() < 5000);
        assert_clean_next_run(ex);
    });
}

#[test]
fn cancel_from_another_thread_stops_a_run_quickly() {
    each(|ex| {
        let cancel = CancelToken::new();
        let c2 = cancel.clone();
        let cancelled_at = std::sync::Arc::new(std::sync::Mutex::new(None::<Instant>));
        let ca = std::sync::Arc::clone(&cancelled_at);
        let t = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(150));
            *ca.lock().expect("lock") = Some(Instant::now());
            c2.cancel();
        });
        let (out, _events) = run_events_on(ex, &ExecRequest::new("while (true) {}"), &cancel);
        let ended = Instant::now();
        t.join().expect("canceller");
        assert_eq!(out.outcome, Outcome::Cancelled);
        let at = cancelled_at.lock().expect("lock").expect("cancelled");
        let latency = ended.duration_since(at);
        assert!(
            latency < Duration::from_millis(50) + slack(Duration::from_millis(450)),
            "{latency:?}"
        );
        assert_clean_next_run(ex);
    });
}

#[test]
fn runs_stream_samples_and_finish_last() {
    each(|ex| {
        let (out, events) = run_events_on(
            ex,
            // Grow to a few MB (well under the memory limit), then spin until the CPU budget ends,
            // so the run always lasts the full 0.5 s however fast the machine is.
            &limited(
                "let a = []; for (let i = 0; i < 100000; i++) a.push({ i }); while (true) {}",
                500,
            ),
            &CancelToken::new(),
        );
        assert!(matches!(events.first(), Some(ExecEvent::Started { .. })));
        match events.last() {
            Some(ExecEvent::Finished(f)) => assert_eq!(**f, out),
            other => panic!("{other:?}"),
        }
        let samples = samples(&events);
        // At least 20 per second over a run of ≥ 0.5 s.
        assert!(samples.len() >= 10, "{} samples", samples.len());
        assert!(samples.iter().any(|s| s.memory_bytes > 1_000_000));
        assert!(samples.iter().any(|s| s.cpu_ms > 100.0));
    });
}

#[test]
fn a_promise_that_can_never_settle_is_pending() {
    each(|ex| {
        let out = run_on(ex, "new Promise(() => {})");
        assert_eq!(out.outcome, Outcome::Pending);
        let out = run_on(ex, "Promise.reject(new RangeError('no'))");
        assert_eq!(out.outcome, Outcome::Error);
        assert_eq!(
            out.error.as_ref().map(|e| e.name.as_str()),
            Some("RangeError")
        );
    });
}

#[test]
fn builtins_that_ignore_the_interrupt_hit_the_wall_deadline() {
    each(|ex| {
        let mut req =
            ExecRequest::new("Array.prototype.copyWithin.call({ length: 2 ** 32 - 1 }, 0, 1)");
        req.limits.timeout_ms = 200;
        req.limits.wall_timeout_ms = 400;
        let before = Instant::now();
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::Timeout, "{:?}", out.error);
        assert!(before.elapsed() < Duration::from_millis(400) + slack(Duration::from_secs(1)));
        if ex.name() == "quickjs" {
            assert!(out.runaway_threads >= 1, "the stuck thread is counted");
        }
        assert_clean_next_run(ex);
    });
}

#[test]
fn limits_out_of_range_and_oversized_code_are_clear_errors() {
    each(|ex| {
        let mut req = ExecRequest::new("1");
        req.limits.memory_mb = 100_000;
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::Error);
        assert!(out
            .error
            .as_ref()
            .expect("error")
            .message
            .contains("memory"));
        let out = run_on(ex, &"1;".repeat(60 * 1024));
        assert_eq!(out.outcome, Outcome::Error);
        assert!(out.error.as_ref().expect("error").message.contains("limit"));
    });
}

/// A request `validate` refuses is the same `error` outcome on every executor, without a run;
/// the deepest valid `input` runs on every executor (the worker parses it too).
#[test]
fn invalid_requests_are_the_same_clear_error_everywhere() {
    let nested = |n: usize| (0..n).fold(serde_json::json!(1), |v, _| serde_json::json!([v]));
    each(|ex| {
        let mut req = ExecRequest::new("typeof input");
        req.input = Some(nested(MAX_INPUT_DEPTH));
        let out = run_with_on(ex, &req);
        assert_eq!(
            out.value,
            Some(serde_json::json!("object")),
            "{}: {:?}",
            ex.name(),
            out.error
        );
        req.input = Some(nested(MAX_INPUT_DEPTH + 1));
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::Error, "{}", ex.name());
        let e = out.error.as_ref().expect("error");
        assert_eq!(
            (e.name.as_str(), e.message.contains("nested deeper")),
            ("PolicyError", true)
        );
        assert_eq!(out.executor, ex.name());
        for name in ["", "a\0.js"] {
            let mut req = ExecRequest::new("1");
            req.filename = name.to_string();
            let out = run_with_on(ex, &req);
            assert_eq!(out.outcome, Outcome::Error, "{}: {name:?}", ex.name());
            assert!(message(&out).contains("file name"), "{}", message(&out));
        }
    });
}

#[test]
fn a_sandbox_on_a_small_thread_overflows_cleanly_instead_of_crashing() {
    // The JS stack limit asked for (8 MB) exceeds this thread's native stack (1 MB): the
    // sandbox lowers it to what the thread can hold, so deep recursion is a stack_overflow.
    let t = std::thread::Builder::new()
        .stack_size(1024 * 1024)
        .spawn(|| {
            let mut req = ExecRequest::new("");
            req.limits.stack_kb = 8 * 1024;
            let mut sb = sandbench::engine::exec::quickjs::Sandbox::new(&req).expect("sandbox");
            let r = sb.eval("function f(n) { return f(n + 1) + 1 }\nf(0)");
            let deep = sb.eval(&format!("{}1{}", "(".repeat(20_000), ")".repeat(20_000)));
            (r.outcome, deep.outcome)
        })
        .expect("thread");
    let (recursion, nesting) = t.join().expect("no crash");
    assert_eq!(recursion, Outcome::StackOverflow);
    assert_ne!(nesting, Outcome::Crashed);
}

mod never_panics {
    use proptest::prelude::*;
    use sandbench::engine::exec::quickjs::Sandbox;
    use sandbench::engine::exec::ExecRequest;
    use sandbench::engine::policy::{Limits, Profile};

    fn eval(code: &str, profile: Profile) {
        let mut req = ExecRequest::new(code);
        req.limits = Limits::with_timeout(200);
        req.profile = profile;
        let mut sb = Sandbox::new(&req).expect("sandbox");
        let r = sb.eval(code);
        assert!(r.value_display.chars().count() <= 4097);
        assert!(!r.value_display.chars().any(|c| c.is_control()));
    }

    const PARTS: &[&str] = &[
        "(",
        ")",
        "[",
        "]",
        "{",
        "}",
        "=>",
        "async ",
        "function ",
        "new Proxy({}, {})",
        "'\\ud800'",
        "1n",
        "throw ",
        "yield ",
        "await ",
        "x",
        ";",
        ",",
        "+",
        "class ",
        "extends ",
        "Symbol()",
        "null",
        "this",
        ".constructor",
        "__proto__",
        "process",
        "import(",
        "eval",
        "`",
        "${",
        "/a+/g",
        "'\\u001b[2J'",
        "new Map([[1,2]])",
        "Promise.reject(1)",
        "0/0",
        "-0",
        "=",
        "let ",
        "x.y",
        "Error.stackTraceLimit=",
        "console.log(",
        "input",
        "require('fs')",
        "\n",
    ];

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(96))]

        #[test]
        fn arbitrary_text_never_panics(code in "\\PC{0,120}") {
            eval(&code, Profile::Strict);
        }

        #[test]
        fn js_fragments_never_panic(
            parts in proptest::collection::vec(proptest::sample::select(PARTS), 0..40),
            lab in any::<bool>(),
        ) {
            let code: String = parts.concat();
            eval(&code, if lab { Profile::Lab } else { Profile::Strict });
        }
    }
}

#[test]
fn blocked_floods_and_tiny_memory_limits_stay_bounded() {
    each(|ex| {
        let out = run_limited(ex, "for (;;) { try { process } catch (e) { } }", 200);
        assert_outcome(ex, &out, Outcome::Timeout);
        // One listed attempt, repeated: the list stays one entry long, the count keeps up.
        assert_eq!(
            out.blocked.len(),
            1,
            "repeats share one entry: {:?}",
            out.blocked
        );
        assert!(out.blocked[0].count > 256, "{:?}", out.blocked[0]);
        assert_eq!(out.blocked_dropped, 0);

        let mut req =
            ExecRequest::new("let a = []; for (let i = 0; i < 1e6; i++) a.push({ i }); a.length");
        req.limits.memory_mb = 1;
        let out = run_with_on(ex, &req);
        assert_eq!(out.outcome, Outcome::MemoryLimit, "{:?}", out.error);
        assert!(out.peak_memory_bytes <= 1024 * 1024);
        assert_clean_next_run(ex);
    });
}
