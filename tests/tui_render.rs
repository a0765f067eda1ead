//! What the workbench draws: insta snapshots at 80×24 and 160×48 of every screen (start, a
//! sample with findings, a finished run, a timed-out run, stale results, the diff of two runs,
//! help, the executor selector, samples, the input editor, messages, recovery copies, the
//! replace-a-file question, a file name with control characters); style checks on buffer cells for finding underlines and gutter markers.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use ratatui::style::Modifier;
use sandbench::engine::exec::{ConsoleLevel, ConsoleLine, ExecEvent, Outcome};
use sandbench::engine::scan::{Metrics, Report, Severity, Verdict};
use sandbench::tui::action::Action;
use sandbench::tui::app::{App, Overlay, ResultsTab};
use sandbench::tui::buffer::Motion;
use sandbench::tui::recovery::{Base, CopyInfo, Listing, Origin};
use tui_support::*;

/// A script that never ends, and one whose runs can differ (by their input).
const BUSY_JS: &str = "let i = 0;\nwhile (true) { i++; }\n";
const PLUGIN_JS: &str = "const r = input ? 1 : 2;\nr\n";

fn allow_report(src: &str) -> Report {
    Report {
        sha256: sandbench::engine::hash::sha256_hex(src.as_bytes()),
        context: sandbench::engine::scan::ScanContext::Plugin,
        score: 0,
        verdict: Verdict::Allow,
        findings: vec![],
        metrics: Metrics {
            bytes: src.len(),
            lines: src.lines().count(),
            complexity: 2,
            identifier_entropy: 2.1,
            ..Metrics::default()
        },
        parse_error: None,
    }
}

/// `src` open as `title`, which the scanner allowed.
fn allowed(title: &str, src: &str, w: u16, h: u16) -> App {
    let mut app = app_sized(title, src, w, h);
    scan_done(&mut app, allow_report(src));
    app
}

/// [`allowed`], with a run of it started: the App and the run's id.
fn allowed_and_running(title: &str, src: &str, w: u16, h: u16) -> (App, u64) {
    let mut app = allowed(title, src, w, h);
    let run = start_run(&mut app);
    (app, run)
}

fn welcome(w: u16, h: u16) -> App {
    let s = sandbench::samples::find("welcome").expect("welcome sample");
    allowed(s.name, s.source, w, h)
}

/// The welcome screen after `actions`.
fn welcome_then(w: u16, h: u16, actions: impl IntoIterator<Item = Action>) -> App {
    let mut app = welcome(w, h);
    for a in actions {
        app.update(a);
    }
    app
}

/// Runs the sample with findings (confirming the run) and returns the run's id.
fn run_findings(app: &mut App) -> u64 {
    app.update(Action::Run);
    app.update(Action::ConfirmRun);
    app.live.as_ref().expect("running").id
}

fn with_findings(w: u16, h: u16) -> App {
    let mut app = app_sized("escape.js", ESCAPE_JS, w, h);
    scan_done(&mut app, escape_report(ESCAPE_JS));
    app
}

fn snap(name: &str, make: impl Fn(u16, u16) -> App) {
    for (name, t) in drawn_at_sizes(name, make) {
        insta::assert_snapshot!(name, t.backend());
    }
}

#[test]
fn start_screen() {
    snap("start", welcome);
}

#[test]
fn sample_with_findings() {
    snap("findings", with_findings);
}

#[test]
fn finished_run() {
    snap("finished", |w, h| {
        let mut app = with_findings(w, h);
        let run = run_findings(&mut app);
        samples(run, &mut app, 40);
        finish_ok(&mut app, run, ESCAPE_JS);
        app
    });
}

#[test]
fn timed_out_run() {
    snap("timeout", |w, h| {
        let (mut app, run) = allowed_and_running("busy.js", BUSY_JS, w, h);
        samples(run, &mut app, 100);
        finish_timeout(&mut app, run, BUSY_JS);
        app
    });
}

#[test]
fn help_overlay() {
    snap("help", |w, h| welcome_then(w, h, [Action::ToggleHelp]));
}

#[test]
fn executor_selector() {
    snap("executors", |w, h| {
        welcome_then(w, h, [Action::ShowExecutors, Action::Down])
    });
}

#[test]
fn samples_browser() {
    snap("samples", |w, h| {
        welcome_then(w, h, [Action::ShowSamples, Action::Down])
    });
}

#[test]
fn input_editor_with_a_mistake() {
    let mistake = "{\"user\": {\"name\": \"ada\",}}";
    snap("input", |w, h| {
        welcome_then(w, h, [Action::ShowInput, Action::Insert(mistake.into())])
    });
}

#[test]
fn messages_view() {
    snap("messages", |w, h| {
        welcome_then(
            w,
            h,
            [
                Action::Warning(
                    "theme 'mine.toml': line 3: `accent` is not a colour (\"bleu\"); the default is used"
                        .into(),
                ),
                Action::Warning(
                    "theme 'mine.toml': line 7: unknown key `backgroud` (did you mean `background`?)"
                        .into(),
                ),
                Action::Notice("saved /tmp/work.js".into()),
                Action::ShowMessages,
            ],
        )
    });
}

fn copy(key: &str, path: &str, first: usize) -> CopyInfo {
    CopyInfo {
        key: key.into(),
        origin: Origin::File { path: path.into() },
        title: sandbench::engine::text::escape(
            std::path::Path::new(path)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or(""),
            false,
        )
        .into_owned(),
        written_unix: 1_795_264_496,
        bytes: 2048,
        lines: 61,
        first_changed: Some(first),
        base: Base::File,
        in_use_by: None,
        legacy: false,
    }
}

#[test]
fn recovery_copies_at_start_up() {
    snap("recovery", |w, h| {
        let mut app = welcome(w, h);
        let listing = Listing {
            copies: vec![
                copy("work-1", "/home/ada/project/plugins/work.js", 12),
                copy(
                    "evil-2",
                    "/home/ada/downloads/a very long directory name indeed/evil\u{1b}[31m\u{202e}.js",
                    1,
                ),
            ],
            ..Listing::default()
        };
        app.update(Action::RecoveryListed {
            only: None,
            listing,
        });
        app
    });
}

#[test]
fn replacing_another_file_asks() {
    snap("replace", |w, h| {
        let mut app = welcome(w, h);
        app.overlay = Overlay::ConfirmOverwrite {
            path: "/home/ada/project/plugins/mine.js".into(),
        };
        app
    });
}

#[test]
fn a_file_name_with_control_characters_is_escaped() {
    snap("control_name", |w, h| {
        allowed("evil\u{1b}[2J\n\u{202e}.js", "const a = 1;\n", w, h)
    });
}

#[test]
fn stale_results_after_an_edit() {
    snap("stale", |w, h| {
        let mut app = with_findings(w, h);
        let run = run_findings(&mut app);
        finish_ok(&mut app, run, ESCAPE_JS);
        app.update(Action::Insert("// edited\n".into()));
        app
    });
}

#[test]
fn diff_of_the_last_two_runs() {
    snap("diff", |w, h| {
        let (mut app, run) = allowed_and_running("plugin.js", PLUGIN_JS, w, h);
        finish_ok(&mut app, run, PLUGIN_JS);
        let run = start_run(&mut app);
        let mut o = outcome(PLUGIN_JS, Outcome::Ok);
        o.value_display = "{ count: 4, total: 60, top: \"d\" }".into();
        o.console = vec![ConsoleLine {
            level: ConsoleLevel::Warn,
            text: "patched".into(),
        }];
        exec(&mut app, run, ExecEvent::Finished(Box::new(o)));
        while app.results_tab != ResultsTab::Diff {
            app.update(Action::NextTab);
        }
        app
    });
}

#[test]
fn a_small_terminal_says_so() {
    let app = welcome(70, 20);
    let t = draw(&app, 70, 20);
    let screen = format!("{:?}", t.backend().buffer());
    assert!(screen.contains("terminal too small: 70×20"), "{screen}");
}

/// Editor geometry at 80×24: the inside starts at (1, 1); a 3-digit line number, the marker,
/// a space; the code starts at x = 6.
const MARK_X: u16 = 4;
const CODE_X: u16 = 6;

#[test]
fn finding_spans_are_underlined_in_their_severity_colour_over_syntax_colours() {
    let app = with_findings(80, 24);
    let theme = app.theme.current().clone();
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    // constructor-chain: line 3, columns 11..24 (critical).
    let y = 3;
    for col in 11..24u16 {
        let cell = &buf[(CODE_X + col - 1, y)];
        assert!(
            cell.modifier.contains(Modifier::UNDERLINED),
            "col {col}: {cell:?}"
        );
        assert_eq!(
            Some(cell.underline_color),
            theme.severity_style(Severity::Critical).fg,
            "col {col}"
        );
    }
    let before = &buf[(CODE_X + 9, y)];
    assert!(
        !before.modifier.contains(Modifier::UNDERLINED),
        "outside the span"
    );
    // The syntax colour stays under the underline: `const` is a keyword, `k` inside the span
    // an identifier; they differ in the default theme.
    let kw = &buf[(CODE_X, y)];
    assert_eq!(kw.symbol(), "c");
    assert_eq!(
        Some(kw.fg),
        theme
            .token_style(sandbench::engine::lexer::TokenKind::Keyword)
            .fg
    );
}

#[test]
fn gutter_markers_follow_severity_and_turn_confirmed_after_a_blocked_attempt() {
    let mut app = with_findings(80, 24);
    let theme = app.theme.current().clone();
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    let mark = |y: u16| buf[(MARK_X, y)].clone();
    assert_eq!(mark(3).symbol(), "●");
    assert_eq!(
        Some(mark(3).fg),
        theme.severity_style(Severity::Critical).fg
    );
    assert_eq!(mark(4).symbol(), "●");
    assert_eq!(Some(mark(4).fg), theme.severity_style(Severity::High).fg);
    assert_eq!(mark(1).symbol(), " ", "no finding on line 1");
    let run = run_findings(&mut app);
    finish_ok(&mut app, run, ESCAPE_JS);
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    assert_eq!(
        buf[(MARK_X, 4)].symbol(),
        "✖",
        "line 4's attempt was blocked at run time"
    );
    assert_eq!(buf[(MARK_X, 3)].symbol(), "●");
}

#[test]
fn script_output_never_reaches_the_screen_raw() {
    let mut app = welcome(80, 24);
    let run = start_run(&mut app);
    let mut o = outcome("x", sandbench::engine::exec::Outcome::Ok);
    o.value_display = "\x1b]52;c;AAAA\x07\x1b[2J\u{202e}gnp.exe".into();
    exec(
        &mut app,
        run,
        sandbench::engine::exec::ExecEvent::Finished(Box::new(o)),
    );
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    for cell in buf.content() {
        assert!(
            !cell
                .symbol()
                .chars()
                .any(|c| sandbench::engine::text::is_unsafe_char(c, false)),
            "raw control character on screen: {:?}",
            cell.symbol()
        );
    }
    let screen: String = buf.content().iter().map(|c| c.symbol()).collect();
    assert!(screen.contains("\\x1b]52;c;AAAA\\x07"), "shown escaped");
}

/// A line with double-width characters before a finding: `日本語` and an emoji take two cells
/// each, so everything after them sits 4 cells further right than its character column.
const WIDE_JS: &str = "const s = '日本語🙂'; eval(s);\n";

fn wide_app() -> App {
    let mut app = app_sized("wide.js", WIDE_JS, 80, 24);
    let mut report = allow_report(WIDE_JS);
    // `eval`: characters 19..23 (1-based, end exclusive).
    report.findings = vec![finding("eval-direct", Severity::High, 40, 1, 19, 23)];
    scan_done(&mut app, report);
    app
}

#[test]
fn wide_characters_take_two_cells_and_the_cursor_follows_them() {
    let mut app = wide_app();
    app.buffer
        .set_cursor(sandbench::tui::buffer::Pos::new(0, 18));
    let mut t = draw(&app, 80, 24);
    let buf = t.backend().buffer().clone();
    let y = 1;
    let at = |dx: u16| buf[(CODE_X + dx, y)].symbol().to_string();
    assert_eq!(at(10), "'");
    assert_eq!(at(11), "日");
    assert_eq!(at(13), "本");
    assert_eq!(at(15), "語");
    assert_eq!(at(17), "🙂");
    assert_eq!(at(19), "'");
    assert_eq!(at(20), ";");
    assert_eq!(at(22), "e", "`eval` starts 4 cells after its char column");
    assert_eq!(at(26), "(");
    // The cursor is on the `e` of `eval`, character 18, screen cell 22.
    let cur = t.get_cursor_position().expect("cursor");
    assert_eq!((cur.x, cur.y), (CODE_X + 22, y));
}

#[test]
fn a_finding_after_wide_characters_is_underlined_under_its_own_cells() {
    let app = wide_app();
    let t = draw(&app, 80, 24);
    let buf = t.backend().buffer();
    let under = |dx: u16| {
        buf[(CODE_X + dx, 1)]
            .modifier
            .contains(Modifier::UNDERLINED)
    };
    for dx in 22..26 {
        assert!(under(dx), "cell {dx} of `eval` is underlined");
    }
    assert!(!under(21), "the space before `eval`");
    assert!(!under(26), "the `(` after `eval`");
    assert!(!under(18), "the emoji is not part of the finding");
}

#[test]
fn a_long_line_of_wide_characters_scrolls_to_keep_the_cursor_on_its_character() {
    let src = format!("x{}z\n", "日".repeat(60));
    let mut app = app_sized("long.js", &src, 80, 24);
    scan_done(&mut app, allow_report(&src));
    app.update(Action::Move(Motion::End, false));
    app.update(Action::Move(Motion::Left, false));
    let mut t = draw(&app, 80, 24);
    let cur = t.get_cursor_position().expect("cursor");
    assert_eq!(cur.y, 1);
    assert_eq!(t.backend().buffer()[(cur.x, cur.y)].symbol(), "z");
    app.update(Action::Move(Motion::Left, false));
    let mut t = draw(&app, 80, 24);
    let cur = t.get_cursor_position().expect("cursor");
    assert_eq!(t.backend().buffer()[(cur.x, cur.y)].symbol(), "日");
    // No half of a wide character is drawn into the gutter or past the pane's edge.
    let buf = t.backend().buffer().clone();
    for x in 0..CODE_X {
        assert_ne!(buf[(x, 1)].symbol(), "日", "cell {x} is gutter");
    }
}

#[test]
fn a_finding_after_wide_characters_stays_underlined_when_the_line_is_scrolled() {
    let src = format!("{} eval(s);\n", "日".repeat(50));
    let mut app = app_sized("scrolled.js", &src, 80, 24);
    let mut report = allow_report(&src);
    // `eval`: characters 52..56 (1-based, end exclusive), screen cells 101..105.
    report.findings = vec![finding("eval-direct", Severity::High, 40, 1, 52, 56)];
    scan_done(&mut app, report);
    app.update(Action::Move(Motion::End, false));
    for _ in 0..8 {
        app.update(Action::Move(Motion::Left, false));
    }
    let mut t = draw(&app, 80, 24);
    let cur = t.get_cursor_position().expect("cursor");
    let buf = t.backend().buffer();
    let cell = |x: u16| &buf[(x, cur.y)];
    assert_eq!(cell(cur.x).symbol(), "e", "the cursor sits on `eval`");
    for x in cur.x..cur.x + 4 {
        assert!(
            cell(x).modifier.contains(Modifier::UNDERLINED),
            "{:?} at {x}",
            cell(x)
        );
    }
    assert_eq!(cell(cur.x + 4).symbol(), "(");
    assert!(!cell(cur.x + 4).modifier.contains(Modifier::UNDERLINED));
    assert!(!cell(cur.x - 1).modifier.contains(Modifier::UNDERLINED));
}
