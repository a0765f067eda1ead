//! Scripts whose time goes into native builtins that never poll QuickJS's interrupt handler
//! (issue 10, point 1): a loop whose body is one slow native call. Each call takes roughly
//! 150–400 ms of CPU on the reference machine, so an engine that only checks its budget
//! between calls overruns a 50 ms budget by several times; each call ends by itself, so an
//! in-process thread that was abandoned in one finishes soon after.
//!
//! Shared by `bench --suite exec` (the overrun table) and the executor tests.

/// (name shown in the table, script).
pub const RUNAWAYS: &[(&str, &str)] = &[
    (
        "Array sort (default)",
        "const a = Array.from({ length: 5e4 }, (_, i) => (i * 7919) % 50021);\n\
         for (;;) a.slice().sort();",
    ),
    (
        "TypedArray sort",
        "const a = new Float64Array(5e5);\n\
         for (let i = 0; i < a.length; i++) a[i] = (i * 7919) % 1000003;\n\
         for (;;) a.slice().sort();",
    ),
    (
        "TypedArray fill",
        "const a = new Uint8Array(64 << 20);\nfor (let i = 0; ; i++) a.fill(i & 255);",
    ),
    (
        "BigInt toString",
        "const b = 7n ** 60000n;\nfor (;;) b.toString();",
    ),
    (
        "BigInt multiply",
        "const b = 7n ** 80000n;\nfor (;;) b * b;",
    ),
    (
        "regex replace /g",
        "const s = 'a'.repeat(1e5);\nfor (;;) s.replace(/a/g, 'b');",
    ),
    (
        "String indexOf",
        "const s = 'a'.repeat(1 << 15), n = 'a'.repeat(1 << 10) + 'b';\n\
         for (;;) s.indexOf(n);",
    ),
    (
        "localeCompare",
        "const s = 'a'.repeat(1 << 23), t = s + 'b';\nfor (;;) s.localeCompare(t);",
    ),
    (
        "new Array(n).join('')",
        "for (;;) new Array(2 ** 23).join('');",
    ),
    (
        "console.log argument",
        "const a = new Array(1 << 22).fill('x');\nfor (;;) console.log(a);",
    ),
];

/// The issue's own one-liner: a single call that runs for tens of seconds (in-process it
/// keeps an abandoned thread busy that long; use it with the process executor).
pub const HUGE_JOIN: &str = "new Array(2 ** 32 - 1).join('')";

/// Benign twins: the same builtins on ordinary inputs, with the value each must produce.
pub const BENIGN: &[(&str, &str, &str)] = &[
    (
        "Array sort (default)",
        "const a = Array.from({ length: 1e5 }, (_, i) => (i * 7919) % 100003);\n\
         const s = a.slice().sort((x, y) => x - y);\n\
         s.length + ' ' + s.every((v, i) => i === 0 || s[i - 1] <= v)",
        "100000 true",
    ),
    (
        "TypedArray sort",
        "const a = new Float64Array(1e5).map((_, i) => (i * 7919) % 100003);\n\
         a.sort(); a.length + ' ' + a.every((v, i) => i === 0 || a[i - 1] <= v)",
        "100000 true",
    ),
    (
        "BigInt toString",
        "String((7n ** 2000n).toString().length)",
        "1691",
    ),
    (
        "regex replace /g",
        "String('a-b-c'.repeat(1000).replace(/-/g, '').length)",
        "3000",
    ),
    (
        "String indexOf",
        "String(('a'.repeat(1e5) + 'b').indexOf('ab'))",
        "99999",
    ),
    ("localeCompare", "String('abc'.localeCompare('abd'))", "-1"),
    (
        "new Array(n).join('')",
        "String(new Array(1e5).join('x').length)",
        "99999",
    ),
];
