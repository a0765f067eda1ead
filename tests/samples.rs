//! Every embedded sample runs as its header says (`src/samples.rs` documents the header).
//!
//! The run keys (`expect-outcome`, `expect-value`, `expect-blocked`, `expect-console`,
//! `run-options`) are checked here, through the same option parser and scan gate as
//! `sandbench run`. The scanner keys (`expect-verdict`, `expect-findings`) belong to the
//! scanner's own sample test.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use clap::Parser;
use common::cli::{json_of, sandbench, write};
use common::http::Server;
use sandbench::cli::run::{run_one, RunArgs, RunConfig};
use sandbench::cli::{Cli, Command as Sub};
use sandbench::engine::exec::{self, ExecOutcome};
use sandbench::engine::Category;
use sandbench::samples::{self, header, header_value, Sample};

const OUTCOMES: [&str; 9] = [
    "ok",
    "error",
    "timeout",
    "memory_limit",
    "stack_overflow",
    "pending",
    "cancelled",
    "crashed",
    "blocked",
];

/// Samples owned by the scanner describe findings, not runs.
fn is_run_sample(s: &Sample) -> bool {
    !s.name.starts_with("scan-")
}

/// What a sample needs around it (`// needs: tempdir, server`): a temporary directory holding
/// its `// fixture: PATH = CONTENT` files (`\n` for a newline) and `// fixture-symlink: NAME ->
/// TARGET` links, named `$TMP` in its run options; a loopback HTTP server
/// (`tests/common/http.rs`), named `$SERVER` (`127.0.0.1:PORT`).
struct Env {
    dir: Option<tempfile::TempDir>,
    server: Option<Server>,
}

fn env_for(s: &Sample) -> Env {
    let needs = header_value(s.source, "needs").unwrap_or("");
    let dir = needs.contains("tempdir").then(|| {
        let dir = tempfile::tempdir().expect("tempdir");
        for (k, v) in header(s.source) {
            if k == "fixture" {
                let (path, content) = v
                    .split_once(" = ")
                    .unwrap_or_else(|| panic!("{}: fixture is 'PATH = CONTENT'", s.name));
                let file = dir.path().join(path);
                if let Some(parent) = file.parent() {
                    std::fs::create_dir_all(parent).expect("fixture dir");
                }
                std::fs::write(&file, content.replace("\\n", "\n")).expect("fixture");
            } else if k == "fixture-symlink" {
                let (name, target) = v
                    .split_once(" -> ")
                    .unwrap_or_else(|| panic!("{}: fixture-symlink is 'NAME -> TARGET'", s.name));
                std::os::unix::fs::symlink(target, dir.path().join(name)).expect("symlink");
            }
        }
        dir
    });
    let server = needs.contains("server").then(Server::start);
    Env { dir, server }
}

fn run_options(s: &Sample, env: &Env) -> Vec<String> {
    let tmp = env.dir.as_ref().map(|d| d.path().display().to_string());
    let server = env.server.as_ref().map(Server::host);
    header_value(s.source, "run-options")
        .map(|o| {
            o.split_whitespace()
                .map(|w| {
                    let mut w = w.to_string();
                    if let Some(t) = &tmp {
                        w = w.replace("$TMP", t);
                    }
                    if let Some(h) = &server {
                        w = w.replace("$SERVER", h);
                    }
                    w
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Parses the sample's `run-options` exactly as the CLI would.
fn run_args(s: &Sample, env: &Env) -> RunArgs {
    let mut argv = vec!["sandbench".to_string(), "run".to_string()];
    argv.extend(run_options(s, env));
    argv.push(s.name.to_string());
    match Cli::try_parse_from(&argv) {
        Ok(Cli {
            command: Some(Sub::Run(args)),
            ..
        }) => *args,
        Ok(other) => panic!("{}: run-options parsed as {other:?}", s.name),
        Err(e) => panic!("{}: bad run-options {argv:?}: {e}", s.name),
    }
}

/// `category@line` entries of `expect-blocked`; `none` means no blocked attempt at all.
fn expected_blocked(s: &Sample) -> Option<Vec<(Category, u32)>> {
    let v = header_value(s.source, "expect-blocked")?;
    if v == "none" {
        return Some(Vec::new());
    }
    Some(
        v.split(',')
            .map(|e| {
                let (cat, line) = e
                    .trim()
                    .split_once('@')
                    .unwrap_or_else(|| panic!("{}: '{e}' is not category@line", s.name));
                let cat = Category::parse(cat)
                    .unwrap_or_else(|| panic!("{}: unknown category '{cat}'", s.name));
                let line: u32 = line
                    .parse()
                    .unwrap_or_else(|_| panic!("{}: bad line in '{e}'", s.name));
                (cat, line)
            })
            .collect(),
    )
}

#[test]
fn headers_are_complete_and_well_formed() {
    let run_samples: Vec<_> = samples::all().iter().filter(|s| is_run_sample(s)).collect();
    assert!(
        run_samples.len() >= 20,
        "at least 20 run samples, found {}",
        run_samples.len()
    );
    for s in &run_samples {
        assert!(
            header_value(s.source, "sample").is_some_and(|t| !t.is_empty()),
            "{}: needs a `// sample:` title",
            s.name
        );
        let outcome = header_value(s.source, "expect-outcome")
            .unwrap_or_else(|| panic!("{}: needs `// expect-outcome:`", s.name));
        assert!(
            OUTCOMES.contains(&outcome),
            "{}: unknown outcome {outcome}",
            s.name
        );
        if let Some(v) = header_value(s.source, "expect-value") {
            assert_eq!(
                outcome, "ok",
                "{}: a value is only expected when ok",
                s.name
            );
            serde_json::from_str::<serde_json::Value>(v)
                .unwrap_or_else(|e| panic!("{}: expect-value is not JSON: {e}", s.name));
        }
        let lines = s.source.lines().count() as u32;
        for (_, line) in expected_blocked(s).unwrap_or_default() {
            assert!(
                (1..=lines).contains(&line),
                "{}: blocked line {line} is outside the file",
                s.name
            );
        }
        // The options must be ones `sandbench run` accepts.
        let env = env_for(s);
        RunConfig::from_args(&run_args(s, &env))
            .unwrap_or_else(|e| panic!("{}: run-options refused: {e}", s.name));
    }
}

#[test]
fn the_samples_cover_every_pattern_the_brief_lists() {
    common::assert_a_sample_for_each(
        samples::all(),
        &[
            "constructor-chain",
            "function-constructor",
            "eval",
            "process",
            "require-fs",
            "child-process",
            "dynamic-import",
            "module-exports",
            "prototype-pollution",
            "network",
            "busy-loop",
            "memory-bomb",
            "deep-recursion",
            "microtask",
            "regex",
            "console-flood",
            "pending-promise",
            "config-from-granted-dir",
            "api-call",
            "walk-out-of-root",
            "redirect-to-ungranted-host",
        ],
    );
}

fn check_run(s: &Sample, o: &ExecOutcome) -> Vec<String> {
    let mut bad = Vec::new();
    let want = header_value(s.source, "expect-outcome").unwrap_or("?");
    if o.outcome.as_str() != want {
        bad.push(format!(
            "outcome {} (want {want}); error {:?}",
            o.outcome.as_str(),
            o.error
        ));
    }
    if let Some(v) = header_value(s.source, "expect-value") {
        let want: serde_json::Value = serde_json::from_str(v).expect("checked JSON");
        if o.value.as_ref() != Some(&want) {
            bad.push(format!("value {:?} (want {want})", o.value));
        }
    }
    if let Some(want) = expected_blocked(s) {
        let got: Vec<(Category, Option<u32>)> =
            o.blocked.iter().map(|b| (b.category, b.line)).collect();
        if want.is_empty() && !got.is_empty() {
            bad.push(format!("blocked {got:?} (want none)"));
        }
        for (cat, line) in want {
            if !got.contains(&(cat, Some(line))) {
                bad.push(format!("no blocked {cat}@{line}; got {got:?}"));
            }
        }
    }
    if let Some(needle) = header_value(s.source, "expect-console") {
        if !o.console.iter().any(|l| l.text.contains(needle)) {
            bad.push(format!("console lacks {needle:?}"));
        }
    }
    // Whatever the script did, the run ended by the hard deadline (with slack for CI).
    let wall = o.limits.wall_timeout_ms as f64;
    if o.duration_ms > wall + 1000.0 {
        bad.push(format!(
            "took {:.0} ms, past the {wall} ms wall deadline",
            o.duration_ms
        ));
    }
    bad
}

#[test]
fn every_sample_runs_as_its_header_says_and_the_host_stays_clean() {
    // One executor instance for all samples, as `sandbench run a.js b.js …` uses.
    let executor = exec::create("auto").expect("auto executor");
    let mut failures = Vec::new();
    let mut ran = 0;
    for s in samples::all().iter().filter(|s| is_run_sample(s)) {
        let env = env_for(s);
        let args = run_args(s, &env);
        let config = RunConfig::from_args(&args).expect("checked options");
        let req = config.request(s.source, s.name);
        let (o, _report, _forced) = run_one(executor.as_ref(), &req, args.force);
        ran += 1;
        for b in check_run(s, &o) {
            failures.push(format!("{}: {b}", s.name));
        }
    }
    assert!(ran >= 20);
    assert!(failures.is_empty(), "{}", failures.join("\n"));

    // After every attack, the same executor still runs honest code exactly.
    let welcome = samples::find("welcome").expect("welcome sample");
    let config = RunConfig::from_args(&run_args(welcome, &env_for(welcome))).expect("options");
    let (o, _, _) = run_one(
        executor.as_ref(),
        &config.request(welcome.source, welcome.name),
        false,
    );
    assert!(check_run(welcome, &o).is_empty(), "{o:?}");
}

#[test]
fn a_sample_runs_through_the_binary_with_its_header_options() {
    let s = samples::find("plugin-input-orders").expect("sample");
    let dir = tempfile::tempdir().expect("tempdir");
    let path = write(dir.path(), s.name, s.source);
    let out = sandbench()
        .arg("run")
        .arg("--json")
        .args(run_options(s, &env_for(s)))
        .arg(&path)
        .output()
        .expect("run binary");
    let v = json_of(&out.stdout);
    assert_eq!(v["file"], path.to_string_lossy().as_ref());
    assert_eq!(v["limits"]["timeout_ms"], 5000);
    let want: serde_json::Value =
        serde_json::from_str(header_value(s.source, "expect-value").expect("value")).expect("json");
    assert_eq!(v["outcome"], "ok", "{v}");
    assert_eq!(v["value"], want);
    assert_eq!(out.status.code(), Some(0));
}
