//! The editor on a 1 MB buffer: keystroke latency and the memory the undo history keeps.
//!
//! `cargo bench --bench editor` (add `-- --json` for one JSON object). What it measures:
//! The App part runs first: what the allocator kept from the other part would otherwise change
//! its numbers (freed history memory makes the next large allocations cheaper).
//! - `buffer_*_ms`: one `Buffer` edit with the cursor in the middle of ~1 MB of JavaScript:
//!   a mix of typing (grouped into one undo step per run of characters), Enter and Backspace
//!   (each a step of its own) — median, p99 and max of 1,000 keystrokes.
//! - `app_*_ms`: the same keys through `App::update` plus a full draw at 160×48 (what a person
//!   waits for, minus the terminal's write), 300 keystrokes.
//! - `history_bytes`: heap still held after those 1,000 buffer edits, beyond the buffer
//!   itself: what the undo history costs (a counting allocator; the buffer's own growth is a
//!   few hundred bytes).
//! - `undo_all_ms`: undoing every step, then redoing them all.
// A measurement harness: a failed setup step ends it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sandbench::tui::action::Action;
use sandbench::tui::app::{App, AppInit};
use sandbench::tui::buffer::{Buffer, Pos};
use sandbench::tui::theme::ThemeSet;
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

/// Counts the bytes currently allocated, so the history's footprint can be read off.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; the counter only
// observes sizes.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        LIVE.fetch_add(l.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `alloc` is passed on as is.
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: `p` came from `alloc` above with the same layout.
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        LIVE.fetch_add(new, Ordering::Relaxed);
        LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        // SAFETY: the caller's contract for `realloc` is passed on as is.
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Room left under the 1 MiB cap for the edits.
const SOURCE_BYTES: usize = 1_000_000;

/// ~1 MB of plausible JavaScript (short lines, as real code has).
fn source() -> String {
    let mut s = String::with_capacity(SOURCE_BYTES + 200);
    let mut i = 0;
    while s.len() < SOURCE_BYTES - 120 {
        s.push_str(&format!(
            "function f{i}(a, b) {{ /* step {i} */ return `${{a}}-${{b}}` + \"{i}\".length; }}\n"
        ));
        i += 1;
    }
    s
}

/// Keystroke `i` of the mix: eight characters, then Enter, then Backspace.
fn key(i: usize) -> Action {
    match i % 10 {
        8 => Action::Newline,
        9 => Action::Backspace,
        _ => Action::Insert("x".into()),
    }
}

fn apply(b: &mut Buffer, a: &Action) {
    match a {
        Action::Newline => {
            b.newline();
        }
        Action::Backspace => {
            b.backspace();
        }
        Action::Insert(s) => {
            b.insert_str(s);
        }
        _ => {}
    }
}

fn ms_since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

/// (median, p99, max) of `v`, sorted in place.
fn summary(v: &mut [f64]) -> (f64, f64, f64) {
    v.sort_by(f64::total_cmp);
    let at = |p: f64| v[((v.len() - 1) as f64 * p).round() as usize];
    (at(0.5), at(0.99), at(1.0))
}

fn main() {
    guard_against_reentry();
    let json = std::env::args().any(|a| a == "--json");
    let src = source();

    // ── App::update + draw, first: on a fresh heap, as in the workbench ──
    let mut init = AppInit::new("big.js", src.clone());
    init.themes = ThemeSet::load_from(None, false);
    init.size = (160, 48);
    let mut app = App::new(init);
    let _ = app.start();
    let middle = app.buffer.line_count() / 2;
    app.buffer.set_cursor(Pos::new(middle, 10));
    // A TestBackend cannot fail (its error type is Infallible).
    let Ok(mut term) = Terminal::new(TestBackend::new(160, 48));
    let mut app_times = Vec::with_capacity(300);
    for i in 0..300 {
        let t = Instant::now();
        let _fx = app.update(key(i));
        let _ = term.draw(|f| sandbench::tui::ui::render(&app, f));
        app_times.push(ms_since(t));
    }
    let (a_med, a_p99, a_max) = summary(&mut app_times);
    drop(app);

    // ── Buffer alone ──
    let mut b = Buffer::from_text(&src);
    b.set_cursor(Pos::new(middle, 10));
    let before = LIVE.load(Ordering::Relaxed);
    let mut times = Vec::with_capacity(1000);
    for i in 0..1000 {
        let a = key(i);
        let t = Instant::now();
        apply(&mut b, &a);
        times.push(ms_since(t));
    }
    let history_bytes = LIVE.load(Ordering::Relaxed).saturating_sub(before);
    let (b_med, b_p99, b_max) = summary(&mut times);
    let t = Instant::now();
    let mut steps = 0;
    while b.undo() {
        steps += 1;
    }
    while b.redo() {}
    let undo_all = ms_since(t);
    drop(b);

    let rows: [(&str, f64); 9] = [
        ("buffer_median_ms", b_med),
        ("buffer_p99_ms", b_p99),
        ("buffer_max_ms", b_max),
        ("app_median_ms", a_med),
        ("app_p99_ms", a_p99),
        ("app_max_ms", a_max),
        ("history_bytes", history_bytes as f64),
        ("undo_steps", f64::from(steps)),
        ("undo_all_ms", undo_all),
    ];
    if json {
        let mut obj = serde_json::Map::new();
        obj.insert("suite".into(), "editor".into());
        obj.insert("source_bytes".into(), src.len().into());
        for (k, v) in rows {
            obj.insert(k.into(), v.into());
        }
        println!("{}", serde_json::Value::Object(obj));
    } else {
        println!("editor on a {} byte buffer", src.len());
        for (k, v) in rows {
            println!("  {k:<18} {v:>14.3}");
        }
    }
}

/// `AppInit::new` detects the executors, and the process executor's probe starts a worker
/// program: unless told otherwise, this very executable with `worker --probe`, which for a
/// benchmark would be the benchmark again, recursively. Name the dedicated worker cargo built
/// (as `sandbench` finds it next to itself), and refuse to run as a worker anyway.
fn guard_against_reentry() {
    if std::env::args().nth(1).as_deref() == Some("worker") {
        eprintln!("this is a benchmark, not a sandbench worker");
        std::process::exit(2);
    }
    if std::env::var_os("SANDBENCH_WORKER").is_none() {
        // Still one thread: nothing else reads the environment yet.
        std::env::set_var("SANDBENCH_WORKER", env!("CARGO_BIN_EXE_sandbench-worker"));
    }
}
