use super::*;
use crate::engine::exec::{BlockedAttempt, ConsoleLine};
use crate::engine::text::is_unsafe_char;
use crate::engine::Category;

fn outcome_with_console(text: &str) -> ExecOutcome {
    let req = ExecRequest::new("1");
    let mut o = ExecOutcome::not_run("quickjs", &req, Outcome::Ok, None);
    o.console.push(ConsoleLine {
        level: ConsoleLevel::Warn,
        text: text.to_string(),
    });
    o.value = Some(serde_json::json!(text));
    o.value_display = text.to_string();
    o.blocked.push(BlockedAttempt {
        capability: "process".into(),
        category: Category::ProcessAccess,
        message: text.to_string(),
        line: Some(3),
        column: Some(5),
        count: 1,
    });
    o
}

const NASTY: &str =
    "a\x1b[2Jb\x07c\u{202e}d\u{9b}e\u{2066}f\u{7f}g\u{E0041}h\u{AD}i\u{1D173}j\nforged";

#[test]
fn json_lines_escape_controls_and_bidi_yet_round_trip() {
    let o = outcome_with_console(NASTY);
    let line = json_line("x.js", &o, &scan::scan("1"), false);
    assert!(line.ends_with('\n'));
    assert_eq!(line.matches('\n').count(), 1, "one line per file");
    for c in line.trim_end().chars() {
        assert!(!is_unsafe_char(c, false), "raw {c:?} in {line}");
    }
    assert!(line.contains("\\u202e"), "{line}");
    let v: serde_json::Value = serde_json::from_str(&line).expect("valid JSON");
    assert_eq!(v["console"][0]["text"], NASTY);
    assert_eq!(v["value"], NASTY);
    assert_eq!(v["console"][0]["level"], "warn");
    assert_eq!(v["blocked"][0]["line"], 3);
    assert_eq!(v["file"], "x.js");
}

#[test]
fn human_report_never_shows_raw_controls_and_indents_script_newlines() {
    let o = outcome_with_console(NASTY);
    let text = human_report("x\u{202e}.js", &o, &scan::scan("1"), false, false);
    for c in text.chars() {
        assert!(!is_unsafe_char(c, true), "raw {c:?} in {text}");
    }
    assert!(text.contains("\\x1b[2J"), "{text}");
    assert!(text.contains("\\u{202e}"), "{text}");
    assert!(
        !text.lines().any(|l| l.starts_with("forged")),
        "script newline must not start a report line: {text}"
    );
    assert!(text.contains("3:5"), "blocked location shown: {text}");
}

#[test]
fn colour_only_when_asked() {
    let o = outcome_with_console("hi");
    let plain = human_report("x.js", &o, &scan::scan("1"), false, false);
    assert!(!plain.contains('\x1b'));
    let coloured = human_report("x.js", &o, &scan::scan("1"), false, true);
    assert!(
        coloured.contains(&style::paint(true, BOLD_GREEN, "ok")),
        "{coloured}"
    );
    assert_eq!(anstream::adapter::strip_str(&coloured).to_string(), plain);
}

fn block_report() -> Report {
    let mut r = scan::scan("x");
    r.score = 95;
    r.verdict = Verdict::Block;
    r.findings.push(Finding {
        rule: scan::RuleId::ConstructorChain,
        category: Category::VmEscape,
        score: 95,
        severity: scan::Severity::Critical,
        line: 2,
        column: 7,
        end_line: 2,
        end_column: 30,
        start: 10,
        end: 33,
        message: "reaches Function through constructor.constructor".into(),
        remediation: "do not".into(),
        snippet: "this.constructor.constructor".into(),
        folded: None,
        evidence: vec![scan::Evidence::ConstructorChain],
        target: None,
        granted: None,
    });
    r
}

#[test]
fn a_block_verdict_runs_nothing_unless_forced() {
    let x = crate::engine::exec::create("quickjs").expect("quickjs executor");
    let req = ExecRequest::new("console.log('ran'); 7");
    let report = block_report();
    let (o, forced) = gate(x.as_ref(), &req, &report, false);
    assert_eq!(o.outcome, Outcome::Blocked);
    assert!(!forced);
    assert!(o.console.is_empty() && o.value.is_none(), "nothing ran");
    assert_eq!(
        o.code_sha256,
        crate::engine::hash::sha256_hex(req.code.as_bytes())
    );
    let line = json_line("evil.js", &o, &report, forced);
    let v: serde_json::Value = serde_json::from_str(&line).expect("json");
    assert_eq!(v["outcome"], "blocked");
    assert_eq!(v["verdict"], "block");
    assert_eq!(v["score"], 95);
    assert_eq!(v["findings"][0]["rule"], "constructor-chain");
    assert_eq!(v["findings"][0]["line"], 2);
    assert_eq!(v["error"]["name"], "ScanBlocked");
    let text = human_report("evil.js", &o, &report, forced, false);
    assert!(text.contains("▶ evil.js  blocked"), "{text}");
    assert!(
        text.contains("scan     block (score 95, 1 finding)"),
        "{text}"
    );
    assert!(text.contains("2:7 vm-escape constructor-chain"), "{text}");
    assert!(text.contains("--force"), "{text}");

    let (o, forced) = gate(x.as_ref(), &req, &report, true);
    assert_eq!(o.outcome, Outcome::Ok, "{o:?}");
    assert!(forced);
    assert_eq!(o.value, Some(serde_json::json!(7)));
    assert_eq!(o.console.len(), 1);
    let text = human_report("evil.js", &o, &report, forced, false);
    assert!(text.contains("run anyway with --force"), "{text}");
}

#[test]
fn script_names_are_tame() {
    assert_eq!(script_name("dir/a (1):2.js"), "a12.js");
    assert_eq!(script_name("<stdin>"), "stdin.js");
    assert_eq!(script_name("/"), "script.js");
}
