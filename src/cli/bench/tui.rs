//! The `tui` benchmark suite: first frame after start, keystroke to drawn frame on a 100 KB
//! buffer, idle CPU.
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

use super::BenchArgs;
use crate::tui::action::Action;
use crate::tui::app::{App, AppInit};
use crate::tui::theme::ThemeSet;
use crate::tui::ui;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use std::process::Command;
use std::time::{Duration, Instant};

pub const TARGET_FIRST_FRAME_MS: f64 = 100.0;
pub const TARGET_KEYSTROKE_MS: f64 = 16.0;
pub const TARGET_IDLE_CPU_PERCENT: f64 = 1.0;

/// Runs the suite and prints its results; returns an exit code.
pub fn run(args: &BenchArgs) -> u8 {
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
    let _ = tmux(&["kill-server"]);
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
    if args.json {
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
    crate::cli::EXIT_OK
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
        let s = crate::samples::default_sample().map_or("", |s| s.source);
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
pub fn big_source() -> String {
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
    let report = crate::engine::scan::scan(&src);
    let generation = app.generation();
    app.update(Action::ScanDone {
        generation,
        report: Box::new(report),
    });
    let middle = app.buffer.line_count() / 2;
    app.buffer
        .set_cursor(crate::tui::buffer::Pos::new(middle, 10));
    app.update(Action::Move(crate::tui::buffer::Motion::Right, false));
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

/// The benchmark's own tmux server, apart from the user's sessions.
fn tmux_socket() -> String {
    format!("sandbench-bench-{}", std::process::id())
}

fn tmux(args: &[&str]) -> Result<String, String> {
    let out = Command::new("tmux")
        .arg("-L")
        .arg(tmux_socket())
        .args(args)
        .output()
        .map_err(|e| format!("skipped: tmux not available ({e})"))?;
    if !out.status.success() {
        return Err(format!(
            "tmux {}: {}",
            args.first().unwrap_or(&""),
            String::from_utf8_lossy(&out.stderr).trim()
        ));
    }
    Ok(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// A detached tmux session running this binary on the welcome sample; killed on drop.
struct Pane {
    name: String,
    dir: std::path::PathBuf,
}

impl Drop for Pane {
    fn drop(&mut self) {
        let _ = tmux(&["kill-session", "-t", &self.name]);
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn start_pane(tag: &str) -> Result<(Pane, Instant), String> {
    let exe = std::env::current_exe().map_err(|e| format!("current exe: {e}"))?;
    let name = format!("sandbench-bench-{tag}-{}", std::process::id());
    let dir = std::env::temp_dir().join(&name);
    let q = |p: &std::path::Path| format!("'{}'", p.display().to_string().replace('\'', r"'\''"));
    let cmd = format!(
        "SANDBENCH_DATA_DIR={} SANDBENCH_CONFIG_DIR={} exec {}",
        q(&dir.join("data")),
        q(&dir.join("config")),
        q(&exe)
    );
    let t = Instant::now();
    tmux(&[
        "new-session",
        "-d",
        "-s",
        &name,
        "-x",
        "120",
        "-y",
        "40",
        &cmd,
    ])?;
    Ok((Pane { name, dir }, t))
}

fn wait_drawn(p: &Pane, started: Instant) -> Result<f64, String> {
    let deadline = started + Duration::from_secs(10);
    loop {
        let screen = tmux(&["capture-pane", "-t", &p.name, "-p"])?;
        if screen.contains("Threats") && screen.contains("Resources") {
            return Ok(ms(started.elapsed()));
        }
        if Instant::now() > deadline {
            return Err("the workbench did not draw within 10 s".into());
        }
        std::thread::sleep(Duration::from_millis(1));
    }
}

fn first_frame_tmux() -> Result<f64, String> {
    let mut times = Vec::new();
    for i in 0..5 {
        let (pane, t) = start_pane(&format!("first{i}"))?;
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
    let (pane, t) = start_pane("idle")?;
    wait_drawn(&pane, t)?;
    let pid = tmux(&["display", "-p", "-t", &pane.name, "#{pane_pid}"])?
        .trim()
        .to_string();
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
