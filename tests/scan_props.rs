//! The scanner never panics: arbitrary bytes (lossy to text) and JS-like token soup.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::scan::{has, rule_ids};
use proptest::prelude::*;
use sandbench::engine::scan::{scan, Verdict};

const TOKENS: &[&str] = &[
    "eval",
    "Function",
    "constructor",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "'",
    "\"",
    "`",
    "${",
    "+",
    "!",
    ".",
    ",",
    ";",
    "=",
    "=>",
    "require",
    "'child_process'",
    "process",
    "binding",
    "__proto__",
    "prototype",
    "atob",
    "String.fromCharCode",
    "99",
    "'con'",
    "'structor'",
    "import",
    "export",
    "new",
    "async",
    "function",
    "*",
    "yield",
    "await",
    "/*",
    "*/",
    "//",
    "\n",
    " ",
    "\\u0065",
    "\\x63",
    "join",
    "split",
    "reverse",
    "Reflect.get",
    "globalThis",
    "window",
    "const",
    "let",
    "x",
    "_0x1a2b",
    "\u{202e}",
    "\u{200d}",
    "\u{3164}",
    "ﾟωﾟﾉ",
    "0x",
    "1e309",
    "/re/g",
    "?.",
    "#p",
    "class",
    "super",
    "delete",
    "typeof",
    "in",
    "of",
    "for",
    "while",
    "!![]",
];

fn check(src: &str) {
    let r = scan(src);
    assert!(r.score <= 100);
    assert_eq!(r.verdict, Verdict::from_score(r.score));
    for f in &r.findings {
        assert!(f.start <= f.end && f.end <= src.len(), "{f:?}");
        assert!(f.line >= 1 && f.column >= 1);
        assert!(f.score <= 100);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        check(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn token_soup_never_panics(idx in proptest::collection::vec(0..TOKENS.len(), 0..300)) {
        let src: String = idx.iter().map(|&i| TOKENS[i]).collect::<Vec<_>>().join(" ");
        check(&src);
        let tight: String = idx.iter().map(|&i| TOKENS[i]).collect();
        check(&tight);
    }
}

/// Repeating a short use of a long alias must not multiply the work (nested scans and alias
/// copies are budgeted). Not a timing test: it checks the result stays correct and bounded.
#[test]
fn repeated_evals_of_an_aliased_string_stay_bounded() {
    let long = "x".repeat(400);
    let mut src = format!("const c = \"this.constructor.constructor('{long}')\";\n");
    for _ in 0..20_000 {
        src.push_str("eval(c);");
    }
    let r = scan(&src);
    assert_eq!(r.verdict, Verdict::Block);
    assert!(r.findings.len() <= sandbench::engine::scan::MAX_FINDINGS);
    assert!(has(&r, "constructor-chain"), "{:?}", rule_ids(&r));
}
