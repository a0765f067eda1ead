//! `sandbench scan` end to end: formats, exit codes, recursion, node_modules, stdin.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::cli::{arg, json_of, sandbench, temp_file, write};
use serde_json::Value;
use std::path::Path;

/// A project: two scripts and a module under src/, a text file, and a dependency.
fn tree() -> tempfile::TempDir {
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    write(
        p,
        "src/ok.js",
        "const total = [1, 2].reduce((a, b) => a + b, 0);\n",
    );
    write(
        p,
        "src/deep/evil.mjs",
        "export const x = 1;\nthis.constructor.constructor('return process')();\n",
    );
    write(p, "src/deep/net.cjs", "fetch('https://example.test');\n");
    write(p, "src/readme.txt", "eval(x)");
    write(
        p,
        "node_modules/dep/index.js",
        "require('child_process').exec('id');\n",
    );
    d
}

/// `sandbench scan --format json ARGS… PATH`, which must exit with `code`: its report.
#[track_caller]
fn scan_json(args: &[&str], path: &Path, code: i32) -> Value {
    let out = sandbench()
        .args(["scan", "--format", "json"])
        .args(args)
        .arg(path)
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    json_of(&out.stdout)
}

/// `sandbench scan ARGS… PATH` exits with `code`.
#[track_caller]
fn scan_exits(args: &[&str], path: &Path, code: i32) {
    sandbench()
        .arg("scan")
        .args(args)
        .arg(path)
        .assert()
        .code(code);
}

#[test]
fn json_recurses_skips_node_modules_and_fails_on_block() {
    let d = tree();
    let v = scan_json(&[], d.path(), 1);
    let files = v["files"].as_array().expect("files");
    let paths: Vec<&str> = files
        .iter()
        .map(|f| f["path"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(paths.len(), 3, "{paths:?}");
    assert!(paths
        .iter()
        .all(|p| !p.contains("node_modules") && !p.ends_with(".txt")));
    let evil = files
        .iter()
        .find(|f| f["path"].as_str().is_some_and(|p| p.ends_with("evil.mjs")))
        .expect("evil.mjs");
    assert_eq!(evil["verdict"], "block");
    assert_eq!(evil["sha256"].as_str().map(str::len), Some(64));
    assert!(evil["parse_error"].is_null());
    let f0 = &evil["findings"][0];
    assert_eq!(f0["rule"], "constructor-chain");
    assert_eq!(f0["category"], "vm-escape");
    assert_eq!(f0["line"], 2);
    for key in [
        "score",
        "severity",
        "column",
        "end_line",
        "end_column",
        "message",
        "remediation",
        "snippet",
    ] {
        assert!(!f0[key].is_null(), "finding lacks {key}");
    }
    assert!(evil["metrics"]["bytes"].as_u64().is_some_and(|b| b > 0));
    assert_eq!(v["summary"]["files"], 3);
    assert_eq!(v["summary"]["block"], 1);
    assert_eq!(v["summary"]["review"], 1);
    assert_eq!(v["summary"]["allow"], 1);
}

#[test]
fn include_node_modules_and_fail_on_levels() {
    let d = tree();
    let out = sandbench()
        .args([
            "scan",
            "--format",
            "json",
            "--include-node-modules",
            "--fail-on",
            "never",
        ])
        .arg(d.path())
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(0));
    let v = json_of(&out.stdout);
    assert_eq!(v["summary"]["files"], 4);
    let nm = d.path().join("src/deep/net.cjs");
    scan_exits(&["--fail-on", "review"], &nm, 1);
    scan_exits(&[], &nm, 0);
    scan_exits(&[], &d.path().join("src/ok.js"), 0);
}

#[test]
fn stdin_is_scanned_with_dash() {
    let out = sandbench()
        .args(["scan", "--format", "json", "-"])
        .write_stdin("(0, eval)(payload)")
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    let v = json_of(&out.stdout);
    assert_eq!(v["files"][0]["path"], "-");
    assert_eq!(v["files"][0]["findings"][0]["rule"], "eval-indirect");
}

#[test]
fn file_errors_exit_2_with_a_clear_message() {
    let d = tempfile::tempdir().expect("tempdir");
    let bad = write(d.path(), "bad.js", [b'a', 0xff, b'b']);
    let out = sandbench().arg("scan").arg(&bad).output().expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("error:"));
    let out = sandbench()
        .args(["scan", "--format", "json"])
        .arg(d.path().join("missing.js"))
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.js"));
    assert_eq!(json_of(&out.stdout)["summary"]["errors"], 1);
    sandbench()
        .args(["scan", "--format", "yaml", "x.js"])
        .assert()
        .code(2);
    sandbench().arg("scan").assert().code(2);
}

#[test]
fn sarif_is_2_1_0_with_rules_and_regions() {
    let d = tree();
    let out = sandbench()
        .args(["scan", "--format", "sarif"])
        .arg(d.path().join("src/deep/evil.mjs"))
        .output()
        .expect("run");
    let v = json_of(&out.stdout);
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().is_some_and(|s| s.contains("sarif")));
    let driver = &v["runs"][0]["tool"]["driver"];
    assert_eq!(driver["name"], "sandbench");
    let rules = driver["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "SB1001"
        && r["name"] == "ConstructorChain"
        && r["properties"]["sandbench-id"] == "constructor-chain"
        && r["shortDescription"]["text"].is_string()
        && r["help"]["text"].is_string()));
    // SARIF1001: a rule's name differs from its id, for every rule.
    assert!(rules.iter().all(|r| r["id"] != r["name"]));
    let res = &v["runs"][0]["results"][0];
    assert_eq!(res["ruleId"], "SB1001");
    assert_eq!(res["properties"]["context"], "plugin");
    assert_eq!(res["properties"]["sandbench-id"], "constructor-chain");
    assert!(res["properties"]["evidence"]
        .as_array()
        .is_some_and(|e| e.iter().any(|x| x == "constructor-chain")));
    assert_eq!(v["runs"][0]["properties"]["context"], "plugin");
    assert_eq!(res["level"], "error");
    assert!(res["message"]["text"].is_string());
    let loc = &res["locations"][0]["physicalLocation"];
    // The temporary tree is outside the working directory: an absolute file:// URI with
    // no base (SARIF1004 forbids `/…` next to a uriBaseId).
    let uri = loc["artifactLocation"]["uri"].as_str().expect("uri");
    assert!(
        uri.starts_with("file:///") && uri.ends_with("evil.mjs"),
        "{uri}"
    );
    assert!(loc["artifactLocation"].get("uriBaseId").is_none());
    assert_eq!(loc["region"]["startLine"], 2);
    assert_eq!(loc["region"]["startColumn"], 1);
    assert!(loc["region"]["endLine"].is_u64() && loc["region"]["endColumn"].is_u64());
}

#[test]
fn text_is_plain_when_piped_and_names_the_verdict() {
    let d = tree();
    let out = sandbench()
        .args(["scan"])
        .arg(d.path().join("src/deep/evil.mjs"))
        .output()
        .expect("run");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains('\u{1b}'), "{text}");
    assert!(text.contains("BLOCK"), "{text}");
    assert!(
        text.contains("2:1") && text.contains("constructor-chain"),
        "{text}"
    );
    assert!(
        text.contains("1 files: 0 allow, 0 review, 1 block"),
        "{text}"
    );
}

/// `scan` and `run` decide colour by one rule: plain when piped, `CLICOLOR_FORCE` forces
/// colour, a non-empty `NO_COLOR` always wins (an empty one counts as unset), `--json` and
/// the machine formats never carry escapes.
#[test]
fn colour_follows_one_rule_in_scan_and_run() {
    let d = tree();
    let evil = d.path().join("src/deep/evil.mjs");
    let ok = d.path().join("src/ok.js");
    let escapes = |args: &[&str], env: &[(&str, &str)]| -> bool {
        let mut c = sandbench();
        for (k, v) in env {
            c.env(k, v);
        }
        let out = c.args(args).output().expect("run");
        out.stdout.contains(&0x1b)
    };
    let forced = [("CLICOLOR_FORCE", "1")];
    for args in [["scan", arg(&evil)], ["run", arg(&ok)]] {
        assert!(!escapes(&args, &[]), "{args:?}: piped output is plain");
        assert!(escapes(&args, &forced), "{args:?}: CLICOLOR_FORCE colours");
        assert!(
            !escapes(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")]),
            "{args:?}: NO_COLOR wins"
        );
        assert!(
            escapes(&args, &[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "")]),
            "{args:?}: an empty NO_COLOR is unset"
        );
    }
    let path = arg(&evil);
    for args in [
        vec!["scan", "--format", "json", path],
        vec!["scan", "--format", "sarif", path],
        vec!["run", "--json", path],
    ] {
        assert!(
            !escapes(&args, &forced),
            "{args:?}: machine output is plain"
        );
    }
}

#[test]
fn a_batch_with_a_bad_file_reports_the_others_and_puts_the_error_on_stderr() {
    let d = tempfile::tempdir().expect("tempdir");
    let good = write(d.path(), "good.js", "const a = 1;\n");
    let evil = write(
        d.path(),
        "evil.js",
        "this.constructor.constructor('return process')();\n",
    );
    let bad = write(d.path(), "bad.js", [b'a', 0xff, b'b']);
    let out = sandbench()
        .arg("scan")
        .args([&good, &bad, &evil])
        .output()
        .expect("run");
    assert_eq!(
        out.status.code(),
        Some(2),
        "a file error wins over the verdicts"
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stdout.contains("good.js") && stdout.contains("evil.js"),
        "{stdout}"
    );
    assert!(stdout.contains("BLOCK"), "{stdout}");
    assert!(
        stdout.contains("1 errors"),
        "the summary counts it: {stdout}"
    );
    assert!(!stdout.contains("bad.js"), "{stdout}");
    assert!(
        stderr.contains("error:")
            && stderr.contains("bad.js")
            && stderr.contains("not valid UTF-8"),
        "{stderr}"
    );
    // The benign twin: the same batch without the bad file has nothing on stderr.
    let out = sandbench()
        .arg("scan")
        .args([&good, &evil])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
    assert!(
        out.stderr.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn links_inside_the_tree_are_followed_once_and_links_outside_are_named() {
    use std::os::unix::fs::symlink;
    let outside = tempfile::tempdir().expect("tempdir");
    let secret = write(outside.path(), "other.js", "eval(x);\n");
    let d = tempfile::tempdir().expect("tempdir");
    let p = d.path();
    write(
        p,
        "lib/real.js",
        "this.constructor.constructor('return process')();\n",
    );
    symlink(p.join("lib/real.js"), p.join("alias.js")).expect("link");
    symlink(p.join("lib"), p.join("lib2")).expect("link");
    symlink(p, p.join("lib/loop")).expect("link");
    symlink(&secret, p.join("away.js")).expect("link");
    symlink(p.join("missing.js"), p.join("broken.js")).expect("link");
    let out = sandbench()
        .args(["scan", "--format", "json", "--fail-on", "never"])
        .arg(p)
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(0), "{stderr}");
    let json = json_of(&out.stdout);
    let mut files: Vec<String> = json["files"]
        .as_array()
        .expect("files")
        .iter()
        .map(|f| {
            let path = f["path"].as_str().expect("path");
            path.strip_prefix(&format!("{}/", p.display()))
                .unwrap_or(path)
                .to_string()
        })
        .collect();
    files.sort();
    // The link to a file is scanned under its own name; the directory reached both as `lib`
    // and `lib2` (and again through `lib/loop`) is walked once.
    assert_eq!(files.len(), 2, "{files:?}");
    assert!(files.contains(&"alias.js".to_string()), "{files:?}");
    assert!(
        files.iter().filter(|f| f.ends_with("real.js")).count() == 1,
        "{files:?}"
    );
    assert!(
        stderr.contains("away.js") && stderr.contains("outside"),
        "{stderr}"
    );
    assert!(
        stderr.contains("broken.js") && stderr.contains("broken link"),
        "{stderr}"
    );
    assert!(!String::from_utf8_lossy(&out.stdout).contains("other.js"));
}

#[test]
fn subcommands_accept_version() {
    for sub in ["scan", "run", "executors"] {
        let out = sandbench().args([sub, "--version"]).output().expect("run");
        assert_eq!(out.status.code(), Some(0), "{sub}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(env!("CARGO_PKG_VERSION")),
            "{sub}"
        );
    }
}

/// A file beneath the working directory is relative to `%SRCROOT%`, whether it was named by
/// a relative or an absolute path; `%SRCROOT%` is the working directory as a file:// URI.
#[test]
fn sarif_uris_are_relative_to_srcroot_beneath_the_working_directory() {
    let d = tree();
    let evil = d.path().join("src/deep/evil.mjs");
    for arg in [std::path::PathBuf::from("src/deep/evil.mjs"), evil.clone()] {
        let out = sandbench()
            .current_dir(d.path())
            .args(["scan", "--format", "sarif", "--context", "package"])
            .arg(&arg)
            .output()
            .expect("run");
        let v = json_of(&out.stdout);
        let run = &v["runs"][0];
        let base = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
            .as_str()
            .expect("SRCROOT");
        assert!(
            base.starts_with("file:///") && base.ends_with('/'),
            "{base}"
        );
        let loc = &run["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
        assert_eq!(loc["uri"], "src/deep/evil.mjs", "{arg:?}");
        assert_eq!(loc["uriBaseId"], "%SRCROOT%");
        assert_eq!(run["properties"]["context"], "package");
        assert_eq!(run["results"][0]["properties"]["context"], "package");
    }
}

/// `--context package` scores plain capability use at most review; the same file blocks
/// in the default plugin context.
#[test]
fn context_changes_what_plain_use_scores() {
    let (_dir, f) = temp_file("cli.js", "const { execFileSync } = require('child_process');\nmodule.exports = () => execFileSync('git', ['rev-parse', 'HEAD']).toString();\n");
    let json = |ctx: &str| {
        let out = sandbench()
            .args(["scan", "--format", "json", "--context", ctx])
            .arg(&f)
            .output()
            .expect("run");
        json_of(&out.stdout)
    };
    let plugin = json("plugin");
    assert_eq!(plugin["context"], "plugin");
    assert_eq!(plugin["files"][0]["verdict"], "block");
    let package = json("package");
    assert_eq!(package["context"], "package");
    assert_eq!(package["files"][0]["verdict"], "review");
    let ev = &package["files"][0]["findings"][0]["evidence"];
    assert!(
        ev.as_array()
            .is_some_and(|e| e.iter().any(|x| x == "plain-use")),
        "{ev}"
    );
    scan_exits(&["--context", "package"], &f, 0);
    scan_exits(&[], &f, 1);
}

#[test]
fn deep_files_are_scanned_whole_on_the_workers_stack_or_beyond_it() {
    // The scan workers have big stacks (`scan::SCAN_THREAD_STACK`); a file too deep even for
    // them still goes to a thread of its own. Either way the code inside is seen: a call to
    // `eval` at the bottom of 3 000 and of 40 000 nested arrays (past a worker's stack in a
    // debug build), each with a twin that holds a number instead.
    let d = tempfile::tempdir().expect("tempdir");
    let nest = |n: usize, inner: &str| format!("x = {}{inner}{};\n", "[".repeat(n), "]".repeat(n));
    for (name, n) in [("mid", 3_000), ("deep", 40_000)] {
        write(d.path(), &format!("{name}-evil.js"), nest(n, "eval(y)"));
        write(d.path(), &format!("{name}-twin.js"), nest(n, "1"));
    }
    write(d.path(), "shallow-evil.js", nest(2, "eval(y)"));
    let v = scan_json(&["--fail-on", "never"], d.path(), 0);
    assert_eq!(v["errors"].as_array().map(Vec::len), Some(0), "{v}");
    let files = v["files"].as_array().expect("files");
    assert_eq!(files.len(), 5);
    for f in files {
        let path = f["path"].as_str().unwrap_or("");
        assert!(f["parse_error"].is_null(), "{path}: {}", f["parse_error"]);
        let evals = f["findings"]
            .as_array()
            .expect("findings")
            .iter()
            .filter(|x| x["rule"] == "eval-direct")
            .count();
        let want = usize::from(path.ends_with("-evil.js"));
        assert_eq!(evals, want, "{path}: {}", f["findings"]);
    }
}
