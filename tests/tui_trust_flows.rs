//! Issue 14 in the workbench, end to end: the real binary in tmux at 80x24, keys and signatures
//! made with the real `sandbench key new` / `sign`; config and data directories per test.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod tui_support;

use common::cli::{temp_file, write};
use common::otlp::receiver;
use std::path::{Path, PathBuf};
use std::process::Command;
use tui_support::tmux::{workbench_bin, Session};

/// `sandbench ARGS` with the directories under `dir`; asserts success, returns stdout.
fn cli(dir: &Path, args: &[&str]) -> String {
    let out = Command::new(workbench_bin())
        .args(args)
        .env("SANDBENCH_DATA_DIR", dir.join("data"))
        .env("SANDBENCH_CONFIG_DIR", dir.join("config"))
        .env_remove("OTEL_EXPORTER_OTLP_ENDPOINT")
        .output()
        .expect("run sandbench");
    assert!(
        out.status.success(),
        "sandbench {args:?}: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A plugin file signed by a fresh key `alice`, trusted here.
fn signed_plugin(dir: &Path) -> PathBuf {
    let file = dir.join("plugin.js");
    std::fs::write(&file, "const x = 1 + 2;\nx * 2;\n").expect("write");
    cli(dir, &["key", "new", "alice"]);
    cli(dir, &["sign", file.to_str().expect("utf-8 path")]);
    file
}

/// Saves the buffer (Ctrl-S) and quits.
fn save_and_quit(s: &Session) {
    s.keys(&["C-s"]);
    s.wait_text("saved");
    s.quit();
}

/// The status bar (the last row).
fn status(screen: &str) -> &str {
    screen.lines().last().unwrap_or_default()
}

fn audit_lines(dir: &Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(dir.join("data").join("audit.jsonl"))
        .unwrap_or_default()
        .lines()
        .map(|l| serde_json::from_str(l).expect("an audit line is JSON"))
        .collect()
}

/// Shows the History tab (F7 cycles the results tabs).
fn history_tab(s: &Session) -> String {
    for _ in 0..6 {
        let screen = s.screen();
        if screen.contains("time (UTC)") || screen.contains("no runs in the audit log") {
            return screen;
        }
        s.keys(&["F7"]);
        std::thread::sleep(std::time::Duration::from_millis(150));
    }
    s.wait_text("time (UTC)")
}

#[test]
fn signed_then_edited_then_refused_under_require_signed_and_the_runs_survive_a_restart() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = signed_plugin(dir.path());

    // 1. Opened: signed by alice. An edit flips it to modified; undoing the edit flips it back.
    {
        let s = Session::workbench(80, 24, dir.path(), &[&file]);
        let screen = s.wait_for("signed by alice", |x| status(x).contains("signed by alice"));
        assert!(!status(&screen).contains("modified"), "{screen}");
        s.literal("y");
        let screen = s.wait_for("modified", |x| {
            status(x).contains("modified since signing") && !status(x).contains('…')
        });
        assert!(status(&screen).contains("[+]"), "{screen}");
        s.keys(&["C-z"]);
        s.wait_for("signed again", |x| {
            status(x).contains("signed by alice") && !status(x).contains('…')
        });
        // A run of the signed code (no policy): audited as signed, from the workbench.
        s.keys(&["F5"]);
        s.wait_text("run finished: ok");
        save_and_quit(&s);
    }
    let lines = audit_lines(dir.path());
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert_eq!(lines[0]["source"], "workbench");
    assert_eq!(lines[0]["trust"], "signed");
    assert_eq!(lines[0]["signer"], "alice");
    assert_eq!(lines[0]["outcome"], "ok");

    // 2. --require-signed: the edited buffer is refused with the reason, as `run` refuses it.
    {
        let s = Session::workbench(80, 24, dir.path(), &[Path::new("--require-signed"), &file]);
        s.wait_for("signed by alice", |x| status(x).contains("signed by alice"));
        s.literal("y");
        s.wait_for("modified", |x| {
            status(x).contains("modified since signing") && !status(x).contains('…')
        });
        s.keys(&["F5"]);
        let screen = s.wait_text("refused");
        assert!(
            screen.contains("signed code is required"),
            "the reason is on screen: {screen}"
        );
        assert!(screen.contains("blocked"), "{screen}");
        s.keys(&["C-z"]);
        save_and_quit(&s);
    }
    let lines = audit_lines(dir.path());
    assert_eq!(lines.len(), 2, "{lines:?}");
    assert_eq!(lines[1]["outcome"], "blocked");
    assert_eq!(lines[1]["trust"], "modified");
    assert!(
        lines[1]["reason"]
            .as_str()
            .is_some_and(|r| r.contains("signed code is required")),
        "{:?}",
        lines[1]
    );
    assert_eq!(lines[1]["duration_ms"], 0.0, "it never ran");

    // 3. A restart: History shows both runs from the audit log, with `stats`' figures.
    let s = Session::workbench(80, 24, dir.path(), &[&file]);
    s.wait_for("signed by alice", |x| status(x).contains("signed by alice"));
    let screen = history_tab(&s);
    let screen = if screen.contains("blocked 1 · ok 1") {
        screen
    } else {
        s.wait_text("blocked 1 · ok 1")
    };
    assert!(screen.contains("2 runs"), "{screen}");
    assert!(
        screen.contains("blocked   "),
        "the refused run is listed: {screen}"
    );
    assert!(screen.contains("modified"), "{screen}");
    assert!(screen.contains("plugin.js"), "{screen}");
    let stats: serde_json::Value =
        serde_json::from_str(&cli(dir.path(), &["stats", "--json"])).expect("stats --json");
    assert_eq!(stats["runs"], 2);
    assert_eq!(stats["outcomes"]["blocked"], 1);
    assert_eq!(stats["outcomes"]["ok"], 1);
    s.quit();

    // The chain the workbench wrote verifies.
    let out = cli(dir.path(), &["audit", "verify"]);
    assert!(out.contains("audit log OK: 2 lines"), "{out}");
}

#[test]
fn the_config_default_refuses_an_unsigned_file_and_allow_unsigned_runs_it() {
    let (dir, file) = temp_file("plain.js", "40 + 2;\n");
    let config = "[trust]\nrequire_signed = true\n";
    write(dir.path(), "config/config.toml", config);
    {
        let s = Session::workbench(80, 24, dir.path(), &[&file]);
        s.wait_for("unsigned", |x| status(x).contains("unsigned"));
        s.keys(&["F5"]);
        let screen = s.wait_text("refused");
        assert!(screen.contains("this code is unsigned"), "{screen}");
        s.quit();
    }
    {
        let s = Session::workbench(80, 24, dir.path(), &[Path::new("--allow-unsigned"), &file]);
        s.wait_for("unsigned", |x| status(x).contains("unsigned"));
        s.keys(&["F5"]);
        s.wait_text("run finished: ok");
        s.quit();
    }
    let lines = audit_lines(dir.path());
    let outcomes: Vec<_> = lines.iter().map(|l| l["outcome"].clone()).collect();
    assert_eq!(outcomes, ["blocked", "ok"], "{lines:?}");
    assert!(lines.iter().all(|l| l["trust"] == "unsigned"));
}

#[test]
fn an_unwritable_audit_log_is_a_warning_and_the_result_still_shows() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain.js");
    std::fs::write(&file, "40 + 2;\n").expect("write");
    // The audit log's place is a directory: every append fails.
    std::fs::create_dir_all(dir.path().join("data").join("audit.jsonl")).expect("mkdir");
    let s = Session::workbench(80, 24, dir.path(), &[&file]);
    s.wait_for("unsigned", |x| status(x).contains("unsigned"));
    s.keys(&["F5"]);
    let screen = s.wait_text("│42 ");
    assert!(screen.contains("ok ·"), "the result is shown: {screen}");
    // The failed append is a warning kept in the messages view (the status bar shows the
    // newest warning and counts the others).
    s.wait_for("warnings", |x| status(x).contains("F2"));
    s.keys(&["F2"]);
    let screen = s.wait_text("audit log not written");
    assert!(screen.contains("audit.jsonl"), "{screen}");
}

#[test]
fn a_workbench_run_is_a_span_at_the_otlp_endpoint() {
    use opentelemetry_proto::tonic::common::v1::any_value::Value;
    let (port, rx) = receiver();
    let dir = tempfile::tempdir().expect("tempdir");
    let file = signed_plugin(dir.path());
    let url = format!("http://127.0.0.1:{port}");
    let s = Session::workbench(
        80,
        24,
        dir.path(),
        &[Path::new("--otlp"), Path::new(&url), &file],
    );
    s.wait_for("signed by alice", |x| status(x).contains("signed by alice"));
    s.keys(&["F5"]);
    s.wait_text("run finished: ok");
    // Quitting flushes what has not been exported yet.
    s.keys(&["C-q"]);
    let received = rx
        .recv_timeout(std::time::Duration::from_secs(15))
        .expect("an export arrived");
    let span = received.spans().next().expect("a span arrived");
    assert_eq!(span.name, "security.isolate.execute");
    let attr = |k: &str| {
        span.attributes
            .iter()
            .find(|a| a.key == k)
            .and_then(|a| a.value.as_ref())
            .and_then(|v| v.value.clone())
    };
    assert_eq!(
        attr("security.isolate.outcome"),
        Some(Value::StringValue("ok".into()))
    );
    let lines = audit_lines(dir.path());
    assert_eq!(lines.len(), 1);
    assert_eq!(
        attr("security.isolate.code.sha256"),
        Some(Value::StringValue(
            lines[0]["sha256"].as_str().unwrap_or_default().into()
        ))
    );
}
