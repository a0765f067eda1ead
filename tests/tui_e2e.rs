//! The real binary in tmux, driven as a person would: open a file, see its findings, run it
//! (through the block confirmation), see the value and the blocked attempt, start a busy loop
//! and cancel it with Esc, resize (down to "too small" and back), quit through the
//! unsaved-changes guard — and the terminal is restored (the shell is back, no alternate
//! screen). The data and config directories point into a temp dir.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use tui_support::tmux::{command_line, dirs_env, workbench_command, Session};

const ATTACK: &str = r#"// A plugin that tries to reach the host, then returns a value anyway.
let leaked = "contained";
try {
  const p = globalThis.process;
  leaked = p.env.HOME;
} catch (e) {
  console.log("refused: " + e.message);
}
const F = (() => {}).constructor;
({ leaked, sum: [1, 2, 3].reduce((a, b) => a + b, 0) });
"#;

#[test]
fn a_person_opens_runs_cancels_resizes_and_quits() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("attack.js");
    std::fs::write(&file, ATTACK).expect("write sample");
    let bin = Path::new(env!("CARGO_BIN_EXE_sandbench"));
    let s = Session::shell(120, 40);
    s.literal(&format!(
        "{} {}; echo EXIT=$?",
        dirs_env(dir.path()),
        command_line(bin, &[&file])
    ));
    s.keys(&["Enter"]);

    // Open: the file and its findings.
    s.wait_text("attack.js");
    s.wait_for("the scan's findings", |x| {
        x.contains("constructor-chain") && x.contains("BLOCK")
    });
    assert_eq!(
        s.display("#{alternate_on}"),
        "1",
        "the workbench uses the alternate screen"
    );

    // Run: the block verdict asks first, then the value and the blocked attempt show.
    s.keys(&["F5"]);
    s.wait_text("Run anyway in the sandbox?");
    s.keys(&["y"]);
    let screen = s.wait_text(r#"leaked: "contained""#);
    assert!(screen.contains("sum: 6"), "{screen}");
    assert!(screen.contains("1 blocked attempt"), "{screen}");
    s.keys(&["F7", "F7", "F7"]);
    s.wait_for("the blocked attempt", |x| {
        x.contains("process-access") && x.contains("L4")
    });

    // A busy loop: the spinner and gauge show, typing stays live, Esc cancels.
    s.keys(&["C-a"]);
    s.literal("let i = 0; while (true) { i++; }");
    s.keys(&["F5"]);
    s.wait_text("Esc cancels");
    s.literal(" // still typing");
    s.wait_text("// still typing");
    s.keys(&["Escape"]);
    s.wait_for("the cancelled run", |x| x.contains("cancelled ·"));

    // Resize: smaller, too small, and back.
    s.tmux_ok(&["resize-window", "-t", &s.name, "-x", "80", "-y", "24"]);
    s.wait_for("the 80x24 layout", |x| {
        x.contains("Threats") && x.lines().all(|l| l.chars().count() <= 80)
    });
    s.tmux_ok(&["resize-window", "-t", &s.name, "-x", "70", "-y", "20"]);
    s.wait_text("terminal too small");
    s.tmux_ok(&["resize-window", "-t", &s.name, "-x", "120", "-y", "40"]);
    s.wait_text("Resources");

    // Quit through the unsaved-changes guard; the terminal is restored.
    s.keys(&["C-q"]);
    s.wait_text("has unsaved changes");
    s.keys(&["q"]);
    let screen = s.wait_text("EXIT=0");
    assert!(
        !screen.contains("Threats"),
        "the alternate screen is gone:\n{screen}"
    );
    assert_eq!(s.display("#{alternate_on}"), "0");
    assert_eq!(s.display("#{pane_dead}"), "0", "the shell is still there");
    // A clean quit leaves no recovery file behind.
    let rec = dir.path().join("data").join("recovery");
    let left = std::fs::read_dir(&rec).map(|d| d.count()).unwrap_or(0);
    assert_eq!(left, 0, "recovery files left in {}", rec.display());
}

#[test]
fn a_panic_of_the_ui_restores_the_terminal() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = Path::new(env!("CARGO_BIN_EXE_sandbench"));
    let s = Session::shell(100, 30);
    s.literal(&format!(
        "RUST_BACKTRACE=0 SANDBENCH_TEST_PANIC=1 {} {}; echo EXIT=$?",
        dirs_env(dir.path()),
        command_line(bin, &[])
    ));
    s.keys(&["Enter"]);
    let screen = s.wait_text("EXIT=101");
    assert!(
        screen.contains("deliberate panic"),
        "the panic message is readable:\n{screen}"
    );
    assert!(!screen.contains("Threats"), "{screen}");
    assert_eq!(s.display("#{alternate_on}"), "0");
    // Raw mode is off again: the shell echoes typed text and runs it on Enter.
    s.literal("echo RAW=off");
    s.keys(&["Enter"]);
    s.wait_text("RAW=off\n");
}

#[test]
fn without_a_terminal_or_with_a_bad_file_the_workbench_says_why() {
    let dir = tempfile::tempdir().expect("tempdir");
    let bin = env!("CARGO_BIN_EXE_sandbench");
    let run = |args: &[&Path]| {
        Command::new(bin)
            .args(args)
            .env("SANDBENCH_DATA_DIR", dir.path())
            .env("SANDBENCH_CONFIG_DIR", dir.path())
            .stdin(std::process::Stdio::null())
            .output()
            .expect("run sandbench")
    };
    let out = run(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs an interactive terminal"), "{err}");
    assert!(out.stdout.is_empty(), "nothing drawn without a terminal");
    let missing = dir.path().join("missing.js");
    let out = run(&[&missing]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("missing.js"));
    let bad = dir.path().join("bad.js");
    std::fs::write(&bad, [0xff, 0xfe, b'1']).expect("write");
    let out = run(&[&bad]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not valid UTF-8"));
    // A `.wasm` is read as a module: one that does not validate, or is over the module size
    // limit, is a clear error before any screen; a valid one gets as far as the terminal.
    let broken = dir.path().join("broken.wasm");
    std::fs::write(&broken, b"\0asm\x01\0\0\0\x05\xff").expect("write");
    let out = run(&[&broken]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("broken.wasm: invalid module"), "{err}");
    let big = dir.path().join("big.wasm");
    std::fs::write(
        &big,
        vec![0u8; sandbench::engine::exec::wasm::MAX_MODULE_BYTES + 1],
    )
    .expect("write");
    let out = run(&[&big]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("big.wasm") && err.contains("limit"), "{err}");
    let good = dir.path().join("good.wasm");
    let bytes = sandbench::engine::exec::wasm::module_bytes(b"(module (func (export \"_start\")))")
        .expect("valid");
    std::fs::write(&good, bytes).expect("write");
    let out = run(&[&good]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("needs an interactive terminal"), "{err}");
}

#[test]
fn after_a_crash_the_autosaved_buffer_is_offered_back() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("work.js");
    std::fs::write(&file, "const a = 1;\n").expect("write");
    let bin = Path::new(env!("CARGO_BIN_EXE_sandbench"));
    let cmd = workbench_command(dir.path(), bin, &[&file]);
    let recovery = dir.path().join("data").join("recovery");
    {
        let s = Session::shell(100, 30);
        s.literal(&cmd);
        s.keys(&["Enter"]);
        s.wait_text("work.js");
        s.literal("// unsaved work ");
        s.wait_text("// unsaved work");
        // Autosave runs a few seconds after the buffer became dirty; a copy is a `.json` file
        // (the directory also holds the sessions' lock files).
        let deadline = Instant::now() + Duration::from_secs(15);
        let has_copy = || {
            std::fs::read_dir(&recovery)
                .map(|d| {
                    d.filter_map(Result::ok)
                        .any(|e| e.path().extension().is_some_and(|x| x == "json"))
                })
                .unwrap_or(false)
        };
        while !has_copy() {
            assert!(
                Instant::now() < deadline,
                "no recovery copy in {}",
                recovery.display()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        // The workbench dies without a chance to clean up.
        s.kill9();
    }
    let s = Session::shell(100, 30);
    s.literal(&cmd);
    s.keys(&["Enter"]);
    s.wait_text("Recovery copies");
    s.keys(&["r"]);
    s.wait_text("// unsaved work const a = 1;");
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "const a = 1;\n",
        "the file itself is untouched"
    );
}

#[test]
fn a_user_theme_in_the_config_dir_is_offered() {
    let dir = tempfile::tempdir().expect("tempdir");
    let themes = dir.path().join("config").join("themes");
    std::fs::create_dir_all(&themes).expect("mkdir");
    std::fs::write(
        themes.join("mine.toml"),
        "name = \"from-config\"\ninherits = \"light\"\n[ui]\naccent = \"#ff00ff\"\n",
    )
    .expect("write theme");
    let bin = Path::new(env!("CARGO_BIN_EXE_sandbench"));
    let s = Session::shell(100, 30);
    s.literal(&workbench_command(dir.path(), bin, &[]));
    s.keys(&["Enter"]);
    s.wait_text("Threats");
    // Five built-in colour themes come first, then the user's.
    for _ in 0..5 {
        s.keys(&["C-t"]);
    }
    s.wait_text("theme: from-config");
}
