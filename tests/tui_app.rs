//! The workbench's logic through Actions, with no terminal: typing, debounced scanning,
//! running, cancelling, jumping to findings, executors, limits, themes, block confirmation,
//! quitting, recovery, and bounds on everything a script sends back.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use sandbench::engine::exec::{ConsoleLevel, ConsoleLine, ExecEvent, Outcome};
use sandbench::engine::scan::Verdict;
use sandbench::tui::action::{Action, Effect};
use sandbench::tui::app::{App, Focus, Overlay, ResultsTab, MAX_CONSOLE_BYTES, MAX_CONSOLE_LINES};
use sandbench::tui::buffer::Pos;
use sandbench::tui::effects::Driver;
use sandbench::tui::keymap::map_key;
use std::time::{Duration, Instant};
use tui_support::*;

fn key(app: &mut App, code: KeyCode, mods: KeyModifiers) -> Vec<Effect> {
    match map_key(app, KeyEvent::new(code, mods)) {
        Some(a) => app.update(a),
        None => vec![],
    }
}

fn type_str(app: &mut App, s: &str) -> Vec<Effect> {
    let mut fx = vec![];
    for c in s.chars() {
        fx.extend(key(app, KeyCode::Char(c), KeyModifiers::NONE));
    }
    fx
}

fn scans(fx: &[Effect]) -> Vec<u64> {
    fx.iter()
        .filter_map(|e| match e {
            Effect::Scan { generation, .. } => Some(*generation),
            _ => None,
        })
        .collect()
}

#[test]
fn typing_edits_the_buffer_marks_it_dirty_and_asks_for_a_scan_per_edit() {
    let mut app = app("");
    assert!(!app.dirty());
    let fx = type_str(&mut app, "1+1");
    assert_eq!(app.buffer.text(), "1+1");
    assert!(app.dirty());
    let gens = scans(&fx);
    assert_eq!(
        gens.len(),
        3,
        "one scan request per keystroke (the driver debounces)"
    );
    assert_eq!(*gens.last().unwrap(), app.generation());
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    key(&mut app, KeyCode::Backspace, KeyModifiers::NONE);
    key(&mut app, KeyCode::Char('z'), KeyModifiers::CONTROL);
    assert_eq!(
        app.buffer.text(),
        "1+1\n",
        "undo restores the deleted newline"
    );
    key(&mut app, KeyCode::Char('y'), KeyModifiers::CONTROL);
    assert_eq!(app.buffer.text(), "1+1");
}

#[test]
fn stale_scan_results_are_dropped_and_the_latest_is_kept() {
    let mut app = app("let a = 1;");
    let old = app.generation();
    type_str(&mut app, "x");
    app.update(Action::ScanDone {
        generation: old,
        report: Box::new(escape_report("let a = 1;")),
    });
    assert_eq!(
        app.verdict(),
        Some(Verdict::Allow),
        "a report for an older buffer is dropped; the last current one stays"
    );
    assert!(app.scan_pending());
    let text = app.buffer.text();
    scan_done(&mut app, escape_report(&text));
    assert_eq!(app.verdict(), Some(Verdict::Block));
    assert!(!app.scan_pending());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_driver_debounces_scans_and_only_the_latest_generation_is_scanned() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut driver = Driver::new(tx).with_data_dir(None);
    let mut app = app("");
    let start = Instant::now();
    for c in "eval(x)".chars() {
        let fx = app.update(Action::Insert(c.to_string()));
        driver.execute(fx);
    }
    // Nothing runs before the debounce delay; then exactly one scan, of the last generation.
    loop {
        let d = driver.next_deadline().expect("a scan is pending");
        tokio::time::sleep_until(d.into()).await;
        if !driver.on_deadline().is_empty() || driver.scans_started > 0 {
            break;
        }
    }
    assert!(start.elapsed() >= sandbench::tui::effects::SCAN_DEBOUNCE);
    assert_eq!(driver.scans_started, 1);
    let got = tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("scan finishes")
        .expect("channel open");
    match got {
        Action::ScanDone { generation, report } => {
            assert_eq!(generation, app.generation());
            assert_eq!(
                report.sha256,
                sandbench::engine::hash::sha256_hex(b"eval(x)")
            );
            app.update(Action::ScanDone { generation, report });
            assert!(!app.scan_pending());
        }
        other => panic!("expected ScanDone, got {other:?}"),
    }
}

#[test]
fn a_run_streams_console_and_finishes_into_the_value_tab_and_history() {
    let mut app = app("({count: 3})");
    let fx = app.update(Action::Run);
    let run = match fx.as_slice() {
        [Effect::StartRun {
            run,
            executor,
            request,
            ..
        }] => {
            assert_eq!(
                executor, "quickjs-process",
                "auto resolves to the strongest"
            );
            assert_eq!(request.code, "({count: 3})");
            *run
        }
        other => panic!("{other:?}"),
    };
    assert!(app.is_running());
    assert!(app.update(Action::Run).is_empty(), "one run at a time");
    exec(
        &mut app,
        run,
        ExecEvent::Console(ConsoleLine {
            level: ConsoleLevel::Log,
            text: "red\x1b[31m\u{202e}evil".into(),
        }),
    );
    let live = app.live.as_ref().expect("running");
    assert_eq!(
        live.console[0].text, "red\\x1b[31m\\u{202e}evil",
        "escaped on arrival"
    );
    samples(run, &mut app, 5);
    finish_ok(&mut app, run, "({count: 3})");
    assert!(!app.is_running());
    assert_eq!(app.results_tab, ResultsTab::Value);
    assert_eq!(app.runs.history.len(), 1);
    assert_eq!(app.runs.history[0].outcome, Outcome::Ok);
    assert_eq!(app.runs.last.as_ref().unwrap().trace.samples.len(), 5);
}

#[test]
fn events_of_a_stale_run_are_dropped() {
    let mut app = app("1");
    let first = start_run(&mut app);
    finish_timeout(&mut app, first, "1");
    let second = start_run(&mut app);
    exec(
        &mut app,
        first,
        ExecEvent::Console(ConsoleLine {
            level: ConsoleLevel::Log,
            text: "late".into(),
        }),
    );
    assert!(app.live.as_ref().unwrap().console.is_empty());
    finish_ok(&mut app, first, "1");
    assert!(
        app.is_running(),
        "the old run's Finished does not end the new run"
    );
    finish_ok(&mut app, second, "1");
    assert!(!app.is_running());
}

#[test]
fn esc_cancels_the_running_script() {
    let mut app = app("while(true){}");
    let run = start_run(&mut app);
    let fx = key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert!(matches!(fx.as_slice(), [Effect::CancelRun { run: r }] if *r == run));
    assert!(app.live.as_ref().unwrap().cancelling);
    // Typing stays possible while the run goes.
    type_str(&mut app, "x");
    assert_eq!(app.buffer.text(), "xwhile(true){}");
    let o = outcome("while(true){}", Outcome::Cancelled);
    exec(&mut app, run, ExecEvent::Finished(Box::new(o)));
    assert!(!app.is_running());
    assert_eq!(app.runs.history[0].outcome, Outcome::Cancelled);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_real_busy_loop_is_cancelled_through_the_driver() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(1024);
    let mut driver = Driver::new(tx).with_data_dir(None);
    let mut app = app("let i = 0; while (true) { i++; }");
    app.settings.executor = "quickjs".into();
    let fx = app.update(Action::Run);
    driver.execute(fx);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let fx = app.update(Action::Cancel);
    let asked = Instant::now();
    driver.execute(fx);
    let deadline = Instant::now() + Duration::from_secs(10);
    while app.is_running() {
        let left = deadline.saturating_duration_since(Instant::now());
        let a = tokio::time::timeout(left, rx.recv())
            .await
            .expect("the run ends after cancel")
            .expect("open");
        app.update(a);
    }
    assert!(
        asked.elapsed() < Duration::from_secs(2),
        "cancel took {:?}",
        asked.elapsed()
    );
    assert_eq!(
        app.runs.last.as_ref().unwrap().outcome.outcome,
        Outcome::Cancelled
    );
}

#[test]
fn enter_on_a_finding_jumps_to_its_span() {
    let mut app = app(ESCAPE_JS);
    scan_done(&mut app, escape_report(ESCAPE_JS));
    key(&mut app, KeyCode::F(6), KeyModifiers::NONE);
    assert_eq!(app.focus, Focus::Threats);
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.focus, Focus::Editor);
    // process-env: line 4, columns 32..39 (1-based).
    assert_eq!(app.buffer.cursor(), Pos::new(3, 31));
    assert_eq!(app.buffer.selected_text().as_deref(), Some("process"));
    key(&mut app, KeyCode::F(8), KeyModifiers::NONE);
    assert_eq!(app.buffer.cursor().line, 1, "F8 goes to the next finding");
}

#[test]
fn the_executor_selector_switches_executors_and_edits_limits_within_bounds() {
    let mut app = app("1");
    key(&mut app, KeyCode::Char('e'), KeyModifiers::CONTROL);
    assert!(matches!(app.overlay, Overlay::Executors { .. }));
    // Row 0 is auto; rows 1..=3 the executors; then the limits.
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.settings.executor, "quickjs");
    key(&mut app, KeyCode::Down, KeyModifiers::NONE);
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        app.settings.executor, "quickjs",
        "an unavailable executor cannot be chosen"
    );
    assert!(
        matches!(&app.overlay, Overlay::Executors { error: Some(e), .. } if e.contains("not built"))
    );
    key(&mut app, KeyCode::Down, KeyModifiers::NONE); // CPU timeout
    key(&mut app, KeyCode::Right, KeyModifiers::NONE);
    assert_eq!(app.settings.limits.timeout_ms, 5_500);
    assert_eq!(
        app.settings.limits.wall_timeout_ms, 11_000,
        "the wall timeout follows"
    );
    type_str(&mut app, "99999");
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(
        app.settings.limits.timeout_ms, 5_500,
        "out of range is refused, not clamped"
    );
    assert!(
        matches!(&app.overlay, Overlay::Executors { error: Some(e), .. } if e.contains("out of range"))
    );
    type_str(&mut app, "200");
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert_eq!(app.settings.limits.timeout_ms, 200);
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.overlay, Overlay::None);
    let fx = app.update(Action::Run);
    match fx.as_slice() {
        [Effect::StartRun {
            executor, request, ..
        }] => {
            assert_eq!(executor, "quickjs");
            assert_eq!(request.limits.timeout_ms, 200);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn ctrl_t_cycles_themes() {
    let mut app = app("1");
    let first = app.theme.current().name.clone();
    key(&mut app, KeyCode::Char('t'), KeyModifiers::CONTROL);
    let second = app.theme.current().name.clone();
    assert_ne!(first, second);
    assert!(app.message.as_deref().unwrap_or("").contains(&second));
}

#[test]
fn a_block_verdict_asks_before_running_anyway_in_the_sandbox() {
    let mut app = app(ESCAPE_JS);
    scan_done(&mut app, escape_report(ESCAPE_JS));
    let fx = key(&mut app, KeyCode::F(5), KeyModifiers::NONE);
    assert!(fx.is_empty());
    assert_eq!(app.overlay, Overlay::ConfirmBlock);
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.overlay, Overlay::None);
    assert!(!app.is_running());
    key(&mut app, KeyCode::F(5), KeyModifiers::NONE);
    let fx = key(&mut app, KeyCode::Char('y'), KeyModifiers::NONE);
    assert!(matches!(fx.as_slice(), [Effect::StartRun { .. }]));
    assert!(app.is_running());
    // The attempt is contained and recorded: the finding on line 4 becomes confirmed.
    let run = app.live.as_ref().unwrap().id;
    finish_ok(&mut app, run, ESCAPE_JS);
    let f = app.findings()[1].clone();
    assert_eq!(f.line, 4);
    assert!(app.is_confirmed(&f));
    assert!(!app.is_confirmed(&app.findings()[0].clone()));
}

#[test]
fn f5_before_the_scan_of_an_edit_arrives_waits_for_its_verdict() {
    let mut app = app("");
    type_str(&mut app, "x");
    let fx = key(&mut app, KeyCode::F(5), KeyModifiers::NONE);
    assert!(fx.is_empty(), "no run on a stale verdict");
    assert!(!app.is_running());
    let text = app.buffer.text();
    let fx = {
        let generation = app.generation();
        app.update(Action::ScanDone {
            generation,
            report: Box::new(escape_report(&text)),
        })
    };
    assert!(fx.is_empty());
    assert_eq!(
        app.overlay,
        Overlay::ConfirmBlock,
        "the fresh block verdict asks first"
    );
    key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    assert!(app.is_running());
}

#[test]
fn quitting_with_unsaved_changes_asks_first() {
    let mut app = app("1");
    let fx = key(&mut app, KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert!(
        fx.iter().any(|e| matches!(e, Effect::Quit)),
        "clean: quits at once"
    );
    let mut app = tui_support::app("1");
    type_str(&mut app, "2");
    let fx = key(&mut app, KeyCode::Char('q'), KeyModifiers::CONTROL);
    assert!(fx.is_empty());
    assert_eq!(app.overlay, Overlay::ConfirmQuit);
    key(&mut app, KeyCode::Esc, KeyModifiers::NONE);
    assert_eq!(app.overlay, Overlay::None);
    // With a recovery copy of this session: "quit and discard" deletes it, "keep" writes it
    // now and leaves it.
    app.update(Action::AutosaveDue);
    let mut kept = app.clone();
    key(&mut app, KeyCode::Char('q'), KeyModifiers::CONTROL);
    let fx = key(&mut app, KeyCode::Char('q'), KeyModifiers::NONE);
    assert!(fx.iter().any(|e| matches!(e, Effect::Quit)));
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::DeleteRecovery { .. })));
    type_str(&mut kept, "3");
    key(&mut kept, KeyCode::Char('q'), KeyModifiers::CONTROL);
    let fx = key(&mut kept, KeyCode::Char('k'), KeyModifiers::NONE);
    assert!(matches!(fx.last(), Some(Effect::Quit)));
    let now = kept.buffer.text();
    assert_eq!(now, "231");
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::WriteRecovery { text, flush: true, .. } if *text == now)));
    assert!(!fx
        .iter()
        .any(|e| matches!(e, Effect::DeleteRecovery { .. })));
}

#[test]
fn console_floods_are_bounded_and_the_first_lines_are_the_ones_kept() {
    // Long lines: each is cut to 1,000 characters; the bytes bound holds.
    let mut app = app("for(;;) console.log('x')");
    let run = start_run(&mut app);
    for i in 0..3_000 {
        exec(
            &mut app,
            run,
            ExecEvent::Console(ConsoleLine {
                level: ConsoleLevel::Log,
                text: format!("{i} {}", "y".repeat(5000)),
            }),
        );
    }
    let live = app.live.as_ref().unwrap();
    let bytes: usize = live.console.iter().map(|l| l.text.len()).sum();
    assert!(bytes <= MAX_CONSOLE_BYTES, "{bytes}");
    assert!(live.console.iter().all(|l| l.text.chars().count() <= 1001));
    assert_eq!(live.console.len() + live.console_dropped, 3_000);
    assert!(
        live.console[0].text.starts_with("0 "),
        "the first lines are kept"
    );
    // Short lines: as many lines as the engine keeps (10,000 and its marker), not fewer.
    let mut app = tui_support::app("for(;;) console.log('x')");
    let run = start_run(&mut app);
    for i in 0..(MAX_CONSOLE_LINES + 500) {
        exec(
            &mut app,
            run,
            ExecEvent::Console(ConsoleLine {
                level: ConsoleLevel::Log,
                text: format!("line {i}"),
            }),
        );
    }
    let live = app.live.as_ref().unwrap();
    assert_eq!(live.console.len(), MAX_CONSOLE_LINES);
    assert_eq!(MAX_CONSOLE_LINES, 10_001);
    assert_eq!(live.console_dropped, 500);
}

#[test]
fn the_samples_browser_opens_an_embedded_sample() {
    let mut app = app("");
    key(&mut app, KeyCode::Char('p'), KeyModifiers::CONTROL);
    assert!(matches!(app.overlay, Overlay::Samples { .. }));
    let fx = key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    let first = sandbench::samples::all()[0];
    assert_eq!(app.title, first.name);
    assert_eq!(app.buffer.text(), first.source);
    assert!(!app.dirty());
    assert!(
        fx.iter().any(|e| matches!(
            e,
            Effect::Scan {
                context: sandbench::engine::scan::ScanContext::Plugin,
                ..
            }
        )),
        "a new buffer is scanned, as a plugin"
    );
}

/// The next action from the driver, within 5 s.
async fn next_action(rx: &mut tokio::sync::mpsc::Receiver<Action>) -> Action {
    tokio::time::timeout(Duration::from_secs(5), rx.recv())
        .await
        .expect("an action within 5 s")
        .expect("the channel is open")
}

/// Feeds actions from the driver to the App until `done` holds (at most 20 actions).
async fn pump(
    app: &mut App,
    driver: &mut Driver,
    rx: &mut tokio::sync::mpsc::Receiver<Action>,
    done: impl Fn(&App) -> bool,
) {
    for _ in 0..20 {
        if done(app) {
            return;
        }
        let a = next_action(rx).await;
        let fx = app.update(a);
        driver.execute(fx);
    }
    assert!(done(app), "the App never reached the expected state");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn autosave_writes_a_recovery_copy_that_the_next_session_lists_and_restores() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (tx, _rx) = tokio::sync::mpsc::channel(64);
    let mut driver = Driver::new(tx).with_data_dir(Some(dir.path().to_path_buf()));
    let mut app = app("original");
    type_str(&mut app, "edited ");
    assert!(app.needs_autosave());
    let fx = app.update(Action::AutosaveDue);
    assert!(fx
        .iter()
        .any(|e| matches!(e, Effect::WriteRecovery { text, .. } if text == "edited original")));
    driver.execute(fx);
    driver.flush();
    assert!(!app.needs_autosave());

    // A new session on the same buffer lists the copy at start-up and restores it.
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut driver = Driver::new(tx).with_data_dir(Some(dir.path().to_path_buf()));
    let mut next = tui_support::app("original");
    let fx = next.start();
    driver.execute(fx);
    pump(
        &mut next,
        &mut driver,
        &mut rx,
        |a| matches!(&a.overlay, Overlay::Recovery(v) if v.copies.len() == 1),
    )
    .await;
    let Overlay::Recovery(v) = &next.overlay else {
        unreachable!()
    };
    assert_eq!(v.copies[0].first_changed, Some(1));
    assert_eq!(v.copies[0].lines, 1);
    let fx = next.update(Action::Answer('r'));
    driver.execute(fx);
    pump(&mut next, &mut driver, &mut rx, |a| {
        a.buffer.text() == "edited original"
    })
    .await;
    assert!(next.dirty(), "restored work is unsaved work");
    // Ctrl-Z shows what the copy replaced.
    next.update(Action::Undo);
    assert_eq!(next.buffer.text(), "original");
    next.update(Action::Redo);
    assert_eq!(next.buffer.text(), "edited original");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn open_and_save_go_through_the_driver_with_clear_errors() {
    let dir = tempfile::tempdir().expect("tempdir");
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut driver = Driver::new(tx).with_data_dir(None);
    let mut app = app("");
    let mut recv = async || {
        tokio::time::timeout(Duration::from_secs(5), rx.recv())
            .await
            .unwrap()
            .unwrap()
    };
    // Save as: a prompt, then a write.
    type_str(&mut app, "1+1");
    key(&mut app, KeyCode::Char('s'), KeyModifiers::CONTROL);
    let path = dir.path().join("out.js");
    type_str(&mut app, &path.display().to_string());
    let fx = key(&mut app, KeyCode::Enter, KeyModifiers::NONE);
    driver.execute(fx);
    let a = recv().await;
    app.update(a);
    assert!(!app.dirty());
    assert_eq!(std::fs::read_to_string(&path).unwrap(), "1+1");
    assert_eq!(app.title, "out.js");
    // Open with Tab completion of the directory.
    key(&mut app, KeyCode::Char('o'), KeyModifiers::CONTROL);
    type_str(&mut app, &format!("{}/ou", dir.path().display()));
    let fx = key(&mut app, KeyCode::Tab, KeyModifiers::NONE);
    driver.execute(fx);
    let a = recv().await;
    app.update(a);
    assert!(matches!(&app.overlay, Overlay::Prompt { input, .. } if input.ends_with("out.js")));
    // A missing file is a message, not a crash.
    app.update(Action::FileOpened {
        path: dir.path().join("nope.js"),
        result: Err("nope.js: No such file".into()),
        settings: None,
    });
    assert!(app.message.as_deref().unwrap_or("").contains("cannot open"));
}

#[test]
fn a_broken_user_theme_is_a_warning_in_the_status_bar_not_a_crash() {
    let dir = tempfile::tempdir().expect("tempdir");
    std::fs::write(dir.path().join("broken.toml"), "[syntax\nkeyword = 12").expect("write");
    let mut init = sandbench::tui::app::AppInit::new("t.js", "1");
    init.themes = sandbench::tui::theme::ThemeSet::load_from(Some(dir.path()), false);
    let mut app = App::new(init);
    app.start();
    let msg = app.message.clone().unwrap_or_default();
    assert!(msg.contains("broken.toml"), "{msg}");
    // The built-in themes are all still there to cycle through.
    assert!(app.theme.set.themes.len() >= 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_idle_workbench_has_no_timer_to_wake_for() {
    let (tx, _rx) = tokio::sync::mpsc::channel(64);
    let mut driver = Driver::new(tx).with_data_dir(None);
    let mut app = app("1 + 1");
    driver.arm(&app);
    assert_eq!(
        driver.next_deadline(),
        None,
        "idle: the loop sleeps until an event"
    );
    // Typing arms the debounce and the autosave timers; a run arms the spinner tick.
    let fx = app.update(Action::Insert("x".into()));
    driver.execute(fx);
    driver.arm(&app);
    assert!(driver.next_deadline().is_some());
    let text = app.buffer.text();
    scan_done(&mut app, sandbench::engine::scan::scan(&text));
    start_run(&mut app);
    driver.arm(&app);
    assert!(driver.next_deadline().is_some());
}

#[test]
fn a_click_on_either_half_of_a_wide_character_lands_on_that_character() {
    use sandbench::tui::action::MouseKind;
    // Editor text starts at x = 6, line 1 at y = 1; `日本語🙂` starts at cell 11.
    let src = "const s = '日本語🙂'; eval(s);\n";
    let mut app = app(src);
    let click = |app: &mut App, dx: u16| {
        app.update(Action::Mouse(MouseKind::Click, 6 + dx, 1));
        app.buffer.cursor()
    };
    assert_eq!(click(&mut app, 13), Pos::new(0, 12), "left half of 本");
    assert_eq!(click(&mut app, 14), Pos::new(0, 12), "right half of 本");
    assert_eq!(click(&mut app, 15), Pos::new(0, 13), "left half of 語");
    assert_eq!(
        click(&mut app, 18),
        Pos::new(0, 14),
        "right half of the emoji"
    );
    assert_eq!(click(&mut app, 19), Pos::new(0, 15), "the quote after it");
    assert_eq!(click(&mut app, 22), Pos::new(0, 18), "the `e` of `eval`");
}

// ── Scanner robustness: a scan that panics or overruns is a visible failure ─────────────

/// Drives `driver` until it reports an action for the App (or `limit` passes).
async fn driven_action(
    driver: &mut Driver,
    rx: &mut tokio::sync::mpsc::Receiver<Action>,
    limit: Duration,
) -> Action {
    let end = tokio::time::Instant::now() + limit;
    loop {
        let wake = driver
            .next_deadline()
            .map(|d| tokio::time::Instant::from_std(d).min(end))
            .unwrap_or(end);
        tokio::select! {
            got = rx.recv() => return got.expect("channel open"),
            _ = tokio::time::sleep_until(wake) => {
                if let Some(a) = driver.on_deadline().into_iter().next() {
                    return a;
                }
                assert!(tokio::time::Instant::now() < end, "no action within {limit:?}");
            }
        }
    }
}

fn edit(app: &mut App, driver: &mut Driver, s: &str) {
    let fx = type_str(app, s);
    driver.execute(fx);
}

/// A driver (no data directory) whose scanner calls `before` with the source, then scans it
/// as the real one does; each scan is given `deadline`.
fn driver_scanning_after(
    tx: tokio::sync::mpsc::Sender<Action>,
    deadline: Duration,
    before: fn(&str),
) -> Driver {
    let scanner: sandbench::tui::effects::Scanner =
        std::sync::Arc::new(move |src: &str, _context| {
            before(src);
            sandbench::engine::scan::scan(src)
        });
    Driver::new(tx)
        .with_data_dir(None)
        .with_scanner(scanner, deadline)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scanner_that_panics_is_a_scan_failure_and_f5_asks_before_running() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut driver = driver_scanning_after(tx, Duration::from_secs(10), |src| {
        if src.contains("boom") {
            panic!("the scanner broke on purpose");
        }
    });
    let mut app = app("");
    edit(&mut app, &mut driver, "boom");
    let got = driven_action(&mut driver, &mut rx, Duration::from_secs(10)).await;
    assert!(
        matches!(&got, Action::ScanFailed { reason, .. } if reason.contains("the scanner broke on purpose")),
        "{got:?}"
    );
    app.update(got);
    assert!(app.scan_failed_now());
    assert!(
        !app.scan_pending(),
        "no waiting for a scan that will never come"
    );
    assert!(
        app.messages.iter().any(|m| m.text.contains("scan failed")),
        "said where the user sees it"
    );
    // F5 does not run unscanned code silently: it asks.
    assert!(app.update(Action::Run).is_empty());
    assert!(
        matches!(app.overlay, Overlay::ConfirmRun(_)),
        "{:?}",
        app.overlay
    );

    // The benign twin: the next edit scans normally and the failure is gone.
    app.overlay = Overlay::None;
    app.update(Action::SelectAll);
    edit(&mut app, &mut driver, "1 + 1");
    match driven_action(&mut driver, &mut rx, Duration::from_secs(10)).await {
        Action::ScanDone { generation, report } => {
            assert_eq!(generation, app.generation());
            app.update(Action::ScanDone { generation, report });
        }
        other => panic!("{other:?}"),
    }
    assert!(!app.scan_failed_now());
    assert_eq!(app.verdict(), Some(Verdict::Allow));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scan_that_overruns_fails_visibly_and_the_latest_edit_is_scanned_next() {
    let (tx, mut rx) = tokio::sync::mpsc::channel(64);
    let mut driver = driver_scanning_after(tx, Duration::from_millis(300), |src| {
        if src.contains("slow") {
            std::thread::sleep(Duration::from_secs(3));
        }
    });
    let mut app = app("");
    edit(&mut app, &mut driver, "slow");
    let started = Instant::now();
    let got = driven_action(&mut driver, &mut rx, Duration::from_secs(10)).await;
    assert!(
        matches!(&got, Action::ScanFailed { reason, .. } if reason.contains("ran past")),
        "{got:?}"
    );
    assert!(
        started.elapsed() < Duration::from_millis(2500),
        "reported at its deadline, not when it finished: {:?}",
        started.elapsed()
    );
    app.update(got);
    assert!(app.scan_failed_now());
    // Edits while it still runs: one more scan, of the latest text only.
    let before = driver.scans_started;
    edit(&mut app, &mut driver, " x");
    edit(&mut app, &mut driver, "y");
    let latest = app.generation();
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match driven_action(&mut driver, &mut rx, Duration::from_secs(10)).await {
            Action::ScanDone { generation, report } => {
                let g = generation;
                app.update(Action::ScanDone { generation, report });
                if g == latest {
                    break;
                }
                // The slow scan's late report of older text is dropped by the App.
                assert_ne!(app.report_generation, Some(g));
            }
            other => {
                app.update(other);
            }
        }
        assert!(
            Instant::now() < deadline,
            "the latest edit was never scanned"
        );
    }
    assert_eq!(
        driver.scans_started,
        before + 1,
        "one scan for the two edits"
    );
    assert!(!app.scan_failed_now());
    assert!(!app.scan_pending());
}
