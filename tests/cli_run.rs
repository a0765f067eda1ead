//! `sandbench run` through the binary, as a user or a CI job sees it.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::{arg, json_lines, output, temp_file, write, Out};
use sandbench::engine::text::is_unsafe_char;

/// `sandbench run ARGS`.
fn run(args: &[&str], stdin: Option<&[u8]>) -> Out {
    output(&[&["run"], args].concat(), stdin)
}

#[test]
fn usage_and_file_errors_exit_2_with_one_line_and_no_partial_output() {
    let dir = tempfile::tempdir().expect("tempdir");
    let good = write(dir.path(), "good.js", "1+1");
    let not_utf8 = write(dir.path(), "bin.js", [b'1', b'+', 0xff, 0xfe]);
    let big = write(dir.path(), "big.js", vec![b' '; 100 * 1024 + 1]);
    let missing = dir.path().join("missing.js");
    // Valid JSON, but deeper than a request may carry.
    let deep_input = format!("{}1{}", "[".repeat(127), "]".repeat(127));
    let cases: Vec<(Vec<&str>, &str)> = vec![
        (vec![arg(&good), arg(&missing)], "missing.js"),
        (vec![arg(&good), arg(&not_utf8)], "not valid UTF-8 (byte 2)"),
        (vec![arg(&good), arg(&big)], "over the 102400-byte limit"),
        (
            vec!["--timeout", "0", arg(&good)],
            "timeout 0 ms is out of range",
        ),
        (
            vec!["--timeout", "30001", arg(&good)],
            "timeout 30001 ms is out of range (1..=30000 ms)",
        ),
        (
            vec!["--memory", "513", arg(&good)],
            "memory 513 MB is out of range",
        ),
        (
            vec!["--stack", "1", arg(&good)],
            "stack 1 KB is out of range",
        ),
        (
            vec!["--timeout", "100", "--wall-timeout", "50", arg(&good)],
            "wall timeout 50 ms is shorter than the CPU timeout 100 ms",
        ),
        (
            vec!["--profile", "root", arg(&good)],
            "unknown profile 'root'",
        ),
        (
            vec!["--input", "{nope", arg(&good)],
            "--input is not valid JSON",
        ),
        (
            vec!["--input", &deep_input, arg(&good)],
            "input is nested deeper than 126 levels",
        ),
        (
            vec!["--executor", "v8", arg(&good)],
            "unknown executor 'v8'",
        ),
        (
            vec!["-", "-"],
            "standard input ('-') can be given only once",
        ),
        (vec![arg(dir.path())], "is a directory"),
    ];
    for (args, want) in cases {
        for json in [false, true] {
            let mut a = args.clone();
            if json {
                a.insert(0, "--json");
            }
            let o = run(&a, Some(b""));
            assert_eq!(o.code, Some(2), "{a:?}: {}", o.stderr);
            assert_eq!(o.stdout, "", "{a:?}: no partial output");
            assert_eq!(o.stderr.lines().count(), 1, "{a:?}: one line: {}", o.stderr);
            assert!(o.stderr.contains(want), "{a:?}: {}", o.stderr);
            assert!(!o.stderr.contains("panicked"), "{}", o.stderr);
        }
    }
    // clap's own usage errors use the same exit code.
    for args in [vec![], vec!["--timeout", "soon", arg(&good)]] {
        let o = run(&args, None);
        assert_eq!(o.code, Some(2), "{args:?}");
        assert_eq!(o.stdout, "");
    }
}

#[test]
fn json_is_one_object_per_file_per_line_with_the_documented_fields() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write(dir.path(), "a.js", "2+2");
    let b = write(dir.path(), "b.js", "throw new TypeError('bad')");
    let o = run(
        &["--json", "--timeout", "300", arg(&a), "-", arg(&b)],
        Some(b"'from stdin'"),
    );
    let lines = json_lines(&o.stdout);
    assert_eq!(lines.len(), 3, "{}", o.stdout);
    assert_eq!(lines[0]["file"], arg(&a));
    assert_eq!(lines[1]["file"], "<stdin>");
    assert_eq!(lines[2]["file"], arg(&b));
    for v in &lines {
        for key in [
            "file",
            "executor",
            "code_sha256",
            "outcome",
            "value_display",
            "verdict",
        ] {
            assert!(v[key].is_string(), "{key} is a string in {v}");
        }
        for key in ["duration_ms", "cpu_ms", "peak_memory_bytes", "score"] {
            assert!(v[key].is_number(), "{key} is a number in {v}");
        }
        for key in ["console", "blocked", "findings"] {
            assert!(v[key].is_array(), "{key} is an array in {v}");
        }
        assert!(v["console_truncated"].is_boolean());
        assert!(v.get("value").is_some() && v.get("error").is_some());
        let hash = v["code_sha256"].as_str().expect("hash");
        assert!(hash.len() == 64 && hash.chars().all(|c| c.is_ascii_hexdigit()));
        assert_eq!(
            v["limits"],
            serde_json::json!({"timeout_ms":300,"wall_timeout_ms":600,"memory_mb":128,"stack_kb":512})
        );
    }
    // SHA-256 of the exact code that ran.
    assert_eq!(
        lines[0]["code_sha256"],
        "1acf86226c68c1485ca3939884c43ed99abeea344e806548af7ee813c1c0cff3"
    );
    assert_eq!(o.code, Some(1), "one file failed, so exit 1");
    assert_eq!(lines[0]["outcome"], "ok");
    assert_eq!(lines[0]["value"], 4);
    assert_eq!(lines[1]["value"], "from stdin");
    assert_eq!(lines[2]["outcome"], "error");
    assert_eq!(lines[2]["error"]["name"], "TypeError");
    assert_eq!(lines[2]["error"]["message"], "bad");
}

#[test]
fn exit_code_is_0_only_when_every_run_is_ok() {
    let dir = tempfile::tempdir().expect("tempdir");
    let ok1 = write(dir.path(), "ok1.js", "[1,2,3].map(x => x * 2)");
    let ok2 = write(dir.path(), "ok2.js", "'x'.repeat(3)");
    let slow = write(dir.path(), "slow.js", "for(;;){}");
    let o = run(&[arg(&ok1), arg(&ok2)], None);
    assert_eq!(o.code, Some(0), "{}{}", o.stdout, o.stderr);
    assert!(o.stdout.contains("  value    [2, 4, 6]\n"), "{}", o.stdout);
    let o = run(
        &["--timeout", "100", arg(&ok1), arg(&slow), arg(&ok2)],
        None,
    );
    assert_eq!(o.code, Some(1));
    // The failing file does not stop the ones after it, and each is reported.
    let reported: Vec<&str> = o.stdout.lines().filter(|l| l.starts_with("▶")).collect();
    assert_eq!(reported.len(), 3, "{}", o.stdout);
    assert!(reported[1].contains("slow.js") && reported[1].ends_with("timeout"));
    assert!(
        reported[2].ends_with("ok"),
        "the next run is clean: {}",
        o.stdout
    );
}

#[test]
fn human_report_shows_value_console_levels_error_blocked_and_stats_plain_when_piped() {
    let code = "console.log('hello');\nconsole.warn('careful');\ntry { process.exit(1) } catch (e) {}\n({answer: 42})";
    let o = run(&["--force", "-"], Some(code.as_bytes()));
    let out = &o.stdout;
    assert!(!out.contains('\x1b'), "no colour when piped: {out}");
    assert!(out.contains("▶ <stdin>  ok"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("  value") && l.contains("answer") && l.contains("42")),
        "{out}"
    );
    assert!(out.contains("[log] hello"), "{out}");
    assert!(out.contains("[warn] careful"), "{out}");
    assert!(
        out.lines()
            .any(|l| l.contains("blocked") && l.contains("3:") && l.contains("process-access")),
        "blocked attempt with line:col: {out}"
    );
    assert!(out.contains("ms cpu") && out.contains("peak"), "{out}");
    assert!(out.contains("sha256 "), "{out}");
    assert_eq!(o.code, Some(0));
}

#[test]
fn script_output_never_reaches_the_terminal_raw_in_either_mode() {
    // ESC, BEL, a C1 CSI, DEL, bidi override and isolate, zero-width joiner, line separator.
    let nasty = r"'A\x1b[2J\x07\x9b31m\x7f\u202eevil\u2066\u200d\u2028Z'";
    let code = format!(
        "console.log({nasty}); console.error({nasty} + '\\nforged line'); throw new Error({nasty});"
    );
    for json in [false, true] {
        let mut args = vec!["-"];
        if json {
            args.insert(0, "--json");
        }
        let o = run(&args, Some(code.as_bytes()));
        for c in o.stdout.chars() {
            assert!(
                !is_unsafe_char(c, true),
                "json={json}: raw {c:?} on stdout: {}",
                o.stdout
            );
        }
        if json {
            let v = &json_lines(&o.stdout)[0];
            // JSON readers still get the exact text back.
            let text = v["console"][0]["text"].as_str().expect("console text");
            assert!(
                text.contains('\u{202e}') && text.contains('\x1b'),
                "{text:?}"
            );
            assert!(o.stdout.contains("\\u202e"), "{}", o.stdout);
            assert!(v["error"]["message"]
                .as_str()
                .is_some_and(|m| m.contains('\u{2066}')));
        } else {
            assert!(o.stdout.contains("\\x1b[2J"), "{}", o.stdout);
            assert!(o.stdout.contains("\\u{202e}evil"), "{}", o.stdout);
            assert!(
                !o.stdout.lines().any(|l| l.starts_with("forged")),
                "script newlines cannot forge report lines: {}",
                o.stdout
            );
        }
        assert_eq!(o.code, Some(1));
    }
}

#[test]
fn input_is_visible_and_frozen() {
    let code = "'use strict'; let threw = false; try { input.user.name = 'eve' } catch (e) { threw = e instanceof TypeError }\n({name: input.user.name, n: input.n, threw, frozen: Object.isFrozen(input.user)})";
    let o = run(
        &[
            "--json",
            "--input",
            r#"{"user":{"name":"ada"},"n":[1,2]}"#,
            "-",
        ],
        Some(code.as_bytes()),
    );
    let v = &json_lines(&o.stdout)[0];
    assert_eq!(
        v["value"],
        serde_json::json!({"name":"ada","n":[1,2],"threw":true,"frozen":true}),
        "{v}"
    );
    // Without --input there is no such global.
    let o = run(&["--json", "-"], Some(b"typeof input"));
    assert_eq!(json_lines(&o.stdout)[0]["value"], "undefined");
}

#[test]
fn wall_timeout_defaults_to_twice_the_timeout_and_can_be_set() {
    let o = run(&["--json", "--timeout", "70", "-"], Some(b"1"));
    let v = &json_lines(&o.stdout)[0];
    assert_eq!(v["limits"]["timeout_ms"], 70);
    assert_eq!(v["limits"]["wall_timeout_ms"], 140);
    let o = run(
        &[
            "--json",
            "--timeout",
            "70",
            "--wall-timeout",
            "500",
            "--memory",
            "64",
            "--stack",
            "256",
            "-",
        ],
        Some(b"1"),
    );
    let v = &json_lines(&o.stdout)[0];
    assert_eq!(
        v["limits"],
        serde_json::json!({"timeout_ms":70,"wall_timeout_ms":500,"memory_mb":64,"stack_kb":256})
    );
}

/// The scan gate on a real attack sample: a `block` verdict means outcome `blocked`, findings
/// in the JSON and nothing run; `--force` runs it in the sandbox anyway. Until the scanner
/// lands its verdict is `allow`; the verdict decides which branch is live, both asserted from
/// the JSON fields.
#[test]
fn a_block_verdict_refuses_to_run_unless_forced() {
    let sample = sandbench::samples::find("escape-constructor-chain").expect("sample");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), "escape.js", sample.source);
    let o = run(&["--json", arg(&path)], None);
    let v = &json_lines(&o.stdout)[0];
    if v["verdict"] == "block" {
        assert_eq!(o.code, Some(1), "{v}");
        assert_eq!(v["outcome"], "blocked", "{v}");
        assert!(!v["findings"].as_array().expect("findings").is_empty());
        assert_eq!(v["error"]["name"], "ScanBlocked");
        assert!(v["error"]["message"]
            .as_str()
            .is_some_and(|m| m.contains("--force")));
        assert_eq!(v["console"], serde_json::json!([]));
        assert_eq!(v["blocked"], serde_json::json!([]), "nothing ran");
        assert_eq!(v["forced"], false);
    } else {
        assert_ne!(v["outcome"], "blocked", "{v}");
    }
    let o = run(&["--json", "--force", arg(&path)], None);
    let forced = &json_lines(&o.stdout)[0];
    assert_ne!(forced["outcome"], "blocked", "{forced}");
    assert_eq!(forced["forced"], forced["verdict"] == "block");
    assert_eq!(forced["verdict"], v["verdict"]);
    // Run in the sandbox, the escape is refused and recorded instead.
    assert_eq!(forced["outcome"], "ok", "{forced}");
    assert_eq!(forced["value"]["escaped"], 0);
    assert!(!forced["blocked"].as_array().expect("blocked").is_empty());
    assert_eq!(o.code, Some(0));
}

#[test]
fn repeated_and_dropped_blocked_attempts_are_counted_in_both_modes() {
    let code = "for (let i = 0; i < 300; i++) { try { fetch; } catch (e) {} }\n\
                for (let i = 0; i < 400; i++) { try { require('m' + i); } catch (e) {} }\n";
    for executor in ["quickjs", "quickjs-process"] {
        let o = run(
            &["--force", "--json", "--executor", executor, "-"],
            Some(code.as_bytes()),
        );
        let v = &json_lines(&o.stdout)[0];
        assert_eq!(v["blocked"][0]["capability"], "fetch", "{executor}");
        assert_eq!(v["blocked"][0]["count"], 300, "{executor}");
        let dropped = v["blocked_dropped"].as_u64().unwrap_or(0);
        assert!(dropped > 0, "{executor}: {}", v["blocked_dropped"]);
        let o = run(
            &["--force", "--executor", executor, "-"],
            Some(code.as_bytes()),
        );
        assert!(
            o.stdout
                .lines()
                .any(|l| l.contains("fetch") && l.contains("(×300)")),
            "{executor}: {}",
            o.stdout
        );
        assert!(
            o.stdout
                .contains(&format!("{dropped} more blocked attempts not recorded")),
            "{executor}: {}",
            o.stdout
        );
    }
}

/// Issue 10 point 6: `--seed` replays a run exactly (random numbers and dates), the seed is in
/// `--json` (and an unseeded run reports the OS seed it drew), and the host's `TZ` is not seen
/// by either executor.
#[test]
fn a_seed_replays_the_run_and_the_host_time_zone_is_not_seen() {
    let (_dir, f) = temp_file("facts.js", "[Math.random(), Date.now(), new Date().toString(), new Date(0).getHours(), performance.now() > 0]");
    for ex in ["quickjs", "quickjs-process"] {
        let go = |seed: Option<&str>| {
            let mut c = common::cli::sandbench();
            c.args(["run", "--json", "--executor", ex]);
            if let Some(s) = seed {
                c.args(["--seed", s]);
            }
            c.arg(arg(&f));
            c.env("TZ", "America/New_York");
            let o = c.output().expect("run");
            let v = json_lines(&String::from_utf8(o.stdout).expect("utf-8"));
            v.into_iter().next().expect("one line")
        };
        let a = go(Some("7"));
        let b = go(Some("7"));
        assert_eq!(a["outcome"], "ok", "{ex}: {a}");
        assert_eq!(a["value"], b["value"], "{ex}: same seed, same output");
        assert_eq!(a["seed"], 7, "{ex}");
        assert_eq!(a["value"][3], 0, "{ex}: UTC, whatever TZ says: {a}");
        assert!(
            a["value"][2]
                .as_str()
                .is_some_and(|s| s.ends_with("GMT+0000")),
            "{ex}: {a}"
        );
        let c = go(None);
        let d = go(None);
        assert_ne!(c["seed"], d["seed"], "{ex}: an OS seed per run");
        assert_ne!(c["value"][0], d["value"][0], "{ex}");
        // Replaying an unseeded run with its reported seed gives its random numbers back.
        let seed = c["seed"].as_u64().expect("seed").to_string();
        let e = go(Some(&seed));
        assert_eq!(c["value"][0], e["value"][0], "{ex}: replay of {seed}");
    }
}

/// Issue 10 point 7: invisible code points a script prints or returns never reach the
/// terminal raw, in text or JSON output; the JSON still decodes to the same strings.
#[test]
fn invisible_code_points_are_escaped_in_text_and_json() {
    let (_dir, f) = temp_file("inv.js", "const s = 'a\\u{E0041}b\\u00ADc\\u180Ed\\u3164e\\uFE0Ff\\uFFF9g\\u{1D173}h\\u206Ai';\nconsole.log(s);\ns");
    let raw = [
        '\u{E0041}',
        '\u{AD}',
        '\u{180E}',
        '\u{3164}',
        '\u{FE0F}',
        '\u{FFF9}',
        '\u{1D173}',
        '\u{206A}',
    ];
    for ex in ["quickjs", "quickjs-process"] {
        let text = run(&["--executor", ex, arg(&f)], None);
        let json = run(&["--json", "--executor", ex, arg(&f)], None);
        for out in [&text.stdout, &json.stdout] {
            for c in raw {
                assert!(!out.contains(c), "{ex}: U+{:04X} raw in {out}", c as u32);
            }
            assert!(!out.chars().any(|c| is_unsafe_char(c, true)), "{ex}: {out}");
        }
        let v = json_lines(&json.stdout);
        assert_eq!(
            v[0]["value"],
            "a\u{E0041}b\u{AD}c\u{180E}d\u{3164}e\u{FE0F}f\u{FFF9}g\u{1D173}h\u{206A}i",
            "{ex}"
        );
    }
}

#[test]
fn input_file_takes_inputs_larger_than_an_argument_from_a_file_or_stdin() {
    let d = tempfile::tempdir().expect("tempdir");
    // 1 MB of JSON: far past what one argument may carry (128 KiB on Linux).
    let big = format!(
        r#"{{"items":[{}]}}"#,
        vec!["\"abcdefghij\""; 80_000].join(",")
    );
    let input = write(d.path(), "input.json", &big);
    let script = write(
        d.path(),
        "s.js",
        "input.items.length + ':' + Object.isFrozen(input.items)",
    );
    let o = run(&["--json", "--input-file", arg(&input), arg(&script)], None);
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(json_lines(&o.stdout)[0]["value"], "80000:true");
    // `-`: the input from standard input, the script from a file.
    let o = run(
        &["--json", "--input-file", "-", arg(&script)],
        Some(br#"{"items":[1,2,3]}"#),
    );
    assert_eq!(o.code, Some(0), "{}", o.stderr);
    assert_eq!(json_lines(&o.stdout)[0]["value"], "3:true");
    // Errors: one line, exit 2, nothing run.
    let bad = write(d.path(), "bad.json", "{nope");
    for (args, says) in [
        (
            vec!["--input-file", arg(&bad), arg(&script)],
            "not valid JSON",
        ),
        (
            vec!["--input-file", "/nonexistent/input.json", arg(&script)],
            "input.json",
        ),
        (vec!["--input-file", "-", "-"], "not both"),
        (
            vec!["--input", "{}", "--input-file", arg(&input), arg(&script)],
            "cannot be used with",
        ),
    ] {
        let o = run(&args, Some(b"1"));
        assert_eq!(o.code, Some(2), "{args:?}: {}", o.stderr);
        assert!(o.stdout.is_empty(), "{args:?}: {}", o.stdout);
        assert!(o.stderr.contains(says), "{args:?}: {}", o.stderr);
    }
}
