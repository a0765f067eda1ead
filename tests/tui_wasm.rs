//! WebAssembly buffers in the workbench (issue 15, point 6): a `.wat` buffer is coloured as
//! WAT, scanned by the wasm scanner with findings placed on its source, and runs on `wasm`; a
//! `.wasm` buffer is a read-only view of the module that refuses edits and saves and runs the
//! module's bytes; the executor selector offers `wasm` only for such buffers, and the
//! executor and scan follow the buffer shown. Snapshots at 80×24 and 160×48, plus a map of
//! the editor's syntax colours (one letter per cell) so the colours are in a snapshot too.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sandbench::engine::exec::ExecutorInfo;
use sandbench::engine::lexer::TokenKind;
use sandbench::engine::scan::wasm::scan_module;
use sandbench::engine::scan::RuleId;
use sandbench::tui::action::{Action, Effect};
use sandbench::tui::app::{App, AppInit, Language, Overlay};
use sandbench::tui::recovery::Origin;
use sandbench::tui::wasm_view::{self, ModuleView};
use std::sync::Arc;
use tui_support::*;

/// The executors of `tui_support` with a working `wasm` (as on Linux with the worker built).
fn executors_with_wasm() -> Vec<ExecutorInfo> {
    let mut v = executors();
    for e in &mut v {
        if e.name == "wasm" {
            e.description =
                "WebAssembly (wasmtime, WASI preview 1) in a locked-down child process".into();
            e.available = true;
            e.reason = "locked-down wasm worker verified".into();
            e.strength = 0;
        }
    }
    v
}

fn init(i: AppInit, w: u16, h: u16) -> App {
    started(i, executors_with_wasm(), w, h)
}

fn wasm_sample(name: &str) -> &'static sandbench::samples::Sample {
    sandbench::samples::wasm()
        .iter()
        .find(|s| s.name == name)
        .expect("a wasm sample")
}

/// A `.wat` sample opened as the workbench opens it, scanned by the real wasm scanner.
fn wat_app(name: &str, w: u16, h: u16) -> App {
    let s = wasm_sample(name);
    let mut app = init(AppInit::sample(s.name, s.source), w, h);
    scan_done(&mut app, scan_module(s.source.as_bytes()).0);
    app
}

fn module(wat: &str) -> Vec<u8> {
    sandbench::engine::exec::wasm::module_bytes(wat.as_bytes()).expect("valid module")
}

const PATH_OPEN_WAT: &str = r#"(module
  (import "wasi_snapshot_preview1" "path_open" (func (param i32 i32 i32 i32 i32 i64 i64 i32 i32) (result i32)))
  (import "env" "system" (func (param i32) (result i32)))
  (memory (export "memory") 1 2)
  (data (i32.const 0) "/etc/passwd")
  (func (export "_start")))"#;

fn wasm_view(name: &str, wat: &str) -> ModuleView {
    wasm_view::open(name, module(wat)).expect("opens")
}

/// A `.wasm` file opened in the workbench, scanned.
fn wasm_app(w: u16, h: u16) -> App {
    let path = std::path::PathBuf::from("/plugins/probe.wasm");
    let view = wasm_view("probe.wasm", PATH_OPEN_WAT);
    let mut i = AppInit::file(path, view.text.clone());
    let report = scan_module(&view.file).0;
    i.module = Some(Arc::new(view));
    let mut app = init(i, w, h);
    scan_done(&mut app, report);
    app
}

fn snap(name: &str, make: impl Fn(u16, u16) -> App) {
    for (name, t) in drawn_at_sizes(name, make) {
        insta::assert_snapshot!(name, t.backend());
    }
}

/// The editor's gutter width (line number digits, at least 3, a marker and a space), as
/// `tui::layout` draws it.
fn gutter(app: &App) -> u16 {
    app.buffer.line_count().max(1).to_string().len().max(3) as u16 + 2
}

/// The editor's syntax colours, one letter per cell of its text (`k` keyword, `b` builtin /
/// instruction, `t` type, `i` identifier, `s` string, `n` number, `c` comment, `p`
/// punctuation, `x` invalid, `.` anything else), for the first `rows` lines.
fn colour_map(t: &Terminal<TestBackend>, app: &App, rows: u16) -> String {
    let theme = app.theme.current();
    let letters = [
        (TokenKind::Keyword, 'k'),
        (TokenKind::Builtin, 'b'),
        (TokenKind::Template, 't'),
        (TokenKind::Identifier, 'i'),
        (TokenKind::String, 's'),
        (TokenKind::Number, 'n'),
        (TokenKind::Comment, 'c'),
        (TokenKind::Punctuation, 'p'),
        (TokenKind::Invalid, 'x'),
    ];
    let buf = t.backend().buffer();
    let x0 = 1 + gutter(app);
    let x1 = x0 + app.editor_text_size().0 as u16;
    let mut out = String::new();
    for y in 1..=rows {
        let mut row = String::new();
        for x in x0..x1 {
            let cell = &buf[(x, y)];
            let ch = if cell.symbol() == " " {
                ' '
            } else {
                letters
                    .iter()
                    .find(|(k, _)| theme.token_style(*k).fg == Some(cell.fg))
                    .map_or('.', |(_, c)| *c)
            };
            row.push(ch);
        }
        out.push_str(row.trim_end());
        out.push('\n');
    }
    out
}

// ── .wat buffers ────────────────────────────────────────────────────────────────────────

#[test]
fn a_wat_buffer_is_drawn_with_wat_colours() {
    snap("wat_buffer", |w, h| wat_app("wasm-hello.wat", w, h));
    let app = wat_app("wasm-hello.wat", 160, 48);
    let t = draw(&app, 160, 48);
    insta::assert_snapshot!("wat_colours", colour_map(&t, &app, 14));
}

#[test]
fn a_wat_buffer_is_scanned_as_wasm_and_its_findings_sit_on_the_source() {
    let s = wasm_sample("wasm-path-open.wat");
    let mut app = init(AppInit::sample(s.name, s.source), 120, 40);
    assert_eq!(app.language(), Language::WasmText);
    // The scan asked for is the wasm scanner's, of the text.
    app.update(Action::Insert(" ".into()));
    let fx = app.update(Action::Backspace);
    let wasm = fx.iter().find_map(|e| match e {
        Effect::Scan { wasm, .. } => Some(wasm.clone()),
        _ => None,
    });
    assert_eq!(
        wasm.flatten().as_deref(),
        Some(s.source.as_bytes()),
        "the .wat text goes to the wasm scanner"
    );
    scan_done(&mut app, scan_module(s.source.as_bytes()).0);
    let line_of = |needle: &str| {
        s.source
            .lines()
            .position(|l| l.contains(needle) && !l.trim_start().starts_with(";;"))
            .expect("in the source") as u32
            + 1
    };
    let f = |rule: RuleId| {
        app.findings()
            .iter()
            .find(|f| f.rule == rule)
            .unwrap_or_else(|| panic!("{rule:?} in {:?}", app.findings()))
            .clone()
    };
    // The import on its `(import "…" "path_open"` line, the string on its data line (not
    // the header comment that names it too).
    let imp = f(RuleId::WasmWasiFilesystem);
    assert_eq!(imp.line, line_of("\"path_open\""), "{imp:?}");
    let passwd = f(RuleId::WasmSensitivePathOpen);
    assert_eq!(
        passwd.line,
        line_of("(data (i32.const 64) \"/etc/passwd\")")
    );
    let text_line = app.buffer.line(passwd.line as usize - 1).expect("line");
    let col = passwd.column as usize - 1;
    let shown: String = text_line
        .chars()
        .skip(col)
        .take((passwd.end_column - passwd.column) as usize)
        .collect();
    assert_eq!(shown, "/etc/passwd");
    // Underlined where it sits, and marked in the gutter.
    let t = draw(&app, 120, 40);
    let y = passwd.line as u16; // row 0 is the border
    let x = 1 + gutter(&app) + col as u16;
    let cell = &t.backend().buffer()[(x, y)];
    assert!(
        cell.modifier.contains(ratatui::style::Modifier::UNDERLINED),
        "{cell:?}"
    );
}

/// F5 (answering yes when the scan's verdict asks first): the one run it starts, as
/// (executor, request, module).
fn f5(
    app: &mut App,
) -> (
    String,
    sandbench::engine::exec::ExecRequest,
    Option<Arc<ModuleView>>,
) {
    let fx = app.update(Action::Run);
    let fx = if matches!(app.overlay, Overlay::ConfirmBlock) {
        app.update(Action::ConfirmRun)
    } else {
        fx
    };
    let [Effect::StartRun {
        executor,
        request,
        module,
        ..
    }] = fx.as_slice()
    else {
        panic!("one run: {fx:?}");
    };
    (executor.clone(), (**request).clone(), module.clone())
}

#[test]
fn f5_on_a_wat_buffer_runs_its_text_on_wasm_with_the_buffers_limits_and_grants() {
    let mut app = wat_app("wasm-hello.wat", 120, 40);
    assert_eq!(app.resolved_executor(), "wasm");
    let (executor, request, module) = f5(&mut app);
    assert_eq!(executor, "wasm");
    assert_eq!(request.code, app.buffer.text());
    assert_eq!(request.limits, app.settings.limits);
    // What a module can take of them: the directories to read.
    assert_eq!(
        request.permissions,
        sandbench::engine::exec::wasm::read_only(&app.permissions())
    );
    assert!(module.is_none());
    // Its outcome lands in the results like a JS run's.
    let run = app.live.as_ref().expect("running").id;
    exec(
        &mut app,
        run,
        sandbench::engine::exec::ExecEvent::Console(sandbench::engine::exec::ConsoleLine {
            level: sandbench::engine::exec::ConsoleLevel::Log,
            text: "hello from wasm".into(),
        }),
    );
    let mut o = outcome(&app.buffer.text(), sandbench::engine::exec::Outcome::Ok);
    o.executor = "wasm".into();
    o.console = vec![sandbench::engine::exec::ConsoleLine {
        level: sandbench::engine::exec::ConsoleLevel::Log,
        text: "hello from wasm".into(),
    }];
    exec(
        &mut app,
        run,
        sandbench::engine::exec::ExecEvent::Finished(Box::new(o)),
    );
    app.update(Action::NextTab);
    let screen = format!("{}", draw(&app, 120, 40).backend());
    assert!(screen.contains("hello from wasm"), "{screen}");
    assert!(screen.contains("ok ·"), "{screen}");
}

// ── .wasm buffers ───────────────────────────────────────────────────────────────────────

#[test]
fn a_wasm_buffer_shows_what_the_module_declares() {
    snap("wasm_view", wasm_app);
}

#[test]
fn a_wasm_buffer_refuses_every_edit_and_save_and_keeps_its_text() {
    let mut app = wasm_app(120, 40);
    assert_eq!(app.language(), Language::WasmBinary);
    let before = app.buffer.text();
    for a in [
        Action::Insert("x".into()),
        Action::Paste("pasted".into()),
        Action::Newline,
        Action::Enter,
        Action::Backspace,
        Action::Delete,
        Action::Indent,
        Action::Cut,
        Action::Undo,
        Action::Redo,
        Action::Save,
    ] {
        let fx = app.update(a.clone());
        assert!(
            !fx.iter()
                .any(|e| matches!(e, Effect::WriteFile { .. } | Effect::Scan { .. })),
            "{a:?} wrote or changed something: {fx:?}"
        );
        assert_eq!(app.buffer.text(), before, "{a:?} changed the view");
        assert!(!app.dirty());
        let msg = app.message.clone().unwrap_or_default();
        assert!(msg.contains("read-only"), "{a:?}: {msg}");
    }
    // Moving around and selecting still work.
    app.update(Action::Down);
    app.update(Action::SelectAll);
    assert_eq!(app.buffer.text(), before);
}

#[test]
fn f5_on_a_wasm_buffer_runs_the_modules_bytes_on_wasm() {
    let mut app = wasm_app(120, 40);
    // The scan says review (path_open and /etc/passwd; env.system is a command import:
    // block), so F5 asks first; yes runs it.
    let (executor, request, sent) = f5(&mut app);
    assert_eq!(executor, "wasm");
    let m = sent.as_ref().expect("the module goes with the run");
    assert_eq!(&*m.binary, module(PATH_OPEN_WAT).as_slice());
    assert!(request.code.is_empty(), "the description never runs");
}

#[test]
fn an_invalid_or_oversized_wasm_is_a_clear_warning_and_the_buffer_stays() {
    let mut app = wat_app("wasm-hello.wat", 100, 30);
    let before = app.buffer.text();
    let path = std::path::PathBuf::from("/tmp/broken.wasm");
    let err =
        wasm_view::open("broken.wasm", b"\0asm\x01\0\0\0\x05\xff".to_vec()).expect_err("invalid");
    app.update(Action::ModuleOpened {
        path: path.clone(),
        result: Err(err),
        settings: None,
    });
    assert_eq!(app.buffer.text(), before);
    let msg = app.message.clone().unwrap_or_default();
    assert!(
        msg.contains("cannot open /tmp/broken.wasm: invalid module"),
        "{msg}"
    );
    let big = vec![0u8; sandbench::engine::exec::wasm::MAX_MODULE_BYTES + 1];
    let err = wasm_view::open("big.wasm", big).expect_err("too large");
    app.update(Action::ModuleOpened {
        path,
        result: Err(err),
        settings: None,
    });
    assert!(app.message.clone().unwrap_or_default().contains("limit"));
    assert_eq!(app.language(), Language::WasmText);
}

// ── the executor follows the buffer ─────────────────────────────────────────────────────

#[test]
fn the_selector_with_a_wasm_buffer_offers_only_wasm() {
    snap("wasm_selector", |w, h| {
        let mut app = wat_app("wasm-hello.wat", w, h);
        app.update(Action::ShowExecutors);
        app.update(Action::Down);
        app
    });
    let mut app = wat_app("wasm-hello.wat", 120, 40);
    app.update(Action::ShowExecutors);
    // Row 1 is quickjs-process: refused, with the reason.
    app.update(Action::Down);
    app.update(Action::Enter);
    let Overlay::Executors { error, .. } = &app.overlay else {
        panic!("still in the selector");
    };
    let e = error.clone().unwrap_or_default();
    assert!(
        e.contains("runs JavaScript; this buffer is WebAssembly text"),
        "{e}"
    );
    assert_eq!(app.settings.executor, "auto");
    // Row 3 is wasm: chosen.
    app.update(Action::Down);
    app.update(Action::Down);
    app.update(Action::Enter);
    assert_eq!(app.settings.executor, "wasm");
}

#[test]
fn a_js_buffer_cannot_choose_wasm() {
    let mut app = init(AppInit::new("a.js", "1 + 1\n"), 120, 40);
    scan_done(&mut app, sandbench::engine::scan::scan("1 + 1\n"));
    app.update(Action::ShowExecutors);
    for _ in 0..3 {
        app.update(Action::Down);
    }
    app.update(Action::Enter);
    let Overlay::Executors { error, .. } = &app.overlay else {
        panic!("still in the selector");
    };
    let e = error.clone().unwrap_or_default();
    assert!(e.contains("runs .wat/.wasm buffers only"), "{e}");
    assert_eq!(app.settings.executor, "auto");
    let screen = format!("{}", draw(&app, 120, 40).backend());
    assert!(screen.contains("unavailable for this buffer"), "{screen}");
}

/// Opens `name` from the samples browser (as Ctrl-P, arrows, Enter do); the effects of
/// opening it.
fn open_sample(app: &mut App, name: &str) -> Vec<Effect> {
    let i = sandbench::samples::workbench()
        .iter()
        .position(|s| s.name == name)
        .expect("in the browser");
    app.update(Action::ShowSamples);
    for _ in 0..sandbench::samples::workbench().len() {
        app.update(Action::Up);
    }
    for _ in 0..i {
        app.update(Action::Down);
    }
    let fx = app.update(Action::Enter);
    assert_eq!(app.title, name);
    fx
}

fn scan_kind(fx: &[Effect]) -> Option<bool> {
    fx.iter().find_map(|e| match e {
        Effect::Scan { wasm, .. } => Some(wasm.is_some()),
        _ => None,
    })
}

#[test]
fn js_then_wat_then_js_the_executor_scan_and_colours_follow_the_buffer() {
    let welcome = sandbench::samples::find("welcome").expect("welcome");
    let mut app = init(AppInit::sample(welcome.name, welcome.source), 120, 40);
    assert_eq!(app.resolved_executor(), "quickjs-process");
    // The samples browser lists the .wat samples after the scripts.
    let fx = open_sample(&mut app, "wasm-hello.wat");
    assert_eq!(app.language(), Language::WasmText);
    assert_eq!(
        app.origin,
        Origin::Sample {
            name: "wasm-hello.wat".into()
        }
    );
    assert_eq!(app.resolved_executor(), "wasm");
    assert_eq!(scan_kind(&fx), Some(true), "wasm scan: {fx:?}");
    let screen = format!("{}", draw(&app, 120, 40).backend());
    assert!(screen.contains("wasm (auto)"), "{screen}");
    assert!(app.highlight.wat.len() > 1, "lexed as WAT");
    // Back to the script: its executor, the script scanner, the JS lexer.
    let fx = open_sample(&mut app, welcome.name);
    assert_eq!(app.language(), Language::JavaScript);
    assert_eq!(app.resolved_executor(), "quickjs-process");
    assert_eq!(scan_kind(&fx), Some(false), "script scan: {fx:?}");
    assert!(app.highlight.wat.is_empty() && app.highlight.states.len() > 1);
    let screen = format!("{}", draw(&app, 120, 40).backend());
    assert!(screen.contains("quickjs-process (auto)"), "{screen}");
    scan_done(&mut app, sandbench::engine::scan::scan(welcome.source));
    let fx = app.update(Action::Run);
    let [Effect::StartRun { executor, .. }] = fx.as_slice() else {
        panic!("one run: {fx:?}");
    };
    assert_eq!(executor, "quickjs-process");
}

#[test]
fn a_js_executor_saved_for_a_wat_file_is_refused_at_f5_with_the_reason() {
    let mut app = wat_app("wasm-hello.wat", 120, 40);
    app.settings.executor = "quickjs".into();
    let fx = app.update(Action::Run);
    assert!(fx.is_empty(), "{fx:?}");
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("quickjs cannot run this buffer"), "{msg}");
}

#[test]
fn a_wat_buffers_results_stay_fresh_when_it_is_reopened_unchanged() {
    let mut app = wat_app("wasm-hello.wat", 120, 40);
    let run = start_run(&mut app);
    let mut o = outcome(&app.buffer.text(), sandbench::engine::exec::Outcome::Ok);
    // The executor hashes the binary the text compiles to, not the text.
    o.code_sha256 = sandbench::engine::hash::sha256_hex(&module(&app.buffer.text()));
    o.executor = "wasm".into();
    exec(
        &mut app,
        run,
        sandbench::engine::exec::ExecEvent::Finished(Box::new(o)),
    );
    assert_eq!(
        app.results_freshness(),
        sandbench::tui::app::Freshness::Fresh
    );
    open_sample(&mut app, "wasm-fib.wat");
    assert_eq!(
        app.results_freshness(),
        sandbench::tui::app::Freshness::NotRun
    );
    let s = wasm_sample("wasm-hello.wat");
    open_sample(&mut app, s.name);
    scan_done(&mut app, scan_module(s.source.as_bytes()).0);
    assert_eq!(
        app.results_freshness(),
        sandbench::tui::app::Freshness::Fresh
    );
}

#[test]
fn a_wasm_run_takes_the_buffers_read_directories_and_nothing_else() {
    let dir = std::env::temp_dir();
    // Directories only: taken as they are, and nothing is said about dropping anything.
    let mut app = wasm_app(120, 40);
    app.settings.grants.read.push(dir.clone());
    let (_, request, _) = f5(&mut app);
    assert_eq!(request.permissions.filesystem.read, vec![dir.clone()]);
    assert!(request.permissions.network.is_empty());
    assert!(
        request.permissions.modules.is_empty(),
        "a module has no require"
    );
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("running on wasm"), "{msg}");
    assert!(!msg.contains("read directories only"), "{msg}");
    // A host granted too: the directory still goes, the host does not, and F5 says so.
    let mut app = wasm_app(120, 40);
    app.settings.grants.read.push(dir.clone());
    app.settings.grants.network =
        sandbench::engine::policy::NetGrant::parse_flag("api.example.com").expect("a host grant");
    assert!(
        app.permissions().grants_network(),
        "the panel granted the host"
    );
    let (_, request, _) = f5(&mut app);
    assert_eq!(request.permissions.filesystem.read, vec![dir]);
    assert!(request.permissions.network.is_empty());
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("read directories only"), "{msg}");
}

#[test]
fn saving_a_script_as_wat_switches_colours_scan_and_executor() {
    let mut app = init(AppInit::new("untitled.js", "(module)\n"), 120, 40);
    scan_done(&mut app, sandbench::engine::scan::scan("(module)\n"));
    assert_eq!(app.language(), Language::JavaScript);
    let path = std::env::temp_dir().join("saved-as.wat");
    let fx = app.update(Action::Saved {
        path: path.clone(),
        result: Ok(()),
    });
    assert_eq!(app.language(), Language::WasmText);
    assert_eq!(app.resolved_executor(), "wasm");
    assert_eq!(scan_kind(&fx), Some(true), "rescanned as wasm: {fx:?}");
    assert!(app.scan_pending(), "the script scan's report is gone");
    assert!(app.highlight.wat.len() > 1 && app.highlight.states.is_empty());
}

/// Keystroke → drawn frame on a ~100 KB buffer at 160×48, a `.wat` against a script of the
/// same size (the WAT lexer against the JS one): medians of 300 keystrokes, alternating.
/// `cargo test --release --test tui_wasm -- --ignored --nocapture bench_`
#[test]
#[ignore = "a measurement, not a check"]
fn bench_keystroke_on_a_100_kb_wat_buffer() {
    let mut wat = String::from("(module\n  (memory (export \"memory\") 1)\n");
    let mut js = String::new();
    let mut i = 0;
    while wat.len() < 100_000 {
        wat.push_str(&format!(
            "  (func $f{i} (param $a i32) (result i32) ;; step {i}\n    (i32.add (local.get $a) (i32.const {i})))\n"
        ));
        i += 1;
    }
    wat.push_str("  (data (i32.const 0) \"hello\"))\n");
    while js.len() < wat.len() {
        js.push_str(&format!(
            "function f{i}(a) {{ // step {i}\n  return a + {i};\n}}\n"
        ));
        i += 1;
    }
    let setup = |title: &str, src: &str| {
        let mut app = init(AppInit::new(title, src), 160, 48);
        let mid = app.buffer.line_count() / 2;
        app.buffer
            .set_cursor(sandbench::tui::buffer::Pos::new(mid, 4));
        app.update(Action::Move(sandbench::tui::buffer::Motion::Right, false));
        app
    };
    let mut apps = [setup("big.wat", &wat), setup("big.js", &js)];
    let mut terms: Vec<_> = (0..2)
        .map(|_| Terminal::new(TestBackend::new(160, 48)).expect("terminal"))
        .collect();
    let mut times = [Vec::new(), Vec::new()];
    for round in 0..300 {
        for k in 0..2 {
            let t = std::time::Instant::now();
            let a = if round % 10 == 9 {
                Action::Backspace
            } else {
                Action::Insert("x".into())
            };
            let _ = apps[k].update(a);
            let app = &apps[k];
            terms[k]
                .draw(|f| sandbench::tui::ui::render(app, f))
                .expect("draw");
            times[k].push(t.elapsed().as_secs_f64() * 1000.0);
        }
    }
    for (k, name) in ["wat", "js"].iter().enumerate() {
        let v = &mut times[k];
        v.sort_by(f64::total_cmp);
        println!(
            "{name}: {} bytes, keystroke median {:.3} ms p99 {:.3} ms",
            if k == 0 { wat.len() } else { js.len() },
            v[v.len() / 2],
            v[v.len() * 99 / 100]
        );
    }
}

#[test]
fn a_wasm_run_without_a_scan_shows_the_hash_of_the_module_file_it_runs() {
    // The scan of the module failed: F5 asks, and the run that follows names the file's
    // bytes (the request of a `.wasm` view carries no code: its empty text is not the hash).
    let path = std::path::PathBuf::from("/plugins/probe.wasm");
    let view = wasm_view("probe.wasm", PATH_OPEN_WAT);
    let file_sha = sandbench::engine::hash::sha256_hex(&view.file);
    let mut i = AppInit::file(path, view.text.clone());
    i.module = Some(Arc::new(view));
    let mut app = init(i, 120, 40);
    let generation = app.generation();
    app.update(Action::ScanFailed {
        generation,
        reason: "the scanner broke on purpose".into(),
    });
    assert!(app.update(Action::Run).is_empty());
    assert!(
        matches!(app.overlay, Overlay::ConfirmRun(_)),
        "{:?}",
        app.overlay
    );
    let fx = app.update(Action::ConfirmRun);
    assert!(
        matches!(
            fx.as_slice(),
            [Effect::StartRun {
                module: Some(_),
                ..
            }]
        ),
        "{fx:?}"
    );
    let live = app.live.as_ref().expect("running");
    assert_eq!(live.code.sha256, file_sha);
    assert_ne!(live.code.sha256, sandbench::engine::hash::sha256_hex(b""));
}
