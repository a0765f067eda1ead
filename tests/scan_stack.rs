//! The scanner runs a file on the caller's stack only when what is left of it covers the
//! file's depth bound (`stack_needed(depth_estimate)`), else on a fresh deep-stack thread. A
//! bound that undercounts would let hostile nesting overflow the host's stack, so here every
//! nesting shape is measured (the thread's free stack painted, the scan run, the untouched
//! paint found again) and must use no more than the bound allows, in whichever profile the
//! tests are built (debug frames are far bigger than release: `cargo test --release --test
//! scan_stack` checks the release numbers). Then the attack: files at the caller's limit,
//! one level under and over, in a thread with a tight stack, must scan like on a huge one.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use sandbench::engine::scan::{
    deep_threads_started, depth_estimate, scan_with, stack_needed, Report, ScanOptions, STACK_BASE,
    STACK_PER_LEVEL,
};

/// Kept clear at both ends of the painted region: the guard page below, the frames of the
/// measuring code (and any signal frame) above.
const MARGIN: usize = 64 << 10;
const PAINT: u64 = 0x5AA5_C33C_0FF0_9669;

fn stack_pointer() -> usize {
    let here = 0u8;
    std::hint::black_box(&here) as *const u8 as usize
}

#[inline(never)]
fn paint(low: usize, end: usize) {
    for a in (low..end).step_by(8) {
        // SAFETY: `a` is 8-aligned and inside this thread's own stack mapping, between its
        // limit (+ MARGIN, clear of the guard page) and MARGIN below the live frames: memory
        // no Rust object occupies while this runs. Volatile so the writes are kept.
        unsafe { std::ptr::write_volatile(a as *mut u64, PAINT) };
    }
}

#[inline(never)]
fn lowest_touched(low: usize, end: usize) -> usize {
    (low..end)
        .step_by(8)
        // SAFETY: the same words `paint` wrote, read back after the measured call returned.
        .find(|&a| unsafe { std::ptr::read_volatile(a as *const u64) } != PAINT)
        .unwrap_or(end)
}

/// Runs `f` on a thread with a `stack`-byte stack; returns its result and the most stack it
/// used below the point it was called from.
fn high_water<T: Send>(stack: usize, f: impl FnOnce() -> T + Send) -> (T, usize) {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(stack)
            .spawn_scoped(s, move || {
                let top = stack_pointer();
                let left = stacker::remaining_stack().expect("this thread's stack bounds");
                let low = (top - left + MARGIN) & !7;
                let end = (top - MARGIN) & !7;
                paint(low, end);
                let out = f();
                let used = top - lowest_touched(low, end);
                (out, used)
            })
            .expect("spawn")
            .join()
            .expect("the measured thread")
    })
}

/// Runs `f` on a thread with a `stack`-byte stack (reserved, not painted).
fn on_stack<T: Send>(stack: usize, f: impl FnOnce() -> T + Send) -> T {
    std::thread::scope(|s| {
        std::thread::Builder::new()
            .stack_size(stack)
            .spawn_scoped(s, f)
            .expect("spawn")
            .join()
            .expect("the thread")
    })
}

/// A nesting shape: its name and the source at a given level count.
type Shape = (&'static str, Box<dyn Fn(usize) -> String>);

/// Nesting shapes, each a function of the level count.
fn shapes() -> Vec<Shape> {
    fn wrap(
        open: &'static str,
        mid: &'static str,
        close: &'static str,
    ) -> impl Fn(usize) -> String {
        move |d| format!("x = {}{mid}{};", open.repeat(d), close.repeat(d))
    }
    vec![
        ("parens", Box::new(wrap("(", "1", ")"))),
        ("arrays", Box::new(wrap("[", "1", "]"))),
        ("objects", Box::new(wrap("{a:", "1", "}"))),
        ("calls", Box::new(wrap("f(", "1", ")"))),
        ("new", Box::new(wrap("new X(", "1", ")"))),
        ("templates", Box::new(wrap("`${", "1", "}`"))),
        ("arrows", Box::new(wrap("() => ", "1", ""))),
        ("unary", Box::new(wrap("typeof ", "a", ""))),
        ("assign", Box::new(wrap("a = ", "1", ""))),
        ("binary", Box::new(wrap("1 + ", "1", ""))),
        ("ternary", Box::new(wrap("a ? b : ", "c", ""))),
        ("computed", Box::new(wrap("a[", "1", "]"))),
        ("optional", Box::new(wrap("f?.(", "1", ")"))),
        ("spread", Box::new(wrap("[...", "[1]", "]"))),
        ("sequence", Box::new(wrap("(a, ", "1", ")"))),
        ("await", Box::new(wrap("await (", "1", ")"))),
        ("tagged", Box::new(wrap("t`${", "1", "}`"))),
        ("defaults", Box::new(wrap("function (a = ", "1", ") {}"))),
        ("members", Box::new(|d| format!("x{};", ".a".repeat(d)))),
        ("callchain", Box::new(|d| format!("f{};", "()".repeat(d)))),
        (
            "functions",
            Box::new(|d| format!("{}1{}", "function f(a) { return ".repeat(d), "}".repeat(d))),
        ),
        (
            "blocks",
            Box::new(|d| format!("{}g();{}", "if (a) {".repeat(d), "}".repeat(d))),
        ),
        (
            "loops",
            Box::new(|d| {
                format!(
                    "{}g();{}",
                    "for (;;) { while (a) {".repeat(d),
                    "} }".repeat(d)
                )
            }),
        ),
        (
            "switch",
            Box::new(|d| format!("{}g();{}", "switch (a) { case 1: ".repeat(d), "}".repeat(d))),
        ),
        (
            "try",
            Box::new(|d| format!("{}g();{}", "try {".repeat(d), "} catch (e) {}".repeat(d))),
        ),
        (
            "destructuring",
            Box::new(|d| format!("const {}b{} = o;", "{a:".repeat(d), "}".repeat(d))),
        ),
        (
            "classes",
            Box::new(|d| {
                format!(
                    "x = {}1{};",
                    "class { m() { return ".repeat(d),
                    "} }".repeat(d)
                )
            }),
        ),
        // The evaluator's own recursion: a helper that calls itself inside nested arrays,
        // folded for eval (calls nest 16 deep, each body many levels: the evaluator's cap).
        (
            "evaluator",
            Box::new(|d| {
                format!(
                    "function f(n) {{ return n > 0 ? {}f(n - 1){} : 'a'; }}\neval(f(16) + '');",
                    "[".repeat(d),
                    "]".repeat(d)
                )
            }),
        ),
    ]
}

fn options() -> ScanOptions {
    ScanOptions::default()
}

const LEVELS: [usize; 2] = if cfg!(debug_assertions) {
    [50, 400]
} else {
    [200, 2000]
};

#[test]
fn no_nesting_shape_uses_more_stack_than_its_bound() {
    let mut worst = 0.0f64;
    for (name, make) in shapes() {
        let mut points = Vec::new();
        for d in LEVELS {
            let src = make(d);
            let est = depth_estimate(&src);
            // A stack that covers the bound (so the file runs on it) and a little more.
            let stack = stack_needed(est) + (2 << 20);
            let ((r, went), used) = high_water(stack, || {
                let before = deep_threads_started();
                let r = scan_with(&src, &options());
                (r, deep_threads_started() - before)
            });
            assert!(
                r.parse_error.is_none(),
                "{name} at {d}: {:?}",
                r.parse_error
            );
            // The measuring thread's stack covers the bound: the file ran on it, not on a
            // deep thread of its own (which the paint would not see).
            assert_eq!(went, 0, "{name} at {d} left the thread");
            let allowed = stack_needed(est);
            eprintln!(
                "{name:>13} {d:>5} levels: estimate {est:>6}, used {used:>9} B, allowed {allowed:>10} B"
            );
            assert!(
                used <= allowed,
                "{name} at {d} levels used {used} B of stack, over its bound {allowed} B (estimate {est})"
            );
            points.push((est, used));
        }
        let (e0, u0) = points[0];
        let (e1, u1) = points[1];
        if e1 > e0 {
            let per = u1.saturating_sub(u0) as f64 / (e1 - e0) as f64;
            worst = worst.max(per);
            eprintln!("{name:>13}: {per:.0} B per level of the estimate");
        }
    }
    eprintln!(
        "worst {worst:.0} B per level; STACK_PER_LEVEL {STACK_PER_LEVEL}, STACK_BASE {STACK_BASE}"
    );
    assert!(worst <= STACK_PER_LEVEL as f64);
}

/// The nesting level of `make` whose depth bound is the largest at or under `est`.
fn level_for(make: &dyn Fn(usize) -> String, est: u32) -> usize {
    let (mut lo, mut hi) = (1usize, 1usize);
    while depth_estimate(&make(hi)) <= est {
        lo = hi;
        hi *= 2;
    }
    while hi - lo > 1 {
        let mid = (lo + hi) / 2;
        if depth_estimate(&make(mid)) <= est {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

fn same(a: &Report, b: &Report) -> bool {
    a.findings == b.findings && a.score == b.score && a.parse_error == b.parse_error
}

#[test]
fn files_at_the_callers_limit_scan_in_a_tight_thread_like_on_a_huge_one() {
    // A thread whose stack is a few dozen levels over the fixed part: the rule's crossing
    // point lies inside the nesting the test can build.
    let stack = STACK_BASE + 48 * STACK_PER_LEVEL + (256 << 10);
    let left = high_water(stack, || stacker::remaining_stack().unwrap_or(0)).0;
    let limit = u32::try_from(left.saturating_sub(STACK_BASE) / STACK_PER_LEVEL).unwrap();
    assert!(limit > 4, "{left} B left of {stack}");
    let mut inline = 0;
    let mut deep = 0;
    let mut shapes = shapes();
    shapes.push((
        "nested eval",
        Box::new(|d| {
            format!(
                "x = {}eval('[[[[[[[[1]]]]]]]]'){};",
                "(".repeat(d),
                ")".repeat(d)
            )
        }),
    ));
    for (name, make) in &shapes {
        let mut levels: Vec<usize> = (limit.saturating_sub(3)..=limit + 3)
            .map(|e| level_for(make.as_ref(), e))
            .collect();
        levels.dedup();
        for d in levels {
            let src = make(d);
            let est = depth_estimate(&src);
            eprintln!("{name} at {d} levels (estimate {est}, limit {limit})");
            let ((tight, went_deep), _) = high_water(stack, || {
                let before = deep_threads_started();
                let r = scan_with(&src, &options());
                (r, deep_threads_started() > before)
            });
            let huge = on_stack(256 << 20, || scan_with(&src, &options()));
            assert!(same(&tight, &huge), "{name} at {d} levels (estimate {est})");
            assert!(
                tight.parse_error.is_none(),
                "{name}: {:?}",
                tight.parse_error
            );
            if went_deep {
                deep += 1;
            } else {
                inline += 1;
            }
        }
    }
    // Both sides of the rule were taken.
    assert!(inline > 0 && deep > 0, "inline {inline}, deep {deep}");
}

#[test]
fn depth_bounds_decide_the_side() {
    // A shallow file on a roomy stack stays on it; one too deep for what is left goes to
    // a thread of its own.
    let src = format!("x = {}1{};", "[".repeat(10), "]".repeat(10));
    let (went, _) = high_water(STACK_BASE + (4 << 20), || {
        let before = deep_threads_started();
        scan_with(&src, &options());
        deep_threads_started() - before
    });
    assert_eq!(went, 0);
    let deep = format!("x = {}1{};", "[".repeat(5000), "]".repeat(5000));
    let (went, _) = high_water(STACK_BASE + (4 << 20), || {
        let before = deep_threads_started();
        let r = scan_with(&deep, &options());
        assert!(r.parse_error.is_none());
        deep_threads_started() - before
    });
    assert!(went >= 1);
}

#[test]
fn values_nested_by_a_loop_or_a_cycle_do_not_overflow() {
    // `a.push(a); a + ''` recursed without end; a loop of `a = [a]` under a large file's step
    // budget nested values deep enough that dropping them overflowed the stack.
    for src in [
        "var a = []; a.push(a); var s = a + ''; eval(s);".to_string(),
        "function f() { var a = []; a.push(a); return a.join('-'); } eval(f());".to_string(),
        "var o = {}; o.self = o; var a = [o, [o]]; eval(a + '');".to_string(),
        format!(
            "var a = [];\nfor (var i = 0; i < 3000000; i++) {{ a = [a]; }}\neval(a + '');\n// {}",
            "x".repeat(2_000_000)
        ),
        format!(
            "var a = {{}};\nfor (var i = 0; i < 3000000; i++) {{ a = {{ k: a }}; }}\nvar b = a;\n// {}",
            "x".repeat(2_000_000)
        ),
    ] {
        let (r, _) = high_water(STACK_BASE + (8 << 20), || scan_with(&src, &options()));
        assert!(r.parse_error.is_none());
    }
    // Benign twin: an honest nested table still folds.
    let r = scan_with(
        "var t = [['con', 'struc'], ['tor']]; var k = t[0].join('') + t[1][0]; x[k][k]('return this')();",
        &options(),
    );
    assert!(
        r.findings.iter().any(|f| f.rule == "constructor-chain"),
        "{:?}",
        r.findings
            .iter()
            .map(|f| f.rule.as_str())
            .collect::<Vec<_>>()
    );
}
