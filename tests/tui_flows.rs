//! The workbench's round-2 flows, end to end: the real binary in tmux, driven by keys, killed
//! with SIGKILL where a flow is about a crash. One test (or more) per numbered item of issue 13;
//! each fails on the build before it (run them against another build with
//! `SANDBENCH_TEST_BIN=path cargo test --test tui_flows`).
//!
//! Config and data directories point into a temporary directory per test.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod tui_support;

use common::cli::{temp_file, write};
use common::http;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};
use tui_support::tmux::Session;

/// Recovery copies on disk under `dir`'s data directory.
fn copies(dir: &Path) -> Vec<PathBuf> {
    let rec = dir.join("data").join("recovery");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&rec)
        .map(|d| d.filter_map(Result::ok).map(|e| e.path()).collect())
        .unwrap_or_default();
    // `.json` copies; `.js` ones are the previous version's format (counted too, so these
    // tests fail on that version for what it does, not for how it names files).
    v.retain(|p| p.extension().is_some_and(|e| e == "json" || e == "js"));
    v.sort();
    v
}

/// Waits until there are `n` recovery copies (autosave runs 3 s after the first edit).
fn wait_copies(dir: &Path, n: usize) -> Vec<PathBuf> {
    let deadline = Instant::now() + Duration::from_secs(15);
    loop {
        let c = copies(dir);
        if c.len() == n {
            return c;
        }
        assert!(
            Instant::now() < deadline,
            "expected {n} recovery copies, found {c:?}"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// The index of a sample in the browser (sorted by name).
fn sample_index(name: &str) -> usize {
    sandbench::samples::workbench()
        .iter()
        .position(|s| s.name == name)
        .unwrap_or_else(|| panic!("no sample {name}"))
}

/// Opens the sample `name` through Ctrl-P.
fn open_sample(s: &Session, name: &str) {
    s.keys(&["C-p"]);
    s.wait_text("Samples");
    // The browser opens on the sample picked last: go to the top first.
    for _ in 0..sandbench::samples::workbench().len() {
        s.keys(&["Up"]);
    }
    for _ in 0..sample_index(name) {
        s.keys(&["Down"]);
    }
    s.wait_for(name, |x| {
        x.contains(&format!("▸ {}", name.trim_end_matches(".js")))
    });
    s.keys(&["Enter"]);
    s.wait_text(&format!("opened {name}"));
}

/// Types into a prompt and submits it.
fn prompt(s: &Session, key: &str, text: &str) {
    s.keys(&[key]);
    std::thread::sleep(Duration::from_millis(100));
    s.literal(text);
    s.wait_text(text);
    s.keys(&["Enter"]);
}

// ── 1. Recovery never loses work ────────────────────────────────────────────────────────

#[test]
fn after_sigkill_a_start_without_a_file_lists_the_copy_shows_its_diff_and_restores_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "work.js", "const a = 1;\nconst b = 2;\n");
    {
        let s = Session::workbench(100, 30, dir.path(), &[&file]);
        s.wait_text("work.js");
        s.keys(&["Down"]);
        s.literal("// unsaved work ");
        s.wait_text("// unsaved work");
        wait_copies(dir.path(), 1);
        s.kill9();
    }
    // No file on the command line: the copy is listed anyway, with its summary.
    let s = Session::workbench(100, 30, dir.path(), &[]);
    let screen = s.settled(&["Recovery copies"]);
    assert!(screen.contains("work.js"), "{screen}");
    assert!(screen.contains(&file.display().to_string()), "{screen}");
    assert!(screen.contains("first change: line 2"), "{screen}");
    assert!(screen.contains("3 lines"), "{screen}");
    assert!(screen.contains(" UTC"), "the time it was written: {screen}");
    // The diff against the file on disk.
    s.keys(&["v"]);
    let screen = s.settled(&["the file on disk → the recovery copy"]);
    assert!(screen.contains("- const b = 2;"), "{screen}");
    assert!(
        screen.contains("+ // unsaved work const b = 2;"),
        "{screen}"
    );
    s.esc();
    s.wait_text("Recovery copies");
    s.keys(&["r"]);
    let screen = s.wait_text("// unsaved work const b = 2;");
    assert!(
        screen.contains("work.js [+]"),
        "restored work is unsaved: {screen}"
    );
    assert_eq!(copies(dir.path()).len(), 1, "kept until saved");
    // Saving writes the file and only then deletes the copy.
    s.keys(&["C-s"]);
    // The status line names the file ("unsaved work" on screen also contains "saved ").
    s.wait_text(&format!("saved {}", file.display()));
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "const a = 1;\n// unsaved work const b = 2;\n"
    );
    wait_copies(dir.path(), 0);
}

#[test]
fn opening_a_file_with_ctrl_o_offers_its_copy_and_a_clean_quit_keeps_it() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "work.js", "let x = 1;\n");
    {
        let s = Session::workbench(100, 30, dir.path(), &[&file]);
        s.wait_text("work.js");
        s.literal("/* edit */ ");
        wait_copies(dir.path(), 1);
        s.kill9();
    }
    {
        let s = Session::workbench(100, 30, dir.path(), &[]);
        s.wait_text("Recovery copies");
        s.esc();
        s.wait_text("kept on disk");
        // Opening the file offers its copy.
        prompt(&s, "C-o", &file.display().to_string());
        let screen = s.settled(&["Unsaved work for this file"]);
        assert!(screen.contains("first change: line 1"), "{screen}");
        // "Not now", then a normal quit: nothing is lost.
        s.esc();
        s.quit();
        assert_eq!(copies(dir.path()).len(), 1, "a clean quit keeps the copy");
    }
    // Offered again; discarded only when the user says so, twice.
    let s = Session::workbench(100, 30, dir.path(), &[]);
    s.wait_text("Recovery copies");
    s.keys(&["x"]);
    s.wait_text("for good?");
    s.keys(&["y"]);
    s.wait_text("discarded the recovery copy of work.js");
    wait_copies(dir.path(), 0);
    assert_eq!(
        std::fs::read_to_string(&file).expect("read"),
        "let x = 1;\n"
    );
}

#[test]
fn dropping_changes_to_open_another_file_keeps_them_and_offers_them_again() {
    let dir = tempfile::tempdir().expect("tempdir");
    let a = write(dir.path(), "a.js", "const a = 1;\n");
    let b = write(dir.path(), "b.js", "const b = 2;\n");
    {
        let s = Session::workbench(100, 30, dir.path(), &[&a]);
        s.wait_text("a.js");
        s.literal("/* precious */ ");
        s.wait_text("/* precious */");
        // Before any autosave: open another file and drop the changes.
        prompt(&s, "C-o", &b.display().to_string());
        s.wait_text("Unsaved changes");
        s.keys(&["y"]);
        s.wait_text("const b = 2;");
        // The changes were written at once, not 3 s later.
        assert_eq!(copies(dir.path()).len(), 1);
        // Opening a.js again in the same session offers them.
        prompt(&s, "C-o", &a.display().to_string());
        s.wait_text("Unsaved work for this file");
        s.esc();
        s.wait_text("kept on disk");
        s.kill9();
    }
    let s = Session::workbench(100, 30, dir.path(), &[]);
    let screen = s.settled(&["Recovery copies"]);
    assert!(screen.contains("a.js"), "{screen}");
    s.keys(&["r"]);
    s.wait_text("/* precious */ const a = 1;");
    // Restored but not saved: a crash now still leaves the copy.
    s.kill9();
    assert_eq!(copies(dir.path()).len(), 1, "{:?}", copies(dir.path()));
}

// ── 2. Results belong to their buffer and code ──────────────────────────────────────────

const ATTACK: &str =
    "let v = 1;\ntry { v = globalThis.process.env.HOME; } catch (e) { v = 'refused'; }\nv;\n";

#[test]
fn results_markers_and_blocked_attempts_stay_with_the_buffer_and_code_they_came_from() {
    let dir = tempfile::tempdir().expect("tempdir");
    let attack = write(dir.path(), "attack.js", ATTACK);
    let benign = write(dir.path(), "benign.js", "1 + 1;\n");
    let s = Session::workbench(120, 36, dir.path(), &[&attack]);
    s.wait_text("attack.js");
    s.keys(&["F5"]);
    s.wait_for("the run", |x| {
        x.contains("Run anyway") || x.contains("blocked attempt")
    });
    if s.screen().contains("Run anyway") {
        s.keys(&["y"]);
    }
    let screen = s.settled(&["1 blocked attempt"]);
    assert!(screen.contains("⊘") || screen.contains("✖"), "{screen}");
    // Another buffer: its own (no) results, no marker, no foreign blocked attempt.
    prompt(&s, "C-o", &benign.display().to_string());
    s.wait_text("opened benign.js");
    let screen = s.settled(&["not run yet"]);
    assert!(!screen.contains("blocked attempt"), "{screen}");
    assert!(!screen.contains('⊘') && !screen.contains('✖'), "{screen}");
    assert!(!screen.contains("Blocked 1"), "{screen}");
    // Back to the attack: its results are still there; an edit makes them stale.
    prompt(&s, "C-o", &attack.display().to_string());
    s.wait_text("1 blocked attempt");
    s.keys(&["C-End"]);
    s.literal("// edit");
    let screen = s.settled(&["stale"]);
    let code = screen
        .lines()
        .find(|l| l.contains("globalThis.process"))
        .unwrap_or("");
    assert!(
        !code.contains('⊘') && !code.contains('✖'),
        "no marker on edited code: {screen}"
    );
}

// ── 3. Run options: one parser, and an input editor ─────────────────────────────────────

#[test]
fn a_samples_run_options_apply_in_full_and_input_can_be_given() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Session::workbench(120, 36, dir.path(), &[]);
    s.wait_text("welcome.js");
    // `--memory 16 --timeout 1000`: the memory limit is not reset by --timeout.
    open_sample(&s, "attack-memory-bomb.js");
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: memory_limit"]);
    assert!(screen.contains("heap reached its 16 MB limit"), "{screen}");
    assert!(!screen.contains("128 MB"), "{screen}");
    // `--input {…}`: the input plugin runs.
    open_sample(&s, "plugin-input-orders.js");
    s.keys(&["F5"]);
    let screen = s.settled(&["total: 40"]);
    assert!(screen.contains("ok"), "{screen}");
    // The input editor: checked as you type, applied with Ctrl-S, used by the next run.
    s.keys(&["F4"]);
    s.wait_text("✔ valid JSON");
    s.keys(&["C-a"]);
    s.literal("{\"orders\": [{\"qty\": 3, \"price\": 7}],");
    s.wait_text("✖ line 1, column");
    s.keys(&["BSpace"]);
    s.literal(", \"currency\": \"USD\"}");
    s.wait_text("✔ valid JSON");
    s.keys(&["C-s"]);
    s.wait_text("input set: object · 2 keys");
    s.keys(&["F5"]);
    let screen = s.settled(&["total: 21"]);
    assert!(screen.contains(r#"currency: "USD""#), "{screen}");
}

// ── 4. Saving never replaces another file without asking ────────────────────────────────

#[test]
fn saving_a_sample_over_an_existing_file_asks_first() {
    let dir = tempfile::tempdir().expect("tempdir");
    let target = write(dir.path(), "mine.js", "// my own work\n");
    let s = Session::workbench(100, 30, dir.path(), &[]);
    s.wait_text("welcome.js");
    prompt(&s, "C-s", &target.display().to_string());
    s.wait_text("Replace a file?");
    s.esc();
    s.wait_text("not saved");
    assert_eq!(
        std::fs::read_to_string(&target).expect("read"),
        "// my own work\n"
    );
    prompt(&s, "C-s", &target.display().to_string());
    s.wait_text("Replace a file?");
    s.keys(&["y"]);
    s.wait_text(&format!("saved {}", target.display()));
    let text = std::fs::read_to_string(&target).expect("read");
    assert!(text.contains("// sample: Welcome"), "{text}");
    // The buffer is that file now: Ctrl-S saves without asking.
    s.keys(&["End"]);
    s.literal(" ");
    s.keys(&["C-s"]);
    s.wait_for("a second save", |x| {
        x.contains("saved ") && !x.contains("Replace a file?")
    });
}

// ── 5. One peak memory: the heap; RSS named as such ─────────────────────────────────────

#[test]
fn peak_memory_is_the_sandbox_heap_and_process_rss_is_named_as_such() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Session::workbench(160, 48, dir.path(), &[]);
    s.wait_text("welcome.js");
    open_sample(&s, "attack-memory-bomb.js");
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: memory_limit"]);
    assert!(screen.contains("heap peak"), "{screen}");
    assert!(!screen.contains("mem peak"), "{screen}");
    if screen.contains("quickjs-process") {
        assert!(screen.contains("worker RSS peak"), "{screen}");
    }
}

// ── 6. Values: strings are quoted ───────────────────────────────────────────────────────

#[test]
fn a_returned_string_is_quoted_in_the_value_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "s.js", "'undef' + 'ined';\n");
    let s = Session::workbench(100, 30, dir.path(), &[&file]);
    s.wait_text("s.js");
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: ok"]);
    assert!(screen.contains("│\"undefined\""), "{screen}");
}

// ── 7. Console: what the run kept, and what was dropped where ───────────────────────────

#[test]
fn the_console_shows_every_line_the_run_kept_and_where_output_stopped() {
    let (dir, file) = temp_file(
        "flood.js",
        "for (let i = 0; i < 12000; i++) console.log('line ' + i);\n",
    );
    let s = Session::workbench(160, 48, dir.path(), &[&file]);
    s.wait_text("flood.js");
    s.keys(&["F5"]);
    s.wait_text("run finished");
    let screen = s.settled(&["Console 10001"]);
    assert!(!screen.contains("line 9999"), "{screen}");
    s.keys(&["F7"]);
    let screen = s.settled(&["the run kept 10000 lines"]);
    assert!(
        screen.contains("log   line 9999"),
        "the last kept line: {screen}"
    );
    assert!(screen.contains("later output was not recorded"), "{screen}");
    assert!(!screen.contains("line 10000"), "{screen}");
}

// ── 8. 80×24: nothing cut mid-word; file names escaped ──────────────────────────────────

#[test]
fn at_80x24_hints_help_and_titles_fit_and_control_characters_in_names_are_escaped() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = write(dir.path(), "evil\u{1b}[7m.js", "1;\n");
    let s = Session::workbench(80, 24, dir.path(), &[&file]);
    let screen = s.settled(&["evil\\x1b[7m.js"]);
    let top = screen.lines().next().unwrap_or("");
    assert!(
        top.starts_with('┏') && top.ends_with('╮'),
        "border intact: {top}"
    );
    let status = screen.lines().nth(23).unwrap_or("");
    assert!(status.trim_end().ends_with("Ctrl-Q quit"), "{status}");
    s.keys(&["F1"]);
    let screen = s.settled(&["more below"]);
    assert!(
        screen.contains("cancel the run · close a dialog · back to the"),
        "{screen}"
    );
    // Every description is whole: wrapped onto the next row, never cut.
    assert!(screen.contains("executor and limits (←/→ adjust, digits+Enter"));
    assert!(!screen.contains("Ctrl-Q qu\n"), "{screen}");
}

// ── 9. Keys, the samples list, resizing, the theme ──────────────────────────────────────

#[test]
fn keys_the_samples_list_resizing_and_the_theme_behave() {
    let dir = tempfile::tempdir().expect("tempdir");
    {
        let s = Session::workbench(80, 24, dir.path(), &[]);
        s.wait_text("welcome.js");
        // Help lists Ctrl-G and Tab.
        s.keys(&["F1"]);
        s.wait_text("Keys");
        for _ in 0..40 {
            s.keys(&["Down"]);
        }
        let screen = s.settled(&["Ctrl-G"]);
        assert!(screen.contains("Tab"), "{screen}");
        s.esc();
        // Long names keep their verdict column; the list reopens where it was left.
        let i = sample_index("escape-async-generator-constructors.js");
        s.keys(&["C-p"]);
        s.wait_text("Samples");
        for _ in 0..i {
            s.keys(&["Down"]);
        }
        let screen = s.settled(&["▸ escape-async-generator"]);
        let row = screen
            .lines()
            .find(|l| l.contains("▸ escape-async-generator"))
            .unwrap_or("");
        assert!(row.contains("block"), "{row}");
        s.esc();
        s.keys(&["C-p"]);
        s.wait_text("▸ escape-async-generator");
        s.esc();
        // Shrink to 40×12 and grow back: the editor is not left scrolled.
        s.tmux_ok(&["resize-window", "-t", &s.name, "-x", "40", "-y", "12"]);
        s.wait_text("terminal too small");
        s.tmux_ok(&["resize-window", "-t", &s.name, "-x", "80", "-y", "24"]);
        let screen = s.settled(&["Threats"]);
        assert!(screen.contains("  1  // sample: Welcome"), "{screen}");
        // The theme is remembered.
        s.keys(&["C-t"]);
        s.wait_text("theme: light");
        s.quit();
    }
    let s = Session::workbench(120, 30, dir.path(), &[]);
    s.wait_text("welcome.js");
    s.keys(&["C-t"]);
    // The theme after "light" in the cycle: the workbench started on "light".
    let screen = s.settled(&["theme: "]);
    assert!(!screen.contains("theme: light"), "{screen}");
    assert!(!screen.contains("theme: default"), "{screen}");
    // Alt-G finds the previous match (Shift-F3 where the terminal sends it unambiguously).
    s.keys(&["C-f"]);
    s.literal("price");
    s.keys(&["Enter"]);
    s.wait_text(" · 10:");
    s.keys(&["C-g"]);
    s.wait_text(" · 11:");
    s.keys(&["M-g"]);
    s.wait_text(" · 10:");
}

// ── 10. Every warning is in the messages view ───────────────────────────────────────────

#[test]
fn every_theme_warning_is_shown_whole_in_the_messages_view() {
    let dir = tempfile::tempdir().expect("tempdir");
    let themes = dir.path().join("config").join("themes");
    std::fs::create_dir_all(&themes).expect("mkdir");
    std::fs::write(themes.join("first-broken.toml"), "[syntax\nkeyword = 1").expect("w");
    std::fs::write(themes.join("second-broken.toml"), "name = 3").expect("w");
    let s = Session::workbench(80, 24, dir.path(), &[]);
    s.wait_text("2 theme warnings — F2 lists them");
    s.keys(&["F2"]);
    let screen = s.settled(&["Messages"]);
    assert!(screen.contains("first-broken.toml"), "{screen}");
    assert!(screen.contains("second-broken.toml"), "{screen}");
}

/// The fs-plugin sample's code (without its header), in a plugin directory beside its config.
fn fs_plugin(dir: &Path) -> (PathBuf, PathBuf) {
    let s = sandbench::samples::find("plugin-config-from-granted-dir").expect("sample");
    let code: String = s
        .source
        .lines()
        .skip_while(|l| l.starts_with("//"))
        .map(|l| format!("{l}\n"))
        .collect();
    let plugin = dir.join("plugin");
    std::fs::create_dir_all(plugin.join("data")).expect("mkdir");
    write(
        &plugin,
        "config.json",
        r#"{"title":"Weekly report","currency":"EUR","rates":{"EUR":1,"USD":1.1}}"#,
    );
    write(
        &plugin,
        "data/orders.csv",
        "id,amount,currency\n1,10,EUR\n2,20,USD\n3,5,EUR",
    );
    let file = write(&plugin, "plugin.js", &code);
    let real = std::fs::canonicalize(&plugin).expect("canonical");
    (file, real)
}

/// Issue 11 point 4: a Blocked `require('fs')` offers "grant this" (the plugin's directory),
/// the next run reads its config, the grant is saved with the file's settings (there after a
/// restart) and removing it in the Permissions panel blocks the plugin again.
#[test]
fn grant_this_lets_the_next_run_read_and_survives_a_restart_until_removed() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, plugin_dir) = fs_plugin(dir.path());
    let shown = plugin_dir.display().to_string();
    {
        let s = Session::workbench(120, 40, dir.path(), &[&file]);
        s.wait_text("plugin.js");
        // Nothing granted: the gate blocks; run it anyway to see what the sandbox refuses.
        s.keys(&["F5"]);
        s.wait_text("verdict is BLOCK");
        s.keys(&["y"]);
        s.wait_text("run finished: error");
        // The Blocked tab, in the results pane (F6 twice: threats, then results).
        s.keys(&["F6", "F6", "Right"]);
        s.settled(&["Module 'fs' is not allowed in sandbox", "g grant this"]);
        s.keys(&["g"]);
        let screen = s.settled(&["Grant this?"]);
        assert!(screen.contains(&format!("Grant read {shown}")), "{screen}");
        assert!(screen.contains("for the next run"), "{screen}");
        s.keys(&["y"]);
        s.wait_text("granted for the next run");
        // The next run: no question (granted use), the reads succeed, nothing blocked.
        s.keys(&["F5"]);
        let screen = s.settled(&["run finished: ok"]);
        assert!(screen.contains("Weekly report"), "{screen}");
        assert!(screen.contains("33.18 EUR"), "{screen}");
        assert!(screen.contains("0 blocked"), "{screen}");
        assert!(!screen.contains("Blocked 1"), "{screen}");
        assert!(
            screen.contains("granted"),
            "the scan pane marks granted use: {screen}"
        );
        s.quit();
    }
    // A restart on the same file: the grant was saved with its settings.
    let s = Session::workbench(120, 40, dir.path(), &[&file]);
    s.wait_text("plugin.js");
    s.keys(&["F9"]);
    let screen = s.settled(&["Permissions of plugin.js"]);
    assert!(screen.contains(&shown), "{screen}");
    assert!(screen.contains("workbench settings"), "{screen}");
    // Removed in the panel: the next run is blocked again.
    s.keys(&["d"]);
    s.wait_text("removed read");
    s.esc();
    s.keys(&["F5"]);
    s.wait_text("verdict is BLOCK");
    s.keys(&["y"]);
    s.wait_text("run finished: error");
    s.keys(&["F6", "F6", "Right"]);
    s.settled(&["Module 'fs' is not allowed in sandbox"]);
}

/// The network twin: a run granted no host has no `fetch`, so its refusal names no URL and
/// "grant this" says why; the host is granted in the Permissions panel (the same words as
/// `--allow-net`) and the next run reaches the loopback server the test started.
#[test]
fn a_host_added_in_the_permissions_panel_lets_the_next_fetch_through() {
    let server = http::Server::start();
    let dir = tempfile::tempdir().expect("tempdir");
    let code = format!(
        "async function main() {{\n  const res = await fetch({:?});\n  const body = await res.json();\n  return {{ status: res.status, items: body.items.length }};\n}}\nmain();\n",
        server.url("/json")
    );
    let file = write(dir.path(), "api.js", &code);
    let s = Session::workbench(120, 40, dir.path(), &[&file]);
    s.wait_text("api.js");
    s.keys(&["F5"]);
    s.wait_text("run finished: error");
    s.keys(&["F6", "F6", "Right"]);
    s.settled(&["fetch is not available in sandbox"]);
    s.keys(&["g"]);
    s.wait_text("nothing to grant: no host to grant");
    assert!(server.requests().is_empty(), "nothing reached the server");
    s.keys(&["F9"]);
    s.settled(&["Permissions of api.js"]);
    s.keys(&["a"]);
    s.literal(&format!("net http://{}/x", server.host()));
    s.wait_text("is not a host pattern");
    for _ in 0.."/x".len() {
        s.keys(&["BSpace"]);
    }
    s.wait_text("Enter adds it");
    s.keys(&["Enter"]);
    let screen = s.settled(&["workbench settings"]);
    assert!(
        screen.contains(&format!("http://{}", server.host())),
        "{screen}"
    );
    s.esc();
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: ok"]);
    assert!(screen.contains("status: 200"), "{screen}");
    assert_eq!(server.requests(), ["GET /json"]);
}

// ── issue 15: WebAssembly buffers ───────────────────────────────────────────────────────

#[test]
fn a_wat_sample_opens_from_the_browser_runs_on_wasm_and_prints_its_console_line() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Session::workbench(120, 40, dir.path(), &[]);
    s.wait_text("welcome.js");
    open_sample(&s, "wasm-hello.wat");
    let screen = s.settled(&["wasm (auto)", "(module"]);
    assert!(screen.contains("ALLOW"), "{screen}");
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: ok"]);
    assert!(screen.contains("Console 2"), "{screen}");
    s.keys(&["F7"]);
    let screen = s.settled(&["hello from wasm"]);
    assert!(screen.contains("second line ok"), "{screen}");
}

#[test]
fn js_then_wat_then_js_the_executor_and_the_scan_follow_the_buffer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let js = write(dir.path(), "plain.js", "const x = 1 + 1;\nx;\n");
    let wat_src = sandbench::samples::find("wasm-path-open.wat").expect("sample");
    let wat = write(dir.path(), "open.wat", wat_src.source);
    let s = Session::workbench(140, 40, dir.path(), &[&js]);
    let screen = s.settled(&["plain.js", "(auto)", "ALLOW"]);
    assert!(!screen.contains("wasm (auto)"), "{screen}");
    prompt(&s, "C-o", &wat.display().to_string());
    s.wait_text("opened open.wat");
    // The wasm scanner's findings, and the executor `auto` picks for WebAssembly.
    let screen = s.settled(&["wasm (auto)", "wasm-sensitive-path"]);
    assert!(screen.contains("REVIEW"), "{screen}");
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: ok"]);
    assert!(
        screen.contains("Blocked 1"),
        "path_open was refused: {screen}"
    );
    // Back to the script: its own executor, scan and results.
    prompt(&s, "C-o", &js.display().to_string());
    s.wait_text("opened plain.js");
    let screen = s.settled(&["ALLOW", "not run yet"]);
    assert!(!screen.contains("wasm (auto)"), "{screen}");
    assert!(screen.contains("(auto)"), "{screen}");
    assert!(!screen.contains("wasm-sensitive-path"), "{screen}");
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: ok"]);
    assert!(screen.contains("2"), "{screen}");
    assert!(!screen.contains("· wasm"), "ran on a JS executor: {screen}");
}

#[test]
fn a_wasm_file_opens_read_only_refuses_edits_and_saves_and_runs() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hello = sandbench::samples::find("wasm-hello.wat").expect("sample");
    let bytes =
        sandbench::engine::exec::wasm::module_bytes(hello.source.as_bytes()).expect("compiles");
    let file = dir.path().join("hello.wasm");
    std::fs::write(&file, &bytes).expect("write");
    let s = Session::workbench(120, 40, dir.path(), &[&file]);
    let screen = s.settled(&["hello.wasm", "imports (1)", "wasm (auto)"]);
    assert!(
        screen.contains("wasi_snapshot_preview1.fd_write"),
        "{screen}"
    );
    s.literal("x");
    s.wait_text("shown read-only");
    s.keys(&["C-s"]);
    s.settled(&["shown read-only"]);
    assert_eq!(std::fs::read(&file).expect("read"), bytes, "never written");
    let screen = s.screen();
    assert!(!screen.contains("hello.wasm [+]"), "{screen}");
    s.keys(&["F5"]);
    s.settled(&["run finished: ok"]);
    s.keys(&["F7"]);
    s.settled(&["hello from wasm"]);
    // A broken module is a warning, and the view stays.
    let bad = dir.path().join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\x05\xff").expect("write");
    prompt(&s, "C-o", &bad.display().to_string());
    let screen = s.settled(&["invalid module"]);
    assert!(screen.contains("imports (1)"), "{screen}");
}

#[test]
fn an_edited_wat_file_comes_back_from_recovery_as_webassembly_text() {
    let dir = tempfile::tempdir().expect("tempdir");
    let hello = sandbench::samples::find("wasm-hello.wat").expect("sample");
    let file = write(dir.path(), "hello.wat", hello.source);
    {
        let s = Session::workbench(120, 40, dir.path(), &[&file]);
        s.settled(&["hello.wat", "wasm (auto)"]);
        s.literal(";; unsaved note ");
        s.wait_text(";; unsaved note");
        wait_copies(dir.path(), 1);
        s.kill9();
    }
    let s = Session::workbench(120, 40, dir.path(), &[]);
    s.settled(&["Recovery copies", "hello.wat"]);
    s.keys(&["r"]);
    let screen = s.settled(&[";; unsaved note", "hello.wat [+]"]);
    assert!(screen.contains("wasm (auto)"), "{screen}");
    s.keys(&["F5"]);
    s.settled(&["run finished: ok"]);
    s.keys(&["F7"]);
    s.settled(&["hello from wasm"]);
}

#[test]
fn a_wat_samples_limits_are_shown_and_stop_its_run() {
    let dir = tempfile::tempdir().expect("tempdir");
    let s = Session::workbench(140, 40, dir.path(), &[]);
    s.wait_text("welcome.js");
    // The `;; run-options:` header sets the buffer's limits, shown in Ctrl-E.
    open_sample(&s, "wasm-fuel-loop.wat");
    s.settled(&["wasm (auto)"]);
    s.keys(&["C-e"]);
    let screen = s.settled(&["CPU timeout", "memory (linear)"]);
    assert!(screen.contains("200 ms"), "{screen}");
    assert!(screen.contains("not used by a wasm run"), "{screen}");
    s.esc();
    s.keys(&["F5"]);
    let screen = s.settled(&["run finished: timeout"]);
    assert!(screen.contains("timeout"), "{screen}");
    open_sample(&s, "wasm-memory-grower.wat");
    s.settled(&["wasm (auto)"]);
    s.keys(&["C-e"]);
    let screen = s.settled(&["memory (linear)"]);
    assert!(screen.contains("16 MB"), "{screen}");
    s.esc();
    s.keys(&["F5"]);
    s.settled(&["run finished: memory_limit"]);
}
