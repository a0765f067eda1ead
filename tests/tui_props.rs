//! The workbench never panics, whatever the user types and whatever comes back: random
//! sequences of edits, motions, mouse events, resizes (down to 1×1), overlays, hostile reports
//! with spans outside the buffer and run events with odd values, each followed by a draw.
// A test fails by panicking: unwrap/expect are its assertions.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod tui_support;

use proptest::prelude::*;
use sandbench::engine::exec::{
    BlockedAttempt, ConsoleLevel, ConsoleLine, ExecEvent, MemoryKind, Outcome, Sample,
};
use sandbench::engine::scan::Severity;
use sandbench::engine::Category;
use sandbench::tui::action::{Action, MouseKind};
use sandbench::tui::buffer::Motion;
use tui_support::*;

fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        "[a-z ]{0,8}",
        "[\\PC]{0,6}",
        Just("\n".to_string()),
        Just("\t".to_string()),
        Just("\u{1b}[2J\u{202e}\r\n".to_string()),
        Just("é漢字🙂".to_string()),
    ]
}

fn motion() -> impl Strategy<Value = Motion> {
    prop::sample::select(vec![
        Motion::Left,
        Motion::Right,
        Motion::Up,
        Motion::Down,
        Motion::WordLeft,
        Motion::WordRight,
        Motion::Home,
        Motion::End,
        Motion::PageUp(7),
        Motion::PageDown(7),
        Motion::DocStart,
        Motion::DocEnd,
    ])
}

#[derive(Debug, Clone)]
enum Step {
    Act(Action),
    Report(u32, u32, u32, u32),
    Event(u8, f64, u64, String, Option<u32>),
    Finish(u8, String),
    Draw(u16, u16),
}

fn step() -> impl Strategy<Value = Step> {
    prop_oneof![
        text().prop_map(|s| Step::Act(Action::Insert(s))),
        text().prop_map(|s| Step::Act(Action::Paste(s))),
        motion().prop_flat_map(|m| any::<bool>().prop_map(move |b| Step::Act(Action::Move(m, b)))),
        prop::sample::select(vec![
            Action::Newline,
            Action::Indent,
            Action::Backspace,
            Action::Delete,
            Action::SelectAll,
            Action::Copy,
            Action::Cut,
            Action::PasteInternal,
            Action::Undo,
            Action::Redo,
            Action::Run,
            Action::ConfirmRun,
            Action::Cancel,
            Action::Escape,
            Action::SearchPrompt,
            Action::SearchNext,
            Action::SearchPrev,
            Action::ToggleHelp,
            Action::ShowExecutors,
            Action::ShowSamples,
            Action::NextTheme,
            Action::FocusNext,
            Action::FocusPrev,
            Action::NextFinding,
            Action::Up,
            Action::Down,
            Action::Left,
            Action::Right,
            Action::Enter,
            Action::NextTab,
            Action::PrevTab,
            Action::PromptBackspace,
            Action::Tick,
            Action::AutosaveDue,
        ])
        .prop_map(Step::Act),
        any::<char>().prop_map(|c| Step::Act(Action::PromptChar(c))),
        any::<char>().prop_map(|c| Step::Act(Action::Answer(c))),
        (0u8..4, 0u16..300, 0u16..120).prop_map(|(k, x, y)| {
            let kind = [
                MouseKind::Click,
                MouseKind::Drag,
                MouseKind::ScrollUp,
                MouseKind::ScrollDown,
            ][k as usize];
            Step::Act(Action::Mouse(kind, x, y))
        }),
        (0u16..300, 0u16..120).prop_map(|(w, h)| Step::Act(Action::Resize(w, h))),
        (0u32..50, 0u32..200, 0u32..50, 0u32..200)
            .prop_map(|(a, b, c, d)| Step::Report(a, b, c, d)),
        (
            0u8..3,
            any::<f64>(),
            any::<u64>(),
            "[\\PC]{0,20}",
            proptest::option::of(0u32..100)
        )
            .prop_map(|(k, f, u, s, l)| Step::Event(k, f, u, s, l)),
        (0u8..9, "[\\PC]{0,30}").prop_map(|(k, s)| Step::Finish(k, s)),
        (1u16..200, 1u16..70).prop_map(|(w, h)| Step::Draw(w, h)),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
    #[test]
    fn any_sequence_of_inputs_and_results_never_panics(steps in prop::collection::vec(step(), 1..60)) {
        let mut app = app_sized("p.js", ESCAPE_JS, 80, 24);
        for s in steps {
            match s {
                Step::Act(a) => {
                    app.update(a);
                }
                Step::Report(l, c, el, ec) => {
                    let mut r = escape_report(&app.buffer.text());
                    let mut f = finding("constructor-chain", Severity::High, 60, l, c, ec);
                    f.end_line = el;
                    r.findings.push(f);
                    scan_done(&mut app, r);
                }
                Step::Event(k, f, u, s, l) => {
                    let run = app.live.as_ref().map_or(0, |l| l.id);
                    let ev = match k {
                        0 => ExecEvent::Sample(Sample { elapsed_ms: f, memory_bytes: u, cpu_ms: -f, memory_kind: if u % 2 == 0 { MemoryKind::Heap } else { MemoryKind::Rss } }),
                        1 => ExecEvent::Console(ConsoleLine { level: ConsoleLevel::Warn, text: s }),
                        _ => ExecEvent::Blocked(BlockedAttempt {
                            capability: s.clone(),
                            category: Category::Network,
                            message: s,
                            line: l,
                            column: l,
                            count: 1,
                        }),
                    };
                    exec(&mut app, run, ev);
                }
                Step::Finish(k, s) => {
                    let run = app.live.as_ref().map_or(0, |l| l.id);
                    let kinds = [
                        Outcome::Ok, Outcome::Error, Outcome::Timeout, Outcome::MemoryLimit,
                        Outcome::StackOverflow, Outcome::Pending, Outcome::Cancelled,
                        Outcome::Crashed, Outcome::Blocked,
                    ];
                    let mut o = outcome(&app.buffer.text(), kinds[k as usize]);
                    o.value_display = s.clone();
                    o.duration_ms = f64::NAN;
                    o.error = Some(sandbench::engine::exec::JsError {
                        name: s.clone(),
                        message: s.clone(),
                        stack: s,
                    });
                    exec(&mut app, run, ExecEvent::Finished(Box::new(o)));
                }
                Step::Draw(w, h) => {
                    draw(&app, w, h);
                }
            }
        }
        draw(&app, app.size.0.clamp(1, 300), app.size.1.clamp(1, 120));
    }
}
