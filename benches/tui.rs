//! The TUI benchmark: first frame after start, keystroke to drawn frame on a 100 KB buffer,
//! idle CPU. `cargo bench --bench tui` (add `-- --json` for one JSON object); it drives the
//! `sandbench` binary cargo builds for it, or the one named by `SANDBENCH_BIN`.
//!
//! - `first_frame_inprocess_ms`: load themes, build the App on the welcome sample, draw the
//!   first frame (into a `TestBackend`; the terminal's own write is not included). Median of 20.
//! - `first_frame_tmux_ms`: the real binary started in a detached tmux pane until the pane
//!   shows the workbench — process start, terminal setup and the first draw, as a person sees
//!   it (polling resolution ≈ 2–5 ms). Median of 5. Needs tmux.
//! - `keystroke_ms`: `App::update(Insert)` plus a full draw at 160×48 with the cursor in the
//!   middle of a 100 KB buffer with findings: median, p99 and max of 300 keystrokes.
//! - `idle_cpu_percent`: CPU time of the real binary over 5 s of idle after its first frame,
//!   from `/proc/<pid>/stat`. Needs tmux and Linux.
// A measurement harness: a failed setup step ends it with its message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/tui_support/tmux.rs"]
#[allow(dead_code)] // the tests use more of it
mod tmux;

use ratatui::backend::TestBackend;
use ratatui::Terminal;
use sandbench::tui::action::Action;
use sandbench::tui::app::{App, AppInit};
use sandbench::tui::theme::ThemeSet;
use sandbench::tui::ui;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use tmux::Session;

pub const TARGET_FIRST_FRAME_MS: f64 = 100.0;
pub const TARGET_KEYSTROKE_MS: f64 = 16.0;
pub const TARGET_IDLE_CPU_PERCENT: f64 = 1.0;

fn main() {
    guard_against_reentry();
    let json = std::env::args().any(|a| a == "--json");
    let mut results: Vec<(&str, Option<f64>, String)> = Vec::new();
    let first = first_frame_inprocess();
    results.push((
        "first_frame_inprocess_ms",
        Some(first),
        "median of 20".into(),
    ));
    let tmux_first = first_frame_tmux();
    results.push((
        "first_frame_tmux_ms",
        tmux_first.as_ref().ok().copied(),
        tmux_first
            .as_ref()
            .err()
            .cloned()
            .unwrap_or_else(|| "median of 5, real binary".into()),
    ));
    let (median, p99, max) = keystrokes();
    results.push((
        "keystroke_median_ms",
        Some(median),
        "100 KB buffer, 160x48".into(),
    ));
    results.push(("keystroke_p99_ms", Some(p99), "300 keystrokes".into()));
    results.push(("keystroke_max_ms", Some(max), String::new()));
    let idle = idle_cpu();
    results.push((
        "idle_cpu_percent",
        idle.as_ref().ok().copied(),
        idle.as_ref()
            .err()
            .cloned()
            .unwrap_or_else(|| "5 s idle, real binary".into()),
    ));
    let first_ok = tmux_first.as_ref().map_or(first, |v| *v) <= TARGET_FIRST_FRAME_MS;
    let key_ok = p99 <= TARGET_KEYSTROKE_MS;
    let idle_ok = idle.as_ref().map_or(true, |v| *v < TARGET_IDLE_CPU_PERCENT);
    if json {
        let mut obj = serde_json::Map::new();
        obj.insert("suite".into(), "tui".into());
        for (k, v, _) in &results {
            obj.insert((*k).into(), v.map_or(serde_json::Value::Null, |v| v.into()));
        }
        obj.insert("first_frame_ok".into(), first_ok.into());
        obj.insert("keystroke_ok".into(), key_ok.into());
        obj.insert("idle_cpu_ok".into(), idle_ok.into());
        println!("{}", serde_json::Value::Object(obj));
    } else {
        println!("tui suite");
        for (k, v, note) in &results {
            let v = v.map_or_else(|| "skipped".to_string(), |v| format!("{v:.3}"));
            println!("  {k:<26} {v:>10}  {note}");
        }
        let mark = |ok: bool| if ok { "ok" } else { "MISSED" };
        println!(
            "  targets: first frame ≤ {TARGET_FIRST_FRAME_MS} ms {} · keystroke p99 ≤ {TARGET_KEYSTROKE_MS} ms {} · idle CPU < {TARGET_IDLE_CPU_PERCENT}% {}",
            mark(first_ok),
            mark(key_ok),
            mark(idle_ok)
        );
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1000.0
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() - 1) as f64 * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn first_frame_inprocess() -> f64 {
    let mut times = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let s = sandbench::samples::default_sample().map_or("", |s| s.source);
        let mut init = AppInit::new("welcome.js", s);
        init.themes = ThemeSet::load_from(None, false);
        init.size = (120, 40);
        let mut app = App::new(init);
        let _ = app.start();
        let Ok(mut term) = Terminal::new(TestBackend::new(120, 40));
        let _ = term.draw(|f| ui::render(&app, f));
        times.push(ms(t.elapsed()));
    }
    times.sort_by(f64::total_cmp);
    percentile(&times, 0.5)
}

/// About 100 KB of plausible JavaScript with a finding every few hundred lines.
fn big_source() -> String {
    let mut s = String::with_capacity(110 * 1024);
    let mut i = 0;
    while s.len() < 100 * 1024 {
        if i % 200 == 0 {
            s.push_str(&format!(
                "const k{i} = 'constr' + 'uctor'; const F{i} = (() => {{}})[k{i}];\n"
            ));
        } else {
            s.push_str(&format!(
                "function f{i}(a, b) {{ /* step {i} */ return `${{a}}-${{b}}` + \"{i}\".length * 3.5; }}\n"
            ));
        }
        i += 1;
    }
    s
}

fn keystrokes() -> (f64, f64, f64) {
    let src = big_source();
    let mut init = AppInit::new("big.js", src.clone());
    init.themes = ThemeSet::load_from(None, false);
    init.size = (160, 48);
    let mut app = App::new(init);
    let _ = app.start();
    let report = sandbench::engine::scan::scan(&src);
    let generation = app.generation();
    app.update(Action::ScanDone {
        generation,
        report: Box::new(report),
    });
    let middle = app.buffer.line_count() / 2;
    app.buffer
        .set_cursor(sandbench::tui::buffer::Pos::new(middle, 10));
    app.update(Action::Move(sandbench::tui::buffer::Motion::Right, false));
    let Ok(mut term) = Terminal::new(TestBackend::new(160, 48));
    let _ = term.draw(|f| ui::render(&app, f));
    let mut times = Vec::with_capacity(300);
    for i in 0..300 {
        let t = Instant::now();
        let a = if i % 10 == 9 {
            Action::Backspace
        } else {
            Action::Insert("x".into())
        };
        let _fx = app.update(a);
        let _ = term.draw(|f| ui::render(&app, f));
        times.push(ms(t.elapsed()));
    }
    times.sort_by(f64::total_cmp);
    (
        percentile(&times, 0.5),
        percentile(&times, 0.99),
        times.last().copied().unwrap_or(0.0),
    )
}

/// The binary to measure: `SANDBENCH_BIN`, else the one cargo built for this benchmark.
fn binary() -> PathBuf {
    std::env::var_os("SANDBENCH_BIN").map_or_else(
        || PathBuf::from(env!("CARGO_BIN_EXE_sandbench")),
        PathBuf::from,
    )
}

/// The workbench on the welcome sample in a fresh tmux session (with its own config and data
/// directories), and when it was started. The directory goes with the session.
fn start_pane() -> Result<(Session, tempfile::TempDir, Instant), String> {
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    // The measured binary picks its own worker, as it would for a person (the variable this
    // process set for its own App would pin it to this build's).
    let cmd = format!(
        "SANDBENCH_WORKER= {}",
        tmux::workbench_command(dir.path(), &binary(), &[])
    );
    let t = Instant::now();
    let s = Session::run(120, 40, &cmd).map_err(|e| format!("skipped: {e}"))?;
    Ok((s, dir, t))
}

fn wait_drawn(s: &Session, started: Instant) -> Result<f64, String> {
    let drawn = |screen: &str| screen.contains("Threats") && screen.contains("Resources");
    match s.poll(Duration::from_secs(10), Duration::from_millis(1), drawn) {
        Some(_) => Ok(ms(started.elapsed())),
        None => Err("the workbench did not draw within 10 s".into()),
    }
}

fn first_frame_tmux() -> Result<f64, String> {
    let mut times = Vec::new();
    for _ in 0..5 {
        let (pane, _dir, t) = start_pane()?;
        times.push(wait_drawn(&pane, t)?);
    }
    times.sort_by(f64::total_cmp);
    Ok(percentile(&times, 0.5))
}

fn proc_cpu_ticks(pid: &str) -> Result<u64, String> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat"))
        .map_err(|e| format!("skipped: /proc/{pid}/stat ({e})"))?;
    // Fields after the command name (which may hold spaces) start after the last ')'.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the whole line: 12 and 13 after ") ".
    let get = |i: usize| f.get(i).and_then(|v| v.parse::<u64>().ok()).unwrap_or(0);
    Ok(get(11) + get(12))
}

fn idle_cpu() -> Result<f64, String> {
    let (pane, _dir, t) = start_pane()?;
    wait_drawn(&pane, t)?;
    let pid = pane.display("#{pane_pid}");
    // Let the first scan and any startup work settle.
    std::thread::sleep(Duration::from_millis(500));
    let before = proc_cpu_ticks(&pid)?;
    let t0 = Instant::now();
    std::thread::sleep(Duration::from_secs(5));
    let after = proc_cpu_ticks(&pid)?;
    // SAFETY: sysconf has no preconditions.
    let hz = unsafe { libc::sysconf(libc::_SC_CLK_TCK) }.max(1) as f64;
    let cpu_s = (after.saturating_sub(before)) as f64 / hz;
    Ok(cpu_s / t0.elapsed().as_secs_f64() * 100.0)
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
